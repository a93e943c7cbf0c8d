/* Thread pairing: every guest thread G has a kernel thread K.  G's SIGSYS
 * handler posts the call in their channel and waits; K runs the tool's
 * hooks and performs the call (or tells G to perform it itself when it acts
 * on the calling thread), then posts the result. */
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

/* Every pair's region is on one list.  A region whose pair has ended
 * (K retired, and the kernel has cleared k_alive because K is gone) is
 * reused by the next thread: thread churn does not grow memory, and K can
 * end with a plain exit through the allowed instruction instead of
 * unmapping its own stack (which a filtered K, in a fork child, could not
 * do). */
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

struct tv_thread *tv_thread_new(void)
{
	struct tv_thread *t;

	tv_lock(&threads_lock);
	for (t = threads; t; t = t->next) {
		if (__atomic_load_n(&t->retired, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&t->k_alive, __ATOMIC_ACQUIRE) == 0)
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

/* A pair whose K never started, or whose guest thread is gone without
 * telling K (a vfork child's, once the parent resumes), is free again once
 * its K has ended. */
void tv_thread_discard(struct tv_thread *t)
{
	__atomic_store_n(&t->retired, 1, __ATOMIC_RELEASE);
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

/* The live pair of guest thread tid, or NULL.  What the caller reads of
 * it may change meanwhile: only for reports (/proc status). */
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

/* In a fork child only the forking thread exists: every other pair is a
 * dead copy, free for reuse.  Locks another thread held at fork time are
 * reset. */
void tv_threads_after_fork(struct tv_thread *self)
{
	threads_lock.word = 0;
	for (struct tv_thread *t = threads; t; t = t->next) {
		if (t != self) {
			t->retired = 1;
			t->k_alive = 0;
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

/* Post without waiting: for a pair whose K frees the region at once. */
void tv_chan_post(struct tv_thread *t, enum chan_op op)
{
	t->chan.op = op;
	post_state(&t->chan, CHAN_REQUEST, &t->chan.k_sleeping);
}

/* G's side: post a request and wait for K's reply.  While K performs a
 * guest call, G waits with the guest's signal mask, so a signal for the
 * guest reaches on_signal, which interrupts K (signal.c). */
long tv_chan_call(struct tv_thread *t, enum chan_op op)
{
	struct tv_chan *ch = &t->chan;
	int interruptible = op == OP_CALL && !ch->local;

	ch->op = op;
	if (op == OP_CALL)
		ch->req_seq++;
	post_state(ch, CHAN_REQUEST, &ch->k_sleeping);
	if (!spin_for(ch, CHAN_REPLY, &ch->g_spin)) {
		uint64_t all = ~0ull;
		if (interruptible)
			tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)tv_uc_mask(t->uc), 0, sizeof all);
		sleep_for(ch, CHAN_REPLY, &ch->g_sleeping);
		if (interruptible)
			tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)&all, 0, sizeof all);
	}
	__atomic_store_n(&ch->state, CHAN_IDLE, __ATOMIC_RELAXED);
	return ch->call.ret;
}

/* A write K made for G that failed with EPIPE (or EFBIG past
 * RLIMIT_FSIZE) raised SIGPIPE (SIGXFSZ) at K, the writer: it belongs to G,
 * as the kernel directs it at the writing thread.  K takes it off its own
 * queue. */
static void pass_on_write_signal(struct tv_thread *t, int sig)
{
	uint64_t set = tv_sigbit(sig);
	struct { long sec, nsec; } zero = { 0, 0 };

	if (tv_sys4(__NR_rt_sigtimedwait, (long)&set, 0, (long)&zero, sizeof set) == sig)
		tv_sys3(__NR_tgkill, t->pid, t->g_tid, sig);
}

/* The tool's hooks around one call, and the call itself, unless it must
 * run on G (then ch->reply says so).  On K (on_k) the call goes through
 * the interruptible window; inline on G it is a plain call. */
void tv_run_call(struct tv_thread *t, int on_k)
{
	struct tv_chan *ch = &t->chan;
	struct tv_call *c = &ch->call;

	if (ch->hooked && tv_tool.enter && tv_tool.enter(c) == TV_RETURN) {
		ch->reply = REPLY_DONE;
		return;
	}
	if (ch->local) {
		ch->reply = REPLY_RUN_HERE;
		return;
	}
	int handled = 0;
	long r = tv_emulate_on_k(c, &handled);
	if (!handled && on_k) {
		long call[7] = { c->nr, c->args[0], c->args[1], c->args[2], c->args[3],
				 c->args[4], c->args[5] };
		__atomic_store_n(&t->kseq[0], ch->req_seq, __ATOMIC_RELEASE);
		r = tv_kcall(call, t->kseq);
		if (r == -EPIPE || r == -EFBIG)
			pass_on_write_signal(t, r == -EPIPE ? SIGPIPE : SIGXFSZ);
	} else if (!handled) {
		r = tv_syscall6(c->nr, c->args[0], c->args[1], c->args[2], c->args[3], c->args[4],
				c->args[5]);
	}
	c->ret = r;
	if (ch->hooked && tv_tool.exit)
		tv_tool.exit(c);
	ch->reply = REPLY_DONE;
}

/* K is the last user of the region: wait until the kernel has zeroed
 * g_alive (G has left user space for good), wake the guest's own
 * clear_child_tid waiters as the kernel would have, then retire; the
 * region is reused once the kernel clears k_alive as K exits. */
static __attribute__((noreturn)) void finish_pair(struct tv_thread *t)
{
	int alive;

	/* The kernel's wake-up at thread exit is a shared-futex one, which a
	 * private wait would never see. */
	while ((alive = __atomic_load_n(&t->g_alive, __ATOMIC_ACQUIRE)) != 0)
		tv_sys4(__NR_futex, (long)&t->g_alive, FUTEX_WAIT, alive, 0);
	if (t->guest_ctid) {
		int zero = 0;
		if (tv_mem_write(t->guest_ctid, &zero, sizeof zero) == 0)
			/* Not private: pthread_join waits on it as a shared futex,
			 * matching the kernel's own wake-up at thread exit. */
			tv_sys3(__NR_futex, (long)t->guest_ctid, FUTEX_WAKE, 1);
	}
	__atomic_store_n(&t->retired, 1, __ATOMIC_RELEASE);
	for (;;)
		tv_sys1(__NR_exit, 0);
}

static void kthread_main(void *arg)
{
	struct tv_thread *t = arg;
	struct tv_chan *ch = &t->chan;
	uint64_t interrupt = tv_sigbit(TV_SIG_INTERRUPT);

	/* K takes no signal but G's interrupt. */
	tv_sys4(__NR_rt_sigprocmask, SIG_UNBLOCK, (long)&interrupt, 0, sizeof interrupt);

	for (;;) {
		wait_state(ch, CHAN_REQUEST, &ch->k_sleeping, &ch->k_spin);
		switch (ch->op) {
		case OP_CALL:
			tv_run_call(t, 1);
			break;
		case OP_EXIT_HOOK:
			tv_tool.exit(&ch->call);
			break;
		case OP_MIRROR: {
			struct tv_call *c = &ch->call;
			tv_syscall6(c->nr, c->args[0], c->args[1], c->args[2], c->args[3],
				    c->args[4], c->args[5]);
			break;
		}
		case OP_G_EXITING:
			/* Acknowledge first: G then exits, and we wait for it. */
			post_state(ch, CHAN_REPLY, &ch->g_sleeping);
			finish_pair(t);
		}
		post_state(ch, CHAN_REPLY, &ch->g_sleeping);
	}
}

/* Start K for t.  K inherits the caller's signal mask (callers block
 * everything first) and seccomp filter: all K's calls come from allowed
 * instructions. */
int tv_kthread_start(struct tv_thread *t)
{
	unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			      CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;
	char *stack_top = (char *)t->region + KSTACK_OFF + KSTACK_SIZE;

	t->k_alive = 1;
	long r = tv_clone(flags, stack_top, NULL, &t->k_alive, 0, kthread_main, t);
	if (r < 0) {
		t->k_alive = 0;
		return (int)r;
	}
	t->k_tid = (int)r;
	return 0;
}
