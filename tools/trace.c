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
 * How calls, arguments, results and signals are written is the decoder's
 * business (decode/decode.h); this file is the tool: options, hooks,
 * threads and their lines, and what crosses an execve.
 *
 * Everything runs without a libc: the tv_* runtime of tvisor.h, the
 * kernel's UAPI headers, and the raw system calls tv_syscall6() makes. */
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/time.h>
#include <linux/resource.h>
#include <linux/signal.h>
#include "tvisor.h"
#include "decode/decode.h"

#define TOOL "tvisor-trace"

#define NR_TABLE 1024		/* the monitor's own bound on syscall numbers */
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

static struct {
	int follow;		/* -f: every thread, not only the first; 2: -ff */
	int summary;		/* -c / -C */
	int lines;		/* print call lines (not with -c alone) */
	int stamps;		/* -t, -tt, -ttt */
	int times;		/* -T: digits of the time in the call, -1 without -T */
	int relative;		/* -r: digits of the time since the last line, -1 without */
	int numbers;		/* -n: "[ 39] " before the name */
	int always_pid;		/* --always-show-pid */
	unsigned status;	/* -e status=, -z, -Z: CS_* shown */
	uint64_t signals;	/* -e signal=: bit N-1 for signal N shown */
	unsigned quiet;		/* -q, -e quiet=: Q_* */
	const char *outfile;	/* -o */
	int have_set;		/* some -e trace= was given */
} opt = { .lines = 1, .times = -1, .relative = -1, .status = CS_ALL,
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

/* Writes all of buf to the output; an error drops the rest of buf and is
 * reported. */
static void emit(const char *buf, size_t len)
{
	long r = tv_write_all(out_fd, buf, len);
	/* Closed behind our back (nothing was written): append. */
	if (r == -EBADF && opt.outfile && reopen_output() == 0)
		r = tv_write_all(out_fd, buf, len);
	if (r < 0)
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
	long r = fd < 0 ? fd : tv_write_all((int)fd, buf, len);
	if (fd >= 0)
		sys(__NR_close, fd, 0, 0, 0, 0, 0);
	if (r < 0)
		output_failed(r);
}

/* One call as the tool sees it. */
struct call {
	struct dc_call d;	/* what the decoder shows */
	int injected;	/* ret came from -e inject=, the call did not run */
	int delayed;	/* -e inject= delayed it */
	uint64_t dur;	/* -T, -c: nanoseconds from entry to return */
};

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
	struct dc_out entry;		/* "NAME(ARGS, " of the current call */
	struct dc_out tail;			/* the rest, built by exit() */
	uint64_t t0;			/* -c, -T: when the call started */
	struct lead lead;		/* of the line of the current call */
	unsigned *invocations;		/* -e inject=: calls seen, by number */
	const struct inject *on_return;	/* -e inject=: what to do when this call returns */
};

#define HASH 256
static struct thr *threads[HASH];	/* by tid, under the lock */
static int nthreads;
static struct thr *pend_head, *pend_tail;
static struct dc_out outbuf;		/* the line being written, under the lock */
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
	t->c.d.nr = -1;
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
	dc_free(&t->entry);
	dc_free(&t->tail);
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
	return t ? t->c.d.nr : -1;
}

/* Seconds with digits after the point (-r and -T: 0, 3, 6 or 9). */
static void put_secs(struct dc_out *o, uint64_t ns, int digits, int width)
{
	unsigned long scale = 1;
	for (int i = digits; i < 9; i++)
		scale *= 10;
	dc_printf(o, "%*lu", width, (unsigned long)(ns / 1000000000u));
	if (digits)
		dc_printf(o, ".%0*lu", digits, (unsigned long)(ns % 1000000000u) / scale);
}

static void put_stamp(struct dc_out *o, uint64_t ns)
{
	unsigned long sec = (unsigned long)(ns / 1000000000u), usec = (unsigned long)(ns % 1000000000u) / 1000;
	if (opt.stamps >= 3) {
		dc_printf(o, "%lu.%06lu ", sec, usec);
		return;
	}
	unsigned long day = (unsigned long)((long)sec + tz_offset) % 86400;
	dc_printf(o, "%02lu:%02lu:%02lu", day / 3600, day / 60 % 60, day % 60);
	if (opt.stamps == 2)
		dc_printf(o, ".%06lu", usec);
	dc_putc(o, ' ');
}

/* strace's leader: with -o and -f (or --always-show-pid) every line
 * starts with the pid; on stderr, "[pid N] " once there is more than one
 * thread.  Then the time of day (-t), the time since the last leader
 * (-r: "(+S.U) " after -t) and the call's number (-n). */
static void put_prefix(struct dc_out *o, int tid, const struct lead *l)
{
	if ((opt.outfile && opt.follow && !separate) || opt.always_pid)
		dc_printf(o, "%-5d ", tid);
	else if (nthreads > 1 && opt.follow && !separate)
		dc_printf(o, "[pid %5d] ", tid);
	if (opt.stamps)
		put_stamp(o, l->stamp);
	if (opt.relative >= 0) {
		dc_puts(o, opt.stamps ? "(+" : "");
		put_secs(o, l->rel, opt.relative, 6);
		dc_puts(o, opt.stamps ? ") " : " ");
	}
	if (opt.numbers && l->nr >= 0)
		dc_printf(o, "[%4ld] ", l->nr);
	else if (opt.numbers)
		dc_puts(o, "[?] ");
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
	unsigned st = c->d.nr == __NR_rt_sigreturn ? CS_SUCCESSFUL
		      : !c->d.done ? CS_UNFINISHED : is_err(c->d.ret) ? CS_FAILED : CS_SUCCESSFUL;
	return (opt.status & st) != 0;
}

/* Pads to strace's result column (40) and adds "= " and the result, and
 * with -T the time spent in the call. */
static void put_tail(struct dc_out *o, const struct call *c)
{
	if (o->len < 40) {
		static const char spaces[] = "                                        ";
		dc_putn(o, spaces, 40 - o->len);
	} else {
		dc_putc(o, ' ');
	}
	dc_puts(o, "= ");
	dc_put_result(o, &c->d);
	if (c->injected)
		dc_puts(o, " (INJECTED)");
	if (c->delayed)
		dc_puts(o, " (DELAYED)");
	if (opt.times >= 0 && c->d.done && dc_returns(c->d.nr)) {
		dc_puts(o, " <");
		put_secs(o, c->dur, opt.times, 0);
		dc_putc(o, '>');
	}
	dc_putc(o, '\n');
}

/* Under the lock: the first part of a call still blocked, written now
 * because a line comes before its end: "NAME(ARGS <unfinished ...>".  With
 * -e status= lines are only written whole, so this is for a call the
 * process's end cuts: strace ends it with ") = ?". */
static void write_cut(struct thr *p)
{
	outbuf.len = 0;
	put_prefix(&outbuf, p->tid, &p->lead);
	dc_putn(&outbuf, p->entry.p, p->entry.len);
	dc_puts(&outbuf, " <unfinished ...>");
	if (filtering()) {
		dc_putc(&outbuf, ')');
		put_tail(&outbuf, &p->c);
	} else {
		dc_putc(&outbuf, '\n');
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
	tv_lock(&big_lock);
	if (!finished && shown(&t->c)) {
		flush_pending(t);
		outbuf.len = 0;
		if (t->state == ST_SHOWN) {
			struct lead l;
			lead_now(&l, t->c.d.nr);
			put_prefix(&outbuf, t->tid, &l);
			dc_puts(&outbuf, "<... ");
			dc_put_name(&outbuf, t->c.d.nr);
			dc_puts(&outbuf, " resumed>");
		} else {
			put_prefix(&outbuf, t->tid, &t->lead);
			dc_putn(&outbuf, t->entry.p, t->entry.len);
		}
		dc_putn(&outbuf, t->tail.p, t->tail.len);
		put_tail(&outbuf, &t->c);
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
	dc_puts(&outbuf, text);
	emit_line(tid, outbuf.p, outbuf.len);
}

/* ------------------------------------------------------------------ */
/* -c: the summary table.                                              */

static void put_fixed(struct dc_out *o, int width, unsigned long whole, unsigned long frac,
		      int digits)
{
	char t[48];
	int n = tv_snprintf(t, sizeof t, "%lu.%0*lu", whole, digits, frac);
	if (n < width)
		dc_printf(o, "%*s", width - n, "");
	dc_puts(o, t);
}

static void summary(void)
{
	static int order[NR_TABLE];
	int n = 0, width = 16;
	uint64_t total_ns = 0, total_calls = 0, total_err = 0;
	struct dc_out o = { 0 };

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
	dc_puts(&o, "% time     seconds  usecs/call     calls    errors syscall\n");
	dc_printf(&o, "------ ----------- ----------- --------- --------- %s\n", dashes);
	for (int i = 0; i < n; i++) {
		const struct count *ct = &counts[order[i]];
		unsigned long pct = total_ns ? (unsigned long)((ct->ns * 10000 + total_ns / 2) / total_ns) : 0;
		unsigned long us = (unsigned long)(ct->ns / 1000);
		put_fixed(&o, 6, pct / 100, pct % 100, 2);
		dc_putc(&o, ' ');
		put_fixed(&o, 11, us / 1000000, us % 1000000, 6);
		dc_printf(&o, " %11lu %9lu ", us / (unsigned long)ct->calls, (unsigned long)ct->calls);
		if (ct->errors)
			dc_printf(&o, "%9lu ", (unsigned long)ct->errors);
		else
			dc_puts(&o, "          ");
		dc_put_name(&o, order[i]);
		dc_putc(&o, '\n');
	}
	unsigned long us = (unsigned long)(total_ns / 1000);
	dc_printf(&o, "------ ----------- ----------- --------- --------- %s\n", dashes);
	dc_puts(&o, "100.00 ");
	put_fixed(&o, 11, us / 1000000, us % 1000000, 6);
	dc_printf(&o, " %11lu %9lu ", total_calls ? us / (unsigned long)total_calls : 0,
		  (unsigned long)total_calls);
	if (total_err)
		dc_printf(&o, "%9lu ", (unsigned long)total_err);
	else
		dc_puts(&o, "          ");
	dc_puts(&o, "total\n");
	emit(o.p, o.len);
	dc_free(&o);
}

/* As strace counts: only the calls whose status is shown (-c -Z counts
 * the failed ones). */
static void count_call(const struct call *c)
{
	if (!opt.summary || c->d.nr < 0 || c->d.nr >= NR_TABLE || !shown(c))
		return;
	struct count *ct = &counts[c->d.nr];
	__atomic_fetch_add(&ct->calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&ct->ns, c->dur, __ATOMIC_RELAXED);
	if (is_err(c->d.ret))
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
		dc_puts(&outbuf, "--- ");
		dc_put_signame(&outbuf, s->signo, 1);
		dc_putc(&outbuf, ' ');
		dc_put_siginfo(&outbuf, s);
		dc_puts(&outbuf, " ---\n");
		emit_line(s->tid, outbuf.p, outbuf.len);
	}
	/* (A child that shares our memory is not the process we trace.) */
	if (s->fatal && sys(__NR_getpid, 0, 0, 0, 0, 0, 0) == main_pid) {
		struct dc_out note = { 0 };
		dc_puts(&note, "+++ killed by ");
		dc_put_signame(&note, s->signo, 1);
		dc_puts(&note, dumps_core(s->signo) ? " (core dumped) +++\n" : " +++\n");
		process_end(s->tid, signal_shown(s->signo) ? note.p : NULL);
		dc_free(&note);
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
		struct dc_out line = { 0 };
		dc_putn(&line, t->entry.p, t->entry.len);
		dc_format_exit(&line, &t->c.d, t->stop);
		if (line.len < PERSIST_EXEC_CAP) {
			persist_write(PERSIST_EXEC_OFF, line.p, line.len);
			len = (uint32_t)line.len;
		}
		dc_free(&line);
	}
	persist_header(len, t);
}

static int traced(const struct tv_call *c)
{
	return c->nr >= 0 && c->nr < NR_TABLE && selected[c->nr] &&
	       (opt.follow || c->tid == main_pid);
}

/* A call that never returns to us: written whole now, with "= ?". */
static void write_now(struct thr *t)
{
	t->tail.len = 0;
	dc_format_exit(&t->tail, &t->c.d, t->stop);
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

/* rt_sigreturn never returns to us: what strace shows of it, the mask
 * its frame restores and the value it puts back, comes from the frame. */
static void sigreturn_frame(struct dc_call *d, const struct tv_call *c)
{
	uint64_t mask;
	long ret;

	if (tv_sigreturn_frame(c->sp, &mask, &ret) == 0) {
		d->a[0] = (long)mask;
		d->cap[0] = 0;
		d->ret = ret;
	}
}

static enum tv_verdict on_enter(struct tv_call *c)
{
	long answer;
	struct thr *t = NULL;

	c->tool_data = NULL;
	if (__atomic_load_n(&finished, __ATOMIC_RELAXED))
		return TV_RUN;
	if (traced(c)) {
		t = thread_get(c->tid);
		if (t) {
			t->c.d.nr = c->nr;
			tv_memcpy(t->c.d.a, c->args, sizeof t->c.d.a);
			t->c.d.done = 0;
			t->c.injected = 0;
			t->c.delayed = 0;
			dc_capture(&t->c.d);
			if (c->nr == __NR_rt_sigreturn)
				sigreturn_frame(&t->c.d, c);
			if (opt.lines) {
				lead_now(&t->lead, c->nr);
				t->entry.len = 0;
				t->stop = dc_format_entry(&t->entry, &t->c.d);
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

	if (t && (answered || !dc_returns(c->nr))) {
		/* Finished here: the guard's answer, or a call with no return
		 * (rt_sigreturn's value is its frame's, when readable). */
		int frame = !answered && c->nr == __NR_rt_sigreturn && t->c.d.cap[0] >= 0;
		t->c.d.ret = answered ? answer : frame ? t->c.d.ret : 0;
		t->c.d.done = answered || frame;
		t->c.dur = 0;
		if (answered)
			count_call(&t->c);
		if (opt.lines)
			write_now(t);
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

/* The pid of a child that a successful wait c reaped after SIGKILL ended
 * it, else 0.  (waitid with WNOWAIT leaves it to a later wait.) */
static int reaped_sigkilled(const struct tv_call *c)
{
	int status;
	struct { int signo, errno_value, code, pad, pid, uid, status; } si;

	if (c->nr == __NR_wait4 && c->ret > 0 && c->args[1] &&
	    tv_mem_read(&status, (uintptr_t)c->args[1], sizeof status) == 0 &&
	    (status & 0x7f) == SIGKILL)
		return (int)c->ret;
	if (c->nr == __NR_waitid && c->ret == 0 && c->args[2] && !(c->args[3] & 0x01000000) &&
	    tv_mem_read(&si, (uintptr_t)c->args[2], sizeof si) == 0 && si.signo == SIGCHLD &&
	    si.code == 2 /* CLD_KILLED */ && si.status == SIGKILL)
		return si.pid;
	return 0;
}

/* A process that SIGKILL ends can say nothing: with -f, its "+++ killed
 * by SIGKILL +++" comes from the parent that reaps it, before the wait's
 * own line, where strace has it.  (Nothing, if no traced process reaps
 * it.) */
static void note_sigkilled(const struct tv_call *c)
{
	int pid = opt.follow && opt.lines && !(opt.quiet & Q_EXIT) ? reaped_sigkilled(c) : 0;

	if (pid <= 0)
		return;
	tv_lock(&big_lock);
	if (!finished)
		write_note(pid, "+++ killed by SIGKILL +++\n");
	thread_remove(pid);
	tv_unlock(&big_lock);
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
	note_sigkilled(c);
	if (!t)
		return;
	t->c.d.ret = c->ret;
	t->c.d.done = 1;
	t->c.dur = t->t0 ? now_ns(CLOCK_MONOTONIC) - t->t0 : 0;
	count_call(&t->c);
	if ((c->nr == __NR_execve || c->nr == __NR_execveat) && state_fd >= 0)
		persist_header(0, NULL);
	if (opt.lines) {
		t->tail.len = 0;
		dc_format_exit(&t->tail, &t->c.d, t->stop);
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
	{ "file", DC_CL_FILE }, { "desc", DC_CL_DESC }, { "network", DC_CL_NETWORK },
	{ "net", DC_CL_NETWORK }, { "process", DC_CL_PROCESS }, { "signal", DC_CL_SIGNAL },
	{ "memory", DC_CL_MEMORY }, { "ipc", DC_CL_IPC }, { "creds", DC_CL_CREDS },
	{ "clock", DC_CL_CLOCK }, { "stat", DC_CL_STAT }, { "lstat", DC_CL_LSTAT },
	{ "fstat", DC_CL_FSTAT }, { "%stat", DC_CL_STAT | DC_CL_LSTAT | DC_CL_FSTAT },
	{ "statfs", DC_CL_STATFS }, { "fstatfs", DC_CL_FSTATFS },
	{ "%statfs", DC_CL_STATFS | DC_CL_FSTATFS },
};

/* A set of calls, as -e trace= and -e inject= name them: names, numbers,
 * %classes, all, none; "!" in front negates the whole set, "?" in front
 * of a name forgives an unknown one.  set[nr] becomes 1 for the members. */
static int parse_set(const char *spec, unsigned char *set)
{
	int neg = 0;

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
			for (int i = 0; i < NR_TABLE; i++)
				if (dc_classes(i) & cls)
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
	struct dc_out b = { 0 };

	if (tv_parse_ulong(name, &n) == 0)
		return n >= 1 && n <= 64 ? 1ull << (n - 1) : 0;
	if ((name[0] == 's' || name[0] == 'S') && (name[1] == 'i' || name[1] == 'I') &&
	    (name[2] == 'g' || name[2] == 'G'))
		name += 3;
	for (n = 1; n <= 64; n++) {
		b.len = 0;
		dc_put_signame(&b, (long)n, 0);
		if (b.p && eq_nocase(b.p, name))
			break;
	}
	dc_free(&b);
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
		{ "path", DC_FD_PATH }, { "socket", DC_FD_SOCKET }, { "dev", DC_FD_DEV }, { NULL, 0 },
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
		r = parse_named(val, "decode-fds", fds_bits, DC_FD_ALL, &set);
		dc_config.fds = (unsigned)set;
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
			dc_config.hex = i;
			return 0;
		}
	}
	return usage_error("invalid --strings-in-hex argument '%s'", v);
}

/* -X, --xlat-style=: abbrev, raw, verbose (in DC_XLAT_* order). */
static int parse_xlat(const char *v)
{
	static const char *const styles[] = { "abbrev", "raw", "verbose" };
	for (int i = 0; i < 3; i++) {
		if (!tv_strcmp(v, styles[i])) {
			dc_config.xlat = i;
			return 0;
		}
	}
	return usage_error("invalid xlat style '%s'", v);
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
	dc_config.strsize = n;
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
	case 'v': dc_config.verbose = 1; return 0;
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
	case 'X': return parse_xlat(val);
	case 'x':
		if (val)
			return parse_hex(val);
		dc_config.hex = dc_config.hex >= DC_HEX_NON_ASCII ? DC_HEX_ALL : DC_HEX_NON_ASCII;
		return 0;
	case 'y':
		if (val)
			return qualify("decode-fds", 10, val);
		dc_config.fds = dc_config.fds ? DC_FD_ALL : DC_FD_PATH;
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
		{ "--no-abbrev", 'v', ARG_NONE, NULL },
		{ "--strings-in-hex", 'x', ARG_MAY, NULL }, { "--successful-only", 'z', ARG_NONE, NULL },
		{ "--failed-only", 'Z', ARG_NONE, NULL }, { "--attach", 'p', ARG_NEED, NULL },
		{ "--inject", 'e', ARG_NEED, "inject" }, { "--fault", 'e', ARG_NEED, "fault" },
		{ "--output-separately", 'F', ARG_NONE, NULL }, { "--xlat-style", 'X', ARG_NEED, NULL },
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
		if (tv_strchr("oseX", c)) {
			const char *val = a[i + 1] ? a + i + 1 : NULL;
			int used = 1;
			if (!val && argc < 2)
				return usage_error("option '%s' needs an argument", o);
			if (!val)
				val = argv[1], used = 2;
			return apply(c, val) ? -1 : used;
		}
		int r = tv_strchr("fcCtwnzZTrqxyv", c) ? apply(c, NULL) : 1;
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
		struct dc_out *e = t ? &t->entry : NULL;
		if (e && dc_reserve(e, p->exec_len) == 0 &&
		    sys(__NR_pread64, fd, (long)e->p, p->exec_len, PERSIST_EXEC_OFF, 0, 0) ==
			    (long)p->exec_len) {
			e->len = p->exec_len;
			t->c.d.nr = __NR_execve;
			t->c.d.ret = 0;
			t->c.d.done = 1;
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
	dc_config.hidden_fd = is_ours;	/* -y shows them as not open */
	if (!opt.have_set)
		for (int i = 0; i < NR_TABLE; i++)
			selected[i] = 1;
	if ((opt.stamps && opt.stamps < 3) || dc_config.verbose)
		load_timezone();
	dc_config.tz_offset = tz_offset;

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
		 "  -v                   stat structures and the environment in full\n"
		 "  -X raw|abbrev|verbose  constants of the arguments as numbers, names\n"
		 "                       (the default) or both: 0x3 /* PROT_READ|PROT_WRITE */\n"
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
