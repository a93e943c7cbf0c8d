/* bench/getppid: cost of one cheap system call (getppid, or one of the
 * other classes below) under different interception mechanisms, and with
 * many threads calling at once.  See bench/README.md.
 *
 *   getppid MODE [ITERATIONS [REPETITIONS]]
 *
 * Modes:
 *   plain          the calls, nothing else (run it under tvisor-nop, strace,
 *                  proot, ... to measure those);
 *   allow-filter   after installing a seccomp filter that ALLOWs everything;
 *   inline-sigsys  the measured call TRAPs unless issued from one syscall
 *                  instruction (bench_stub_ret); a SIGSYS handler on a
 *                  sigaltstack performs it from there and writes the result
 *                  into the ucontext: the floor of a SIGSYS-based monitor;
 *   handoff        no signal: a second thread performs each call, and each
 *                  side waits for the other as core/thread.c does: spin
 *                  BENCH_SPIN pause/yield iterations (default 2000, the
 *                  fixed count core/thread.c used up to 6070cc3), then
 *                  FUTEX_WAIT; BENCH_PIN=same (both threads on CPU 0),
 *                  cross (CPU 0 and CPU 1) or none (default).
 *
 * BENCH_CALL picks the measured call, one of each class of call that the
 * core treated apart before every call ran on the guest thread (the
 * never-blocks class and the rest, in the former core/sysclass.c); each is
 * one inline function, the same in every mode:
 *   getppid   getppid() (the default): never blocks;
 *   fcntl     fcntl(fd, F_GETFD) on /dev/null, opened at start: as cheap,
 *             but not in the never-blocks class;
 *   read      write(pipe, 1 byte) then read(pipe, 1 byte), so that the
 *             pipe always has data: only the read is measured (trapped by
 *             inline-sigsys; run tvisor-nop --syscalls read), the write
 *             is there to keep the read from blocking;
 *   write     write(/dev/null, 1 byte);
 *   openat    openat(AT_FDCWD, "/dev/null", O_RDONLY) then close(fd): both
 *             trapped (tvisor-nop --syscalls openat,close);
 *   libc      getppid() through the libc's wrapper ("mov $nr, %eax;
 *             syscall" on x86_64): the shape the rewrite tier rewrites
 *             (docs/rewrite.md), where the inline asm above is not.
 * One "call" below is one such iteration.
 *
 * BENCH_THREADS=N (plain, allow-filter and inline-sigsys; not with
 * BENCH_CALL=openat or read, whose results depend on the other threads)
 * starts N threads that each make ITERATIONS calls per repetition, all
 * released at once.  It then prints "MODE seconds": the median wall time
 * of one repetition, from the first thread's start to the last one's end.
 * inline-sigsys gives each thread its own sigaltstack and checks each
 * thread's SIGSYS count.  BENCH_PIN=spread pins thread i to the i-th
 * allowed CPU (modulo their number), to take the scheduler's placement out
 * of the result.
 *
 * Otherwise it prints one line on stdout, "MODE ns_per_call": the median over
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

static inline long raw_call3(long nr, long a0, long a1, long a2)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a0), "S"(a1), "d"(a2)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long raw_call4(long nr, long a0, long a1, long a2, long a3)
{
	long ret;
	register long r10 __asm__("r10") = a3;
	__asm__ volatile("syscall" : "=a"(ret) : "0"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
			 : "rcx", "r11", "memory");
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

static inline long raw_call3(long nr, long a0, long a1, long a2)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}

static inline long raw_call4(long nr, long a0, long a1, long a2, long a3)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;
	register long x3 __asm__("x3") = a3;
	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
	return x0;
}

static inline void cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

static long uc_arg(ucontext_t *uc, int i) { return (long)uc->uc_mcontext.regs[i]; }
static void uc_set_ret(ucontext_t *uc, long v) { uc->uc_mcontext.regs[0] = (unsigned long)v; }

#else
#error "bench/getppid.c: only x86_64 and aarch64"
#endif

/* The measured call (BENCH_CALL): see the top of the file. */
enum call { C_GETPPID, C_FCNTL, C_READ, C_WRITE, C_OPENAT, C_LIBC };
static const char *const call_names[] = { "getppid", "fcntl", "read", "write", "openat", "libc" };
static enum call which = C_GETPPID;
static int call_fd = -1;		/* fcntl, write: /dev/null */
static int pipe_fd[2] = { -1, -1 };	/* read */
static char byte_out = 'x', byte_in;
/* The calls that inline-sigsys traps (trap_nr[1] == trap_nr[0] if one),
 * and how many of them one iteration makes. */
static long trap_nr[2] = { SYS_getppid, SYS_getppid };
static unsigned long traps_per_call = 1;

static inline long raw_getppid(void) { return raw_call(SYS_getppid, 0, 0); }
static inline long raw_fcntl(void) { return raw_call(SYS_fcntl, call_fd, F_GETFD); }
static inline long raw_read(void)
{
	long w = raw_call3(SYS_write, pipe_fd[1], (long)&byte_out, 1);
	if (w != 1)
		return w < 0 ? w : -1000;
	return raw_call3(SYS_read, pipe_fd[0], (long)&byte_in, 1);
}
static inline long raw_write(void) { return raw_call3(SYS_write, call_fd, (long)&byte_out, 1); }
static inline long raw_openat(void)
{
	long fd = raw_call4(SYS_openat, AT_FDCWD, (long)"/dev/null", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return fd;
	long c = raw_call(SYS_close, fd, 0);
	return c ? c : fd;
}
static inline long the_call(void)
{
	switch (which) {
	case C_FCNTL: return raw_fcntl();
	case C_READ: return raw_read();
	case C_WRITE: return raw_write();
	case C_OPENAT: return raw_openat();
	case C_LIBC: return getppid();
	default: return raw_getppid();
	}
}

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

/* Per thread: with BENCH_THREADS, each thread checks its own. */
static __thread volatile unsigned long sigsys_count;

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

/* Per thread: a new thread starts without an alternate signal stack. */
static void setup_altstack(void)
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
}

static void setup_inline_sigsys(void)
{
	setup_altstack();

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
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)trap_nr[0], 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)trap_nr[1], 1, 0),
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
 * syscall instructions: one loop per call, the same in every mode. */
static long run(enum mode m, long n)
{
	long r = 0;
	if (m == M_HANDOFF)
		for (long i = 0; i < n; i++)
			r = handoff_call();
	else switch (which) {
	case C_FCNTL:
		for (long i = 0; i < n; i++)
			r = raw_fcntl();
		break;
	case C_READ:
		for (long i = 0; i < n; i++)
			r = raw_read();
		break;
	case C_WRITE:
		for (long i = 0; i < n; i++)
			r = raw_write();
		break;
	case C_OPENAT:
		for (long i = 0; i < n; i++)
			r = raw_openat();
		break;
	case C_LIBC:
		for (long i = 0; i < n; i++)
			r = getppid();
		break;
	default:
		for (long i = 0; i < n; i++)
			r = raw_getppid();
		break;
	}
	return r;
}

static const char *const names[] = { "plain", "allow-filter", "inline-sigsys", "handoff" };

static double median(double *v, long n)
{
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The warm-up: WARM calls, then one more, all returning EXPECT (and in
 * inline-sigsys mode each raising its SIGSYS).  0 if they did. */
static int warm_up(enum mode m, long warm, long expect)
{
	long got = run(m, warm);
	long last = one_call(m);
	if (got != expect || last != expect) {
		fprintf(stderr, "getppid: %s: got %ld, expected %ld\n", names[m],
			got != expect ? got : last, expect);
		return -1;
	}
	unsigned long want = (unsigned long)(warm + 1) * traps_per_call;
	if (m == M_SIGSYS && sigsys_count != want) {
		fprintf(stderr, "getppid: inline-sigsys: %lu SIGSYS for %lu trapped calls\n",
			sigsys_count, want);
		return -1;
	}
	return 0;
}

/* ---- BENCH_THREADS: N threads released together, main times them ---- */

static struct {
	enum mode m;
	long iters, reps, warm, expect;
	pthread_barrier_t start, done;
	int failed;
	int ncpus, cpus[CPU_SETSIZE];	/* BENCH_PIN=spread: the allowed CPUs */
	double *t0, *t1;		/* each thread's start and end, this repetition */
} par;

static void *par_thread(void *arg)
{
	long i = (long)arg;
	if (par.ncpus) {
		/* By tid, not 0: whichever thread performs the call, it pins this one. */
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(par.cpus[i % par.ncpus], &set);
		if (syscall(SYS_sched_setaffinity, syscall(SYS_gettid), sizeof set, &set))
			die("sched_setaffinity");
	}
	if (par.m == M_SIGSYS)
		setup_altstack();	/* the filter and the handler are inherited */
	if (warm_up(par.m, par.warm, par.expect))
		__atomic_store_n(&par.failed, 1, __ATOMIC_SEQ_CST);
	for (long r = 0; r < par.reps; r++) {
		pthread_barrier_wait(&par.start);
		par.t0[i] = now_ns();
		long got = run(par.m, par.iters);
		par.t1[i] = now_ns();
		pthread_barrier_wait(&par.done);
		if (got != par.expect && !__atomic_exchange_n(&par.failed, 1, __ATOMIC_SEQ_CST))
			fprintf(stderr, "getppid: %s: got %ld, expected %ld\n", names[par.m], got,
				par.expect);
	}
	return NULL;
}

static int run_threads(enum mode m, long nthreads, long iters, long reps, long expect)
{
	par.m = m;
	par.iters = iters;
	par.reps = reps;
	par.warm = iters / 10 ? iters / 10 : 1;
	par.expect = expect;
	const char *pin = getenv("BENCH_PIN");
	if (pin && !strcmp(pin, "spread")) {
		cpu_set_t set;
		if (sched_getaffinity(0, sizeof set, &set))
			die("sched_getaffinity");
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				par.cpus[par.ncpus++] = c;
	} else if (pin && *pin && strcmp(pin, "none")) {
		fprintf(stderr, "getppid: with BENCH_THREADS, BENCH_PIN must be spread or none\n");
		return 2;
	}
	if (pthread_barrier_init(&par.start, NULL, nthreads + 1) ||
	    pthread_barrier_init(&par.done, NULL, nthreads + 1))
		die("pthread_barrier_init");
	pthread_t *t = calloc(nthreads, sizeof *t);
	double *sec = calloc(reps, sizeof *sec);
	par.t0 = calloc(nthreads, sizeof *par.t0);
	par.t1 = calloc(nthreads, sizeof *par.t1);
	if (!t || !sec || !par.t0 || !par.t1)
		die("calloc");
	for (long i = 0; i < nthreads; i++) {
		errno = pthread_create(&t[i], NULL, par_thread, (void *)i);
		if (errno)
			die("pthread_create");
	}
	/* From the first thread's start to the last one's end: main's own
	 * wake-ups from the barriers are not timed. */
	for (long r = 0; r < reps; r++) {
		pthread_barrier_wait(&par.start);
		pthread_barrier_wait(&par.done);
		double t0 = par.t0[0], t1 = par.t1[0];
		for (long i = 1; i < nthreads; i++) {
			t0 = par.t0[i] < t0 ? par.t0[i] : t0;
			t1 = par.t1[i] > t1 ? par.t1[i] : t1;
		}
		sec[r] = (t1 - t0) * 1e-9;
	}
	for (long i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	if (par.failed)
		return 1;
	double lo = sec[0], hi = sec[0];
	for (long r = 1; r < reps; r++) {
		lo = sec[r] < lo ? sec[r] : lo;
		hi = sec[r] > hi ? sec[r] : hi;
	}
	double med = median(sec, reps);
	if (getenv("BENCH_VERBOSE"))
		fprintf(stderr, "getppid %s: %ld threads%s x %ld x %ld calls, wall s min %.4f median %.4f max %.4f\n",
			names[m], nthreads, par.ncpus ? " spread over the CPUs" : "", reps, iters,
			lo, med, hi);
	printf("%s %.9f\n", names[m], med);
	return fflush(stdout) ? 1 : 0;
}

static void choose_call(const char *call)
{
	for (which = 0; which < sizeof call_names / sizeof call_names[0]; which++)
		if (!strcmp(call, call_names[which]))
			break;
	switch (which) {
	case C_GETPPID:
	case C_LIBC:
		break;
	case C_FCNTL:
	case C_WRITE:
		trap_nr[0] = trap_nr[1] = which == C_FCNTL ? SYS_fcntl : SYS_write;
		call_fd = open("/dev/null", which == C_FCNTL ? O_RDONLY | O_CLOEXEC
							   : O_WRONLY | O_CLOEXEC);
		if (call_fd < 0)
			die("/dev/null");
		break;
	case C_READ:
		trap_nr[0] = trap_nr[1] = SYS_read;
		if (pipe2(pipe_fd, O_CLOEXEC))
			die("pipe2");
		break;
	case C_OPENAT:
		trap_nr[0] = SYS_openat;
		trap_nr[1] = SYS_close;
		traps_per_call = 2;
		break;
	default:
		fprintf(stderr, "getppid: BENCH_CALL must be getppid, fcntl, read, write, openat or libc\n");
		exit(2);
	}
}

int main(int argc, char **argv)
{
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
	choose_call(call && *call ? call : "getppid");
	long nthreads = env_long("BENCH_THREADS", 0);
	if (nthreads && (m == M_HANDOFF || which == C_READ || which == C_OPENAT || nthreads > 1024)) {
		fprintf(stderr, "getppid: BENCH_THREADS: up to 1024, with plain, allow-filter or "
				"inline-sigsys, and BENCH_CALL getppid, fcntl or write\n");
		return 2;
	}

	long expect = the_call();
	switch (m) {
	case M_PLAIN: break;
	case M_ALLOW: setup_allow_filter(); break;
	case M_SIGSYS: setup_inline_sigsys(); break;
	case M_HANDOFF: setup_handoff(); break;
	}
	if (nthreads)
		return run_threads(m, nthreads, iters, reps, expect);

	if (warm_up(m, iters / 10 ? iters / 10 : 1, expect))
		return 1;

	double *ns = calloc(reps, sizeof *ns);
	if (!ns)
		die("calloc");
	for (long r = 0; r < reps; r++) {
		double t0 = now_ns();
		long got = run(m, iters);
		ns[r] = (now_ns() - t0) / iters;
		if (got != expect) {
			fprintf(stderr, "getppid: %s: got %ld, expected %ld\n", names[m], got, expect);
			return 1;
		}
	}
	double lo = ns[0], hi = ns[0];
	for (long r = 1; r < reps; r++) {
		lo = ns[r] < lo ? ns[r] : lo;
		hi = ns[r] > hi ? ns[r] : hi;
	}
	double med = median(ns, reps);
	if (getenv("BENCH_VERBOSE")) {
		fprintf(stderr, "getppid %s: BENCH_CALL=%s, %ld x %ld calls, ns/call min %.1f median %.1f max %.1f\n",
			names[m], call_names[which], reps, iters, lo, med, hi);
	}
	printf("%s %.1f\n", names[m], med);
	return fflush(stdout) ? 1 : 0;
usage:
	fprintf(stderr, "usage: %s plain|allow-filter|inline-sigsys|handoff [ITERATIONS [REPETITIONS]]\n",
		argv[0]);
	return 2;
}
