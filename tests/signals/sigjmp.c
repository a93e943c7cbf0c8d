/* sigjmp: leaving handlers with siglongjmp, 10,000 times each way:
 * from a raised signal (10,000 times), and 2,000 times each: from a SIGSEGV fault, from a handler on the
 * sigaltstack (whose frames must not creep: the handler's stack address is
 * the same every time, and sigaltstack says we are off it afterwards), and
 * with sigsetjmp(env, 0), which leaves the signal blocked. */
#include "../lifecycle/util.c"
#include <setjmp.h>
#include <stdint.h>

#define N 10000 /* the raise loop */
#define M 2000  /* the others: each signal costs a lot more under a monitor */
static sigjmp_buf env;
static volatile uintptr_t hsp;

static void jump(int sig)
{
	(void)sig;
	volatile char here;
	hsp = (uintptr_t)&here;
	siglongjmp(env, 1);
}

static void install(int sig, int flags)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = jump;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

int main(void)
{
	volatile int jumps, i;
	sigset_t cur;

	install(SIGUSR1, 0);
	jumps = 0;
	for (i = 0; i < N; i++) {
		if (sigsetjmp(env, 1) == 0)
			raise(SIGUSR1);
		else
			jumps++;
	}
	sigprocmask(SIG_BLOCK, NULL, &cur);
	say("raise: %d jumps, usr1 blocked after=%s", jumps, yn(sigismember(&cur, SIGUSR1)));

	install(SIGSEGV, 0);
	jumps = 0;
	for (i = 0; i < M; i++) {
		if (sigsetjmp(env, 1) == 0)
			*BAD_PTR = i;
		else
			jumps++;
	}
	sigprocmask(SIG_BLOCK, NULL, &cur);
	say("segv: %d jumps, segv blocked after=%s", jumps, yn(sigismember(&cur, SIGSEGV)));

	static char alt[1 << 17];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
	sigaltstack(&ss, NULL);
	install(SIGUSR2, SA_ONSTACK);
	jumps = 0;
	volatile uintptr_t first = 0;
	volatile int stable = 1;
	for (i = 0; i < M; i++) {
		if (sigsetjmp(env, 1) == 0) {
			raise(SIGUSR2);
		} else {
			jumps++;
			if (!first)
				first = hsp;
			stable &= hsp == first;
		}
	}
	sigaltstack(NULL, &ss);
	say("altstack: %d jumps, on-altstack=%s handler-address-stable=%s off-altstack-after=%s", jumps,
	    yn(first >= (uintptr_t)alt && first < (uintptr_t)alt + sizeof alt), yn(stable),
	    yn(!(ss.ss_flags & SS_ONSTACK)));

	/* Faults on the altstack too. */
	install(SIGSEGV, SA_ONSTACK);
	jumps = 0;
	first = 0;
	stable = 1;
	for (i = 0; i < M; i++) {
		if (sigsetjmp(env, 1) == 0) {
			*BAD_PTR = i;
		} else {
			jumps++;
			if (!first)
				first = hsp;
			stable &= hsp == first;
		}
	}
	say("segv-altstack: %d jumps, on-altstack=%s handler-address-stable=%s", jumps,
	    yn(first >= (uintptr_t)alt && first < (uintptr_t)alt + sizeof alt), yn(stable));

	/* sigsetjmp without saving the mask: the handler's mask stays. */
	install(SIGUSR1, 0);
	if (sigsetjmp(env, 0) == 0)
		raise(SIGUSR1);
	sigprocmask(SIG_BLOCK, NULL, &cur);
	say("savemask=0: usr1 blocked after=%s", yn(sigismember(&cur, SIGUSR1)));
	return 0;
}
