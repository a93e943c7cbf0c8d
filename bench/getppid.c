/* bench/getppid: cost of one cheap system call (getppid) under different
 * interception mechanisms.  See bench/README.md.
 *
 *   getppid MODE [ITERATIONS [REPETITIONS]]
 *
 * Modes:
 *   plain          the calls, nothing else (run it under tvisor-nop, strace,
 *                  proot, ... to measure those);
 *   allow-filter   after installing a seccomp filter that ALLOWs everything;
 *   inline-sigsys  getppid TRAPs unless issued from one syscall instruction
 *                  (bench_stub_ret); a SIGSYS handler on a sigaltstack
 *                  performs it from there and writes the result into the
 *                  ucontext: the floor of a SIGSYS-based monitor;
 *   handoff        no signal: a second thread performs each call, and each
 *                  side waits for the other as core/thread.c does: spin
 *                  BENCH_SPIN pause/yield iterations (default 2000, the
 *                  fixed count core/thread.c used up to 6070cc3), then
 *                  FUTEX_WAIT; BENCH_PIN=same (both threads on CPU 0),
 *                  cross (CPU 0 and CPU 1) or none (default).
 *
 * BENCH_CALL=fcntl measures fcntl(fd, F_GETFD) on an fd opened at start
 * instead of getppid: just as cheap, but not in tvisor's class of calls
 * that never block (core/sysclass.c), so under tvisor-nop it still goes
 * through the guest thread -> kernel thread hand-off, which getppid no
 * longer does.
 *
 * Prints one line on stdout, "MODE ns_per_call": the median over
 * REPETITIONS (default 7, or BENCH_REPS) of the mean time per call of
 * ITERATIONS (default 200000, or BENCH_ITER) calls, after a warm-up of
 * ITERATIONS/10 calls.  The result of the calls is checked against what
 * the call returned before anything was installed (and in inline-sigsys
 * mode, that every warm-up call raised one SIGSYS); exit status 1 on any
 * error, so a broken mechanism never shows as a fast number.
 *
 * The measured call is issued with inline asm, not glibc's syscall(): the
 * wrapper's argument shuffling and errno check would be counted in every
 * mode, and inline asm keeps the loop identical whatever runs it.  The
 * arch-specific parts (that call, the stub, the ucontext register, the spin
 * hint) are the two blocks below.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ucontext.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>

#ifndef SYS_SECCOMP
/* si_code of a SECCOMP_RET_TRAP SIGSYS; the UAPI header that has it
 * (asm-generic/siginfo.h) clashes with glibc's <signal.h>. */
#define SYS_SECCOMP 1
#endif
#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

/* bench_stub_syscall(nr, a0..a5): issues nr from the one instruction the
 * inline-sigsys filter lets the measured call through; bench_stub_ret is the address
 * just after it, which is what seccomp_data.instruction_pointer holds. */
long bench_stub_syscall(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
extern const char bench_stub_ret[];

#if defined(__x86_64__)
#define BENCH_AUDIT_ARCH AUDIT_ARCH_X86_64
__asm__(".text\n"
	".globl bench_stub_syscall\n"
	".globl bench_stub_ret\n"
	".type bench_stub_syscall,@function\n"
	"bench_stub_syscall:\n"
	"	mov %rdi, %rax\n"
	"	mov %rsi, %rdi\n"
	"	mov %rdx, %rsi\n"
	"	mov %rcx, %rdx\n"
	"	mov %r8, %r10\n"
	"	mov %r9, %r8\n"
	"	mov 8(%rsp), %r9\n"
	"	syscall\n"
	"bench_stub_ret:\n"
	"	ret\n"
	".size bench_stub_syscall, .-bench_stub_syscall\n");

static inline long raw_call(long nr, long a0, long a1)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a0), "S"(a1) : "rcx", "r11", "memory");
	return ret;
}

static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/* After a SECCOMP_RET_TRAP the kernel has rolled the registers back to the
 * syscall's entry state: number in RAX, arguments in the ABI registers. */
static long uc_arg(ucontext_t *uc, int i)
{
	static const int reg[6] = { REG_RDI, REG_RSI, REG_RDX, REG_R10, REG_R8, REG_R9 };
	return (long)uc->uc_mcontext.gregs[reg[i]];
}
static void uc_set_ret(ucontext_t *uc, long v) { uc->uc_mcontext.gregs[REG_RAX] = v; }

#elif defined(__aarch64__)
#define BENCH_AUDIT_ARCH AUDIT_ARCH_AARCH64
__asm__(".text\n"
	".globl bench_stub_syscall\n"
	".globl bench_stub_ret\n"
	".type bench_stub_syscall,%function\n"
	"bench_stub_syscall:\n"
	"	mov x8, x0\n"
	"	mov x0, x1\n"
	"	mov x1, x2\n"
	"	mov x2, x3\n"
	"	mov x3, x4\n"
	"	mov x4, x5\n"
	"	mov x5, x6\n"
	"	svc #0\n"
	"bench_stub_ret:\n"
	"	ret\n"
	".size bench_stub_syscall, .-bench_stub_syscall\n");

static inline long raw_call(long nr, long a0, long a1)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	return x0;
}

static inline void cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

static long uc_arg(ucontext_t *uc, int i) { return (long)uc->uc_mcontext.regs[i]; }
static void uc_set_ret(ucontext_t *uc, long v) { uc->uc_mcontext.regs[0] = (unsigned long)v; }

#else
#error "bench/getppid.c: only x86_64 and aarch64"
#endif

/* The measured call: getppid, or fcntl(call_fd, F_GETFD) with BENCH_CALL=fcntl. */
static int use_fcntl;
static int call_fd = -1;
static long call_nr = SYS_getppid;

static inline long raw_getppid(void) { return raw_call(SYS_getppid, 0, 0); }
static inline long raw_fcntl(void) { return raw_call(SYS_fcntl, call_fd, F_GETFD); }
static inline long the_call(void) { return use_fcntl ? raw_fcntl() : raw_getppid(); }

static void die(const char *what)
{
	fprintf(stderr, "getppid: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static long env_long(const char *name, long dflt)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return dflt;
	char *end;
	long v = strtol(s, &end, 10);
	return *end || v <= 0 ? dflt : v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void install_filter(struct sock_filter *prog, unsigned short len)
{
	struct sock_fprog fprog = { .len = len, .filter = prog };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		die("PR_SET_NO_NEW_PRIVS");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog))
		die("seccomp");
}

/* ---- allow-filter ---- */

static void setup_allow_filter(void)
{
	struct sock_filter prog[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	install_filter(prog, sizeof prog / sizeof prog[0]);
}

/* ---- inline-sigsys ---- */

static volatile unsigned long sigsys_count;

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	ucontext_t *uc = ctx;
	if (si->si_code != SYS_SECCOMP || si->si_arch != BENCH_AUDIT_ARCH)
		return;
	sigsys_count++;
	uc_set_ret(uc, bench_stub_syscall(si->si_syscall, uc_arg(uc, 0), uc_arg(uc, 1),
					  uc_arg(uc, 2), uc_arg(uc, 3), uc_arg(uc, 4),
					  uc_arg(uc, 5)));
}

static void setup_inline_sigsys(void)
{
	size_t size = 64 * 1024;
	unsigned long min = getauxval(AT_MINSIGSTKSZ);
	if (min * 4 > size)
		size = min * 4;
	stack_t ss = { .ss_sp = malloc(size), .ss_size = size, .ss_flags = 0 };
	if (!ss.ss_sp)
		die("malloc");
	if (sigaltstack(&ss, NULL))
		die("sigaltstack");

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSYS, &sa, NULL))
		die("sigaction");

	uint64_t ip = (uintptr_t)bench_stub_ret;
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BENCH_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)call_nr, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* little-endian on both arches: low word first */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)ip, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(ip >> 32), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
	};
	install_filter(prog, sizeof prog / sizeof prog[0]);
}

/* ---- handoff: G posts, K performs, G waits (no signals) ---- */

enum { ST_IDLE, ST_REQUEST, ST_REPLY };

static struct {
	_Alignas(64) int state;
	int g_sleeping, k_sleeping;
	long ret;
} chan;
static long spin_iters = 2000;

static void futex_wait(int *addr, int val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);
}

static void wait_state(int want, int *sleeping)
{
	for (long i = 0; i < spin_iters; i++) {
		if (__atomic_load_n(&chan.state, __ATOMIC_ACQUIRE) == want)
			return;
		cpu_relax();
	}
	for (;;) {
		int s = __atomic_load_n(&chan.state, __ATOMIC_ACQUIRE);
		if (s == want)
			return;
		__atomic_store_n(sleeping, 1, __ATOMIC_SEQ_CST);
		futex_wait(&chan.state, s);
		__atomic_store_n(sleeping, 0, __ATOMIC_SEQ_CST);
	}
}

static void post_state(int state, int *partner_sleeping)
{
	__atomic_store_n(&chan.state, state, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(partner_sleeping, __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &chan.state, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
}

static void pin_self(int cpu)
{
	if (cpu < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof set, &set))
		die("sched_setaffinity");
}

static int k_cpu = -1;

static void *k_thread(void *arg)
{
	(void)arg;
	pin_self(k_cpu);
	for (;;) {
		wait_state(ST_REQUEST, &chan.k_sleeping);
		chan.ret = the_call();
		post_state(ST_REPLY, &chan.g_sleeping);
	}
	return NULL;
}

static long handoff_call(void)
{
	post_state(ST_REQUEST, &chan.k_sleeping);
	wait_state(ST_REPLY, &chan.g_sleeping);
	return chan.ret;
}

static void setup_handoff(void)
{
	const char *pin = getenv("BENCH_PIN");
	int g_cpu = -1;
	if (pin && !strcmp(pin, "same"))
		g_cpu = k_cpu = 0;
	else if (pin && !strcmp(pin, "cross"))
		g_cpu = 0, k_cpu = 1;
	else if (pin && *pin && strcmp(pin, "none")) {
		fprintf(stderr, "getppid: BENCH_PIN must be same, cross or none\n");
		exit(1);
	}
	const char *s = getenv("BENCH_SPIN");
	if (s && *s)
		spin_iters = strtol(s, NULL, 10);
	pin_self(g_cpu);
	pthread_t t;
	errno = pthread_create(&t, NULL, k_thread, NULL);
	if (errno)
		die("pthread_create");
}

/* ---- timing ---- */

enum mode { M_PLAIN, M_ALLOW, M_SIGSYS, M_HANDOFF };

static long one_call(enum mode m)
{
	return m == M_HANDOFF ? handoff_call() : the_call();
}

/* The loops are kept apart so that the common ones are a bare run of
 * syscall instructions. */
static long run(enum mode m, long n)
{
	long r = 0;
	if (m == M_HANDOFF)
		for (long i = 0; i < n; i++)
			r = handoff_call();
	else if (use_fcntl)
		for (long i = 0; i < n; i++)
			r = raw_fcntl();
	else
		for (long i = 0; i < n; i++)
			r = raw_getppid();
	return r;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "plain", "allow-filter", "inline-sigsys", "handoff" };
	enum mode m;

	if (argc < 2 || argc > 4)
		goto usage;
	for (m = 0; m < sizeof names / sizeof names[0]; m++)
		if (!strcmp(argv[1], names[m]))
			break;
	if (m == sizeof names / sizeof names[0])
		goto usage;
	long iters = argc > 2 ? atol(argv[2]) : env_long("BENCH_ITER", 200000);
	long reps = argc > 3 ? atol(argv[3]) : env_long("BENCH_REPS", 7);
	if (iters <= 0 || reps <= 0 || reps > 1000)
		goto usage;

	const char *call = getenv("BENCH_CALL");
	if (call && !strcmp(call, "fcntl")) {
		use_fcntl = 1;
		call_nr = SYS_fcntl;
		call_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (call_fd < 0)
			die("/dev/null");
	} else if (call && *call && strcmp(call, "getppid")) {
		fprintf(stderr, "getppid: BENCH_CALL must be getppid or fcntl\n");
		return 2;
	}
	long expect = the_call();
	switch (m) {
	case M_PLAIN: break;
	case M_ALLOW: setup_allow_filter(); break;
	case M_SIGSYS: setup_inline_sigsys(); break;
	case M_HANDOFF: setup_handoff(); break;
	}

	long warm = iters / 10 ? iters / 10 : 1;
	long got = run(m, warm);
	if (got != expect || one_call(m) != expect) {
		fprintf(stderr, "getppid: %s: got %ld, expected %ld\n", names[m], got, expect);
		return 1;
	}
	if (m == M_SIGSYS && sigsys_count != (unsigned long)warm + 1) {
		fprintf(stderr, "getppid: inline-sigsys: %lu SIGSYS for %ld calls\n",
			sigsys_count, warm + 1);
		return 1;
	}

	double *ns = calloc(reps, sizeof *ns);
	if (!ns)
		die("calloc");
	for (long r = 0; r < reps; r++) {
		double t0 = now_ns();
		got = run(m, iters);
		ns[r] = (now_ns() - t0) / iters;
		if (got != expect) {
			fprintf(stderr, "getppid: %s: got %ld, expected %ld\n", names[m], got, expect);
			return 1;
		}
	}
	qsort(ns, reps, sizeof *ns, cmp_double);
	double med = reps % 2 ? ns[reps / 2] : (ns[reps / 2 - 1] + ns[reps / 2]) / 2;
	if (getenv("BENCH_VERBOSE")) {
		fprintf(stderr, "getppid %s: %ld x %ld calls, ns/call min %.1f median %.1f max %.1f\n",
			names[m], reps, iters, ns[0], med, ns[reps - 1]);
	}
	printf("%s %.1f\n", names[m], med);
	return fflush(stdout) ? 1 : 0;
usage:
	fprintf(stderr, "usage: %s plain|allow-filter|inline-sigsys|handoff [ITERATIONS [REPETITIONS]]\n",
		argv[0]);
	return 2;
}
