/* x86_64 entry points: the only assembly the monitor has. */
#include <asm/unistd.h>

	.text

/* The kernel starts us with rsp at argc; tv_main(sp) never returns. */
	.globl _start
	.type _start,@function
_start:
	xor %ebp, %ebp
	mov %rsp, %rdi
	and $-16, %rsp
	call tv_main
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

	.section .note.GNU-stack,"",@progbits
