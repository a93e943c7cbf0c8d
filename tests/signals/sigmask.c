/* sigmask: masks are per thread, pending sets per thread and per process.
 *   - a blocked signal stays pending (sigpending shows it) and is handled
 *     as soon as it is unblocked, before sigprocmask returns;
 *   - sigprocmask's how values, EINVAL for a bad one;
 *   - an ignored signal raised while blocked is pending; setting SIG_IGN
 *     (or SIG_DFL for a default-ignored signal) discards a pending one;
 *   - real-time signals queue with their values, delivered lowest signal
 *     first and in order within one signal;
 *   - a new thread and a fork child inherit a full mask, SIGSYS included;
 *   - a handler's frame holds the mask with SIGSYS, and a handler that
 *     fills it blocks every signal on return, without harm to later calls;
 *   - per thread: a new thread inherits its creator's mask; pthread_sigmask
 *     in one thread leaves the others alone; a process-directed signal goes
 *     to the thread that does not block it; thread-directed pending signals
 *     are seen by sigpending in that thread only; a process-directed signal
 *     blocked everywhere is pending in every thread and taken by the first
 *     thread that unblocks it. */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <stdatomic.h>

static volatile sig_atomic_t runs;
static volatile pid_t handled_by;
static volatile int vals[16], nvals, sigs_[16], count[65];

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	count[sig]++;
	if (sig >= SIGRTMIN)
		; /* the real-time part counts its own */
	else {
		/* Before runs: the main thread reads handled_by once runs is set. */
		handled_by = tv_gettid();
		runs++;
	}
	if (nvals < 16) {
		sigs_[nvals] = sig;
		vals[nvals++] = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
	}
}

static void install(int sig)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static int pending(int sig)
{
	sigset_t p;
	sigpending(&p);
	return sigismember(&p, sig);
}

static sigset_t one(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

/* --- threads ------------------------------------------------------------- */

static pid_t tid_b, tid_c;
static atomic_int stage;
static volatile int b_saw_usr2_pending, main_saw_usr2_pending, c_inherited, b_mask_alone;
static volatile int c_pending_usr1, b_pending_usr1;

static void wait_stage(int s)
{
	while (atomic_load(&stage) < s)
		sleep_ms(1);
}

static void *thread_b(void *a)
{
	(void)a;
	tid_b = tv_gettid();
	sigset_t u1 = one(SIGUSR1), u2 = one(SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &u1, NULL); /* B takes SIGUSR1 */
	pthread_sigmask(SIG_BLOCK, &u2, NULL);
	atomic_store(&stage, 1);
	wait_stage(2); /* main: kill(getpid(), USR1), pthread_kill(B, USR2) */
	b_saw_usr2_pending = pending(SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &u1, NULL);
	atomic_store(&stage, 3);
	wait_stage(4); /* main: kill(getpid(), USR1) with everyone blocking */
	b_pending_usr1 = pending(SIGUSR1);
	atomic_store(&stage, 5);
	wait_stage(7);
	sigset_t cur;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	b_mask_alone = sigismember(&cur, SIGUSR2) && !sigismember(&cur, SIGHUP);
	return NULL;
}

static void *thread_c(void *a)
{
	(void)a;
	tid_c = tv_gettid();
	sigset_t cur;
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	c_inherited = sigismember(&cur, SIGUSR1) && sigismember(&cur, SIGHUP);
	wait_stage(5);
	c_pending_usr1 = pending(SIGUSR1);
	sigset_t u1 = one(SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &u1, NULL); /* takes it now */
	atomic_store(&stage, 6);
	return NULL;
}

static void *report_sys(void *a)
{
	sigset_t m;
	pthread_sigmask(SIG_SETMASK, NULL, &m);
	*(int *)a = sigismember(&m, SIGSYS);
	return NULL;
}

/* Every signal blocked, SIGSYS too (the one the monitor cannot really
 * block): a new thread and a fork child start with that mask. */
static void full_mask_inherited(void)
{
	sigset_t all, old;
	int in_thread = -1, st;
	pthread_t t;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pthread_create(&t, NULL, report_sys, &in_thread);
	pthread_join(t, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		int in_child;
		report_sys(&in_child);
		_exit(in_child);
	}
	xwaitpid(pid, &st, 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	say("full mask: SIGSYS blocked in a new thread=%s in a fork child=%s", yn(in_thread == 1),
	    yn(WIFEXITED(st) && WEXITSTATUS(st) == 1));
}

static volatile int uc_had_sys;

/* Returns with every signal blocked, as qemu-user's host handler does
 * when it must hold signals back: the kernel restores the frame's mask. */
static void fill_uc_mask(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig, (void)si;
	uc_had_sys = sigismember(&uc->uc_sigmask, SIGSYS);
	sigfillset(&uc->uc_sigmask);
}

/* SIGSYS in a handler's frame: the guest's own bit, and a handler that
 * blocks every signal by its frame, calls made after that still work. */
static void frame_mask_sys(void)
{
	struct sigaction sa = { 0 };
	sigset_t sys, old, now;

	sa.sa_sigaction = fill_uc_mask;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	sigprocmask(SIG_SETMASK, &sys, &old);	/* SIGUSR1 unblocked */
	raise(SIGUSR1);
	int seen_blocked = uc_had_sys;
	pid_t ppid = getppid();
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, &now);
	int all_after = sigismember(&now, SIGSYS) && sigismember(&now, SIGUSR2);
	raise(SIGUSR1);
	int seen_unblocked = !uc_had_sys;
	sigprocmask(SIG_SETMASK, &old, &now);
	say("frame mask: handler sees blocked SIGSYS=%s unblocked=%s; filled by the handler: "
	    "all blocked after=%s calls work=%s", yn(seen_blocked), yn(seen_unblocked), yn(all_after),
	    yn(ppid == getppid() && sigismember(&now, SIGSYS)));
}

int main(void)
{
	install(SIGUSR1);
	install(SIGUSR2);
	sigset_t u1 = one(SIGUSR1), old;

	/* Pending while blocked, delivered on unblock. */
	sigprocmask(SIG_BLOCK, &u1, &old);
	raise(SIGUSR1);
	int ran_blocked = runs, pend = pending(SIGUSR1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	say("blocked: ran-while-blocked=%s pending=%s ran-on-unblock=%s pending-after=%s", yn(ran_blocked),
	    yn(pend), yn(runs == 1), yn(pending(SIGUSR1)));

	/* how values. */
	sigset_t s2 = one(SIGUSR2), cur;
	sigprocmask(SIG_BLOCK, &s2, NULL);
	sigprocmask(SIG_UNBLOCK, &s2, NULL);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	int unblocked = !sigismember(&cur, SIGUSR2);
	sigprocmask(SIG_SETMASK, &s2, NULL);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	int setmask = sigismember(&cur, SIGUSR2) && !sigismember(&cur, SIGUSR1);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = 0;
	int bad = sigprocmask(99, &s2, NULL);
	say("how: unblock=%s setmask=%s bad-how=%d %s", yn(unblocked), yn(setmask), bad, ename(errno));

	/* Ignored while blocked; discarded by SIG_IGN / default-ignore. */
	{
		sigset_t w = one(SIGWINCH), h = one(SIGHUP);
		sigprocmask(SIG_BLOCK, &w, NULL);
		sigprocmask(SIG_BLOCK, &h, NULL);
		signal(SIGPIPE, SIG_IGN);
		sigset_t p = one(SIGPIPE);
		sigprocmask(SIG_BLOCK, &p, NULL);
		raise(SIGWINCH);
		raise(SIGHUP);
		raise(SIGPIPE);
		int w0 = pending(SIGWINCH), h0 = pending(SIGHUP), p0 = pending(SIGPIPE);
		signal(SIGHUP, SIG_IGN);
		signal(SIGWINCH, SIG_DFL);
		say("ignored-while-blocked: pending winch=%s hup=%s ignored-pipe=%s; after SIG_IGN hup=%s, after SIG_DFL winch=%s",
		    yn(w0), yn(h0), yn(p0), yn(pending(SIGHUP)), yn(pending(SIGWINCH)));
		sigprocmask(SIG_SETMASK, &old, NULL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
	}

	/* Real-time queueing with values. */
	{
		int a = SIGRTMIN, b = SIGRTMIN + 1;
		install(a);
		install(b);
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, a);
		sigaddset(&m, b);
		sigprocmask(SIG_BLOCK, &m, NULL);
		for (int i = 1; i <= 5; i++)
			sigqueue(getpid(), b, (union sigval){ .sival_int = i });
		sigqueue(getpid(), a, (union sigval){ .sival_int = 10 });
		sigqueue(getpid(), a, (union sigval){ .sival_int = 11 });
		nvals = 0;
		sigprocmask(SIG_SETMASK, &old, NULL);
		char buf[256] = "";
		for (int i = 0; i < nvals; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " RT%d:%d", sigs_[i] - SIGRTMIN, vals[i]);
		say("rt-queue:%s", buf);
	}

	/* Threads. */
	sigprocmask(SIG_BLOCK, &u1, NULL); /* main blocks USR1 */
	pthread_t b, c;
	pthread_create(&b, NULL, thread_b, NULL); /* inherits, then unblocks USR1 */
	wait_stage(1);
	runs = 0;
	handled_by = 0;
	kill(getpid(), SIGUSR1);
	for (int i = 0; i < 2000 && !runs; i++)
		sleep_ms(1);
	say("process-directed: handled by the unblocking thread=%s", yn(runs == 1 && handled_by == tid_b));
	pthread_kill(b, SIGUSR2);
	main_saw_usr2_pending = pending(SIGUSR2);
	atomic_store(&stage, 2);
	wait_stage(3);
	say("thread-directed pending: in target=%s in main=%s", yn(b_saw_usr2_pending), yn(main_saw_usr2_pending));

	sigset_t hup = one(SIGHUP);
	sigprocmask(SIG_BLOCK, &hup, NULL);
	pthread_create(&c, NULL, thread_c, NULL); /* inherits USR1+HUP blocked */
	runs = 0;
	kill(getpid(), SIGUSR1); /* blocked in main, B and C */
	int main_pending = pending(SIGUSR1);
	atomic_store(&stage, 4);
	wait_stage(6);
	for (int i = 0; i < 2000 && !runs; i++)
		sleep_ms(1);
	say("blocked everywhere: pending in main=%s in B=%s in C=%s; taken by C on unblock=%s", yn(main_pending),
	    yn(b_pending_usr1), yn(c_pending_usr1), yn(runs == 1 && handled_by == tid_c));
	atomic_store(&stage, 7);
	pthread_join(b, NULL);
	pthread_join(c, NULL);
	say("inheritance: new thread has creator's mask=%s; B's mask unaffected by main's=%s", yn(c_inherited),
	    yn(b_mask_alone));
	/* Each signal sent was delivered once, no more (USR1: the blocked
	 * test, the process-directed one, the one blocked everywhere; the
	 * USR2 sent to B stayed pending until B ended). */
	say("end: deliveries RT0=%d RT1=%d USR1=%d USR2=%d", count[SIGRTMIN], count[SIGRTMIN + 1], count[SIGUSR1],
	    count[SIGUSR2]);
	/* B's pending SIGUSR2 ended with B. */
	say("end: main pending usr2=%s", yn(pending(SIGUSR2)));
	full_mask_inherited();
	frame_mask_sys();
	return 0;
}
