/* x86_64 entry points: the only assembly the monitor has. */
#include <asm/unistd.h>
#include "rewrite.h"

	.text

/* The kernel starts us with rsp at argc, wherever it mapped the image;
 * tv_start(sp) relocates it and moves it to its place (core/place.c),
 * and never returns. */
	.globl _start
	.type _start,@function
_start:
	xor %ebp, %ebp
	mov %rsp, %rdi
	and $-16, %rsp
	call tv_start
	hlt

/* long tv_syscall6(nr, a, b, c, d, e, f): every syscall the monitor issues
 * from a guest thread goes through the one instruction before
 * tv_syscall_ret, whose address the seccomp filter allows. */
	.globl tv_syscall6
	.type tv_syscall6,@function
	.globl tv_syscall_ret
	.hidden tv_syscall_ret
tv_syscall6:
	mov %rdi, %rax
	mov %rsi, %rdi
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	mov 8(%rsp), %r9
tv_syscall_insn:
	syscall
tv_syscall_ret:
	ret

/* The restorer of the monitor's own handlers: rt_sigreturn must come from
 * the allowed instruction, since the guest's rt_sigreturn is trapped. */
	.globl tv_restorer
	.type tv_restorer,@function
tv_restorer:
	mov $__NR_rt_sigreturn, %eax
	jmp tv_syscall_insn

/* void tv_sigreturn_at(sp): the frame at sp-8 (the handler's return
 * address was popped) is the guest's. */
	.globl tv_sigreturn_at
	.type tv_sigreturn_at,@function
tv_sigreturn_at:
	mov %rdi, %rsp
	mov $__NR_rt_sigreturn, %eax
	jmp tv_syscall_insn

/* long tv_icall(const long call[7], const int *pending): a guest's call,
 * made by its own thread G inside the SIGSYS handler, interruptibly.  If
 * *pending (a signal for the guest was recorded) it bails out with
 * -ERESTARTSYS before the call; the monitor's signal handler moves a PC
 * inside [tv_icall_begin, tv_icall_ret) to tv_icall_bail, so a signal that
 * arrives just before the syscall is entered, or one the kernel rewound
 * the call for (SA_RESTART), is never lost (musl's cancellation trick).
 * A call that ends with -EINTR has its PC at tv_icall_ret, outside. */
	.globl tv_icall
	.type tv_icall,@function
	.globl tv_icall_begin
	.hidden tv_icall_begin
	.globl tv_icall_insn
	.hidden tv_icall_insn
	.globl tv_icall_ret
	.hidden tv_icall_ret
	.globl tv_icall_bail
	.hidden tv_icall_bail
tv_icall:
	mov %rdi, %r11
tv_icall_begin:
	cmpl $0, (%rsi)
	jne tv_icall_bail
	mov 0(%r11), %rax
	mov 8(%r11), %rdi
	mov 16(%r11), %rsi
	mov 24(%r11), %rdx
	mov 32(%r11), %r10
	mov 40(%r11), %r8
	mov 48(%r11), %r9
tv_icall_insn:
	syscall
tv_icall_ret:
	ret
tv_icall_bail:
	mov $-512, %rax
	ret

/* void tv_icall_return(uintptr_t sp, const int *pending): the end of the
 * SIGSYS handler: rt_sigreturn with the frame at sp, unless a signal was
 * recorded (*pending); then it returns, for the caller to deliver
 * it.  A signal arriving before tv_return_commit moves the PC to
 * tv_return_bail; from there on the stack is the frame, and a signal
 * handler delivers straight into it (signal.c).  The syscall is
 * tv_icall's, at the same allowed address. */
	.globl tv_icall_return
	.type tv_icall_return,@function
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
	cmpl $0, (%rsi)
	jne tv_return_bail
	mov %rdi, %rsp
tv_return_commit:
	mov $__NR_rt_sigreturn, %eax
	jmp tv_icall_insn
tv_return_end:
tv_return_bail:
	ret

/* long tv_clone(flags, stack_top, ptid, ctid, tls, fn, arg) */
	.globl tv_clone
	.type tv_clone,@function
	.globl tv_clone_ret
	.hidden tv_clone_ret
tv_clone:
	mov 8(%rsp), %rax          /* arg */
	and $-16, %rsi
	sub $16, %rsi
	mov %rax, 8(%rsi)
	mov %r9, 0(%rsi)           /* fn */
	mov %rcx, %r10             /* ctid */
	mov $__NR_clone, %eax
tv_clone_insn:
	syscall
tv_clone_ret:
	test %rax, %rax
	jnz 1f
	xor %ebp, %ebp
	pop %rax
	pop %rdi
	call *%rax
	mov %eax, %edi
	mov $__NR_exit, %eax
	syscall
	hlt
1:	ret

/* long tv_clone3(struct clone_args *ca, size_t size): clone3 through
 * tv_clone's syscall; the child starts on ca's stack, whose top holds fn
 * and arg as tv_clone lays them out. */
	.globl tv_clone3
	.type tv_clone3,@function
tv_clone3:
	mov $__NR_clone3, %eax
	jmp tv_clone_insn

/* void tv_enter(entry, sp): the SysV ABI start state, rdx = 0 (no
 * atexit function), everything else cleared. */
	.globl tv_enter
	.type tv_enter,@function
tv_enter:
	mov %rsi, %rsp
	mov %rdi, %rax
	xor %edx, %edx
	xor %ecx, %ecx
	xor %ebx, %ebx
	xor %ebp, %ebp
	xor %esi, %esi
	xor %edi, %edi
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	jmp *%rax

/* The saved registers back, except rsp, rcx and r11, touching no flags:
 * inline, so that the exit window covers every instruction of it. */
.macro RW_RESTORE
	mov %gs:RW_RAX, %rax
	mov %gs:RW_RBX, %rbx
	mov %gs:RW_RDX, %rdx
	mov %gs:RW_RSI, %rsi
	mov %gs:RW_RDI, %rdi
	mov %gs:RW_RBP, %rbp
	mov %gs:RW_R8, %r8
	mov %gs:RW_R9, %r9
	mov %gs:RW_R10, %r10
	mov %gs:RW_R12, %r12
	mov %gs:RW_R13, %r13
	mov %gs:RW_R14, %r14
	mov %gs:RW_R15, %r15
.endm

/* The rewrite tier (core/rewrite.c).  A rewritten site "mov $nr, %eax;
 * syscall" jumps to its stub instead of the mov; the stub sets eax to
 * the number and rcx to the address after the site's syscall (as the
 * syscall instruction would) and comes here, with every other register
 * the guest's.  The GS base is the thread's struct tv_thread, whose first
 * member is the save area (rewrite.h).  A GS base that is not ours (the
 * magic differs) falls back to the site's own syscall, the SIGSYS path. */
	.globl tv_rw_entry
	.type tv_rw_entry,@function
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
	/* Test the magic without touching the flags (not yet saved): rcx
	 * becomes zero when it matches, and jrcxz reads no flags. */
	mov %gs:RW_MAGIC, %r11
	lea -TV_RW_MAGIC(%r11), %r11
	xchg %r11, %rcx
	jrcxz 1f
	lea -2(%r11), %rcx
	jmp *%rcx
tv_rw_keyless_ret:	/* (arm64 traps here; x86_64 takes the site's own syscall) */
1:	mov %r11, %gs:RW_RET
	mov %rsp, %gs:RW_SP
	mov %rax, %gs:RW_RAX
	mov %rbx, %gs:RW_RBX
	mov %rdx, %gs:RW_RDX
	mov %rsi, %gs:RW_RSI
	mov %rdi, %gs:RW_RDI
	mov %rbp, %gs:RW_RBP
	mov %r8, %gs:RW_R8
	mov %r9, %gs:RW_R9
	mov %r10, %gs:RW_R10
	mov %r12, %gs:RW_R12
	mov %r13, %gs:RW_R13
	mov %r14, %gs:RW_R14
	mov %r15, %gs:RW_R15
	mov %gs:RW_STACK, %rsp
	pushfq
	popq %gs:RW_FLAGS
	cld
	xor %ebp, %ebp
	call tv_rw_handle
	test %eax, %eax
	jnz 2f
/* Done: back to the guest unless a signal was recorded meanwhile.  A
 * signal before tv_rw_exit_commit moves the PC to tv_rw_bail; at the
 * final jump every register is the guest's, and a signal handler treats
 * the context as the guest's at rcx (signal.c). */
tv_rw_exit_begin:
	cmpl $0, %gs:RW_NPENDING
	jne tv_rw_bail
	/* popfq is slow: the arithmetic flags alone go back with sahf, and OF
	 * with an add that overflows exactly when it was set; TF, DF or AC
	 * set (never, at a libc wrapper) take popfq. */
	testl $(X86_TF | X86_DF | X86_AC), %gs:RW_FLAGS
	jnz 4f
	mov %gs:RW_FLAGS, %rax
	mov %eax, %ecx
	shr $11, %ecx
	and $1, %ecx
	add $0x7f, %cl
	mov %al, %ah
	sahf
	jmp 5f
4:	pushq %gs:RW_FLAGS
	popfq
5:	RW_RESTORE
	mov %gs:RW_RET, %rcx
	mov %gs:RW_FLAGS, %r11
	mov %gs:RW_SP, %rsp
tv_rw_exit_commit:
	jmp *%rcx
tv_rw_exit_end:
2:	cmp $2, %eax
	je 3f
/* Signals to deliver with the call's end: trap once more, from here, with
 * every register the guest's; the SIGSYS handler takes the context from
 * that frame (tv_rw_reentered) and returns through its own way out. */
tv_rw_bail:
	pushq %gs:RW_FLAGS
	popfq
	RW_RESTORE
	mov %gs:RW_SP, %rsp
	mov $__NR_rt_sigreturn, %eax
	syscall
tv_rw_reenter_ret:
	ud2
/* The call was not made: it traps from here, with every register the
 * guest's; the SIGSYS handler puts the guest's PC in its frame
 * (tv_rw_fallback) and makes the call as for any trap. */
3:	pushq %gs:RW_FLAGS
	popfq
	RW_RESTORE
	mov %gs:RW_SP, %rsp
	syscall
tv_rw_fallback_ret:
	ud2

	.section .note.GNU-stack,"",@progbits
