/* tvisor-trace: an strace work-alike built on tvisor.
 *
 *     tvisor-trace [-f] [-c|-C] [-t[t[t]]] [-rTn] [-x[x]] [-y[y]] [-z|-Z]
 *                  [-s N] [-o FILE] [-q[q]] [--always-show-pid]
 *                  [-e trace=|signal=|status=|quiet=|decode-fds=SET] -- PROGRAM [ARGS]
 *
 * Every traced call is shown as strace shows it, `NAME(ARGS) = RESULT`,
 * one line per call.  The hooks run on each guest thread's kernel thread:
 * enter() formats what is known before the call (the input arguments),
 * exit() the rest (output arguments, the result).  A line is written once
 * the call has returned; the part formatted by enter() stays in a
 * per-thread buffer and is only written early, as `NAME(ARGS <unfinished
 * ...>`, when a line of another thread must be written first -- then the
 * end comes as `<... NAME resumed>ARGS) = RESULT`, as in strace -f.
 *
 * The output descriptor.  The guest shares the monitor's descriptor table,
 * so the trace goes to a descriptor of our own, moved high (the lowest free
 * one from 1000, or just under RLIMIT_NOFILE when that is lower), where a
 * program rarely looks: a dup of stderr, or FILE for -o.  It is deliberately
 * NOT close-on-exec: a guest's execve runs this same monitor again, which
 * must keep writing where the first one wrote (reopening FILE would
 * truncate it).  The new image finds it through a small memfd, kept next
 * to it, which records the descriptor, the execve line still waiting for its
 * "= 0", and the -c counters.  The guest cannot take these descriptors
 * away by accident: close() of one fails with EBADF as if it were not open,
 * close_range() skips them, fcntl(F_SETFD) on them is ignored, and
 * dup2()/dup3() onto one first moves ours elsewhere.
 *
 * Processes.  The lifecycle hooks tell the end of a thread and of the
 * process; new threads come from clone's result, an execve's success from
 * the next image's start().  A fork child starts with a copy of the
 * tracer's state: fork_child() makes it the child's own, with -f (its
 * lines, its "+++ exited", a state fd of its own for its execve), or
 * silences it without -f, as strace does not follow it then.  The -c
 * counts of every followed process go to one table, in a shared memfd,
 * which the first process prints when it ends.  A child that shares our
 * memory (vfork, posix_spawn) shares this state too: it keeps the
 * parent's, and only its own exit is told apart (by pid).
 *
 * Everything runs without a libc: the tv_* runtime of tvisor.h, the
 * kernel's UAPI headers, and the raw system calls tv_syscall6() makes. */
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
#include <linux/seccomp.h>
#ifdef __NR_arch_prctl
#include <asm/prctl.h>
#endif
#include "tvisor.h"

#define TOOL "tvisor-trace"

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

#define NR_TABLE 1024		/* the monitor's own bound on syscall numbers */
#define SIG_TABLE 512		/* numbers with a signature (both arches stay below) */
#define PATH_CAP 4097
#define FD_HINT 1000

/* ------------------------------------------------------------------ */
/* Small runtime pieces.                                               */

static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	return tv_syscall6(nr, a, b, c, d, e, f);
}

static int is_err(long r)
{
	return (unsigned long)r > -4096ul;
}

static uint64_t now_ns(int clock)
{
	struct __kernel_timespec ts = { 0, 0 };
	sys(__NR_clock_gettime, clock, (long)&ts, 0, 0, 0, 0);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* For the thread table, the pending lines and the output. */
static tv_lock_t big_lock;

/* A growing string. */
struct sb {
	char *p;
	size_t len, cap;
};

static int sb_reserve(struct sb *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = tv_malloc(cap);
	if (!p)
		return -1;
	if (b->p) {
		tv_memcpy(p, b->p, b->len);
		tv_free(b->p);
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

static void sb_putn(struct sb *b, const char *s, size_t n)
{
	if (sb_reserve(b, n))
		return;
	tv_memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void sb_puts(struct sb *b, const char *s)
{
	sb_putn(b, s, tv_strlen(s));
}

static void sb_putc(struct sb *b, char c)
{
	sb_putn(b, &c, 1);
}

__attribute__((format(printf, 2, 3))) static void sb_printf(struct sb *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;

	va_start(ap, fmt);
	int n = tv_vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		sb_putn(b, small, (size_t)n);
		return;
	}
	if (sb_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	tv_vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void sb_free(struct sb *b)
{
	tv_free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* ------------------------------------------------------------------ */
/* Options and global state.                                           */

/* The statuses of -e status= (strace's names); a line is shown when its
 * call's status is in the set. */
enum {
	CS_SUCCESSFUL = 1 << 0, CS_FAILED = 1 << 1, CS_UNFINISHED = 1 << 2,
	CS_UNAVAILABLE = 1 << 3, CS_DETACHED = 1 << 4, CS_ALL = (1 << 5) - 1,
};
/* -e quiet=: only "exit" has messages to suppress here (there is no
 * attaching, no personality change, no path resolution note). */
enum { Q_ATTACH = 1 << 0, Q_EXIT = 1 << 1, Q_PATH = 1 << 2, Q_PERSONALITY = 1 << 3,
       Q_EXECVE = 1 << 4, Q_ALL = (1 << 5) - 1 };
/* -x: how strings are escaped. */
enum { HEX_NONE, HEX_CHARS, HEX_NON_ASCII, HEX_ALL };
/* -y, -yy, --decode-fds=: what is shown after a descriptor. */
enum { DF_PATH = 1 << 0, DF_SOCKET = 1 << 1, DF_DEV = 1 << 2, DF_ALL = (1 << 3) - 1 };

static struct {
	int follow;		/* -f: every thread, not only the first; 2: -ff */
	int summary;		/* -c / -C */
	int lines;		/* print call lines (not with -c alone) */
	int stamps;		/* -t, -tt, -ttt */
	int times;		/* -T: digits of the time in the call, -1 without -T */
	int relative;		/* -r: digits of the time since the last line, -1 without */
	int numbers;		/* -n: "[ 39] " before the name */
	int always_pid;		/* --always-show-pid */
	int hex;		/* -x, -xx: HEX_* */
	unsigned fds;		/* -y, -yy: DF_* */
	unsigned status;	/* -e status=, -z, -Z: CS_* shown */
	uint64_t signals;	/* -e signal=: bit N-1 for signal N shown */
	unsigned quiet;		/* -q, -e quiet=: Q_* */
	unsigned long strsize;	/* -s */
	const char *outfile;	/* -o */
	int have_set;		/* some -e trace= was given */
} opt = { .lines = 1, .strsize = 32, .times = -1, .relative = -1, .status = CS_ALL,
	  .signals = ~0ull };

static unsigned char selected[NR_TABLE];	/* numbers printed */
static int out_fd = -1;		/* where lines go */
static int state_fd = -1;	/* the memfd that crosses execve */
static int main_pid;		/* the traced process */
static int finished;		/* the process is ending: print nothing more */
static int detached;		/* --tv-trace-detached: a process we do not follow (exec_options) */
static long tz_offset;		/* seconds east of UTC, for -t */

struct count {
	uint64_t calls, errors, ns;
};

/* The -c counts of every process of the trace: a memfd mapped shared,
 * which fork children inherit and an execve's new image maps again (its
 * descriptor is ours, like out_fd).  Without it, counts of our own. */
struct shared {
	char magic[8];
	int32_t root_pid;	/* the process that prints the table */
	struct count counts[NR_TABLE];
};
#define SHARED_MAGIC "tvshare"
static struct count own_counts[NR_TABLE];
static struct count *counts = own_counts;
static struct shared *shared;
static int shared_fd = -1;

/* -e inject=SET:..., -e fault=SET:...: what happens to the calls of SET,
 * with strace's meaning.  The last expression naming a call decides for
 * it; its invocations are counted per thread (struct thr). */
struct inject {
	long ret;			/* the result instead of running the call... */
	int replace;			/* ...when set */
	int signo;			/* sent to the thread on entry; 0: none */
	uint64_t delay_enter, delay_exit;	/* nanoseconds */
	unsigned first, last, step;	/* when=: these invocations (1 is the first) */
};
static const struct inject *injects[NR_TABLE];

static int reopen_output(void);
static void persist_failed(void);

/* A write of the trace failed (-o /dev/full, a full disk, a closed pipe):
 * as strace does, say so on stderr -- once, not for every line -- and,
 * since lines were lost, the exit status will not be 0 (exit_status()). */
static int out_failed;

static void output_failed(long err)
{
	if (__atomic_exchange_n(&out_failed, 1, __ATOMIC_RELAXED))
		return;
	tv_dprintf(2, "%s: %s: %s\n", TOOL, opt.outfile ? opt.outfile : "standard error",
		   tv_strerror((int)-err));
	persist_failed();
}

/* Writes all of buf to fd, a short write retried; 0 or the error. */
static long write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		long r = sys(__NR_write, fd, (long)buf, (long)len, 0, 0, 0);
		if (r == -EINTR)
			continue;
		if (r <= 0)
			return r ? r : -EIO;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Writes all of buf to the output; an error drops the rest of buf and is
 * reported. */
static void emit(const char *buf, size_t len)
{
	long r = write_all(out_fd, buf, len);
	/* Closed behind our back (nothing was written): append. */
	if (r == -EBADF && opt.outfile && reopen_output() == 0)
		r = write_all(out_fd, buf, len);
	if (r)
		output_failed(r);
}

/* -ff with -o PREFIX: each thread's lines go to PREFIX.TID, as strace
 * writes them.  Each line opens, appends and closes its file, so no
 * descriptor of ours per thread sits in the guest's table (nothing to
 * guard, nothing to carry across execve).  As strace does when it meets
 * a new thread, the first line of a thread this trace has not seen
 * truncates the file; a process's new image goes on appending to it.
 * Under the lock. */
static int separate;			/* -ff with -o */
static char ff_prefix[4096];		/* PREFIX, absolute: the guest may chdir */
static char ff_path[4096 + 16];
static int *ff_seen;			/* tids whose file is begun: open addressing, 0 free */
static unsigned ff_cap, ff_used;

static int ff_insert(int *set, unsigned cap, int tid)
{
	unsigned i = (unsigned)tid * 2654435761u % cap;
	while (set[i] && set[i] != tid)
		i = (i + 1) % cap;
	if (set[i])
		return 0;
	set[i] = tid;
	return 1;
}

/* Records tid; 1 if it is new to the trace (or no memory: truncate). */
static int ff_begin(int tid)
{
	if (2 * (ff_used + 1) > ff_cap) {
		unsigned cap = ff_cap ? 2 * ff_cap : 64;
		int *set = tv_calloc(cap, sizeof *set);
		if (!set)
			return 1;
		for (unsigned i = 0; i < ff_cap; i++)
			if (ff_seen[i])
				ff_insert(set, cap, ff_seen[i]);
		tv_free(ff_seen);
		ff_seen = set;
		ff_cap = cap;
	}
	if (!ff_insert(ff_seen, ff_cap, tid))
		return 0;
	ff_used++;
	return 1;
}

static void ff_forget_all(void)
{
	tv_free(ff_seen);
	ff_seen = NULL;
	ff_cap = ff_used = 0;
}

/* Opens PREFIX.TID to append, truncated first if trunc. */
static long ff_open(int tid, int trunc)
{
	tv_snprintf(ff_path, sizeof ff_path, "%s.%d", ff_prefix, tid);
	return sys(__NR_openat, AT_FDCWD, (long)ff_path,
		   O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (trunc ? O_TRUNC : 0), 0666, 0, 0);
}

/* -ff: the file of a new process begins now, as strace's does when it
 * meets the process, even if its first line comes from its next image. */
static long ff_start(int tid)
{
	ff_begin(tid);
	long fd = ff_open(tid, 1);
	if (fd >= 0)
		sys(__NR_close, fd, 0, 0, 0, 0, 0);
	return fd;
}

/* A line of thread tid's. */
static void emit_line(int tid, const char *buf, size_t len)
{
	if (!separate) {
		emit(buf, len);
		return;
	}
	long fd = ff_open(tid, ff_begin(tid));
	long r = fd < 0 ? fd : write_all((int)fd, buf, len);
	if (fd >= 0)
		sys(__NR_close, fd, 0, 0, 0, 0, 0);
	if (r)
		output_failed(r);
}

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
static void put_error(struct sb *o, long ret)
{
	int e = (int)-ret;
	const char *text = NULL, *name = restart_name(e, &text);

	if (name) {
		sb_printf(o, "? %s (%s)", name, text);
		return;
	}
	name = tv_errno_name(e);
	if (name)
		sb_printf(o, "-1 %s (%s)", name, tv_strerror(e));
	else
		sb_printf(o, "-1 (errno %d)", e);
}

/* ------------------------------------------------------------------ */
/* Strings, quoted as strace quotes them.                               */

/* How put_quoted() quotes: Q_HEX for random data, every byte as \xNN;
 * Q_BARE for a descriptor's path after -y, without the quotes and with
 * < and > escaped (strace's QUOTE_OMIT_LEADING_TRAILING_QUOTES, "<>"). */
enum { Q_HEX = 1, Q_BARE = 2 };

/* -x: a string with a byte that is neither printable nor white space is
 * shown all in hex. */
static int wants_hex(const unsigned char *s, size_t n, int flags)
{
	if ((flags & Q_HEX) || opt.hex == HEX_ALL)
		return 1;
	if (opt.hex != HEX_NON_ASCII)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] > 0x7e || (s[i] < ' ' && (unsigned)(s[i] - 9) >= 5))
			return 1;
	return 0;
}

/* An unprintable byte: octal, as short as possible unless an octal digit
 * follows (or \xNN with --strings-in-hex=non-ascii-chars). */
static void put_escape(struct sb *o, unsigned c, int digit_follows)
{
	char oct[5];
	int k = 0;

	if (opt.hex == HEX_CHARS) {
		sb_printf(o, "\\x%02x", c);
		return;
	}
	oct[k++] = '\\';
	if (digit_follows || c >= 0100)
		oct[k++] = (char)('0' + (c >> 6));
	if (digit_follows || c >= 010)
		oct[k++] = (char)('0' + ((c >> 3) & 7));
	oct[k++] = (char)('0' + (c & 7));
	sb_putn(o, oct, (size_t)k);
}

/* Bytes between double quotes, as strace quotes them: \" \\ \t \n \v \f
 * \r, other unprintable bytes escaped, or all of them in hex (flags, -x). */
static void put_quoted(struct sb *o, const unsigned char *s, size_t n, int flags)
{
	int hex = wants_hex(s, n, flags);

	if (!(flags & Q_BARE))
		sb_putc(o, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if (hex) {
			sb_printf(o, "\\x%02x", c);
			continue;
		}
		switch (c) {
		case '"': sb_puts(o, "\\\""); continue;
		case '\\': sb_puts(o, "\\\\"); continue;
		case '\t': sb_puts(o, "\\t"); continue;
		case '\n': sb_puts(o, "\\n"); continue;
		case '\v': sb_puts(o, "\\v"); continue;
		case '\f': sb_puts(o, "\\f"); continue;
		case '\r': sb_puts(o, "\\r"); continue;
		}
		if (c >= 0x20 && c < 0x7f && !((flags & Q_BARE) && (c == '<' || c == '>')))
			sb_putc(o, (char)c);
		else
			put_escape(o, c, i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7');
	}
	if (!(flags & Q_BARE))
		sb_putc(o, '"');
}

static void put_ptr(struct sb *o, unsigned long p)
{
	if (p)
		sb_printf(o, "0x%lx", p);
	else
		sb_puts(o, "NULL");
}

static void put_hex(struct sb *o, unsigned long v)
{
	if (v)
		sb_printf(o, "0x%lx", v);
	else
		sb_puts(o, "0");
}

/* A reading buffer: on the stack when small, else from the heap. */
struct rbuf {
	unsigned char *p;
	unsigned char small[512];
};

static unsigned char *rbuf_get(struct rbuf *r, size_t n)
{
	r->p = n <= sizeof r->small ? r->small : tv_malloc(n);
	return r->p;
}

static void rbuf_put(struct rbuf *r)
{
	if (r->p && r->p != r->small)
		tv_free(r->p);
}

/* len bytes at addr, at most -s of them, then "..." if there were more. */
static void put_buf(struct sb *o, unsigned long addr, unsigned long len, int flags)
{
	unsigned long n = len < opt.strsize ? len : opt.strsize;
	struct rbuf rb;

	if (!addr && len) {
		sb_puts(o, "NULL");
		return;
	}
	unsigned char *b = rbuf_get(&rb, n ? n : 1);
	if (!b || tv_mem_read(b, addr, n) < 0) {
		put_ptr(o, addr);
	} else {
		put_quoted(o, b, n, flags);
		if (len > n)
			sb_puts(o, "...");
	}
	rbuf_put(&rb);
}

/* A NUL-terminated string, at most -s bytes of it. */
static void put_str(struct sb *o, unsigned long addr)
{
	struct rbuf rb;
	size_t cap = opt.strsize + 2;

	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	char *b = (char *)rbuf_get(&rb, cap);
	long n = b ? tv_mem_read_str(b, addr, cap) : -ENOMEM;
	if (n == -ENAMETOOLONG) {
		put_quoted(o, (unsigned char *)b, opt.strsize, 0);
		sb_puts(o, "...");
	} else if (n < 0) {
		put_ptr(o, addr);
	} else if ((unsigned long)n > opt.strsize) {
		put_quoted(o, (unsigned char *)b, opt.strsize, 0);
		sb_puts(o, "...");
	} else {
		put_quoted(o, (unsigned char *)b, (size_t)n, 0);
	}
	rbuf_put(&rb);
}

/* A path: shown whole (up to PATH_MAX), whatever -s says. */
static void put_path(struct sb *o, unsigned long addr)
{
	struct rbuf rb;

	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	char *b = (char *)rbuf_get(&rb, PATH_CAP);
	long n = b ? tv_mem_read_str(b, addr, PATH_CAP) : -ENOMEM;
	if (n == -ENAMETOOLONG) {
		put_quoted(o, (unsigned char *)b, PATH_CAP - 1, 0);
		sb_puts(o, "...");
	} else if (n < 0) {
		put_ptr(o, addr);
	} else {
		put_quoted(o, (unsigned char *)b, (size_t)n, 0);
	}
	rbuf_put(&rb);
}

/* ------------------------------------------------------------------ */
/* Symbolic constants.                                                  */

struct xlat {
	unsigned long val;
	const char *name;
};
#define X(v) { (unsigned long)(v), #v }
#define XEND { 0, NULL }

/* OR-ed names in the table's order (a name covering several bits comes
 * before its parts), then the unknown bits in hex; zero shows as zname. */
static void put_flags(struct sb *o, const struct xlat *x, unsigned long v, const char *zname)
{
	int any = 0;

	for (; x->name; x++) {
		if (x->val && (v & x->val) == x->val) {
			sb_printf(o, "%s%s", any ? "|" : "", x->name);
			v &= ~x->val;
			any = 1;
		}
	}
	if (v)
		sb_printf(o, "%s0x%lx", any ? "|" : "", v);
	else if (!any)
		sb_puts(o, zname ? zname : "0");
}

static const char *xlookup(const struct xlat *x, unsigned long v)
{
	for (; x->name; x++)
		if (x->val == v)
			return x->name;
	return NULL;
}

/* One value of a set: its name, or the number with UNKNOWN in a comment. */
static void put_enum(struct sb *o, const struct xlat *x, unsigned long v, const char *unknown)
{
	const char *n = xlookup(x, v);
	if (n)
		sb_puts(o, n);
	else
		sb_printf(o, "0x%lx /* %s */", v, unknown);
}

/* strace's "%#03o": 0 is "000", 022 is "022", 0755 is "0755". */
static void put_oct(struct sb *o, unsigned long v)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	t[n++] = '0';
	while (n < 3)
		t[n++] = '0';
	while (n)
		sb_putc(o, t[--n]);
}

static const struct xlat open_flags[] = {
	X(O_CREAT), X(O_EXCL), X(O_NOCTTY), X(O_TRUNC), X(O_APPEND), X(O_NONBLOCK),
	X(O_SYNC), X(O_DSYNC), X(O_DIRECT), X(O_LARGEFILE), X(O_NOFOLLOW), X(O_NOATIME),
	X(O_CLOEXEC), X(O_PATH), X(O_TMPFILE), X(O_DIRECTORY), X(FASYNC), XEND
};
static const struct xlat open_access[] = {
	X(O_RDONLY), X(O_WRONLY), X(O_RDWR), X(O_ACCMODE), XEND
};

static void put_open_flags(struct sb *o, unsigned long v)
{
	put_enum(o, open_access, v & O_ACCMODE, "O_???");
	if (v & ~(unsigned long)O_ACCMODE) {
		sb_putc(o, '|');
		put_flags(o, open_flags, v & ~(unsigned long)O_ACCMODE, NULL);
	}
}

static const struct xlat at_flags[] = {
	X(AT_SYMLINK_NOFOLLOW), X(AT_SYMLINK_FOLLOW), X(AT_NO_AUTOMOUNT), X(AT_EMPTY_PATH),
#ifdef AT_RECURSIVE
	X(AT_RECURSIVE),
#endif
	XEND
};
static const struct xlat unlink_flags[] = { X(AT_REMOVEDIR), XEND };
static const struct xlat access_flags[] = {
	X(AT_SYMLINK_NOFOLLOW), X(AT_EACCESS), X(AT_EMPTY_PATH), XEND
};
static const struct xlat statx_sync[] = {
	X(AT_STATX_SYNC_AS_STAT), X(AT_STATX_FORCE_SYNC), X(AT_STATX_DONT_SYNC), XEND
};
static const struct xlat statx_mask[] = {
	X(STATX_ALL), X(STATX_BASIC_STATS), X(STATX_TYPE), X(STATX_MODE), X(STATX_NLINK),
	X(STATX_UID), X(STATX_GID), X(STATX_ATIME), X(STATX_MTIME), X(STATX_CTIME),
	X(STATX_INO), X(STATX_SIZE), X(STATX_BLOCKS), X(STATX_BTIME),
#ifdef STATX_MNT_ID
	X(STATX_MNT_ID),
#endif
#ifdef STATX_DIOALIGN
	X(STATX_DIOALIGN),
#endif
	XEND
};
static const struct xlat rename_flags[] = {
	{ 1, "RENAME_NOREPLACE" }, { 2, "RENAME_EXCHANGE" }, { 4, "RENAME_WHITEOUT" }, XEND
};
static const struct xlat access_modes[] = {
	{ T_R_OK, "R_OK" }, { T_W_OK, "W_OK" }, { T_X_OK, "X_OK" }, XEND
};
static const struct xlat whences[] = {
	{ T_SEEK_SET, "SEEK_SET" }, { T_SEEK_CUR, "SEEK_CUR" }, { T_SEEK_END, "SEEK_END" },
	{ T_SEEK_DATA, "SEEK_DATA" }, { T_SEEK_HOLE, "SEEK_HOLE" }, XEND
};
static const struct xlat flock_ops[] = {
	X(LOCK_SH), X(LOCK_EX), X(LOCK_NB), X(LOCK_UN), XEND
};
static const struct xlat mode_types[] = {
	X(S_IFREG), X(S_IFDIR), X(S_IFCHR), X(S_IFBLK), X(S_IFIFO), X(S_IFLNK), X(S_IFSOCK), XEND
};
static const struct xlat mode_bits[] = { X(S_ISUID), X(S_ISGID), X(S_ISVTX), XEND };

static const struct xlat prots[] = {
	X(PROT_READ), X(PROT_WRITE), X(PROT_EXEC), X(PROT_SEM), X(PROT_GROWSDOWN), X(PROT_GROWSUP),
	XEND
};
static const struct xlat map_types[] = {
	X(MAP_SHARED), X(MAP_PRIVATE), X(MAP_SHARED_VALIDATE), XEND
};
static const struct xlat map_flags[] = {
	X(MAP_FIXED), X(MAP_ANONYMOUS),
#ifdef MAP_32BIT
	X(MAP_32BIT),
#endif
	X(MAP_NORESERVE), X(MAP_POPULATE), X(MAP_NONBLOCK), X(MAP_GROWSDOWN), X(MAP_DENYWRITE),
	X(MAP_EXECUTABLE), X(MAP_LOCKED), X(MAP_STACK), X(MAP_HUGETLB), X(MAP_SYNC),
	X(MAP_FIXED_NOREPLACE), X(MAP_UNINITIALIZED), XEND
};
static const struct xlat madvs[] = {
	X(MADV_NORMAL), X(MADV_RANDOM), X(MADV_SEQUENTIAL), X(MADV_WILLNEED), X(MADV_DONTNEED),
	X(MADV_FREE), X(MADV_REMOVE), X(MADV_DONTFORK), X(MADV_DOFORK), X(MADV_MERGEABLE),
	X(MADV_UNMERGEABLE), X(MADV_HUGEPAGE), X(MADV_NOHUGEPAGE), X(MADV_DONTDUMP), X(MADV_DODUMP),
	X(MADV_WIPEONFORK), X(MADV_KEEPONFORK), X(MADV_COLD), X(MADV_PAGEOUT),
#ifdef MADV_POPULATE_READ
	X(MADV_POPULATE_READ), X(MADV_POPULATE_WRITE),
#endif
#ifdef MADV_DONTNEED_LOCKED
	X(MADV_DONTNEED_LOCKED),
#endif
#ifdef MADV_COLLAPSE
	X(MADV_COLLAPSE),
#endif
	X(MADV_HWPOISON), X(MADV_SOFT_OFFLINE), XEND
};
static const struct xlat mremap_flags[] = {
	X(MREMAP_MAYMOVE), X(MREMAP_FIXED),
#ifdef MREMAP_DONTUNMAP
	X(MREMAP_DONTUNMAP),
#endif
	XEND
};
static const struct xlat msync_flags[] = { X(MS_ASYNC), X(MS_INVALIDATE), X(MS_SYNC), XEND };
static const struct xlat mlockall_flags[] = {
	X(MCL_CURRENT), X(MCL_FUTURE),
#ifdef MCL_ONFAULT
	X(MCL_ONFAULT),
#endif
	XEND
};

static const struct xlat clone_flags[] = {
	X(CLONE_VM), X(CLONE_FS), X(CLONE_FILES), X(CLONE_SIGHAND), X(CLONE_PIDFD), X(CLONE_PTRACE),
	X(CLONE_VFORK), X(CLONE_PARENT), X(CLONE_THREAD), X(CLONE_NEWNS), X(CLONE_SYSVSEM),
	X(CLONE_SETTLS), X(CLONE_PARENT_SETTID), X(CLONE_CHILD_CLEARTID), X(CLONE_DETACHED),
	X(CLONE_UNTRACED), X(CLONE_CHILD_SETTID), X(CLONE_NEWCGROUP), X(CLONE_NEWUTS),
	X(CLONE_NEWIPC), X(CLONE_NEWUSER), X(CLONE_NEWPID), X(CLONE_NEWNET), X(CLONE_IO), XEND
};

static const struct xlat futex_cmds[] = {
	X(FUTEX_WAIT), X(FUTEX_WAKE), X(FUTEX_FD), X(FUTEX_REQUEUE), X(FUTEX_CMP_REQUEUE),
	X(FUTEX_WAKE_OP), X(FUTEX_LOCK_PI), X(FUTEX_UNLOCK_PI), X(FUTEX_TRYLOCK_PI),
	X(FUTEX_WAIT_BITSET), X(FUTEX_WAKE_BITSET), X(FUTEX_WAIT_REQUEUE_PI),
	X(FUTEX_CMP_REQUEUE_PI),
	X(FUTEX_LOCK_PI2), XEND
};

static const struct xlat fcntl_cmds[] = {
	X(F_DUPFD), X(F_GETFD), X(F_SETFD), X(F_GETFL), X(F_SETFL), X(F_GETLK), X(F_SETLK),
	X(F_SETLKW), X(F_SETOWN), X(F_GETOWN), X(F_SETSIG), X(F_GETSIG), X(F_SETOWN_EX),
	X(F_GETOWN_EX), X(F_OFD_GETLK), X(F_OFD_SETLK), X(F_OFD_SETLKW), X(F_SETLEASE),
	X(F_GETLEASE), X(F_NOTIFY), X(F_DUPFD_CLOEXEC), X(F_SETPIPE_SZ), X(F_GETPIPE_SZ),
	X(F_ADD_SEALS), X(F_GET_SEALS), XEND
};
static const struct xlat fd_flags[] = { X(FD_CLOEXEC), XEND };
static const struct xlat seals[] = {
	X(F_SEAL_SEAL), X(F_SEAL_SHRINK), X(F_SEAL_GROW), X(F_SEAL_WRITE),
#ifdef F_SEAL_FUTURE_WRITE
	X(F_SEAL_FUTURE_WRITE),
#endif
	XEND
};
static const struct xlat lock_types[] = { X(F_RDLCK), X(F_WRLCK), X(F_UNLCK), XEND };

static const struct xlat ioctls[] = {
	X(TCGETS), X(TCSETS), X(TCSETSW), X(TCSETSF), X(TCGETA), X(TCSETA), X(TCSETAW),
	X(TCSETAF), X(TCSBRK), X(TCXONC), X(TCFLSH), X(TIOCEXCL), X(TIOCNXCL), X(TIOCSCTTY),
	X(TIOCGPGRP), X(TIOCSPGRP), X(TIOCOUTQ), X(TIOCSTI), X(TIOCGWINSZ), X(TIOCSWINSZ),
	X(TIOCMGET), X(TIOCMSET), X(FIONREAD), X(TIOCLINUX), X(TIOCNOTTY), X(TIOCGSID),
	X(TIOCGPTN), X(TIOCSPTLCK), X(FIONBIO), X(FIONCLEX), X(FIOCLEX), X(FIOASYNC),
	X(TIOCGPTPEER), XEND
};

static const struct xlat rlimits[] = {
	X(RLIMIT_CPU), X(RLIMIT_FSIZE), X(RLIMIT_DATA), X(RLIMIT_STACK), X(RLIMIT_CORE),
	X(RLIMIT_RSS), X(RLIMIT_NPROC), X(RLIMIT_NOFILE), X(RLIMIT_MEMLOCK), X(RLIMIT_AS),
	X(RLIMIT_LOCKS), X(RLIMIT_SIGPENDING), X(RLIMIT_MSGQUEUE), X(RLIMIT_NICE),
	X(RLIMIT_RTPRIO), X(RLIMIT_RTTIME), XEND
};
static const struct xlat clocks[] = {
	X(CLOCK_REALTIME), X(CLOCK_MONOTONIC), X(CLOCK_PROCESS_CPUTIME_ID),
	X(CLOCK_THREAD_CPUTIME_ID), X(CLOCK_MONOTONIC_RAW), X(CLOCK_REALTIME_COARSE),
	X(CLOCK_MONOTONIC_COARSE), X(CLOCK_BOOTTIME), X(CLOCK_REALTIME_ALARM),
	X(CLOCK_BOOTTIME_ALARM), X(CLOCK_TAI), XEND
};
static const struct xlat timer_flags[] = { X(TIMER_ABSTIME), XEND };
static const struct xlat sig_hows[] = { X(SIG_BLOCK), X(SIG_UNBLOCK), X(SIG_SETMASK), XEND };
static const struct xlat sa_flags[] = {
	X(SA_RESTORER), X(SA_ONSTACK), X(SA_RESTART), X(SA_NODEFER), X(SA_RESETHAND),
	X(SA_SIGINFO), X(SA_NOCLDSTOP), X(SA_NOCLDWAIT), XEND
};
static const struct xlat ss_flags[] = { X(SS_ONSTACK), X(SS_DISABLE), X(SS_AUTODISARM), XEND };

static const struct xlat families[] = {
	{ T_AF_UNSPEC, "AF_UNSPEC" }, { T_AF_UNIX, "AF_UNIX" }, { T_AF_INET, "AF_INET" },
	{ 3, "AF_AX25" }, { 4, "AF_IPX" }, { 5, "AF_APPLETALK" }, { 7, "AF_BRIDGE" },
	{ T_AF_INET6, "AF_INET6" }, { 15, "AF_KEY" }, { T_AF_NETLINK, "AF_NETLINK" },
	{ T_AF_PACKET, "AF_PACKET" }, { 29, "AF_CAN" }, { 31, "AF_BLUETOOTH" }, { 38, "AF_ALG" },
	{ 40, "AF_VSOCK" }, { 44, "AF_XDP" }, XEND
};
static const struct xlat sock_types[] = {
	{ 1, "SOCK_STREAM" }, { 2, "SOCK_DGRAM" }, { 3, "SOCK_RAW" }, { 4, "SOCK_RDM" },
	{ 5, "SOCK_SEQPACKET" }, { 6, "SOCK_DCCP" }, { 10, "SOCK_PACKET" }, XEND
};
static const struct xlat ip_protos[] = {
	X(IPPROTO_IP), X(IPPROTO_ICMP), X(IPPROTO_IGMP), X(IPPROTO_TCP), X(IPPROTO_UDP),
	X(IPPROTO_IPV6), X(IPPROTO_GRE), X(IPPROTO_ESP), X(IPPROTO_AH), X(IPPROTO_SCTP),
	X(IPPROTO_UDPLITE), X(IPPROTO_RAW), { 58, "IPPROTO_ICMPV6" }, XEND
};
static const struct xlat netlink_protos[] = {
	X(NETLINK_ROUTE), X(NETLINK_USERSOCK), X(NETLINK_SOCK_DIAG), X(NETLINK_NFLOG),
	X(NETLINK_XFRM), X(NETLINK_SELINUX), X(NETLINK_AUDIT), X(NETLINK_NETFILTER),
	X(NETLINK_KOBJECT_UEVENT), X(NETLINK_GENERIC), XEND
};
static const struct xlat msg_flags[] = {
	{ 0x1, "MSG_OOB" }, { 0x2, "MSG_PEEK" }, { 0x4, "MSG_DONTROUTE" }, { 0x8, "MSG_CTRUNC" },
	{ 0x10, "MSG_PROXY" }, { 0x20, "MSG_TRUNC" }, { 0x40, "MSG_DONTWAIT" }, { 0x80, "MSG_EOR" },
	{ 0x100, "MSG_WAITALL" }, { 0x200, "MSG_FIN" }, { 0x400, "MSG_SYN" },
	{ 0x800, "MSG_CONFIRM" }, { 0x1000, "MSG_RST" }, { 0x2000, "MSG_ERRQUEUE" },
	{ 0x4000, "MSG_NOSIGNAL" }, { 0x8000, "MSG_MORE" }, { 0x10000, "MSG_WAITFORONE" },
	{ 0x40000, "MSG_BATCH" }, { 0x4000000, "MSG_ZEROCOPY" }, { 0x20000000, "MSG_FASTOPEN" },
	{ 0x40000000, "MSG_CMSG_CLOEXEC" }, XEND
};
static const struct xlat shut_hows[] = {
	{ 0, "SHUT_RD" }, { 1, "SHUT_WR" }, { 2, "SHUT_RDWR" }, XEND
};
static const struct xlat sol_levels[] = {
	{ SOL_SOCKET, "SOL_SOCKET" }, { T_SOL_IP, "SOL_IP" }, { T_SOL_TCP, "SOL_TCP" },
	{ T_SOL_UDP, "SOL_UDP" }, { T_SOL_IPV6, "SOL_IPV6" }, XEND
};
static const struct xlat so_names[] = {
	X(SO_DEBUG), X(SO_REUSEADDR), X(SO_TYPE), X(SO_ERROR), X(SO_DONTROUTE), X(SO_BROADCAST),
	X(SO_SNDBUF), X(SO_RCVBUF), X(SO_SNDBUFFORCE), X(SO_RCVBUFFORCE), X(SO_KEEPALIVE),
	X(SO_OOBINLINE), X(SO_NO_CHECK), X(SO_PRIORITY), X(SO_LINGER), X(SO_BSDCOMPAT),
	X(SO_REUSEPORT), X(SO_PASSCRED), X(SO_PEERCRED), X(SO_RCVLOWAT), X(SO_SNDLOWAT),
	X(SO_BINDTODEVICE), X(SO_ACCEPTCONN), X(SO_PEERSEC), X(SO_PASSSEC), X(SO_MARK),
	X(SO_PROTOCOL), X(SO_DOMAIN), X(SO_RXQ_OVFL), X(SO_BUSY_POLL), X(SO_INCOMING_CPU),
	X(SO_ZEROCOPY), XEND
};
static const struct xlat tcp_names[] = {
	{ 1, "TCP_NODELAY" }, { 2, "TCP_MAXSEG" }, { 3, "TCP_CORK" }, { 4, "TCP_KEEPIDLE" },
	{ 5, "TCP_KEEPINTVL" }, { 6, "TCP_KEEPCNT" }, { 9, "TCP_DEFER_ACCEPT" },
	{ 11, "TCP_INFO" }, { 12, "TCP_QUICKACK" }, { 13, "TCP_CONGESTION" },
	{ 18, "TCP_USER_TIMEOUT" }, { 23, "TCP_FASTOPEN" }, XEND
};
static const struct xlat ip_names[] = {
	X(IP_TOS), X(IP_TTL), X(IP_HDRINCL), X(IP_OPTIONS), X(IP_RECVOPTS), X(IP_RETOPTS),
	X(IP_PKTINFO), X(IP_MTU_DISCOVER), X(IP_RECVERR), X(IP_RECVTTL), X(IP_RECVTOS), X(IP_MTU),
	X(IP_FREEBIND), X(IP_TRANSPARENT), X(IP_BIND_ADDRESS_NO_PORT), X(IP_MULTICAST_IF),
	X(IP_MULTICAST_TTL), X(IP_MULTICAST_LOOP), X(IP_ADD_MEMBERSHIP), X(IP_DROP_MEMBERSHIP),
	XEND
};
static const struct xlat ipv6_names[] = {
	X(IPV6_UNICAST_HOPS), X(IPV6_MULTICAST_IF), X(IPV6_MULTICAST_HOPS), X(IPV6_MULTICAST_LOOP),
	X(IPV6_MTU_DISCOVER), X(IPV6_MTU), X(IPV6_RECVERR), X(IPV6_V6ONLY), X(IPV6_RECVPKTINFO),
	X(IPV6_TCLASS), XEND
};
static const struct xlat fadvs[] = {
	{ 0, "POSIX_FADV_NORMAL" }, { 1, "POSIX_FADV_RANDOM" }, { 2, "POSIX_FADV_SEQUENTIAL" },
	{ 3, "POSIX_FADV_WILLNEED" }, { 4, "POSIX_FADV_DONTNEED" }, { 5, "POSIX_FADV_NOREUSE" },
	XEND
};
static const struct xlat fs_magics[] = {
	X(EXT2_SUPER_MAGIC), X(TMPFS_MAGIC), X(PROC_SUPER_MAGIC), X(SYSFS_MAGIC),
	X(OVERLAYFS_SUPER_MAGIC), X(BTRFS_SUPER_MAGIC), X(XFS_SUPER_MAGIC), X(CGROUP2_SUPER_MAGIC),
	X(CGROUP_SUPER_MAGIC), X(DEVPTS_SUPER_MAGIC), X(NFS_SUPER_MAGIC), X(RAMFS_MAGIC),
	X(SQUASHFS_MAGIC), X(FUSE_SUPER_MAGIC), X(DEBUGFS_MAGIC), X(TRACEFS_MAGIC),
	X(SECURITYFS_MAGIC), X(HUGETLBFS_MAGIC), X(ANON_INODE_FS_MAGIC), X(SOCKFS_MAGIC),
	X(PIPEFS_MAGIC), X(NSFS_MAGIC), X(BPF_FS_MAGIC), X(CRAMFS_MAGIC), XEND
};
static const struct xlat statfs_flags[] = {
	{ 0x1, "ST_RDONLY" }, { 0x2, "ST_NOSUID" }, { 0x4, "ST_NODEV" }, { 0x8, "ST_NOEXEC" },
	{ 0x10, "ST_SYNCHRONOUS" }, { 0x20, "ST_VALID" }, { 0x40, "ST_MANDLOCK" },
	{ 0x400, "ST_NOATIME" }, { 0x800, "ST_NODIRATIME" }, { 0x1000, "ST_RELATIME" },
	{ 0x2000, "ST_NOSYMFOLLOW" }, XEND
};
static const struct xlat poll_events[] = {
	X(POLLIN), X(POLLPRI), X(POLLOUT), X(POLLERR), X(POLLHUP), X(POLLNVAL), X(POLLRDNORM),
	X(POLLRDBAND), X(POLLWRNORM), X(POLLWRBAND), X(POLLMSG), X(POLLRDHUP), XEND
};
static const struct xlat epoll_events[] = {
	X(EPOLLIN), X(EPOLLPRI), X(EPOLLOUT), X(EPOLLERR), X(EPOLLHUP), X(EPOLLNVAL),
	X(EPOLLRDNORM), X(EPOLLRDBAND), X(EPOLLWRNORM), X(EPOLLWRBAND), X(EPOLLMSG),
	X(EPOLLRDHUP), X(EPOLLEXCLUSIVE), X(EPOLLWAKEUP), X(EPOLLONESHOT), X(EPOLLET), XEND
};
static const struct xlat epoll_ops[] = {
	X(EPOLL_CTL_ADD), X(EPOLL_CTL_DEL), X(EPOLL_CTL_MOD), XEND
};
static const struct xlat wait_opts[] = {
	X(WNOHANG), X(WUNTRACED), X(WEXITED), X(WCONTINUED), X(WNOWAIT), X(__WNOTHREAD),
	X(__WALL), X(__WCLONE), XEND
};
static const struct xlat idtypes[] = {
	{ T_P_ALL, "P_ALL" }, { T_P_PID, "P_PID" }, { T_P_PGID, "P_PGID" },
	{ T_P_PIDFD, "P_PIDFD" }, XEND
};
static const struct xlat grnd_flags[] = {
	X(GRND_NONBLOCK), X(GRND_RANDOM),
#ifdef GRND_INSECURE
	X(GRND_INSECURE),
#endif
	XEND
};
static const struct xlat close_range_flags[] = {
	X(CLOSE_RANGE_UNSHARE), X(CLOSE_RANGE_CLOEXEC), XEND
};
static const struct xlat mfd_flags[] = {
	X(MFD_CLOEXEC), X(MFD_ALLOW_SEALING), X(MFD_HUGETLB),
#ifdef MFD_NOEXEC_SEAL
	X(MFD_NOEXEC_SEAL), X(MFD_EXEC),
#endif
	XEND
};
static const struct xlat resolve_flags[] = {
	X(RESOLVE_NO_XDEV), X(RESOLVE_NO_MAGICLINKS), X(RESOLVE_NO_SYMLINKS), X(RESOLVE_BENEATH),
	X(RESOLVE_IN_ROOT), X(RESOLVE_CACHED), XEND
};
static const struct xlat seccomp_ops[] = {
	X(SECCOMP_SET_MODE_STRICT), X(SECCOMP_SET_MODE_FILTER), X(SECCOMP_GET_ACTION_AVAIL),
	X(SECCOMP_GET_NOTIF_SIZES), XEND
};
static const struct xlat prctl_ops[] = {
	X(PR_SET_PDEATHSIG), X(PR_GET_PDEATHSIG), X(PR_GET_DUMPABLE), X(PR_SET_DUMPABLE),
	X(PR_GET_UNALIGN), X(PR_SET_UNALIGN), X(PR_GET_KEEPCAPS), X(PR_SET_KEEPCAPS),
	X(PR_GET_FPEMU), X(PR_SET_FPEMU), X(PR_GET_FPEXC), X(PR_SET_FPEXC), X(PR_GET_TIMING),
	X(PR_SET_TIMING), X(PR_SET_NAME), X(PR_GET_NAME), X(PR_GET_ENDIAN), X(PR_SET_ENDIAN),
	X(PR_GET_SECCOMP), X(PR_SET_SECCOMP), X(PR_CAPBSET_READ), X(PR_CAPBSET_DROP),
	X(PR_GET_TSC), X(PR_SET_TSC), X(PR_GET_SECUREBITS), X(PR_SET_SECUREBITS),
	X(PR_SET_TIMERSLACK), X(PR_GET_TIMERSLACK), X(PR_TASK_PERF_EVENTS_DISABLE),
	X(PR_TASK_PERF_EVENTS_ENABLE), X(PR_MCE_KILL), X(PR_MCE_KILL_GET), X(PR_SET_MM),
	X(PR_SET_CHILD_SUBREAPER), X(PR_GET_CHILD_SUBREAPER), X(PR_SET_NO_NEW_PRIVS),
	X(PR_GET_NO_NEW_PRIVS), X(PR_GET_TID_ADDRESS), X(PR_SET_THP_DISABLE),
	X(PR_GET_THP_DISABLE), X(PR_SET_FP_MODE), X(PR_GET_FP_MODE), X(PR_CAP_AMBIENT),
	X(PR_SET_SPECULATION_CTRL), X(PR_GET_SPECULATION_CTRL),
#ifdef PR_SET_VMA
	X(PR_SET_VMA),
#endif
	X(PR_SET_PTRACER), XEND
};
#ifdef __NR_arch_prctl
static const struct xlat arch_prctl_codes[] = {
	X(ARCH_SET_GS), X(ARCH_SET_FS), X(ARCH_GET_FS), X(ARCH_GET_GS), X(ARCH_GET_CPUID),
	X(ARCH_SET_CPUID), X(ARCH_MAP_VDSO_X32), X(ARCH_MAP_VDSO_32), X(ARCH_MAP_VDSO_64),
#ifdef ARCH_GET_UNTAG_MASK
	X(ARCH_GET_UNTAG_MASK), X(ARCH_ENABLE_TAGGED_ADDR), X(ARCH_GET_MAX_TAG_BITS),
#endif
	XEND
};
#endif

/* Signals: kernel numbering; 32 and up are SIGRTMIN and SIGRT_n. */
static const char *const sig_names[32] = {
	[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
	[SIGTRAP] = "TRAP", [SIGABRT] = "ABRT", [SIGBUS] = "BUS", [SIGFPE] = "FPE",
	[SIGKILL] = "KILL", [SIGUSR1] = "USR1", [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
	[SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
	[SIGCHLD] = "CHLD", [SIGCONT] = "CONT", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
	[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU",
	[SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
	[SIGIO] = "IO", [SIGPWR] = "PWR", [SIGSYS] = "SYS",
};

/* "SIG" prefix or not: sets are shown as [INT TERM], numbers as SIGINT. */
static void put_signame(struct sb *o, long s, int prefix)
{
	const char *p = prefix ? "SIG" : "";
	if (s > 0 && s < 32 && sig_names[s])
		sb_printf(o, "%s%s", p, sig_names[s]);
	else if (s == 32)
		sb_printf(o, "%sRTMIN", p);
	else if (s > 32 && s <= 64)
		sb_printf(o, "%sRT_%ld", p, s - 32);
	else
		sb_printf(o, "%ld", s);
}

static void put_sigmask(struct sb *o, uint64_t m)
{
	int bits = __builtin_popcountll(m);
	if (bits > 32) {
		sb_putc(o, '~');
		m = ~m;
	}
	sb_putc(o, '[');
	int any = 0;
	for (int s = 1; s <= 64; s++) {
		if (m & (1ull << (s - 1))) {
			if (any)
				sb_putc(o, ' ');
			put_signame(o, s, 0);
			any = 1;
		}
	}
	sb_putc(o, ']');
}

static void put_sigset_at(struct sb *o, unsigned long addr)
{
	uint64_t m;
	if (!addr)
		sb_puts(o, "NULL");
	else if (tv_mem_read(&m, addr, sizeof m) < 0)
		put_ptr(o, addr);
	else
		put_sigmask(o, m);
}

/* File modes: "S_IFREG|S_ISUID|0755"; a bare permission is just octal. */
static void put_fmode(struct sb *o, unsigned long m)
{
	const char *t = xlookup(mode_types, m & S_IFMT);
	if (t)
		sb_printf(o, "%s|", t);
	else if (m & S_IFMT)
		sb_printf(o, "0%lo|", m & S_IFMT);
	for (const struct xlat *x = mode_bits; x->name; x++)
		if (m & x->val)
			sb_printf(o, "%s|", x->name);
	put_oct(o, m & 0777);
}

static unsigned long dev_major(unsigned long d)
{
	return ((d >> 8) & 0xfff) | ((d >> 32) & ~0xffful);
}

static unsigned long dev_minor(unsigned long d)
{
	return (d & 0xff) | ((d >> 12) & ~0xfful);
}

static void put_dev(struct sb *o, unsigned long d)
{
	sb_puts(o, "makedev(");
	put_hex(o, dev_major(d));
	sb_puts(o, ", ");
	put_hex(o, dev_minor(d));
	sb_putc(o, ')');
}

/* Flags with a CLOEXEC and a NONBLOCK bit under a prefix (SOCK_, EFD_...). */
static void put_cloexec_flags(struct sb *o, const char *pfx, unsigned long v, unsigned long extra,
			      const char *extra_name)
{
	int any = 0;
	if (v & O_CLOEXEC) {
		sb_printf(o, "%s_CLOEXEC", pfx);
		any = 1;
		v &= ~(unsigned long)O_CLOEXEC;
	}
	if (v & O_NONBLOCK) {
		sb_printf(o, "%s%s_NONBLOCK", any ? "|" : "", pfx);
		any = 1;
		v &= ~(unsigned long)O_NONBLOCK;
	}
	if (extra && (v & extra)) {
		sb_printf(o, "%s%s", any ? "|" : "", extra_name);
		any = 1;
		v &= ~extra;
	}
	if (v)
		sb_printf(o, "%s0x%lx", any ? "|" : "", v);
	else if (!any)
		sb_puts(o, "0");
}

/* ------------------------------------------------------------------ */
/* What each argument is.                                               */

enum {
	A_NONE,
	/* Shown when the call is made. */
	A_INT, A_UINT, A_LONG, A_ULONG, A_HEX, A_PTR, A_FD, A_DIRFD, A_PATH, A_STR, A_IBUF,
	A_OFLAGS, A_FLAGS_O, A_OMODE, A_MODE, A_FMODE, A_DEV, A_UMASK, A_AMODE, A_ATFL,
	A_UNLINKFL, A_ACCESSFL, A_STATXFL, A_STATXMASK, A_RENAMEFL, A_WHENCE, A_FLOCK, A_IOCTL,
	A_FCNTL_CMD, A_FCNTL_ARG, A_PROT, A_MAPFL, A_MADV, A_MREMAPFL, A_MSYNCFL, A_MLOCKALLFL,
	A_CLONEFL, A_CL_STACK, A_CL_FLAGS, A_CL_TLS, A_CL_CTID, A_CLONE3, A_ARGV, A_ENVP,
	A_WAITOPT, A_IDTYPE, A_SIGNUM, A_SIGHOW, A_SIGSET, A_SIGACT, A_STACK, A_TS, A_UTIMES,
	A_CLOCKID, A_TIMERFL, A_FUTEX_OP, A_FX_VAL, A_FX_TMO, A_FX_UADDR2, A_FX_VAL3, A_PRCTL,
	A_SECCOMP_OP, A_ARCH_PRCTL, A_RLIMRES, A_IRLIM, A_CPUSET, A_GRNDFL, A_CLOSERANGEFL,
	A_MFDFL, A_EFDFL, A_TFDFL, A_SFDFL, A_INFL, A_EPCFL, A_EPOLLOP, A_EPOLLEV, A_POLLFDS,
	A_AF, A_SOCKTYPE, A_PROTO, A_SOCKFL, A_MSGFL, A_SHUTHOW, A_SOLEVEL, A_SONAME, A_SOVAL,
	A_SOCKADDR, A_IOV, A_MSGHDR, A_OPENHOW, A_FADV, A_GROUPS,
	/* Shown when the call returns: what the kernel wrote. */
	A_OUT_FIRST,
	A_OBUF = A_OUT_FIRST, A_OBUFX, A_OSTR, A_OPATH, A_OSTAT, A_OSTATX, A_ODIRENTS, A_OPIPE,
	A_OIOV, A_OSIGSET, A_OSIGACT, A_OSTACK, A_OTS, A_ORTS, A_OTV, A_CL_PTID, A_OWSTATUS,
	A_OINT, A_ORLIM, A_OCPUSET, A_OUNAME, A_OSOCKADDR, A_SOCKLEN, A_OSOVAL, A_OMSGHDR,
	A_OEPOLLEVS, A_PRCTL_ARGS, A_IOCTL_ARG, A_OSTATFS, A_OSYSINFO, A_OGROUPS,
};

/* What the result is. */
enum { R_DEC, R_FD, R_HEX, R_OCT, R_NONE, R_FCNTL, R_POLL, R_SIGNUM };

/* Classes for -e trace=%NAME. */
enum {
	CL_FILE = 1 << 0, CL_DESC = 1 << 1, CL_NETWORK = 1 << 2, CL_PROCESS = 1 << 3,
	CL_SIGNAL = 1 << 4, CL_MEMORY = 1 << 5, CL_IPC = 1 << 6, CL_CREDS = 1 << 7,
	CL_CLOCK = 1 << 8, CL_STAT = 1 << 9, CL_LSTAT = 1 << 10, CL_FSTAT = 1 << 11,
	CL_STATFS = 1 << 12, CL_FSTATFS = 1 << 13,
};

struct sig {
	unsigned char ok, n, ret;
	unsigned short cls;
	unsigned char t[6];
};

#include "trace-sigs.h"

static unsigned short classes[SIG_TABLE];	/* sigs[].cls plus the derived ones */

static const struct sig *sig_of(long nr)
{
	return nr >= 0 && nr < SIG_TABLE && sigs[nr].ok ? &sigs[nr] : NULL;
}

/* One call as the tool sees it. */
struct call {
	long nr;
	long a[6];
	long cap[6];	/* in/out values read when the call was made */
	long ret;
	int done;	/* ret is known */
	int injected;	/* ret came from -e inject=, the call did not run */
	int delayed;	/* -e inject= delayed it */
	uint64_t dur;	/* -T, -c: nanoseconds from entry to return */
};

static int failed(const struct call *c)
{
	return !c->done || is_err(c->ret);
}

static int peek_int(unsigned long addr, int *v)
{
	return addr && tv_mem_read(v, addr, sizeof *v) == 0;
}

/* Whether argument i is shown at all (some exist only for some values of
 * the others). */
static int present(const struct call *c, int i, int t)
{
	long cmd;

	switch (t) {
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
		cmd = c->a[1] & FUTEX_CMD_MASK;
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
	case A_IOCTL_ARG:
		return (unsigned)c->a[1] != FIOCLEX && (unsigned)c->a[1] != FIONCLEX &&
		       (unsigned)c->a[1] != TIOCNOTTY;
	case A_PRCTL_ARGS:
		switch (c->a[0]) {
		case PR_GET_DUMPABLE: case PR_GET_KEEPCAPS: case PR_GET_SECCOMP: case PR_GET_TIMERSLACK:
		case PR_GET_NO_NEW_PRIVS: case PR_GET_THP_DISABLE: case PR_GET_SECUREBITS:
		case PR_GET_TIMING: case PR_GET_FP_MODE: case PR_TASK_PERF_EVENTS_DISABLE:
		case PR_TASK_PERF_EVENTS_ENABLE: case PR_MCE_KILL_GET:
			return 0;
		}
		return 1;
	}
	return 1;
}

static void put_ts(struct sb *o, unsigned long addr)
{
	struct __kernel_timespec ts;
	if (!addr)
		sb_puts(o, "NULL");
	else if (tv_mem_read(&ts, addr, sizeof ts) < 0)
		put_ptr(o, addr);
	else
		sb_printf(o, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts.tv_sec, (long)ts.tv_nsec);
}

static void put_rlim_value(struct sb *o, uint64_t v, const char *inf)
{
	if (v == T_RLIM_INFINITY)
		sb_puts(o, inf);
	else if (v && v % 1024 == 0)
		sb_printf(o, "%lu*1024", (unsigned long)(v / 1024));
	else
		sb_printf(o, "%lu", (unsigned long)v);
}

static void put_rlimit(struct sb *o, const struct call *c, unsigned long addr)
{
	uint64_t r[2];
	const char *inf = c->nr == __NR_prlimit64 ? "RLIM64_INFINITY" : "RLIM_INFINITY";
	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	if (tv_mem_read(r, addr, sizeof r) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{rlim_cur=");
	put_rlim_value(o, r[0], inf);
	sb_puts(o, ", rlim_max=");
	put_rlim_value(o, r[1], inf);
	sb_putc(o, '}');
}

static void put_sigaction(struct sb *o, unsigned long addr)
{
	struct { unsigned long handler, flags, restorer; uint64_t mask; } sa;
	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	if (tv_mem_read(&sa, addr, sizeof sa) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{sa_handler=");
	if (sa.handler == 0)
		sb_puts(o, "SIG_DFL");
	else if (sa.handler == 1)
		sb_puts(o, "SIG_IGN");
	else
		sb_printf(o, "0x%lx", sa.handler);
	sb_puts(o, ", sa_mask=");
	put_sigmask(o, sa.mask);
	sb_puts(o, ", sa_flags=");
	put_flags(o, sa_flags, sa.flags, "0");
	if (sa.flags & SA_RESTORER)
		sb_printf(o, ", sa_restorer=0x%lx", sa.restorer);
	sb_putc(o, '}');
}

static void put_stack(struct sb *o, unsigned long addr)
{
	struct { unsigned long sp; int flags; unsigned long size; } ss;
	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	if (tv_mem_read(&ss, addr, sizeof ss) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{ss_sp=");
	put_ptr(o, ss.sp);
	sb_puts(o, ", ss_flags=");
	put_flags(o, ss_flags, (unsigned)ss.flags, "0");
	sb_printf(o, ", ss_size=%lu}", ss.size);
}

static void put_stat(struct sb *o, unsigned long addr)
{
	struct stat st;
	if (tv_mem_read(&st, addr, sizeof st) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{st_mode=");
	put_fmode(o, st.st_mode);
	if ((st.st_mode & S_IFMT) == S_IFCHR || (st.st_mode & S_IFMT) == S_IFBLK) {
		sb_puts(o, ", st_rdev=");
		put_dev(o, st.st_rdev);
	} else {
		sb_printf(o, ", st_size=%ld", (long)st.st_size);
	}
	sb_puts(o, ", ...}");
}

static void put_statx(struct sb *o, unsigned long addr)
{
	struct statx sx;
	if (tv_mem_read(&sx, addr, sizeof sx) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{stx_mask=");
	put_flags(o, statx_mask, sx.stx_mask, "0");
	sb_puts(o, ", stx_attributes=");
	put_hex(o, sx.stx_attributes);
	sb_puts(o, ", stx_mode=");
	put_fmode(o, sx.stx_mode);
	sb_printf(o, ", stx_size=%lu", (unsigned long)sx.stx_size);
	sb_puts(o, ", ...}");
}

/* An IPv6 address as inet_ntop writes it. */
static void put_in6(struct sb *o, const unsigned char *a)
{
	unsigned w[8];
	int best = -1, blen = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > blen && j - i >= 2)
			best = i, blen = j - i;
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			sb_puts(o, "::");
			i += blen - 1;
			continue;
		}
		if (i == 6 && best == 0 && (blen == 6 || (blen == 5 && w[5] == 0xffff))) {
			sb_printf(o, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			break;
		}
		if (i && i != best + blen)
			sb_putc(o, ':');
		sb_printf(o, "%x", w[i]);
	}
}

static void put_sockaddr(struct sb *o, unsigned long addr, long len)
{
	unsigned char b[128];
	size_t n = len < 0 ? 0 : (size_t)len > sizeof b ? sizeof b : (size_t)len;

	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	if (n < 2 || tv_mem_read(b, addr, n) < 0) {
		put_ptr(o, addr);
		return;
	}
	unsigned fam = b[0] | (unsigned)b[1] << 8;
	sb_puts(o, "{sa_family=");
	put_enum(o, families, fam, "AF_???");
	if (fam == T_AF_UNIX) {
		if (n > 2 && b[2] == 0) {
			sb_puts(o, ", sun_path=@");
			put_quoted(o, b + 3, n - 3, 0);
		} else if (n > 2) {
			size_t k = 2;
			while (k < n && b[k])
				k++;
			sb_puts(o, ", sun_path=");
			put_quoted(o, b + 2, k - 2, 0);
		}
	} else if (fam == T_AF_INET && n >= 8) {
		sb_printf(o, ", sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")",
			  (unsigned)b[2] << 8 | b[3], b[4], b[5], b[6], b[7]);
	} else if (fam == T_AF_INET6 && n >= 24) {
		sb_printf(o, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), inet_pton(AF_INET6, \"",
			  (unsigned)b[2] << 8 | b[3],
			  (unsigned)b[4] << 24 | (unsigned)b[5] << 16 | (unsigned)b[6] << 8 | b[7]);
		put_in6(o, b + 8);
		sb_puts(o, "\", &sin6_addr)");
		if (n >= 28)
			sb_printf(o, ", sin6_scope_id=%u",
				  b[24] | (unsigned)b[25] << 8 | (unsigned)b[26] << 16 | (unsigned)b[27] << 24);
	} else if (fam == T_AF_NETLINK && n >= 12) {
		unsigned pid = b[4] | (unsigned)b[5] << 8 | (unsigned)b[6] << 16 | (unsigned)b[7] << 24;
		unsigned grp = b[8] | (unsigned)b[9] << 8 | (unsigned)b[10] << 16 | (unsigned)b[11] << 24;
		sb_printf(o, ", nl_pid=%u, nl_groups=%08x", pid, grp);
	} else if (n > 2) {
		sb_puts(o, ", sa_data=");
		put_quoted(o, b + 2, n - 2, 0);
	}
	sb_putc(o, '}');
}

/* An iovec array; with limit >= 0 only that many bytes in all are data
 * (what readv returned). */
static void put_iov(struct sb *o, unsigned long addr, long cnt, long limit)
{
	struct iovec v;

	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	if (cnt < 0 || cnt > 1024) {
		put_ptr(o, addr);
		return;
	}
	sb_putc(o, '[');
	for (long i = 0; i < cnt; i++) {
		if (i)
			sb_puts(o, ", ");
		if ((unsigned long)i >= opt.strsize) {
			sb_puts(o, "...");
			break;
		}
		if (tv_mem_read(&v, addr + (unsigned long)i * sizeof v, sizeof v) < 0) {
			sb_printf(o, "0x%lx", addr + (unsigned long)i * sizeof v);
			break;
		}
		unsigned long len = (unsigned long)v.iov_len, show = len;
		if (limit >= 0) {
			show = len < (unsigned long)limit ? len : (unsigned long)limit;
			limit -= (long)show;
		}
		sb_puts(o, "{iov_base=");
		put_buf(o, (unsigned long)v.iov_base, show, 0);
		sb_printf(o, ", iov_len=%lu}", len);
	}
	sb_putc(o, ']');
}

/* struct user_msghdr, as both arches lay it out. */
struct t_msghdr {
	unsigned long name;
	int namelen;
	unsigned long iov, iovlen, control, controllen;
	unsigned flags;
};

static void put_msghdr(struct sb *o, unsigned long addr, long limit)
{
	struct t_msghdr m;
	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	if (tv_mem_read(&m, addr, sizeof m) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{msg_name=");
	if (m.name && m.namelen > 0)
		put_sockaddr(o, m.name, m.namelen);
	else
		put_ptr(o, m.name);
	sb_printf(o, ", msg_namelen=%d, msg_iov=", m.namelen);
	put_iov(o, m.iov, (long)m.iovlen, limit);
	sb_printf(o, ", msg_iovlen=%lu", m.iovlen);
	if (m.controllen)
		sb_printf(o, ", msg_control=0x%lx", m.control);
	sb_printf(o, ", msg_controllen=%lu, msg_flags=", m.controllen);
	put_flags(o, msg_flags, m.flags, "0");
	sb_putc(o, '}');
}

static void put_pollfds(struct sb *o, unsigned long addr, unsigned long n, int revents)
{
	struct pollfd p;
	int any = 0;

	sb_putc(o, '[');
	for (unsigned long i = 0; i < n; i++) {
		if (tv_mem_read(&p, addr + i * sizeof p, sizeof p) < 0)
			break;
		if (revents && !p.revents)
			continue;
		if (any)
			sb_puts(o, ", ");
		any = 1;
		if (!revents && i >= opt.strsize) {
			sb_puts(o, "...");
			break;
		}
		sb_printf(o, "{fd=%d, %s=", p.fd, revents ? "revents" : "events");
		put_flags(o, poll_events, (unsigned short)(revents ? p.revents : p.events), "0");
		sb_putc(o, '}');
	}
	sb_putc(o, ']');
}

static void put_epoll_event(struct sb *o, const struct epoll_event *e)
{
	sb_puts(o, "{events=");
	put_flags(o, epoll_events, e->events, "0");
	sb_printf(o, ", data={u32=%u, u64=%lu}}", (unsigned)e->data, (unsigned long)e->data);
}

static void put_cpuset(struct sb *o, unsigned long addr, long len)
{
	unsigned char b[128];
	size_t n = len < 0 ? 0 : (size_t)len > sizeof b ? sizeof b : (size_t)len;
	int any = 0;

	if (!addr || tv_mem_read(b, addr, n) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_putc(o, '[');
	for (size_t i = 0; i < n * 8; i++) {
		if (b[i / 8] & (1u << (i % 8))) {
			sb_printf(o, "%s%lu", any ? " " : "", (unsigned long)i);
			any = 1;
		}
	}
	sb_putc(o, ']');
}

static void put_argv(struct sb *o, unsigned long addr)
{
	unsigned long p;

	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	sb_putc(o, '[');
	for (unsigned long i = 0;; i++) {
		if (tv_mem_read(&p, addr + i * sizeof p, sizeof p) < 0) {
			if (i)
				sb_puts(o, ", ");
			sb_printf(o, "0x%lx", addr + i * sizeof p);
			break;
		}
		if (!p)
			break;
		if (i)
			sb_puts(o, ", ");
		if (i >= opt.strsize) {
			sb_puts(o, "...");
			break;
		}
		put_str(o, p);
	}
	sb_putc(o, ']');
}

static void put_envp(struct sb *o, unsigned long addr)
{
	unsigned long p, n = 0;

	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	while (n < 1000000 && tv_mem_read(&p, addr + n * sizeof p, sizeof p) == 0 && p)
		n++;
	sb_printf(o, "0x%lx /* %lu var%s */", addr, n, n == 1 ? "" : "s");
}

static void put_wstatus(struct sb *o, int s)
{
	int sig = s & 0x7f;
	sb_puts(o, "[{");
	if (sig == 0)
		sb_printf(o, "WIFEXITED(s) && WEXITSTATUS(s) == %d", (s >> 8) & 0xff);
	else if ((s & 0xff) == 0x7f) {
		sb_puts(o, "WIFSTOPPED(s) && WSTOPSIG(s) == ");
		put_signame(o, (s >> 8) & 0xff, 1);
	} else if (s == 0xffff) {
		sb_puts(o, "WIFCONTINUED(s)");
	} else {
		sb_puts(o, "WIFSIGNALED(s) && WTERMSIG(s) == ");
		put_signame(o, sig, 1);
		if (s & 0x80)
			sb_puts(o, " && WCOREDUMP(s)");
	}
	sb_puts(o, "}]");
}

static void put_ioctl(struct sb *o, unsigned v)
{
	static const char *const dirs[] = {
		"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"
	};
	const char *n = xlookup(ioctls, v);
	if (n) {
		sb_puts(o, n);
		return;
	}
	sb_printf(o, "_IOC(%s, 0x%x, 0x%x, ", dirs[(v >> 30) & 3], (v >> 8) & 0xff, v & 0xff);
	put_hex(o, (v >> 16) & 0x3fff);
	sb_putc(o, ')');
}

static void put_clone_flags(struct sb *o, unsigned long f, int with_signal)
{
	unsigned long sig = with_signal ? f & CSIGNAL : 0;
	f &= with_signal ? ~(unsigned long)CSIGNAL : ~0ul;
	if (f)
		put_flags(o, clone_flags, f, "0");
	if (sig) {
		if (f)
			sb_putc(o, '|');
		put_signame(o, (long)sig, 1);
	}
	if (!f && !sig)
		sb_puts(o, "0");
}

static void put_clone3(struct sb *o, unsigned long addr, unsigned long size)
{
	struct clone_args ca;
	tv_memset(&ca, 0, sizeof ca);
	if (size > sizeof ca)
		size = sizeof ca;
	if (!addr || size < 64 || tv_mem_read(&ca, addr, size) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{flags=");
	put_clone_flags(o, ca.flags, 0);
	if (ca.flags & CLONE_PIDFD)
		sb_printf(o, ", pidfd=0x%lx", (unsigned long)ca.pidfd);
	if (ca.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		sb_printf(o, ", child_tid=0x%lx", (unsigned long)ca.child_tid);
	if (ca.flags & CLONE_PARENT_SETTID)
		sb_printf(o, ", parent_tid=0x%lx", (unsigned long)ca.parent_tid);
	sb_puts(o, ", exit_signal=");
	put_signame(o, (long)ca.exit_signal, 1);
	sb_puts(o, ", stack=");
	put_ptr(o, (unsigned long)ca.stack);
	sb_puts(o, ", stack_size=");
	put_hex(o, (unsigned long)ca.stack_size);
	if (ca.flags & CLONE_SETTLS)
		sb_printf(o, ", tls=0x%lx", (unsigned long)ca.tls);
	sb_putc(o, '}');
}

static void put_prctl_args(struct sb *o, const struct call *c)
{
	const long *a = c->a;
	switch (a[0]) {
	case PR_SET_NAME:
		put_str(o, (unsigned long)a[1]);
		return;
	case PR_GET_NAME:
		if (failed(c))
			put_ptr(o, (unsigned long)a[1]);
		else
			put_str(o, (unsigned long)a[1]);
		return;
	case PR_SET_PDEATHSIG:
		put_signame(o, a[1], 1);
		return;
	case PR_GET_PDEATHSIG: {
		int s;
		if (!failed(c) && peek_int((unsigned long)a[1], &s)) {
			sb_putc(o, '[');
			put_signame(o, s, 1);
			sb_putc(o, ']');
		} else {
			put_ptr(o, (unsigned long)a[1]);
		}
		return;
	}
	case PR_SET_DUMPABLE: case PR_SET_KEEPCAPS: case PR_SET_TIMERSLACK:
	case PR_CAPBSET_READ: case PR_CAPBSET_DROP:
		sb_printf(o, "%lu", (unsigned long)a[1]);
		return;
	case PR_SET_NO_NEW_PRIVS: case PR_SET_THP_DISABLE: case PR_SET_CHILD_SUBREAPER:
		sb_printf(o, "%lu, %lu, %lu, %lu", (unsigned long)a[1], (unsigned long)a[2],
			  (unsigned long)a[3], (unsigned long)a[4]);
		return;
	}
	for (int i = 1; i < 5; i++) {
		if (i > 1)
			sb_puts(o, ", ");
		put_hex(o, (unsigned long)a[i]);
	}
}

static void put_open_how(struct sb *o, unsigned long addr, unsigned long size)
{
	struct open_how h;
	tv_memset(&h, 0, sizeof h);
	if (!addr || size < sizeof h || tv_mem_read(&h, addr, sizeof h) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{flags=");
	put_open_flags(o, h.flags);
	if ((h.flags & O_CREAT) || (h.flags & O_TMPFILE) == O_TMPFILE) {
		sb_puts(o, ", mode=");
		put_oct(o, h.mode);
	}
	sb_puts(o, ", resolve=");
	put_flags(o, resolve_flags, h.resolve, "0");
	sb_putc(o, '}');
}

static void put_dirents(struct sb *o, const struct call *c, unsigned long addr)
{
	long n = c->ret, count = 0;
	struct rbuf rb;

	unsigned char *b = rbuf_get(&rb, n > 0 ? (size_t)n : 1);
	if (b && n > 0 && tv_mem_read(b, addr, (size_t)n) == 0) {
		for (long off = 0; off + 18 <= n; count++) {
			unsigned short rl = (unsigned short)(b[off + 16] | b[off + 17] << 8);
			if (!rl)
				break;
			off += rl;
		}
	}
	rbuf_put(&rb);
	sb_printf(o, "0x%lx /* %ld entr%s */", addr, count, count == 1 ? "y" : "ies");
}

static void put_uname(struct sb *o, unsigned long addr)
{
	struct new_utsname u;
	if (tv_mem_read(&u, addr, sizeof u) < 0) {
		put_ptr(o, addr);
		return;
	}
	u.sysname[64] = u.nodename[64] = 0;
	sb_puts(o, "{sysname=");
	put_quoted(o, (unsigned char *)u.sysname, tv_strlen(u.sysname), 0);
	sb_puts(o, ", nodename=");
	put_quoted(o, (unsigned char *)u.nodename, tv_strlen(u.nodename), 0);
	sb_puts(o, ", ...}");
}

static void put_utimes(struct sb *o, unsigned long addr)
{
	struct __kernel_timespec ts[2];
	if (!addr) {
		sb_puts(o, "NULL");
		return;
	}
	if (tv_mem_read(ts, addr, sizeof ts) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_putc(o, '[');
	for (int i = 0; i < 2; i++) {
		if (i)
			sb_puts(o, ", ");
		if (ts[i].tv_nsec == T_UTIME_NOW)
			sb_puts(o, "UTIME_NOW");
		else if (ts[i].tv_nsec == T_UTIME_OMIT)
			sb_puts(o, "UTIME_OMIT");
		else
			sb_printf(o, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts[i].tv_sec, (long)ts[i].tv_nsec);
	}
	sb_putc(o, ']');
}

/* ioctl's third argument, for the requests whose argument is known. */
static void put_ioctl_arg(struct sb *o, const struct call *c, unsigned long v)
{
	unsigned req = (unsigned)c->a[1];
	int x;

	switch (req) {
	case FIONREAD: case TIOCOUTQ: case TIOCGPGRP: case TIOCSPGRP: case FIONBIO: case FIOASYNC:
	case TIOCGPTN: case TIOCSPTLCK: case TIOCGSID:
		if (!failed(c) && peek_int(v, &x))
			sb_printf(o, "[%d]", x);
		else
			put_ptr(o, v);
		return;
	case TIOCGWINSZ: case TIOCSWINSZ: {
		unsigned short w[4];
		if (!failed(c) && v && tv_mem_read(w, v, sizeof w) == 0)
			sb_printf(o, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", w[0], w[1],
				  w[2], w[3]);
		else
			put_ptr(o, v);
		return;
	}
	case TCGETS: case TCSETS: case TCSETSW: case TCSETSF: case TCGETA: case TCSETA:
	case TCSETAW: case TCSETAF:
		put_ptr(o, v);
		return;
	}
	put_hex(o, v);
}

static void put_statfs(struct sb *o, unsigned long addr)
{
	struct statfs f;
	if (tv_mem_read(&f, addr, sizeof f) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_puts(o, "{f_type=");
	put_enum(o, fs_magics, (unsigned long)f.f_type, "???");
	sb_printf(o, ", f_bsize=%lu, f_blocks=%lu, f_bfree=%lu, f_bavail=%lu, f_files=%lu, f_ffree=%lu",
		  (unsigned long)f.f_bsize, (unsigned long)f.f_blocks, (unsigned long)f.f_bfree,
		  (unsigned long)f.f_bavail, (unsigned long)f.f_files, (unsigned long)f.f_ffree);
	sb_puts(o, ", f_fsid={val=[");
	put_hex(o, (unsigned)f.f_fsid.val[0]);
	sb_puts(o, ", ");
	put_hex(o, (unsigned)f.f_fsid.val[1]);
	sb_printf(o, "]}, f_namelen=%lu, f_frsize=%lu, f_flags=", (unsigned long)f.f_namelen,
		  (unsigned long)f.f_frsize);
	put_flags(o, statfs_flags, (unsigned long)f.f_flags, "0");
	sb_putc(o, '}');
}

static void put_sysinfo(struct sb *o, unsigned long addr)
{
	struct sysinfo si;
	if (tv_mem_read(&si, addr, sizeof si) < 0) {
		put_ptr(o, addr);
		return;
	}
	sb_printf(o, "{uptime=%ld, loads=[%lu, %lu, %lu], totalram=%lu, freeram=%lu, sharedram=%lu, "
		  "bufferram=%lu, totalswap=%lu, freeswap=%lu, procs=%u, totalhigh=%lu, "
		  "freehigh=%lu, mem_unit=%u}",
		  (long)si.uptime, (unsigned long)si.loads[0], (unsigned long)si.loads[1],
		  (unsigned long)si.loads[2], (unsigned long)si.totalram, (unsigned long)si.freeram,
		  (unsigned long)si.sharedram, (unsigned long)si.bufferram,
		  (unsigned long)si.totalswap, (unsigned long)si.freeswap, (unsigned)si.procs,
		  (unsigned long)si.totalhigh, (unsigned long)si.freehigh, (unsigned)si.mem_unit);
}

static void put_groups(struct sb *o, unsigned long addr, long n)
{
	uint32_t g;
	if (n < 0 || (n > 0 && !addr)) {
		put_ptr(o, addr);
		return;
	}
	sb_putc(o, '[');
	for (long i = 0; i < n; i++) {
		if (i)
			sb_puts(o, ", ");
		if ((unsigned long)i >= opt.strsize) {
			sb_puts(o, "...");
			break;
		}
		if (tv_mem_read(&g, addr + (unsigned long)i * sizeof g, sizeof g) < 0)
			break;
		sb_printf(o, "%u", g);
	}
	sb_putc(o, ']');
}

/* ------------------------------------------------------------------ */
/* -y: what a descriptor refers to, "3</etc/hostname>".                 */
/*                                                                     */
/* The guest shares our descriptor table, so the monitor's own raw       */
/* calls on /proc/self/fd/N -- readlink, getxattr -- and getsockname or  */
/* fstat on the descriptor itself see the guest's descriptor.  They     */
/* open nothing (no descriptor number the guest would get is taken),    */
/* change nothing, and are not traced.                                 */

static int is_ours(long fd);

/* /proc/self/fd/N's target in buf, or -1 (not open, no /proc). */
static long fd_link(const char *proc, char *buf, size_t cap)
{
	long n = sys(__NR_readlinkat, AT_FDCWD, (long)proc, (long)buf, (long)cap - 1, 0, 0);
	if (n < 0 || (size_t)n >= cap - 1)
		return -1;
	buf[n] = 0;
	return n;
}

/* "<PATH>", quoted as strace quotes it; a file that was removed shows
 * as "<PATH>(deleted)". */
static void put_fd_path(struct sb *o, const char *path, size_t n)
{
	static const char del[] = " (deleted)";
	size_t dl = sizeof del - 1;
	int deleted = n > dl && !tv_strcmp(path + n - dl, del);

	sb_putc(o, '<');
	put_quoted(o, (const unsigned char *)path, deleted ? n - dl : n, Q_BARE);
	sb_putc(o, '>');
	if (deleted)
		sb_puts(o, "(deleted)");
}

/* The protocols strace knows by their sockprotoname (socketutils.c). */
static int known_proto(const char *p)
{
	static const char *const names[] = {
		"UNIX", "UNIX-STREAM", "TCP", "UDP", "UDPLITE", "DCCP", "SCTP", "L2TP/IP", "PING",
		"RAW", "TCPv6", "UDPv6", "UDPLITEv6", "DCCPv6", "SCTPv6", "L2TP/IPv6", "PINGv6",
		"RAWv6", "NETLINK",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!tv_strcmp(p, names[i]))
			return 1;
	return 0;
}

/* An address of getsockname/getpeername as sock_diag reports it:
 * "127.0.0.1:80", "[::1]:80". */
static void put_inet_end(struct sb *o, const unsigned char *a)
{
	unsigned port = (unsigned)a[2] << 8 | a[3];
	if ((a[0] | a[1] << 8) == T_AF_INET6) {
		sb_putc(o, '[');
		put_in6(o, a + 8);
		sb_printf(o, "]:%u", port);
	} else {
		sb_printf(o, "%u.%u.%u.%u:%u", a[4], a[5], a[6], a[7], port);
	}
}

static int inet_unset(const unsigned char *a)
{
	size_t from = (a[0] | a[1] << 8) == T_AF_INET6 ? 8 : 4, to = from == 8 ? 24 : 8;
	unsigned any = a[2] | a[3];
	for (size_t i = from; i < to; i++)
		any |= a[i];
	return !any;
}

/* strace asks sock_diag, which lists a TCP or UDP socket once it has a
 * port (a TCP one that is only bound since Linux 6.8): the same answer
 * comes from the socket itself, "SRC:PORT" or "SRC:PORT->DST:PORT".  0:
 * not listed (strace then shows the inode). */
static int put_inet_details(struct sb *o, int fd)
{
	unsigned char self[28], peer[28];
	int len = sizeof self;

	tv_memset(self, 0, sizeof self);
	if (sys(__NR_getsockname, fd, (long)self, (long)&len, 0, 0, 0) < 0 || !(self[2] | self[3]))
		return 0;
	put_inet_end(o, self);
	len = sizeof peer;
	tv_memset(peer, 0, sizeof peer);
	if (sys(__NR_getpeername, fd, (long)peer, (long)&len, 0, 0, 0) == 0 && !inet_unset(peer)) {
		sb_puts(o, "->");
		put_inet_end(o, peer);
	}
	return 1;
}

/* A UNIX socket: "INODE,"PATH"" when it has a name.  (strace also shows
 * the peer's inode, "INODE->PEER", which only sock_diag knows.) */
static int put_unix_details(struct sb *o, int fd, const char *inode)
{
	unsigned char a[112];
	int len = sizeof a - 1;

	if (sys(__NR_getsockname, fd, (long)a, (long)&len, 0, 0, 0) < 0 || len <= 2)
		return 0;
	a[len] = 0;
	sb_printf(o, "%s,", inode);
	if (a[2] == 0) {
		sb_putc(o, '@');
		put_quoted(o, a + 3, (size_t)len - 3, 0);
	} else {
		put_quoted(o, a + 2, tv_strlen((const char *)a + 2), 0);
	}
	return 1;
}

/* -yy: "<TCP:[127.0.0.1:80->127.0.0.1:5555]>", "<UNIX-STREAM:[INODE]>";
 * "<socket:[INODE]>" for a protocol strace does not know. */
static void put_socket(struct sb *o, int fd, const char *proc, const char *link)
{
	char proto[32], inode[24];
	long n = sys(__NR_getxattr, (long)proc, (long)"system.sockprotoname", (long)proto,
		     sizeof proto - 1, 0, 0);
	size_t k = 0;

	for (const char *p = link + 8; *p && *p != ']' && k < sizeof inode - 1; p++)
		inode[k++] = *p;
	inode[k] = 0;
	if (n > 0)
		proto[n] = 0;
	if (n <= 0 || !known_proto(proto)) {
		sb_printf(o, "<%s>", link);
		return;
	}
	sb_printf(o, "<%s:[", proto);
	/* TCP, TCPv6, UDP, UDPv6; the other INET protocols keep the inode. */
	int inet = !tv_strncmp(proto, "TCP", 3) ||
		   (!tv_strncmp(proto, "UDP", 3) && tv_strncmp(proto, "UDPLITE", 7));
	int done = inet ? put_inet_details(o, fd)
		   : !tv_strncmp(proto, "UNIX", 4) ? put_unix_details(o, fd, inode) : 0;
	if (!done)
		sb_puts(o, inode);
	sb_puts(o, "]>");
}

/* -yy: a device, "</dev/null<char 1:3>>". */
static int put_device(struct sb *o, int fd, const char *path, size_t n)
{
	struct stat st;

	if (path[0] != '/' || sys(__NR_fstat, fd, (long)&st, 0, 0, 0, 0) < 0 ||
	    ((st.st_mode & S_IFMT) != S_IFCHR && (st.st_mode & S_IFMT) != S_IFBLK))
		return 0;
	sb_putc(o, '<');
	put_quoted(o, (const unsigned char *)path, n, Q_BARE);
	sb_printf(o, "<%s %lu:%lu>>", (st.st_mode & S_IFMT) == S_IFBLK ? "block" : "char",
		  dev_major(st.st_rdev), dev_minor(st.st_rdev));
	return 1;
}

/* A descriptor argument or result: its number, and with -y what it is.
 * Our own descriptors show as the bare number: to the guest they are not
 * open. */
static void put_fd(struct sb *o, long fd)
{
	char proc[40], link[PATH_CAP];

	sb_printf(o, "%d", (int)fd);
	if (!opt.fds || (int)fd < 0 || is_ours(fd))
		return;
	tv_snprintf(proc, sizeof proc, "/proc/self/fd/%d", (int)fd);
	long n = fd_link(proc, link, sizeof link);
	if (n < 0)
		return;
	if (!tv_strncmp(link, "socket:[", 8) && (opt.fds & DF_SOCKET))
		put_socket(o, (int)fd, proc, link);
	else if ((opt.fds & DF_DEV) && put_device(o, (int)fd, link, (size_t)n))
		return;
	else if (opt.fds & DF_PATH)
		put_fd_path(o, link, (size_t)n);
}

/* A directory descriptor: AT_FDCWD, with -y followed by the cwd. */
static void put_dirfd(struct sb *o, long fd)
{
	char cwd[PATH_CAP];

	if ((int)fd != AT_FDCWD) {
		put_fd(o, fd);
		return;
	}
	sb_puts(o, "AT_FDCWD");
	long n = (opt.fds & DF_PATH) ? fd_link("/proc/self/cwd", cwd, sizeof cwd) : -1;
	if (n >= 0) {
		sb_putc(o, '<');
		put_quoted(o, (const unsigned char *)cwd, (size_t)n, Q_BARE);
		sb_putc(o, '>');
	}
}

/* Argument i of c, of kind t. */
static void put_arg(struct sb *o, const struct call *c, int i, int t)
{
	const long *a = c->a;
	unsigned long v = (unsigned long)a[i];
	int x;

	/* An output the call did not produce: where it would have gone. */
	if (t >= A_OUT_FIRST && failed(c) && t != A_SOCKLEN && t != A_PRCTL_ARGS &&
	    t != A_ORTS && t != A_CL_PTID && t != A_IOCTL_ARG && t != A_OGROUPS) {
		put_ptr(o, v);
		return;
	}
	switch (t) {
	case A_INT: sb_printf(o, "%d", (int)v); return;
	case A_UINT: sb_printf(o, "%u", (unsigned)v); return;
	case A_LONG: sb_printf(o, "%ld", (long)v); return;
	case A_ULONG: sb_printf(o, "%lu", v); return;
	case A_HEX: put_hex(o, v); return;
	case A_PTR: put_ptr(o, v); return;
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
			sb_puts(o, "F_OK");
		else
			put_flags(o, access_modes, (unsigned)v, "F_OK");
		return;
	case A_ATFL: put_flags(o, at_flags, (unsigned)v, "0"); return;
	case A_UNLINKFL: put_flags(o, unlink_flags, (unsigned)v, "0"); return;
	case A_ACCESSFL: put_flags(o, access_flags, (unsigned)v, "0"); return;
	case A_STATXFL:
		put_enum(o, statx_sync, v & AT_STATX_SYNC_TYPE, "AT_STATX_???");
		if ((unsigned)v & ~(unsigned)AT_STATX_SYNC_TYPE) {
			sb_putc(o, '|');
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
			sb_printf(o, "%d", (int)v);
			return;
		case F_SETSIG: put_signame(o, (int)v, 1); return;
		case F_SETLEASE: put_enum(o, lock_types, (unsigned)v, "F_???"); return;
		case F_ADD_SEALS: put_flags(o, seals, (unsigned)v, "0"); return;
		case F_GETLK: case F_SETLK: case F_SETLKW: case F_OFD_GETLK: case F_OFD_SETLK:
		case F_OFD_SETLKW: case F_GETOWN_EX: case F_SETOWN_EX:
			put_ptr(o, v);
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
			sb_putc(o, '|');
			put_flags(o, map_flags, rest, "0");
		}
		if (huge)
			sb_printf(o, "|%lu<<MAP_HUGE_SHIFT", huge);
		return;
	}
	case A_MADV: put_enum(o, madvs, (unsigned)v, "MADV_???"); return;
	case A_MREMAPFL: put_flags(o, mremap_flags, v, "0"); return;
	case A_MSYNCFL: put_flags(o, msync_flags, v, "0"); return;
	case A_MLOCKALLFL: put_flags(o, mlockall_flags, v, "0"); return;
	case A_CLONEFL: put_clone_flags(o, v, 0); return;
	case A_CL_STACK: sb_puts(o, "child_stack="); put_ptr(o, (unsigned long)a[1]); return;
	case A_CL_FLAGS: sb_puts(o, "flags="); put_clone_flags(o, (unsigned long)a[0], 1); return;
	case A_CL_PTID:
		sb_puts(o, "parent_tid=");
		if (!failed(c) && peek_int((unsigned long)a[2], &x))
			sb_printf(o, "[%d]", x);
		else
			put_ptr(o, (unsigned long)a[2]);
		return;
	case A_CL_TLS: sb_puts(o, "tls="); put_ptr(o, (unsigned long)a[CLONE_ARG_TLS]); return;
	case A_CL_CTID:
		sb_puts(o, "child_tidptr=");
		put_ptr(o, (unsigned long)a[CLONE_ARG_CTID]);
		return;
	case A_CLONE3: put_clone3(o, v, (unsigned long)a[i + 1]); return;
	case A_ARGV: put_argv(o, v); return;
	case A_ENVP: put_envp(o, v); return;
	case A_WAITOPT: put_flags(o, wait_opts, (unsigned)v, "0"); return;
	case A_IDTYPE: put_enum(o, idtypes, (unsigned)v, "P_???"); return;
	case A_SIGNUM: put_signame(o, (int)v, 1); return;
	case A_SIGHOW: put_enum(o, sig_hows, (unsigned)v, "SIG_???"); return;
	case A_SIGSET: case A_OSIGSET: put_sigset_at(o, v); return;
	case A_SIGACT: case A_OSIGACT: put_sigaction(o, v); return;
	case A_STACK: case A_OSTACK: put_stack(o, v); return;
	case A_TS: case A_OTS: put_ts(o, v); return;
	case A_ORTS:
		if (c->done && c->ret == -EINTR)
			put_ts(o, v);
		else
			put_ptr(o, v);
		return;
	case A_OTV: {
		struct { long sec, usec; } tv;
		if (tv_mem_read(&tv, v, sizeof tv) < 0)
			put_ptr(o, v);
		else
			sb_printf(o, "{tv_sec=%ld, tv_usec=%ld}", tv.sec, tv.usec);
		return;
	}
	case A_UTIMES: put_utimes(o, v); return;
	case A_CLOCKID:
		if ((int)v < 0)
			sb_printf(o, "%d", (int)v);
		else
			put_enum(o, clocks, (unsigned)v, "CLOCK_???");
		return;
	case A_TIMERFL: put_flags(o, timer_flags, (unsigned)v, "0"); return;
	case A_FUTEX_OP: {
		unsigned long cmd = v & FUTEX_CMD_MASK;
		const char *n = xlookup(futex_cmds, cmd);
		if (n)
			sb_printf(o, "%s%s", n, (v & FUTEX_PRIVATE_FLAG) ? "_PRIVATE" : "");
		else
			sb_printf(o, "0x%lx", v & ~(unsigned long)FUTEX_CLOCK_REALTIME);
		if (v & FUTEX_CLOCK_REALTIME)
			sb_puts(o, "|FUTEX_CLOCK_REALTIME");
		return;
	}
	case A_FX_VAL: sb_printf(o, "%d", (int)v); return;
	case A_FX_TMO: {
		long cmd = a[1] & FUTEX_CMD_MASK;
		if (cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
		    cmd == FUTEX_CMP_REQUEUE_PI)
			sb_printf(o, "%u", (unsigned)v);
		else
			put_ts(o, v);
		return;
	}
	case A_FX_UADDR2: put_ptr(o, v); return;
	case A_FX_VAL3:
		if ((unsigned)v == 0xffffffffu &&
		    ((a[1] & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET ||
		     (a[1] & FUTEX_CMD_MASK) == FUTEX_WAKE_BITSET))
			sb_puts(o, "FUTEX_BITSET_MATCH_ANY");
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
			sb_puts(o, "NULL");
		else if (tv_mem_read(&e, v, sizeof e) < 0)
			put_ptr(o, v);
		else
			put_epoll_event(o, &e);
		return;
	}
	case A_OEPOLLEVS: {
		struct epoll_event e;
		sb_putc(o, '[');
		for (long k = 0; k < c->ret; k++) {
			if (k)
				sb_puts(o, ", ");
			if ((unsigned long)k >= opt.strsize) {
				sb_puts(o, "...");
				break;
			}
			if (tv_mem_read(&e, v + (unsigned long)k * sizeof e, sizeof e) < 0)
				break;
			put_epoll_event(o, &e);
		}
		sb_putc(o, ']');
		return;
	}
	case A_POLLFDS: {
		struct pollfd p;
		if (!v || (a[i + 1] > 0 && tv_mem_read(&p, v, sizeof p) < 0))
			put_ptr(o, v);
		else
			put_pollfds(o, v, (unsigned long)a[i + 1], 0);
		return;
	}
	case A_AF: put_enum(o, families, (unsigned)v, "AF_???"); return;
	case A_SOCKTYPE:
		put_enum(o, sock_types, v & T_SOCK_TYPE_MASK, "SOCK_???");
		if (v & ~(unsigned long)T_SOCK_TYPE_MASK) {
			sb_putc(o, '|');
			put_cloexec_flags(o, "SOCK", (unsigned)v & ~(unsigned)T_SOCK_TYPE_MASK, 0, NULL);
		}
		return;
	case A_PROTO:
		if (a[0] == T_AF_INET || a[0] == T_AF_INET6)
			put_enum(o, ip_protos, (unsigned)v, "IPPROTO_???");
		else if (a[0] == T_AF_NETLINK)
			put_enum(o, netlink_protos, (unsigned)v, "NETLINK_???");
		else
			sb_printf(o, "%d", (int)v);
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
			sb_printf(o, "%d", (int)v);
		return;
	case A_SOVAL:
		if (a[i + 1] == 4 && peek_int(v, &x))
			sb_printf(o, "[%d]", x);
		else
			put_buf(o, v, (unsigned long)a[i + 1], 0);
		return;
	case A_OSOVAL: {
		int len;
		if (peek_int((unsigned long)a[i + 1], &len) && len == 4 && peek_int(v, &x))
			sb_printf(o, "[%d]", x);
		else if (peek_int((unsigned long)a[i + 1], &len) && len >= 0)
			put_buf(o, v, (unsigned long)len, 0);
		else
			put_ptr(o, v);
		return;
	}
	case A_SOCKLEN: {
		int out;
		if (!v)
			sb_puts(o, "NULL");
		else if (c->cap[i] < 0)
			put_ptr(o, v);
		else if (failed(c) || !peek_int(v, &out) || out == (int)c->cap[i])
			sb_printf(o, "[%d]", (int)c->cap[i]);
		else
			sb_printf(o, "[%d => %d]", (int)c->cap[i], out);
		return;
	}
	case A_SOCKADDR: put_sockaddr(o, v, a[i + 1]); return;
	case A_OSOCKADDR: {
		int out;
		long in = c->cap[i + 1];
		if (!v || !peek_int((unsigned long)a[i + 1], &out))
			put_ptr(o, v);
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
		if (tv_mem_read(fds, v, sizeof fds) < 0) {
			put_ptr(o, v);
		} else {
			sb_putc(o, '[');
			put_fd(o, fds[0]);
			sb_puts(o, ", ");
			put_fd(o, fds[1]);
			sb_putc(o, ']');
		}
		return;
	}
	case A_OWSTATUS:
		if (c->ret > 0 && peek_int(v, &x))
			put_wstatus(o, x);
		else
			put_ptr(o, v);
		return;
	case A_OINT:
		if (peek_int(v, &x))
			sb_printf(o, "[%d]", x);
		else
			put_ptr(o, v);
		return;
	case A_OUNAME: put_uname(o, v); return;
	case A_IOCTL_ARG: put_ioctl_arg(o, c, v); return;
	case A_OSTATFS: put_statfs(o, v); return;
	case A_OSYSINFO: put_sysinfo(o, v); return;
	case A_FADV: put_enum(o, fadvs, (unsigned)v, "POSIX_FADV_???"); return;
	case A_GROUPS: put_groups(o, v, a[0]); return;
	case A_OGROUPS:
		if (a[0] == 0 && !failed(c))
			sb_puts(o, v ? "[]" : "NULL");
		else if (failed(c))
			put_ptr(o, v);
		else
			put_groups(o, v, c->ret);
		return;
	}
	put_hex(o, v);
}

/* "= RESULT" after the arguments. */
static void put_result(struct sb *o, const struct call *c, const struct sig *s)
{
	long r = c->ret;
	int kind = s ? s->ret : R_DEC;

	if (!c->done || kind == R_NONE) {
		sb_putc(o, '?');
		return;
	}
	if (is_err(r)) {
		put_error(o, r);
		return;
	}
	switch (kind) {
	case R_HEX:
		sb_printf(o, "0x%lx", (unsigned long)r);
		return;
	case R_FD:
		put_fd(o, r);
		return;
	case R_OCT:
		put_oct(o, (unsigned long)r);
		return;
	case R_FCNTL:
		if (c->a[1] == F_GETFD && r) {
			sb_printf(o, "0x%lx (flags ", (unsigned long)r);
			put_flags(o, fd_flags, (unsigned long)r, "0");
			sb_putc(o, ')');
			return;
		}
		if (c->a[1] == F_GETFL) {
			put_hex(o, (unsigned long)r);
			sb_puts(o, " (flags ");
			put_open_flags(o, (unsigned long)r);
			sb_putc(o, ')');
			return;
		}
		if (c->a[1] == F_GET_SEALS) {
			put_hex(o, (unsigned long)r);
			sb_puts(o, " (seals ");
			put_flags(o, seals, (unsigned long)r, "0");
			sb_putc(o, ')');
			return;
		}
		break;
	case R_POLL:
		if (r == 0) {
			sb_puts(o, "0 (Timeout)");
			return;
		}
		sb_printf(o, "%ld (", r);
		put_pollfds(o, (unsigned long)c->a[0], (unsigned long)c->a[1], 1);
		sb_putc(o, ')');
		return;
	case R_SIGNUM:
		if (r > 0) {
			sb_printf(o, "%ld (", r);
			put_signame(o, r, 1);
			sb_putc(o, ')');
			return;
		}
		break;
	}
	sb_printf(o, "%ld", r);
}

static void put_name(struct sb *o, long nr)
{
	const char *n = tv_syscall_name(nr);
	if (n)
		sb_puts(o, n);
	else
		sb_printf(o, "syscall_0x%lx", (unsigned long)nr);
}

static int nargs(const struct sig *s)
{
	return s ? s->n : 6;
}

static int kind(const struct sig *s, int i)
{
	return s ? s->t[i] : A_HEX;
}

/* The part known when the call is made: "NAME(ARG, ARG, " up to the first
 * output argument.  Returns the index of that argument (nargs if none). */
static int format_entry(struct sb *o, const struct call *c, const struct sig *s)
{
	int n = nargs(s), stop = n, any = 0;

	for (int i = 0; i < n; i++) {
		if (kind(s, i) >= A_OUT_FIRST && present(c, i, kind(s, i))) {
			stop = i;
			break;
		}
	}
	put_name(o, c->nr);
	sb_putc(o, '(');
	for (int i = 0; i < stop; i++) {
		if (!present(c, i, kind(s, i)))
			continue;
		if (any)
			sb_puts(o, ", ");
		any = 1;
		put_arg(o, c, i, kind(s, i));
	}
	if (stop < n && any)
		sb_puts(o, ", ");
	return stop;
}

/* The rest, from argument stop on, and ")". */
static void format_exit(struct sb *o, const struct call *c, const struct sig *s, int stop)
{
	int first = 1;

	for (int i = stop; i < nargs(s); i++) {
		if (!present(c, i, kind(s, i)))
			continue;
		if (!first)
			sb_puts(o, ", ");
		first = 0;
		put_arg(o, c, i, kind(s, i));
	}
	sb_putc(o, ')');
}

/* Values an in/out argument had before the call. */
static void capture(struct call *c, const struct sig *s)
{
	for (int i = 0; i < nargs(s); i++) {
		int x;
		c->cap[i] = -1;
		if (kind(s, i) == A_SOCKLEN && peek_int((unsigned long)c->a[i], &x))
			c->cap[i] = x;
	}
}

/* ------------------------------------------------------------------ */
/* Threads and their lines.                                             */

enum { ST_IDLE, ST_PENDING, ST_SHOWN };

/* What a line's leader shows (-t, -r, -n), taken when strace takes it:
 * at the call's entry, or when a line of its own is written. */
struct lead {
	uint64_t stamp;		/* -t: wall-clock time */
	uint64_t rel;		/* -r: time since the leader before */
	long nr;		/* -n: the thread's call, -1 before its first */
};

struct thr {
	struct thr *hnext;		/* hash chain */
	struct thr *pnext, *pprev;	/* the pending list, in entry order */
	int tid;
	int state;			/* ST_*: guarded by the lock */
	int stop;			/* first argument left for exit() */
	struct call c;
	struct sb entry;		/* "NAME(ARGS, " of the current call */
	struct sb tail;			/* the rest, built by exit() */
	uint64_t t0;			/* -c, -T: when the call started */
	struct lead lead;		/* of the line of the current call */
	unsigned *invocations;		/* -e inject=: calls seen, by number */
	const struct inject *on_return;	/* -e inject=: what to do when this call returns */
};

#define HASH 256
static struct thr *threads[HASH];	/* by tid, under the lock */
static int nthreads;
static struct thr *pend_head, *pend_tail;
static struct sb outbuf;		/* the line being written, under the lock */
static int gone[64];			/* tids that ended lately */
static unsigned gone_pos;

static struct thr **slot(int tid)
{
	struct thr **p = &threads[(unsigned)tid % HASH];
	while (*p && (*p)->tid != tid)
		p = &(*p)->hnext;
	return p;
}

static int recently_gone(int tid)
{
	for (unsigned i = 0; i < sizeof gone / sizeof gone[0]; i++)
		if (gone[i] == tid)
			return 1;
	return 0;
}

/* Under the lock. */
static struct thr *thread_add(int tid)
{
	struct thr **p = slot(tid);
	if (*p)
		return *p;
	struct thr *t = tv_calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->tid = tid;
	t->c.nr = -1;
	*p = t;
	nthreads++;
	return t;
}

static struct thr *thread_get(int tid)
{
	tv_lock(&big_lock);
	struct thr *t = thread_add(tid);
	tv_unlock(&big_lock);
	return t;
}

static void pend_unlink(struct thr *t)
{
	if (t->state == ST_IDLE)
		return;
	if (t->pprev)
		t->pprev->pnext = t->pnext;
	else
		pend_head = t->pnext;
	if (t->pnext)
		t->pnext->pprev = t->pprev;
	else
		pend_tail = t->pprev;
	t->pnext = t->pprev = NULL;
	t->state = ST_IDLE;
}

/* Under the lock: forget a thread that has ended. */
static void thread_free(struct thr *t)
{
	sb_free(&t->entry);
	sb_free(&t->tail);
	tv_free(t->invocations);
	tv_free(t);
}

static void thread_remove(int tid)
{
	struct thr **p = slot(tid), *t = *p;
	if (!t)
		return;
	pend_unlink(t);
	*p = t->hnext;
	nthreads--;
	gone[gone_pos++ % (sizeof gone / sizeof gone[0])] = tid;
	thread_free(t);
}

static uint64_t last_lead;	/* -r: the monotonic time of the last leader */

static void lead_now(struct lead *l, long nr)
{
	l->stamp = opt.stamps ? now_ns(CLOCK_REALTIME) : 0;
	l->rel = 0;
	if (opt.relative >= 0) {
		uint64_t now = now_ns(CLOCK_MONOTONIC);
		uint64_t before = __atomic_exchange_n(&last_lead, now, __ATOMIC_RELAXED);
		l->rel = before && now > before ? now - before : 0;
	}
	l->nr = nr;
}

/* Under the lock: the call a thread made last, for -n on its notes (as
 * strace shows the number of the tracee's last call there). */
static long last_nr(int tid)
{
	struct thr *t = *slot(tid);
	return t ? t->c.nr : -1;
}

/* Seconds with digits after the point (-r and -T: 0, 3, 6 or 9). */
static void put_secs(struct sb *o, uint64_t ns, int digits, int width)
{
	unsigned long scale = 1;
	for (int i = digits; i < 9; i++)
		scale *= 10;
	sb_printf(o, "%*lu", width, (unsigned long)(ns / 1000000000u));
	if (digits)
		sb_printf(o, ".%0*lu", digits, (unsigned long)(ns % 1000000000u) / scale);
}

static void put_stamp(struct sb *o, uint64_t ns)
{
	unsigned long sec = (unsigned long)(ns / 1000000000u), usec = (unsigned long)(ns % 1000000000u) / 1000;
	if (opt.stamps >= 3) {
		sb_printf(o, "%lu.%06lu ", sec, usec);
		return;
	}
	unsigned long day = (unsigned long)((long)sec + tz_offset) % 86400;
	sb_printf(o, "%02lu:%02lu:%02lu", day / 3600, day / 60 % 60, day % 60);
	if (opt.stamps == 2)
		sb_printf(o, ".%06lu", usec);
	sb_putc(o, ' ');
}

/* strace's leader: with -o and -f (or --always-show-pid) every line
 * starts with the pid; on stderr, "[pid N] " once there is more than one
 * thread.  Then the time of day (-t), the time since the last leader
 * (-r: "(+S.U) " after -t) and the call's number (-n). */
static void put_prefix(struct sb *o, int tid, const struct lead *l)
{
	if ((opt.outfile && opt.follow && !separate) || opt.always_pid)
		sb_printf(o, "%-5d ", tid);
	else if (nthreads > 1 && opt.follow && !separate)
		sb_printf(o, "[pid %5d] ", tid);
	if (opt.stamps)
		put_stamp(o, l->stamp);
	if (opt.relative >= 0) {
		sb_puts(o, opt.stamps ? "(+" : "");
		put_secs(o, l->rel, opt.relative, 6);
		sb_puts(o, opt.stamps ? ") " : " ");
	}
	if (opt.numbers && l->nr >= 0)
		sb_printf(o, "[%4ld] ", l->nr);
	else if (opt.numbers)
		sb_puts(o, "[?] ");
}

/* -e status=, -z, -Z.  A call that does not return is unfinished, but
 * rt_sigreturn does return, to the interrupted code, and strace shows it
 * with its value. */
static int filtering(void)
{
	return opt.status != CS_ALL;
}

static int shown(const struct call *c)
{
	unsigned st = c->nr == __NR_rt_sigreturn ? CS_SUCCESSFUL
		      : !c->done ? CS_UNFINISHED : is_err(c->ret) ? CS_FAILED : CS_SUCCESSFUL;
	return (opt.status & st) != 0;
}

/* Pads to strace's result column (40) and adds "= " and the result, and
 * with -T the time spent in the call. */
static void put_tail(struct sb *o, const struct call *c, const struct sig *s)
{
	if (o->len < 40) {
		static const char spaces[] = "                                        ";
		sb_putn(o, spaces, 40 - o->len);
	} else {
		sb_putc(o, ' ');
	}
	sb_puts(o, "= ");
	put_result(o, c, s);
	if (c->injected)
		sb_puts(o, " (INJECTED)");
	if (c->delayed)
		sb_puts(o, " (DELAYED)");
	if (opt.times >= 0 && c->done && !(s && s->ret == R_NONE)) {
		sb_puts(o, " <");
		put_secs(o, c->dur, opt.times, 0);
		sb_putc(o, '>');
	}
	sb_putc(o, '\n');
}

/* Under the lock: the first part of a call still blocked, written now
 * because a line comes before its end: "NAME(ARGS <unfinished ...>".  With
 * -e status= lines are only written whole, so this is for a call the
 * process's end cuts: strace ends it with ") = ?". */
static void write_cut(struct thr *p)
{
	outbuf.len = 0;
	put_prefix(&outbuf, p->tid, &p->lead);
	sb_putn(&outbuf, p->entry.p, p->entry.len);
	sb_puts(&outbuf, " <unfinished ...>");
	if (filtering()) {
		sb_putc(&outbuf, ')');
		put_tail(&outbuf, &p->c, sig_of(p->c.nr));
	} else {
		sb_putc(&outbuf, '\n');
	}
	emit_line(p->tid, outbuf.p, outbuf.len);
	p->state = ST_SHOWN;
}

/* Under the lock: lines of other threads still waiting for their result
 * are written now, as unfinished, since a line comes before them.  Not
 * with -e status=: as in strace (which holds each line in a memstream
 * until its status is known), every line is written whole; nor with -ff,
 * where no other thread's line comes before them in their files. */
static void flush_pending(struct thr *self)
{
	if (filtering() || separate)
		return;
	for (struct thr *p = pend_head; p; p = p->pnext)
		if (p != self && p->state == ST_PENDING)
			write_cut(p);
}

/* Under the lock, with -ff: a signal cuts only its own thread's line, as
 * strace does in a file of its own. */
static void cut_own(int tid)
{
	struct thr *t = *slot(tid);
	if (separate && t && t->state == ST_PENDING && !filtering())
		write_cut(t);
}

/* Writes the line of t's finished call, when its status is shown: its
 * entry part (or, if that was shown as unfinished, "<... NAME resumed>")
 * and t->tail. */
static void write_line(struct thr *t)
{
	const struct sig *s = sig_of(t->c.nr);

	tv_lock(&big_lock);
	if (!finished && shown(&t->c)) {
		flush_pending(t);
		outbuf.len = 0;
		if (t->state == ST_SHOWN) {
			struct lead l;
			lead_now(&l, t->c.nr);
			put_prefix(&outbuf, t->tid, &l);
			sb_puts(&outbuf, "<... ");
			put_name(&outbuf, t->c.nr);
			sb_puts(&outbuf, " resumed>");
		} else {
			put_prefix(&outbuf, t->tid, &t->lead);
			sb_putn(&outbuf, t->entry.p, t->entry.len);
		}
		sb_putn(&outbuf, t->tail.p, t->tail.len);
		put_tail(&outbuf, &t->c, s);
		emit_line(t->tid, outbuf.p, outbuf.len);
	}
	pend_unlink(t);
	tv_unlock(&big_lock);
}

/* A line of its own ("+++ exited with 0 +++"), under the lock. */
static void write_note(int tid, const char *text)
{
	struct lead l;

	lead_now(&l, last_nr(tid));
	outbuf.len = 0;
	put_prefix(&outbuf, tid, &l);
	sb_puts(&outbuf, text);
	emit_line(tid, outbuf.p, outbuf.len);
}

/* ------------------------------------------------------------------ */
/* -c: the summary table.                                              */

static void put_fixed(struct sb *o, int width, unsigned long whole, unsigned long frac, int digits)
{
	char t[48];
	int n = tv_snprintf(t, sizeof t, "%lu.%0*lu", whole, digits, frac);
	if (n < width)
		sb_printf(o, "%*s", width - n, "");
	sb_puts(o, t);
}

static void summary(void)
{
	static int order[NR_TABLE];
	int n = 0, width = 16;
	uint64_t total_ns = 0, total_calls = 0, total_err = 0;
	struct sb o = { 0 };

	for (int nr = 0; nr < NR_TABLE; nr++) {
		if (!counts[nr].calls)
			continue;
		/* By time, the longest first; equal times in number order. */
		int k = n++;
		while (k > 0 && counts[order[k - 1]].ns < counts[nr].ns) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = nr;
		total_ns += counts[nr].ns;
		total_calls += counts[nr].calls;
		total_err += counts[nr].errors;
		const char *name = tv_syscall_name(nr);
		int len = name ? (int)tv_strlen(name) : 16;
		if (len + 1 > width)
			width = len + 1;
	}
	char dashes[64];
	int w = width < (int)sizeof dashes - 1 ? width : (int)sizeof dashes - 1;
	for (int i = 0; i < w; i++)
		dashes[i] = '-';
	dashes[w] = 0;
	sb_puts(&o, "% time     seconds  usecs/call     calls    errors syscall\n");
	sb_printf(&o, "------ ----------- ----------- --------- --------- %s\n", dashes);
	for (int i = 0; i < n; i++) {
		const struct count *ct = &counts[order[i]];
		unsigned long pct = total_ns ? (unsigned long)((ct->ns * 10000 + total_ns / 2) / total_ns) : 0;
		unsigned long us = (unsigned long)(ct->ns / 1000);
		put_fixed(&o, 6, pct / 100, pct % 100, 2);
		sb_putc(&o, ' ');
		put_fixed(&o, 11, us / 1000000, us % 1000000, 6);
		sb_printf(&o, " %11lu %9lu ", us / (unsigned long)ct->calls, (unsigned long)ct->calls);
		if (ct->errors)
			sb_printf(&o, "%9lu ", (unsigned long)ct->errors);
		else
			sb_puts(&o, "          ");
		put_name(&o, order[i]);
		sb_putc(&o, '\n');
	}
	unsigned long us = (unsigned long)(total_ns / 1000);
	sb_printf(&o, "------ ----------- ----------- --------- --------- %s\n", dashes);
	sb_puts(&o, "100.00 ");
	put_fixed(&o, 11, us / 1000000, us % 1000000, 6);
	sb_printf(&o, " %11lu %9lu ", total_calls ? us / (unsigned long)total_calls : 0,
		  (unsigned long)total_calls);
	if (total_err)
		sb_printf(&o, "%9lu ", (unsigned long)total_err);
	else
		sb_puts(&o, "          ");
	sb_puts(&o, "total\n");
	emit(o.p, o.len);
	sb_free(&o);
}

/* As strace counts: only the calls whose status is shown (-c -Z counts
 * the failed ones). */
static void count_call(const struct call *c)
{
	if (!opt.summary || c->nr < 0 || c->nr >= NR_TABLE || !shown(c))
		return;
	struct count *ct = &counts[c->nr];
	__atomic_fetch_add(&ct->calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ct->ns, c->dur, __ATOMIC_RELAXED);
	if (is_err(c->ret))
		__atomic_fetch_add(&ct->errors, 1, __ATOMIC_RELAXED);
}

/* The process ends (exit_group, or its last thread's exit, or a signal):
 * the "+++" line (note, unless NULL), the summary, and silence
 * afterwards.  Under the lock. */
static void process_end(int tid, const char *note)
{
	if (finished)
		return;
	if (opt.lines) {
		for (struct thr *p = pend_head; p; p = p->pnext)
			if (p->state == ST_PENDING && p->tid != tid && (opt.status & CS_UNFINISHED))
				write_cut(p);
		if (note)
			write_note(main_pid, note);
	}
	if (opt.summary && (!shared || shared->root_pid == main_pid))
		summary();
	finished = 1;
}

static void exit_note(char *note, size_t cap, long code)
{
	tv_snprintf(note, cap, "+++ exited with %d +++\n", (int)(code & 0xff));
}

static void process_exit(int tid, long code)
{
	char note[48];

	exit_note(note, sizeof note, code);
	process_end(tid, opt.quiet & Q_EXIT ? NULL : note);
}

/* ------------------------------------------------------------------ */
/* Signals: "--- SIGUSR1 {si_signo=SIGUSR1, ...} ---", as strace.      */

static const char *si_code_name(int signo, int code)
{
	static const char *const generic[] = { "SI_USER", "SI_QUEUE", "SI_TIMER", "SI_MESGQ",
					       "SI_ASYNCIO", "SI_SIGIO", "SI_TKILL" };
	static const char *const chld[] = { "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED",
					    "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };
	static const char *const segv[] = { "SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR" };
	static const char *const bus[] = { "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR" };
	static const char *const fpe[] = { "FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV", "FPE_FLTOVF",
					   "FPE_FLTUND", "FPE_FLTRES", "FPE_FLTINV", "FPE_FLTSUB" };
	static const char *const ill[] = { "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP",
					   "ILL_PRVOPC", "ILL_PRVREG", "ILL_COPROC", "ILL_BADSTK" };
	static const char *const trap[] = { "TRAP_BRKPT", "TRAP_TRACE", "TRAP_BRANCH", "TRAP_HWBKPT" };
	static const struct { int signo, n; const char *const *names; } by_signal[] = {
		{ SIGCHLD, 6, chld }, { SIGSEGV, 4, segv }, { SIGBUS, 3, bus },
		{ SIGFPE, 8, fpe }, { SIGILL, 8, ill }, { SIGTRAP, 4, trap },
	};

	if (code == 0x80)
		return "SI_KERNEL";
	if (code <= 0 && code >= -6)
		return generic[-code];
	if (signo == SIGSYS && code == 1)
		return "SYS_SECCOMP";
	for (size_t i = 0; i < sizeof by_signal / sizeof by_signal[0]; i++) {
		if (by_signal[i].signo == signo && code >= 1 && code <= by_signal[i].n)
			return by_signal[i].names[code - 1];
	}
	return NULL;
}

static void put_siginfo(struct sb *o, const struct tv_signal *s)
{
	const char *code = si_code_name(s->signo, s->code);

	sb_puts(o, "{si_signo=");
	put_signame(o, s->signo, 1);
	if (code)
		sb_printf(o, ", si_code=%s", code);
	else
		sb_printf(o, ", si_code=%d", s->code);
	if (s->errno_value)
		sb_printf(o, ", si_errno=%d", s->errno_value);
	if (s->code == 0 || s->code == -6) {	/* SI_USER, SI_TKILL */
		sb_printf(o, ", si_pid=%d, si_uid=%d", s->pid, s->uid);
	} else if (s->code == -1 || s->code == -3) {	/* SI_QUEUE, SI_MESGQ */
		sb_printf(o, ", si_pid=%d, si_uid=%d, si_int=%d, si_ptr=", s->pid, s->uid, (int)s->value);
		put_ptr(o, s->value);
	} else if (s->code == -2) {		/* SI_TIMER */
		sb_printf(o, ", si_timerid=%#x, si_overrun=%d, si_int=%d, si_ptr=", s->timerid,
			  s->overrun, (int)s->value);
		put_ptr(o, s->value);
	} else if (s->code > 0 && s->signo == SIGCHLD) {
		sb_printf(o, ", si_pid=%d, si_uid=%d, si_status=", s->pid, s->uid);
		if (s->code == 1)	/* CLD_EXITED */
			sb_printf(o, "%d", s->status);
		else
			put_signame(o, s->status, 1);
		sb_printf(o, ", si_utime=%ld, si_stime=%ld", s->utime, s->stime);
	} else if (s->code > 0 && s->code != 0x80 && s->signo == SIGSYS) {
		sb_puts(o, ", si_call_addr=");
		put_ptr(o, s->addr);
		sb_puts(o, ", si_syscall=");
		put_name(o, s->syscall);
		sb_printf(o, ", si_arch=%#x", s->arch);
	} else if (s->code > 0 && s->code != 0x80 &&
		   (s->signo == SIGSEGV || s->signo == SIGBUS || s->signo == SIGFPE ||
		    s->signo == SIGILL || s->signo == SIGTRAP)) {
		sb_puts(o, ", si_addr=");
		put_ptr(o, s->addr);
	}
	sb_putc(o, '}');
}

static int dumps_core(int sig)
{
	static const int core[] = { SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
				    SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS };
	struct rlimit lim;

	for (size_t i = 0; i < sizeof core / sizeof core[0]; i++) {
		if (core[i] == sig)
			return tv_syscall6(__NR_prlimit64, 0, RLIMIT_CORE, 0, (long)&lim, 0, 0) == 0 &&
			       lim.rlim_cur > 0;
	}
	return 0;
}

/* -e signal=: whether signal n's lines are shown. */
static int signal_shown(int n)
{
	return n >= 1 && n <= 64 && (opt.signals >> (n - 1) & 1);
}

static void on_signal(const struct tv_signal *s)
{
	tv_lock(&big_lock);
	if (opt.lines && !finished && (opt.follow || s->tid == main_pid) && signal_shown(s->signo)) {
		struct lead l;
		flush_pending(NULL);
		cut_own(s->tid);
		lead_now(&l, last_nr(s->tid));
		outbuf.len = 0;
		put_prefix(&outbuf, s->tid, &l);
		sb_puts(&outbuf, "--- ");
		put_signame(&outbuf, s->signo, 1);
		sb_putc(&outbuf, ' ');
		put_siginfo(&outbuf, s);
		sb_puts(&outbuf, " ---\n");
		emit_line(s->tid, outbuf.p, outbuf.len);
	}
	/* (A child that shares our memory is not the process we trace.) */
	if (s->fatal && sys(__NR_getpid, 0, 0, 0, 0, 0, 0) == main_pid) {
		struct sb note = { 0 };
		sb_puts(&note, "+++ killed by ");
		put_signame(&note, s->signo, 1);
		sb_puts(&note, dumps_core(s->signo) ? " (core dumped) +++\n" : " +++\n");
		process_end(s->tid, signal_shown(s->signo) ? note.p : NULL);
		sb_free(&note);
	}
	tv_unlock(&big_lock);
}

/* ------------------------------------------------------------------ */
/* The descriptors we keep in the guest's table, and what crosses exec.  */

struct persist {
	char magic[8];
	int32_t pid;		/* the process this state belongs to */
	int32_t out_fd;
	uint32_t exec_len;	/* an execve line waiting for "= 0" */
	uint32_t exec_traced;	/* that execve is traced: count it */
	int32_t shared_fd;	/* the -c counts (struct shared), or -1 */
	uint32_t out_failed;	/* a write of the trace failed (the exit status) */
	uint64_t exec_t0;	/* -T: when that execve started */
	struct lead exec_lead;	/* its leader */
	uint64_t last_lead;	/* -r: the time of the last leader */
};
#define PERSIST_MAGIC "tvtrace"
#define PERSIST_EXEC_OFF ((long)sizeof(struct persist))
#define PERSIST_EXEC_CAP 8192

static int is_ours(long fd)
{
	return fd >= 0 && (fd == out_fd || fd == state_fd || fd == shared_fd);
}

/* Where our descriptors go: FD_HINT, or lower when RLIMIT_NOFILE is. */
static long fd_hint(void)
{
	uint64_t lim[2] = { 0, 0 };
	long hint = FD_HINT;
	if (sys(__NR_prlimit64, 0, RLIMIT_NOFILE, 0, (long)lim, 0, 0) == 0 && lim[0] < FD_HINT + 64)
		hint = lim[0] > 80 ? (long)lim[0] - 64 : 10;
	return hint;
}

/* Moves fd to a free descriptor at or above from (or fd_hint()); returns
 * the new one, or fd itself when nothing higher is free. */
static int move_high(int fd, long from)
{
	long r = sys(__NR_fcntl, fd, F_DUPFD, from > 0 ? from : fd_hint(), 0, 0, 0);
	if (r < 0 && from > 0)
		r = sys(__NR_fcntl, fd, F_DUPFD, fd_hint(), 0, 0, 0);
	if (r < 0)
		return fd;
	sys(__NR_close, fd, 0, 0, 0, 0, 0);
	return (int)r;
}

/* Finds the state an earlier image of this monitor left (execve). */
static int find_state(struct persist *p)
{
	long hint = fd_hint();
	for (int pass = 0; pass < 2; pass++) {
		long base = pass ? FD_HINT : hint;
		if (pass && base == hint)
			break;
		for (long fd = base; fd < base + 64; fd++) {
			long r = sys(__NR_pread64, fd, (long)p, sizeof *p, 0, 0, 0);
			if (r == (long)sizeof *p && !tv_strncmp(p->magic, PERSIST_MAGIC, sizeof p->magic))
				return (int)fd;
		}
	}
	return -1;
}

static void persist_write(long off, const void *buf, size_t len)
{
	if (state_fd >= 0)
		sys(__NR_pwrite64, state_fd, (long)buf, (long)len, off, 0, 0);
}

/* exec: the traced execve about to be made, or NULL. */
static void persist_header(uint32_t exec_len, const struct thr *exec)
{
	struct persist p;
	tv_memset(&p, 0, sizeof p);
	tv_memcpy(p.magic, PERSIST_MAGIC, sizeof PERSIST_MAGIC);
	/* (Not main_pid: a vfork child writes its execve here.) */
	p.pid = (int32_t)sys(__NR_getpid, 0, 0, 0, 0, 0, 0);
	p.out_fd = out_fd;
	p.exec_len = exec_len;
	p.exec_traced = exec != NULL;
	p.shared_fd = shared_fd;
	p.out_failed = (uint32_t)out_failed;
	if (exec) {
		p.exec_t0 = exec->t0;
		p.exec_lead = exec->lead;
	}
	p.last_lead = last_lead;
	persist_write(0, &p, sizeof p);
}

/* Only the field, so as not to undo an execve line waiting in the state. */
static void persist_failed(void)
{
	uint32_t one = 1;
	persist_write(offsetof(struct persist, out_failed), &one, sizeof one);
}

static void new_state(void)
{
	long fd = sys(__NR_memfd_create, (long)"tvisor-trace", 0, 0, 0, 0, 0);
	if (fd < 0)
		return;		/* no memfd: an execve starts a new trace */
	state_fd = move_high((int)fd, 0);
	persist_header(0, NULL);
}

/* dup2()/dup3() onto one of ours: ours moves out of the way first. */
static void move_ours(long fd)
{
	tv_lock(&big_lock);
	int *ours = fd == out_fd ? &out_fd : fd == state_fd ? &state_fd : &shared_fd;
	*ours = move_high((int)fd, fd + 1);
	tv_unlock(&big_lock);
	if (ours != &state_fd)	/* the state's header names the others */
		persist_header(0, NULL);
}

/* The guest must not lose our descriptors by accident.  Returns 1 with
 * *ret set when the call is answered here. */
static int guard(struct tv_call *c, long *ret)
{
	const long *a = c->args;

	switch (c->nr) {
	case __NR_close:
		if (is_ours(a[0])) {
			*ret = -EBADF;	/* as if it were not open */
			return 1;
		}
		return 0;
#ifdef __NR_dup2
	case __NR_dup2:
#endif
	case __NR_dup3:
		if (is_ours(a[1]) && a[0] != a[1])
			move_ours(a[1]);
		return 0;
	case __NR_fcntl:
		if (is_ours(a[0]) && a[1] == F_SETFD) {
			*ret = 0;	/* ours stay open across execve */
			return 1;
		}
		return 0;
	case __NR_close_range: {
		unsigned long lo = (unsigned)a[0], hi = (unsigned)a[1];
		long ours[3] = { out_fd, state_fd, shared_fd };
		int hit = 0;
		long r = 0;
		if (lo > hi)
			return 0;
		for (int i = 1; i < 3; i++)	/* in ascending order */
			for (int k = i; k > 0 && ours[k - 1] > ours[k]; k--) {
				long x = ours[k];
				ours[k] = ours[k - 1];
				ours[k - 1] = x;
			}
		for (int i = 0; i < 3; i++) {
			if (ours[i] < 0 || (unsigned long)ours[i] < lo || (unsigned long)ours[i] > hi)
				continue;
			if (lo < (unsigned long)ours[i] && r == 0)
				r = sys(__NR_close_range, (long)lo, ours[i] - 1, a[2], 0, 0, 0);
			lo = (unsigned long)ours[i] + 1;
			hit = 1;
		}
		if (!hit)
			return 0;
		if (r == 0 && lo <= hi)
			r = sys(__NR_close_range, (long)lo, (long)hi, a[2], 0, 0, 0);
		*ret = r;
		return 1;
	}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The hooks.                                                           */

/* Before an execve: should it succeed, the next image writes its line
 * with "= 0" and counts it. */
static void persist_exec(struct thr *t)
{
	uint32_t len = 0;

	if (t && opt.lines) {
		struct sb line = { 0 };
		sb_putn(&line, t->entry.p, t->entry.len);
		format_exit(&line, &t->c, sig_of(t->c.nr), t->stop);
		if (line.len < PERSIST_EXEC_CAP) {
			persist_write(PERSIST_EXEC_OFF, line.p, line.len);
			len = (uint32_t)line.len;
		}
		sb_free(&line);
	}
	persist_header(len, t);
}

static int traced(const struct tv_call *c)
{
	return c->nr >= 0 && c->nr < NR_TABLE && selected[c->nr] &&
	       (opt.follow || c->tid == main_pid);
}

/* A call that never returns to us: written whole now, with "= ?". */
static void write_now(struct thr *t, const struct sig *s)
{
	t->tail.len = 0;
	format_exit(&t->tail, &t->c, s, t->stop);
	write_line(t);
}

/* A thread's exit: its own "+++ exited" line, unless it is the last,
 * whose line is the process's (process_exit follows). */
static void on_thread_exit(int pid, int tid, int status)
{
	(void)pid;
	tv_lock(&big_lock);
	if (opt.follow && opt.lines && !finished && nthreads > 1 && !(opt.quiet & Q_EXIT)) {
		char note[48];
		exit_note(note, sizeof note, status);
		write_note(tid, note);
	}
	thread_remove(tid);
	tv_unlock(&big_lock);
}

/* The end of the process we trace, or with -f of a child that shares our
 * memory (vfork): only its own line. */
static void on_process_exit(int pid, int status)
{
	tv_lock(&big_lock);
	if (pid == main_pid) {
		process_exit(pid, status);
	} else if (opt.follow) {
		if (opt.lines && !finished && !(opt.quiet & Q_EXIT)) {
			char note[48];
			exit_note(note, sizeof note, status);
			write_note(pid, note);
		}
		thread_remove(pid);
	}
	tv_unlock(&big_lock);
}

/* Under the lock (or alone): forget every thread (and its pending line). */
static void forget_threads(void)
{
	for (int i = 0; i < HASH; i++) {
		while (threads[i]) {
			struct thr *t = threads[i];
			threads[i] = t->hnext;
			thread_free(t);
		}
	}
	nthreads = 0;
	pend_head = pend_tail = NULL;
}

static void close_fd(int *fd)
{
	if (*fd > 2)
		sys(__NR_close, *fd, 0, 0, 0, 0, 0);
	*fd = -1;
}

/* A fork child, alone with a copy of our state taken while other threads
 * may have held the lock or been half-way through a line.  Followed (-f),
 * it is a traced process of its own: its threads, its lines, a state fd
 * for its execve; the -c counts stay shared.  Not followed, it is silent,
 * and so are the programs it executes (exec_options).  A child that
 * shares our memory (vfork) must leave it to the parent. */
static void on_fork_child(const struct tv_fork *f)
{
	if (f->flags & CLONE_VM) {
		if (separate) {
			tv_lock(&big_lock);
			ff_start(f->child_pid);
			tv_unlock(&big_lock);
		}
		return;
	}
	big_lock = (tv_lock_t){ 0 };
	forget_threads();
	if (separate) {
		ff_forget_all();
		ff_start(f->child_pid);
	}
	if (!opt.follow) {
		close_fd(&out_fd);
		close_fd(&state_fd);
		close_fd(&shared_fd);
		finished = 1;
		return;
	}
	main_pid = f->child_pid;
	if (state_fd >= 0) {
		close_fd(&state_fd);
		new_state();
	}
}

/* A vfork child has exec'd or ended by now: the line of its execve,
 * left pending in the table it shared with us, is finished elsewhere (in
 * its new image) or never. */
static void on_fork_parent(const struct tv_fork *f)
{
	if (!(f->flags & CLONE_VFORK))
		return;
	tv_lock(&big_lock);
	thread_remove(f->child_pid);
	tv_unlock(&big_lock);
}

/* A process we do not follow runs its programs silently too.  With -ff,
 * the next image writes where this one does, whatever the cwd: -o takes
 * the absolute prefix (the last -o counts). */
static int exec_options(char **argv, int cap)
{
	if (separate && cap >= 2) {
		argv[0] = "-o";
		argv[1] = ff_prefix;
		return 2;
	}
	if (opt.follow || cap < 1 || sys(__NR_getpid, 0, 0, 0, 0, 0, 0) == main_pid)
		return 0;
	argv[0] = "--tv-trace-detached";
	return 1;
}

/* The program's exit status, unless trace lines were lost: then not 0,
 * so that whoever runs the tracer learns that the trace is incomplete. */
static void exit_status(struct tv_call *c)
{
	if (__atomic_load_n(&out_failed, __ATOMIC_RELAXED) && (c->args[0] & 0xff) == 0)
		c->args[0] = 1;
}

/* The inject rule for this invocation of c's call, or NULL; counts the
 * invocation in the thread's table.  Without -f only the first process's
 * calls are touched, as strace touches only its tracees. */
static const struct inject *inject_due(const struct tv_call *c)
{
	const struct inject *in = c->nr >= 0 && c->nr < NR_TABLE ? injects[c->nr] : NULL;
	if (!in || !(opt.follow || c->tid == main_pid))
		return NULL;
	struct thr *t = thread_get(c->tid);
	if (!t)
		return NULL;
	if (!t->invocations && !(t->invocations = tv_calloc(NR_TABLE, sizeof *t->invocations)))
		return NULL;
	unsigned n = t->invocations[c->nr];
	if (n < ~0u)
		t->invocations[c->nr] = ++n;
	if (n < in->first || n > in->last || (n - in->first) % in->step)
		return NULL;
	t->on_return = in->replace ? NULL : in;
	return in;
}

/* Waits ns nanoseconds whatever signals come meanwhile. */
static void delay(uint64_t ns)
{
	struct __kernel_timespec until;
	uint64_t end = now_ns(CLOCK_MONOTONIC) + ns;

	until.tv_sec = (long long)(end / 1000000000);
	until.tv_nsec = (long long)(end % 1000000000);
	while (sys(__NR_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&until, 0, 0, 0) ==
	       -EINTR)
		;
}

/* The signal of signal=, with si_code SI_KERNEL as the kernel sends
 * strace's.  The monitor delivers it when the call returns. */
static void inject_signal(const struct inject *in, const struct tv_call *c)
{
	int info[32] = { in->signo, 0, SI_KERNEL };	/* a siginfo_t */

	sys(__NR_rt_tgsigqueueinfo, c->pid, c->tid, in->signo, (long)info, 0, 0);
}

/* What the rule does on entry: the delay, and for a call it replaces the
 * result (1 and *ret), the signal and the exit delay at once.  The signal
 * of a call that runs is sent when it returns (inject_return): sent now,
 * it would reach the guest before the call (the monitor delivers a
 * signal that comes before its interruptible window opens, then makes
 * the call), and the call would count as a new invocation each time. */
static int inject_enter(const struct inject *in, const struct tv_call *c, long *ret)
{
	if (in->delay_enter)
		delay(in->delay_enter);
	if (!in->replace)
		return 0;
	if (in->signo)
		inject_signal(in, c);
	if (in->delay_exit)
		delay(in->delay_exit);
	*ret = in->ret;
	return 1;
}

/* What the rule does when a call it did not replace returns. */
static void inject_return(const struct tv_call *c)
{
	struct thr *t = thread_get(c->tid);
	const struct inject *in = t ? t->on_return : NULL;

	if (!in)
		return;
	t->on_return = NULL;
	if (in->delay_exit)
		delay(in->delay_exit);
	if (in->signo)
		inject_signal(in, c);
}

static enum tv_verdict on_enter(struct tv_call *c)
{
	long answer;
	struct thr *t = NULL;

	c->tool_data = NULL;
	if (__atomic_load_n(&finished, __ATOMIC_RELAXED))
		return TV_RUN;
	if (traced(c)) {
		const struct sig *s = sig_of(c->nr);
		t = thread_get(c->tid);
		if (t) {
			t->c.nr = c->nr;
			tv_memcpy(t->c.a, c->args, sizeof t->c.a);
			t->c.done = 0;
			t->c.injected = 0;
			t->c.delayed = 0;
			capture(&t->c, s);
			if (opt.lines) {
				lead_now(&t->lead, c->nr);
				t->entry.len = 0;
				t->stop = format_entry(&t->entry, &t->c, s);
			}
		}
	}
	int answered = guard(c, &answer);
	const struct inject *in = answered ? NULL : inject_due(c);
	if (in && t)
		t->c.delayed = in->delay_enter || in->delay_exit;
	if (in && inject_enter(in, c, &answer)) {
		answered = 1;
		if (t)
			t->c.injected = 1;
	}

	if (t && (answered || (sig_of(c->nr) && sig_of(c->nr)->ret == R_NONE))) {
		/* Finished here: the guard's answer, or a call with no return. */
		t->c.ret = answered ? answer : 0;
		t->c.done = answered;
		t->c.dur = 0;
		if (answered)
			count_call(&t->c);
		if (opt.lines)
			write_now(t, sig_of(c->nr));
	} else if (t) {
		if (opt.lines) {
			tv_lock(&big_lock);
			t->state = ST_PENDING;
			t->pprev = pend_tail;
			t->pnext = NULL;
			if (pend_tail)
				pend_tail->pnext = t;
			else
				pend_head = t;
			pend_tail = t;
			tv_unlock(&big_lock);
		}
		c->tool_data = t;
		t->t0 = opt.summary || opt.times >= 0 ? now_ns(CLOCK_MONOTONIC) : 0;
	}

	if (answered)
		return tv_return(c, answer);
	if ((c->nr == __NR_execve || c->nr == __NR_execveat) && state_fd >= 0)
		persist_exec(t);
	if (c->nr == __NR_exit_group || c->nr == __NR_exit)
		exit_status(c);
	return TV_RUN;
}

static void on_exit(struct tv_call *c)
{
	struct thr *t = c->tool_data;

	/* A new thread counts for the "[pid N]" prefix from its birth. */
	uint64_t flags3 = 0;
	if (opt.follow && c->nr == __NR_clone3 && c->ret > 0)
		tv_mem_read(&flags3, (uintptr_t)c->args[0], sizeof flags3);
	if (opt.follow && c->ret > 0 &&
	    ((c->nr == __NR_clone && (c->args[0] & CLONE_THREAD)) || (flags3 & CLONE_THREAD))) {
		tv_lock(&big_lock);
		if (!recently_gone((int)c->ret))
			thread_add((int)c->ret);
		tv_unlock(&big_lock);
	}
	if (c->nr >= 0 && c->nr < NR_TABLE && injects[c->nr])
		inject_return(c);
	if (!t)
		return;
	t->c.ret = c->ret;
	t->c.done = 1;
	t->c.dur = t->t0 ? now_ns(CLOCK_MONOTONIC) - t->t0 : 0;
	count_call(&t->c);
	if ((c->nr == __NR_execve || c->nr == __NR_execveat) && state_fd >= 0)
		persist_header(0, NULL);
	if (opt.lines) {
		t->tail.len = 0;
		format_exit(&t->tail, &t->c, sig_of(c->nr), t->stop);
		write_line(t);
	}
}

/* ------------------------------------------------------------------ */
/* Options.                                                             */

static int usage_error(const char *fmt, const char *arg)
{
	tv_dprintf(2, "%s: ", TOOL);
	tv_dprintf(2, fmt, arg);
	tv_dprintf(2, "\nTry '%s --help'.\n", TOOL);
	return -1;
}

static const struct { const char *name; unsigned cls; } class_names[] = {
	{ "file", CL_FILE }, { "desc", CL_DESC }, { "network", CL_NETWORK }, { "net", CL_NETWORK },
	{ "process", CL_PROCESS }, { "signal", CL_SIGNAL }, { "memory", CL_MEMORY },
	{ "ipc", CL_IPC }, { "creds", CL_CREDS }, { "clock", CL_CLOCK }, { "stat", CL_STAT },
	{ "lstat", CL_LSTAT }, { "fstat", CL_FSTAT }, { "%stat", CL_STAT | CL_LSTAT | CL_FSTAT },
	{ "statfs", CL_STATFS }, { "fstatfs", CL_FSTATFS }, { "%statfs", CL_STATFS | CL_FSTATFS },
};

/* The derived classes: a path argument puts a call in %file, a file
 * descriptor (argument or result) in %desc. */
static void derive_classes(void)
{
	for (int nr = 0; nr < SIG_TABLE; nr++) {
		const struct sig *s = sig_of(nr);
		if (!s)
			continue;
		classes[nr] = s->cls;
		for (int i = 0; i < s->n; i++) {
			if (s->t[i] == A_PATH)
				classes[nr] |= CL_FILE;
			if (s->t[i] == A_FD || s->t[i] == A_DIRFD)
				classes[nr] |= CL_DESC;
		}
		if (s->ret == R_FD)
			classes[nr] |= CL_DESC;
	}
}

/* A set of calls, as -e trace= and -e inject= name them: names, numbers,
 * %classes, all, none; "!" in front negates the whole set, "?" in front
 * of a name forgives an unknown one.  set[nr] becomes 1 for the members. */
static int parse_set(const char *spec, unsigned char *set)
{
	int neg = 0;

	derive_classes();
	tv_memset(set, 0, NR_TABLE);
	if (*spec == '!')
		neg = 1, spec++;
	while (*spec) {
		char tok[64];
		size_t n = 0;
		while (spec[n] && spec[n] != ',')
			n++;
		if (n >= sizeof tok)
			return usage_error("invalid system call '%s'", spec);
		tv_memcpy(tok, spec, n);
		tok[n] = 0;
		spec += n + (spec[n] == ',');
		char *name = tok;
		int forgive = 0;
		if (*name == '?')
			forgive = 1, name++;
		if (!*name)
			continue;
		if (!tv_strcmp(name, "all")) {
			for (int i = 0; i < NR_TABLE; i++)
				set[i] = 1;
			continue;
		}
		if (!tv_strcmp(name, "none"))
			continue;
		if (*name == '/')
			return usage_error("regular expressions are not supported: '%s'", name);
		if (*name == '%') {
			unsigned cls = 0;
			for (size_t k = 0; k < sizeof class_names / sizeof class_names[0]; k++)
				if (!tv_strcmp(name + 1, class_names[k].name))
					cls = class_names[k].cls;
			if (!cls) {
				if (forgive)
					continue;
				return usage_error("invalid system call class '%s'", name);
			}
			for (int i = 0; i < SIG_TABLE; i++)
				if (classes[i] & cls)
					set[i] = 1;
			continue;
		}
		long nr = tv_syscall_number(name);
		unsigned long num;
		if (nr < 0 && tv_parse_ulong(name, &num) == 0 && num < NR_TABLE)
			nr = (long)num;
		if (nr < 0 || nr >= NR_TABLE) {
			if (forgive)
				continue;
			return usage_error("invalid system call '%s'", name);
		}
		set[nr] = 1;
	}
	for (int i = 0; i < NR_TABLE; i++)
		set[i] = set[i] != neg;
	return 0;
}

/* -e trace=SET.  Several -e trace= add up. */
static int parse_trace(const char *spec)
{
	static unsigned char set[NR_TABLE];

	if (parse_set(spec, set) < 0)
		return -1;
	if (!opt.have_set)
		tv_memset(selected, 0, sizeof selected);
	opt.have_set = 1;
	for (int i = 0; i < NR_TABLE; i++)
		selected[i] |= set[i];
	return 0;
}

/* Case-insensitive equality of ASCII names (signals are "usr1" or "USR1"). */
static int eq_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
		char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* The bits one name of a set stands for; 0 if it is unknown. */
typedef uint64_t (*name_bits_fn)(const char *name);

static int set_error(const char *what, const char *token)
{
	char fmt[48];
	tv_snprintf(fmt, sizeof fmt, "invalid %s '%%s'", what);
	return usage_error(fmt, token);
}

/* A set of -e signal=, status=, quiet=, decode-fds=, as strace reads it:
 * "all", "none" or names separated by commas, each leading "!" inverting
 * it.  The set replaces the one before. */
static int parse_named(const char *spec, const char *what, name_bits_fn bits, uint64_t all,
		       uint64_t *out)
{
	uint64_t set = 0;
	int neg = 0, any = 0;

	for (; *spec == '!'; spec++)
		neg = !neg;
	if (!tv_strcmp(spec, "all") || !tv_strcmp(spec, "none")) {
		*out = (spec[0] == 'a') != neg ? all : 0;
		return 0;
	}
	for (const char *p = spec; *p;) {
		char tok[64];
		size_t n = 0;
		while (p[n] && p[n] != ',')
			n++;
		if (n >= sizeof tok)
			return set_error(what, p);
		tv_memcpy(tok, p, n);
		tok[n] = 0;
		p += n + (p[n] == ',');
		if (!n)
			continue;
		uint64_t b = bits(tok);
		if (!b)
			return set_error(what, tok);
		set |= b;
		any = 1;
	}
	if (!any)
		return set_error(what, spec);
	*out = neg ? all & ~set : set;
	return 0;
}

/* "USR1", "SIGUSR1", "sigusr1", "10", "RTMIN", "RT_3". */
static uint64_t signal_bits(const char *name)
{
	unsigned long n;
	struct sb b = { 0 };

	if (tv_parse_ulong(name, &n) == 0)
		return n >= 1 && n <= 64 ? 1ull << (n - 1) : 0;
	if ((name[0] == 's' || name[0] == 'S') && (name[1] == 'i' || name[1] == 'I') &&
	    (name[2] == 'g' || name[2] == 'G'))
		name += 3;
	for (n = 1; n <= 64; n++) {
		b.len = 0;
		put_signame(&b, (long)n, 0);
		if (b.p && eq_nocase(b.p, name))
			break;
	}
	sb_free(&b);
	return n <= 64 ? 1ull << (n - 1) : 0;
}

struct bit_name {
	const char *name;
	unsigned bit;
};

static uint64_t lookup_bits(const struct bit_name *t, const char *name)
{
	for (; t->name; t++)
		if (!tv_strcmp(t->name, name))
			return t->bit;
	return 0;
}

static uint64_t status_bits(const char *name)
{
	static const struct bit_name t[] = {
		{ "successful", CS_SUCCESSFUL }, { "failed", CS_FAILED },
		{ "unfinished", CS_UNFINISHED }, { "unavailable", CS_UNAVAILABLE },
		{ "detached", CS_DETACHED }, { NULL, 0 },
	};
	return lookup_bits(t, name);
}

static uint64_t quiet_bits(const char *name)
{
	static const struct bit_name t[] = {
		{ "attach", Q_ATTACH }, { "exit", Q_EXIT }, { "exits", Q_EXIT },
		{ "path-resolution", Q_PATH }, { "personality", Q_PERSONALITY },
		{ "superseded", Q_EXECVE }, { "thread-execve", Q_EXECVE }, { NULL, 0 },
	};
	return lookup_bits(t, name);
}

static uint64_t fds_bits(const char *name)
{
	static const struct bit_name t[] = {
		{ "path", DF_PATH }, { "socket", DF_SOCKET }, { "dev", DF_DEV }, { NULL, 0 },
	};
	return lookup_bits(t, name);
}

/* Digits at *p, advancing it: 0, or -1 when there are none or too many. */
static int take_number(const char **p, unsigned long *v)
{
	const char *q = *p;

	*v = 0;
	for (; *q >= '0' && *q <= '9'; q++) {
		if (*v > 0xffffffffffful)
			return -1;
		*v = *v * 10 + (unsigned long)(*q - '0');
	}
	if (q == *p)
		return -1;
	*p = q;
	return 0;
}

/* A delay as strace reads it: a decimal number of microseconds, or with
 * the unit s, ms, us or ns after it ("1.5ms"). */
static int parse_delay(const char *v, uint64_t *ns)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "", 1000 }, { "s", 1000000000 }, { "ms", 1000000 }, { "us", 1000 }, { "ns", 1 },
	};
	const char *p = v;
	unsigned long whole, frac = 0, scale = 1;

	if (take_number(&p, &whole) < 0)
		return usage_error("invalid delay '%s'", v);
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale < 1000000000) {
				frac = frac * 10 + (unsigned long)(*p - '0');
				scale *= 10;
			}
		}
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (!tv_strcmp(p, units[i].unit)) {
			*ns = whole * units[i].ns + frac * units[i].ns / scale;
			return 0;
		}
	}
	return usage_error("invalid delay '%s' (a number, then s, ms, us or ns)", v);
}

/* when=FIRST[..LAST][+[STEP]]: FIRST alone is one invocation; "..LAST"
 * ends a range, "+" leaves it open (or up to LAST), "+STEP" takes every
 * STEP-th. */
static int parse_when(const char *v, struct inject *in)
{
	const char *p = v;
	unsigned long first, last = 0, step = 1;
	int ranged = 0;

	if (take_number(&p, &first) < 0 || first < 1 || first > 65535)
		return usage_error("invalid when= '%s' (FIRST[..LAST][+[STEP]], from 1)", v);
	if (p[0] == '.' && p[1] == '.') {
		p += 2;
		ranged = 1;
		if (take_number(&p, &last) < 0 || last < first || last > 65534)
			return usage_error("invalid when= '%s': LAST must be FIRST..65534", v);
	}
	if (*p == '+') {
		p++;
		if (!ranged)
			last = ~0u;
		if (*p && (take_number(&p, &step) < 0 || step < 1 || step > 65535))
			return usage_error("invalid when= '%s': STEP must be 1..65535", v);
	} else if (!ranged) {
		last = first;
	}
	if (*p)
		return usage_error("invalid when= '%s' (FIRST[..LAST][+[STEP]])", v);
	in->first = (unsigned)first;
	in->last = (unsigned)last;
	in->step = (unsigned)step;
	return 0;
}

/* error=: a name (ENOENT) or a number 1..4095; the result -errno. */
static int parse_errno(const char *v, long *ret)
{
	unsigned long n;

	if (tv_parse_ulong(v, &n) == 0) {
		if (n < 1 || n > 4095)
			return usage_error("invalid error '%s' (1..4095)", v);
		*ret = -(long)n;
		return 0;
	}
	for (int e = 1; e <= 4095; e++) {
		const char *name = tv_errno_name(e);
		if (name && !tv_strcmp(name, v)) {
			*ret = -e;
			return 0;
		}
	}
	return usage_error("invalid error '%s'", v);
}

/* -e inject=SET:KEY=VALUE...: error=, retval=, signal=, delay_enter=,
 * delay_exit=, when=.  -e fault= is the same with error=ENOSYS when no
 * error= is given. */
static int parse_inject(const char *spec, int fault)
{
	static unsigned char set[NR_TABLE];
	struct inject in = { .first = 1, .last = ~0u, .step = 1 };
	const char *colon = tv_strchr(spec, ':');
	char names[512];
	size_t n = colon ? (size_t)(colon - spec) : tv_strlen(spec);
	int error = 0, retval = 0;

	if (n >= sizeof names)
		return usage_error("invalid system call set '%s'", spec);
	tv_memcpy(names, spec, n);
	names[n] = 0;
	for (const char *p = colon; p && *p == ':';) {
		char tok[128];
		const char *next = tv_strchr(p + 1, ':');
		size_t len = next ? (size_t)(next - p - 1) : tv_strlen(p + 1);
		if (len >= sizeof tok)
			return usage_error("invalid inject option '%s'", p + 1);
		tv_memcpy(tok, p + 1, len);
		tok[len] = 0;
		p = next;
		char *val = tv_strchr(tok, '=');
		if (!val)
			return usage_error("invalid inject option '%s' (KEY=VALUE)", tok);
		*val++ = 0;
		int r;
		if (!tv_strcmp(tok, "error")) {
			r = parse_errno(val, &in.ret);
			error = 1;
		} else if (!tv_strcmp(tok, "retval") && !fault) {
			unsigned long v;
			r = tv_parse_ulong(val, &v) == 0 ? 0 : usage_error("invalid retval '%s'", val);
			in.ret = (long)v;
			retval = 1;
		} else if (!tv_strcmp(tok, "signal") && !fault) {
			uint64_t bit = signal_bits(val);
			r = bit ? 0 : usage_error("invalid signal '%s'", val);
			in.signo = bit ? __builtin_ctzll(bit) + 1 : 0;
		} else if (!tv_strcmp(tok, "delay_enter") && !fault) {
			r = parse_delay(val, &in.delay_enter);
		} else if (!tv_strcmp(tok, "delay_exit") && !fault) {
			r = parse_delay(val, &in.delay_exit);
		} else if (!tv_strcmp(tok, "when")) {
			r = parse_when(val, &in);
		} else {
			r = usage_error(fault ? "unsupported fault option '%s' (error= and when= are)"
					      : "unsupported inject option '%s' (error=, retval=, signal=, "
						"delay_enter=, delay_exit= and when= are)", tok);
		}
		if (r < 0)
			return r;
	}
	if (error && retval)
		return usage_error("%s: error= and retval= exclude each other", spec);
	if (fault && !error)
		in.ret = -ENOSYS, error = 1;
	in.replace = error || retval;
	if (!in.replace && !in.signo && !in.delay_enter && !in.delay_exit)
		return usage_error("%s: inject needs error=, retval=, signal=, delay_enter= or "
				   "delay_exit=", spec);
	if (parse_set(names, set) < 0)
		return -1;
	struct inject *rule = tv_malloc(sizeof *rule);
	if (!rule)
		return usage_error("%s: out of memory", spec);
	*rule = in;
	for (int i = 0; i < NR_TABLE; i++)
		if (set[i])
			injects[i] = rule;
	return 0;
}

/* -e KEY=VALUE, and the long options that are one (--signal=SET). */
static int qualify(const char *key, size_t klen, const char *val)
{
	enum { K_TRACE, K_SIGNAL, K_STATUS, K_QUIET, K_FDS, K_INJECT, K_FAULT };
	static const struct { const char *key; int k; } keys[] = {
		{ "trace", K_TRACE }, { "t", K_TRACE }, { "trace_syscalls", K_TRACE },
		{ "signal", K_SIGNAL }, { "signals", K_SIGNAL }, { "s", K_SIGNAL },
		{ "status", K_STATUS }, { "quiet", K_QUIET }, { "silent", K_QUIET },
		{ "silence", K_QUIET }, { "q", K_QUIET }, { "decode-fds", K_FDS },
		{ "decode-fd", K_FDS }, { "inject", K_INJECT }, { "fault", K_FAULT },
	};
	uint64_t set;
	int k = -1, r;

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (tv_strlen(keys[i].key) == klen && !tv_strncmp(keys[i].key, key, klen))
			k = keys[i].k;
	switch (k) {
	case K_TRACE:
		return parse_trace(val);
	case K_SIGNAL:
		return parse_named(val, "signal", signal_bits, ~0ull, &opt.signals);
	case K_STATUS:
		r = parse_named(val, "status", status_bits, CS_ALL, &set);
		opt.status = (unsigned)set;
		return r;
	case K_QUIET:
		r = parse_named(val, "quiet", quiet_bits, Q_ALL, &set);
		opt.quiet = (unsigned)set;
		return r;
	case K_FDS:
		r = parse_named(val, "decode-fds", fds_bits, DF_ALL, &set);
		opt.fds = (unsigned)set;
		return r;
	case K_INJECT:
	case K_FAULT:
		return parse_inject(val, k == K_FAULT);
	}
	return usage_error("unsupported -e qualifier '%s' (trace=, signal=, status=, quiet=, "
			   "decode-fds=, inject= and fault= are)", key);
}

/* -e EXPR: KEY=VALUE, or a set of calls alone (trace=). */
static int parse_expr(const char *e)
{
	const char *eq = tv_strchr(e, '=');
	return eq ? qualify(e, (size_t)(eq - e), eq + 1) : parse_trace(e);
}

/* -T, -r: s, ms, us or ns; the digits after the point. */
static int parse_precision(const char *v, int *digits)
{
	static const char *const units[] = { "s", "ms", "us", "ns" };

	if (!v) {
		*digits = 6;
		return 0;
	}
	for (int i = 0; i < 4; i++) {
		if (!tv_strcmp(v, units[i])) {
			*digits = 3 * i;
			return 0;
		}
	}
	return usage_error("invalid precision '%s' (s, ms, us or ns)", v);
}

/* --strings-in-hex=: none, non-ascii-chars, non-ascii, all. */
static int parse_hex(const char *v)
{
	static const char *const styles[] = { "none", "non-ascii-chars", "non-ascii", "all" };
	for (int i = 0; i < 4; i++) {
		if (!tv_strcmp(v, styles[i])) {
			opt.hex = i;
			return 0;
		}
	}
	return usage_error("invalid --strings-in-hex argument '%s'", v);
}

/* -q: attach and personality messages (there are none); -qq: and the
 * "+++ exited" lines; -qqq: everything. */
static void quiet_more(void)
{
	static int level;
	static const unsigned levels[] = { Q_ATTACH | Q_PERSONALITY,
					   Q_ATTACH | Q_PERSONALITY | Q_EXIT, Q_ALL };
	opt.quiet |= levels[level < 2 ? level++ : 2];
}

/* -p: strace attaches to a running process with ptrace; the tracer here
 * is the program's loader and lives in its address space, so there is
 * nothing to attach to. */
static __attribute__((noreturn)) void no_attach(void)
{
	tv_dprintf(2, "%s: -p is not supported: the traced program runs inside the tracer; "
		   "run it under %s instead: %s [OPTIONS] -- PROGRAM [ARGS]\n", TOOL, TOOL, TOOL);
	for (;;)
		sys(__NR_exit_group, 1, 0, 0, 0, 0, 0);
}

static int set_strsize(const char *v)
{
	unsigned long n;
	if (tv_parse_ulong(v, &n) || n > (1ul << 20))
		return usage_error("invalid -s argument: '%s'", v);
	opt.strsize = n;
	return 0;
}

/* One option by its short letter (a long one maps to its letter), with
 * its value or NULL.  Returns 0, -1 after an error, 1 if c is unknown. */
static int apply(char c, const char *val)
{
	switch (c) {
	case 'f': opt.follow += opt.follow < 2; return 0;
	case 'F': opt.follow = 2; return 0;	/* --output-separately: -ff */
	case 'c': opt.summary = 1, opt.lines = 0; return 0;
	case 'C': opt.summary = 1, opt.lines = 1; return 0;
	case 't': opt.stamps++; return 0;
	case 'w': return 0;	/* -c time is always wall-clock time */
	case 'n': opt.numbers = 1; return 0;
	case 'P': opt.always_pid = 1; return 0;
	case 'z': opt.status = CS_SUCCESSFUL; return 0;
	case 'Z': opt.status = CS_FAILED; return 0;
	case 'T': return parse_precision(val, &opt.times);
	case 'r': return parse_precision(val, &opt.relative);
	case 'o': opt.outfile = val; return 0;
	case 's': return set_strsize(val);
	case 'e': return parse_expr(val);
	case 'p': no_attach();
	case 'q':
		if (val)
			return qualify("quiet", 5, val);
		quiet_more();
		return 0;
	case 'x':
		if (val)
			return parse_hex(val);
		opt.hex = opt.hex >= HEX_NON_ASCII ? HEX_ALL : HEX_NON_ASCII;
		return 0;
	case 'y':
		if (val)
			return qualify("decode-fds", 10, val);
		opt.fds = opt.fds ? DF_ALL : DF_PATH;
		return 0;
	}
	return 1;
}

/* How a long option takes its value: none, always (--output=F or
 * --output F), or only as --name=VALUE, like strace's optional ones. */
enum { ARG_NONE, ARG_NEED, ARG_MAY };

static int long_option(int argc, char **argv)
{
	static const struct { const char *name; char as; char arg; const char *key; } longs[] = {
		{ "--output", 'o', ARG_NEED, NULL }, { "--string-limit", 's', ARG_NEED, NULL },
		{ "--trace", 'e', ARG_NEED, "trace" }, { "--signal", 'e', ARG_NEED, "signal" },
		{ "--status", 'e', ARG_NEED, "status" }, { "--quiet", 'q', ARG_MAY, NULL },
		{ "--decode-fds", 'y', ARG_MAY, NULL }, { "--follow-forks", 'f', ARG_NONE, NULL },
		{ "--summary-only", 'c', ARG_NONE, NULL }, { "--summary", 'C', ARG_NONE, NULL },
		{ "--absolute-timestamps", 't', ARG_NONE, NULL },
		{ "--summary-wall-clock", 'w', ARG_NONE, NULL },
		{ "--syscall-times", 'T', ARG_MAY, NULL }, { "--relative-timestamps", 'r', ARG_MAY, NULL },
		{ "--syscall-number", 'n', ARG_NONE, NULL }, { "--always-show-pid", 'P', ARG_NONE, NULL },
		{ "--strings-in-hex", 'x', ARG_MAY, NULL }, { "--successful-only", 'z', ARG_NONE, NULL },
		{ "--failed-only", 'Z', ARG_NONE, NULL }, { "--attach", 'p', ARG_NEED, NULL },
		{ "--inject", 'e', ARG_NEED, "inject" }, { "--fault", 'e', ARG_NEED, "fault" },
		{ "--output-separately", 'F', ARG_NONE, NULL },
	};
	const char *a = argv[0];

	for (size_t k = 0; k < sizeof longs / sizeof longs[0]; k++) {
		size_t n = tv_strlen(longs[k].name);
		if (tv_strncmp(a, longs[k].name, n) || (a[n] && a[n] != '='))
			continue;
		const char *val = a[n] == '=' ? a + n + 1 : NULL;
		int used = 1;
		if (val && longs[k].arg == ARG_NONE)
			return usage_error("option '%s' takes no argument", a);
		if (!val && longs[k].arg == ARG_NEED) {
			if (argc < 2)
				return usage_error("option '%s' needs an argument", a);
			val = argv[1], used = 2;
		}
		/* The bare forms: --strings-in-hex is -xx, --decode-fds is -y. */
		if (!val && longs[k].as == 'x')
			val = "all";
		int r = longs[k].key ? qualify(longs[k].key, tv_strlen(longs[k].key), val)
				     : apply(longs[k].as, val);
		return r ? -1 : used;
	}
	return 0;
}

/* Long options, then clusters of short ones ("-ftt", "-s64", "-o f"). */
static int option(int argc, char **argv)
{
	const char *a = argv[0];

	if (!tv_strcmp(a, "--tv-trace-detached")) {
		detached = 1;
		return 1;
	}

	if (a[0] == '-' && a[1] == '-')
		return long_option(argc, argv);
	if (a[0] != '-' || !a[1])
		return 0;
	for (int i = 1; a[i]; i++) {
		char c = a[i], o[3] = { '-', c, 0 };
		if (c == 'p')
			no_attach();
		if (tv_strchr("ose", c)) {
			const char *val = a[i + 1] ? a + i + 1 : NULL;
			int used = 1;
			if (!val && argc < 2)
				return usage_error("option '%s' needs an argument", o);
			if (!val)
				val = argv[1], used = 2;
			return apply(c, val) ? -1 : used;
		}
		int r = tv_strchr("fcCtwnzZTrqxy", c) ? apply(c, NULL) : 1;
		if (r < 0)
			return -1;
		if (r > 0 && i == 1)
			return 0;	/* not ours: "unknown option" */
		if (r > 0)
			return usage_error("unknown option '%s'", o);
	}
	return 1;
}

/* -t shows local time: the offset of the zone (TZ, else /etc/localtime)
 * now, from its TZif file.  A later DST change is not followed. */
static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static long tzif_offset(const unsigned char *b, size_t n, int64_t now)
{
	if (n < 44 || tv_strncmp((const char *)b, "TZif", 4))
		return 0;
	size_t off = 0, tsize = 4;
	if (b[4] >= '2') {
		uint32_t isut = be32(b + 20), isstd = be32(b + 24), leap = be32(b + 28),
			 timecnt = be32(b + 32), typecnt = be32(b + 36), charcnt = be32(b + 40);
		off = 44 + (size_t)timecnt * 5 + (size_t)typecnt * 6 + charcnt + (size_t)leap * 8 +
		      isstd + isut;
		tsize = 8;
		if (off + 44 > n || tv_strncmp((const char *)b + off, "TZif", 4))
			return 0;
	}
	uint32_t timecnt = be32(b + off + 32), typecnt = be32(b + off + 36);
	const unsigned char *times = b + off + 44, *idx = times + (size_t)timecnt * tsize,
			    *types = idx + timecnt;
	if (!typecnt || types + (size_t)typecnt * 6 > b + n)
		return 0;
	unsigned type = 0;
	for (uint32_t i = 0; i < timecnt; i++) {
		int64_t t = tsize == 8 ? (int64_t)((uint64_t)be32(times + 8 * i) << 32 | be32(times + 8 * i + 4))
				       : (int64_t)(int32_t)be32(times + 4 * i);
		if (t > now)
			break;
		type = idx[i];
	}
	if (type >= typecnt)
		return 0;
	return (long)(int32_t)be32(types + 6 * type);
}

static long read_file(const char *path, unsigned char *buf, size_t cap)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0, 0, 0);
	long got = 0;
	if (fd < 0)
		return fd;
	while ((size_t)got < cap) {
		long r = sys(__NR_read, fd, (long)(buf + got), (long)(cap - (size_t)got), 0, 0, 0);
		if (r <= 0)
			break;
		got += r;
	}
	sys(__NR_close, fd, 0, 0, 0, 0, 0);
	return got;
}

static void load_timezone(void)
{
	size_t cap = 1 << 16;
	unsigned char *b = tv_malloc(cap);
	char path[512] = "/etc/localtime";

	if (!b)
		return;
	long n = read_file("/proc/self/environ", b, cap - 1);
	for (long i = 0; n > 0 && i < n;) {
		const char *e = (const char *)b + i;
		size_t len = tv_strlen(e);
		if (!tv_strncmp(e, "TZ=", 3)) {
			const char *tz = e[3] == ':' ? e + 4 : e + 3;
			if (!*tz || !tv_strcmp(tz, "UTC") || !tv_strcmp(tz, "UTC0") || !tv_strcmp(tz, "GMT"))
				path[0] = 0;
			else if (*tz == '/')
				tv_snprintf(path, sizeof path, "%s", tz);
			else
				tv_snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
		}
		i += (long)len + 1;
	}
	if (path[0]) {
		n = read_file(path, b, cap);
		if (n > 0)
			tz_offset = tzif_offset(b, (size_t)n, (int64_t)(now_ns(CLOCK_REALTIME) / 1000000000u));
	}
	tv_free(b);
}

static int reopen_output(void)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)opt.outfile, O_WRONLY | O_APPEND | O_CREAT, 0666,
		      0, 0);
	if (fd < 0)
		return -1;
	out_fd = move_high((int)fd, 0);
	persist_header(0, NULL);
	return 0;
}

/* This image was started by the guest's execve, whose line and -c count
 * the image before left in the state fd (p): that execve succeeded. */
static void resume_exec(int fd, const struct persist *p)
{
	out_failed = (int)p->out_failed;
	last_lead = p->last_lead;
	if (opt.summary && p->exec_traced && (opt.status & CS_SUCCESSFUL))
		__atomic_fetch_add(&counts[__NR_execve].calls, 1, __ATOMIC_RELAXED);
	if (p->exec_len && p->exec_len < PERSIST_EXEC_CAP && opt.lines) {
		struct thr *t = thread_get(main_pid);
		struct sb *e = t ? &t->entry : NULL;
		if (e && sb_reserve(e, p->exec_len) == 0 &&
		    sys(__NR_pread64, fd, (long)e->p, p->exec_len, PERSIST_EXEC_OFF, 0, 0) ==
			    (long)p->exec_len) {
			e->len = p->exec_len;
			t->c.nr = __NR_execve;
			t->c.ret = 0;
			t->c.done = 1;
			t->c.dur = p->exec_t0 ? now_ns(CLOCK_MONOTONIC) - p->exec_t0 : 0;
			t->lead = p->exec_lead;
			t->tail.len = 0;
			write_line(t);
		}
	}
	/* A state of our own from here: that one may be a vfork parent's. */
	close_fd(&fd);
	new_state();
}

/* -c: the shared counts an image before made (fd), or new ones. */
static void map_shared(int fd)
{
	long m = sys(__NR_mmap, 0, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (is_err(m))
		return;
	if (tv_strncmp(((struct shared *)m)->magic, SHARED_MAGIC, sizeof SHARED_MAGIC)) {
		sys(__NR_munmap, m, sizeof *shared, 0, 0, 0, 0);
		return;
	}
	shared = (struct shared *)m;
	shared_fd = fd;
	counts = shared->counts;
}

static void new_shared(void)
{
	long fd = sys(__NR_memfd_create, (long)"tvisor-trace-counts", 0, 0, 0, 0, 0);
	if (fd < 0)
		return;		/* counts of our own: a child's are lost */
	long m = sys(__NR_ftruncate, fd, sizeof *shared, 0, 0, 0, 0);
	if (m == 0)
		m = sys(__NR_mmap, 0, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (is_err(m)) {
		sys(__NR_close, fd, 0, 0, 0, 0, 0);
		return;
	}
	shared = (struct shared *)m;
	tv_memcpy(shared->magic, SHARED_MAGIC, sizeof SHARED_MAGIC);
	shared->root_pid = main_pid;
	counts = shared->counts;
	shared_fd = move_high((int)fd, 0);
}

/* A program run by a process we do not follow: no trace, and none of
 * our descriptors. */
static void start_detached(int fd, const struct persist *p)
{
	int out = p->out_fd, counts_fd = p->shared_fd;

	close_fd(&out);
	close_fd(&counts_fd);
	close_fd(&fd);
	finished = 1;
}

/* -ff: PREFIX made absolute, from the cwd at start. */
static int set_prefix(void)
{
	size_t n = tv_strlen(opt.outfile);
	long len = 0;

	if (opt.outfile[0] != '/') {
		len = sys(__NR_getcwd, (long)ff_prefix, sizeof ff_prefix, 0, 0, 0, 0);
		if (len < 0) {
			tv_dprintf(2, "%s: -ff: cannot find the directory of '%s': %s\n", TOOL,
				   opt.outfile, tv_strerror((int)-len));
			return -1;
		}
		len--;		/* getcwd counts the NUL */
		ff_prefix[len++] = '/';
	}
	if ((size_t)len + n >= sizeof ff_prefix) {
		tv_dprintf(2, "%s: -ff: '%s': %s\n", TOOL, opt.outfile, tv_strerror(ENAMETOOLONG));
		return -1;
	}
	tv_memcpy(ff_prefix + len, opt.outfile, n + 1);
	return 0;
}

static int start(void)
{
	struct persist p;

	main_pid = (int)sys(__NR_getpid, 0, 0, 0, 0, 0, 0);
	if (!opt.have_set)
		for (int i = 0; i < NR_TABLE; i++)
			selected[i] = 1;
	if (opt.stamps && opt.stamps < 3)
		load_timezone();

	separate = opt.follow > 1 && opt.outfile;
	if (separate && opt.summary) {
		tv_dprintf(2, "%s: (-c/--summary-only or -C/--summary) and -ff/--output-separately "
			   "are mutually exclusive\n", TOOL);
		return 1;
	}
	if (separate && set_prefix() < 0)
		return 1;

	/* After the guest's execve: the descriptors of the image before. */
	int fd = find_state(&p);
	if (detached) {
		if (fd >= 0)
			start_detached(fd, &p);
		finished = 1;
		return 0;
	}
	if (fd >= 0 && (separate || sys(__NR_fcntl, p.out_fd, F_GETFD, 0, 0, 0, 0) >= 0)) {
		out_fd = p.out_fd;
		if (separate)
			ff_begin(main_pid);	/* this process's file goes on */
		if (opt.summary && p.shared_fd >= 0)
			map_shared(p.shared_fd);
		if (p.pid == main_pid) {
			resume_exec(fd, &p);
			return 0;
		}
		/* A child's new image: same output, state of its own. */
		sys(__NR_close, fd, 0, 0, 0, 0, 0);
		new_state();
		return 0;
	}

	long o;
	if (separate) {
		/* No file PREFIX itself, as in strace. */
		o = ff_start(main_pid);
		if (o < 0) {
			tv_dprintf(2, "%s: cannot open '%s': %s\n", TOOL, ff_path, tv_strerror((int)-o));
			return 1;
		}
		new_state();
		return 0;
	}
	if (opt.outfile) {
		o = sys(__NR_openat, AT_FDCWD, (long)opt.outfile, O_WRONLY | O_CREAT | O_TRUNC, 0666, 0, 0);
		if (o < 0) {
			tv_dprintf(2, "%s: cannot open '%s': %s\n", TOOL, opt.outfile, tv_strerror((int)-o));
			return 1;
		}
	} else {
		o = sys(__NR_fcntl, 2, F_DUPFD, 3, 0, 0, 0);
		if (o < 0)
			o = 2;
	}
	out_fd = o == 2 ? 2 : move_high((int)o, 0);
	if (opt.summary)
		new_shared();
	new_state();
	return 0;
}

/* Only the selected calls are trapped, plus those the tool itself needs:
 * exit and exit_group (the exit status when lines were lost), clone and
 * clone3 (new threads, for -f), dup2/dup3/close_range (our descriptors). */
static const int *syscall_set(void)
{
	static int list[NR_TABLE + 16];
	int n = 0, all = 1;

	for (int i = 0; i < NR_TABLE; i++)
		all &= selected[i];
	if (all)
		return NULL;
	for (int i = 0; i < NR_TABLE; i++)
		if ((selected[i] || injects[i]) && tv_syscall_name(i))
			list[n++] = i;
	list[n++] = __NR_exit;
	list[n++] = __NR_exit_group;
	list[n++] = __NR_clone;
	list[n++] = __NR_clone3;
	list[n++] = __NR_dup3;
#ifdef __NR_dup2
	list[n++] = __NR_dup2;
#endif
	list[n++] = __NR_close_range;
	list[n] = -1;
	return list;
}

TV_TOOL(.name = TOOL,
	.summary = "Trace the system calls of PROGRAM, as strace does.",
	.usage = "  -o FILE              write the trace to FILE instead of stderr\n"
		 "  -e trace=SET         trace only SET: names, %file %desc %process %network\n"
		 "                       %signal %memory %ipc %creds %clock %stat..., all, none;\n"
		 "                       !SET traces all others\n"
		 "  -e signal=SET        show only these signals (USR1,SIGTERM,...; !SET)\n"
		 "  -e status=SET        show only calls that are successful, failed, unfinished\n"
		 "  -z, -Z               show only calls that succeed; that fail\n"
		 "  -e quiet=SET         no messages of SET (exit: the +++ exited lines)\n"
		 "  -e inject=SET:OPT... tamper with the calls of SET; OPT: error=ENOENT,\n"
		 "                       retval=N, signal=SIG, delay_enter=T, delay_exit=T\n"
		 "                       (T: 10, 1.5ms, 2s...), when=FIRST[..LAST][+[STEP]]\n"
		 "  -e fault=SET[:error=E][:when=EXPR]  inject=, error=ENOSYS by default\n"
		 "  -f                   trace every thread, with [pid N] when there are several\n"
		 "  -ff                  with -o PREFIX: each thread's trace in PREFIX.TID\n"
		 "  -c                   count time, calls and errors; a table at the end\n"
		 "  -C                   like -c, and the trace too\n"
		 "  -s N                 show at most N bytes of strings [32]\n"
		 "  -x, -xx              non-ASCII strings in hex; all strings in hex\n"
		 "  -y, -yy              paths of descriptors; and socket ends, devices\n"
		 "  -t, -tt, -ttt        time of day; with microseconds; since the epoch\n"
		 "  -r                   time since the previous line\n"
		 "  -T                   time spent in each call, <0.000012>\n"
		 "  -n                   the call's number, [ 39]\n"
		 "  --always-show-pid    every line starts with the thread id\n"
		 "  -q, -qq              -qq: no \"+++ exited\" lines\n"
		 "  (no -p: a running process cannot be attached; run PROGRAM under this tracer)\n",
	.syscalls = NULL,
	.option = option,
	.start = start,
	.syscall_set = syscall_set,
	.enter = on_enter,
	.exit = on_exit,
	.exec_options = exec_options,
	.signal = on_signal,
	.thread_exit = on_thread_exit,
	.fork_parent = on_fork_parent,
	.fork_child = on_fork_child,
	.process_exit = on_process_exit);
