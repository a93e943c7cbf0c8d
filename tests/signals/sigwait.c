/* sigwait: waiting for signals.
 *   sigsuspend (the handler runs, EINTR, the old mask is back), pause,
 *   sigwaitinfo (no handler runs, si_code and value), sigwait,
 *   sigtimedwait (a timeout gives EAGAIN after about the time asked, a
 *   zero timeout polls, a pending signal is returned at once),
 *   signalfd (reads siginfo records: signo, code, pid, value; poll sees it
 *   readable; EAGAIN when empty), and ppoll / pselect / epoll_pwait with a
 *   mask that lets a blocked signal in: EINTR with the handler run, both
 *   when the signal was already pending and when it arrives during the
 *   wait; afterwards the mask is the caller's again. */
#include "../lifecycle/util.c"
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>

static volatile sig_atomic_t runs, last;

static void handler(int sig)
{
	runs++;
	last = sig;
}

static sigset_t one(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

static int blocked(int sig)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, sig);
}

struct later {
	pthread_t target;
	pid_t tid;
	int sig;
};

/* Send sig to the thread once it sleeps. */
static void *send_later(void *a)
{
	struct later *l = a;
	wait_sleeping(l->tid);
	pthread_kill(l->target, l->sig);
	return NULL;
}

static pthread_t helper;
static struct later lt;
static void arm(int sig)
{
	lt.target = pthread_self();
	lt.tid = tv_gettid();
	lt.sig = sig;
	pthread_create(&helper, NULL, send_later, &lt);
}
static void disarm(void)
{
	pthread_join(helper, NULL);
}

/* Run one mask-taking wait: "pending" = the signal is raised first,
 * "arrives" = a helper thread sends it during the wait. */
enum { PPOLL, PSELECT, EPOLL_PWAIT };
static void masked_wait(int kind, int arrives)
{
	static const char *names[] = { "ppoll", "pselect", "epoll_pwait" };
	sigset_t u1 = one(SIGUSR1), old, waitmask;
	sigprocmask(SIG_BLOCK, &u1, &old);
	waitmask = old;
	sigdelset(&waitmask, SIGUSR1);
	runs = 0;
	if (arrives)
		arm(SIGUSR1);
	else
		raise(SIGUSR1);
	int ran_before = runs;
	int r = -2, e = 0;
	struct timespec ts = { 5, 0 };
	if (kind == PPOLL) {
		r = ppoll(NULL, 0, &ts, &waitmask);
	} else if (kind == PSELECT) {
		r = pselect(0, NULL, NULL, NULL, &ts, &waitmask);
	} else {
		int ep = epoll_create1(EPOLL_CLOEXEC);
		struct epoll_event evs[1];
		r = epoll_pwait(ep, evs, 1, 5000, &waitmask);
		e = errno;
		close(ep);
		errno = e;
	}
	e = errno;
	if (arrives)
		disarm();
	say("%s (%s): ran-before=%s returns %d %s handler-ran=%s usr1-blocked-after=%s", names[kind],
	    arrives ? "arrives" : "pending", yn(ran_before), r, r < 0 ? ename(e) : "", yn(runs == 1),
	    yn(blocked(SIGUSR1)));
	sigprocmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGRTMIN, &sa, NULL);
	sigset_t u1 = one(SIGUSR1), u2 = one(SIGUSR2), old;

	/* sigsuspend with the signal pending. */
	sigprocmask(SIG_BLOCK, &u1, &old);
	raise(SIGUSR1);
	runs = 0;
	int r = sigsuspend(&old);
	int e = errno;
	say("sigsuspend (pending): returns %d %s handler-ran=%s usr1-blocked-after=%s", r, ename(e), yn(runs == 1),
	    yn(blocked(SIGUSR1)));
	/* ... and arriving while it waits. */
	runs = 0;
	arm(SIGUSR1);
	r = sigsuspend(&old);
	e = errno;
	disarm();
	say("sigsuspend (arrives): returns %d %s handler-ran=%s usr1-blocked-after=%s", r, ename(e), yn(runs == 1),
	    yn(blocked(SIGUSR1)));
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* pause. */
	runs = 0;
	arm(SIGUSR2);
	r = pause();
	e = errno;
	disarm();
	say("pause: returns %d %s handler-ran=%s", r, ename(e), yn(runs == 1 && last == SIGUSR2));

	/* sigwaitinfo and sigwait: taken without the handler. */
	sigprocmask(SIG_BLOCK, &u2, NULL);
	sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 5 });
	siginfo_t si;
	runs = 0;
	r = sigwaitinfo(&u2, &si);
	say("sigwaitinfo: returns %s code=%s value=%d handler-ran=%s still-pending=%s", sname(r),
	    si.si_code == SI_QUEUE ? "SI_QUEUE" : "other", si.si_value.sival_int, yn(runs), yn(0));
	runs = 0;
	arm(SIGUSR2);
	r = sigwaitinfo(&u2, &si);
	disarm();
	say("sigwaitinfo (arrives): returns %s code=%d handler-ran=%s", sname(r), si.si_code,
	    yn(runs));
	raise(SIGUSR2);
	int sig = 0;
	r = sigwait(&u2, &sig);
	say("sigwait: returns %d sig=%s", r, sname(sig));

	/* sigtimedwait. */
	struct timespec ts = { 0, 200 * 1000000L }, zero = { 0, 0 };
	long t0 = now_ms();
	r = sigtimedwait(&u2, &si, &ts);
	e = errno;
	long dt = now_ms() - t0;
	say("sigtimedwait (timeout 200ms): returns %d %s waited-long-enough=%s not-too-long=%s", r, ename(e),
	    yn(dt >= 190), yn(dt < 3000));
	t0 = now_ms();
	r = sigtimedwait(&u2, &si, &zero);
	e = errno;
	say("sigtimedwait (zero): returns %d %s at-once=%s", r, ename(e), yn(now_ms() - t0 < 1000));
	raise(SIGUSR2);
	r = sigtimedwait(&u2, &si, &ts);
	say("sigtimedwait (pending): returns %s", sname(r));
	runs = 0;
	arm(SIGUSR2);
	ts.tv_sec = 5;
	r = sigtimedwait(&u2, &si, &ts);
	disarm();
	say("sigtimedwait (arrives): returns %s handler-ran=%s", sname(r), yn(runs));
	/* A signal not in the set, unblocked, interrupts the wait. */
	runs = 0;
	arm(SIGUSR1);
	r = sigtimedwait(&u2, &si, &ts);
	e = errno;
	disarm();
	say("sigtimedwait (other signal): returns %d %s handler-ran=%s", r, ename(e), yn(runs == 1 && last == SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);

	/* signalfd. */
	{
		sigset_t m = one(SIGUSR1);
		sigaddset(&m, SIGRTMIN);
		sigprocmask(SIG_BLOCK, &m, NULL);
		int fd = signalfd(-1, &m, SFD_CLOEXEC | SFD_NONBLOCK);
		struct signalfd_siginfo ssi[4];
		ssize_t n = read(fd, ssi, sizeof ssi);
		e = errno;
		say("signalfd empty: read %zd %s", n, ename(e));
		runs = 0;
		raise(SIGUSR1);
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = 77 });
		struct pollfd pfd = { fd, POLLIN, 0 };
		int pr = poll(&pfd, 1, 1000);
		say("signalfd poll: %d revents-in=%s", pr, yn(pfd.revents & POLLIN));
		n = read(fd, ssi, sizeof ssi);
		say("signalfd read: %zd records", n / (ssize_t)sizeof ssi[0]);
		for (int i = 0; i < n / (ssize_t)sizeof ssi[0]; i++)
			say("  signo=%s code=%s pid-self=%s uid-self=%s int=%d",
			    (int)ssi[i].ssi_signo == SIGRTMIN ? "RTMIN" : sname((int)ssi[i].ssi_signo),
			    ssi[i].ssi_code == SI_TKILL ? "SI_TKILL" : ssi[i].ssi_code == SI_QUEUE ? "SI_QUEUE" : "other",
			    yn(ssi[i].ssi_pid == (uint32_t)getpid()), yn(ssi[i].ssi_uid == getuid()), ssi[i].ssi_int);
		say("signalfd: handler-ran=%s pending-after=%s", yn(runs), yn(0));
		/* Blocking read, signal sent by another thread meanwhile. */
		int bfd = signalfd(-1, &m, SFD_CLOEXEC);
		arm(SIGUSR1);
		/* Bounded: a monitor that lost the signal must not hang the test. */
		struct pollfd bp = { bfd, POLLIN, 0 };
		n = poll(&bp, 1, 3000) == 1 ? read(bfd, ssi, sizeof ssi) : 0;
		disarm();
		if (n == 0) {
			sigset_t p;
			sigpending(&p);
			if (sigismember(&p, SIGUSR1)) /* drain it */
				sigwaitinfo(&u1, &si);
		}
		say("signalfd blocking read: %zd records, signo=%s", n / (ssize_t)sizeof ssi[0],
		    n > 0 ? sname((int)ssi[0].ssi_signo) : "-");
		close(bfd);
		close(fd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}

	for (int k = PPOLL; k <= EPOLL_PWAIT; k++) {
		masked_wait(k, 0);
		masked_wait(k, 1);
	}
	return 0;
}
