/* New threads and processes made by the guest.  Every new guest thread,
 * whether a thread, a fork child or a vfork child, gets a fresh region and
 * starts on its altstack in monitor code, which then resumes a copy of the
 * parent's context with 0 in the return register: the child never runs on
 * the parent's monitor frames, which a vfork child shares. */
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/errno.h>
#include "monitor.h"

/* The child's first frame, on its altstack: the parent's context with
 * the call returning 0, and the guest's new stack if it gave one.
 * Returns the top of the stack the child's monitor code runs on. */
static char *prepare_child(struct tv_thread *t, struct tv_thread *n, tv_ucontext *uc,
			   const struct tv_clone_args *ca)
{
	char *alt = tv_altstack_base(n);
	tv_ucontext *cuc = tv_arch_copy_frame(alt + ALTSTACK_SIZE, uc, &n->resume_sp);

	tv_uc_set_ret(cuc, 0);
	if (ca->stack)
		tv_uc_set_sp(cuc, ca->stack);
	/* rt_sigreturn installs this as the child's sigaltstack. */
	cuc->uc_stack.ss_sp = alt;
	cuc->uc_stack.ss_size = ALTSTACK_SIZE;
	cuc->uc_stack.ss_flags = 0;
	n->clone_flags = ca->flags;
	/* What seccomp state a child inherits from its parent thread. */
	n->actions = tv_signals_for_child(t, ca->flags);
	/* The guest's sigaltstack survives fork and vfork, not a thread
	 * clone (the kernel resets it for CLONE_VM without CLONE_VFORK). */
	if ((ca->flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
		n->guest_ss_sp = t->guest_ss_sp;
		n->guest_ss_size = t->guest_ss_size;
		n->guest_ss_flags = t->guest_ss_flags;
	}
	n->gfilters = t->gfilters;
	n->trap_all = t->trap_all;
	n->strict = t->strict;
	n->guest_ctid = (ca->flags & CLONE_CHILD_CLEARTID) ? ca->ctid : 0;
	n->child_settid = (ca->flags & CLONE_CHILD_SETTID) ? ca->ctid : 0;
	n->g_alive = 1;
	return (char *)((uintptr_t)cuc & ~15ul) - 64;
}

static void thread_child_start(void *arg)
{
	struct tv_thread *n = arg;
	int tid = tv_gettid();

	n->g_tid = tid;
	if (n->child_settid)
		tv_mem_write(n->child_settid, &tid, sizeof tid);
	tv_sigreturn_at(n->resume_sp);
}

/* clone(CLONE_THREAD): a new pair, its K started by G (it inherits G's
 * filter and its all-blocked mask).  The child's clear_child_tid is the
 * monitor's: K clears the guest's own when the child is gone. */
static long clone_thread(struct tv_thread *t, tv_ucontext *uc, const struct tv_clone_args *ca)
{
	struct tv_thread *n = tv_thread_new();

	if (!n)
		return -ENOMEM;
	if (tv_kthread_start(n) < 0) {
		tv_thread_discard(n);
		return -EAGAIN;
	}
	char *top = prepare_child(t, n, uc, ca);
	unsigned long flags = (ca->flags & ~CLONE_CHILD_SETTID) | CLONE_CHILD_CLEARTID;
	__atomic_add_fetch(&tv_g.nthreads, 1, __ATOMIC_ACQ_REL);
	long r = tv_clone(flags, top, (int *)ca->ptid, &n->g_alive, ca->tls, thread_child_start, n);
	if (r < 0) {
		__atomic_sub_fetch(&tv_g.nthreads, 1, __ATOMIC_ACQ_REL);
		n->g_alive = 0;
		tv_chan_post(n, OP_G_EXITING);
	}
	return r;
}

static __attribute__((noreturn)) void child_fail(const char *what)
{
	tv_dprintf(2, "%s: %s in a new process\n", tv_tool.name, what);
	tv_exit_group(127);
}

/* A new process starts here.  With its own copy of memory it drops the
 * parent's other threads' state; with shared memory (vfork, posix_spawn)
 * it must leave everything of the parent's alone. */
static void process_child_start(void *arg)
{
	struct tv_thread *n = arg;
	int pid = tv_getpid();

	if (!(n->clone_flags & CLONE_VM)) {
		tv_g.pid = pid;
		tv_g.nthreads = 1;
		tv_g.leader_gone = 0;
		tv_g.brk_lock.word = 0;
		tv_alloc_after_fork();
		tv_arena_after_fork();
		tv_threads_after_fork(n);
	}
	n->pid = pid;
	n->g_tid = pid;
	if (n->child_settid)
		tv_mem_write(n->child_settid, &pid, sizeof pid);
	tv_sys1(__NR_set_tid_address, (long)&n->g_alive);
	/* Everything is blocked here (the parent was in its SIGSYS handler):
	 * the new K inherits that; the guest's mask comes back with the
	 * frame. */
	if (tv_kthread_start(n) < 0)
		child_fail("cannot start the kernel thread");
	tv_sigreturn_at(n->resume_sp);
}

/* fork, vfork, and clone without CLONE_THREAD. */
static long clone_process(struct tv_thread *t, tv_ucontext *uc, const struct tv_clone_args *ca)
{
	struct tv_thread *n = tv_thread_new();

	if (!n)
		return -ENOMEM;
	char *top = prepare_child(t, n, uc, ca);
	unsigned long flags = ca->flags & ~(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID);
	long r = tv_clone(flags, top, (int *)ca->ptid, NULL, ca->tls, process_child_start, n);

	/* Our copy of a fork child's pair is free at once; a vfork child has
	 * exec'd or exited by now, and its pair is free once its K is gone
	 * (tv_thread_new checks); a CLONE_VM child that runs on keeps it. */
	if (r < 0 || !(ca->flags & CLONE_VM) || (ca->flags & CLONE_VFORK))
		tv_thread_discard(n);
	return r;
}

long tv_emu_clone(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	struct tv_clone_args ca = { 0 };

	switch (c->nr) {
	case __NR_clone:
		tv_clone_args_decode(c->args, &ca);
		if (ca.flags & CLONE_THREAD)
			return clone_thread(t, uc, &ca);
		break;
	case __NR_clone3:
		/* As on a kernel without clone3: libcs fall back to clone. */
		return -ENOSYS;
#ifdef __NR_fork
	case __NR_fork:
		ca.flags = SIGCHLD;
		break;
#endif
#ifdef __NR_vfork
	case __NR_vfork:
		ca.flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
		break;
#endif
	}
	return clone_process(t, uc, &ca);
}
