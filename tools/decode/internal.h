/* The decoder's own declarations, shared by its files (decode.h is what
 * a tool sees). */
#ifndef TV_DECODE_INTERNAL_H
#define TV_DECODE_INTERNAL_H

#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/futex.h>
#include <linux/time.h>
#include <linux/time_types.h>
#include <linux/resource.h>
#include <linux/stat.h>
#include <asm/stat.h>
#include <linux/signal.h>
#include <asm/ioctls.h>
#include <asm/socket.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/magic.h>
#include <linux/sysinfo.h>
#include <asm/statfs.h>
#include <linux/prctl.h>
#include <linux/poll.h>
#include <linux/eventpoll.h>
#include <linux/wait.h>
#include <linux/random.h>
#include <linux/close_range.h>
#include <linux/uio.h>
#include <linux/utsname.h>
#include <linux/memfd.h>
#include <linux/openat2.h>
#include <linux/netlink.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#ifdef __NR_arch_prctl
#include <asm/prctl.h>
#endif
#include "decode.h"

/* Constants of the libc's headers that the UAPI headers do not export. */
#define T_SEEK_SET 0
#define T_SEEK_CUR 1
#define T_SEEK_END 2
#define T_SEEK_DATA 3
#define T_SEEK_HOLE 4
#define T_F_OK 0
#define T_X_OK 1
#define T_W_OK 2
#define T_R_OK 4
#define T_AF_UNSPEC 0
#define T_AF_UNIX 1
#define T_AF_INET 2
#define T_AF_INET6 10
#define T_AF_NETLINK 16
#define T_AF_PACKET 17
#define T_SOCK_TYPE_MASK 0xf
#define T_RLIM_INFINITY (~0ul)
#define T_UTIME_NOW ((1l << 30) - 1l)
#define T_UTIME_OMIT ((1l << 30) - 2l)
#define T_P_ALL 0
#define T_P_PID 1
#define T_P_PGID 2
#define T_P_PIDFD 3
#define T_SOL_IP 0
#define T_SOL_TCP 6
#define T_SOL_UDP 17
#define T_SOL_IPV6 41
#ifndef FUTEX_LOCK_PI2
#define FUTEX_LOCK_PI2 13	/* Linux 5.14 */
#endif

/* The clone() argument order differs: x86_64 passes the child's tid
 * pointer before the TLS, arm64 (and most others) after it. */
#if defined(__x86_64__)
#define CLONE_ARG_CTID 3
#define CLONE_ARG_TLS 4
#else
#define CLONE_ARG_CTID 4
#define CLONE_ARG_TLS 3
#endif

#define SIG_TABLE 512		/* numbers with a signature (both arches stay below) */
#define PATH_CAP 4097

static inline long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	return tv_syscall6(nr, a, b, c, d, e, f);
}

static inline int is_err(long r)
{
	return (unsigned long)r > -4096ul;
}

/* Guest memory, through the reader of dc_config. */
static inline long dc_read(void *dst, unsigned long src, size_t n)
{
	return dc_config.read(dst, src, n);
}

static inline long dc_read_str(char *dst, unsigned long src, size_t cap)
{
	return dc_config.read_str(dst, src, cap);
}

static inline int dc_hidden_fd(long fd)
{
	return dc_config.hidden_fd && dc_config.hidden_fd(fd);
}

/* What each argument is: signatures.h gives one per argument. */
enum {
	A_NONE,
	/* Shown when the call is made. */
	A_INT, A_UINT, A_LONG, A_ULONG, A_HEX, A_PTR, A_FD, A_DIRFD, A_PATH, A_STR, A_IBUF,
	A_OFLAGS, A_FLAGS_O, A_OMODE, A_MODE, A_FMODE, A_DEV, A_UMASK, A_AMODE, A_ATFL,
	A_UNLINKFL, A_ACCESSFL, A_STATXFL, A_STATXMASK, A_RENAMEFL, A_WHENCE, A_FLOCK, A_IOCTL,
	A_FCNTL_CMD, A_FCNTL_ARG, A_PROT, A_MAPFL, A_MADV, A_MREMAPFL, A_MSYNCFL, A_MLOCKALLFL,
	A_CLONEFL, A_CL_STACK, A_CL_FLAGS, A_CL_TLS, A_CL_CTID, A_ARGV, A_ENVP,
	A_WAITOPT, A_IDTYPE, A_SIGNUM, A_SIGHOW, A_SIGSET, A_SIGACT, A_STACK, A_TS, A_UTIMES,
	A_CLOCKID, A_TIMERFL, A_FUTEX_OP, A_FX_VAL, A_FX_TMO, A_FX_UADDR2, A_FX_VAL3, A_PRCTL,
	A_SECCOMP_OP, A_ARCH_PRCTL, A_RLIMRES, A_IRLIM, A_CPUSET, A_GRNDFL, A_CLOSERANGEFL,
	A_MFDFL, A_EFDFL, A_TFDFL, A_SFDFL, A_INFL, A_EPCFL, A_EPOLLOP, A_EPOLLEV, A_POLLFDS,
	A_AF, A_SOCKTYPE, A_PROTO, A_SOCKFL, A_MSGFL, A_SHUTHOW, A_SOLEVEL, A_SONAME, A_SOVAL,
	A_SOCKADDR, A_IOV, A_MSGHDR, A_OPENHOW, A_FADV, A_GROUPS,
	A_SIGRETMASK,	/* rt_sigreturn: the frame's mask, in a[i] when cap[i] >= 0 */
	A_URING_ENTERFL, A_URING_REGOP, A_URING_REGARG,
	/* Shown when the call returns: what the kernel wrote. */
	A_OUT_FIRST,
	A_OBUF = A_OUT_FIRST, A_OBUFX, A_OSTR, A_OPATH, A_OSTAT, A_OSTATX, A_ODIRENTS, A_OPIPE,
	A_OIOV, A_OSIGSET, A_OSIGACT, A_OSTACK, A_OTS, A_ORTS, A_OTV, A_CL_PTID, A_OWSTATUS,
	A_OINT, A_ORLIM, A_OCPUSET, A_OUNAME, A_OSOCKADDR, A_SOCKLEN, A_OSOVAL, A_OMSGHDR,
	A_OEPOLLEVS, A_PRCTL_ARGS, A_IOCTL_ARG, A_OSTATFS, A_OSYSINFO, A_OGROUPS,
	A_CLONE3,	/* in, and "=> {parent_tid=[N]}" the call wrote */
	A_OURING_PARAMS,
};

/* What the result is. */
/* R_SIGRET: never returns to the tracer, but the value the frame puts
 * back is known (shown as R_DEC when done). */
enum { R_DEC, R_FD, R_HEX, R_OCT, R_NONE, R_FCNTL, R_POLL, R_SIGNUM, R_SIGRET };

struct sig {
	unsigned char ok, n, ret;
	unsigned short cls;
	unsigned char t[6];
};

/* Call nr's signature (signatures.h), or NULL: six hex arguments. */
const struct sig *sig_of(long nr);

/* Symbolic constants: a value and its name. */
struct xlat {
	unsigned long val;
	const char *name;
};
#define X(v) { (unsigned long)(v), #v }
#define XEND { 0, NULL }

extern const struct xlat open_flags[];
extern const struct xlat open_access[];
extern const struct xlat at_flags[];
extern const struct xlat unlink_flags[];
extern const struct xlat access_flags[];
extern const struct xlat statx_sync[];
extern const struct xlat statx_mask[];
extern const struct xlat statx_attrs[];
extern const struct xlat rename_flags[];
extern const struct xlat access_modes[];
extern const struct xlat whences[];
extern const struct xlat flock_ops[];
extern const struct xlat mode_types[];
extern const struct xlat mode_bits[];
extern const struct xlat prots[];
extern const struct xlat map_types[];
extern const struct xlat map_flags[];
extern const struct xlat madvs[];
extern const struct xlat mremap_flags[];
extern const struct xlat msync_flags[];
extern const struct xlat mlockall_flags[];
extern const struct xlat clone_flags[];
extern const struct xlat futex_cmds[];
extern const struct xlat fcntl_cmds[];
extern const struct xlat fd_flags[];
extern const struct xlat seals[];
extern const struct xlat lock_types[];
extern const struct xlat ioctls[];
extern const struct xlat rlimits[];
extern const struct xlat clocks[];
extern const struct xlat timer_flags[];
extern const struct xlat sig_hows[];
extern const struct xlat sa_flags[];
extern const struct xlat ss_flags[];
extern const struct xlat families[];
extern const struct xlat sock_types[];
extern const struct xlat ip_protos[];
extern const struct xlat netlink_protos[];
extern const struct xlat msg_flags[];
extern const struct xlat shut_hows[];
extern const struct xlat sol_levels[];
extern const struct xlat so_names[];
extern const struct xlat tcp_names[];
extern const struct xlat ip_names[];
extern const struct xlat ipv6_names[];
extern const struct xlat fadvs[];
extern const struct xlat fs_magics[];
extern const struct xlat statfs_flags[];
extern const struct xlat poll_events[];
extern const struct xlat epoll_events[];
extern const struct xlat epoll_ops[];
extern const struct xlat wait_opts[];
extern const struct xlat idtypes[];
extern const struct xlat grnd_flags[];
extern const struct xlat close_range_flags[];
extern const struct xlat mfd_flags[];
extern const struct xlat resolve_flags[];
extern const struct xlat seccomp_ops[];
extern const struct xlat prctl_ops[];
#ifdef __NR_arch_prctl
extern const struct xlat arch_prctl_codes[];
#endif

/* How put_quoted() quotes: Q_HEX for random data, every byte as \xNN;
 * Q_BARE for a descriptor's path after -y, without the quotes and with
 * < and > escaped (strace's QUOTE_OMIT_LEADING_TRAILING_QUOTES, "<>"). */
enum { Q_HEX = 1, Q_BARE = 2 };

/* A reading buffer: on the stack when small, else from the heap. */
struct rbuf {
	unsigned char *p;
	unsigned char small[512];
};

/* xlat.c: numbers and symbolic constants. */
void put_hex(struct dc_out *o, unsigned long v);
void put_oct(struct dc_out *o, unsigned long v);
void put_flags(struct dc_out *o, const struct xlat *x, unsigned long v, const char *zname);
const char *xlookup(const struct xlat *x, unsigned long v);
void put_enum(struct dc_out *o, const struct xlat *x, unsigned long v, const char *unknown);

/* flags.c: flag words that take more than one table. */
void put_open_flags(struct dc_out *o, unsigned long v);
void put_fmode(struct dc_out *o, unsigned long m);
unsigned long dev_major(unsigned long d);
unsigned long dev_minor(unsigned long d);
void put_dev(struct dc_out *o, unsigned long d);
void put_cloexec_flags(struct dc_out *o, const char *pfx, unsigned long v, unsigned long extra,
		       const char *extra_name);
void put_clone_flags(struct dc_out *o, unsigned long f, int with_signal);
void put_access_mode(struct dc_out *o, unsigned v);
void put_statx_flags(struct dc_out *o, unsigned v);
void put_map_flags(struct dc_out *o, unsigned long v);
void put_clockid(struct dc_out *o, int v);
void put_fcntl_arg(struct dc_out *o, long cmd, unsigned long v);

/* futex.c */
void put_futex_op(struct dc_out *o, unsigned long v);
int futex_arg_shown(long op, int t);
void put_futex_timeout(struct dc_out *o, long op, unsigned long v);
void put_futex_val3(struct dc_out *o, long op, unsigned v);

/* ioctl.c */
void put_ioctl(struct dc_out *o, unsigned v);
int ioctl_has_arg(unsigned req);
void put_ioctl_arg(struct dc_out *o, const struct dc_call *c, unsigned long v);

/* prctl.c */
int prctl_has_args(long op);
void put_prctl_args(struct dc_out *o, const struct dc_call *c);

/* quote.c: strings. */
void put_quoted(struct dc_out *o, const unsigned char *s, size_t n, int flags);
unsigned char *rbuf_get(struct rbuf *r, size_t n);
void rbuf_put(struct rbuf *r);
void put_buf(struct dc_out *o, unsigned long addr, unsigned long len, int flags);
void put_str(struct dc_out *o, unsigned long addr);
void put_path(struct dc_out *o, unsigned long addr);

/* errno.c */
void put_error(struct dc_out *o, long ret);

/* signal.c */
void put_sigset_at(struct dc_out *o, unsigned long addr);
void put_sigmask(struct dc_out *o, uint64_t m);
void put_sigaction(struct dc_out *o, unsigned long addr);
void put_stack(struct dc_out *o, unsigned long addr);
void put_wstatus(struct dc_out *o, int s);

/* structs.c */
void put_ts(struct dc_out *o, unsigned long addr);
void put_rlimit(struct dc_out *o, const struct dc_call *c, unsigned long addr);
void put_epoll_event(struct dc_out *o, const struct epoll_event *e);
void put_cpuset(struct dc_out *o, unsigned long addr, long len);
void put_envp(struct dc_out *o, unsigned long addr);
void put_clone3(struct dc_out *o, const struct dc_call *c, unsigned long addr, unsigned long size);
void put_uname(struct dc_out *o, unsigned long addr);
void put_sysinfo(struct dc_out *o, unsigned long addr);
void put_timeval(struct dc_out *o, unsigned long addr);
void put_epoll_event_at(struct dc_out *o, unsigned long addr);

/* stat.c */
void put_stat(struct dc_out *o, unsigned long addr);
void put_statx(struct dc_out *o, unsigned long addr);
void put_open_how(struct dc_out *o, unsigned long addr, unsigned long size);
void put_dirents(struct dc_out *o, const struct dc_call *c, unsigned long addr);
void put_utimes(struct dc_out *o, unsigned long addr);
void put_statfs(struct dc_out *o, unsigned long addr);

/* net.c */
void put_in6(struct dc_out *o, const unsigned char *a);
void put_sockaddr(struct dc_out *o, unsigned long addr, long len);
void put_msghdr(struct dc_out *o, unsigned long addr, long limit);
void put_socktype(struct dc_out *o, unsigned long v);
void put_sock_proto(struct dc_out *o, long family, int v);
void put_socklen(struct dc_out *o, const struct dc_call *c, int i);
void put_sockaddr_out(struct dc_out *o, const struct dc_call *c, int i);

/* sockopt.c */
void put_sockopt_name(struct dc_out *o, long level, unsigned v);
void put_sockopt_val(struct dc_out *o, unsigned long v, long len);
void put_sockopt_out(struct dc_out *o, unsigned long v, unsigned long lenp);

/* array.c: "[E, E, ...]" of n elements of size bytes at addr, each shown by
 * put(); keep() (NULL: every one) may skip an element or end the array
 * there. */
enum { EL_SHOW, EL_SKIP, EL_END };
struct array {
	unsigned long addr, n;
	size_t size;		/* at most 32 */
	unsigned long limit;	/* elements shown before "...": ~0ul for all */
	int (*keep)(const void *elem, void *ctx);
	void (*put)(struct dc_out *o, const void *elem, void *ctx);
	void *ctx;
};
void put_array(struct dc_out *o, const struct array *a);
void put_iov(struct dc_out *o, unsigned long addr, long cnt, long limit);
void put_pollfds(struct dc_out *o, unsigned long addr, unsigned long n, int revents);
void put_pollfds_in(struct dc_out *o, unsigned long addr, long n);
void put_argv(struct dc_out *o, unsigned long addr);
void put_groups(struct dc_out *o, unsigned long addr, long n);
void put_int_array(struct dc_out *o, unsigned long addr, unsigned long n);

/* uring.c: io_uring's calls. */
extern const struct xlat uring_setup_flags[], uring_enter_flags[], uring_register_ops[];
void put_uring_params(struct dc_out *o, const struct dc_call *c, unsigned long addr);
void put_uring_register_arg(struct dc_out *o, const struct dc_call *c);
void put_epoll_events(struct dc_out *o, unsigned long addr, long n);

/* fd.c: descriptors, and with -y what they are. */
void put_fd(struct dc_out *o, long fd);
void put_dirfd(struct dc_out *o, long fd);
void put_fd_pair(struct dc_out *o, unsigned long addr);

/* call.c and args.c */
int call_failed(const struct dc_call *c);
int peek_int(unsigned long addr, int *v);
void put_arg(struct dc_out *o, const struct dc_call *c, int i, int t);

#endif
