/* What each call's arguments and result are: the table of signatures.h,
 * and the classes of -e trace=%CLASS. */
#include "internal.h"

#include "signatures.h"

const struct sig *sig_of(long nr)
{
	return nr >= 0 && nr < SIG_TABLE && sigs[nr].ok ? &sigs[nr] : NULL;
}

unsigned dc_classes(long nr)
{
	const struct sig *s = sig_of(nr);
	unsigned cls;

	if (!s)
		return 0;
	cls = s->cls;
	for (int i = 0; i < s->n; i++) {
		if (s->t[i] == A_PATH)
			cls |= DC_CL_FILE;
		if (s->t[i] == A_FD || s->t[i] == A_DIRFD)
			cls |= DC_CL_DESC;
	}
	if (s->ret == R_FD)
		cls |= DC_CL_DESC;
	return cls;
}

int dc_returns(long nr)
{
	const struct sig *s = sig_of(nr);
	return !s || (s->ret != R_NONE && s->ret != R_SIGRET);
}
