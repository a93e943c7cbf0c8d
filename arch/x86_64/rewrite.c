/* x86_64 side of the rewrite tier: the site pattern, the stub and the
 * jump, and the registers of the stub path (entry.S). */
#include <asm/prctl.h>
#include <linux/errno.h>
#include <linux/membarrier.h>
#include "monitor.h"

int tv_arch_rw_match(uintptr_t pc, long nr, uintptr_t *site)
{
	unsigned char b[TV_RW_SITE_LEN];
	uint32_t imm;

	if (nr < 0 || tv_mem_read(b, pc - TV_RW_SITE_LEN, sizeof b))
		return 0;
	memcpy(&imm, b + 1, sizeof imm);
	if (b[0] != 0xb8 || imm != (uint32_t)nr || b[5] != 0x0f || b[6] != 0x05)
		return 0;
	*site = pc - TV_RW_SITE_LEN;
	return 1;
}

static void put_rel32(unsigned char *at, uintptr_t from_next, uintptr_t to)
{
	int32_t rel = (int32_t)(to - from_next);
	memcpy(at, &rel, sizeof rel);
}

/* mov $nr, %eax; lea site+7(%rip), %rcx; jmp *entry_ptr(%rip); int3s;
 * the site's address at +24, for a signal that interrupts the stub. */
void tv_arch_rw_stub(unsigned char *slot, uintptr_t slot_addr, uintptr_t site, long nr,
		     uintptr_t entry_ptr)
{
	uint32_t imm = (uint32_t)nr;

	memset(slot, 0xcc, TV_RW_SLOT);
	slot[0] = 0xb8;
	memcpy(slot + 1, &imm, sizeof imm);
	slot[5] = 0x48;
	slot[6] = 0x8d;
	slot[7] = 0x0d;
	put_rel32(slot + 8, slot_addr + 12, site + TV_RW_SITE_LEN);
	slot[12] = 0xff;
	slot[13] = 0x25;
	put_rel32(slot + 14, slot_addr + 18, entry_ptr);
	memcpy(slot + 24, &site, sizeof site);
}

void tv_arch_rw_jump(unsigned char *out, uintptr_t site, uintptr_t stub)
{
	out[0] = 0xe9;
	put_rel32(out + 1, site + 5, stub);
}

/* The GS base: unused by x86_64 Linux libcs, and read by the stub path
 * with one segment-relative load. */
int tv_arch_rw_thread_key(struct tv_thread *t)
{
	return (int)tv_sys2(__NR_arch_prctl, ARCH_SET_GS, (long)t);
}

/* The GS base is per thread and reset by exec; a clone child gets its own
 * before it runs guest code (clone.c), and the stub path of a thread
 * without one jumps to the site's own syscall: nothing to keep here. */
void tv_arch_rw_note_thread(struct tv_thread *t) { (void)t; }
void tv_arch_rw_thread_end(struct tv_thread *t) { (void)t; }
void tv_arch_rw_after_fork(void) {}
void tv_arch_rw_clone_begin(struct tv_thread *t, unsigned long flags) { (void)t; (void)flags; }
void tv_arch_rw_clone_end(struct tv_thread *t, unsigned long flags) { (void)t; (void)flags; }
void tv_arch_rw_keyless(tv_ucontext *uc, const siginfo_t *si) { (void)uc; (void)si; }

void tv_arch_rw_args(const struct tv_thread *t, long args[6])
{
	const struct tv_rw *r = &t->rw;
	const uint64_t a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };

	for (int i = 0; i < 6; i++)
		args[i] = (long)a[i];
}

void tv_arch_rw_set_result(struct tv_thread *t, long ret)
{
	t->rw.rax = (uint64_t)ret;
}

long tv_arch_rw_nr(const struct tv_thread *t)
{
	return (long)t->rw.rax;
}

/* The trap's frame holds the guest's registers but what the syscall
 * instruction sets: rcx, the address after it, and r11, the flags; and
 * rax (tv_rw_bail's number). */
void tv_arch_rw_resume(const struct tv_thread *t, tv_ucontext *uc, enum tv_rw_resume how)
{
	struct sigcontext *m = &uc->uc_mcontext;

	m->rax = t->rw.rax;
	m->rcx = t->rw.ret;
	m->r11 = t->rw.flags;
	m->rip = how == TV_RW_RESTART ? t->rw.ret - TV_SYSCALL_INSN_LEN : t->rw.ret;
}

void tv_arch_rw_unwind_stub(tv_ucontext *uc, uintptr_t site, uintptr_t off)
{
	(void)off;
	uc->uc_mcontext.rip = site;
}

void tv_arch_rw_at_commit(tv_ucontext *uc)
{
	uc->uc_mcontext.rip = uc->uc_mcontext.rcx;
}

/* The 16-byte word at w (aligned) with n bytes from src put at off. */
static void store16(uintptr_t w, unsigned off, const unsigned char *src, unsigned n)
{
	uint64_t *word = (uint64_t *)w;
	uint64_t old[2] = { word[0], word[1] }, new[2];

	memcpy(new, old, sizeof new);
	memcpy((unsigned char *)new + off, src, n);
	__asm__ volatile("lock cmpxchg16b %0"
			 : "+m"(*(unsigned __int128 *)word), "+a"(old[0]), "+d"(old[1])
			 : "b"(new[0]), "c"(new[1])
			 : "memory", "cc");
}

/* Every thread of the process executes a serializing instruction before
 * it goes on: none still holds bytes it fetched before this. */
static int sync_core(int cmd)
{
	return (int)tv_sys3(__NR_membarrier, cmd, 0, 0);
}

static int can_sync_core(void)
{
	long have = sync_core(MEMBARRIER_CMD_QUERY);

	return have > 0 && (have & MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE) &&
	       sync_core(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) == 0;
}

/* An aligned 16-byte locked compare-exchange is one write for every other
 * processor, instruction fetch included (what JITs rely on to patch code
 * that other threads run).  Five bytes that cross a 16-byte boundary with
 * at least two before it are written in three such steps, as Linux's
 * text_poke_bp does with int3: first "jmp ." (eb fe) over the first two
 * bytes, which holds any thread that arrives meanwhile; once every thread
 * has serialized, the bytes after the boundary; then the first ones. */
int tv_arch_rw_atomic(uintptr_t site)
{
	unsigned off = site & 15;

	return off <= 16 - TV_RW_PATCH_LEN || (off <= 14 && can_sync_core());
}

void tv_arch_rw_store(uintptr_t site, const unsigned char *patch)
{
	static const unsigned char hold[2] = { 0xeb, 0xfe };
	uintptr_t w = site & ~15ul;
	unsigned off = site & 15, first = 16 - off;

	if (off <= 16 - TV_RW_PATCH_LEN) {
		store16(w, off, patch, TV_RW_PATCH_LEN);
		return;
	}
	store16(w, off, hold, sizeof hold);
	sync_core(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE);
	store16(w + 16, 0, patch + first, TV_RW_PATCH_LEN - first);
	sync_core(MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE);
	store16(w, off, patch, first);
}

/* The guest's arch_prctl, trapped while rewriting: the GS base is the
 * monitor's until the guest sets one, which ends the rewrite tier for the
 * process (rewrite.c); until then the guest reads the 0 it would have. */
long tv_emu_arch_prctl(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	static const unsigned long zero;

	switch (c->args[0]) {
	case ARCH_SET_GS:
		tv_rw_disable();
		break;
	case ARCH_GET_GS:
		if (t->rw.magic != TV_RW_MAGIC)
			break;
		return tv_mem_write((uintptr_t)c->args[1], &zero, sizeof zero) ? -EFAULT : 0;
	}
	return tv_call_plain(t, c);
}
