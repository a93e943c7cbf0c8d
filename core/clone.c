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
	/* The child starts with its parent's mask, SIGSYS's virtual bit too. */
	n->guest_sigsys_blocked = t->guest_sigsys_blocked;
	n->gfilters = t->gfilters;
	n->trap_all = t->trap_all;
	n->strict = t->strict;
	return (char *)((uintptr_t)cuc & ~15ul) - 64;
}

/* What the guest asked for: clone's arguments, and for clone3 its whole
 * struct (v3), whose stack is replaced by the child's altstack. */
struct request {
	struct tv_clone_args a;
	struct clone_args *v3;
};

/* The kernel's clone with the guest's flags, tids and TLS, the child
 * starting at fn(n) on the stack top.  The child must not take a signal in
 * the monitor, where nothing would deliver it: everything is blocked
 * around the clone, and the child's first frame holds the guest's mask. */
static long clone_blocked(const struct request *rq, char *top, void (*fn)(void *),
			  struct tv_thread *n)
{
	const struct tv_clone_args *ca = &rq->a;
	uint64_t old = tv_block_all();
	long r;

	if (rq->v3) {
		struct clone_args k = *rq->v3;
		void **slot = (void **)((uintptr_t)top & ~15ul) - 2;
		slot[0] = (void *)fn;
		slot[1] = n;
		k.flags &= ~CLONE_CLEAR_SIGHAND;	/* it would reset the monitor's SIGSYS */
		k.stack = (uintptr_t)tv_altstack_base(n);
		k.stack_size = (uintptr_t)slot - k.stack;
		r = tv_clone3(&k, sizeof k);
	} else {
		r = tv_clone(ca->flags, top, (int *)ca->ptid, (int *)ca->ctid, ca->tls, fn, n);
	}
	tv_set_mask(old);
	return r;
}

static void thread_child_start(void *arg)
{
	struct tv_thread *n = arg;

	n->g_tid = tv_gettid();
	if (tv_tool.thread_start)
		tv_tool.thread_start(n->pid, n->g_tid);
	tv_rw_thread_start(n);
	tv_sigreturn_at(n->resume_sp);
}

/* A new thread: a new region; the kernel sets and clears the guest's
 * tids itself. */
static long clone_thread(struct tv_thread *t, tv_ucontext *uc, const struct request *rq)
{
	struct tv_thread *n = tv_thread_new();

	if (!n)
		return -ENOMEM;
	char *top = prepare_child(t, n, uc, &rq->a);
	tv_rw_clone_begin(t, rq->a.flags);
	__atomic_add_fetch(&tv_g.nthreads, 1, __ATOMIC_ACQ_REL);
	long r = clone_blocked(rq, top, thread_child_start, n);
	if (r < 0) {
		__atomic_sub_fetch(&tv_g.nthreads, 1, __ATOMIC_ACQ_REL);
		tv_thread_discard(n);
	}
	return r;
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
		tv_g.kthreads = 0;
		tv_g.brk_lock.word = 0;
		tv_g.exiting = 0;
		tv_alloc_after_fork();
		tv_arena_after_fork();
		tv_threads_after_fork(n);
		tv_rw_after_fork();
	}
	n->pid = pid;
	n->g_tid = pid;
	if (n->clone_flags & CLONE_CLEAR_SIGHAND)
		tv_signals_clear_handlers(n);
	n->fork.child_pid = pid;
	if (tv_tool.fork_child)
		tv_tool.fork_child(&n->fork);
	tv_rw_thread_start(n);
	tv_sigreturn_at(n->resume_sp);
}

/* What a vfork child left in the memory it shared with us: its own
 * table of dispositions, and its execve's copies of its arguments. */
static void vfork_child_gone(const struct tv_thread *t, struct tv_thread *n)
{
	if (n->actions != t->actions)
		tv_free(n->actions);
	tv_exec_args_free(&n->exec_args);
	tv_free(n->exec_margv);
}

/* fork, vfork, and clone without CLONE_THREAD. */
static long clone_process(struct tv_thread *t, tv_ucontext *uc, const struct request *rq)
{
	const struct tv_clone_args *ca = &rq->a;
	struct tv_thread *n = tv_thread_new();

	if (!n)
		return -ENOMEM;
	char *top = prepare_child(t, n, uc, ca);
	n->fork = (struct tv_fork){ .parent_pid = t->pid, .parent_tid = t->g_tid, .flags = ca->flags };
	tv_rw_clone_begin(t, ca->flags);
	long r = clone_blocked(rq, top, process_child_start, n);
	tv_rw_clone_end(t, ca->flags);
	if (r > 0 && tv_tool.fork_parent) {
		struct tv_fork f = { .parent_pid = t->pid, .parent_tid = t->g_tid,
				     .child_pid = (int)r, .flags = ca->flags };
		tv_tool.fork_parent(&f);
	}

	/* Our copy of a fork child's region is free at once; a vfork child
	 * has exec'd or exited by now (its K, if it made one, is gone once
	 * the kernel clears k_alive), and what it allocated in our memory is
	 * ours to free; a CLONE_VM child that runs on keeps its region. */
	if (r >= 0 && (ca->flags & CLONE_VM) && (ca->flags & CLONE_VFORK))
		vfork_child_gone(t, n);
	if (r < 0 || !(ca->flags & CLONE_VM) || (ca->flags & CLONE_VFORK))
		tv_thread_discard(n);
	return r;
}

/* clone3's struct, read as the kernel reads it: at least its first
 * version, and any bytes past what we know must be zero. */
static long read_clone_args(const long *a, struct clone_args *k)
{
	size_t size = (size_t)a[1];
	unsigned char tail[64];

	if (size < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (size > TV_PAGE)
		return -E2BIG;
	if (tv_mem_read(k, (uintptr_t)a[0], size < sizeof *k ? size : sizeof *k))
		return -EFAULT;
	for (size_t at = sizeof *k; at < size; at += sizeof tail) {
		size_t n = size - at < sizeof tail ? size - at : sizeof tail;
		if (tv_mem_read(tail, (uintptr_t)a[0] + at, n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (tail[i])
				return -E2BIG;
	}
	/* The checks the kernel makes of what we replace. */
	if (!k->stack != !k->stack_size)
		return -EINVAL;
	if ((k->flags & CLONE_CLEAR_SIGHAND) && (k->flags & CLONE_SIGHAND))
		return -EINVAL;
	return 0;
}

long tv_emu_clone(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	struct clone_args v3 = { 0 };
	struct request rq = { { 0 }, NULL };
	long r;

	switch (c->nr) {
	case __NR_clone:
		tv_clone_args_decode(c->args, &rq.a);
		rq.a.flags &= 0xffffffffu;	/* the kernel reads clone's flags as 32 bits */
		break;
	case __NR_clone3:
		if ((r = read_clone_args(c->args, &v3)) < 0)
			return r;
		rq.v3 = &v3;
		rq.a = (struct tv_clone_args){
			.flags = (unsigned long)v3.flags, .ptid = (uintptr_t)v3.parent_tid,
			.ctid = (uintptr_t)v3.child_tid, .tls = (uintptr_t)v3.tls,
			.stack = v3.stack ? (uintptr_t)(v3.stack + v3.stack_size) : 0,
		};
		break;
#ifdef __NR_fork
	case __NR_fork:
		rq.a.flags = SIGCHLD;
		break;
	case __NR_vfork:
		rq.a.flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
		break;
#endif
	}
	if (rq.a.flags & CLONE_THREAD)
		return clone_thread(t, uc, &rq);
	return clone_process(t, uc, &rq);
}
