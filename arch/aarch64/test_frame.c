/* Unit test of arch/aarch64/frame.c against the real kernel: frames made
 * by tv_arch_copy_frame and tv_arch_setup_frame must be accepted by
 * rt_sigreturn and must restore what they hold, including the records in
 * __reserved and, with SVE vectors longer than 512 bits, the extra_context
 * space beyond it (whose datap must be moved with the copy).
 *
 * A timer signal interrupts a loop that holds a pattern in v8 (or z8, with
 * SVE live, so the kernel saves the whole vector state).  The handler
 * copies its frame (or builds a guest handler's frame), writes another
 * pattern into v8/z8 in the new frame, and returns through it; the loop
 * then checks that every byte of the register holds the new pattern.  A
 * frame the kernel refuses kills the test with SIGSEGV.
 *
 * Hosted (glibc), but on the monitor's headers: the kernel's signal
 * types, so no <signal.h>.  Output: PASS:/FAIL:/SKIP: lines; exit status
 * 0 iff nothing failed. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <linux/time.h>
#include <linux/prctl.h>
#include <asm/hwcap.h>
#include "monitor.h"

#define OLD_PATTERN 0x5a
#define NEW_PATTERN 0xa5
#define MAX_VL 256
#define STACK_SIZE (256 * 1024)

void tf_restorer(void);
__attribute__((noreturn)) void tf_sigreturn_at(uintptr_t sp);
__asm__(".text\n"
	".globl tf_restorer\n"
	".type tf_restorer,%function\n"
	"tf_restorer:\n"
	"	mov x8, #139\n"		/* __NR_rt_sigreturn */
	"	svc #0\n"
	".globl tf_sigreturn_at\n"
	".type tf_sigreturn_at,%function\n"
	"tf_sigreturn_at:\n"
	"	mov sp, x0\n"
	"	mov x8, #139\n"
	"	svc #0\n");

static int failures;
static volatile int fired;
static unsigned char stack_a[STACK_SIZE] __attribute__((aligned(16)));

/* What the handlers saw, checked after the loop. */
static struct {
	int mode;		/* 0: copy and sigreturn; 1: setup a handler's frame */
	int vl;			/* SVE vector length, 0 for the FP/SIMD loop */
	int saw_extra;		/* the kernel's frame had an extra_context */
	int sve_data;		/* ... and an sve_context with register data */
	int copied_extra;	/* the copy's datap was moved with it */
	int mutated;		/* the pattern was written into the new frame */
	int b_ok;		/* handler B got the arguments the kernel would give */
	char why[160];
} st;

static void check(const char *name, int ok, const char *why)
{
	if (ok) {
		printf("PASS: %s\n", name);
	} else {
		printf("FAIL: %s (%s)\n", name, why);
		failures++;
	}
}

static long sys(long nr, long a, long b, long c, long d)
{
	return syscall(nr, a, b, c, d);
}

static void set_timer(long usec)
{
	struct { struct __kernel_old_timeval interval, value; } it = { { 0, 0 }, { 0, usec } };
	sys(__NR_setitimer, 0 /* ITIMER_REAL */, (long)&it, 0, 0);
}

/* The record with this magic in uc's __reserved or in its extra space. */
static struct _aarch64_ctx *find_record(tv_ucontext *uc, uint32_t magic)
{
	unsigned char *p = uc->uc_mcontext.__reserved;
	size_t off = 0, limit = sizeof uc->uc_mcontext.__reserved;
	int extra_done = 0;

	for (;;) {
		if (off + sizeof(struct _aarch64_ctx) > limit)
			return NULL;
		struct _aarch64_ctx *h = (void *)(p + off);
		if (h->magic == magic)
			return h;
		if (h->magic == 0) {
			return NULL;
		}
		if (h->magic == EXTRA_MAGIC && !extra_done) {
			struct extra_context *x = (void *)h;
			p = (unsigned char *)(uintptr_t)x->datap;
			off = 0;
			limit = x->size;
			extra_done = 1;
			continue;
		}
		if (h->size < sizeof *h)
			return NULL;
		off += h->size;
	}
}

/* Writes the new pattern into v8 (and z8 when the frame holds SVE data). */
static int mutate(tv_ucontext *uc)
{
	struct fpsimd_context *fp = (void *)find_record(uc, FPSIMD_MAGIC);
	if (!fp)
		return 0;
	memset(&fp->vregs[8], NEW_PATTERN, sizeof fp->vregs[8]);
	struct sve_context *sve = (void *)find_record(uc, SVE_MAGIC);
	if (sve) {
		unsigned vq = sve_vq_from_vl(sve->vl);
		if (sve->head.size >= SVE_SIG_CONTEXT_SIZE(vq))
			memset((char *)sve + SVE_SIG_ZREG_OFFSET(vq, 8), NEW_PATTERN,
			       SVE_SIG_ZREG_SIZE(vq));
	}
	return 1;
}

static void note_kernel_frame(tv_ucontext *uc)
{
	st.saw_extra = find_record(uc, EXTRA_MAGIC) != NULL;
	struct sve_context *sve = (void *)find_record(uc, SVE_MAGIC);
	st.sve_data = sve && sve->head.size >= SVE_SIG_CONTEXT_SIZE(sve_vq_from_vl(sve->vl));
}

static int copy_moved_datap(tv_ucontext *copy)
{
	struct extra_context *x = (void *)find_record(copy, EXTRA_MAGIC);
	if (!x)
		return !st.saw_extra;
	uintptr_t lo = (uintptr_t)copy->uc_mcontext.__reserved;
	return x->datap > lo && x->datap < (uintptr_t)(stack_a + STACK_SIZE) &&
	       x->datap % 16 == 0;
}

static void handler_b(int sig, siginfo_t *info, void *ctx)
{
	tv_ucontext *uc = ctx;
	uintptr_t lo = (uintptr_t)stack_a, hi = lo + STACK_SIZE;
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	st.b_ok = sig == SIGALRM && info->si_signo == SIGALRM && (uintptr_t)uc > lo &&
		  (uintptr_t)uc < hi && sp > lo && sp < hi &&
		  *tv_uc_mask(uc) == tv_sigbit(SIGUSR2) &&
		  uc->uc_stack.ss_flags == SS_DISABLE;
	st.copied_extra = copy_moved_datap(uc);
	st.mutated = mutate(uc);
	fired = 1;
}

static void handler_a(int sig, siginfo_t *info, void *ctx)
{
	tv_ucontext *uc = ctx;
	uintptr_t sp;

	(void)sig;
	note_kernel_frame(uc);
	if (st.mode == 0) {
		tv_ucontext *copy = tv_arch_copy_frame(stack_a + STACK_SIZE, uc, &sp);
		st.copied_extra = copy_moved_datap(copy);
		st.mutated = mutate(copy);
		fired = 1;
		tf_sigreturn_at(sp);
	}
	stack_t ss = { NULL, SS_DISABLE, 0 };
	tv_arch_setup_frame(uc, (uintptr_t)(stack_a + STACK_SIZE), (uintptr_t)handler_b,
			    (uintptr_t)tf_restorer, SIGALRM, info, tv_sigbit(SIGUSR2), &ss);
}

/* Holds OLD_PATTERN in v8 (z8 with SVE) until a handler sets fired, then
 * stores the register. */
static void spin(unsigned char *out, int sve)
{
	if (sve) {
		__asm__ volatile(".arch_extension sve\n"
				 "	ptrue p0.b\n"
				 "	dup z8.b, #0x5a\n"
				 "1:	ldr w9, [%[flag]]\n"
				 "	add z9.b, z9.b, #1\n"	/* keep SVE live */
				 "	cbz w9, 1b\n"
				 "	st1b {z8.b}, p0, [%[out]]\n"
				 :: [flag] "r"(&fired), [out] "r"(out)
				 : "x9", "v8", "v9", "memory");
	} else {
		__asm__ volatile("	movi v8.16b, #0x5a\n"
				 "1:	ldr w9, [%[flag]]\n"
				 "	cbz w9, 1b\n"
				 "	st1 {v8.16b}, [%[out]]\n"
				 :: [flag] "r"(&fired), [out] "r"(out)
				 : "x9", "v8", "memory");
	}
}

static void run(const char *name, int mode, int vl)
{
	unsigned char out[MAX_VL];
	int n = vl ? vl : 16;
	char full[200];

	memset(&st, 0, sizeof st);
	memset(out, 0, sizeof out);
	st.mode = mode;
	st.vl = vl;
	fired = 0;
	set_timer(20000);
	spin(out, vl != 0);
	int ok = 1;
	for (int i = 0; i < n; i++)
		ok &= out[i] == NEW_PATTERN;
	snprintf(full, sizeof full, "%s: the register comes back from the new frame", name);
	check(full, ok && st.mutated, out[0] == OLD_PATTERN ? "old value" : "other value");
	if (mode == 1) {
		snprintf(full, sizeof full, "%s: handler arguments, stack and mask", name);
		check(full, st.b_ok, "not as the kernel would set them up");
	}
	if (vl > 64) {
		snprintf(full, sizeof full, "%s: VL %d: SVE registers and extra_context in the kernel's frame",
			 name, vl);
		check(full, st.sve_data && st.saw_extra, st.sve_data ? "no extra_context" : "no SVE data");
	} else if (vl) {
		snprintf(full, sizeof full, "%s: VL %d: SVE registers in the kernel's frame", name, vl);
		check(full, st.sve_data, "no SVE data");
	}
	snprintf(full, sizeof full, "%s: extra_context datap moved with the copy", name);
	if (st.saw_extra)
		check(full, st.copied_extra, "datap not in the copy");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct tv_ksigaction sa = {
		.handler = (void *)handler_a,
		.flags = SA_SIGINFO | SA_RESTORER,
		.restorer = tf_restorer,
		.mask = 0,
	};
	if (sys(__NR_rt_sigaction, SIGALRM, (long)&sa, 0, sizeof sa.mask)) {
		check("rt_sigaction", 0, "failed");
		return 1;
	}
	run("copy-frame fpsimd", 0, 0);
	run("setup-frame fpsimd", 1, 0);

	if (!(getauxval(AT_HWCAP) & HWCAP_SVE)) {
		printf("SKIP: sve (no SVE on this CPU: run with qemu -cpu max for the extra_context checks)\n");
		return failures != 0;
	}
	long vl = sys(__NR_prctl, PR_SVE_SET_VL, MAX_VL, 0, 0);
	if (vl < 0) {
		printf("SKIP: sve (PR_SVE_SET_VL failed)\n");
		return failures != 0;
	}
	vl &= PR_SVE_VL_LEN_MASK;
	if (vl <= 64)
		printf("SKIP: sve extra_context (vector length %ld: the frame fits in __reserved)\n", vl);
	run("copy-frame sve", 0, (int)vl);
	run("setup-frame sve", 1, (int)vl);
	return failures != 0;
}
