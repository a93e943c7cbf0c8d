/* aarch64: everything core/ needs to know about the architecture. */
#ifndef TV_ARCH_H
#define TV_ARCH_H

#include <stdint.h>
#include <asm/unistd.h>
#include <asm/signal.h>
#include <linux/signal.h>
#include <asm/siginfo.h>
/* asm/ucontext.h uses struct sigcontext without including its header. */
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include <linux/audit.h>
#include <linux/elf-em.h>
#include "rewrite.h"

#define TV_ARCH_NAME        "aarch64"
#define TV_AUDIT_ARCH       AUDIT_ARCH_AARCH64
#define TV_ELF_MACHINE      EM_AARCH64
/* No second ABI shares the syscall instruction (compat AArch32 calls have
 * their own audit arch, which the filter's arch check already traps). */
#define TV_NR_TRAP_MASK     0u
#define TV_SYSCALL_INSN_LEN 4       /* "svc #0" is d4000001 */
/* Where the kernel puts a program with an interpreter: ELF_ET_DYN_BASE,
 * two thirds of the user address space (DEFAULT_MAP_WINDOW_64), page
 * aligned: 0xaaaaaaaaa000 with 48 bits, 0x5555555000 with 39. */
static inline uintptr_t tv_arch_pie_base(uintptr_t top)
{
	return (top / 3 * 2) & ~4095ul;
}

typedef struct ucontext tv_ucontext;

/* The rewrite tier's save area (rewrite.h gives the offsets). */
struct tv_rw {
	uint64_t magic, stack, ret, nzcv, sp;
	uint64_t x[31];
	uint64_t tail;
	uint64_t key;	/* the thread pointer this thread is found by (rewrite.c) */
};
_Static_assert(__builtin_offsetof(struct tv_rw, tail) == RW_TAIL, "rewrite.h matches struct tv_rw");
_Static_assert(__builtin_offsetof(struct tv_rw, x[30]) == RW_X0 + 240, "rewrite.h matches struct tv_rw");
_Static_assert(sizeof(struct tv_rw) == RW_NPENDING, "rewrite.h matches struct tv_rw");

/* A site is "svc #0"; it becomes "b" to a stub within 128 MiB, which
 * saves x16/x17 below the guest's sp (no red zone to keep on arm64) and
 * comes back by a branch of its own to the instruction after the site. */
#define TV_RW_SITE_LEN	4
#define TV_RW_PATCH_LEN	4
#define TV_RW_SLOT	32
#define TV_RW_SLOT_SITE	24	/* where a stub keeps its site's address */
#define TV_RW_REACH	((128l << 20) - 2 * 4096)
#define TV_RW_STACK_BYTES 16	/* what the stub keeps below the guest's sp */
#define TV_REWRITE_DEFAULT TV_REWRITE_LAZY

#include "arch-api.h"

/* The syscall number is in x8, the arguments in x0..x5, the result in x0.
 * In a SIGSYS frame x0 still holds the first argument (the kernel puts
 * orig_x0 back before it builds the frame). */
static inline long tv_uc_nr(const tv_ucontext *uc) { return (long)uc->uc_mcontext.regs[8]; }
static inline void tv_uc_set_nr(tv_ucontext *uc, long nr) { uc->uc_mcontext.regs[8] = (uint64_t)nr; }

static inline long tv_uc_arg(const tv_ucontext *uc, int i)
{
	return (long)uc->uc_mcontext.regs[i];
}

static inline void tv_uc_set_arg(tv_ucontext *uc, int i, long v)
{
	uc->uc_mcontext.regs[i] = (uint64_t)v;
}

static inline void tv_uc_set_ret(tv_ucontext *uc, long v) { uc->uc_mcontext.regs[0] = (uint64_t)v; }
static inline long tv_uc_ret(const tv_ucontext *uc) { return (long)uc->uc_mcontext.regs[0]; }
/* pc is the address after the svc, as for x86_64's rip after syscall. */
static inline uintptr_t tv_uc_pc(const tv_ucontext *uc) { return uc->uc_mcontext.pc; }
static inline void tv_uc_set_pc(tv_ucontext *uc, uintptr_t pc) { uc->uc_mcontext.pc = pc; }
static inline uintptr_t tv_uc_sp(const tv_ucontext *uc) { return uc->uc_mcontext.sp; }
static inline void tv_uc_set_sp(tv_ucontext *uc, uintptr_t sp) { uc->uc_mcontext.sp = sp; }
/* The signal mask as one 64-bit word.  arm64's ucontext puts uc_sigmask
 * (the kernel's one-word sigset_t, padded to glibc's 128 bytes) before
 * uc_mcontext. */
static inline uint64_t *tv_uc_mask(tv_ucontext *uc) { return (uint64_t *)&uc->uc_sigmask; }

/* clone's raw argument order on arm64 (the generic one, without
 * CONFIG_CLONE_BACKWARDS*): flags, stack, parent_tid, tls, child_tid. */
static inline void tv_clone_args_decode(const long a[6], struct tv_clone_args *c)
{
	c->flags = (unsigned long)a[0];
	c->stack = (uintptr_t)a[1];
	c->ptid = (uintptr_t)a[2];
	c->tls = (uintptr_t)a[3];
	c->ctid = (uintptr_t)a[4];
}

/* arm64 has no fork, vfork, open, stat, pause, arch_prctl...: only the
 * generic numbers of asm-generic/unistd.h, so TV_HAVE_NR_FORK is unset. */

/* Where the ucontext of the signal frame lies when rt_sigreturn is called
 * with stack pointer sp: struct rt_sigframe is at sp, a siginfo and then
 * the ucontext. */
static inline uintptr_t tv_arch_frame_uc(uintptr_t sp)
{
	return sp + sizeof(siginfo_t);
}

/* Where a ucontext holds the register a syscall returns in. */
#define TV_UC_RET_OFF __builtin_offsetof(tv_ucontext, uc_mcontext.regs[0])

/* The stack pointer at which rt_sigreturn finds the frame a handler was
 * given info and uc in: struct rt_sigframe starts with the siginfo. */
static inline uintptr_t tv_arch_handler_frame_sp(const siginfo_t *info, const tv_ucontext *uc)
{
	(void)uc;
	return (uintptr_t)info;
}

/* AAPCS64 has no red zone below the stack pointer. */
#define TV_RED_ZONE 0

/* A guest's rt_sigreturn trampoline at a trapped address: "mov x8, #139;
 * svc #0", the instruction pair unwinders (libgcc, gdb) recognise as a
 * signal frame's return, like the vDSO's __kernel_rt_sigreturn. */
void tv_guest_sigtramp(void);

/* arm64 handlers need not name a restorer: without SA_RESTORER (glibc
 * never sets it) the kernel returns through the vDSO's trampoline, and
 * we through an equivalent one, whose rt_sigreturn the filter traps. */
static inline uintptr_t tv_arch_restorer(const void *sa_restorer, unsigned long flags)
{
	return (flags & SA_RESTORER) ? (uintptr_t)sa_restorer : (uintptr_t)tv_guest_sigtramp;
}

static inline void tv_cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

#endif
