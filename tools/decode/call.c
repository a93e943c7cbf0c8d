/* A whole call: which arguments are shown and when, the result. */
#include "internal.h"

/* The default reader is the monitor's; a hosted test brings its own. */
struct dc_config dc_config = {
	.strsize = 32,
	.read = tv_mem_read,
	.read_str = tv_mem_read_str,
};

static int nargs(const struct sig *s)
{
	return s ? s->n : 6;
}

static int kind(const struct sig *s, int i)
{
	return s ? s->t[i] : A_HEX;
}

int call_failed(const struct dc_call *c)
{
	return !c->done || is_err(c->ret);
}

int peek_int(unsigned long addr, int *v)
{
	return addr && dc_read(v, addr, sizeof *v) == 0;
}

/* Whether argument i is shown at all (some exist only for some values of
 * the others). */
static int present(const struct dc_call *c, int i, int t)
{
	switch (t) {
	case A_SIGRETMASK:
		return c->cap[i] >= 0;
	case A_OMODE:
		return (c->a[i - 1] & O_CREAT) || (c->a[i - 1] & O_TMPFILE) == O_TMPFILE;
	case A_DEV:
		return (c->a[i - 1] & S_IFMT) == S_IFCHR || (c->a[i - 1] & S_IFMT) == S_IFBLK;
	case A_FCNTL_ARG:
		switch (c->a[1]) {
		case F_GETFD: case F_GETFL: case F_GETOWN: case F_GETSIG: case F_GETLEASE:
		case F_GETPIPE_SZ: case F_GET_SEALS:
			return 0;
		}
		return 1;
	case A_CL_PTID:
		return (c->a[0] & CLONE_PARENT_SETTID) != 0;
	case A_CL_TLS:
		return (c->a[0] & CLONE_SETTLS) != 0;
	case A_CL_CTID:
		return (c->a[0] & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) != 0;
	case A_FX_VAL: case A_FX_TMO: case A_FX_UADDR2: case A_FX_VAL3:
		return futex_arg_shown(c->a[1], t);
	case A_IOCTL_ARG:
		return ioctl_has_arg((unsigned)c->a[1]);
	case A_PRCTL_ARGS:
		return prctl_has_args(c->a[0]);
	}
	return 1;
}

void dc_put_result(struct dc_out *o, const struct dc_call *c)
{
	const struct sig *s = sig_of(c->nr);
	long r = c->ret;
	int kind = s ? s->ret : R_DEC;

	if (!c->done || kind == R_NONE) {
		dc_putc(o, '?');
		return;
	}
	if (is_err(r)) {
		put_error(o, r);
		return;
	}
	switch (kind) {
	case R_HEX:
		dc_printf(o, "0x%lx", (unsigned long)r);
		return;
	case R_FD:
		put_fd(o, r);
		return;
	case R_OCT:
		put_oct(o, (unsigned long)r);
		return;
	case R_FCNTL:
		if (c->a[1] == F_GETFD && r) {
			dc_printf(o, "0x%lx (flags ", (unsigned long)r);
			put_flags(o, fd_flags, (unsigned long)r, "0");
			dc_putc(o, ')');
			return;
		}
		if (c->a[1] == F_GETFL) {
			put_hex(o, (unsigned long)r);
			dc_puts(o, " (flags ");
			put_open_flags(o, (unsigned long)r);
			dc_putc(o, ')');
			return;
		}
		if (c->a[1] == F_GET_SEALS) {
			put_hex(o, (unsigned long)r);
			dc_puts(o, " (seals ");
			put_flags(o, seals, (unsigned long)r, "0");
			dc_putc(o, ')');
			return;
		}
		break;
	case R_POLL:
		if (r == 0) {
			dc_puts(o, "0 (Timeout)");
			return;
		}
		dc_printf(o, "%ld (", r);
		put_pollfds(o, (unsigned long)c->a[0], (unsigned long)c->a[1], 1);
		dc_putc(o, ')');
		return;
	case R_SIGNUM:
		if (r > 0) {
			dc_printf(o, "%ld (", r);
			dc_put_signame(o, r, 1);
			dc_putc(o, ')');
			return;
		}
		break;
	}
	dc_printf(o, "%ld", r);
}

void dc_put_name(struct dc_out *o, long nr)
{
	const char *n = tv_syscall_name(nr);
	if (n)
		dc_puts(o, n);
	else
		dc_printf(o, "syscall_0x%lx", (unsigned long)nr);
}

/* The part known when the call is made: "NAME(ARG, ARG, " up to the first
 * output argument.  Returns the index of that argument (nargs if none). */
int dc_format_entry(struct dc_out *o, const struct dc_call *c)
{
	const struct sig *s = sig_of(c->nr);
	int n = nargs(s), stop = n, any = 0;

	for (int i = 0; i < n; i++) {
		if (kind(s, i) >= A_OUT_FIRST && present(c, i, kind(s, i))) {
			stop = i;
			break;
		}
	}
	dc_put_name(o, c->nr);
	dc_putc(o, '(');
	for (int i = 0; i < stop; i++) {
		if (!present(c, i, kind(s, i)))
			continue;
		if (any)
			dc_puts(o, ", ");
		any = 1;
		put_arg(o, c, i, kind(s, i));
	}
	if (stop < n && any)
		dc_puts(o, ", ");
	return stop;
}

/* The rest, from argument stop on, and ")". */
void dc_format_exit(struct dc_out *o, const struct dc_call *c, int stop)
{
	const struct sig *s = sig_of(c->nr);
	int first = 1;

	for (int i = stop; i < nargs(s); i++) {
		if (!present(c, i, kind(s, i)))
			continue;
		if (!first)
			dc_puts(o, ", ");
		first = 0;
		put_arg(o, c, i, kind(s, i));
	}
	dc_putc(o, ')');
}

/* Values an in/out argument had before the call. */
void dc_capture(struct dc_call *c)
{
	const struct sig *s = sig_of(c->nr);

	for (int i = 0; i < nargs(s); i++) {
		int x;
		c->cap[i] = -1;
		if (kind(s, i) == A_SOCKLEN && peek_int((unsigned long)c->a[i], &x))
			c->cap[i] = x;
	}
}
