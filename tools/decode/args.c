/* One argument, by its kind in the signature table. */
#include "internal.h"

/* How -X raw shows an argument of a kind that is a symbolic constant
 * (or flags) by default: as strace does, in hex, in decimal or in octal.
 * 0: not such a kind. */
enum { RAW_HEX = 1, RAW_DEC, RAW_OCT };
static const unsigned char raw_form[] = {
	[A_OFLAGS] = RAW_HEX, [A_FLAGS_O] = RAW_HEX, [A_FMODE] = RAW_OCT, [A_AMODE] = RAW_HEX,
	[A_ATFL] = RAW_HEX, [A_UNLINKFL] = RAW_HEX, [A_ACCESSFL] = RAW_HEX, [A_STATXFL] = RAW_HEX,
	[A_STATXMASK] = RAW_HEX, [A_RENAMEFL] = RAW_HEX, [A_WHENCE] = RAW_HEX, [A_FLOCK] = RAW_HEX,
	[A_IOCTL] = RAW_HEX, [A_FCNTL_CMD] = RAW_HEX, [A_PROT] = RAW_HEX, [A_MAPFL] = RAW_HEX,
	[A_MADV] = RAW_HEX, [A_MREMAPFL] = RAW_HEX, [A_MSYNCFL] = RAW_HEX, [A_MLOCKALLFL] = RAW_HEX,
	[A_CLONEFL] = RAW_HEX, [A_WAITOPT] = RAW_HEX, [A_IDTYPE] = RAW_HEX, [A_SIGNUM] = RAW_DEC,
	[A_SIGHOW] = RAW_HEX, [A_CLOCKID] = RAW_HEX, [A_TIMERFL] = RAW_HEX, [A_FUTEX_OP] = RAW_HEX,
	[A_PRCTL] = RAW_HEX, [A_SECCOMP_OP] = RAW_HEX, [A_ARCH_PRCTL] = RAW_HEX,
	[A_RLIMRES] = RAW_HEX, [A_GRNDFL] = RAW_HEX, [A_CLOSERANGEFL] = RAW_HEX,
	[A_MFDFL] = RAW_HEX, [A_EFDFL] = RAW_HEX, [A_TFDFL] = RAW_HEX, [A_SFDFL] = RAW_HEX,
	[A_INFL] = RAW_HEX, [A_EPCFL] = RAW_HEX, [A_EPOLLOP] = RAW_HEX, [A_AF] = RAW_HEX,
	[A_SOCKFL] = RAW_HEX, [A_MSGFL] = RAW_HEX, [A_SHUTHOW] = RAW_HEX,
	[A_SOLEVEL] = RAW_HEX, [A_SONAME] = RAW_HEX, [A_FADV] = RAW_HEX,
	[A_URING_ENTERFL] = RAW_HEX, [A_URING_REGOP] = RAW_HEX,
};

static void put_raw(struct dc_out *o, int form, unsigned long v)
{
	if (form == RAW_DEC)
		dc_printf(o, "%d", (int)v);
	else if (form == RAW_OCT)
		put_oct(o, v);
	else
		put_hex(o, v);
}

static void put_symbolic(struct dc_out *o, const struct dc_call *c, int i, int t);

/* The raw form of argument i, kind t; 0 when it is not a constant. */
static int raw_form_of(const struct dc_call *c, int i, int t)
{
	switch (t) {
	case A_DIRFD:
		return (int)c->a[i] == AT_FDCWD ? RAW_DEC : 0;
	case A_PROTO:	/* named only for these families, as strace does */
		return c->a[0] == T_AF_INET || c->a[0] == T_AF_INET6 || c->a[0] == T_AF_NETLINK
			       ? RAW_HEX : 0;
	case A_FCNTL_ARG:
		switch (c->a[1]) {
		case F_SETFD: case F_SETFL: case F_SETLEASE: case F_ADD_SEALS: return RAW_HEX;
		case F_SETSIG: return RAW_DEC;
		}
		return 0;
	}
	return (size_t)t < sizeof raw_form ? raw_form[t] : 0;
}

/* -X raw or verbose, a constant of form: its number, then with verbose
 * what strace shows by default in a comment -- unless that is the number
 * itself (flags of 0 that have no name). */
static void put_number(struct dc_out *o, int form, unsigned long v, const struct dc_call *c, int i,
		       int t)
{
	size_t at = o->len;

	put_raw(o, form, form == RAW_HEX ? v : (unsigned long)(long)(int)v);
	if (dc_config.xlat != DC_XLAT_VERBOSE)
		return;
	struct dc_out sym = { 0 };
	put_symbolic(&sym, c, i, t);
	if (sym.len != o->len - at || tv_strncmp(sym.p, o->p + at, sym.len)) {
		dc_puts(o, " /* ");
		dc_putn(o, sym.p, sym.len);
		dc_puts(o, " */");
	}
	dc_free(&sym);
}

/* Argument i of c, of kind t: with -X raw or verbose a symbolic constant
 * is its number, and with verbose its name after it in a C comment, as
 * strace shows them.  AT_FDCWD is one too, in decimal. */
void put_arg(struct dc_out *o, const struct dc_call *c, int i, int t)
{
	int form = raw_form_of(c, i, t);
	unsigned long v = (unsigned long)c->a[i];

	if (dc_config.xlat == DC_XLAT_ABBREV || (!form && t != A_SOCKTYPE)) {
		put_symbolic(o, c, i, t);
		return;
	}
	if (t != A_SOCKTYPE) {
		put_number(o, form, v, c, i, t);
		return;
	}
	/* socket(2)'s type: the type and its flags each on their own. */
	struct dc_call part = *c;
	part.a[i] = (long)(v & T_SOCK_TYPE_MASK);
	put_number(o, RAW_HEX, (unsigned long)part.a[i], &part, i, A_SOCKTYPE);
	if (v & ~(unsigned long)T_SOCK_TYPE_MASK) {
		dc_putc(o, '|');
		part.a[i] = (long)(v & ~(unsigned long)T_SOCK_TYPE_MASK);
		put_number(o, RAW_HEX, (unsigned long)part.a[i], &part, i, A_SOCKFL);
	}
}

/* Argument i of c, of kind t, as strace shows it by default. */
static void put_symbolic(struct dc_out *o, const struct dc_call *c, int i, int t)
{
	const long *a = c->a;
	unsigned long v = (unsigned long)a[i];
	int x;

	/* An output the call did not produce: where it would have gone. */
	if (t >= A_OUT_FIRST && call_failed(c) && t != A_SOCKLEN && t != A_PRCTL_ARGS &&
	    t != A_ORTS && t != A_CL_PTID && t != A_IOCTL_ARG && t != A_OGROUPS && t != A_CLONE3 &&
	    t != A_OURING_PARAMS) {
		dc_put_ptr(o, v);
		return;
	}
	switch (t) {
	case A_INT: dc_printf(o, "%d", (int)v); return;
	case A_UINT: dc_printf(o, "%u", (unsigned)v); return;
	case A_LONG: dc_printf(o, "%ld", (long)v); return;
	case A_ULONG: dc_printf(o, "%lu", v); return;
	case A_HEX: put_hex(o, v); return;
	case A_PTR: dc_put_ptr(o, v); return;
	case A_FD: put_fd(o, (long)v); return;
	case A_DIRFD: put_dirfd(o, (long)v); return;
	case A_PATH: put_path(o, v); return;
	case A_STR: put_str(o, v); return;
	case A_IBUF: put_buf(o, v, (unsigned long)a[i + 1], 0); return;
	case A_OFLAGS: put_open_flags(o, (unsigned)v); return;
	case A_FLAGS_O: put_flags(o, open_flags, (unsigned)v, "0"); return;
	case A_OMODE: case A_MODE: case A_UMASK: put_oct(o, (unsigned)v); return;
	case A_FMODE: put_fmode(o, (unsigned)v); return;
	case A_DEV: put_dev(o, v); return;
	case A_AMODE: put_access_mode(o, (unsigned)v); return;
	case A_ATFL: put_flags(o, at_flags, (unsigned)v, "0"); return;
	case A_UNLINKFL: put_flags(o, unlink_flags, (unsigned)v, "0"); return;
	case A_ACCESSFL: put_flags(o, access_flags, (unsigned)v, "0"); return;
	case A_STATXFL: put_statx_flags(o, (unsigned)v); return;
	case A_STATXMASK: put_flags(o, statx_mask, (unsigned)v, "0"); return;
	case A_RENAMEFL: put_flags(o, rename_flags, (unsigned)v, "0"); return;
	case A_WHENCE: put_enum(o, whences, (unsigned)v, "SEEK_???"); return;
	case A_FLOCK: put_flags(o, flock_ops, (unsigned)v, "0"); return;
	case A_IOCTL: put_ioctl(o, (unsigned)v); return;
	case A_FCNTL_CMD: put_enum(o, fcntl_cmds, (unsigned)v, "F_???"); return;
	case A_FCNTL_ARG: put_fcntl_arg(o, a[1], v); return;
	case A_PROT: put_flags(o, prots, (unsigned)v, "PROT_NONE"); return;
	case A_MAPFL: put_map_flags(o, v); return;
	case A_MADV: put_enum(o, madvs, (unsigned)v, "MADV_???"); return;
	case A_MREMAPFL: put_flags(o, mremap_flags, v, "0"); return;
	case A_MSYNCFL: put_flags(o, msync_flags, v, "0"); return;
	case A_MLOCKALLFL: put_flags(o, mlockall_flags, v, "0"); return;
	case A_CLONEFL: put_clone_flags(o, v, 0); return;
	case A_CL_STACK: dc_puts(o, "child_stack="); dc_put_ptr(o, (unsigned long)a[1]); return;
	case A_CL_FLAGS: dc_puts(o, "flags="); put_clone_flags(o, (unsigned long)a[0], 1); return;
	case A_CL_PTID:
		dc_puts(o, "parent_tid=");
		if (!call_failed(c) && peek_int((unsigned long)a[2], &x))
			dc_printf(o, "[%d]", x);
		else
			dc_put_ptr(o, (unsigned long)a[2]);
		return;
	case A_CL_TLS: dc_puts(o, "tls="); dc_put_ptr(o, (unsigned long)a[CLONE_ARG_TLS]); return;
	case A_CL_CTID:
		dc_puts(o, "child_tidptr=");
		dc_put_ptr(o, (unsigned long)a[CLONE_ARG_CTID]);
		return;
	case A_CLONE3: put_clone3(o, c, v, (unsigned long)a[i + 1]); return;
	case A_ARGV: put_argv(o, v); return;
	case A_ENVP: put_envp(o, v); return;
	case A_WAITOPT: put_flags(o, wait_opts, (unsigned)v, "0"); return;
	case A_IDTYPE: put_enum(o, idtypes, (unsigned)v, "P_???"); return;
	case A_SIGNUM: dc_put_signame(o, (int)v, 1); return;
	case A_SIGHOW: put_enum(o, sig_hows, (unsigned)v, "SIG_???"); return;
	case A_SIGSET: case A_OSIGSET: put_sigset_at(o, v); return;
	case A_SIGRETMASK: dc_puts(o, "{mask="); put_sigmask(o, v); dc_putc(o, '}'); return;
	case A_OURING_PARAMS: put_uring_params(o, c, v); return;
	case A_URING_ENTERFL: put_flags(o, uring_enter_flags, (unsigned)v, "0"); return;
	case A_URING_REGOP: put_enum(o, uring_register_ops, (unsigned)v, "IORING_REGISTER_???"); return;
	case A_URING_REGARG: put_uring_register_arg(o, c); return;
	case A_SIGACT: case A_OSIGACT: put_sigaction(o, v); return;
	case A_STACK: case A_OSTACK: put_stack(o, v); return;
	case A_TS: case A_OTS: put_ts(o, v); return;
	case A_ORTS:
		if (c->done && c->ret == -EINTR)
			put_ts(o, v);
		else
			dc_put_ptr(o, v);
		return;
	case A_OTV: put_timeval(o, v); return;
	case A_UTIMES: put_utimes(o, v); return;
	case A_CLOCKID: put_clockid(o, (int)v); return;
	case A_TIMERFL: put_flags(o, timer_flags, (unsigned)v, "0"); return;
	case A_FUTEX_OP: put_futex_op(o, v); return;
	case A_FX_VAL: dc_printf(o, "%d", (int)v); return;
	case A_FX_TMO: put_futex_timeout(o, a[1], v); return;
	case A_FX_UADDR2: dc_put_ptr(o, v); return;
	case A_FX_VAL3: put_futex_val3(o, a[1], (unsigned)v); return;
	case A_PRCTL: put_enum(o, prctl_ops, (unsigned)v, "PR_???"); return;
	case A_PRCTL_ARGS: put_prctl_args(o, c); return;
	case A_SECCOMP_OP: put_enum(o, seccomp_ops, (unsigned)v, "SECCOMP_???"); return;
	case A_ARCH_PRCTL:
#ifdef __NR_arch_prctl
		put_enum(o, arch_prctl_codes, (unsigned)v, "ARCH_???");
#else
		put_hex(o, v);
#endif
		return;
	case A_RLIMRES: put_enum(o, rlimits, (unsigned)v, "RLIMIT_???"); return;
	case A_IRLIM: case A_ORLIM: put_rlimit(o, c, v); return;
	case A_CPUSET: put_cpuset(o, v, a[1]); return;
	case A_OCPUSET: put_cpuset(o, v, c->ret); return;
	case A_GRNDFL: put_flags(o, grnd_flags, (unsigned)v, "0"); return;
	case A_CLOSERANGEFL: put_flags(o, close_range_flags, (unsigned)v, "0"); return;
	case A_MFDFL: put_flags(o, mfd_flags, (unsigned)v, "0"); return;
	case A_EFDFL: put_cloexec_flags(o, "EFD", v, 1, "EFD_SEMAPHORE"); return;
	case A_TFDFL: put_cloexec_flags(o, "TFD", v, 0, NULL); return;
	case A_SFDFL: put_cloexec_flags(o, "SFD", v, 0, NULL); return;
	case A_INFL: put_cloexec_flags(o, "IN", v, 0, NULL); return;
	case A_EPCFL: put_cloexec_flags(o, "EPOLL", v, 0, NULL); return;
	case A_SOCKFL: put_cloexec_flags(o, "SOCK", v, 0, NULL); return;
	case A_EPOLLOP: put_enum(o, epoll_ops, (unsigned)v, "EPOLL_CTL_???"); return;
	case A_EPOLLEV: put_epoll_event_at(o, v); return;
	case A_OEPOLLEVS: put_epoll_events(o, v, c->ret); return;
	case A_POLLFDS: put_pollfds_in(o, v, a[i + 1]); return;
	case A_AF: put_enum(o, families, (unsigned)v, "AF_???"); return;
	case A_SOCKTYPE: put_socktype(o, v); return;
	case A_PROTO: put_sock_proto(o, a[0], (int)v); return;
	case A_MSGFL: put_flags(o, msg_flags, (unsigned)v, "0"); return;
	case A_SHUTHOW: put_enum(o, shut_hows, (unsigned)v, "SHUT_???"); return;
	case A_SOLEVEL: put_enum(o, sol_levels, (unsigned)v, "SOL_???"); return;
	case A_SONAME: put_sockopt_name(o, a[1], (unsigned)v); return;
	case A_SOVAL: put_sockopt_val(o, v, a[i + 1]); return;
	case A_OSOVAL: put_sockopt_out(o, v, (unsigned long)a[i + 1]); return;
	case A_SOCKLEN: put_socklen(o, c, i); return;
	case A_SOCKADDR: put_sockaddr(o, v, a[i + 1]); return;
	case A_OSOCKADDR: put_sockaddr_out(o, c, i); return;
	case A_IOV: put_iov(o, v, a[i + 1], -1); return;
	case A_OIOV: put_iov(o, v, a[i + 1], c->ret); return;
	case A_MSGHDR: put_msghdr(o, v, -1); return;
	case A_OMSGHDR: put_msghdr(o, v, c->ret); return;
	case A_OPENHOW: put_open_how(o, v, (unsigned long)a[i + 1]); return;
	case A_OBUF: case A_OSTR: put_buf(o, v, (unsigned long)c->ret, 0); return;
	case A_OBUFX: put_buf(o, v, (unsigned long)c->ret, Q_HEX); return;
	case A_OPATH: put_path(o, v); return;
	case A_OSTAT: put_stat(o, v); return;
	case A_OSTATX: put_statx(o, v); return;
	case A_ODIRENTS: put_dirents(o, c, v); return;
	case A_OPIPE: put_fd_pair(o, v); return;
	case A_OWSTATUS:
		if (c->ret > 0 && peek_int(v, &x))
			put_wstatus(o, x);
		else
			dc_put_ptr(o, v);
		return;
	case A_OINT:
		if (peek_int(v, &x))
			dc_printf(o, "[%d]", x);
		else
			dc_put_ptr(o, v);
		return;
	case A_OUNAME: put_uname(o, v); return;
	case A_IOCTL_ARG: put_ioctl_arg(o, c, v); return;
	case A_OSTATFS: put_statfs(o, v); return;
	case A_OSYSINFO: put_sysinfo(o, v); return;
	case A_FADV: put_enum(o, fadvs, (unsigned)v, "POSIX_FADV_???"); return;
	case A_GROUPS: put_groups(o, v, a[0]); return;
	case A_OGROUPS:
		if (a[0] == 0 && !call_failed(c))
			dc_puts(o, v ? "[]" : "NULL");
		else if (call_failed(c))
			dc_put_ptr(o, v);
		else
			put_groups(o, v, c->ret);
		return;
	}
	put_hex(o, v);
}
