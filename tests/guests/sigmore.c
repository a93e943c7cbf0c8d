/* sigmore: signal semantics beyond the basics, single-threaded and
 * deterministic: several pending signals released at once, queued real-time
 * signals, SA_RESETHAND, SA_NODEFER nesting, sigsuspend, sigwaitinfo,
 * sigtimedwait, synchronous faults with si_addr and siglongjmp,
 * sigaltstack/SA_ONSTACK, and handlers that edit their ucontext (mask, and
 * on x86_64 the instruction pointer). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static char log_buf[4096];
static volatile size_t log_len;

/* async-signal-safe append to the event log */
static void logs(const char *s)
{
	while (*s && log_len < sizeof log_buf - 1)
		log_buf[log_len++] = *s++;
}

static void logn(long n)
{
	char tmp[24];
	int i = 0;
	if (n < 0) {
		logs("-");
		n = -n;
	}
	do
		tmp[i++] = (char)('0' + n % 10);
	while ((n /= 10) && i < 23);
	while (i--) {
		char c[2] = { tmp[i], 0 };
		logs(c);
	}
}

static const char *name(int sig)
{
	if (sig == SIGUSR1) return "USR1";
	if (sig == SIGUSR2) return "USR2";
	if (sig == SIGHUP) return "HUP";
	if (sig == SIGTERM) return "TERM";
	if (sig == SIGSEGV) return "SEGV";
	if (sig == SIGILL) return "ILL";
	if (sig == SIGRTMIN) return "RTMIN";
	if (sig == SIGRTMIN + 1) return "RTMIN+1";
	return "?";
}

static void flush(const char *what)
{
	log_buf[log_len] = 0;
	printf("%s:%s\n", what, log_len ? log_buf : " (none)");
	log_len = 0;
}

static void rec(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	logs(" ");
	logs(name(sig));
	if (si->si_code == SI_QUEUE) {
		logs("=");
		logn(si->si_value.sival_int);
	}
}

static void on(int sig, void (*h)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | flags;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL))
		printf("sigaction %s failed\n", name(sig));
}

static void block(int how, int a, int b, int c)
{
	sigset_t s;
	sigemptyset(&s);
	if (a) sigaddset(&s, a);
	if (b) sigaddset(&s, b);
	if (c) sigaddset(&s, c);
	sigprocmask(how, &s, NULL);
}

static int blocked(int sig)
{
	sigset_t s;
	sigprocmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig);
}

/* --- nesting --- */
static int depth, entries;
static void nest(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	depth++;
	logs(" enter");
	logn(depth);
	if (++entries == 1)
		raise(sig);
	logs(" leave");
	logn(depth);
	depth--;
}

/* --- faults --- */
static sigjmp_buf jb;
static volatile uintptr_t fault_addr;
static volatile int fault_code;
static void segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	fault_addr = (uintptr_t)si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}

/* --- altstack --- */
static char *alt_lo, *alt_hi;
static volatile int on_alt, ss_onstack;
static void where(int sig, siginfo_t *si, void *uc)
{
	volatile char here;
	stack_t ss;
	(void)sig, (void)si, (void)uc;
	on_alt = &here >= alt_lo && &here < alt_hi;
	sigaltstack(NULL, &ss);
	ss_onstack = (ss.ss_flags & SS_ONSTACK) != 0;
}

/* --- ucontext edits --- */
static void add_usr2_to_mask(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig, (void)si;
	sigaddset(&uc->uc_sigmask, SIGUSR2);
	/* a mask change made with sigprocmask inside the handler is undone */
	block(SIG_BLOCK, SIGHUP, 0, 0);
	logs(" edited");
}

#if defined(__x86_64__)
static void skip_ud2(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)sig;
	logs(" ILL");
	logs(si->si_code == ILL_ILLOPN ? " ILL_ILLOPN" : " other-code");
	logs((uintptr_t)si->si_addr == (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] ? " addr=pc" : " addr!=pc");
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* ud2 is 2 bytes */
}
#endif

int main(void)
{
	sigset_t s;
	siginfo_t si;
	long pg = sysconf(_SC_PAGESIZE);

	/* 1. several standard signals pending, released by one unblock */
	on(SIGUSR1, rec, 0, NULL);
	on(SIGUSR2, rec, 0, NULL);
	on(SIGHUP, rec, 0, NULL);
	block(SIG_BLOCK, SIGUSR1, SIGUSR2, SIGHUP);
	raise(SIGUSR2);
	raise(SIGHUP);
	raise(SIGUSR1);
	raise(SIGUSR1);
	flush("while blocked");
	block(SIG_UNBLOCK, SIGUSR1, SIGUSR2, SIGHUP);
	flush("released USR2,HUP,USR1x2");

	/* same, but each handler blocks the others: strict lowest-first order */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigaddset(&s, SIGUSR2);
	sigaddset(&s, SIGHUP);
	on(SIGUSR1, rec, 0, &s);
	on(SIGUSR2, rec, 0, &s);
	on(SIGHUP, rec, 0, &s);
	block(SIG_BLOCK, SIGUSR1, SIGUSR2, SIGHUP);
	raise(SIGUSR2);
	raise(SIGHUP);
	raise(SIGUSR1);
	block(SIG_UNBLOCK, SIGUSR1, SIGUSR2, SIGHUP);
	flush("released with sa_mask");

	/* 2. real-time signals queue, in order, with their values */
	on(SIGRTMIN, rec, 0, NULL);
	on(SIGRTMIN + 1, rec, 0, NULL);
	block(SIG_BLOCK, SIGRTMIN, SIGRTMIN + 1, 0);
	for (int i = 1; i <= 3; i++)
		sigqueue(getpid(), SIGRTMIN + 1, (union sigval){ .sival_int = 10 + i });
	for (int i = 1; i <= 3; i++)
		sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i });
	sigpending(&s);
	printf("RT pending: %d %d\n", sigismember(&s, SIGRTMIN), sigismember(&s, SIGRTMIN + 1));
	sigemptyset(&s);
	sigaddset(&s, SIGRTMIN);
	sigaddset(&s, SIGRTMIN + 1);
	on(SIGRTMIN, rec, 0, &s);
	on(SIGRTMIN + 1, rec, 0, &s);
	block(SIG_UNBLOCK, SIGRTMIN, SIGRTMIN + 1, 0);
	flush("RT released");

	/* 3. SA_RESETHAND */
	on(SIGUSR1, rec, SA_RESETHAND, NULL);
	raise(SIGUSR1);
	struct sigaction q;
	sigaction(SIGUSR1, NULL, &q);
	flush("SA_RESETHAND delivery");
	printf("after SA_RESETHAND: default=%d\n", q.sa_handler == SIG_DFL);

	/* 4. nesting: deferred without SA_NODEFER, immediate with it */
	on(SIGUSR1, nest, 0, NULL);
	raise(SIGUSR1);
	flush("raise inside handler");
	entries = 0;
	on(SIGUSR1, nest, SA_NODEFER, NULL);
	raise(SIGUSR1);
	flush("raise inside SA_NODEFER handler");

	/* 5. sigsuspend */
	on(SIGUSR1, rec, 0, NULL);
	block(SIG_BLOCK, SIGUSR1, 0, 0);
	raise(SIGUSR1);
	sigemptyset(&s);
	errno = 0;
	int rc = sigsuspend(&s);
	printf("sigsuspend rc=%d EINTR=%d USR1 blocked again=%d\n", rc, errno == EINTR,
	       blocked(SIGUSR1));
	flush("sigsuspend handler");
	block(SIG_UNBLOCK, SIGUSR1, 0, 0);

	/* 6. sigwaitinfo / sigtimedwait take a pending signal without a handler */
	block(SIG_BLOCK, SIGUSR2, 0, 0);
	raise(SIGUSR2);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	rc = sigwaitinfo(&s, &si);
	/* glibc folds SI_TKILL into SI_USER here, musl does not */
	printf("sigwaitinfo: %s code=%s\n", rc == SIGUSR2 ? "USR2" : "bad",
	       si.si_code == SI_TKILL ? "SI_TKILL" : si.si_code == SI_USER ? "SI_USER" : "other");
	sigqueue(getpid(), SIGUSR2, (union sigval){ .sival_int = 5 });
	struct timespec zero = { 0, 0 };
	rc = sigtimedwait(&s, &si, &zero);
	printf("sigtimedwait: %s value=%d\n", rc == SIGUSR2 ? "USR2" : "bad", si.si_value.sival_int);
	errno = 0;
	rc = sigtimedwait(&s, &si, &zero);
	printf("sigtimedwait empty: rc=%d EAGAIN=%d\n", rc, errno == EAGAIN);
	struct timespec short_wait = { 0, 20 * 1000 * 1000 };
	errno = 0;
	rc = sigtimedwait(&s, &si, &short_wait);
	printf("sigtimedwait 20ms: rc=%d EAGAIN=%d\n", rc, errno == EAGAIN);
	flush("no handler ran");
	block(SIG_UNBLOCK, SIGUSR2, 0, 0);

	/* 7. synchronous faults: si_addr, si_code, siglongjmp restores the mask */
	on(SIGSEGV, segv, 0, NULL);
	char *m = mmap(NULL, 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sigsetjmp(jb, 1) == 0) {
		*(volatile char *)(m + 123) = 1;
		printf("no fault\n");
	}
	printf("SEGV prot: addr ok=%d SEGV_ACCERR=%d SEGV blocked after longjmp=%d\n",
	       fault_addr == (uintptr_t)(m + 123), fault_code == SEGV_ACCERR, blocked(SIGSEGV));
	munmap(m, 2 * pg);
	if (sigsetjmp(jb, 1) == 0) {
		(void)*(volatile char *)(m + pg + 7);
		printf("no fault\n");
	}
	printf("SEGV unmapped: addr ok=%d SEGV_MAPERR=%d\n", fault_addr == (uintptr_t)(m + pg + 7),
	       fault_code == SEGV_MAPERR);
	/* a fault inside the handler's own sa_mask-blocked state is fatal only
	 * when unhandled: here it is handled twice in a row */
	volatile int faults = 0;
	for (volatile int i = 0; i < 3; i++)
		if (sigsetjmp(jb, 1) == 0)
			(void)*(volatile char *)(m + 1);
		else
			faults++;
	printf("repeated faults handled: %d\n", faults);

	/* 8. sigaltstack and SA_ONSTACK */
	stack_t ss = { 0 };
	size_t altsz = 64 * 1024;
	alt_lo = malloc(altsz);
	alt_hi = alt_lo + altsz;
	ss.ss_sp = alt_lo;
	ss.ss_size = altsz;
	printf("sigaltstack: %d\n", sigaltstack(&ss, NULL));
	stack_t oss;
	sigaltstack(NULL, &oss);
	printf("sigaltstack query: size ok=%d flags=%d\n", oss.ss_size == altsz, oss.ss_flags);
	on(SIGUSR1, where, SA_ONSTACK, NULL);
	raise(SIGUSR1);
	printf("SA_ONSTACK handler on altstack=%d SS_ONSTACK=%d\n", on_alt, ss_onstack);
	on(SIGUSR1, where, 0, NULL);
	raise(SIGUSR1);
	printf("plain handler on altstack=%d SS_ONSTACK=%d\n", on_alt, ss_onstack);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &oss);
	printf("sigaltstack disabled: %d\n", (oss.ss_flags & SS_DISABLE) != 0);
	errno = 0;
	ss.ss_flags = 0;
	ss.ss_size = 1024;
	printf("tiny sigaltstack ENOMEM: %d\n", sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
	free(alt_lo);

	/* 9. handler edits uc_sigmask: the edit sticks, its sigprocmask does not */
	on(SIGUSR1, add_usr2_to_mask, 0, NULL);
	raise(SIGUSR1);
	flush("ucontext mask edit");
	printf("after return: USR2 blocked=%d HUP blocked=%d\n", blocked(SIGUSR2), blocked(SIGHUP));
	block(SIG_UNBLOCK, SIGUSR2, 0, 0);

#if defined(__x86_64__)
	/* 10. handler moves the PC past a faulting instruction */
	on(SIGILL, skip_ud2, 0, NULL);
	__asm__ volatile("ud2");
	flush("ud2 skipped");
#endif

	/* 11. default action of a blocked fatal signal is deferred */
	signal(SIGTERM, SIG_DFL);
	block(SIG_BLOCK, SIGTERM, 0, 0);
	raise(SIGTERM);
	printf("TERM blocked and pending: %d\n", (sigpending(&s), sigismember(&s, SIGTERM)));
	signal(SIGTERM, SIG_IGN); /* discards the pending signal */
	sigpending(&s);
	printf("TERM pending after SIG_IGN: %d\n", sigismember(&s, SIGTERM));
	signal(SIGTERM, SIG_DFL);
	block(SIG_UNBLOCK, SIGTERM, 0, 0);
	printf("sigmore: done\n");
	return 0;
}
