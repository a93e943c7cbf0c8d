/* tvisor-nop: traps every system call and forwards it unchanged.  It is
 * the conformance harness: a program must behave under it exactly as it
 * does natively.  --syscalls narrows the set, for measuring and for
 * tests. */
#include "tvisor.h"

static int *chosen;

static int parse_list(const char *list)
{
	size_t n = 1;
	for (const char *s = list; *s; s++)
		n += *s == ',';
	chosen = tv_calloc(n + 1, sizeof *chosen);
	if (!chosen)
		return -1;

	char name[64];
	size_t k = 0, len = 0;
	for (const char *s = list;; s++) {
		if (*s && *s != ',') {
			if (len + 1 < sizeof name)
				name[len++] = *s;
			continue;
		}
		name[len] = 0;
		long nr = tv_syscall_number(name);
		unsigned long num;
		if (nr < 0 && tv_parse_ulong(name, &num) == 0 && (long)num < tv_syscall_max())
			nr = (long)num;
		if (nr < 0) {
			tv_dprintf(2, "tvisor-nop: unknown syscall '%s'\n", name);
			return -1;
		}
		chosen[k++] = (int)nr;
		len = 0;
		if (!*s)
			break;
	}
	chosen[k] = -1;
	return 0;
}

static int option(int argc, char **argv)
{
	if (!tv_strcmp(argv[0], "--syscalls") || !tv_strcmp(argv[0], "-s")) {
		if (argc < 2) {
			tv_dprintf(2, "tvisor-nop: %s needs a list of syscalls\n", argv[0]);
			return -1;
		}
		return parse_list(argv[1]) < 0 ? -1 : 2;
	}
	return 0;
}

static const int *syscall_set(void)
{
	return chosen;	/* NULL unless --syscalls: every number */
}

/* Lets every call run.  Having a hook at all matters: with --pair it runs
 * on the paired kernel thread, so the conformance suites cover that
 * hand-off too. */
static enum tv_verdict enter(struct tv_call *c)
{
	(void)c;
	return TV_RUN;
}

TV_TOOL(.name = "tvisor-nop",
	.summary = "Run PROGRAM with its system calls trapped and forwarded unchanged.",
	.usage = "  -s, --syscalls LIST  trap only these calls (names or numbers, comma-separated)\n",
	.syscalls = NULL,
	.option = option,
	.syscall_set = syscall_set,
	.enter = enter);
