/* aarch64 signal frames: copy a live ucontext, with the records in its
 * __reserved area (fpsimd_context, esr_context, sve_context,
 * extra_context and what the extra space holds), into a frame that
 * rt_sigreturn can restore. */
#include <stddef.h>
#include <asm/ptrace.h>
#include "monitor.h"

/* The kernel's struct rt_sigframe (arch/arm64/kernel/signal.c): sp points
 * at it when a handler starts and when rt_sigreturn is called. */
struct tv_rt_sigframe {
	siginfo_t info;
	tv_ucontext uc;
};

_Static_assert(offsetof(struct tv_rt_sigframe, uc) == 128, "rt_sigframe: siginfo is 128 bytes");
_Static_assert(offsetof(tv_ucontext, uc_mcontext.__reserved) % 16 == 0,
	       "sigcontext.__reserved is 16-byte aligned");

#define RESERVED_OFF offsetof(tv_ucontext, uc_mcontext.__reserved)
#define RESERVED_SIZE sizeof(((tv_ucontext *)0)->uc_mcontext.__reserved)
/* The kernel refuses frames larger than this (SIGFRAME_MAXSZ). */
#define FRAME_MAX (64 * 1024ul)

/* The extra_context record's offset in __reserved, or -1.  Records are
 * walked as the kernel's parse_user_sigframe does, up to the terminator. */
static long find_extra(const unsigned char *base)
{
	size_t off = 0;

	while (off + sizeof(struct _aarch64_ctx) <= RESERVED_SIZE) {
		const struct _aarch64_ctx *h = (const void *)(base + off);
		if (h->magic == 0 || h->size < sizeof *h || h->size % 16 ||
		    h->size > RESERVED_SIZE - off)
			return -1;	/* the end, or malformed: rt_sigreturn judges */
		if (h->magic == EXTRA_MAGIC && h->size >= sizeof(struct extra_context))
			return (long)off;
		off += h->size;
	}
	return -1;
}

/* How many bytes from the start of __reserved the records take: all of
 * __reserved, or more when an extra_context points past it.  The kernel
 * places the extra space right after the terminator that follows
 * extra_context (rt_sigreturn insists on exactly that), so records and
 * extra space are one contiguous block, and a copy of the block keeps
 * the layout; only datap, an absolute address, must be moved.
 * *datap_off is the extra space's offset from __reserved (0: none). */
static size_t records_extent(const tv_ucontext *uc, long *extra_off, size_t *datap_off)
{
	const unsigned char *base = uc->uc_mcontext.__reserved;
	size_t extent = RESERVED_SIZE;

	*datap_off = 0;
	*extra_off = find_extra(base);
	if (*extra_off < 0)
		return extent;
	const struct extra_context *x = (const void *)(base + *extra_off);
	uintptr_t start = (uintptr_t)base;
	if (x->datap < start || x->datap - start > FRAME_MAX || x->size > FRAME_MAX) {
		*extra_off = -1;	/* not the kernel's layout: leave it alone */
		return extent;
	}
	*datap_off = (size_t)(x->datap - start);
	if (*datap_off + x->size > extent)
		extent = *datap_off + x->size;
	return extent;
}

/* The new frame (siginfo zeroed, ucontext and records copied) ends at or
 * below top and starts 16-byte aligned: *sp_out is where tv_sigreturn_at
 * must point sp. */
tv_ucontext *tv_arch_copy_frame(void *top, const tv_ucontext *src, uintptr_t *sp_out)
{
	long extra_off;
	size_t datap_off;
	size_t extent = records_extent(src, &extra_off, &datap_off);
	size_t uc_size = (RESERVED_OFF + extent + 15) & ~15ul;
	uintptr_t sp = ((uintptr_t)top - offsetof(struct tv_rt_sigframe, uc) - uc_size) & ~15ul;
	struct tv_rt_sigframe *f = (struct tv_rt_sigframe *)sp;

	memset(&f->info, 0, sizeof f->info);
	memcpy(&f->uc, src, RESERVED_OFF + extent);
	if (extra_off >= 0) {
		struct extra_context *e = (void *)(f->uc.uc_mcontext.__reserved + extra_off);
		e->datap = (uint64_t)(uintptr_t)(f->uc.uc_mcontext.__reserved + datap_off);
	}
	*sp_out = sp;
	return &f->uc;
}

/* Laid out as the kernel's get_sigframe and setup_return do: a frame
 * record {x29, x30} 16-byte aligned at the top, the rt_sigframe right
 * below it; the handler starts with x0 = sig, x1 = &info, x2 = &uc,
 * sp = the frame, x29 = the frame record and x30 = the restorer. */
void tv_arch_setup_frame(tv_ucontext *uc, uintptr_t stack_top, uintptr_t handler,
			 uintptr_t restorer, int sig, const siginfo_t *info, uint64_t frame_mask,
			 const stack_t *frame_stack)
{
	struct sigcontext *m = &uc->uc_mcontext;
	uintptr_t record = (stack_top - 16) & ~15ul;
	uint64_t *fr = (uint64_t *)record;
	uintptr_t sp;

	fr[0] = m->regs[29];
	fr[1] = m->regs[30];
	tv_ucontext *fuc = tv_arch_copy_frame((void *)record, uc, &sp);
	struct tv_rt_sigframe *f = (struct tv_rt_sigframe *)sp;
	f->info = *info;
	fuc->uc_flags = 0;
	fuc->uc_link = NULL;
	memcpy(&fuc->uc_sigmask, &frame_mask, sizeof frame_mask);
	fuc->uc_stack = *frame_stack;

	m->regs[0] = (uint64_t)sig;
	m->regs[1] = (uint64_t)(uintptr_t)&f->info;
	m->regs[2] = (uint64_t)(uintptr_t)fuc;
	m->regs[29] = (uint64_t)record;
	m->regs[30] = (uint64_t)restorer;
	m->sp = (uint64_t)sp;
	m->pc = (uint64_t)handler;
	/* The kernel starts a handler with PSTATE.BTYPE = "call" so that a
	 * BTI-guarded handler must begin with a landing pad; clearing it is
	 * the lenient equivalent (no check on the first instruction). */
	m->pstate &= ~(uint64_t)PSR_BTYPE_MASK;
}
