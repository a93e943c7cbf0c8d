/* sigstack: where handlers run.  On the interrupted stack (just below the
 * interrupted frame, aligned as the ABI wants), on the thread's own
 * sigaltstack with SA_ONSTACK (and sigaltstack reports SS_ONSTACK there,
 * uc_stack describes it), nested on the altstack below the outer frame,
 * back on the normal stack once the altstack is disabled, a handler
 * without SA_ONSTACK on the normal stack, a thread's handler on that
 * thread's stack and on its own altstack (threads start without one),
 * SS_AUTODISARM, and the errors: EPERM while on the altstack, ENOMEM for a
 * too small one, EINVAL for bad flags. */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <stdint.h>
#include <sys/auxv.h>

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static volatile uintptr_t ref_sp;     /* a local of the interrupted frame */
static uintptr_t alt_lo, alt_hi;      /* the current altstack */
static volatile uintptr_t h_sp, h_sp2; /* a handler's local */
static volatile int h_onstack_flag, h_ucstack_ok, h_aligned, h_eperm, h_autodisarm_flags;
static volatile int depth;

static void note_stack(int sig, siginfo_t *si, void *ucv)
{
	(void)si;
	volatile char here;
	ucontext_t *uc = ucv;
	stack_t ss;
	sigaltstack(NULL, &ss);
	if (depth == 0) {
		h_sp = (uintptr_t)&here;
		h_onstack_flag = (ss.ss_flags & SS_ONSTACK) != 0;
		h_ucstack_ok = alt_lo ? (uintptr_t)uc->uc_stack.ss_sp == alt_lo && uc->uc_stack.ss_size == alt_hi - alt_lo
				      : (uc->uc_stack.ss_flags & SS_DISABLE) != 0;
		h_aligned = ((uintptr_t)__builtin_frame_address(0) & 15) == 0;
		/* Changing the altstack while on it is refused. */
		stack_t again = ss;
		again.ss_flags = 0;
		h_eperm = (ss.ss_flags & SS_ONSTACK) ? sigaltstack(&again, NULL) == -1 && errno == EPERM : -1;
		if (sig == SIGUSR2) {
			depth = 1;
			raise(SIGUSR1); /* nested, same altstack */
			depth = 0;
		}
	} else {
		h_sp2 = (uintptr_t)&here;
	}
}

static void autodisarm_handler(int sig)
{
	(void)sig;
	stack_t ss;
	sigaltstack(NULL, &ss);
	h_autodisarm_flags = ss.ss_flags;
	volatile char here;
	h_sp = (uintptr_t)&here;
}

static void install(int sig, int flags, void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

static const char *where(uintptr_t sp)
{
	if (alt_lo && sp >= alt_lo && sp < alt_hi)
		return "altstack";
	if (sp < ref_sp && ref_sp - sp < 64 * 1024)
		return "interrupted-stack";
	return "elsewhere";
}

static void fire(const char *name, int sig)
{
	volatile char ref;
	ref_sp = (uintptr_t)&ref;
	h_sp = h_sp2 = 0;
	raise(sig);
	say("%s: handler on %s onstack-flag=%s uc_stack=%s aligned=%s", name, where(h_sp), yn(h_onstack_flag),
	    yn(h_ucstack_ok), yn(h_aligned));
}

static char *alt_mem;
static size_t alt_size;

static void set_alt(char *mem, size_t size, int flags)
{
	stack_t ss = { .ss_sp = mem, .ss_size = size, .ss_flags = flags };
	if (sigaltstack(&ss, NULL) != 0)
		say("sigaltstack: %s", ename(errno));
	alt_lo = (uintptr_t)mem;
	alt_hi = alt_lo + size;
}

static void *thread_main(void *arg)
{
	(void)arg;
	volatile char ref;
	stack_t ss;
	sigaltstack(NULL, &ss);
	say("thread: starts without altstack=%s", yn((ss.ss_flags & SS_DISABLE) != 0));
	uintptr_t save_lo = alt_lo, save_hi = alt_hi;
	alt_lo = alt_hi = 0;
	ref_sp = (uintptr_t)&ref;
	h_sp = 0;
	pthread_kill(pthread_self(), SIGUSR1);
	say("thread: SA_ONSTACK handler without altstack on %s", where(h_sp));
	static char talt[64 * 1024];
	set_alt(talt, sizeof talt, 0);
	h_sp = 0;
	pthread_kill(pthread_self(), SIGUSR1);
	say("thread: with its own altstack on %s", where(h_sp));
	stack_t off = { .ss_flags = SS_DISABLE };
	sigaltstack(&off, NULL);
	alt_lo = save_lo;
	alt_hi = save_hi;
	return NULL;
}

int main(void)
{
	long minsig = (long)getauxval(AT_MINSIGSTKSZ);
	alt_size = 256 * 1024;
	if (minsig > 0 && (size_t)minsig * 4 > alt_size)
		alt_size = (size_t)minsig * 4;
	alt_mem = malloc(alt_size);

	stack_t ss;
	sigaltstack(NULL, &ss);
	say("initial: altstack disabled=%s", yn((ss.ss_flags & SS_DISABLE) != 0));

	install(SIGUSR1, SA_ONSTACK, note_stack);
	install(SIGUSR2, SA_ONSTACK, note_stack);
	install(SIGHUP, 0, note_stack);
	fire("no-altstack", SIGUSR1);

	set_alt(alt_mem, alt_size, 0);
	sigaltstack(NULL, &ss);
	say("set: query gives it back=%s flags=%d", yn(ss.ss_sp == alt_mem && ss.ss_size == alt_size), ss.ss_flags);
	fire("onstack", SIGUSR1);
	say("onstack: sigaltstack while on it gives EPERM=%s", yn(h_eperm == 1));
	fire("without-SA_ONSTACK", SIGHUP);
	fire("nested-outer", SIGUSR2);
	say("nested-inner: on %s, below outer=%s", where(h_sp2), yn(h_sp2 && h_sp2 < h_sp));

	/* Disabled again: the normal stack. */
	stack_t off = { .ss_flags = SS_DISABLE };
	sigaltstack(&off, NULL);
	uintptr_t lo = alt_lo, hi = alt_hi;
	alt_lo = alt_hi = 0;
	fire("disabled", SIGUSR1);
	alt_lo = lo;
	alt_hi = hi;

	/* Errors. */
	stack_t small = { .ss_sp = alt_mem, .ss_size = 512, .ss_flags = 0 };
	errno = 0;
	int r = sigaltstack(&small, NULL);
	say("too-small: %d %s", r, ename(errno));
	stack_t badflags = { .ss_sp = alt_mem, .ss_size = alt_size, .ss_flags = 0x40 };
	errno = 0;
	r = sigaltstack(&badflags, NULL);
	say("bad-flags: %d %s", r, ename(errno));

	/* SS_AUTODISARM: the altstack is disarmed while the handler runs and
	 * back after it returns. */
	set_alt(alt_mem, alt_size, SS_AUTODISARM);
	struct sigaction sa = { 0 };
	sa.sa_handler = autodisarm_handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGWINCH, &sa, NULL);
	h_autodisarm_flags = -1;
	raise(SIGWINCH);
	sigaltstack(NULL, &ss);
	say("autodisarm: handler on %s, inside flags=%s, after return armed=%s", where(h_sp),
	    h_autodisarm_flags == SS_DISABLE ? "SS_DISABLE" : "other",
	    yn(ss.ss_sp == alt_mem && (ss.ss_flags & SS_DISABLE) == 0));
	set_alt(alt_mem, alt_size, 0);

	/* Threads: their own stack, then their own altstack. */
	pthread_t t;
	pthread_create(&t, NULL, thread_main, NULL);
	pthread_join(t, NULL);

	/* A forked child keeps the altstack. */
	pid_t pid = fork();
	if (pid == 0) {
		h_sp = 0;
		raise(SIGUSR1);
		_exit(h_sp >= alt_lo && h_sp < alt_hi ? 0 : 1);
	}
	int st;
	xwaitpid(pid, &st, 0);
	say("fork: child handler on inherited altstack=%s", yn(WIFEXITED(st) && WEXITSTATUS(st) == 0));
	return 0;
}
