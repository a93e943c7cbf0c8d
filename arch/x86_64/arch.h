/* x86_64: everything core/ needs to know about the architecture. */
#ifndef TV_ARCH_H
#define TV_ARCH_H

#include <stdint.h>
#include <asm/unistd.h>
#include <asm/signal.h>
#include <linux/signal.h>
#include <asm/siginfo.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <linux/audit.h>
#include <linux/elf-em.h>
#include "rewrite.h"

#define TV_ARCH_NAME        "x86_64"
#define TV_AUDIT_ARCH       AUDIT_ARCH_X86_64
#define TV_ELF_MACHINE      EM_X86_64
/* x32 calls carry this bit; the filter traps them so they never bypass us. */
#define TV_NR_TRAP_MASK     0x40000000u
#define TV_SYSCALL_INSN_LEN 2       /* "syscall" is 0f 05 */
/* Where the kernel puts a program with an interpreter (ELF_ET_DYN_BASE,
 * page aligned) when user space ends at top (2^47 by default, also with
 * 5-level paging): 0x555555554000. */
static inline uintptr_t tv_arch_pie_base(uintptr_t top)
{
	return ((top - 4096) / 3 * 2) & ~4095ul;
}

typedef struct ucontext tv_ucontext;

/* The rewrite tier's save area (rewrite.h gives the offsets). */
struct tv_rw {
	uint64_t magic, stack, ret, flags, sp;
	uint64_t rax, rbx, rdx, rsi, rdi, rbp, r8, r9, r10, r12, r13, r14, r15;
};
_Static_assert(__builtin_offsetof(struct tv_rw, r15) == RW_R15, "rewrite.h matches struct tv_rw");
_Static_assert(sizeof(struct tv_rw) == RW_NPENDING, "rewrite.h matches struct tv_rw");

/* A site is "mov $nr, %eax" (b8 imm32) then "syscall" (0f 05); its mov
 * becomes "jmp rel32" (e9 rel32) to a stub within 2 GiB.  The syscall
 * stays: a rewind for a restart, or a jump to it, still traps. */
#define TV_RW_SITE_LEN	7
#define TV_RW_PATCH_LEN	5
#define TV_RW_SLOT	32
#define TV_RW_REACH	(0x7fffffffl - 2 * 4096)
#define TV_RW_SLOT_SITE	24	/* where a stub keeps its site's address */
#define TV_RW_STACK_BYTES 0	/* the stub keeps nothing on the guest's stack */
#define TV_REWRITE_DEFAULT TV_REWRITE_LAZY

#include "arch-api.h"

static inline long tv_uc_nr(const tv_ucontext *uc) { return (long)uc->uc_mcontext.rax; }
static inline void tv_uc_set_nr(tv_ucontext *uc, long nr) { uc->uc_mcontext.rax = (uint64_t)nr; }

static inline long tv_uc_arg(const tv_ucontext *uc, int i)
{
	const struct sigcontext *m = &uc->uc_mcontext;
	switch (i) {
	case 0: return (long)m->rdi;
	case 1: return (long)m->rsi;
	case 2: return (long)m->rdx;
	case 3: return (long)m->r10;
	case 4: return (long)m->r8;
	default: return (long)m->r9;
	}
}

static inline void tv_uc_set_arg(tv_ucontext *uc, int i, long v)
{
	struct sigcontext *m = &uc->uc_mcontext;
	uint64_t u = (uint64_t)v;
	switch (i) {
	case 0: m->rdi = u; break;
	case 1: m->rsi = u; break;
	case 2: m->rdx = u; break;
	case 3: m->r10 = u; break;
	case 4: m->r8 = u; break;
	default: m->r9 = u; break;
	}
}

/* After a SIGSYS trap the kernel has already set rax to -ENOSYS; the
 * result goes into rax. */
static inline void tv_uc_set_ret(tv_ucontext *uc, long v) { uc->uc_mcontext.rax = (uint64_t)v; }
static inline long tv_uc_ret(const tv_ucontext *uc) { return (long)uc->uc_mcontext.rax; }
static inline uintptr_t tv_uc_pc(const tv_ucontext *uc) { return uc->uc_mcontext.rip; }
static inline void tv_uc_set_pc(tv_ucontext *uc, uintptr_t pc) { uc->uc_mcontext.rip = pc; }
static inline uintptr_t tv_uc_sp(const tv_ucontext *uc) { return uc->uc_mcontext.rsp; }
static inline void tv_uc_set_sp(tv_ucontext *uc, uintptr_t sp) { uc->uc_mcontext.rsp = sp; }
/* The signal mask as one 64-bit word (x86_64's sigset_t is unsigned long). */
static inline uint64_t *tv_uc_mask(tv_ucontext *uc) { return (uint64_t *)&uc->uc_sigmask; }

/* clone's raw argument order: flags, stack, parent_tid, child_tid, tls. */
static inline void tv_clone_args_decode(const long a[6], struct tv_clone_args *c)
{
	c->flags = (unsigned long)a[0];
	c->stack = (uintptr_t)a[1];
	c->ptid = (uintptr_t)a[2];
	c->ctid = (uintptr_t)a[3];
	c->tls = (uintptr_t)a[4];
}

/* Syscalls only this architecture has, named for core/ tables. */
#define TV_HAVE_NR_FORK 1

/* The ABI's red zone below the stack pointer, which a signal frame skips. */
#define TV_RED_ZONE 128

/* Where the ucontext of the signal frame lies when rt_sigreturn is called
 * with stack pointer sp: the frame is at sp - 8 (the handler's return
 * popped its pretcode), and its ucontext right after that. */
static inline uintptr_t tv_arch_frame_uc(uintptr_t sp)
{
	return sp;
}

/* Where a ucontext holds the register a syscall returns in. */
#define TV_UC_RET_OFF __builtin_offsetof(tv_ucontext, uc_mcontext.rax)

/* The stack pointer at which rt_sigreturn finds the frame a handler was
 * given info and uc in: the ucontext, right after the popped pretcode. */
static inline uintptr_t tv_arch_handler_frame_sp(const siginfo_t *info, const tv_ucontext *uc)
{
	(void)info;
	return (uintptr_t)uc;
}

/* x86_64 handlers must name their restorer (SA_RESTORER); without one the
 * kernel cannot deliver, and neither can we. */
static inline uintptr_t tv_arch_restorer(const void *sa_restorer, unsigned long flags)
{
	return (flags & SA_RESTORER) ? (uintptr_t)sa_restorer : 0;
}

static inline void tv_cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }

#endif
