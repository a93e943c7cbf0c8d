/* sigbasic: the basic signal paths, single-threaded, no timers.
 * Handlers only record events; main prints them in order afterwards. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAXEV 64
static struct event {
	int sig, code, from_self, value, usr2_blocked, self_blocked, has_uc;
} ev[MAXEV];
static volatile sig_atomic_t nev;

static void handler(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;
	struct event *e;

	if (nev >= MAXEV)
		return;
	e = &ev[nev];
	e->sig = sig;
	e->code = si->si_code;
	e->from_self = si->si_pid == getpid() && si->si_uid == getuid();
	e->value = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	e->usr2_blocked = sigismember(&cur, SIGUSR2);
	e->self_blocked = sigismember(&cur, sig);
	e->has_uc = uc != NULL;
	nev++;
}

static const char *code_name(int c)
{
	switch (c) {
	case SI_USER: return "SI_USER";
	case SI_TKILL: return "SI_TKILL";
	case SI_QUEUE: return "SI_QUEUE";
	default: return "other";
	}
}

static int printed;

static void flush_events(const char *when)
{
	printf("%s:", when);
	if (printed == nev)
		printf(" (none)");
	for (; printed < nev; printed++) {
		struct event *e = &ev[printed];
		printf(" [%s %s self=%d",
		       e->sig == SIGUSR1 ? "USR1" : e->sig == SIGUSR2 ? "USR2" : "other",
		       code_name(e->code), e->from_self);
		if (e->value >= 0)
			printf(" value=%d", e->value);
		printf(" mask:self=%d,usr2=%d uc=%d]", e->self_blocked, e->usr2_blocked, e->has_uc);
	}
	printf("\n");
}

int main(void)
{
	struct sigaction sa, old;
	sigset_t set, pend, cur;

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	if (sigaction(SIGUSR1, &sa, &old) != 0) {
		printf("sigaction failed\n");
		return 1;
	}
	printf("old USR1 disposition default: %d\n", old.sa_handler == SIG_DFL);
	sigaction(SIGUSR1, NULL, &old);
	printf("query: SA_SIGINFO=%d handler same=%d mask has USR2=%d\n",
	       (old.sa_flags & SA_SIGINFO) != 0, old.sa_sigaction == handler,
	       sigismember(&old.sa_mask, SIGUSR2));

	/* synchronous delivery: raise returns after the handler ran */
	raise(SIGUSR1);
	flush_events("after raise(USR1)");
	kill(getpid(), SIGUSR1);
	flush_events("after kill(self, USR1)");
	union sigval v = { .sival_int = 77 };
	sigqueue(getpid(), SIGUSR1, v);
	flush_events("after sigqueue(USR1, 77)");

	/* block, raise twice (standard signals do not queue), check pending */
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	raise(SIGUSR2);
	flush_events("after raise(USR2) x2 while blocked");
	sigpending(&pend);
	printf("pending: USR2=%d USR1=%d\n", sigismember(&pend, SIGUSR2),
	       sigismember(&pend, SIGUSR1));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	flush_events("after unblock USR2");
	sigpending(&pend);
	printf("pending after unblock: USR2=%d\n", sigismember(&pend, SIGUSR2));

	/* the mask is restored after a handler returns */
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("mask after handlers: USR1=%d USR2=%d\n", sigismember(&cur, SIGUSR1),
	       sigismember(&cur, SIGUSR2));

	/* an ignored signal is discarded, even when raised while blocked */
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	sigpending(&pend);
	printf("ignored USR2 pending while blocked: %d\n", sigismember(&pend, SIGUSR2));
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	flush_events("after ignored USR2");

	/* sigaction with an invalid signal number or SIGKILL fails */
	errno = 0;
	printf("sigaction(SIGKILL) fails EINVAL: %d\n",
	       sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
	errno = 0;
	printf("sigaction(0) fails EINVAL: %d\n", sigaction(0, &sa, NULL) == -1 && errno == EINVAL);
	/* blocking SIGKILL/SIGSTOP is silently ignored */
	sigemptyset(&set);
	sigaddset(&set, SIGKILL);
	sigaddset(&set, SIGSTOP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	printf("KILL/STOP blockable: %d/%d\n", sigismember(&cur, SIGKILL),
	       sigismember(&cur, SIGSTOP));

	/* SIG_DFL restored; a default-ignored signal does nothing */
	signal(SIGUSR1, SIG_DFL);
	raise(SIGCHLD);
	raise(SIGURG);
	raise(SIGWINCH);
	printf("sigbasic: %d events, done\n", (int)nev);
	return 0;
}
