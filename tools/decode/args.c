/* One argument, by its kind in the signature table. */
#include "internal.h"

static void put_prctl_args(struct dc_out *o, const struct dc_call *c)
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

/* ioctl's third argument, for the requests whose argument is known. */
static void put_ioctl_arg(struct dc_out *o, const struct dc_call *c, unsigned long v)
{
	unsigned req = (unsigned)c->a[1];
	int x;

	switch (req) {
	case FIONREAD: case TIOCOUTQ: case TIOCGPGRP: case TIOCSPGRP: case FIONBIO: case FIOASYNC:
	case TIOCGPTN: case TIOCSPTLCK: case TIOCGSID:
		if (!call_failed(c) && peek_int(v, &x))
			dc_printf(o, "[%d]", x);
		else
			dc_put_ptr(o, v);
		return;
	case TIOCGWINSZ: case TIOCSWINSZ: {
		unsigned short w[4];
		if (!call_failed(c) && v && dc_read(w, v, sizeof w) == 0)
			dc_printf(o, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", w[0], w[1],
				  w[2], w[3]);
		else
			dc_put_ptr(o, v);
		return;
	}
	case TCGETS: case TCSETS: case TCSETSW: case TCSETSF: case TCGETA: case TCSETA:
	case TCSETAW: case TCSETAF:
		dc_put_ptr(o, v);
		return;
	}
	put_hex(o, v);
}

/* Argument i of c, of kind t. */
void put_arg(struct dc_out *o, const struct dc_call *c, int i, int t)
{
	const long *a = c->a;
	unsigned long v = (unsigned long)a[i];
	int x;

	/* An output the call did not produce: where it would have gone. */
	if (t >= A_OUT_FIRST && call_failed(c) && t != A_SOCKLEN && t != A_PRCTL_ARGS &&
	    t != A_ORTS && t != A_CL_PTID && t != A_IOCTL_ARG && t != A_OGROUPS) {
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
	case A_AMODE:
		if ((unsigned)v == T_F_OK)
			dc_puts(o, "F_OK");
		else
			put_flags(o, access_modes, (unsigned)v, "F_OK");
		return;
	case A_ATFL: put_flags(o, at_flags, (unsigned)v, "0"); return;
	case A_UNLINKFL: put_flags(o, unlink_flags, (unsigned)v, "0"); return;
	case A_ACCESSFL: put_flags(o, access_flags, (unsigned)v, "0"); return;
	case A_STATXFL:
		put_enum(o, statx_sync, v & AT_STATX_SYNC_TYPE, "AT_STATX_???");
		if ((unsigned)v & ~(unsigned)AT_STATX_SYNC_TYPE) {
			dc_putc(o, '|');
			put_flags(o, at_flags, (unsigned)v & ~(unsigned)AT_STATX_SYNC_TYPE, "0");
		}
		return;
	case A_STATXMASK: put_flags(o, statx_mask, (unsigned)v, "0"); return;
	case A_RENAMEFL: put_flags(o, rename_flags, (unsigned)v, "0"); return;
	case A_WHENCE: put_enum(o, whences, (unsigned)v, "SEEK_???"); return;
	case A_FLOCK: put_flags(o, flock_ops, (unsigned)v, "0"); return;
	case A_IOCTL: put_ioctl(o, (unsigned)v); return;
	case A_FCNTL_CMD: put_enum(o, fcntl_cmds, (unsigned)v, "F_???"); return;
	case A_FCNTL_ARG:
		switch (a[1]) {
		case F_SETFD: put_flags(o, fd_flags, v, "0"); return;
		case F_SETFL: put_open_flags(o, (unsigned)v); return;
		case F_DUPFD: case F_DUPFD_CLOEXEC: case F_SETOWN: case F_SETPIPE_SZ:
			dc_printf(o, "%d", (int)v);
			return;
		case F_SETSIG: dc_put_signame(o, (int)v, 1); return;
		case F_SETLEASE: put_enum(o, lock_types, (unsigned)v, "F_???"); return;
		case F_ADD_SEALS: put_flags(o, seals, (unsigned)v, "0"); return;
		case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK:
		case F_OFD_SETLKW: case F_GETOWN_EX: case F_SETOWN_EX:
			dc_put_ptr(o, v);
			return;
		}
		put_hex(o, v);
		return;
	case A_PROT: put_flags(o, prots, (unsigned)v, "PROT_NONE"); return;
	case A_MAPFL: {
		unsigned long rest = v & ~0xful;
		unsigned long huge = (rest >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
		rest &= ~((unsigned long)MAP_HUGE_MASK << MAP_HUGE_SHIFT);
		put_enum(o, map_types, v & 0xf, "MAP_???");
		if (rest) {
			dc_putc(o, '|');
			put_flags(o, map_flags, rest, "0");
		}
		if (huge)
			dc_printf(o, "|%lu<<MAP_HUGE_SHIFT", huge);
		return;
	}
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
	case A_CLONE3: put_clone3(o, v, (unsigned long)a[i + 1]); return;
	case A_ARGV: put_argv(o, v); return;
	case A_ENVP: put_envp(o, v); return;
	case A_WAITOPT: put_flags(o, wait_opts, (unsigned)v, "0"); return;
	case A_IDTYPE: put_enum(o, idtypes, (unsigned)v, "P_???"); return;
	case A_SIGNUM: dc_put_signame(o, (int)v, 1); return;
	case A_SIGHOW: put_enum(o, sig_hows, (unsigned)v, "SIG_???"); return;
	case A_SIGSET: case A_OSIGSET: put_sigset_at(o, v); return;
	case A_SIGACT: case A_OSIGACT: put_sigaction(o, v); return;
	case A_STACK: case A_OSTACK: put_stack(o, v); return;
	case A_TS: case A_OTS: put_ts(o, v); return;
	case A_ORTS:
		if (c->done && c->ret == -EINTR)
			put_ts(o, v);
		else
			dc_put_ptr(o, v);
		return;
	case A_OTV: {
		struct { long sec, usec; } tv;
		if (dc_read(&tv, v, sizeof tv) < 0)
			dc_put_ptr(o, v);
		else
			dc_printf(o, "{tv_sec=%ld, tv_usec=%ld}", tv.sec, tv.usec);
		return;
	}
	case A_UTIMES: put_utimes(o, v); return;
	case A_CLOCKID:
		if ((int)v < 0)
			dc_printf(o, "%d", (int)v);
		else
			put_enum(o, clocks, (unsigned)v, "CLOCK_???");
		return;
	case A_TIMERFL: put_flags(o, timer_flags, (unsigned)v, "0"); return;
	case A_FUTEX_OP: {
		unsigned long cmd = v & FUTEX_CMD_MASK;
		const char *n = xlookup(futex_cmds, cmd);
		if (n)
			dc_printf(o, "%s%s", n, (v & FUTEX_PRIVATE_FLAG) ? "_PRIVATE" : "");
		else
			dc_printf(o, "0x%lx", v & ~(unsigned long)FUTEX_CLOCK_REALTIME);
		if (v & FUTEX_CLOCK_REALTIME)
			dc_puts(o, "|FUTEX_CLOCK_REALTIME");
		return;
	}
	case A_FX_VAL: dc_printf(o, "%d", (int)v); return;
	case A_FX_TMO: {
		long cmd = a[1] & FUTEX_CMD_MASK;
		if (cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
		    cmd == FUTEX_CMP_REQUEUE_PI)
			dc_printf(o, "%u", (unsigned)v);
		else
			put_ts(o, v);
		return;
	}
	case A_FX_UADDR2: dc_put_ptr(o, v); return;
	case A_FX_VAL3:
		if ((unsigned)v == 0xffffffffu &&
		    ((a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET ||
		     (a[1] & FUTEX_CMD_MASK) == FUTEX_WAKE_BITSET))
			dc_puts(o, "FUTEX_BITSET_MATCH_ANY");
		else
			put_hex(o, (unsigned)v);
		return;
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
	case A_EPOLLEV: {
		struct epoll_event e;
		if (!v)
			dc_puts(o, "NULL");
		else if (dc_read(&e, v, sizeof e) < 0)
			dc_put_ptr(o, v);
		else
			put_epoll_event(o, &e);
		return;
	}
	case A_OEPOLLEVS: put_epoll_events(o, v, c->ret); return;
	case A_POLLFDS: {
		struct pollfd p;
		if (!v || (a[i + 1] > 0 && dc_read(&p, v, sizeof p) < 0))
			dc_put_ptr(o, v);
		else
			put_pollfds(o, v, (unsigned long)a[i + 1], 0);
		return;
	}
	case A_AF: put_enum(o, families, (unsigned)v, "AF_???"); return;
	case A_SOCKTYPE:
		put_enum(o, sock_types, v & T_SOCK_TYPE_MASK, "SOCK_???");
		if (v & ~(unsigned long)T_SOCK_TYPE_MASK) {
			dc_putc(o, '|');
			put_cloexec_flags(o, "SOCK", (unsigned)v & ~(unsigned)T_SOCK_TYPE_MASK, 0, NULL);
		}
		return;
	case A_PROTO:
		if (a[0] == T_AF_INET || a[0] == T_AF_INET6)
			put_enum(o, ip_protos, (unsigned)v, "IPPROTO_???");
		else if (a[0] == T_AF_NETLINK)
			put_enum(o, netlink_protos, (unsigned)v, "NETLINK_???");
		else
			dc_printf(o, "%d", (int)v);
		return;
	case A_MSGFL: put_flags(o, msg_flags, (unsigned)v, "0"); return;
	case A_SHUTHOW: put_enum(o, shut_hows, (unsigned)v, "SHUT_???"); return;
	case A_SOLEVEL: put_enum(o, sol_levels, (unsigned)v, "SOL_???"); return;
	case A_SONAME:
		if (a[1] == SOL_SOCKET)
			put_enum(o, so_names, (unsigned)v, "SO_???");
		else if (a[1] == T_SOL_TCP)
			put_enum(o, tcp_names, (unsigned)v, "TCP_???");
		else if (a[1] == T_SOL_IP)
			put_enum(o, ip_names, (unsigned)v, "IP_???");
		else if (a[1] == T_SOL_IPV6)
			put_enum(o, ipv6_names, (unsigned)v, "IPV6_???");
		else
			dc_printf(o, "%d", (int)v);
		return;
	case A_SOVAL:
		if (a[i + 1] == 4 && peek_int(v, &x))
			dc_printf(o, "[%d]", x);
		else
			put_buf(o, v, (unsigned long)a[i + 1], 0);
		return;
	case A_OSOVAL: {
		int len;
		if (peek_int((unsigned long)a[i + 1], &len) && len == 4 && peek_int(v, &x))
			dc_printf(o, "[%d]", x);
		else if (peek_int((unsigned long)a[i + 1], &len) && len >= 0)
			put_buf(o, v, (unsigned long)len, 0);
		else
			dc_put_ptr(o, v);
		return;
	}
	case A_SOCKLEN: {
		int out;
		if (!v)
			dc_puts(o, "NULL");
		else if (c->cap[i] < 0)
			dc_put_ptr(o, v);
		else if (call_failed(c) || !peek_int(v, &out) || out == (int)c->cap[i])
			dc_printf(o, "[%d]", (int)c->cap[i]);
		else
			dc_printf(o, "[%d => %d]", (int)c->cap[i], out);
		return;
	}
	case A_SOCKADDR: put_sockaddr(o, v, a[i + 1]); return;
	case A_OSOCKADDR: {
		int out;
		long in = c->cap[i + 1];
		if (!v || !peek_int((unsigned long)a[i + 1], &out))
			dc_put_ptr(o, v);
		else
			put_sockaddr(o, v, out < in ? out : in);
		return;
	}
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
	case A_OPIPE: {
		int fds[2];
		if (dc_read(fds, v, sizeof fds) < 0) {
			dc_put_ptr(o, v);
		} else {
			dc_putc(o, '[');
			put_fd(o, fds[0]);
			dc_puts(o, ", ");
			put_fd(o, fds[1]);
			dc_putc(o, ']');
		}
		return;
	}
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
