/* The rewrite tier: a syscall site that traps often enough, and whose
 * bytes match the arch's pattern, is rewritten into a jump to a stub of
 * its own; the stub enters the monitor (tv_rw_entry, entry.S) and the
 * call is handled here on the thread that made it, as the SIGSYS handler
 * would, without a signal.  SIGSYS stays the always-correct way: a call
 * that needs a signal frame, a thread whose save area cannot be found, or
 * a signal that arrives meanwhile, go through it (docs/rewrite.md).
 *
 * Only private, read-only code is rewritten, with one atomic write while
 * the page is also writable; the guest cannot see it writable (its
 * mprotect and mremap wait for rw_lock, and one that makes rewritten code
 * writable gets the original bytes back first). */
#include <linux/mman.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include "monitor.h"

#define SITES 4096		/* a power of two */
#define BLOCKS 64
#define SLOTS (TV_PAGE / TV_RW_SLOT)	/* slot 0 holds the block's entry pointer */
#define LAZY_TRAPS 8		/* traps from a site before lazy mode rewrites it */

enum { SITE_SEEN, SITE_REWRITTEN, SITE_REFUSED, SITE_RESTORED };

struct site {
	uintptr_t pc;		/* the address after the syscall instruction; 0: free */
	unsigned traps;
	unsigned char state;
	unsigned char orig[TV_RW_PATCH_LEN];
	int prot;		/* the code's protection, kept while rewritten */
};

static struct site *sites;
static uintptr_t blocks[BLOCKS];
static int block_slots[BLOCKS];	/* slots in use, slot 0 included */
static int nblocks;
static tv_lock_t rw_lock;
static int disabled;		/* the guest took what the stub path needs */

int tv_rw_init(void)
{
	if (!tv_g.rewrite)
		return 0;
	sites = tv_arena_alloc(SITES * sizeof *sites, 64);
	if (!sites)
		return -ENOMEM;
	return 0;
}

static int active(void)
{
	return tv_g.rewrite && !__atomic_load_n(&disabled, __ATOMIC_ACQUIRE);
}

/* The calling thread's save area: where its stub path starts, findable
 * by the stub (the arch's thread key). */
void tv_rw_thread_start(struct tv_thread *t)
{
	if (!tv_g.rewrite)
		return;
	t->rw.magic = TV_RW_MAGIC;
	t->rw.stack = ((uintptr_t)tv_altstack_base(t) + ALTSTACK_SIZE) & ~15ul;
	if (tv_arch_rw_thread_key(t) < 0)
		t->rw.magic = 0;
}

void tv_rw_after_fork(void)
{
	rw_lock.word = 0;
	if (tv_g.rewrite)
		tv_arch_rw_after_fork();
}

void tv_rw_thread_end(struct tv_thread *t)
{
	if (tv_g.rewrite)
		tv_arch_rw_thread_end(t);
}

void tv_rw_clone_begin(struct tv_thread *t, unsigned long flags)
{
	if (tv_g.rewrite)
		tv_arch_rw_clone_begin(t, flags);
}

void tv_rw_clone_end(struct tv_thread *t, unsigned long flags)
{
	if (tv_g.rewrite)
		tv_arch_rw_clone_end(t, flags);
}

static struct site *find(uintptr_t pc, int add)
{
	unsigned h = (unsigned)((pc * 0x9e3779b97f4a7c15ull) >> 52) & (SITES - 1);

	for (unsigned i = 0; i < SITES; i++) {
		struct site *s = &sites[(h + i) & (SITES - 1)];
		uintptr_t at = __atomic_load_n(&s->pc, __ATOMIC_ACQUIRE);
		if (at == pc)
			return s;
		if (at)
			continue;
		if (!add)
			return NULL;
		if (__atomic_compare_exchange_n(&s->pc, &at, pc, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ||
		    at == pc)
			return s;
	}
	return NULL;
}

/* --- the code's mapping ---------------------------------------------------- */

/* Parses "lo-hi perms ..." of one /proc/self/maps line. */
static int maps_line(const char *l, uintptr_t *lo, uintptr_t *hi, const char **perms)
{
	unsigned long v = 0;
	const char *p = l;
	uintptr_t *out[2] = { lo, hi };

	for (int k = 0; k < 2; k++) {
		for (v = 0;; p++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
			if (d < 0)
				break;
			v = v * 16 + (unsigned long)d;
		}
		*out[k] = v;
		if (*p != (k ? ' ' : '-'))
			return -1;
		p++;
	}
	*perms = p;
	return 0;
}

/* The protection of the mapping that holds all of [lo, hi), if it is a
 * private one of readable, not writable code; else -1. */
static int private_code_prot(uintptr_t lo, uintptr_t hi)
{
	static char buf[4096];
	int fd = (int)tv_sys4(__NR_openat, AT_FDCWD, (long)"/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
	size_t have = 0;
	int prot = -1;

	if (fd < 0)
		return -1;
	for (;;) {
		long n = tv_sys3(__NR_read, fd, (long)(buf + have), (long)(sizeof buf - 1 - have));
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = 0;
		char *line = buf, *nl;
		while ((nl = tv_strchr(line, '\n'))) {
			uintptr_t a, b;
			const char *perms;
			*nl = 0;
			if (maps_line(line, &a, &b, &perms) == 0 && a <= lo && lo < b) {
				if (hi <= b && !tv_strncmp(perms, "r-xp", 4))
					prot = PROT_READ | PROT_EXEC;
				goto done;
			}
			line = nl + 1;
		}
		have = (size_t)(buf + have - line);
		memmove(buf, line, have);
		if (have == sizeof buf - 1)
			have = 0;	/* a line longer than the buffer: not ours */
	}
done:
	tv_sys1(__NR_close, fd);
	return prot;
}

static uintptr_t page_of(uintptr_t a)
{
	return a & ~(TV_PAGE - 1);
}

/* Writable as well for a moment: the code stays executable throughout. */
static int open_code(uintptr_t lo, uintptr_t hi, int prot)
{
	uintptr_t p = page_of(lo);
	return (int)tv_sys3(__NR_mprotect, (long)p, (long)(page_of(hi - 1) + TV_PAGE - p),
			    prot | PROT_WRITE);
}

static void close_code(uintptr_t lo, uintptr_t hi, int prot)
{
	uintptr_t p = page_of(lo);
	tv_sys3(__NR_mprotect, (long)p, (long)(page_of(hi - 1) + TV_PAGE - p), prot);
}

/* --- stubs ---------------------------------------------------------------- */

static int reaches(uintptr_t a, uintptr_t b)
{
	return (a > b ? a - b : b - a) < (uintptr_t)TV_RW_REACH;
}

/* A new block of stubs within reach of site: below it first (where the
 * break never grows), then above, never over anything mapped. */
static int new_block(uintptr_t site)
{
	if (nblocks == BLOCKS)
		return -1;
	for (int k = 0; k < 48; k++) {
		/* 1 MiB below, 2, 4 ... while in reach; then above, from half
		 * the reach up, 1/32 of it at a time. */
		uintptr_t below = (uintptr_t)1 << (20 + k), above = (uintptr_t)TV_RW_REACH / 2 +
			(uintptr_t)(k - 24) * ((uintptr_t)TV_RW_REACH / 32);
		uintptr_t hint;
		if (k < 24 && below < (uintptr_t)TV_RW_REACH && page_of(site) > below + (1ul << 16))
			hint = page_of(site) - below;
		else if (k >= 24 && above < (uintptr_t)TV_RW_REACH)
			hint = page_of(site) + above;
		else
			continue;
		void *p = tv_mmap((void *)hint, TV_PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (tv_is_err((long)p))
			return -1;
		if (!reaches((uintptr_t)p, site) || !reaches((uintptr_t)p + TV_PAGE, site)) {
			tv_munmap(p, TV_PAGE);
			continue;
		}
		*(const void **)p = tv_rw_entry;
		tv_sys3(__NR_mprotect, (long)p, TV_PAGE, PROT_READ | PROT_EXEC);
		int b = nblocks;
		blocks[b] = (uintptr_t)p;
		block_slots[b] = 1;
		/* Signal handlers read the blocks without the lock (stub_site). */
		__atomic_store_n(&nblocks, b + 1, __ATOMIC_RELEASE);
		return b;
	}
	return -1;
}

static uintptr_t new_stub(uintptr_t site, long nr)
{
	int b;

	for (b = 0; b < nblocks; b++) {
		if (block_slots[b] < (int)SLOTS && reaches(blocks[b], site) &&
		    reaches(blocks[b] + TV_PAGE, site))
			break;
	}
	if (b == nblocks && (b = new_block(site)) < 0)
		return 0;
	uintptr_t slot = blocks[b] + (uintptr_t)block_slots[b] * TV_RW_SLOT;
	if (open_code(slot, slot + TV_RW_SLOT, PROT_READ | PROT_EXEC) < 0)
		return 0;
	tv_arch_rw_stub((unsigned char *)slot, slot, site, nr, blocks[b]);
	close_code(slot, slot + TV_RW_SLOT, PROT_READ | PROT_EXEC);
	block_slots[b]++;
	return slot;
}

/* The site a PC in a stub belongs to, or 0. */
static uintptr_t stub_site(uintptr_t pc)
{
	for (int b = 0; b < __atomic_load_n(&nblocks, __ATOMIC_ACQUIRE); b++) {
		if (pc - blocks[b] < TV_PAGE && pc - blocks[b] >= TV_RW_SLOT) {
			uintptr_t slot = pc & ~(uintptr_t)(TV_RW_SLOT - 1);
			return *(const uintptr_t *)(slot + TV_RW_SLOT_SITE);
		}
	}
	return 0;
}

int tv_rw_overlaps(uintptr_t addr, size_t len)
{
	for (int b = 0; b < __atomic_load_n(&nblocks, __ATOMIC_ACQUIRE); b++) {
		if (tv_range_overlaps(addr, len ? len : 1, blocks[b], blocks[b] + TV_PAGE))
			return 1;
	}
	return 0;
}

/* --- rewriting ------------------------------------------------------------ */

static int rewrite(struct site *s, long nr)
{
	uintptr_t site;

	if (!tv_arch_rw_match(s->pc, nr, &site) || !tv_arch_rw_atomic(site))
		return 0;
	int prot = private_code_prot(site, s->pc);
	if (prot < 0)
		return 0;
	uintptr_t stub = new_stub(site, nr);
	if (!stub)
		return 0;
	unsigned char jump[TV_RW_PATCH_LEN];
	tv_arch_rw_jump(jump, site, stub);
	if (open_code(site, s->pc, prot) < 0)
		return 0;
	memcpy(s->orig, (const void *)site, sizeof s->orig);
	s->prot = prot;
	tv_arch_rw_store(site, jump);
	close_code(site, s->pc, prot);
	return 1;
}

/* A call of number nr trapped at uc's PC and the dispatch table lets
 * rewritten sites make it: count the site, and rewrite it once it has
 * trapped often enough. */
void tv_rw_trapped(struct tv_thread *t, const tv_ucontext *uc, long nr)
{
	if (!active() || t->gfilters || t->rw.magic != TV_RW_MAGIC)
		return;
	tv_arch_rw_note_thread(t);
	struct site *s = find(tv_uc_pc(uc), 1);
	if (!s || __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != SITE_SEEN)
		return;
	unsigned n = __atomic_add_fetch(&s->traps, 1, __ATOMIC_ACQ_REL);
	if (n < (tv_g.rewrite == TV_REWRITE_EAGER ? 1 : LAZY_TRAPS))
		return;
	tv_lock(&rw_lock);
	if (s->state == SITE_SEEN && active())
		__atomic_store_n(&s->state, rewrite(s, nr) ? SITE_REWRITTEN : SITE_REFUSED,
				 __ATOMIC_RELEASE);
	tv_unlock(&rw_lock);
}

/* The original bytes back at every rewritten site in [lo, hi). */
static void restore_range(uintptr_t lo, uintptr_t hi)
{
	for (unsigned i = 0; i < SITES; i++) {
		struct site *s = &sites[i];
		uintptr_t site = s->pc - TV_RW_SITE_LEN;
		if (!s->pc || s->state != SITE_REWRITTEN || site >= hi || s->pc <= lo)
			continue;
		if (open_code(site, s->pc, s->prot) < 0)
			continue;
		tv_arch_rw_store(site, s->orig);
		close_code(site, s->pc, s->prot);
		__atomic_store_n(&s->state, SITE_RESTORED, __ATOMIC_RELEASE);
	}
}

/* The guest's mprotect and mremap, around the call itself (emulate.c):
 * with rw_lock held, so that the protection rewriting assumes holds; code
 * that becomes writable or moves has its original bytes back first.
 * Returns whether it took the lock, for tv_rw_memory_done. */
int tv_rw_memory_begin(const struct tv_call *c)
{
	const long *a = c->args;
	int change = c->nr == __NR_mremap ||
		     ((c->nr == __NR_mprotect || c->nr == __NR_pkey_mprotect) && (a[2] & PROT_WRITE));

	if (!sites || (c->nr != __NR_mprotect && c->nr != __NR_pkey_mprotect && c->nr != __NR_mremap))
		return 0;
	tv_lock(&rw_lock);
	if (change)
		restore_range((uintptr_t)a[0], (uintptr_t)a[0] + (uintptr_t)a[1]);
	return 1;
}

void tv_rw_memory_done(int locked)
{
	if (locked)
		tv_unlock(&rw_lock);
}

/* The guest now uses what the stub path needs (x86_64's GS base): every
 * site gets its original bytes back and no more are rewritten. */
void tv_rw_disable(void)
{
	if (!sites)
		return;
	tv_lock(&rw_lock);
	__atomic_store_n(&disabled, 1, __ATOMIC_RELEASE);
	restore_range(0, ~(uintptr_t)0);
	tv_unlock(&rw_lock);
}

/* --- the stub path -------------------------------------------------------- */

enum { RW_DONE, RW_REENTER, RW_NOT_MADE };	/* what entry.S does next */

/* A stub that keeps registers below the guest's sp (arm64's x16/x17, read
 * back on the way out) cannot come back through memory the call unmapped,
 * protected or emptied: musl's exiting thread unmaps its own stack. */
static int took_stack(const struct tv_call *c)
{
	const long *a = c->args;
	uintptr_t lo = c->sp - TV_RW_STACK_BYTES, at = (uintptr_t)a[0], len = (uintptr_t)a[1];

	if (!TV_RW_STACK_BYTES)
		return 0;
	switch (c->nr) {
	case __NR_munmap:
	case __NR_mremap:
	case __NR_mmap:
	case __NR_mprotect:
	case __NR_pkey_mprotect:
	case __NR_madvise:
		return at < c->sp && at + len > lo;
	}
	return 0;
}

/* Called by tv_rw_entry on the thread's altstack, with the guest's
 * registers in t->rw: the call as handle_call (sigsys.c) makes it. */
int tv_rw_handle(void)
{
	struct tv_thread *t = tv_self();
	struct tv_call c = {
		.nr = tv_arch_rw_nr(t),
		.ret = -ENOSYS,
		.pid = t->pid,
		.tid = t->g_tid,
		.pc = t->rw.ret,
		.sp = t->rw.sp,
		.thread = t,
	};

	/* A signal to deliver first, guest filters to apply, or a call that
	 * needs a signal frame (an arm64 site makes whatever x8 says): the
	 * trap does all of them. */
	if (__atomic_load_n(&t->npending, __ATOMIC_ACQUIRE) || t->gfilters ||
	    !tv_sysrow(c.nr)->direct)
		return RW_NOT_MADE;
	tv_arch_rw_args(t, c.args);
	tv_run_call(t, NULL, &c);
	t->rw_restart = c.ret == -TV_ERESTARTSYS;
	if (t->rw_restart)
		return RW_REENTER;
	tv_arch_rw_set_result(t, c.ret);
	return took_stack(&c) ? RW_REENTER : RW_DONE;
}

/* Is this SIGSYS the stub path's, trapping again to deliver signals? */
int tv_rw_reentry(const siginfo_t *si)
{
	return (uintptr_t)si->si_call_addr == (uintptr_t)tv_rw_reenter_ret;
}

__attribute__((noreturn)) void tv_rw_reentered(struct tv_thread *t, tv_ucontext *uc,
					       const siginfo_t *si)
{
	tv_arch_rw_resume(t, uc, t->rw_restart ? TV_RW_RESTART : TV_RW_RESULT);
	t->uc = uc;
	tv_signals_return(t, uc, si);
}

/* A call the stub path left to the trap (tv_rw_fallback_ret): from here
 * on it is the site's. */
void tv_rw_fallback(struct tv_thread *t, tv_ucontext *uc, const siginfo_t *si)
{
	if ((uintptr_t)si->si_call_addr == (uintptr_t)tv_rw_fallback_ret)
		tv_arch_rw_resume(t, uc, TV_RW_CALL);
	tv_arch_rw_keyless(uc, si);
}

/* A context a signal interrupted in a stub, or at the stub path's final
 * jump, is the guest's own once moved to where the guest is (returns 1;
 * signal.c delivers into it).  Elsewhere on the stub path it is the
 * monitor's. */
int tv_rw_guest_context(tv_ucontext *uc)
{
	uintptr_t pc = tv_uc_pc(uc), site;

	if (!tv_g.rewrite)
		return 0;
	int guest = 0;

	if (pc >= (uintptr_t)tv_rw_exit_commit && pc < (uintptr_t)tv_rw_exit_end) {
		tv_arch_rw_at_commit(uc);
		pc = tv_uc_pc(uc);
		guest = 1;
	}
	if ((site = stub_site(pc))) {
		tv_arch_rw_unwind_stub(uc, site, pc & (TV_RW_SLOT - 1));
		guest = 1;
	}
	return guest;
}

/* --rewrite-stats=FILE, at exit_group: what the rewrite tier did in
 * this process, a line appended to FILE, for bench/ and tests. */
void tv_rw_report(void)
{
	int n[4] = { 0 };
	int fd = (int)tv_sys4(__NR_openat, AT_FDCWD, (long)tv_g.rewrite_stats,
			      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);

	for (unsigned i = 0; sites && i < SITES; i++)
		n[sites[i].state] += sites[i].pc != 0;
	tv_dprintf(fd, "%s: rewrite: %d sites rewritten, %d refused, %d restored, %d seen; %d KiB of stubs\n",
		   tv_tool.name, n[SITE_REWRITTEN], n[SITE_REFUSED], n[SITE_RESTORED], n[SITE_SEEN],
		   nblocks * (int)(TV_PAGE / 1024));
	tv_sys1(__NR_close, fd);
}
