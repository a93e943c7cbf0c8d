/* sigfault: synchronous faults.
 *   Handled (the handler leaves with siglongjmp): SIGSEGV on an unmapped
 *   address (SEGV_MAPERR) and on a read-only page (SEGV_ACCERR), SIGBUS
 *   beyond the end of a mapped file (BUS_ADRERR), SIGFPE for an integer
 *   division by zero (FPE_INTDIV, si_addr the instruction; x86_64 only),
 *   SIGILL, SIGTRAP; si_addr checked each time; a stack overflow handled
 *   on the sigaltstack.
 *   Unhandled, in children: the default action, the signal blocked (with a
 *   handler installed), the signal ignored, and a second fault inside the
 *   handler: each kills the child with that signal. */
#include "../lifecycle/util.c"
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#if defined(__x86_64__)
extern char tv_div_insn[], tv_ud_insn[], tv_int3_after[];
long tv_div(long a, long b);
void tv_ud(void);
void tv_int3(void);
__asm__(".text\n"
	".globl tv_div\n.type tv_div,@function\ntv_div:\n"
	"	movq %rdi, %rax\n"
	"	cqto\n"
	".globl tv_div_insn\ntv_div_insn:\n"
	"	idivq %rsi\n"
	"	ret\n"
	".globl tv_ud\n.type tv_ud,@function\ntv_ud:\n"
	".globl tv_ud_insn\ntv_ud_insn:\n"
	"	ud2\n"
	"	ret\n"
	".globl tv_int3\n.type tv_int3,@function\ntv_int3:\n"
	"	int3\n"
	".globl tv_int3_after\ntv_int3_after:\n"
	"	ret\n");
#define HAVE_DIV_TRAP 1
#elif defined(__aarch64__)
extern char tv_ud_insn[], tv_int3_after[];
void tv_ud(void);
void tv_int3(void);
__asm__(".text\n"
	".globl tv_ud\n.type tv_ud,%function\ntv_ud:\n"
	".globl tv_ud_insn\ntv_ud_insn:\n"
	"	udf #0\n"
	"	ret\n"
	".globl tv_int3\n.type tv_int3,%function\ntv_int3:\n"
	".globl tv_int3_after\ntv_int3_after:\n"
	"	brk #0\n"
	"	ret\n");
#define HAVE_DIV_TRAP 0
#endif

static sigjmp_buf env;
static volatile int got_sig, got_code;
static volatile uintptr_t got_addr, handler_sp;

static void handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	volatile char here;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	handler_sp = (uintptr_t)&here;
	siglongjmp(env, 1);
}

static void install(int sig, int flags)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

static const char *code_name(int sig, int code)
{
	if (code == SI_KERNEL)
		return "SI_KERNEL";
	switch (sig) {
	case SIGSEGV: return code == SEGV_MAPERR ? "SEGV_MAPERR" : code == SEGV_ACCERR ? "SEGV_ACCERR" : "other";
	case SIGBUS: return code == BUS_ADRERR ? "BUS_ADRERR" : code == BUS_ADRALN ? "BUS_ADRALN" : "other";
	case SIGFPE: return code == FPE_INTDIV ? "FPE_INTDIV" : "other";
	case SIGILL: return code == ILL_ILLOPN ? "ILL_ILLOPN" : code == ILL_ILLOPC ? "ILL_ILLOPC" : "other";
	case SIGTRAP: return code == TRAP_BRKPT ? "TRAP_BRKPT" : "other";
	}
	return "other";
}

static char *file_page, *ro_page;
static long pagesz;

/* Fault number k (0..5) once. */
static void fault(int k)
{
	switch (k) {
	case 0: *BAD_PTR = 1; break;
	case 1: *(volatile char *)(ro_page + 100) = 1; break;
	case 2: (void)*(volatile char *)(file_page + 200); break;
#if HAVE_DIV_TRAP
	case 3: tv_div(1, 0); break;
#else
	case 3: raise(SIGFPE); break;
#endif
	case 4: tv_ud(); break;
	case 5: tv_int3(); break;
	}
}
static const int fault_sig[] = { SIGSEGV, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
static const char *const fault_name[] = { "segv-unmapped", "segv-readonly", "bus-past-eof", "fpe-div0", "ill",
					  "trap" };

static uintptr_t expected_addr(int k)
{
	switch (k) {
	case 0: return (uintptr_t)BAD_PTR;
	case 1: return (uintptr_t)ro_page + 100;
	case 2: return (uintptr_t)file_page + 200;
#if HAVE_DIV_TRAP
	case 3: return (uintptr_t)tv_div_insn;
#endif
	case 4: return (uintptr_t)tv_ud_insn;
	}
	return 0; /* int3: si_addr is 0 on x86_64; brk: the instruction */
}

static volatile int depth_reached, forever = 1;
static int recurse(int n)
{
	volatile char buf[1024];
	buf[0] = (char)n;
	depth_reached = n;
	return forever ? recurse(n + 1) + buf[0] : 0;
}

static volatile int current;
static void refault(int sig)
{
#if !HAVE_DIV_TRAP
	/* A raised SIGFPE is no fault: blocked in its handler it stays
	 * pending and would run the handler again forever.  Do what the
	 * kernel does for a second fault: the default action. */
	if (current == 3)
		signal(sig, SIG_DFL);
#endif
	(void)sig;
	fault(current);
}

static void death(const char *how, int k)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 0, 0 };
		setrlimit(RLIMIT_CORE, &rl);
		int sig = fault_sig[k];
		for (int i = 0; i < 6; i++)
			signal(fault_sig[i], SIG_DFL);
		if (strcmp(how, "blocked") == 0) {
			install(sig, 0);
			sigset_t m;
			sigemptyset(&m);
			sigaddset(&m, sig);
			sigprocmask(SIG_BLOCK, &m, NULL);
		} else if (strcmp(how, "ignored") == 0) {
			signal(sig, SIG_IGN);
		} else if (strcmp(how, "fault-in-handler") == 0) {
			/* The handler faults the same way while the signal is
			 * blocked in it. */
			current = k;
			struct sigaction sa = { 0 };
			sa.sa_handler = refault;
			sigaction(sig, &sa, NULL);
		}
		fault(k);
		_exit(0); /* survived: wrong */
	}
	int st;
	xwaitpid(pid, &st, 0);
	say("unhandled %s %s: %s", fault_name[k], how, wstr(st));
}

int main(void)
{
	pagesz = sysconf(_SC_PAGESIZE);
	ro_page = mmap(NULL, (size_t)pagesz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char path[] = "/tmp/tvisor-bus.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ro_page == MAP_FAILED)
		return 2;
	unlink(path);
	file_page = mmap(NULL, (size_t)pagesz, PROT_READ, MAP_SHARED, fd, 0); /* the file is empty */
	if (file_page == MAP_FAILED)
		return 2;

	for (int k = 0; k < 6; k++) {
		install(fault_sig[k], 0);
		got_sig = 0;
		if (sigsetjmp(env, 1) == 0)
			fault(k);
		uintptr_t want = expected_addr(k);
		say("handled %s: sig=%s code=%s si_addr=%s", fault_name[k], sname(got_sig), code_name(got_sig, got_code),
		    k == 5 ? (got_addr == 0 ? "zero" : got_addr == (uintptr_t)tv_int3_after ? "insn" : "other")
			   : yn(got_addr == want || (!HAVE_DIV_TRAP && k == 3)));
	}

	/* Stack overflow, handled on the altstack. */
	{
		static char alt[1 << 16];
		stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt };
		sigaltstack(&ss, NULL);
		install(SIGSEGV, SA_ONSTACK);
		got_sig = 0;
		if (sigsetjmp(env, 1) == 0)
			recurse(0);
		say("stack overflow: sig=%s code=%s on-altstack=%s deep=%s", sname(got_sig),
		    code_name(got_sig, got_code),
		    yn(handler_sp >= (uintptr_t)alt && handler_sp < (uintptr_t)alt + sizeof alt),
		    yn(depth_reached > 1000));
	}

	const char *hows[] = { "default", "blocked", "ignored", "fault-in-handler" };
	for (int h = 0; h < 4; h++)
		for (int k = 0; k < 6; k++)
			death(hows[h], k);
	return 0;
}
