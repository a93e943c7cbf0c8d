/* Signals.  The guest's dispositions are virtual (tv_g.actions); the real
 * one is the guest's own SIG_DFL or SIG_IGN (so default actions, stops and
 * ignoring are the kernel's, exactly), or the monitor's on_signal when the
 * guest has a handler.  on_signal delivers by emulation: it builds the
 * frame the kernel would have built, on the guest's stack, and redirects
 * its own return into the guest's handler; the guest's rt_sigreturn is
 * trapped and performed by the kernel on that frame.
 *
 * A signal that arrives while the guest thread G waits for its kernel
 * thread K is recorded; if K is executing a call for G, K is interrupted
 * (TV_SIG_INTERRUPT; see tv_kcall), and when the call ends G restarts it or
 * returns EINTR, as signal(7) says, then delivers. */
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

	if (is_handler(a) || sig == TV_SIG_INTERRUPT || caught_for_tool(sig, a)) {
		real.handler = (void *)on_signal;
		real.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTORER | (a->flags & KERNEL_FLAGS);
		if (sig == TV_SIG_INTERRUPT)
			real.flags &= ~(unsigned long)SA_RESTART;	/* K's calls must end */
		real.restorer = tv_restorer;
		real.mask = ~0ull;
	}
	return tv_sys4(__NR_rt_sigaction, sig, (long)&real, 0, sizeof real.mask);
}

/* At start: what exec left (SIG_IGN survives exec) becomes the guest's
 * view, and the interrupt signal gets its real handler. */
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
		if (sig == TV_SIG_INTERRUPT || (sig != SIGSYS && caught_for_tool(sig, &actions[sig])))
			install_real(sig, &actions[sig]);
	}
	t->actions = actions;
}

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
 * init, if the interrupt signal is already pending. */
int tv_signals_probe_ss_flags(void)
{
	struct tv_ksigaction probe = {
		.handler = (void *)on_probe,
		.flags = SA_SIGINFO | SA_RESTORER,
		.restorer = tv_restorer,
		.mask = ~0ull,
	}, old;
	uint64_t only = ~tv_sigbit(TV_SIG_INTERRUPT), saved, pending = 0;

	tv_sys2(__NR_rt_sigpending, (long)&pending, sizeof pending);
	if (pending & tv_sigbit(TV_SIG_INTERRUPT))
		return 0;
	probed_ss_flags = 0;
	tv_sys4(__NR_rt_sigaction, TV_SIG_INTERRUPT, (long)&probe, (long)&old, sizeof probe.mask);
	tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)&only, (long)&saved, sizeof only);
	tv_sys3(__NR_tgkill, tv_g.pid, tv_gettid(), TV_SIG_INTERRUPT);
	tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)&saved, 0, sizeof saved);
	tv_sys4(__NR_rt_sigaction, TV_SIG_INTERRUPT, (long)&old, 0, sizeof old.mask);
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

/* rt_sigaction, on K.  SIGSYS stays the monitor's, whatever the guest
 * sets; the guest reads back what it set. */
long tv_emu_sigaction(const long *a)
{
	struct tv_ksigaction *actions = tv_self()->actions;
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
	 * back before the kernel reinstalls it (tv_signals_sigreturn). */
	stack_t guest_ss = { (void *)t->guest_ss_sp, t->guest_ss_flags, t->guest_ss_size };
	tv_arch_setup_frame(uc, top, (uintptr_t)act.handler,
			    tv_arch_restorer((const void *)act.restorer, act.flags), sig, info, *mask,
			    &guest_ss);
	if (t->guest_ss_flags & SS_AUTODISARM) {
		t->guest_ss_sp = 0;
		t->guest_ss_size = 0;
		t->guest_ss_flags = SS_DISABLE;
	}
	uint64_t blocked = *mask | act.mask | ((act.flags & SA_NODEFER) ? 0 : tv_sigbit(sig));
	*mask = blocked & ~UNBLOCKABLE;
}

/* Calls signal(7) says SA_RESTART restarts after a handler; the others
 * (sleeps, waits with timeouts, poll, select, sigsuspend, ...) report
 * EINTR. */
static int restartable(long nr, const long *a)
{
	switch (nr) {
	case __NR_read: case __NR_readv: case __NR_write: case __NR_writev:
	case __NR_pread64: case __NR_pwrite64: case __NR_preadv: case __NR_pwritev:
	case __NR_ioctl: case __NR_openat: case __NR_wait4: case __NR_waitid:
	case __NR_accept: case __NR_accept4: case __NR_connect: case __NR_recvfrom:
	case __NR_recvmsg: case __NR_recvmmsg: case __NR_sendto: case __NR_sendmsg:
	case __NR_sendmmsg: case __NR_flock: case __NR_fcntl: case __NR_mq_timedsend:
	case __NR_mq_timedreceive: case __NR_getrandom: case __NR_splice: case __NR_tee:
	case __NR_copy_file_range: case __NR_sendfile:
#ifdef __NR_open
	case __NR_open:
#endif
		return 1;
	case __NR_futex:
		/* FUTEX_WAIT(_BITSET) without a timeout: with one, the kernel's
		 * restart block reports EINTR to a handler. */
		return ((a[1] & 0x7f) == 0 || (a[1] & 0x7f) == 9) && a[3] == 0;
	}
	return 0;
}

/* A socket read or write with SO_RCVTIMEO or SO_SNDTIMEO set: the kernel
 * ends it with EINTR rather than a restart (sock_intr_errno), a thing K's
 * interrupted call cannot show.  Asks the socket, only when it matters. */
static int has_socket_timeout(long nr, const long *a)
{
	int opt = SO_RCVTIMEO_OLD;

	switch (nr) {
	case __NR_write: case __NR_writev: case __NR_sendto: case __NR_sendmsg:
	case __NR_sendmmsg: case __NR_connect:
		opt = SO_SNDTIMEO_OLD;
		break;
	case __NR_read: case __NR_readv: case __NR_recvfrom: case __NR_recvmsg:
	case __NR_recvmmsg: case __NR_accept: case __NR_accept4:
		break;
	default:
		return 0;
	}
	struct { long sec, usec; } timeout = { 0, 0 };
	int len = sizeof timeout;
	if (tv_sys5(__NR_getsockopt, a[0], SOL_SOCKET, opt, (long)&timeout, (long)&len) < 0)
		return 0;	/* not a socket */
	return timeout.sec || timeout.usec;
}

/* Does a call K ran, which an interrupt ended with EINTR, start again
 * after a handler with SA_RESTART?  (G's own calls got the kernel's
 * answer: it saw the guest's flags.) */
static int restarts(const struct tv_thread *t, long nr, const long *a)
{
	return !t->chan.local && restartable(nr, a) && !has_socket_timeout(nr, a);
}

/* Called on G before it returns to the guest with ret: if a signal
 * arrived meanwhile, finish the call (restart it, or let it report EINTR,
 * as signal(7) says) and deliver the signal.  Returns 0 when there was
 * nothing to do and ret is still to be stored. */
int tv_signals_finish(struct tv_thread *t, tv_ucontext *uc, long nr, const long *args, long ret)
{
	/* -ERESTARTSYS: K bailed out before the call: it never happened. */
	int never_ran = ret == -512;

	if (!t->npending && !never_ran)
		return 0;
	if (!t->npending) {
		tv_uc_set_pc(uc, tv_uc_pc(uc) - TV_SYSCALL_INSN_LEN);
		return 1;
	}
	struct tv_pending p = t->pending[0];
	for (int i = 1; i < t->npending; i++)
		/* Back to the kernel's queue: delivered after this one. */
		tv_sys4(__NR_rt_tgsigqueueinfo, t->pid, t->g_tid, t->pending[i].sig,
			(long)&t->pending[i].info);
	t->npending = 0;

	struct tv_ksigaction act = t->actions[p.sig];
	if (never_ran || (ret == -EINTR && (act.flags & SA_RESTART) && restarts(t, nr, args)))
		/* The trapped registers still hold the call: run it again. */
		tv_uc_set_pc(uc, tv_uc_pc(uc) - TV_SYSCALL_INSN_LEN);
	else
		tv_uc_set_ret(uc, ret);
	deliver(t, uc, p.sig, &p.info);
	return 1;
}

static int is_kthread_stack(const struct tv_thread *t, uintptr_t sp)
{
	uintptr_t lo = (uintptr_t)t->region + KSTACK_OFF;
	return sp >= lo && sp < lo + KSTACK_SIZE;
}

/* A call in tv_kcall's window has not started, or the kernel rewound it
 * to restart: it ends with -ERESTARTSYS, to run again after the handler. */
static void bail_out_of_window(tv_ucontext *uc)
{
	uintptr_t pc = tv_uc_pc(uc);
	if (pc >= (uintptr_t)tv_kcall_begin && pc < (uintptr_t)tv_kcall_ret)
		tv_uc_set_pc(uc, (uintptr_t)tv_kcall_bail);
}

/* On K: only G's interrupt concerns us; anything else sent to the process
 * that the kernel chose K for goes on to K's guest thread. */
static void on_kthread_signal(struct tv_thread *t, int sig, siginfo_t *info, tv_ucontext *uc)
{
	if (sig != TV_SIG_INTERRUPT || info->si_code != SI_TKILL || info->si_pid != t->pid) {
		tv_sys4(__NR_rt_tgsigqueueinfo, t->pid, t->g_tid, sig, (long)info);
		return;
	}
	int seq = __atomic_load_n(&t->intr_seq, __ATOMIC_ACQUIRE);
	if (seq != __atomic_load_n(&t->chan.req_seq, __ATOMIC_ACQUIRE))
		return;		/* a late interrupt for an earlier request */
	__atomic_store_n(&t->kseq[1], seq, __ATOMIC_RELEASE);
	bail_out_of_window(uc);
}

/* G is inside the monitor: note the signal, and end the blocking call
 * G runs itself (blocking_on_g) or K runs for it. */
static void record(struct tv_thread *t, tv_ucontext *uc, int sig, const siginfo_t *info)
{
	if (t->npending == TV_MAX_PENDING)
		return;	/* more than the kernel queues for one thread at once */
	t->pending[t->npending].sig = sig;
	t->pending[t->npending].info = *info;
	t->npending++;
	t->gseq[1] = t->gseq[0];
	bail_out_of_window(uc);
	if (__atomic_load_n(&t->chan.state, __ATOMIC_ACQUIRE) == CHAN_REQUEST && !t->chan.local) {
		int seq = t->chan.req_seq;
		__atomic_store_n(&t->intr_seq, seq, __ATOMIC_RELEASE);
		tv_sys3(__NR_tgkill, t->pid, t->k_tid, TV_SIG_INTERRUPT);
	}
}

static void on_signal(int sig, siginfo_t *info, void *ctx)
{
	tv_ucontext *uc = ctx;
	struct tv_thread *t = tv_self();

	if (is_kthread_stack(t, (uintptr_t)__builtin_frame_address(0))) {
		on_kthread_signal(t, sig, info, uc);
		return;
	}
	if (t->in_monitor) {
		record(t, uc, sig, info);
		return;
	}
	deliver(t, uc, sig, info);
}

/* A SIGSYS that is not a seccomp trap (kill -SYS) is the guest's: it
 * waits, like the others, while G is in the monitor. */
void tv_signals_foreign_sigsys(struct tv_thread *t, tv_ucontext *uc, siginfo_t *info)
{
	if (t->guest_sigsys_blocked) {
		/* The real SIGSYS is never blocked: hold it as the kernel
		 * would (a standard signal: one at a time). */
		if (!t->sigsys_pending)
			t->sigsys_info = *info;
		t->sigsys_pending = 1;
	} else if (t->in_monitor) {
		record(t, uc, SIGSYS, info);
	} else {
		deliver(t, uc, SIGSYS, info);
	}
}

/* The guest unblocked SIGSYS (on G, in the monitor): a held one is
 * delivered when the call returns. */
void tv_signals_sigsys_unblocked(struct tv_thread *t)
{
	if (t->sigsys_pending) {
		t->sigsys_pending = 0;
		record(t, t->uc, SIGSYS, &t->sigsys_info);
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

/* The guest's rt_sigreturn, from its frame at sp: the frame's uc_stack
 * is the guest's sigaltstack (it may have changed it), taken back by the
 * kernel's rules (tv_guest_altstack_set); the monitor's goes in its place
 * for the kernel to reinstall. */
__attribute__((noreturn)) void tv_signals_sigreturn(struct tv_thread *t, uintptr_t sp)
{
	uintptr_t at = tv_arch_frame_stack(sp);
	stack_t ss, monitor_ss = { tv_altstack_base(t), 0, ALTSTACK_SIZE };

	if (tv_mem_read(&ss, at, sizeof ss) == 0) {
		tv_guest_altstack_set(t, &ss, sp);
		tv_mem_write(at, &monitor_ss, sizeof monitor_ss);
	}
	t->in_monitor = 0;
	tv_sigreturn_at(sp);
}
