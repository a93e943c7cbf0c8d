/* siginfo: what a handler is told, and the masks around it.
 *   siginfo: si_signo, si_code, si_pid/si_uid for raise (SI_TKILL), kill
 *   (SI_USER), sigqueue (SI_QUEUE, si_value), rt_sigqueueinfo with a
 *   user-chosen negative si_code and fake pid (passed through untouched),
 *   a child's kill (its pid), SIGCHLD (CLD_EXITED, pid, status), alarm
 *   (SI_KERNEL), a POSIX timer (SI_TIMER, value).
 *   ucontext: uc_sigmask is the mask at the interruption.
 *   masks: sa_mask and the signal itself are blocked in the handler (not
 *   with SA_NODEFER), the old mask is back after it; a handler that edits
 *   uc_sigmask changes the mask it returns to.
 *   dispositions: SA_RESETHAND, SA_SIGINFO vs plain handler, the old action
 *   given back as set, signal() flags, EINVAL for SIGKILL/SIGSTOP/0/65,
 *   SIGKILL and SIGSTOP cannot be blocked. */
#include "../lifecycle/util.c"
#include <stdint.h>
#include <ucontext.h>

static volatile struct rec {
	int sig, code, pid_self, uid_self, value, status, pid;
	int self_blocked, term_blocked, rt_blocked, usr2_blocked, hup_blocked;
	int uc_usr2, uc_hup, uc_self;
	int plain;
	int n;
} r;

static int sigset_eq_mask(ucontext_t *uc, int sig)
{
	return sigismember(&uc->uc_sigmask, sig);
}

static void record(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	r.n++;
	r.sig = sig;
	r.code = si->si_code;
	r.pid = si->si_pid;
	r.pid_self = si->si_pid == getpid();
	r.uid_self = si->si_uid == getuid();
	r.value = si->si_value.sival_int;
	r.status = si->si_status;
	r.self_blocked = sigismember(&cur, sig);
	r.term_blocked = sigismember(&cur, SIGTERM);
	r.rt_blocked = sigismember(&cur, SIGRTMIN);
	r.usr2_blocked = sigismember(&cur, SIGUSR2);
	r.hup_blocked = sigismember(&cur, SIGHUP);
	r.uc_usr2 = sigset_eq_mask(uc, SIGUSR2);
	r.uc_hup = sigset_eq_mask(uc, SIGHUP);
	r.uc_self = sigset_eq_mask(uc, sig);
}

static void plain(int sig)
{
	r.n++;
	r.sig = sig;
	r.plain = 1;
}

static void edit_mask(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	sigaddset(&uc->uc_sigmask, SIGWINCH);
	r.n++;
}

static const char *code(int c)
{
	static char buf[16];
	switch (c) {
	case SI_USER: return "SI_USER";
	case SI_TKILL: return "SI_TKILL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_TIMER: return "SI_TIMER";
	case CLD_EXITED: return "CLD_EXITED"; /* 1, also SEGV_MAPERR etc. */
	}
	snprintf(buf, sizeof buf, "%d", c);
	return buf;
}

static void install(int sig, int flags, const int *mask)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = record;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	for (; mask && *mask; mask++)
		sigaddset(&sa.sa_mask, *mask);
	if (sigaction(sig, &sa, NULL) != 0)
		say("sigaction %d: %s", sig, ename(errno));
}

static void show(const char *what)
{
	say("%s: n=%d sig=%s code=%s pid-self=%s uid-self=%s", what, r.n, sname(r.sig), code(r.code), yn(r.pid_self),
	    yn(r.uid_self));
}

int main(void)
{
	int term_rt[] = { SIGTERM, 0, 0 };
	term_rt[1] = SIGRTMIN;
	install(SIGUSR1, 0, term_rt);

	memset((void *)&r, 0, sizeof r);
	raise(SIGUSR1);
	show("raise");
	memset((void *)&r, 0, sizeof r);
	kill(getpid(), SIGUSR1);
	show("kill");
	memset((void *)&r, 0, sizeof r);
	sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = 1234 });
	show("sigqueue");
	say("sigqueue: value=%d", r.value);

	/* A user-made siginfo: the kernel lets a process send itself any
	 * negative si_code, and passes the fields through. */
	{
		siginfo_t si;
		memset(&si, 0, sizeof si);
		si.si_signo = SIGUSR1;
		si.si_code = -42;
		si.si_pid = 12345;
		si.si_uid = 777;
		si.si_value.sival_int = 99;
		memset((void *)&r, 0, sizeof r);
		long rc = syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
		say("rt_sigqueueinfo: rc=%ld n=%d code=%d pid=%d value=%d", rc, r.n, r.code, r.pid, r.value);
		/* Codes >= 0 and SI_TKILL only from a thread to its own tid. */
		si.si_code = SI_USER;
		errno = 0;
		rc = syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si);
		say("rt_sigqueueinfo SI_USER to self from main thread: rc=%ld %s n=%d pid=%d", rc, ename(errno), r.n, r.pid);
		si.si_code = SI_TKILL;
		errno = 0;
		rc = syscall(SYS_rt_tgsigqueueinfo, getpid(), tv_gettid(), SIGUSR1, &si);
		say("rt_tgsigqueueinfo SI_TKILL to self: rc=%ld %s n=%d", rc, ename(errno), r.n);
	}

	/* Masks during the handler, and uc_sigmask. */
	sigset_t m, before, after;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigaddset(&m, SIGHUP);
	sigprocmask(SIG_BLOCK, &m, &before);
	memset((void *)&r, 0, sizeof r);
	raise(SIGUSR1);
	sigprocmask(SIG_BLOCK, NULL, &after);
	say("in-handler: self-blocked=%s sa_mask-blocked=%s,%s old-mask-kept=%s,%s", yn(r.self_blocked),
	    yn(r.term_blocked), yn(r.rt_blocked), yn(r.usr2_blocked), yn(r.hup_blocked));
	say("uc_sigmask: usr2=%s hup=%s self=%s", yn(r.uc_usr2), yn(r.uc_hup), yn(r.uc_self));
	say("after-handler: usr1-blocked=%s term-blocked=%s usr2-blocked=%s", yn(sigismember(&after, SIGUSR1)),
	    yn(sigismember(&after, SIGTERM)), yn(sigismember(&after, SIGUSR2)));
	sigprocmask(SIG_SETMASK, &before, NULL);

	install(SIGUSR1, SA_NODEFER, term_rt);
	memset((void *)&r, 0, sizeof r);
	raise(SIGUSR1);
	say("SA_NODEFER: self-blocked=%s sa_mask-blocked=%s", yn(r.self_blocked), yn(r.term_blocked));

	/* The handler edits uc_sigmask: the mask after return has SIGWINCH. */
	{
		struct sigaction sa = { 0 };
		sa.sa_sigaction = edit_mask;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGUSR2, &sa, NULL);
		memset((void *)&r, 0, sizeof r);
		raise(SIGUSR2);
		sigprocmask(SIG_BLOCK, NULL, &after);
		say("edit uc_sigmask: ran=%s winch-blocked-after=%s", yn(r.n == 1), yn(sigismember(&after, SIGWINCH)));
		sigprocmask(SIG_SETMASK, &before, NULL);
	}

	/* SA_RESETHAND: one run, then SIG_DFL (SIGURG's default: ignore). */
	{
		install(SIGURG, SA_RESETHAND, NULL);
		memset((void *)&r, 0, sizeof r);
		raise(SIGURG);
		int self_blocked = r.self_blocked;
		raise(SIGURG);
		struct sigaction old;
		sigaction(SIGURG, NULL, &old);
		say("SA_RESETHAND: runs=%d self-blocked-inside=%s now-default=%s flags-kept=%s", r.n, yn(self_blocked),
		    yn(old.sa_handler == SIG_DFL), yn((old.sa_flags & SA_SIGINFO) != 0));
	}

	/* A plain handler and the action given back. */
	{
		struct sigaction sa = { 0 }, old;
		sa.sa_handler = plain;
		sa.sa_flags = SA_RESTART | SA_ONSTACK;
		sigaddset(&sa.sa_mask, SIGINT);
		sigaddset(&sa.sa_mask, SIGRTMAX);
		sigaction(SIGHUP, &sa, NULL);
		memset((void *)&r, 0, sizeof r);
		raise(SIGHUP);
		sigaction(SIGHUP, NULL, &old);
		say("plain: ran=%s sig=%s", yn(r.plain && r.n == 1), sname(r.sig));
		say("old action: handler=%s flags=%s mask=%s,%s,%s", yn(old.sa_handler == plain),
		    yn((old.sa_flags & (SA_RESTART | SA_ONSTACK | SA_SIGINFO | SA_NODEFER | SA_RESETHAND)) ==
		       (SA_RESTART | SA_ONSTACK)),
		    yn(sigismember(&old.sa_mask, SIGINT)), yn(sigismember(&old.sa_mask, SIGRTMAX)),
		    yn(!sigismember(&old.sa_mask, SIGTERM)));
		signal(SIGHUP, plain);
		sigaction(SIGHUP, NULL, &old);
		say("signal(): SA_RESTART=%s", yn((old.sa_flags & SA_RESTART) != 0));
	}

	/* A child's signal: its pid and SI_USER; then SIGCHLD. */
	{
		install(SIGUSR2, 0, NULL);
		install(SIGCHLD, 0, NULL);
		sigset_t block, wait_mask;
		sigemptyset(&block);
		sigaddset(&block, SIGUSR2);
		sigaddset(&block, SIGCHLD);
		sigprocmask(SIG_BLOCK, &block, &wait_mask);
		sigdelset(&wait_mask, SIGUSR2);
		sigdelset(&wait_mask, SIGCHLD);
		sigaddset(&wait_mask, SIGCHLD);
		pid_t parent = getpid();
		pid_t pid = fork();
		if (pid == 0) {
			kill(parent, SIGUSR2);
			_exit(23);
		}
		memset((void *)&r, 0, sizeof r);
		while (r.n == 0)
			sigsuspend(&wait_mask);
		say("from child: sig=%s code=%s pid-is-child=%s", sname(r.sig), code(r.code), yn(r.pid == pid));
		sigdelset(&wait_mask, SIGCHLD);
		memset((void *)&r, 0, sizeof r);
		while (r.n == 0)
			sigsuspend(&wait_mask);
		say("SIGCHLD: code=%s pid-is-child=%s status=%d", code(r.code), yn(r.pid == pid), r.status);
		int st;
		xwaitpid(pid, &st, 0);
		sigprocmask(SIG_SETMASK, &before, NULL);
		signal(SIGCHLD, SIG_DFL);
	}

	/* Timers. */
	{
		install(SIGALRM, 0, NULL);
		memset((void *)&r, 0, sizeof r);
		alarm(1);
		while (r.n == 0)
			pause();
		say("alarm: sig=%s code=%s", sname(r.sig), code(r.code));
		timer_t t;
		struct sigevent ev = { 0 };
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = SIGRTMIN + 1;
		ev.sigev_value.sival_int = 99;
		install(SIGRTMIN + 1, 0, NULL);
		if (timer_create(CLOCK_MONOTONIC, &ev, &t) == 0) {
			struct itimerspec its = { { 0, 0 }, { 0, 20 * 1000000L } };
			memset((void *)&r, 0, sizeof r);
			timer_settime(t, 0, &its, NULL);
			while (r.n == 0)
				pause();
			say("timer: sig=RT+1:%s code=%s value=%d", yn(r.sig == SIGRTMIN + 1), code(r.code), r.value);
			timer_delete(t);
		}
	}

	/* What cannot be changed. */
	{
		struct sigaction sa = { 0 };
		sa.sa_handler = SIG_IGN;
		int sigs[] = { SIGKILL, SIGSTOP, 0, 65 };
		for (int i = 0; i < 4; i++) {
			errno = 0;
			int rc = sigaction(sigs[i], &sa, NULL);
			say("sigaction(%d, SIG_IGN): %d %s", sigs[i], rc, ename(errno));
		}
		sigset_t all, cur;
		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, &before);
		/* glibc and musl keep their internal signals out of sigfillset;
		 * a raw call blocks everything that can be blocked. */
		uint64_t raw = ~0ull, rawcur = 0;
		syscall(SYS_rt_sigprocmask, SIG_BLOCK, &raw, &rawcur, 8);
		syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &rawcur, 8);
		sigprocmask(SIG_BLOCK, NULL, &cur);
		say("block all: kill-blocked=%s stop-blocked=%s term-blocked=%s raw-mask=%#llx", yn(sigismember(&cur, SIGKILL)),
		    yn(sigismember(&cur, SIGSTOP)), yn(sigismember(&cur, SIGTERM)), (unsigned long long)rawcur);
		sigprocmask(SIG_SETMASK, &before, NULL);
	}
	return 0;
}
