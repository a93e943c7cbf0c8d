/* The SIGSYS handler on guest threads, its installation, and the filter.
 * The handler runs on the monitor's per-thread sigaltstack with the
 * guest's signal mask, never touches the thread pointer, and issues its
 * own syscalls only through the allowed instructions. */
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/errno.h>
#include <linux/mman.h>
#include "monitor.h"
#include "filter.h"

struct tv_global tv_g;

static int tool_hooks(long nr)
{
	return nr >= 0 && nr < tv_g.nr_max && tv_g.tool_nrs[nr];
}

/* The guest's own filters judge first, as the kernel's would: returns 0
 * to go on with the call, else 1 with its end in uc (a result, or the
 * guest's SIGSYS). */
static int guest_filters_refuse(struct tv_thread *t, tv_ucontext *uc)
{
	uint32_t verdict = tv_gfilter_verdict(t, uc);
	long r = tv_gfilter_result(verdict);

	if (r == 1)
		tv_signals_seccomp(t, uc, verdict);
	else if (r < 0)
		tv_uc_set_ret(uc, r);
	return r != 0;
}

/* The call in c, on the thread that made it: the tool's hooks, then the
 * call as the dispatch table says.  uc is the trap's context, or NULL on
 * a rewritten site's stub path, which takes only rows that need none. */
void tv_run_call(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	int hooked = tool_hooks(c->nr);

	if (!hooked || !tv_tool.enter || tv_hook_enter(t, c) != TV_RETURN) {
		const struct tv_sysrow *row = tv_sysrow(c->nr);
		/* enter() may have made it a call that needs the frame the
		 * stub path does not have (tvisor.3). */
		if (!uc && !row->direct)
			c->ret = -ENOSYS;
		else
			c->ret = row->emulate ? row->emulate(t, uc, c) : tv_call_plain(t, c);
		if (hooked && tv_tool.exit)
			tv_hook_exit(t, c);
	}
	tv_fd_note(c);
}

/* One trapped call: the guest's filters, the call, then back to the
 * guest.  A site that traps often enough is rewritten on the way. */
static __attribute__((noreturn)) void handle_call(struct tv_thread *t, tv_ucontext *uc,
						  const siginfo_t *si)
{
	struct tv_call c = {
		.nr = tv_uc_nr(uc),
		.ret = -ENOSYS,
		.pid = t->pid,
		.tid = t->g_tid,
		.pc = tv_uc_pc(uc),
		.sp = tv_uc_sp(uc),
		.thread = t,
	};

	for (int i = 0; i < 6; i++)
		c.args[i] = tv_uc_arg(uc, i);
	t->uc = uc;
	if (t->gfilters && guest_filters_refuse(t, uc))
		tv_signals_return(t, uc, si);
	if (tv_g.rewrite && tv_sysrow(c.nr)->direct)
		tv_rw_trapped(t, uc, c.nr);
	tv_run_call(t, uc, &c);
	tv_signals_set_result(uc, c.ret);
	tv_signals_return(t, uc, si);
}

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	(void)sig;
	tv_ucontext *uc = ctx;
	/* A SIGSYS sent with kill() is the guest's. */
	if (si->si_code != SYS_SECCOMP) {
		tv_signals_foreign_sigsys(tv_self(), uc, si);
		return;
	}
	struct tv_thread *t = tv_self();
	tv_signals_trapped(t, uc);
	/* Foreign-arch calls (x86_64 int 0x80) never reach the kernel. */
	if (si->si_arch != TV_AUDIT_ARCH) {
		tv_uc_set_ret(uc, -ENOSYS);
		return;
	}
	if (tv_g.rewrite) {
		if (tv_rw_reentry(si))
			tv_rw_reentered(t, uc, si);
		tv_rw_fallback(t, uc, si);
	}
	handle_call(t, uc, si);
}

int tv_install_sigsys(void)
{
	struct tv_ksigaction sa = {
		.handler = (void *)on_sigsys,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTORER,
		.restorer = tv_restorer,
		/* The guest's mask stays in force while its call is handled: a
		 * signal that arrives meanwhile is recorded and ends a blocking
		 * call (signal.c), with no sigprocmask on the way. */
		.mask = 0,
	};
	return (int)tv_sys4(__NR_rt_sigaction, SIGSYS, (long)&sa, 0, sizeof sa.mask);
}

/* Installs the monitor's filter on the calling thread (threads the guest
 * makes inherit it): nrs, ended by -1, are trapped; NULL traps all. */
int tv_install_filter(const int *nrs, unsigned long flags)
{
	static struct sock_filter prog[BPF_MAXINSNS];
	size_t n_nrs = 0;

	while (nrs && nrs[n_nrs] >= 0)
		n_nrs++;
	struct tv_filter_spec spec = {
		.audit_arch = TV_AUDIT_ARCH,
		.nr_trap_mask = TV_NR_TRAP_MASK,
		.nrs = nrs,
		.n_nrs = n_nrs,
		.all_nrs = nrs == NULL,
		.allowed_ip = { (uintptr_t)tv_syscall_ret, (uintptr_t)tv_clone_ret,
				(uintptr_t)tv_icall_ret },
		.n_ips = 3,
		/* A monitor executed for the guest's execve maps its place
		 * with the boot call: the same place, the same addresses. */
		.boot_addr = tv_image_base(),
		.boot_nr = __NR_mmap,
		.boot_flags = MAP_FIXED,
	};
	struct tv_filter_guard guards[16];
	uintptr_t lo, hi;

	if (nrs) {
		spec.n_guards = (size_t)tv_core_guards(guards, 16);
		spec.guards = guards;
		tv_guard_span(&lo, &hi);
		spec.guard_lo = lo;
		spec.guard_hi = hi;
	}
	long n = tv_filter_build(&spec, prog, BPF_MAXINSNS);
	if (n < 0)
		return (int)n;
	struct sock_fprog fprog = { (unsigned short)n, prog };
	long r = tv_sys5(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (r < 0)
		return (int)r;
	return (int)tv_sys3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, (long)flags, (long)&fprog);
}
