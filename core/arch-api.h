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

/* The rewrite tier (core/rewrite.c).  A site is a syscall pattern the
 * arch rewrites into a jump to a per-site stub, which enters the monitor
 * at tv_rw_entry; core/rewrite.c decides when, and where stubs go. */
struct tv_thread;
/* Is the code ending at pc (after the syscall instruction) a site for a
 * call of number nr?  Reads the guest's bytes; sets *site. */
int tv_arch_rw_match(uintptr_t pc, long nr, uintptr_t *site);
/* Writes slot's stub for a site (TV_RW_SLOT bytes); entry_ptr is where the
 * block keeps tv_rw_entry's address. */
void tv_arch_rw_stub(unsigned char *slot, uintptr_t slot_addr, uintptr_t site, long nr,
		     uintptr_t entry_ptr);
/* The TV_RW_PATCH_LEN bytes that replace the site's first ones. */
void tv_arch_rw_jump(unsigned char *out, uintptr_t site, uintptr_t stub);
/* Make t's save area findable from the stub path, on the calling thread;
 * again at each trap (the guest may change what finds it); and no more
 * once it ends.  A fork child forgets the parent's other threads; a child
 * that shares the parent's memory must not find the parent's. */
int tv_arch_rw_thread_key(struct tv_thread *t);
void tv_arch_rw_note_thread(struct tv_thread *t);
void tv_arch_rw_thread_end(struct tv_thread *t);
void tv_arch_rw_after_fork(void);
void tv_arch_rw_clone_begin(struct tv_thread *t, unsigned long flags);
void tv_arch_rw_clone_end(struct tv_thread *t, unsigned long flags);
/* A trap the stub path made for a thread it could not find: the frame
 * becomes the guest's at its site (when si says it is such a trap). */
void tv_arch_rw_keyless(tv_ucontext *uc, const siginfo_t *si);
/* The saved call's number and arguments, and its result. */
long tv_arch_rw_nr(const struct tv_thread *t);
void tv_arch_rw_args(const struct tv_thread *t, long args[6]);
void tv_arch_rw_set_result(struct tv_thread *t, long ret);
/* The frame of a trap the stub path made with the guest's registers (but
 * the number's, for tv_rw_bail) becomes the guest's at the site: how
 * says where it stands. */
enum tv_rw_resume {
	TV_RW_CALL,	/* the call is still to be made (tv_rw_fallback_ret) */
	TV_RW_RESULT,	/* the call is done, its result saved (tv_rw_reenter_ret) */
	TV_RW_RESTART,	/* it ran into a signal first and runs again after it */
};
void tv_arch_rw_resume(const struct tv_thread *t, tv_ucontext *uc, enum tv_rw_resume how);
/* A context interrupted in a stub, off bytes into its slot: the guest's
 * own at the site (or just after its call, on the way back). */
void tv_arch_rw_unwind_stub(tv_ucontext *uc, uintptr_t site, uintptr_t off);
/* A context interrupted at the stub path's final jump: where the jump goes. */
void tv_arch_rw_at_commit(tv_ucontext *uc);
/* Can the patch at site be stored in one atomic write, and store it
 * (the page is writable meanwhile): a thread executing the site sees the
 * old instruction or the new one, never a mix. */
int tv_arch_rw_atomic(uintptr_t site);
void tv_arch_rw_store(uintptr_t site, const unsigned char *patch);
extern const char tv_rw_entry[], tv_rw_exit_begin[], tv_rw_exit_commit[], tv_rw_exit_end[],
	tv_rw_bail[], tv_rw_reenter_ret[], tv_rw_fallback_ret[], tv_rw_keyless_ret[];

#endif
