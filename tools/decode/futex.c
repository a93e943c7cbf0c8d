/* futex(2): its operation, and which of its arguments the operation uses. */
#include "internal.h"

void put_futex_op(struct dc_out *o, unsigned long v)
{
	unsigned long cmd = v & FUTEX_CMD_MASK;
	const char *n = xlookup(futex_cmds, cmd);

	if (n)
		dc_printf(o, "%s%s", n, (v & FUTEX_PRIVATE_FLAG) ? "_PRIVATE" : "");
	else
		dc_printf(o, "0x%lx", v & ~(unsigned long)FUTEX_CLOCK_REALTIME);
	if (v & FUTEX_CLOCK_REALTIME)
		dc_puts(o, "|FUTEX_CLOCK_REALTIME");
}

/* Whether futex operation op shows argument kind t (A_FX_*). */
int futex_arg_shown(long op, int t)
{
	long cmd = op & FUTEX_CMD_MASK;

	switch (t) {
	case A_FX_VAL:
		return cmd != FUTEX_UNLOCK_PI && cmd != FUTEX_TRYLOCK_PI;
	case A_FX_TMO:
		return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
		       cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_REQUEUE ||
		       cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
		       cmd == FUTEX_CMP_REQUEUE_PI || cmd == FUTEX_LOCK_PI2;
	case A_FX_UADDR2:
		return cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
		       cmd == FUTEX_WAIT_REQUEUE_PI || cmd == FUTEX_CMP_REQUEUE_PI;
	default:
		return cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
		       cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAKE_BITSET ||
		       cmd == FUTEX_CMP_REQUEUE_PI;
	}
}

/* The fourth argument: a timeout, or for the requeueing operations val2. */
void put_futex_timeout(struct dc_out *o, long op, unsigned long v)
{
	long cmd = op & FUTEX_CMD_MASK;

	if (cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
	    cmd == FUTEX_CMP_REQUEUE_PI)
		dc_printf(o, "%u", (unsigned)v);
	else
		put_ts(o, v);
}

void put_futex_val3(struct dc_out *o, long op, unsigned v)
{
	long cmd = op & FUTEX_CMD_MASK;

	if (v == 0xffffffffu && (cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAKE_BITSET))
		dc_puts(o, "FUTEX_BITSET_MATCH_ANY");
	else
		put_hex(o, v);
}
