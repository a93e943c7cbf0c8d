/* x86_64 signal frames: copy a live ucontext, with its FP/XSAVE state,
 * into a frame that rt_sigreturn can restore. */
#include "monitor.h"

/* The kernel reads the frame as struct rt_sigframe at sp - 8 (the
 * handler's return address has been popped), so the ucontext sits at sp.
 * XRSTOR wants the FP area 64-byte aligned. */
tv_ucontext *tv_arch_copy_frame(void *top, const tv_ucontext *src, uintptr_t *sp_out)
{
	const struct _fpstate_64 *fp = (const void *)src->uc_mcontext.fpstate;
	size_t fp_size = 0;

	if (fp) {
		fp_size = sizeof(*fp);
		if (fp->sw_reserved.magic1 == FP_XSTATE_MAGIC1)
			fp_size = fp->sw_reserved.extended_size;
	}
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
