/* Guest threads' regions, and the pairing: a kernel thread K made for a
 * guest thread G, at its first use, when the tool's hooks must run away
 * from G (--pair, tv_tool.pair, or an enter() hook that answers TV_DEFER).
 * G posts the hook in their channel and waits; K runs it and posts the
 * reply.  The call itself always runs on G. */
#include <linux/mman.h>
#include <linux/sched.h>
#include <linux/futex.h>
#include <linux/errno.h>
#include "monitor.h"

/* How long a waiter spins before it sleeps on the futex.  A spin avoids
 * two futex calls and a cross-CPU wake-up when the partner answers within
 * it; on a single CPU it only delays the partner, so there it is zero.
 * Set once by tv_spin_calibrate. */
#define SPIN_NS 8000
static int spin_iterations;

static long now_ns(void)
{
	struct { long sec, nsec; } ts;
	tv_sys2(__NR_clock_gettime, 1 /* CLOCK_MONOTONIC */, (long)&ts);
	return ts.sec * 1000000000l + ts.nsec;
}

/* The number of cpu_relax() iterations in SPIN_NS, or 0 when this
 * process may use only one CPU. */
void tv_spin_calibrate(void)
{
	unsigned long mask[16] = { 0 };
	int cpus = 0;
	long n = tv_sys3(__NR_sched_getaffinity, 0, sizeof mask, (long)mask);

	for (long i = 0; i < n / (long)sizeof mask[0]; i++)
		cpus += __builtin_popcountl(mask[i]);
	if (cpus < 2)
		return;
	long t0 = now_ns();
	for (int i = 0; i < 1000; i++)
		tv_cpu_relax();
	long per_1000 = now_ns() - t0;
	spin_iterations = per_1000 > 0 ? (int)(SPIN_NS * 1000 / per_1000) : 1000;
}

/* Every thread's region is on one list.  A retired region is reused by
 * the next thread once the kernel no longer knows its guest thread and
 * its K (if it had one) is gone: thread churn does not grow memory, and a
 * thread can end with a plain exit instead of unmapping its own stack. */
static struct tv_thread *threads;
static tv_lock_t threads_lock;

static struct tv_thread *region_alloc(void)
{
	char *region = tv_arena_alloc(REGION_SIZE, REGION_SIZE);

	if (!region)
		return NULL;
	tv_sys3(__NR_mprotect, (long)region, TV_PAGE, PROT_NONE);
	tv_sys3(__NR_mprotect, (long)(region + KSTACK_OFF + KSTACK_SIZE), TV_PAGE, PROT_NONE);
	struct tv_thread *t = (struct tv_thread *)(region + THREAD_OFF);
	t->region = region;
	return t;
}

static void thread_reset(struct tv_thread *t)
{
	void *region = t->region;
	struct tv_thread *next = t->next;

	memset(t, 0, sizeof *t);
	t->region = region;
	t->next = next;
	t->pid = tv_g.pid;
	t->guest_ss_flags = SS_DISABLE;
	t->chan.k_spin = t->chan.g_spin = spin_iterations;
}

/* The kernel no longer runs t's threads: G has left (tgkill finds no such
 * thread in our process; thread ids are not reused while they exist) and
 * K, if any, has too (the kernel cleared k_alive). */
static int region_free(const struct tv_thread *t)
{
	if (!__atomic_load_n(&t->retired, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&t->k_alive, __ATOMIC_ACQUIRE))
		return 0;
	return t->g_tid == 0 || tv_sys3(__NR_tgkill, tv_g.pid, t->g_tid, 0) == -ESRCH;
}

struct tv_thread *tv_thread_new(void)
{
	struct tv_thread *t;

	tv_lock(&threads_lock);
	for (t = threads; t; t = t->next) {
		if (region_free(t))
			break;
	}
	if (!t) {
		t = region_alloc();
		if (t) {
			t->next = threads;
			threads = t;
		}
	}
	if (t)
		thread_reset(t);
	tv_unlock(&threads_lock);
	return t;
}

/* A region whose thread never started, or whose thread is known to be
 * gone (a vfork child's, once the parent resumes), is free again at once. */
void tv_thread_discard(struct tv_thread *t)
{
	t->g_tid = 0;
	__atomic_store_n(&t->retired, 1, __ATOMIC_RELEASE);
}

/* G is about to exit: its region is free once the kernel says G is gone,
 * and its K ends too. */
void tv_thread_retire(struct tv_thread *t)
{
	__atomic_store_n(&t->retired, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&t->k_alive, __ATOMIC_ACQUIRE)) {
		t->chan.op = OP_G_EXITING;
		__atomic_store_n(&t->chan.state, CHAN_REQUEST, __ATOMIC_SEQ_CST);
		tv_futex_wake(&t->chan.state, 1);
	}
}

/* SECCOMP_FILTER_FLAG_TSYNC: every thread of the process takes the
 * caller's filters (the kernel has already made them all trap everything). */
void tv_threads_share_gfilters(struct tv_gfilter *f)
{
	tv_lock(&threads_lock);
	for (struct tv_thread *t = threads; t; t = t->next) {
		if (!t->retired) {
			t->gfilters = f;
			t->trap_all = 1;
		}
	}
	tv_unlock(&threads_lock);
}

/* The live thread tid, or NULL.  What the caller reads of it may change
 * meanwhile: only for reports (/proc status). */
struct tv_thread *tv_thread_find(int tid)
{
	struct tv_thread *t;

	tv_lock(&threads_lock);
	for (t = threads; t; t = t->next) {
		if (!t->retired && t->g_tid == tid)
			break;
	}
	tv_unlock(&threads_lock);
	return t;
}

/* Is tid one of our kernel threads (alive, or about to end)? */
int tv_thread_is_kthread(int tid)
{
	int found = 0;

	tv_lock(&threads_lock);
	for (struct tv_thread *t = threads; t && !found; t = t->next)
		found = t->k_tid == tid && __atomic_load_n(&t->k_alive, __ATOMIC_ACQUIRE);
	tv_unlock(&threads_lock);
	return found;
}

/* In a fork child only the forking thread exists: every other region is a
 * dead copy, free for reuse.  Locks another thread held at fork time are
 * reset. */
void tv_threads_after_fork(struct tv_thread *self)
{
	threads_lock.word = 0;
	for (struct tv_thread *t = threads; t; t = t->next) {
		if (t != self) {
			t->retired = 1;
			t->k_alive = 0;
			t->g_tid = 0;
		}
	}
}

/* Spin for up to *budget iterations for state == want.  The budget
 * adapts, as an adaptive mutex's does: it doubles (up to the calibrated
 * window) when the partner answered within it and halves when it did
 * not.  When the scheduler keeps G and K on one CPU the partner cannot
 * answer while we spin, the budget falls to zero within a few calls, and
 * the hand-off is a plain futex one. */
static int spin_for(struct tv_chan *ch, int want, int *budget)
{
	/* Bit 0..5 of a zero budget's probe count: every 64th wait tries a
	 * short spin again, in case the threads now run on different CPUs. */
	if (*budget <= 0 && (--*budget & 63) == 0)
		*budget = spin_iterations / 8;
	for (int i = 0; i < *budget; i++) {
		if (__atomic_load_n(&ch->state, __ATOMIC_ACQUIRE) == want) {
			int grown = 2 * *budget + 64;
			*budget = grown < spin_iterations ? grown : spin_iterations;
			return 1;
		}
		tv_cpu_relax();
	}
	if (*budget > 0)
		*budget /= 2;
	return __atomic_load_n(&ch->state, __ATOMIC_ACQUIRE) == want;
}

static void sleep_for(struct tv_chan *ch, int want, int *sleeping)
{
	for (;;) {
		int s = __atomic_load_n(&ch->state, __ATOMIC_ACQUIRE);
		if (s == want)
			return;
		__atomic_store_n(sleeping, 1, __ATOMIC_SEQ_CST);
		/* futex_wait rechecks state, so a post after the load above
		 * makes it return at once: no lost wake-up. */
		tv_futex_wait(&ch->state, s);
		__atomic_store_n(sleeping, 0, __ATOMIC_SEQ_CST);
	}
}

static void wait_state(struct tv_chan *ch, int want, int *sleeping, int *budget)
{
	if (!spin_for(ch, want, budget))
		sleep_for(ch, want, sleeping);
}

static void post_state(struct tv_chan *ch, int state, int *partner_sleeping)
{
	__atomic_store_n(&ch->state, state, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(partner_sleeping, __ATOMIC_SEQ_CST))
		tv_futex_wake(&ch->state, 1);
}

/* G's side: post a hook for K and wait for the reply.  Signals for the
 * guest that arrive meanwhile are recorded (signal.c): the call then bails
 * out and runs again after the guest's handler. */
static void chan_call(struct tv_thread *t, enum chan_op op, struct tv_call *c)
{
	struct tv_chan *ch = &t->chan;

	ch->op = op;
	ch->call = c;
	post_state(ch, CHAN_REQUEST, &ch->k_sleeping);
	wait_state(ch, CHAN_REPLY, &ch->g_sleeping, &ch->g_spin);
	__atomic_store_n(&ch->state, CHAN_IDLE, __ATOMIC_RELAXED);
}

static void kthread_main(void *arg)
{
	struct tv_thread *t = arg;
	struct tv_chan *ch = &t->chan;

	for (;;) {
		wait_state(ch, CHAN_REQUEST, &ch->k_sleeping, &ch->k_spin);
		switch (ch->op) {
		case OP_ENTER:
			ch->verdict = tv_tool.enter(ch->call);
			break;
		case OP_EXIT:
			tv_tool.exit(ch->call);
			break;
		case OP_G_EXITING:
			for (;;)
				tv_sys1(__NR_exit, 0);
		}
		post_state(ch, CHAN_REPLY, &ch->g_sleeping);
	}
}

/* Start K for t, with every signal blocked (K takes none: process signals
 * go to the guest's threads) and the filter inherited: all K's calls come
 * from allowed instructions. */
static int kthread_start(struct tv_thread *t)
{
	unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			      CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;
	char *stack_top = (char *)t->region + KSTACK_OFF + KSTACK_SIZE;

	t->chan.state = CHAN_IDLE;
	t->k_alive = 1;
	uint64_t old = tv_block_all();
	long r = tv_clone(flags, stack_top, NULL, &t->k_alive, 0, kthread_main, t);
	tv_set_mask(old);
	if (r < 0) {
		t->k_alive = 0;
		return (int)r;
	}
	t->k_tid = (int)r;
	__atomic_store_n(&tv_g.kthreads, 1, __ATOMIC_RELEASE);
	return 0;
}

/* The tool's enter hook for c, on G or on K.  Without a K (it could not
 * be made: too many threads), deferred hooks run on G. */
enum tv_verdict tv_hook_enter(struct tv_thread *t, struct tv_call *c)
{
	if (!tv_g.pair && !tv_tool.pair) {
		enum tv_verdict v = tv_tool.enter(c);
		if (v != TV_DEFER)
			return v;
	}
	if (!__atomic_load_n(&t->k_alive, __ATOMIC_ACQUIRE) && kthread_start(t) < 0) {
		enum tv_verdict v = tv_tool.enter(c);
		return v == TV_DEFER ? TV_RUN : v;
	}
	c->deferred = 1;
	chan_call(t, OP_ENTER, c);
	return t->chan.verdict == TV_DEFER ? TV_RUN : t->chan.verdict;
}

void tv_hook_exit(struct tv_thread *t, struct tv_call *c)
{
	if (c->deferred)
		chan_call(t, OP_EXIT, c);
	else
		tv_tool.exit(c);
}
