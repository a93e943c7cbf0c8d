/* Calls the core performs itself rather than as the guest made them: the
 * guest's view of its signal mask, pending set and sigaltstack, brk, the
 * memory calls that could reach the monitor, thread and process exit
 * (with the tool's lifecycle hooks), and task directory listings.
 * dispatch.c says which call goes where. */
#include <linux/sched.h>
#include <linux/mman.h>
#include <linux/shm.h>
#include <linux/errno.h>
#include "monitor.h"

#define UNBLOCKABLE (tv_sigbit(SIGKILL) | tv_sigbit(SIGSTOP) | tv_sigbit(SIGSYS))

/* The real mask lives in the ucontext: the kernel installs it when the
 * SIGSYS handler returns.  SIGSYS is never really blocked; the guest's
 * wish is remembered so that it reads back what it set. */
long tv_emu_sigprocmask(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	const long *a = c->args;
	uint64_t *mask = tv_uc_mask(uc);
	uint64_t old = *mask | (t->guest_sigsys_blocked ? tv_sigbit(SIGSYS) : 0);

	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	if (a[1]) {
		uint64_t set, cur;
		if (tv_mem_read(&set, (uintptr_t)a[1], sizeof set))
			return -EFAULT;
		switch (a[0]) {
		case SIG_BLOCK: cur = old | set; break;
		case SIG_UNBLOCK: cur = old & ~set; break;
		case SIG_SETMASK: cur = set; break;
		default: return -EINVAL;
		}
		t->guest_sigsys_blocked = (cur & tv_sigbit(SIGSYS)) != 0;
		*mask = cur & ~UNBLOCKABLE;
		if (!t->guest_sigsys_blocked)
			tv_signals_sigsys_unblocked(t);
	}
	if (a[2] && tv_mem_write((uintptr_t)a[2], &old, sizeof old))
		return -EFAULT;
	return 0;
}

/* The kernel's pending set, and a SIGSYS the guest blocks (held by the
 * monitor, signal.c). */
long tv_emu_sigpending(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	const long *a = c->args;
	uint64_t set;
	long r = tv_sys2(__NR_rt_sigpending, (long)&set, a[1]);

	if (r < 0)
		return r;
	if (t->sigsys_pending)
		set |= tv_sigbit(SIGSYS);
	return tv_mem_write((uintptr_t)a[0], &set, sizeof set) ? -EFAULT : 0;
}

/* The real sigaltstack is the monitor's; the guest's is only recorded,
 * and used when a signal is delivered (signal.c).  Setting it follows
 * do_sigaltstack (also for rt_sigreturn, which ignores the error). */
long tv_guest_altstack_set(struct tv_thread *t, const stack_t *ss, uintptr_t sp)
{
	int mode = ss->ss_flags & ~SS_AUTODISARM;

	if (tv_on_guest_altstack(t, sp))
		return -EPERM;
	if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
		return -EINVAL;
	if (mode != SS_DISABLE && ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	t->guest_ss_sp = mode == SS_DISABLE ? 0 : (uintptr_t)ss->ss_sp;
	t->guest_ss_size = mode == SS_DISABLE ? 0 : ss->ss_size;
	t->guest_ss_flags = ss->ss_flags;
	return 0;
}

long tv_emu_sigaltstack(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	const long *a = c->args;
	uintptr_t sp = tv_uc_sp(uc);
	stack_t old = {
		.ss_sp = (void *)t->guest_ss_sp,
		.ss_flags = tv_guest_altstack_state(t, sp) | (t->guest_ss_flags & SS_AUTODISARM),
		.ss_size = t->guest_ss_size,
	};

	if (a[0]) {
		stack_t ss;
		if (tv_mem_read(&ss, (uintptr_t)a[0], sizeof ss))
			return -EFAULT;
		long r = tv_guest_altstack_set(t, &ss, sp);
		if (r < 0)
			return r;
	}
	if (a[1] && tv_mem_write((uintptr_t)a[1], &old, sizeof old))
		return -EFAULT;
	return 0;
}

/* The guest's break starts after its bss, as after a real exec; the
 * kernel's own break belongs to the monitor image. */
long tv_emu_brk(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)t;
	(void)uc;
	uintptr_t want = (uintptr_t)c->args[0];

	tv_lock(&tv_g.brk_lock);
	uintptr_t cur = tv_g.brk_cur;
	if (want >= tv_g.brk_start) {
		uintptr_t cur_end = (cur + TV_PAGE - 1) & ~(TV_PAGE - 1);
		uintptr_t new_end = (want + TV_PAGE - 1) & ~(TV_PAGE - 1);
		int ok = 1;
		if (new_end > cur_end) {
			void *p = tv_mmap((void *)cur_end, new_end - cur_end, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			ok = p == (void *)cur_end;
			if (!ok && !tv_is_err((long)p))
				tv_munmap(p, new_end - cur_end);
		} else if (new_end < cur_end) {
			tv_munmap((void *)new_end, cur_end - new_end);
		}
		if (ok)
			tv_g.brk_cur = cur = want;
	}
	tv_unlock(&tv_g.brk_lock);
	return (long)cur;
}

/* Does the guest's range reach the monitor?  The kernel strips tag bits
 * from the addresses of munmap, mprotect, madvise and mremap (arm64's top
 * byte, x86 LAM's bits 57-62): the range is judged as the kernel will see
 * it, without them (every untagged user address is below 2^56). */
static int reaches_monitor(long addr, long len)
{
	uintptr_t a = (uintptr_t)addr & ((1ul << 56) - 1);

	return tv_guard_overlaps(a, (size_t)len) || tv_rw_overlaps(a, (size_t)len);
}

/* The guest may not unmap, remap or change the monitor's memory (its image
 * and its arena): such a call fails as for a range the kernel rejects, and
 * changes nothing.  The arena is mapped only where it is used (arena.c),
 * so a mapping the guest asks for there without MAP_FIXED fails as for a
 * range in use (MAP_FIXED_NOREPLACE), or has its hint dropped: the kernel
 * then places it elsewhere, as it would next to a mapping in the way. */
static long guard_memory(struct tv_call *c)
{
	long *a = c->args;

	switch (c->nr) {
	case __NR_mmap:
		if (!reaches_monitor(a[0], a[1]))
			return 0;
		if (a[3] & MAP_FIXED)
			return -ENOMEM;
		if (a[3] & MAP_FIXED_NOREPLACE)
			return -EEXIST;
		a[0] = 0;
		return 0;
	case __NR_munmap:
		return reaches_monitor(a[0], a[1]) ? -EINVAL : 0;
	case __NR_mprotect:
	case __NR_pkey_mprotect:
	case __NR_madvise:
		return reaches_monitor(a[0], a[1]) ? -ENOMEM : 0;
	case __NR_mremap:
		if (reaches_monitor(a[0], a[1]))
			return -EINVAL;
		return (a[3] & MREMAP_FIXED) && reaches_monitor(a[4], a[2]) ? -EINVAL : 0;
	case __NR_shmat:
		/* As onto a range in use (SHM_REMAP would replace it): a
		 * segment's size is not known here, so any address in the
		 * monitor is refused. */
		return a[1] && reaches_monitor(a[1], TV_PAGE) ? -EINVAL : 0;
	}
	return 0;
}

long tv_emu_memory(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	long r = guard_memory(c);

	if (r < 0)
		return r;
	int locked = tv_rw_memory_begin(c);
	r = tv_call_plain(t, c);
	tv_rw_memory_done(locked);
	return r;
}

/* getdents64 on a task directory hides the kernel threads (--pair). */
long tv_emu_getdents(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	if (tv_fd_is_taskdir(c->args[0]))
		return tv_procstatus_getdents(c->args);
	return tv_call_plain(t, c);
}

/* A process made with CLONE_VM but not CLONE_THREAD shares the counters
 * of tv_g with its parent: it is taken to be alone in its process. */
static int shares_parent_memory(const struct tv_thread *t)
{
	return (t->clone_flags & CLONE_VM) && !(t->clone_flags & CLONE_THREAD);
}

/* Is t the last guest thread of its process? */
static int last_guest_thread(const struct tv_thread *t)
{
	if (shares_parent_memory(t))
		return 1;
	return __atomic_sub_fetch(&tv_g.nthreads, 1, __ATOMIC_ACQ_REL) == 0;
}

/* The tool's process_exit hook, once per process, with every signal
 * blocked: a thread that ends the process while another runs it waits
 * for that one's exit_group. */
static void process_exit_hook(const struct tv_thread *t, long status)
{
	if (!tv_tool.process_exit)
		return;
	if (!shares_parent_memory(t) && __atomic_exchange_n(&tv_g.exiting, 1, __ATOMIC_ACQ_REL)) {
		for (;;)
			tv_futex_wait(&tv_g.exiting, 1);
	}
	tv_tool.process_exit(t->pid, (int)status);
}

/* SYS_exit of one guest thread.  The region is free for reuse once the
 * kernel no longer knows the thread (thread.c); a paired kernel thread
 * ends with it.  Signals recorded meanwhile go back to the process.  The
 * kernel reports the status of the task that ends last: with kernel
 * threads about, the last guest thread ends the process itself. */
long tv_emu_exit(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	tv_block_all();
	tv_signals_requeue(t, 1);
	if (tv_tool.thread_exit)
		tv_tool.thread_exit(t->pid, t->g_tid, (int)c->args[0]);
	tv_rw_thread_end(t);
	if (last_guest_thread(t)) {
		process_exit_hook(t, c->args[0]);
		if (__atomic_load_n(&tv_g.kthreads, __ATOMIC_ACQUIRE))
			tv_exit_group((int)c->args[0]);
	}
	tv_thread_retire(t);
	for (;;)
		tv_sys1(__NR_exit, c->args[0]);
}

/* exit_group: the tool's process_exit hook, and --rewrite-stats. */
long tv_emu_exit_group(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	if (tv_tool.process_exit) {
		tv_block_all();
		process_exit_hook(t, c->args[0]);
	}
	if (tv_g.rewrite_stats)
		tv_rw_report();
	return tv_call_plain(t, c);
}
