/* aarch64 side of the rewrite tier: the site (svc #0), its stub, the
 * table the stub path finds its thread in, and the registers of the stub
 * path (entry.S).
 *
 * The thread pointer TPIDR_EL0 is the guest's and changes without a
 * syscall, so it is only a key: each thread records the value it had at
 * its last trap (tv_arch_rw_note_thread), and a key two live threads share
 * (a clone without CLONE_SETTLS, a vfork child) finds no thread, which
 * sends the stub path to the trap.  docs/rewrite.md says what remains. */
#include <linux/errno.h>
#include <linux/sched.h>
#include "monitor.h"

#define SVC0 0xd4000001u

struct tv_rw_key {
	uint64_t key;		/* a thread pointer; 0: free */
	struct tv_thread *t;	/* NULL: shared by threads, or hidden (vfork) */
};

struct tv_rw_key tv_rw_keys[RW_KEYS];	/* read by tv_rw_entry without a lock */
static tv_lock_t keys_lock;

static uint64_t thread_pointer(void)
{
	uint64_t tp;
	__asm__ volatile("mrs %0, tpidr_el0" : "=r"(tp));
	return tp;
}

/* The hash tv_rw_entry computes. */
static unsigned key_slot(uint64_t key)
{
	return (unsigned)(((key ^ (key >> 12)) >> 4) & (RW_KEYS - 1));
}

static struct tv_rw_key *key_find(uint64_t key, int add)
{
	unsigned h = key_slot(key);

	for (unsigned i = 0; i < RW_PROBES; i++) {
		struct tv_rw_key *k = &tv_rw_keys[(h + i) & (RW_KEYS - 1)];
		if (k->key == key || (add && k->key == 0))
			return k;
	}
	return NULL;
}

/* t's key becomes key, unless another thread has it: then nobody does. */
static void key_set(struct tv_thread *t, uint64_t key)
{
	tv_lock(&keys_lock);
	struct tv_rw_key *old = t->rw.key ? key_find(t->rw.key, 0) : NULL;
	if (old && old->t == t) {
		__atomic_store_n(&old->t, NULL, __ATOMIC_RELEASE);
		__atomic_store_n(&old->key, 0, __ATOMIC_RELEASE);
	}
	t->rw.key = 0;
	struct tv_rw_key *k = key ? key_find(key, 1) : NULL;
	if (k && k->key == key) {
		__atomic_store_n(&k->t, NULL, __ATOMIC_RELEASE);	/* shared */
	} else if (k) {
		__atomic_store_n(&k->t, t, __ATOMIC_RELEASE);
		__atomic_store_n(&k->key, key, __ATOMIC_RELEASE);
		t->rw.key = key;
	}
	tv_unlock(&keys_lock);
}

int tv_arch_rw_thread_key(struct tv_thread *t)
{
	key_set(t, thread_pointer());
	return 0;
}

/* At a trap: the thread pointer the guest may have set since. */
void tv_arch_rw_note_thread(struct tv_thread *t)
{
	uint64_t tp = thread_pointer();

	if (tp != t->rw.key)
		key_set(t, tp);
}

void tv_arch_rw_thread_end(struct tv_thread *t)
{
	key_set(t, 0);
}

/* A fork child's other threads are gone. */
void tv_arch_rw_after_fork(void)
{
	memset(tv_rw_keys, 0, sizeof tv_rw_keys);
	keys_lock.word = 0;
}

/* A child sharing our memory and thread pointer (vfork, posix_spawn)
 * must not take t's save area: t's key finds nobody while it runs.  A
 * vfork child is gone when the parent resumes; a CLONE_VM child that runs
 * on keeps the key shared. */
void tv_arch_rw_clone_begin(struct tv_thread *t, unsigned long flags)
{
	if ((flags & CLONE_VM) && !(flags & CLONE_THREAD) && t->rw.key)
		key_set(t, t->rw.key);	/* t has it: now shared */
}

void tv_arch_rw_clone_end(struct tv_thread *t, unsigned long flags)
{
	if ((flags & CLONE_VM) && (flags & CLONE_VFORK) && !(flags & CLONE_THREAD)) {
		uint64_t tp = thread_pointer();
		tv_lock(&keys_lock);
		struct tv_rw_key *k = key_find(tp, 0);
		if (k)
			k->key = 0;
		tv_unlock(&keys_lock);
		key_set(t, tp);
	}
}

int tv_arch_rw_match(uintptr_t pc, long nr, uintptr_t *site)
{
	uint32_t insn;

	(void)nr;
	if (tv_mem_read(&insn, pc - 4, sizeof insn) || insn != SVC0)
		return 0;
	*site = pc - 4;
	return 1;
}

static uint32_t branch(uintptr_t from, uintptr_t to)
{
	return 0x14000000u | ((uint32_t)((to - from) >> 2) & 0x3ffffffu);
}

/* The data and instruction caches agree on [lo, hi) for every core. */
static void sync_code(uintptr_t lo, uintptr_t hi)
{
	uint64_t ctr;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	uintptr_t dline = 4ul << ((ctr >> 16) & 15), iline = 4ul << (ctr & 15);

	for (uintptr_t a = lo & ~(dline - 1); a < hi; a += dline)
		__asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish" ::: "memory");
	for (uintptr_t a = lo & ~(iline - 1); a < hi; a += iline)
		__asm__ volatile("ic ivau, %0" ::"r"(a) : "memory");
	__asm__ volatile("dsb ish\n\tisb" ::: "memory");
}

/* An ldr (literal) of x17 at pc from to. */
static uint32_t ldr_x17(uintptr_t pc, uintptr_t to)
{
	return 0x58000011u | (((uint32_t)((to - pc) >> 2) & 0x7ffffu) << 5);
}

/*  +0  stp x16, x17, [sp, #-16]!
 *  +4  adr x16, +0          the stub, for tv_rw_entry
 *  +8  ldr x17, <block>     tv_rw_entry's address
 * +12  br x17
 * +16  ldp x16, x17, [sp], #16    the way back (RW_TAIL)
 * +20  b site + 4
 * +24  the site's address */
void tv_arch_rw_stub(unsigned char *slot, uintptr_t slot_addr, uintptr_t site, long nr,
		     uintptr_t entry_ptr)
{
	const uint32_t code[6] = {
		0xa9bf47f0u,
		0x10fffff0u,	/* adr x16, . - 4: always the same offset */
		ldr_x17(slot_addr + 8, entry_ptr),
		0xd61f0220u,
		0xa8c147f0u,
		branch(slot_addr + 20, site + 4),
	};

	(void)nr;
	memcpy(slot, code, sizeof code);
	memcpy(slot + TV_RW_SLOT_SITE, &site, sizeof site);
	sync_code(slot_addr, slot_addr + TV_RW_SLOT);
}

void tv_arch_rw_jump(unsigned char *out, uintptr_t site, uintptr_t stub)
{
	uint32_t b = branch(site, stub);
	memcpy(out, &b, sizeof b);
}

/* An aligned 4-byte store: svc and b are among the instructions the
 * architecture lets one thread change while another runs them. */
int tv_arch_rw_atomic(uintptr_t site)
{
	return (site & 3) == 0;
}

void tv_arch_rw_store(uintptr_t site, const unsigned char *patch)
{
	uint32_t insn;

	memcpy(&insn, patch, sizeof insn);
	__atomic_store_n((uint32_t *)site, insn, __ATOMIC_RELEASE);
	sync_code(site, site + 4);
}

long tv_arch_rw_nr(const struct tv_thread *t)
{
	return (long)t->rw.x[8];
}

void tv_arch_rw_args(const struct tv_thread *t, long args[6])
{
	for (int i = 0; i < 6; i++)
		args[i] = (long)t->rw.x[i];
}

void tv_arch_rw_set_result(struct tv_thread *t, long ret)
{
	t->rw.x[0] = (uint64_t)ret;
}

/* The trap's frame holds the guest's registers, but x8 (tv_rw_bail's
 * number) and x0 (the result, or for a restart the first argument). */
void tv_arch_rw_resume(const struct tv_thread *t, tv_ucontext *uc, enum tv_rw_resume how)
{
	struct sigcontext *m = &uc->uc_mcontext;

	if (how != TV_RW_CALL) {
		m->regs[0] = t->rw.x[0];
		m->regs[8] = t->rw.x[8];
	}
	m->pc = how == TV_RW_RESTART ? t->rw.ret - TV_SYSCALL_INSN_LEN : t->rw.ret;
}

/* A trap from tv_rw_entry for a thread it did not find: x16 holds the
 * stub, which names the site; the guest's x16 is just below its sp. */
void tv_arch_rw_keyless(tv_ucontext *uc, const siginfo_t *si)
{
	struct sigcontext *m = &uc->uc_mcontext;
	uint64_t x16;

	if ((uintptr_t)si->si_call_addr != (uintptr_t)tv_rw_keyless_ret)
		return;
	m->pc = *(const uint64_t *)(m->regs[16] + TV_RW_SLOT_SITE) + 4;
	if (tv_mem_read(&x16, m->sp - 16, sizeof x16) == 0)
		m->regs[16] = x16;
}

/* Where a signal found the stub: before the stp nothing is changed; after
 * it x16/x17 are below sp; at the way back, the call is done. */
void tv_arch_rw_unwind_stub(tv_ucontext *uc, uintptr_t site, uintptr_t off)
{
	struct sigcontext *m = &uc->uc_mcontext;
	uint64_t saved[2];

	if (off >= 4 && off <= 16 && tv_mem_read(saved, m->sp, sizeof saved) == 0) {
		m->regs[16] = saved[0];
		m->regs[17] = saved[1];
		m->sp += 16;
	}
	m->pc = off >= 16 ? site + 4 : site;
}

/* At tv_rw_exit_commit's "br x16": x16 is the stub's way back. */
void tv_arch_rw_at_commit(tv_ucontext *uc)
{
	uc->uc_mcontext.pc = uc->uc_mcontext.regs[16];
}
