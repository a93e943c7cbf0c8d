/* Calls the core performs itself rather than forwarding: the guest's view
 * of its signal mask, sigaltstack and SIGSYS disposition, thread exit and
 * brk; creation (clone.c) and exec (exec.c) are dispatched from here. */
#include <linux/sched.h>
#include <linux/mman.h>
#include <linux/shm.h>
#include <linux/errno.h>
#include "monitor.h"

#define UNBLOCKABLE (tv_sigbit(SIGKILL) | tv_sigbit(SIGSTOP) | tv_sigbit(SIGSYS))

/* The real mask lives in the ucontext: the kernel installs it when the
 * SIGSYS handler returns.  SIGSYS is never really blocked; the guest's
 * wish is remembered so that it reads back what it set. */
static long emu_sigprocmask(struct tv_thread *t, tv_ucontext *uc, const long *a)
{
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
static long emu_sigpending(const struct tv_thread *t, const long *a)
{
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

static long emu_sigaltstack(struct tv_thread *t, const tv_ucontext *uc, const long *a)
{
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
static long emu_brk(uintptr_t want)
{
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

/* The guest may not unmap, remap or change the monitor's memory (its image
 * and its arena): such a call fails as for a range the kernel rejects, and
 * changes nothing.  Calls that cannot land there (no MAP_FIXED, or
 * MAP_FIXED_NOREPLACE) are left to the kernel. */
static long guard_memory(const struct tv_call *c)
{
	const long *a = c->args;

	switch (c->nr) {
	case __NR_mmap:
		return (a[3] & MAP_FIXED) && tv_guard_overlaps((uintptr_t)a[0], (size_t)a[1]) ? -ENOMEM : 0;
	case __NR_munmap:
		return tv_guard_overlaps((uintptr_t)a[0], (size_t)a[1]) ? -EINVAL : 0;
	case __NR_mprotect:
	case __NR_pkey_mprotect:
	case __NR_madvise:
		return tv_guard_overlaps((uintptr_t)a[0], (size_t)a[1]) ? -ENOMEM : 0;
	case __NR_mremap:
		if (tv_guard_overlaps((uintptr_t)a[0], (size_t)a[1]))
			return -EINVAL;
		return (a[3] & MREMAP_FIXED) && tv_guard_overlaps((uintptr_t)a[4], (size_t)a[2]) ? -EINVAL : 0;
	case __NR_shmat:
		/* Only SHM_REMAP may replace a mapping; a segment's size is not
		 * known here, so any address in the monitor is refused. */
		return (a[2] & SHM_REMAP) && a[1] && tv_guard_overlaps((uintptr_t)a[1], TV_PAGE) ? -EINVAL : 0;
	}
	return 0;
}

long tv_emulate_on_k(struct tv_call *c, int *handled)
{
	long r = guard_memory(c);

	*handled = 1;
	if (r < 0)
		return r;
	switch (c->nr) {
	case __NR_brk:
		return emu_brk((uintptr_t)c->args[0]);
	case __NR_rt_sigaction:
		return tv_emu_sigaction(c->args);
	case __NR_getdents64:
		if (tv_fd_is(c->args[0], TV_FD_TASKDIR))
			return tv_procstatus_getdents(c->args);
		break;
	}
	r = tv_emu_procself(c, handled);
	if (*handled)
		return r;
	*handled = 0;
	return 0;
}

/* SYS_exit of one guest thread: K is told first and then waits for the
 * kernel to clear g_alive, which happens only once G is gone.  The last
 * guest thread ends the process instead: the kernel would otherwise report
 * the status of whichever of our kernel threads exits last.  The status is
 * the main thread's, as the kernel reports it. */
static __attribute__((noreturn)) void exit_thread(struct tv_thread *t, long code)
{
	if (t->g_tid == t->pid) {
		tv_g.leader_code = (int)code;
		tv_g.leader_gone = 1;
	}
	/* A CLONE_VM child process shares our counter's memory: it is always
	 * alone in its process. */
	int alone = (t->clone_flags & CLONE_VM) && !(t->clone_flags & CLONE_THREAD);
	if (alone || __atomic_sub_fetch(&tv_g.nthreads, 1, __ATOMIC_ACQ_REL) == 0)
		tv_exit_group(tv_g.leader_gone ? tv_g.leader_code : (int)code);
	tv_chan_call(t, OP_G_EXITING);
	for (;;)
		tv_sys1(__NR_exit, code);
}

/* A call G runs itself that may wait for a signal or send one to this
 * thread: with the guest's signal mask, through the labelled window of
 * tv_kcall.  The real handlers carry the guest's SA_RESTART, so the kernel
 * ends or restarts the call exactly as it would for the guest; a signal
 * that finds the PC still in the window (before the call, or rewound by
 * the kernel for a restart) moves it to the bail-out (signal.c), and the
 * call runs again after the guest's handler.  A signal recorded before
 * the window opened bails out at once: nothing is lost. */
static long blocking_on_g(struct tv_thread *t, tv_ucontext *uc, const struct tv_call *c)
{
	const long *a = c->args;
	long call[7] = { c->nr, a[0], a[1], a[2], a[3], a[4], a[5] };
	uint64_t all = ~0ull;

	t->gseq[0] = 1;
	t->gseq[1] = t->npending ? 1 : 0;
	tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)tv_uc_mask(uc), 0, sizeof all);
	long r = tv_kcall(call, t->gseq);
	tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)&all, 0, sizeof all);
	return r;
}

void tv_emulate_on_g(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	const long *a = c->args;

	switch (c->nr) {
	case __NR_rt_sigreturn:
		tv_signals_sigreturn(t, tv_uc_sp(uc));
	case __NR_rt_sigprocmask:
		c->ret = emu_sigprocmask(t, uc, a);
		return;
	case __NR_sigaltstack:
		c->ret = emu_sigaltstack(t, uc, a);
		return;
	case __NR_execve:
	case __NR_execveat:
		c->ret = tv_emu_execve(c);
		return;
	case __NR_seccomp:
		c->ret = tv_gfilter_call(t, c);
		return;
	case __NR_prctl:
		if (!tv_gfilter_is_call(c))
			break;
		c->ret = tv_gfilter_call(t, c);
		return;
	case __NR_set_tid_address:
		t->guest_ctid = (uintptr_t)a[0];
		c->ret = t->g_tid;
		return;
	case __NR_exit:
		exit_thread(t, a[0]);
	case __NR_clone:
	case __NR_clone3:
#ifdef __NR_fork
	case __NR_fork:
#endif
#ifdef __NR_vfork
	case __NR_vfork:
#endif
		c->ret = tv_emu_clone(t, uc, c);
		return;
	case __NR_rt_sigpending:
		c->ret = emu_sigpending(t, a);
		return;
	case __NR_rt_sigsuspend:
	case __NR_rt_sigtimedwait:
	case __NR_ppoll:
	case __NR_pselect6:
	case __NR_epoll_pwait:
	case __NR_epoll_pwait2:
	case __NR_read:
	case __NR_readv:
	case __NR_kill:
	case __NR_tkill:
	case __NR_tgkill:
	case __NR_rt_sigqueueinfo:
	case __NR_rt_tgsigqueueinfo:
#ifdef __NR_poll
	case __NR_poll:
	case __NR_select:
	case __NR_epoll_wait:
#endif
		c->ret = blocking_on_g(t, uc, c);
		return;
#ifdef __NR_pause
	case __NR_pause: {
		/* rt_sigsuspend with the mask the guest has. */
		struct tv_call suspend = { .nr = __NR_rt_sigsuspend,
					   .args = { (long)tv_uc_mask(uc), sizeof(uint64_t) } };
		c->ret = blocking_on_g(t, uc, &suspend);
		return;
	}
#endif
	}
	c->ret = tv_syscall6(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (c->ret >= 0 && tv_call_mirrors_to_k(c->nr))
		tv_chan_call(t, OP_MIRROR);
}
