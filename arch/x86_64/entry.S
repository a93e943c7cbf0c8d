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

/* long tv_kcall(const long call[7], const int seq[2]): a kernel thread
 * performs a guest's call here.  If seq[0] == seq[1] (the guest thread
 * asked to interrupt this request) it bails out with -ERESTARTSYS before
 * the call; the interrupt handler moves a PC inside [tv_kcall_begin,
 * tv_kcall_ret) to tv_kcall_bail, so a request interrupted just before
 * the syscall is entered is never lost (musl's cancellation trick). */
	.globl tv_kcall
	.type tv_kcall,@function
	.globl tv_kcall_begin
	.hidden tv_kcall_begin
	.globl tv_kcall_ret
	.hidden tv_kcall_ret
	.globl tv_kcall_bail
	.hidden tv_kcall_bail
tv_kcall:
	mov %rdi, %r11
tv_kcall_begin:
	mov (%rsi), %eax
	cmp 4(%rsi), %eax
	je tv_kcall_bail
	mov 0(%r11), %rax
	mov 8(%r11), %rdi
	mov 16(%r11), %rsi
	mov 24(%r11), %rdx
	mov 32(%r11), %r10
	mov 40(%r11), %r8
	mov 48(%r11), %r9
	syscall
tv_kcall_ret:
	ret
tv_kcall_bail:
	mov $-512, %rax
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
