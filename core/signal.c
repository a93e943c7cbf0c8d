/* Signals.  The guest's dispositions are virtual (t->actions); the real
 * one is the guest's own SIG_DFL or SIG_IGN (so default actions, stops and
 * ignoring are the kernel's, exactly), or the monitor's on_signal when the
 * guest has a handler.  on_signal delivers by emulation: it builds the
 * frame the kernel would have built, on the guest's stack, and redirects
 * its own return into the guest's handler; the guest's rt_sigreturn is
 * trapped and performed by the kernel on that frame.
 *
 * The SIGSYS handler runs with the guest's mask, so a signal can arrive
 * while the monitor handles a call.  on_signal then records it; a call in
 * the interruptible window (tv_icall) bails out with -ERESTARTSYS, and the
 * kernel's own ERESTART* rules have already decided EINTR or a restart for
 * a call it interrupted; the handler's way out (tv_icall_return) bails out
 * too, delivers what was recorded, and only then returns to the guest.
 * Once that exit is committed a signal is delivered straight into the
 * frame it returns with.  Nothing is lost and no sigprocmask is needed on
 * the way. */
#include <linux/errno.h>
#include <linux/signal.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <asm/socket.h>
#include "monitor.h"

#define SIG_DFL_HANDLER ((void *)0)
#define SIG_IGN_HANDLER ((void *)1)
#define SIGNALS 64
#define UNBLOCKABLE (tv_sigbit(SIGKILL) | tv_sigbit(SIGSTOP) | tv_sigbit(SIGSYS))
/* sa_flags the kernel acts on before any handler runs, kept on the real
 * disposition. */
#define KERNEL_FLAGS (SA_RESTART | SA_NOCLDSTOP | SA_NOCLDWAIT)

/* The guest's dispositions live in a table per signal-handler set: the
 * threads of a process share one (t->actions); a child made without
 * CLONE_SIGHAND gets a copy, which matters when it shares our memory
 * (vfork, posix_spawn): its resets must not change the parent's view. */
static tv_lock_t actions_lock;

static int is_handler(const struct tv_ksigaction *a)
{
	return a->handler != SIG_DFL_HANDLER && a->handler != SIG_IGN_HANDLER;
}

static void on_signal(int sig, siginfo_t *info, void *ctx);

static int default_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGWINCH || sig == SIGURG || sig == SIGCONT;
}

static int default_stops(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* A tool with a signal hook sees the signals whose default action ends
 * the process: the monitor catches them and lets the kernel take that
 * action afterwards (take_default). */
static int caught_for_tool(int sig, const struct tv_ksigaction *a)
{
	return tv_tool.signal && a->handler == SIG_DFL_HANDLER && sig != SIGKILL &&
	       !default_ignores(sig) && !default_stops(sig);
}

/* The real disposition that stands for the guest's action a. */
static long install_real(int sig, const struct tv_ksigaction *a)
{
	struct tv_ksigaction real = *a;

	if (is_handler(a) || caught_for_tool(sig, a)) {
		real.handler = (void *)on_signal;
		real.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER | (a->flags & KERNEL_FLAGS);
		real.restorer = tv_restorer;
		real.mask = ~0ull;
	}
	return tv_sys4(__NR_rt_sigaction, sig, (long)&real, 0, sizeof real.mask);
}

/* At start: what exec left (SIG_IGN survives exec) becomes the guest's
 * view. */
void tv_signals_init(struct tv_thread *t)
{
	struct tv_ksigaction *actions = tv_calloc(SIGNALS + 1, sizeof *actions);

	for (int sig = 1; sig <= SIGNALS; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		tv_sys4(__NR_rt_sigaction, sig, 0, (long)&actions[sig], sizeof(uint64_t));
	}
	/* What was just read for SIGSYS is the monitor's own handler. */
	memset(&actions[SIGSYS], 0, sizeof actions[SIGSYS]);
	for (int sig = 1; sig <= SIGNALS; sig++) {
		if (sig != SIGSYS && caught_for_tool(sig, &actions[sig]))
			install_real(sig, &actions[sig]);
	}
	t->actions = actions;
}

/* The signal the probe sends itself: the last real-time one, rarely used. */
#define PROBE_SIG 64

static volatile int probed_ss_flags;

static void on_probe(int sig, siginfo_t *info, void *ctx)
{
	(void)sig;
	(void)info;
	probed_ss_flags = ((tv_ucontext *)ctx)->uc_stack.ss_flags;
}

/* The sigaltstack flags this process inherited, as the kernel keeps them
 * for a handler's uc_stack (sigaltstack(2) shows only whether a stack is
 * set): read off the frame of one signal to ourselves, before the
 * monitor's altstack exists.  0, as for every process descended from
 * init, if the probe's signal is already pending. */
int tv_signals_probe_ss_flags(void)
{
	struct tv_ksigaction probe = {
		.handler = (void *)on_probe,
		.flags = SA_SIGINFO | SA_RESTORER,
		.restorer = tv_restorer,
		.mask = ~0ull,
	}, old;
	uint64_t only = ~tv_sigbit(PROBE_SIG), saved, pending = 0;

	tv_sys2(__NR_rt_sigpending, (long)&pending, sizeof pending);
	if (pending & tv_sigbit(PROBE_SIG))
		return 0;
	probed_ss_flags = 0;
	tv_sys4(__NR_rt_sigaction, PROBE_SIG, (long)&probe, (long)&old, sizeof probe.mask);
	tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)&only, (long)&saved, sizeof only);
	tv_sys3(__NR_tgkill, tv_g.pid, tv_gettid(), PROBE_SIG);
	tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)&saved, 0, sizeof saved);
	tv_sys4(__NR_rt_sigaction, PROBE_SIG, (long)&old, 0, sizeof old.mask);
	return probed_ss_flags;
}

/* The table a new thread or process starts with. */
struct tv_ksigaction *tv_signals_for_child(struct tv_thread *t, unsigned long clone_flags)
{
	if ((clone_flags & CLONE_SIGHAND) || !(clone_flags & CLONE_VM))
		return t->actions;	/* shared, or in the child's own copy of memory */
	struct tv_ksigaction *copy = tv_malloc((SIGNALS + 1) * sizeof *copy);
	if (copy) {
		tv_lock(&actions_lock);
		memcpy(copy, t->actions, (SIGNALS + 1) * sizeof *copy);
		tv_unlock(&actions_lock);
	}
	return copy ? copy : t->actions;
}

/* CLONE_CLEAR_SIGHAND, in the new process: the kernel's
 * flush_signal_handlers, handlers back to SIG_DFL, ignored signals kept. */
void tv_signals_clear_handlers(struct tv_thread *t)
{
	for (int sig = 1; sig <= SIGNALS; sig++) {
		struct tv_ksigaction *a = &t->actions[sig];
		if (!is_handler(a))
			continue;
		memset(a, 0, sizeof *a);
		if (sig != SIGSYS)
			install_real(sig, a);
	}
}

/* rt_sigaction.  SIGSYS stays the monitor's, whatever the guest sets; the
 * guest reads back what it set. */
long tv_emu_sigaction(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	const long *a = c->args;
	struct tv_ksigaction *actions = t->actions;
	int sig = (int)a[0];
	struct tv_ksigaction act, old;
	long r = 0;

	if (a[3] != sizeof(uint64_t) || sig < 1 || sig > SIGNALS)
		return -EINVAL;
	if (a[1] && tv_mem_read(&act, (uintptr_t)a[1], sizeof act))
		return -EFAULT;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	tv_lock(&actions_lock);
	old = actions[sig];
	if (a[1]) {
		act.mask &= ~(tv_sigbit(SIGKILL) | tv_sigbit(SIGSTOP));
		if (sig != SIGSYS)
			r = install_real(sig, &act);
		if (r == 0)
			actions[sig] = act;
	}
	tv_unlock(&actions_lock);
	if (r == 0 && a[2] && tv_mem_write((uintptr_t)a[2], &old, sizeof old))
		r = -EFAULT;
	return r;
}

/* The tool's signal hook, if it has one. */
static void tell_tool(const struct tv_thread *t, int sig, const siginfo_t *info, int fatal)
{
	if (!tv_tool.signal)
		return;
	struct tv_signal s = {
		.tid = t->g_tid, .signo = sig, .code = info->si_code,
		.errno_value = info->si_errno, .pid = info->si_pid, .uid = (int)info->si_uid,
		.status = info->si_status, .utime = (long)info->si_utime,
		.stime = (long)info->si_stime, .timerid = info->si_tid,
		.overrun = info->si_overrun, .value = (uintptr_t)info->si_ptr,
		.addr = (uintptr_t)info->si_addr, .syscall = info->si_syscall,
		.arch = info->si_arch, .fatal = fatal,
	};
	tv_tool.signal(&s);
}

/* The guest left the default action: let the kernel take it, exactly
 * (terminate with or without core, with the right wait status). */
static void take_default(int sig, const siginfo_t *info)
{
	struct tv_ksigaction dfl = { 0 };
	uint64_t unblock = tv_sigbit(sig);
	struct tv_thread *t = tv_self();

	if (!default_stops(sig))
		tell_tool(t, sig, info, 1);
	tv_sys4(__NR_rt_sigaction, sig, (long)&dfl, 0, sizeof dfl.mask);
	/* The kernel takes a queued siginfo from the main thread only. */
	if (tv_sys4(__NR_rt_tgsigqueueinfo, t->pid, tv_gettid(), sig, (long)info) < 0)
		tv_sys3(__NR_tgkill, t->pid, tv_gettid(), sig);
	tv_sys4(__NR_rt_sigprocmask, SIG_UNBLOCK, (long)&unblock, 0, sizeof unblock);
	/* A stop or ignore default returns here: back to the monitor's view. */
	tv_lock(&actions_lock);
	install_real(sig, &t->actions[sig]);
	tv_unlock(&actions_lock);
}

/* Redirect uc (the guest's interrupted context) into the guest's handler
 * for sig, as the kernel's signal delivery would. */
static void deliver(struct tv_thread *t, tv_ucontext *uc, int sig, const siginfo_t *info)
{
	struct tv_ksigaction act;

	tv_lock(&actions_lock);
	act = t->actions[sig];
	if (is_handler(&act) && (act.flags & SA_RESETHAND)) {
		t->actions[sig].handler = SIG_DFL_HANDLER;	/* the flags stay */
		if (sig != SIGSYS)
			install_real(sig, &t->actions[sig]);
	}
	tv_unlock(&actions_lock);
	if (!is_handler(&act)) {
		if (act.handler == SIG_DFL_HANDLER && !default_ignores(sig))
			take_default(sig, info);
		return;
	}

	tell_tool(t, sig, info, 0);
	uintptr_t sp = tv_uc_sp(uc), top = sp - TV_RED_ZONE;
	if ((act.flags & SA_ONSTACK) && tv_guest_altstack_state(t, sp) == 0)
		top = t->guest_ss_sp + t->guest_ss_size;
	uint64_t *mask = tv_uc_mask(uc);
	/* The frame's uc_stack is the guest's sigaltstack as the kernel saves
	 * it (its flags as set); the guest's rt_sigreturn puts the monitor's
	 * back before the kernel reinstalls it (tv_emu_sigreturn).  Its mask
	 * is the guest's, SIGSYS's virtual bit included. */
	stack_t guest_ss = { (void *)t->guest_ss_sp, t->guest_ss_flags, t->guest_ss_size };
	uint64_t frame_mask = *mask | (t->guest_sigsys_blocked ? tv_sigbit(SIGSYS) : 0);
	tv_arch_setup_frame(uc, top, (uintptr_t)act.handler,
			    tv_arch_restorer((const void *)act.restorer, act.flags), sig, info, frame_mask,
			    &guest_ss);
	if (t->guest_ss_flags & SS_AUTODISARM) {
		t->guest_ss_sp = 0;
		t->guest_ss_size = 0;
		t->guest_ss_flags = SS_DISABLE;
	}
	uint64_t blocked = *mask | act.mask | ((act.flags & SA_NODEFER) ? 0 : tv_sigbit(sig));
	*mask = blocked & ~UNBLOCKABLE;
	if (blocked & tv_sigbit(SIGSYS))
		t->guest_sigsys_blocked = 1;
}

extern const char __ehdr_start[], _end[];

static int in_monitor(uintptr_t pc)
{
	return pc >= (uintptr_t)__ehdr_start && pc < (uintptr_t)_end;
}

static int in_range(uintptr_t pc, const char *lo, const char *hi)
{
	return pc >= (uintptr_t)lo && pc < (uintptr_t)hi;
}

/* Keeps a signal for the end of the call in progress. */
static void hold(struct tv_thread *t, int sig, const siginfo_t *info)
{
	int n = t->npending;

	if (n == TV_MAX_PENDING)
		return;	/* more than the kernel queues for one thread at once */
	t->pending[n].sig = sig;
	t->pending[n].info = *info;
	__atomic_store_n(&t->npending, n + 1, __ATOMIC_SEQ_CST);
}

/* A signal interrupted the monitor handling a call, at the context uc:
 * hold it, end the window it interrupted, and block every signal in uc
 * until the guest's mask comes back on the way out.
 *
 * The block keeps the kernel's pending rules for every later signal.  A
 * signal the monitor took is no longer pending in the kernel, so the same
 * one could come again before the first was delivered: a POSIX timer
 * re-arms when its signal is taken, and at stress-ng's 1 MHz it came
 * back within the same call.  Each extra copy was recorded, then queued
 * again with rt_tgsigqueueinfo as a new real-time signal, which the timer
 * no longer coalesces into its overrun count; the copies multiplied,
 * filled the pending slots, and the run's SIGALRM was dropped (--timer 2
 * --timeout 2s ran 60 s).  Blocked, they wait in the kernel, coalesced,
 * and come in the kernel's order once the guest's mask is back.  The
 * SIGSYS handler's way out puts it back with the frame; a context that
 * goes back to the guest without one (the rewrite tier's stub path, the
 * start) traps next, and tv_signals_trapped puts it in that frame. */
static void record(struct tv_thread *t, tv_ucontext *uc, int sig, const siginfo_t *info)
{
	uintptr_t pc = tv_uc_pc(uc);
	uint64_t *mask = tv_uc_mask(uc);

	if (!t->record_blocked) {
		t->record_mask = *mask;
		t->record_blocked = 1;
	}
	*mask |= ~UNBLOCKABLE;
	hold(t, sig, info);
	if (in_range(pc, tv_icall_begin, tv_icall_ret))
		tv_uc_set_pc(uc, (uintptr_t)tv_icall_bail);
	else if (in_range(pc, tv_return_begin, tv_return_commit))
		tv_uc_set_pc(uc, (uintptr_t)tv_return_bail);
	else if (in_range(pc, tv_rw_exit_begin, tv_rw_exit_commit))
		tv_uc_set_pc(uc, (uintptr_t)tv_rw_bail);
}

/* The SIGSYS handler has committed to return with the frame at its stack
 * pointer (tv_icall_return): the signal goes straight into that frame. */
static int returning(const tv_ucontext *uc)
{
	uintptr_t pc = tv_uc_pc(uc);

	return in_range(pc, tv_return_commit, tv_return_end) ||
	       (pc == (uintptr_t)tv_icall_insn && tv_uc_nr(uc) == __NR_rt_sigreturn);
}

static int is_fault(int sig, const siginfo_t *info)
{
	return info->si_code > 0 && (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE ||
				     sig == SIGILL || sig == SIGTRAP);
}

/* A fault in the monitor's own code is a bug: die of it, with a core, as
 * an uncaught fault would, and say where. */
static void monitor_fault(int sig, const tv_ucontext *uc)
{
	struct tv_ksigaction dfl = { 0 };

	tv_dprintf(2, "%s: internal error: signal %d at pc %lx\n", tv_tool.name, sig,
		   (unsigned long)tv_uc_pc(uc));
	tv_sys4(__NR_rt_sigaction, sig, (long)&dfl, 0, sizeof dfl.mask);
}

static void dispatch(struct tv_thread *t, tv_ucontext *uc, int sig, siginfo_t *info)
{
	if (tv_rw_guest_context(uc) || !in_monitor(tv_uc_pc(uc)))
		deliver(t, uc, sig, info);
	else if (returning(uc))
		deliver(t, t->uc, sig, info);
	else if (is_fault(sig, info))
		monitor_fault(sig, uc);
	else
		record(t, uc, sig, info);
}

static void on_signal(int sig, siginfo_t *info, void *ctx)
{
	dispatch(tv_self(), ctx, sig, info);
}

/* A SIGSYS that is not a seccomp trap (kill -SYS) is the guest's.  The
 * SIGSYS handler does not block signals: this rare path does, as
 * on_signal's sa_mask would. */
void tv_signals_foreign_sigsys(struct tv_thread *t, tv_ucontext *uc, siginfo_t *info)
{
	tv_block_all();
	if (t->guest_sigsys_blocked) {
		/* The real SIGSYS is never blocked: hold it as the kernel
		 * would (a standard signal: one at a time). */
		if (!t->sigsys_pending)
			t->sigsys_info = *info;
		t->sigsys_pending = 1;
		return;
	}
	dispatch(t, uc, SIGSYS, info);
}

/* A call's result, or for a call that never ran (-ERESTARTSYS) the PC
 * back on the syscall instruction: the trapped registers still hold the
 * call, which runs again after the guest's handler. */
void tv_signals_set_result(tv_ucontext *uc, long ret)
{
	if (ret == -TV_ERESTARTSYS)
		tv_uc_set_pc(uc, tv_uc_pc(uc) - TV_SYSCALL_INSN_LEN);
	else
		tv_uc_set_ret(uc, ret);
}

/* Back to the kernel's queue, of this thread or (for a thread that
 * ends) of the process, to be delivered after what was delivered here.
 * The kernel takes any siginfo from the main thread only. */
static void requeue(const struct tv_thread *t, const struct tv_pending *p, int to_process)
{
	if (to_process && tv_sys3(__NR_rt_sigqueueinfo, t->pid, p->sig, (long)&p->info) < 0)
		tv_sys2(__NR_kill, t->pid, p->sig);
	if (!to_process && tv_sys4(__NR_rt_tgsigqueueinfo, t->pid, t->g_tid, p->sig, (long)&p->info) < 0)
		tv_sys3(__NR_tgkill, t->pid, t->g_tid, p->sig);
}

/* Signals recorded during a call, with everything blocked, delivered into
 * uc in the order they came.  Each was unblocked when the kernel gave it
 * to us (maybe by a call's temporary mask, as sigsuspend's), so only the
 * masks of the handlers delivered here hold one back, as the kernel's
 * signal delivery does; those wait in the kernel's queue. */
static void deliver_recorded(struct tv_thread *t, tv_ucontext *uc)
{
	uint64_t start = *tv_uc_mask(uc);
	int n = t->npending;

	for (int i = 0; i < n; i++) {
		const struct tv_pending *p = &t->pending[i];
		if (*tv_uc_mask(uc) & ~start & tv_sigbit(p->sig))
			requeue(t, p, 0);
		else
			deliver(t, uc, p->sig, &p->info);
	}
	__atomic_store_n(&t->npending, 0, __ATOMIC_SEQ_CST);
	t->record_blocked = 0;
}

/* Recorded signals go back to the kernel's queue: for the ways out of the
 * monitor that do not deliver themselves (rt_sigreturn, thread exit).
 * Everything must be blocked. */
void tv_signals_requeue(struct tv_thread *t, int to_process)
{
	for (int i = 0; i < t->npending; i++)
		requeue(t, &t->pending[i], to_process);
	__atomic_store_n(&t->npending, 0, __ATOMIC_SEQ_CST);
	t->record_blocked = 0;
}

/* The SIGSYS handler's way back to the guest, with uc as it now stands. */
__attribute__((noreturn)) void tv_signals_return(struct tv_thread *t, tv_ucontext *uc,
						 const siginfo_t *info)
{
	uintptr_t sp = tv_arch_handler_frame_sp(info, uc);

	for (;;) {
		tv_icall_return(sp, &t->npending);
		/* A signal was recorded: the kernel puts back the guest's mask
		 * with the frame. */
		tv_block_all();
		deliver_recorded(t, uc);
	}
}

/* A trap, with uc its frame: if a signal was recorded where the monitor
 * went back to the guest without a frame (record), the mask the trap
 * found is the blocked one, and the guest's is the one saved. */
void tv_signals_trapped(struct tv_thread *t, tv_ucontext *uc)
{
	if (t->record_blocked)
		*tv_uc_mask(uc) = t->record_mask;
}

/* The guest unblocked SIGSYS (in the monitor): a held one is delivered
 * when the call returns. */
void tv_signals_sigsys_unblocked(struct tv_thread *t)
{
	if (t->sigsys_pending) {
		t->sigsys_pending = 0;
		hold(t, SIGSYS, &t->sigsys_info);
	}
}

/* The signals whose guest disposition is a handler, or (ignored) SIG_IGN:
 * /proc's SigCgt and SigIgn. */
uint64_t tv_signals_guest_set(const struct tv_thread *t, int ignored)
{
	uint64_t set = 0;

	for (int sig = 1; sig <= SIGNALS; sig++) {
		const struct tv_ksigaction *a = &t->actions[sig];
		if (ignored ? a->handler == SIG_IGN_HANDLER : is_handler(a))
			set |= tv_sigbit(sig);
	}
	return set;
}

/* A guest filter said TRAP or KILL: the guest's SIGSYS, or death by it. */
void tv_signals_seccomp(struct tv_thread *t, tv_ucontext *uc, uint32_t verdict)
{
	siginfo_t info = { 0 };

	info.si_signo = SIGSYS;
	info.si_code = SYS_SECCOMP;
	info.si_errno = (int)(verdict & SECCOMP_RET_DATA);
	info.si_call_addr = (void *)tv_uc_pc(uc);
	info.si_syscall = (int)tv_uc_nr(uc);
	info.si_arch = TV_AUDIT_ARCH;
	int trap = (verdict & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRAP;
	/* As force_sig_seccomp: a blocked or ignored SIGSYS kills. */
	if (trap && is_handler(&t->actions[SIGSYS]) && !t->guest_sigsys_blocked)
		deliver(t, uc, SIGSYS, &info);
	else
		take_default(SIGSYS, &info);
}

int tv_sigreturn_frame(uintptr_t sp, uint64_t *mask, long *ret)
{
	uintptr_t uc = tv_arch_frame_uc(sp);

	if (tv_mem_read(mask, uc + offsetof(tv_ucontext, uc_sigmask), sizeof *mask) ||
	    tv_mem_read(ret, uc + TV_UC_RET_OFF, sizeof *ret))
		return -EFAULT;
	return 0;
}

/* The guest's rt_sigreturn, from its frame at the guest's sp: the frame's
 * uc_stack is the guest's sigaltstack (it may have changed it), taken back
 * by the kernel's rules (tv_guest_altstack_set); the monitor's goes in its
 * place for the kernel to reinstall.  The kernel restores the frame's mask
 * too, so signals recorded meanwhile wait in its queue until then; but
 * not SIGSYS, which the monitor's traps need (a handler may have filled
 * the mask, as qemu-user's does): its bit becomes the virtual one. */
long tv_emu_sigreturn(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)c;
	uintptr_t sp = tv_uc_sp(uc), frame_uc = tv_arch_frame_uc(sp);
	uintptr_t at = frame_uc + offsetof(tv_ucontext, uc_stack);
	uintptr_t mask_at = frame_uc + offsetof(tv_ucontext, uc_sigmask);
	stack_t ss, monitor_ss = { tv_altstack_base(t), 0, ALTSTACK_SIZE };
	uint64_t mask;

	tv_block_all();
	tv_signals_requeue(t, 0);
	if (tv_mem_read(&ss, at, sizeof ss) == 0) {
		tv_guest_altstack_set(t, &ss, sp);
		tv_mem_write(at, &monitor_ss, sizeof monitor_ss);
	}
	if (tv_mem_read(&mask, mask_at, sizeof mask) == 0) {
		t->guest_sigsys_blocked = (mask & tv_sigbit(SIGSYS)) != 0;
		mask &= ~tv_sigbit(SIGSYS);
		tv_mem_write(mask_at, &mask, sizeof mask);
	}
	tv_sigreturn_at(sp);
}
