/* A failed call's result: "-1 ENOENT (No such file or directory)". */
#include "internal.h"

/* The kernel-internal restart codes, should one ever reach us. */
static const char *restart_name(int e, const char **text)
{
	switch (e) {
	case 512: *text = "To be restarted if SA_RESTART is set"; return "ERESTARTSYS";
	case 513: *text = "To be restarted"; return "ERESTARTNOINTR";
	case 514: *text = "To be restarted if no handler"; return "ERESTARTNOHAND";
	case 516: *text = "Interrupted by signal"; return "ERESTART_RESTARTBLOCK";
	}
	return NULL;
}

/* " -1 ENOENT (No such file or directory)" after "= ". */
void put_error(struct dc_out *o, long ret)
{
	int e = (int)-ret;
	const char *text = NULL, *name = restart_name(e, &text);

	if (name) {
		dc_printf(o, "? %s (%s)", name, text);
		return;
	}
	name = tv_errno_name(e);
	if (name)
		dc_printf(o, "-1 %s (%s)", name, tv_strerror(e));
	else
		dc_printf(o, "-1 (errno %d)", e);
}
