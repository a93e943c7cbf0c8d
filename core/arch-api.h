/* What every arch/ARCH directory provides, beside the inline register
 * accessors and constants of its arch.h (which includes this file once
 * tv_ucontext is known). */
#ifndef TV_ARCH_API_H
#define TV_ARCH_API_H

#include <stddef.h>
#include <stdint.h>

/* clone's arguments, decoded from the arch's raw order by
 * tv_clone_args_decode. */
struct tv_clone_args {
	unsigned long flags;
	uintptr_t stack, ptid, ctid, tls;
};

/* Entry points in entry.S (tv_syscall6 is declared in tvisor.h). */
extern const char tv_syscall_ret[];	/* address after the allowed syscall instruction */
extern const char tv_clone_ret[];	/* the same for the clone stub */
void tv_restorer(void);
/* Switch to sp and let the kernel's rt_sigreturn restore the frame there. */
__attribute__((noreturn)) void tv_sigreturn_at(uintptr_t sp);
/* Start a new thread on stack_top: the child runs fn(arg) and then exits. */
long tv_clone(unsigned long flags, void *stack_top, int *ptid, int *ctid, unsigned long tls,
	      void (*fn)(void *), void *arg);
/* clone3 with the child's stack in ca: its top holds fn and then arg
 * (16 bytes, 16-aligned), which the child calls as tv_clone's does. */
struct clone_args;
long tv_clone3(struct clone_args *ca, size_t size);
/* Jump to a program entry point with the initial stack the ABI describes. */
__attribute__((noreturn)) void tv_enter(uintptr_t entry, uintptr_t sp);

/* A guest's call, made by its own thread interruptibly: with *pending
 * nonzero it bails out with -ERESTARTSYS before the call; the monitor's
 * signal handler moves a PC inside [tv_icall_begin, tv_icall_ret) to
 * tv_icall_bail.  tv_icall_insn is the syscall instruction itself. */
long tv_icall(const long call[7], const int *pending);
extern const char tv_icall_begin[], tv_icall_insn[], tv_icall_ret[], tv_icall_bail[];

/* The SIGSYS handler's way out: rt_sigreturn with the frame at sp (through
 * tv_icall_insn), unless *pending; then it returns.  A signal
 * handler moves a PC in [tv_return_begin, tv_return_commit) to
 * tv_return_bail; one in [tv_return_commit, tv_return_end) finds the
 * stack pointer already at the frame. */
void tv_icall_return(uintptr_t sp, const int *pending);
extern const char tv_return_begin[], tv_return_commit[], tv_return_end[], tv_return_bail[];

/* Points uc at a guest signal handler, as the kernel's signal delivery
 * would: a frame below stack_top holds the interrupted context (with
 * frame_mask and frame_stack as its uc_sigmask and uc_stack) and info;
 * the handler gets (sig, &info, &uc) and returns to restorer. */
void tv_arch_setup_frame(tv_ucontext *uc, uintptr_t stack_top, uintptr_t handler,
			 uintptr_t restorer, int sig, const siginfo_t *info, uint64_t frame_mask,
			 const stack_t *frame_stack);

/* Copies a live ucontext with its FP state into a frame below top that
 * tv_sigreturn_at(*sp_out) restores. */
tv_ucontext *tv_arch_copy_frame(void *top, const tv_ucontext *src, uintptr_t *sp_out);

#endif
