/* x86_64 signal frames: copy a live ucontext, with its FP/XSAVE state,
 * into a frame that rt_sigreturn can restore. */
#include "monitor.h"

/* What the kernel reads at sp - 8 in rt_sigreturn (arch/x86/include/asm/
 * sigframe.h; not in the UAPI headers). */
struct rt_sigframe {
	uintptr_t pretcode;
	tv_ucontext uc;
	siginfo_t info;
};

static size_t fp_size_of(const struct _fpstate_64 *fp)
{
	if (!fp)
		return 0;
	if (fp->sw_reserved.magic1 == FP_XSTATE_MAGIC1)
		return fp->sw_reserved.extended_size;
	return sizeof(*fp);
}

/* The kernel reads the frame as struct rt_sigframe at sp - 8 (the
 * handler's return address has been popped), so the ucontext sits at sp.
 * XRSTOR wants the FP area 64-byte aligned. */
tv_ucontext *tv_arch_copy_frame(void *top, const tv_ucontext *src, uintptr_t *sp_out)
{
	const struct _fpstate_64 *fp = (const void *)src->uc_mcontext.fpstate;
	size_t fp_size = fp_size_of(fp);
	uintptr_t p = ((uintptr_t)top - fp_size) & ~63ul;
	void *fp_copy = (void *)p;
	if (fp)
		memcpy(fp_copy, fp, fp_size);

	p = (p - sizeof(tv_ucontext) - 64) & ~15ul;
	tv_ucontext *uc = (tv_ucontext *)p;
	memcpy(uc, src, sizeof *uc);
	uc->uc_mcontext.fpstate = fp ? fp_copy : NULL;
	*sp_out = p;
	return uc;
}

/* Laid out as the kernel's get_sigframe does: FP state 64-byte aligned
 * at the top, then the frame, with sp + 8 16-byte aligned as at a call. */
void tv_arch_setup_frame(tv_ucontext *uc, uintptr_t stack_top, uintptr_t handler,
			 uintptr_t restorer, int sig, const siginfo_t *info, uint64_t frame_mask,
			 const stack_t *frame_stack)
{
	const struct _fpstate_64 *fp = (const void *)uc->uc_mcontext.fpstate;
	size_t fp_size = fp_size_of(fp);
	uintptr_t p = (stack_top - fp_size) & ~63ul;
	void *fp_copy = (void *)p;

	if (fp)
		memcpy(fp_copy, fp, fp_size);
	p = ((p - sizeof(struct rt_sigframe)) & ~15ul) - 8;
	struct rt_sigframe *f = (struct rt_sigframe *)p;
	f->pretcode = restorer;
	f->uc = *uc;
	f->uc.uc_link = NULL;
	f->uc.uc_mcontext.fpstate = fp ? fp_copy : NULL;
	f->uc.uc_sigmask = frame_mask;
	f->uc.uc_stack = *frame_stack;
	f->info = *info;

	struct sigcontext *m = &uc->uc_mcontext;
	m->rip = handler;
	m->rsp = p;
	m->rdi = (uint64_t)sig;
	m->rsi = (uint64_t)(uintptr_t)&f->info;
	m->rdx = (uint64_t)(uintptr_t)&f->uc;
	m->rax = 0;
	/* As the kernel: no direction, trap or resume flag in the handler. */
	m->eflags &= ~(uint64_t)(0x400 | 0x100 | 0x10000);
}
