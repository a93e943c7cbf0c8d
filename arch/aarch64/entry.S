/* aarch64 entry points: the only assembly the monitor has. */
#include <asm/unistd.h>
#include "rewrite.h"

	.text

/* The kernel starts us with sp at argc (16-byte aligned), wherever it
 * mapped the image; tv_start(sp) relocates it and moves it to its place
 * (core/place.c), and never returns.  x29/x30 = 0 end the frame chain for debuggers. */
	.globl _start
	.type _start,%function
_start:
	mov x29, #0
	mov x30, #0
	mov x0, sp
	bl tv_start
	brk #0x3e8
	.size _start, .-_start

/* long tv_syscall6(nr, a, b, c, d, e, f): every syscall the monitor issues
 * from a guest thread goes through the one svc before tv_syscall_ret,
 * whose address the seccomp filter allows.  On arm64 the filter's
 * instruction_pointer is the address after the svc (the exception's
 * ELR), i.e. tv_syscall_ret, as after x86_64's syscall. */
	.globl tv_syscall6
	.type tv_syscall6,%function
	.globl tv_syscall_ret
	.hidden tv_syscall_ret
tv_syscall6:
	mov x8, x0
	mov x0, x1
	mov x1, x2
	mov x2, x3
	mov x3, x4
	mov x4, x5
	mov x5, x6
tv_syscall_insn:
	svc #0
tv_syscall_ret:
	ret
	.size tv_syscall6, .-tv_syscall6

/* The restorer of the monitor's own handlers (SA_RESTORER, which arm64
 * honours: x30 points here when the handler starts).  rt_sigreturn must
 * come from the allowed instruction, since the guest's (through the vDSO's
 * __kernel_rt_sigreturn) is trapped.  sp is the frame, as the kernel set
 * it up, and x30 is not used on the way back. */
	.globl tv_restorer
	.type tv_restorer,%function
tv_restorer:
	mov x8, #__NR_rt_sigreturn
	b tv_syscall_insn
	.size tv_restorer, .-tv_restorer

/* void tv_sigreturn_at(sp): arm64's rt_sigreturn reads struct rt_sigframe
 * (siginfo, then ucontext) at sp, which must be 16-byte aligned. */
	.globl tv_sigreturn_at
	.type tv_sigreturn_at,%function
tv_sigreturn_at:
	mov sp, x0
	mov x8, #__NR_rt_sigreturn
	b tv_syscall_insn
	.size tv_sigreturn_at, .-tv_sigreturn_at

/* The guest's signal return when its handler named no restorer (see
 * tv_arch_restorer): not the allowed svc, so the filter traps it and the
 * monitor performs the guest's rt_sigreturn.  The nop in front is there
 * for the same reason as the vDSO's: an unwinder looking up the CFI of
 * "return address - 1" stays inside this stub. */
	nop
	.globl tv_guest_sigtramp
	.type tv_guest_sigtramp,%function
tv_guest_sigtramp:
	mov x8, #__NR_rt_sigreturn
	svc #0
	brk #0x3e8
	.size tv_guest_sigtramp, .-tv_guest_sigtramp

/* long tv_icall(const long call[7], const int *pending): a guest's call,
 * made by its own thread G inside the SIGSYS handler, interruptibly.  If
 * *pending (a signal for the guest was recorded) it bails out with
 * -ERESTARTSYS before the call; the monitor's signal handler moves a PC
 * inside [tv_icall_begin, tv_icall_ret) to tv_icall_bail, so a signal that
 * arrives just before the svc is entered is never lost (musl's
 * cancellation trick).  A call the kernel restarts (SA_RESTART) has its pc
 * rewound to the svc, inside the window, so it bails out too; one that
 * ends with -EINTR has pc == tv_icall_ret, outside it. */
	.globl tv_icall
	.type tv_icall,%function
	.globl tv_icall_begin
	.hidden tv_icall_begin
	.globl tv_icall_insn
	.hidden tv_icall_insn
	.globl tv_icall_ret
	.hidden tv_icall_ret
	.globl tv_icall_bail
	.hidden tv_icall_bail
tv_icall:
	mov x9, x0
tv_icall_begin:
	ldr w10, [x1]
	cbnz w10, tv_icall_bail
	ldp x8, x0, [x9]
	ldp x1, x2, [x9, #16]
	ldp x3, x4, [x9, #32]
	ldr x5, [x9, #48]
tv_icall_insn:
	svc #0
tv_icall_ret:
	ret
tv_icall_bail:
	mov x0, #-512
	ret
	.size tv_icall, .-tv_icall

/* void tv_icall_return(uintptr_t sp, const int *pending): the end of the
 * SIGSYS handler: rt_sigreturn with the frame at sp, unless a signal was
 * recorded (*pending); then it returns, for the caller to deliver
 * it.  A signal arriving before tv_return_commit moves the pc to
 * tv_return_bail; from there on sp is the frame, and a signal handler
 * delivers straight into it (signal.c).  The svc is tv_icall's, at the
 * same allowed address. */
	.globl tv_icall_return
	.type tv_icall_return,%function
	.globl tv_return_begin
	.hidden tv_return_begin
	.globl tv_return_commit
	.hidden tv_return_commit
	.globl tv_return_end
	.hidden tv_return_end
	.globl tv_return_bail
	.hidden tv_return_bail
tv_icall_return:
tv_return_begin:
	ldr w10, [x1]
	cbnz w10, tv_return_bail
	mov sp, x0
tv_return_commit:
	mov x8, #__NR_rt_sigreturn
	b tv_icall_insn
tv_return_end:
tv_return_bail:
	ret
	.size tv_icall_return, .-tv_icall_return

/* long tv_clone(flags, stack_top, ptid, ctid, tls, fn, arg)
 * The raw clone takes flags, stack, parent_tid, tls, child_tid.  fn and
 * arg travel on the child's new stack, where the child finds them with
 * nothing but its sp. */
	.globl tv_clone
	.type tv_clone,%function
	.globl tv_clone_ret
	.hidden tv_clone_ret
tv_clone:
	and x1, x1, #-16
	stp x5, x6, [x1, #-16]!     /* fn, arg */
	mov x9, x3                  /* ctid */
	mov x3, x4                  /* tls */
	mov x4, x9                  /* child_tid */
	mov x8, #__NR_clone
tv_clone_insn:
	svc #0
tv_clone_ret:
	cbnz x0, 1f
	/* The child: a fresh frame chain, fn(arg), then exit(fn's value)
	 * through the allowed instruction (a filtered thread may get here). */
	mov x29, #0
	mov x30, #0
	ldp x1, x0, [sp], #16
	blr x1
	mov x8, #__NR_exit
	b tv_syscall_insn
1:	ret
	.size tv_clone, .-tv_clone

/* long tv_clone3(struct clone_args *ca, size_t size): clone3 through
 * tv_clone's svc; the child starts on ca's stack, whose top holds fn and
 * arg as tv_clone lays them out. */
	.globl tv_clone3
	.type tv_clone3,%function
tv_clone3:
	mov x8, #__NR_clone3
	b tv_clone_insn
	.size tv_clone3, .-tv_clone3

/* void tv_enter(entry, sp): the AArch64 Linux process start state: sp at
 * argc, x0 = 0 (no function for atexit), every other register zero; the
 * entry address stays in x16, the intra-procedure-call scratch register
 * (which "bti c" and "bti j" landing pads both accept). */
	.globl tv_enter
	.type tv_enter,%function
tv_enter:
	mov sp, x1
	mov x16, x0
	mov x0, #0
	mov x1, #0
	mov x2, #0
	mov x3, #0
	mov x4, #0
	mov x5, #0
	mov x6, #0
	mov x7, #0
	mov x8, #0
	mov x9, #0
	mov x10, #0
	mov x11, #0
	mov x12, #0
	mov x13, #0
	mov x14, #0
	mov x15, #0
	mov x17, #0
	mov x18, #0
	mov x19, #0
	mov x20, #0
	mov x21, #0
	mov x22, #0
	mov x23, #0
	mov x24, #0
	mov x25, #0
	mov x26, #0
	mov x27, #0
	mov x28, #0
	mov x29, #0
	mov x30, #0
	br x16
	.size tv_enter, .-tv_enter


/* The saved registers back from the save area at x17, but x16 and x17:
 * inline, so that the exit window covers every instruction of it. */
.macro RW_RESTORE
	ldp x0, x1, [x17, #RW_X0]
	ldp x2, x3, [x17, #RW_X0+16]
	ldp x4, x5, [x17, #RW_X0+32]
	ldp x6, x7, [x17, #RW_X0+48]
	ldp x8, x9, [x17, #RW_X0+64]
	ldp x10, x11, [x17, #RW_X0+80]
	ldp x12, x13, [x17, #RW_X0+96]
	ldp x14, x15, [x17, #RW_X0+112]
	ldp x18, x19, [x17, #RW_X0+144]
	ldp x20, x21, [x17, #RW_X0+160]
	ldp x22, x23, [x17, #RW_X0+176]
	ldp x24, x25, [x17, #RW_X0+192]
	ldp x26, x27, [x17, #RW_X0+208]
	ldp x28, x29, [x17, #RW_X0+224]
	ldr x30, [x17, #RW_X0+240]
.endm

/* The rewrite tier (core/rewrite.c).  A rewritten "svc #0" branches to
 * its stub (arch/aarch64/rewrite.c), which saves x16/x17 below the guest's
 * sp and comes here with x16 = the stub; every other register is the
 * guest's.  The thread's save area is found in tv_rw_keys by the thread
 * pointer; a thread not found there traps from tv_rw_keyless_ret. */
	.globl tv_rw_entry
	.type tv_rw_entry,%function
	.globl tv_rw_exit_begin
	.hidden tv_rw_exit_begin
	.globl tv_rw_exit_commit
	.hidden tv_rw_exit_commit
	.globl tv_rw_exit_end
	.hidden tv_rw_exit_end
	.globl tv_rw_bail
	.hidden tv_rw_bail
	.globl tv_rw_reenter_ret
	.hidden tv_rw_reenter_ret
	.globl tv_rw_fallback_ret
	.hidden tv_rw_fallback_ret
	.globl tv_rw_keyless_ret
	.hidden tv_rw_keyless_ret
tv_rw_entry:
	stp x0, x1, [sp, #-48]!
	stp x2, x3, [sp, #16]
	stp x4, x5, [sp, #32]
	mrs x3, nzcv
	mrs x0, tpidr_el0
	cbz x0, 9f
	adrp x1, tv_rw_keys
	add x1, x1, :lo12:tv_rw_keys
	eor x2, x0, x0, lsr #12
	lsr x2, x2, #4
	and x2, x2, #(RW_KEYS - 1)
	mov x17, #RW_PROBES
1:	add x4, x1, x2, lsl #4
	ldp x5, x4, [x4]
	cmp x5, x0
	b.eq 2f
	add x2, x2, #1
	and x2, x2, #(RW_KEYS - 1)
	subs x17, x17, #1
	b.ne 1b
	b 9f
2:	cbz x4, 9f
	ldr w5, [x4, #RW_MAGIC]
	movz w1, #0x7674
	movk w1, #0x7277, lsl #16
	cmp w5, w1
	b.ne 9f
	/* x4 is the thread: the guest's registers into its save area. */
	ldr x5, [x16, #24]
	add x5, x5, #4
	str x5, [x4, #RW_RET]
	add x5, x16, #16
	str x5, [x4, #RW_TAIL]
	str x3, [x4, #RW_NZCV]
	ldp x0, x1, [sp]
	stp x0, x1, [x4, #RW_X0]
	ldp x0, x1, [sp, #16]
	stp x0, x1, [x4, #RW_X0+16]
	ldp x0, x1, [sp, #32]
	stp x0, x1, [x4, #RW_X0+32]
	ldp x0, x1, [sp, #48]
	stp x0, x1, [x4, #RW_X0+128]
	add x0, sp, #64
	str x0, [x4, #RW_SP]
	stp x6, x7, [x4, #RW_X0+48]
	stp x8, x9, [x4, #RW_X0+64]
	stp x10, x11, [x4, #RW_X0+80]
	stp x12, x13, [x4, #RW_X0+96]
	stp x14, x15, [x4, #RW_X0+112]
	stp x18, x19, [x4, #RW_X0+144]
	stp x20, x21, [x4, #RW_X0+160]
	stp x22, x23, [x4, #RW_X0+176]
	stp x24, x25, [x4, #RW_X0+192]
	stp x26, x27, [x4, #RW_X0+208]
	stp x28, x29, [x4, #RW_X0+224]
	str x30, [x4, #RW_X0+240]
	ldr x0, [x4, #RW_STACK]
	mov sp, x0
	mov x19, x4
	mov x29, #0
	bl tv_rw_handle
	mov x17, x19
	cbnz w0, 3f
/* Done: back to the guest through the stub's ldp and branch, unless a
 * signal was recorded meanwhile.  A signal before tv_rw_exit_commit moves
 * the PC to tv_rw_bail (x17 is the save area throughout); at the final
 * branch everything but x16/x17 is the guest's, and a signal handler
 * treats the context as the guest's in the stub (signal.c). */
tv_rw_exit_begin:
	ldr w0, [x17, #RW_NPENDING]
	cbnz w0, tv_rw_bail
	ldr x0, [x17, #RW_NZCV]
	msr nzcv, x0
	RW_RESTORE
	ldr x16, [x17, #RW_SP]
	sub x16, x16, #16
	mov sp, x16
	ldr x16, [x17, #RW_TAIL]
tv_rw_exit_commit:
	br x16
tv_rw_exit_end:
3:	cmp w0, #2
	b.eq 4f
/* Signals to deliver with the call's end: trap once more, from here, with
 * every register the guest's but x8; the SIGSYS handler takes the context
 * from that frame (tv_rw_reentered) and returns through its own way out. */
tv_rw_bail:
	ldr x0, [x17, #RW_NZCV]
	msr nzcv, x0
	RW_RESTORE
	ldr x16, [x17, #RW_SP]
	mov sp, x16
	ldr x16, [x17, #RW_X0+128]
	mov x8, #__NR_rt_sigreturn
	ldr x17, [x17, #RW_X0+136]
	svc #0
tv_rw_reenter_ret:
	brk #0x3e9
/* The call was not made: it traps from here with every register the
 * guest's; the SIGSYS handler puts the guest's PC in its frame. */
4:	ldr x0, [x17, #RW_NZCV]
	msr nzcv, x0
	RW_RESTORE
	ldr x16, [x17, #RW_SP]
	mov sp, x16
	ldr x16, [x17, #RW_X0+128]
	ldr x17, [x17, #RW_X0+136]
	svc #0
tv_rw_fallback_ret:
	brk #0x3e9
/* No thread found: the guest's registers back but x16, the stub, from
 * which the SIGSYS handler finds the site (tv_arch_rw_keyless). */
9:	msr nzcv, x3
	ldp x2, x3, [sp, #16]
	ldp x4, x5, [sp, #32]
	ldp x0, x1, [sp], #48
	ldr x17, [sp, #8]
	add sp, sp, #16
	svc #0
tv_rw_keyless_ret:
	brk #0x3e9
	.size tv_rw_entry, .-tv_rw_entry

	.section .note.GNU-stack,"",%progbits
