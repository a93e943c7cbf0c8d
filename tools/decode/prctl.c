/* prctl(2): the arguments after the option, as each option uses them. */
#include "internal.h"

/* Whether option op has arguments to show (the PR_GET_* that return
 * their answer have none). */
int prctl_has_args(long op)
{
	switch (op) {
	case PR_GET_DUMPABLE: case PR_GET_KEEPCAPS: case PR_GET_SECCOMP: case PR_GET_TIMERSLACK:
	case PR_GET_NO_NEW_PRIVS: case PR_GET_THP_DISABLE: case PR_GET_SECUREBITS:
	case PR_GET_TIMING: case PR_GET_FP_MODE: case PR_TASK_PERF_EVENTS_DISABLE:
	case PR_TASK_PERF_EVENTS_ENABLE: case PR_MCE_KILL_GET:
		return 0;
	}
	return 1;
}

void put_prctl_args(struct dc_out *o, const struct dc_call *c)
{
	const long *a = c->a;
	switch (a[0]) {
	case PR_SET_NAME:
		put_str(o, (unsigned long)a[1]);
		return;
	case PR_GET_NAME:
		if (call_failed(c))
			dc_put_ptr(o, (unsigned long)a[1]);
		else
			put_str(o, (unsigned long)a[1]);
		return;
	case PR_SET_PDEATHSIG:
		dc_put_signame(o, a[1], 1);
		return;
	case PR_GET_PDEATHSIG: {
		int s;
		if (!call_failed(c) && peek_int((unsigned long)a[1], &s)) {
			dc_putc(o, '[');
			dc_put_signame(o, s, 1);
			dc_putc(o, ']');
		} else {
			dc_put_ptr(o, (unsigned long)a[1]);
		}
		return;
	}
	case PR_SET_DUMPABLE: case PR_SET_KEEPCAPS: case PR_SET_TIMERSLACK:
	case PR_CAPBSET_READ: case PR_CAPBSET_DROP:
		dc_printf(o, "%lu", (unsigned long)a[1]);
		return;
	case PR_SET_NO_NEW_PRIVS: case PR_SET_THP_DISABLE: case PR_SET_CHILD_SUBREAPER:
		dc_printf(o, "%lu, %lu, %lu, %lu", (unsigned long)a[1], (unsigned long)a[2],
			  (unsigned long)a[3], (unsigned long)a[4]);
		return;
	}
	for (int i = 1; i < 5; i++) {
		if (i > 1)
			dc_puts(o, ", ");
		put_hex(o, (unsigned long)a[i]);
	}
}
