/* signest: nesting and ordering of handlers, recorded as begin/end events.
 *   - a handler raising another signal runs it nested;
 *   - the same with that signal in sa_mask: it waits until the first ends;
 *   - a handler raising its own signal: deferred (nested with SA_NODEFER,
 *     to depth 5);
 *   - several signals pending while blocked, released by one sigprocmask:
 *     the kernel sets up one frame per deliverable signal before returning
 *     to user mode, so the handlers run nested in a precise order (and one
 *     at a time, lowest number first, when each handler's sa_mask blocks
 *     all the others);
 *   - standard signals do not queue, real-time signals do. */
#include "../lifecycle/util.c"

static char log_[2048];
static volatile int depth;

static void ev(const char *s)
{
	size_t n = strlen(log_);
	snprintf(log_ + n, sizeof log_ - n, "%s%s", n ? " " : "", s);
}

static const char *short_name(int sig)
{
	static char buf[8][32];
	static int k;
	char *b = buf[k++ & 7];
	snprintf(b, 32, "%s", sname(sig));
	return b;
}

static volatile sig_atomic_t chain_to; /* the signal a handler raises, 0 for none */
static volatile sig_atomic_t recurse;

static void handler(int sig)
{
	char b[32];
	snprintf(b, sizeof b, "%s{", short_name(sig));
	ev(b);
	depth++;
	if (chain_to && depth == 1) {
		int s = chain_to;
		chain_to = 0; /* once */
		raise(s);
		ev("raised");
	}
	if (recurse && sig == SIGHUP && depth < 5) /* SA_NODEFER recursion */
		raise(SIGHUP);
	depth--;
	snprintf(b, sizeof b, "}%s", short_name(sig));
	ev(b);
}

static void install(int sig, int flags, int masked)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (masked == -1)
		sigfillset(&sa.sa_mask);
	else if (masked)
		sigaddset(&sa.sa_mask, masked);
	sigaction(sig, &sa, NULL);
}

static void show(const char *name)
{
	say("%s: %s", name, log_);
	log_[0] = 0;
}

int main(void)
{
	install(SIGUSR1, 0, 0);
	install(SIGUSR2, 0, 0);
	chain_to = SIGUSR2;
	raise(SIGUSR1);
	show("nested");

	install(SIGUSR1, 0, SIGUSR2);
	chain_to = SIGUSR2;
	raise(SIGUSR1);
	show("deferred-by-sa_mask");

	chain_to = SIGUSR1;
	raise(SIGUSR1);
	show("self-deferred");

	install(SIGHUP, SA_NODEFER, 0);
	recurse = 1;
	raise(SIGHUP);
	recurse = 0;
	show("SA_NODEFER-recursion");

	/* Several pending, released at once. */
	int sigs[] = { SIGTERM, SIGUSR2, SIGHUP, SIGUSR1, SIGRTMIN + 2, SIGRTMIN, SIGWINCH };
	int n = sizeof sigs / sizeof sigs[0];
	sigset_t all, old;
	sigfillset(&all);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++)
			install(sigs[i], 0, pass ? -1 : 0);
		sigprocmask(SIG_BLOCK, &all, &old);
		for (int i = 0; i < n; i++)
			raise(sigs[i]);
		sigprocmask(SIG_SETMASK, &old, NULL);
		show(pass ? "released, each masking all" : "released, nothing masked");
	}

	/* Queueing: three of a standard signal, three of a real-time one. */
	sigprocmask(SIG_BLOCK, &all, &old);
	for (int i = 0; i < 3; i++) {
		raise(SIGUSR1);
		raise(SIGRTMIN + 2);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	show("queueing (handlers masking all)");
	return 0;
}
