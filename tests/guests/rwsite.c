/* rwsite: what a syscall site must keep whether it traps or has been
 * rewritten into a jump to the monitor (--rewrite=eager rewrites it at the
 * first trap, so the later rounds run the rewritten site):
 *
 *   regs     every register a syscall instruction preserves (all but the
 *            result, and on x86_64 rcx/r11, which hold the return address
 *            and the flags), the flags, and the vector registers
 *   code     the site's bytes read back while the code is writable are
 *            the program's own
 *   jit      code written, run, made writable and changed, run again: the
 *            new call is made; and code that stays writable and executable
 *   threads  four threads running the same sites at once
 *   signals  a flood of signals over a loop of calls: every interrupted PC
 *            lies in the program's own code (a file mapping or the vDSO),
 *            never in a stub or the monitor, and every call gets its
 *            result (most land in the kernel's exit from a call, which the
 *            monitor records; a stub's three instructions are rarely hit)
 *
 * Prints only what it checked; the same on any kernel. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <ucontext.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ROUNDS 4

/* The values loaded before the call (regs_in), what came back (regs_out),
 * and vector registers, in memory the asm finds by name: every general
 * register is in use around the call. */
static uint64_t regs_in[32], regs_out[32], vec_in[2], vec_out[2];

#if defined(__x86_64__)
/* getppid through a "mov $nr, %eax; syscall" site with every register set
 * to a known value: 12 general registers, the flags, xmm7.  regs_out[12]
 * gets the flags after, [13] rcx, [14] r11, [15] the address after the
 * syscall.  Returns 1 if all is as a syscall leaves it. */
static int regs_kept(int set_df)
{
	for (int i = 0; i < 12; i++)
		regs_in[i] = 0x0101010101010101ull * (uint64_t)(i + 1);
	vec_in[0] = 0x1122334455667788ull;
	vec_in[1] = 0x99aabbccddeeff00ull;
	regs_in[16] = (uint64_t)set_df;
	__asm__ volatile(
		"sub $128, %%rsp\n\t"	/* past the red zone */
		"push %%rbx\n\t"
		"push %%rbp\n\t"
		"lea %[vin], %%rax\n\t"
		"movdqu (%%rax), %%xmm7\n\t"
		"lea %[in], %%rax\n\t"
		"mov 0(%%rax), %%rbx\n\t"
		"mov 8(%%rax), %%rdx\n\t"
		"mov 16(%%rax), %%rsi\n\t"
		"mov 24(%%rax), %%rdi\n\t"
		"mov 32(%%rax), %%rbp\n\t"
		"mov 40(%%rax), %%r8\n\t"
		"mov 48(%%rax), %%r9\n\t"
		"mov 56(%%rax), %%r10\n\t"
		"mov 64(%%rax), %%r12\n\t"
		"mov 72(%%rax), %%r13\n\t"
		"mov 80(%%rax), %%r14\n\t"
		"mov 88(%%rax), %%r15\n\t"
		"mov 128(%%rax), %%rcx\n\t"
		/* 0x80000000 + 0x80000000: CF, OF, ZF and PF set, SF clear. */
		"mov $0x80000000, %%eax\n\t"
		"add %%eax, %%eax\n\t"
		"jrcxz 1f\n\t"
		"std\n\t"
		"1:\n\t"
		"pushfq\n\t"
		"pop %%rax\n\t"
		"push %%rax\n\t"
		"lea %[in], %%rcx\n\t"
		"mov %%rax, 96(%%rcx)\n\t"
		"popfq\n\t"
		"mov $110, %%eax\n\t"	/* __NR_getppid */
		"syscall\n\t"
		"2:\n\t"
		"pushfq\n\t"
		"cld\n\t"
		"mov %%rcx, %%rax\n\t"
		"lea %[out], %%rcx\n\t"
		"mov %%rax, 104(%%rcx)\n\t"
		"pop %%rax\n\t"
		"mov %%rax, 96(%%rcx)\n\t"
		"mov %%r11, 112(%%rcx)\n\t"
		"lea 2b(%%rip), %%rax\n\t"
		"mov %%rax, 120(%%rcx)\n\t"
		"mov %%rbx, 0(%%rcx)\n\t"
		"mov %%rdx, 8(%%rcx)\n\t"
		"mov %%rsi, 16(%%rcx)\n\t"
		"mov %%rdi, 24(%%rcx)\n\t"
		"mov %%rbp, 32(%%rcx)\n\t"
		"mov %%r8, 40(%%rcx)\n\t"
		"mov %%r9, 48(%%rcx)\n\t"
		"mov %%r10, 56(%%rcx)\n\t"
		"mov %%r12, 64(%%rcx)\n\t"
		"mov %%r13, 72(%%rcx)\n\t"
		"mov %%r14, 80(%%rcx)\n\t"
		"mov %%r15, 88(%%rcx)\n\t"
		"lea %[vout], %%rax\n\t"
		"movdqu %%xmm7, (%%rax)\n\t"
		"pop %%rbp\n\t"
		"pop %%rbx\n\t"
		"add $128, %%rsp\n\t"
		: [out] "=m"(regs_out), [vout] "=m"(vec_out)
		: [in] "m"(regs_in), [vin] "m"(vec_in)
		: "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
		  "r15", "xmm7", "memory", "cc");
	/* The flags that a syscall keeps: CF PF AF ZF SF OF DF. */
	const uint64_t kept = 0xcd5;
	int ok = memcmp(regs_in, regs_out, 12 * sizeof regs_in[0]) == 0;
	ok &= (regs_out[12] & kept) == (regs_in[12] & kept);
	ok &= regs_out[13] == regs_out[15];			/* rcx: the return address */
	ok &= (regs_out[14] & kept) == (regs_in[12] & kept);	/* r11: the flags */
	ok &= memcmp(vec_in, vec_out, sizeof vec_in) == 0;
	return ok;
}
#elif defined(__aarch64__)
/* getppid through a "mov x8, #nr; svc #0" site with x1-x28 (but x8), the
 * flags and v7 set: regs_out[0] gets NZCV after, [i] xi after. */
static int regs_kept(int set_flags)
{
	for (int i = 1; i < 29; i++)
		regs_in[i] = 0x0101010101010101ull * (uint64_t)i;
	regs_in[0] = set_flags ? 0xf0000000ull : 0x60000000ull;	/* NZCV, or just Z and C */
	vec_in[0] = 0x1122334455667788ull;
	vec_in[1] = 0x99aabbccddeeff00ull;
	__asm__ volatile(
		"stp x29, x30, [sp, #-16]!\n\t"
		"adrp x0, %[vin]\n\t"
		"add x0, x0, :lo12:%[vin]\n\t"
		"ldr q7, [x0]\n\t"
		"adrp x0, %[in]\n\t"
		"add x0, x0, :lo12:%[in]\n\t"
		"ldr x1, [x0]\n\t"
		"msr nzcv, x1\n\t"
		"ldp x1, x2, [x0, #8]\n\t"
		"ldp x3, x4, [x0, #24]\n\t"
		"ldp x5, x6, [x0, #40]\n\t"
		"ldr x7, [x0, #56]\n\t"
		"ldp x9, x10, [x0, #72]\n\t"
		"ldp x11, x12, [x0, #88]\n\t"
		"ldp x13, x14, [x0, #104]\n\t"
		"ldp x15, x16, [x0, #120]\n\t"
		"ldp x17, x18, [x0, #136]\n\t"
		"ldp x19, x20, [x0, #152]\n\t"
		"ldp x21, x22, [x0, #168]\n\t"
		"ldp x23, x24, [x0, #184]\n\t"
		"ldp x25, x26, [x0, #200]\n\t"
		"ldp x27, x28, [x0, #216]\n\t"
		"mov x8, #173\n\t"	/* __NR_getppid */
		"svc #0\n\t"
		"mrs x8, nzcv\n\t"
		"adrp x0, %[out]\n\t"
		"add x0, x0, :lo12:%[out]\n\t"
		"str x8, [x0]\n\t"
		"stp x1, x2, [x0, #8]\n\t"
		"stp x3, x4, [x0, #24]\n\t"
		"stp x5, x6, [x0, #40]\n\t"
		"str x7, [x0, #56]\n\t"
		"stp x9, x10, [x0, #72]\n\t"
		"stp x11, x12, [x0, #88]\n\t"
		"stp x13, x14, [x0, #104]\n\t"
		"stp x15, x16, [x0, #120]\n\t"
		"stp x17, x18, [x0, #136]\n\t"
		"stp x19, x20, [x0, #152]\n\t"
		"stp x21, x22, [x0, #168]\n\t"
		"stp x23, x24, [x0, #184]\n\t"
		"stp x25, x26, [x0, #200]\n\t"
		"stp x27, x28, [x0, #216]\n\t"
		"adrp x0, %[vout]\n\t"
		"add x0, x0, :lo12:%[vout]\n\t"
		"str q7, [x0]\n\t"
		"ldp x29, x30, [sp], #16\n\t"
		: /* written through the addresses: "memory" */
		: [in] "S"(regs_in), [vin] "S"(vec_in), [out] "S"(regs_out), [vout] "S"(vec_out)
		: "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		  "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24",
		  "x25", "x26", "x27", "x28", "v7", "memory", "cc");
	int ok = regs_out[0] == regs_in[0];
	ok &= memcmp(regs_in + 1, regs_out + 1, 7 * sizeof regs_in[0]) == 0;
	ok &= memcmp(regs_in + 9, regs_out + 9, 20 * sizeof regs_in[0]) == 0;
	ok &= memcmp(vec_in, vec_out, sizeof vec_in) == 0;
	return ok;
}
#endif

static const char *yn(int b) { return b ? "yes" : "no"; }

static void regs(void)
{
	int ok = 1, ok_df = 1;

	for (int r = 0; r < ROUNDS; r++) {
		ok &= regs_kept(0);
		ok_df &= regs_kept(1);
	}
	printf("regs: kept over %d rounds: %s\n", ROUNDS, yn(ok));
	printf("regs: kept with other flags (x86_64: the direction flag) set: %s\n", yn(ok_df));
}

/* --- code written at run time ------------------------------------------- */

#if defined(__x86_64__)
/* mov $nr, %eax; syscall; ret */
static size_t put_call(unsigned char *p, int nr)
{
	unsigned char code[] = { 0xb8, 0, 0, 0, 0, 0x0f, 0x05, 0xc3 };
	memcpy(code + 1, &nr, 4);
	memcpy(p, code, sizeof code);
	return sizeof code;
}
#define NR_A SYS_getppid
#define NR_B SYS_getpid
#elif defined(__aarch64__)
/* mov x8, #nr; svc #0; ret */
static size_t put_call(unsigned char *p, int nr)
{
	uint32_t code[] = { 0xd2800008u | ((uint32_t)nr << 5), 0xd4000001u, 0xd65f03c0u };
	memcpy(p, code, sizeof code);
	__builtin___clear_cache((char *)p, (char *)p + sizeof code);
	return sizeof code;
}
#define NR_A SYS_getppid
#define NR_B SYS_getpid
#endif

typedef long (*callfn)(void);

static void code_and_jit(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("jit: mmap failed\n");
		return;
	}
	unsigned char first[16];
	size_t n = put_call(p, NR_A);
	memcpy(first, p, n);
	mprotect(p, (size_t)page, PROT_READ | PROT_EXEC);
	int ok = 1;
	for (int r = 0; r < ROUNDS; r++)
		ok &= ((callfn)p)() == getppid();
	printf("jit: written code calls getppid: %s\n", yn(ok));
	mprotect(p, (size_t)page, PROT_READ | PROT_WRITE);
	printf("code: the bytes read back are the program's: %s\n", yn(memcmp(first, p, n) == 0));
	put_call(p, NR_B);
	mprotect(p, (size_t)page, PROT_READ | PROT_EXEC);
	ok = 1;
	for (int r = 0; r < ROUNDS; r++)
		ok &= ((callfn)p)() == getpid();
	printf("jit: changed code calls getpid: %s\n", yn(ok));
	munmap(p, (size_t)page);

	/* Writable and executable at once: the site is never the monitor's. */
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("jit: rwx mmap refused\n");
		return;
	}
	put_call(p, NR_A);
	ok = 1;
	for (int r = 0; r < ROUNDS; r++)
		ok &= ((callfn)p)() == getppid();
	put_call(p, NR_B);
	for (int r = 0; r < ROUNDS; r++)
		ok &= ((callfn)p)() == getpid();
	printf("jit: writable code, changed in place: %s\n", yn(ok));
	munmap(p, (size_t)page);
}

/* --- threads ------------------------------------------------------------- */

static pthread_mutex_t regs_lock = PTHREAD_MUTEX_INITIALIZER;	/* regs_in/out are shared */

static void *worker(void *arg)
{
	long bad = 0;
	for (int i = 0; i < 20000; i++) {
		bad += getppid() != (pid_t)(intptr_t)arg;
		if (i % 1000 == 0) {
			pthread_mutex_lock(&regs_lock);
			bad += !regs_kept(i % 2000 == 0);
			pthread_mutex_unlock(&regs_lock);
		}
	}
	return (void *)bad;
}

static void threads(void)
{
	pthread_t t[4];
	long bad = 0;

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)(intptr_t)getppid());
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	printf("threads: 4 x 20000 calls, wrong results: %ld\n", bad);
}

/* --- signals on the way ----------------------------------------------- */

#define MAX_PCS 4096
static uintptr_t pcs[MAX_PCS];
static volatile int npcs;

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	(void)si;
	const ucontext_t *uc = ctx;
#if defined(__x86_64__)
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.pc;
#endif
	if (npcs < MAX_PCS)
		pcs[npcs++] = pc;
}

/* Is pc in a mapping with a name (a file, or [vdso])? */
static int named_mapping(uintptr_t pc)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int named = 0;

	while (f && fgets(line, sizeof line, f)) {
		uintptr_t lo, hi;
		int off = 0;
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &off) < 2 || pc < lo || pc >= hi)
			continue;
		named = off > 0 && line[off] != '\n' && line[off] != 0;
		break;
	}
	if (f)
		fclose(f);
	return named;
}

static pthread_t main_thread;
static volatile int sending;

/* Signals the main thread as fast as it can: it is interrupted at every
 * kind of instruction of its loop, the stub's included. */
static void *sender(void *a)
{
	(void)a;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (sending && npcs < MAX_PCS)
		pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static void signals(void)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_RESTART };
	pid_t ppid = getppid();
	pthread_t t;
	long bad = 0;

	sigaction(SIGUSR1, &sa, NULL);
	main_thread = pthread_self();
	sending = 1;
	pthread_create(&t, NULL, sender, NULL);
	for (long i = 0; i < 2000000 && npcs < MAX_PCS; i++)
		bad += getppid() != ppid;
	sending = 0;
	pthread_join(t, NULL);
	int outside = 0;
	for (int i = 0; i < npcs; i++)
		outside += !named_mapping(pcs[i]);
	printf("signals: interrupted in the program's code: %s\n", yn(npcs > 0 && outside == 0));
	printf("signals: wrong results: %ld\n", bad);
}

int main(void)
{
	regs();
	code_and_jit();
	threads();
	signals();
	return 0;
}
