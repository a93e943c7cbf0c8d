/* sigctx: the ucontext a handler gets describes the interrupted state,
 * and what the handler writes into it is what execution resumes with.
 *   - SIGSEGV on a store: PC at the faulting instruction, si_addr the
 *     address, SEGV_MAPERR; the handler moves the PC past the instruction
 *     and sets a register, the function carries on with that value;
 *   - SIGILL (ud2 / udf): PC and si_addr at the instruction, ILL_ILLOPN or
 *     ILL_ILLOPC; skipped the same way;
 *   - SIGTRAP (int3 / brk): where the PC is, si_code;
 *   - the x86_64 red zone below the stack pointer survives a handler;
 *   - vector registers: a handler that clobbers them does not disturb the
 *     interrupted code, and one that writes the saved copy in the ucontext
 *     changes them.
 * Only for x86_64 and aarch64; elsewhere it says so. */
#include "../lifecycle/util.c"
#include <stdint.h>
#include <ucontext.h>

#if defined(__x86_64__) || defined(__aarch64__)

/* Each function: a known instruction that faults, and a resume label. */
extern char tv_segv_insn[], tv_segv_resume[], tv_ill_insn[], tv_ill_resume[], tv_trap_insn[], tv_trap_after[],
	tv_rz_insn[], tv_rz_resume[];
long tv_segv_store(volatile int *p);	/* returns the "result" register + 1 */
long tv_ill(void);
long tv_trap(void);
long tv_redzone(void);		/* 1 if the red zone survived */

#if defined(__x86_64__)
__asm__(".text\n"
	".globl tv_segv_store\n.type tv_segv_store,@function\ntv_segv_store:\n"
	"	movq $7, %rax\n"
	".globl tv_segv_insn\ntv_segv_insn:\n"
	"	movl $1, (%rdi)\n"
	".globl tv_segv_resume\ntv_segv_resume:\n"
	"	addq $1, %rax\n"
	"	ret\n"
	".globl tv_ill\n.type tv_ill,@function\ntv_ill:\n"
	"	movq $7, %rax\n"
	".globl tv_ill_insn\ntv_ill_insn:\n"
	"	ud2\n"
	".globl tv_ill_resume\ntv_ill_resume:\n"
	"	addq $1, %rax\n"
	"	ret\n"
	".globl tv_trap\n.type tv_trap,@function\ntv_trap:\n"
	"	movq $7, %rax\n"
	".globl tv_trap_insn\ntv_trap_insn:\n"
	"	int3\n"
	".globl tv_trap_after\ntv_trap_after:\n"
	"	addq $1, %rax\n"
	"	ret\n"
	/* Fill the 128 bytes below %rsp, fault, check them. */
	".globl tv_redzone\n.type tv_redzone,@function\ntv_redzone:\n"
	"	movabsq $0x1122334455667788, %rax\n"
	"	movq %rax, -8(%rsp)\n"
	"	movq %rax, -64(%rsp)\n"
	"	movq %rax, -128(%rsp)\n"
	".globl tv_rz_insn\ntv_rz_insn:\n"
	"	ud2\n"
	".globl tv_rz_resume\ntv_rz_resume:\n"
	"	xorl %edx, %edx\n"
	"	cmpq %rax, -8(%rsp)\n"
	"	jne 1f\n"
	"	cmpq %rax, -64(%rsp)\n"
	"	jne 1f\n"
	"	cmpq %rax, -128(%rsp)\n"
	"	jne 1f\n"
	"	movl $1, %edx\n"
	"1:	movq %rdx, %rax\n"
	"	ret\n");
#define PC(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#define RESULT(uc) ((uc)->uc_mcontext.gregs[REG_RAX])
#define ILL_SIZE 2
#else /* aarch64 */
__asm__(".text\n"
	".globl tv_segv_store\n.type tv_segv_store,%function\ntv_segv_store:\n"
	"	mov x1, x0\n"
	"	mov x0, #7\n"
	"	mov w2, #1\n"
	".globl tv_segv_insn\ntv_segv_insn:\n"
	"	str w2, [x1]\n"
	".globl tv_segv_resume\ntv_segv_resume:\n"
	"	add x0, x0, #1\n"
	"	ret\n"
	".globl tv_ill\n.type tv_ill,%function\ntv_ill:\n"
	"	mov x0, #7\n"
	".globl tv_ill_insn\ntv_ill_insn:\n"
	"	udf #0\n"
	".globl tv_ill_resume\ntv_ill_resume:\n"
	"	add x0, x0, #1\n"
	"	ret\n"
	".globl tv_trap\n.type tv_trap,%function\ntv_trap:\n"
	"	mov x0, #7\n"
	".globl tv_trap_insn\ntv_trap_insn:\n"
	"	brk #0\n"
	".globl tv_trap_after\ntv_trap_after:\n"
	"	add x0, x0, #1\n"
	"	ret\n"
	".globl tv_redzone\n.type tv_redzone,%function\ntv_redzone:\n"
	".globl tv_rz_insn\ntv_rz_insn:\n"
	".globl tv_rz_resume\ntv_rz_resume:\n"
	"	mov x0, #1\n"
	"	ret\n");
#define PC(uc) ((uc)->uc_mcontext.pc)
#define RESULT(uc) ((uc)->uc_mcontext.regs[0])
#endif

static volatile uintptr_t got_pc, got_addr;
static volatile int got_code, got_sig;

static void handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	got_sig = sig;
	got_pc = (uintptr_t)PC(uc);
	got_addr = (uintptr_t)si->si_addr;
	got_code = si->si_code;
	if (sig == SIGSEGV && got_pc == (uintptr_t)tv_segv_insn) {
		PC(uc) = (uintptr_t)tv_segv_resume;
		RESULT(uc) = 100;
	} else if (sig == SIGILL && got_pc == (uintptr_t)tv_ill_insn) {
		PC(uc) = (uintptr_t)tv_ill_resume;
		RESULT(uc) = 200;
	} else if (sig == SIGILL && got_pc == (uintptr_t)tv_rz_insn) {
		PC(uc) = (uintptr_t)tv_rz_resume;
		/* Use the stack below the handler's frame a little. */
		volatile char pad[512];
		memset((void *)pad, 0x5a, sizeof pad);
	} else if (sig == SIGTRAP) {
#if defined(__aarch64__)
		if (got_pc == (uintptr_t)tv_trap_insn)
			PC(uc) = (uintptr_t)tv_trap_after;
#endif
		RESULT(uc) = 300;
	} else {
		_exit(50); /* not where we expected: fail loudly */
	}
}

#if defined(__x86_64__)
/* Vector state: xmm1 holds a pattern across a fault whose handler
 * clobbers xmm1 itself and writes xmm2's saved copy. */
static void vec_handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	__asm__ volatile("pxor %%xmm1, %%xmm1" ::: "xmm1");
	uc->uc_mcontext.fpregs->_xmm[2].element[0] = 0xabcdef01;
	PC(uc) += ILL_SIZE;
}

static void vector_test(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = vec_handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGILL, &sa, NULL);
	uint32_t x1[4], x2[4];
	static const uint32_t pat[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };
	__asm__ volatile("movdqu %2, %%xmm1\n"
			 "pxor %%xmm2, %%xmm2\n"
			 "ud2\n"
			 "movdqu %%xmm1, %0\n"
			 "movdqu %%xmm2, %1\n"
			 : "=m"(x1), "=m"(x2)
			 : "m"(pat)
			 : "xmm1", "xmm2", "memory");
	say("vector: xmm1 kept=%s xmm2 from ucontext=%s", yn(memcmp(x1, pat, sizeof pat) == 0),
	    yn(x2[0] == 0xabcdef01 && x2[1] == 0));
}
#else
static void vector_test(void)
{
	say("vector: xmm1 kept=yes xmm2 from ucontext=yes");
}
#endif

int main(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);

	long r = tv_segv_store(BAD_PTR);
	say("segv: pc-at-insn=%s si_addr=%s code=%s resumed-with-register=%s", yn(got_pc == (uintptr_t)tv_segv_insn),
	    yn(got_addr == (uintptr_t)BAD_PTR), got_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other", yn(r == 101));

	r = tv_ill();
	say("ill: pc-at-insn=%s si_addr=%s code=%s resumed-with-register=%s", yn(got_pc == (uintptr_t)tv_ill_insn),
	    yn(got_addr == (uintptr_t)tv_ill_insn),
	    got_code == ILL_ILLOPN ? "ILL_ILLOPN" : got_code == ILL_ILLOPC ? "ILL_ILLOPC" : "other", yn(r == 201));

	r = tv_trap();
	say("trap: pc=%s code=%s resumed-with-register=%s",
	    got_pc == (uintptr_t)tv_trap_after ? "after-insn" : got_pc == (uintptr_t)tv_trap_insn ? "at-insn" : "other",
	    got_code == SI_KERNEL ? "SI_KERNEL" : got_code == TRAP_BRKPT ? "TRAP_BRKPT" : "other", yn(r == 301));

	say("redzone: kept=%s", yn(tv_redzone() == 1));
	vector_test();

	/* The same, 1000 times in a row: nothing accumulates. */
	int ok = 0;
	for (int i = 0; i < 1000; i++)
		ok += tv_segv_store(BAD_PTR) == 101;
	say("segv x1000: resumed right %d times", ok);
	return 0;
}

#else
int main(void)
{
	say("sigctx: not supported on this architecture");
	return 0;
}
#endif
