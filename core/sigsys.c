/* The SIGSYS handler on guest threads, its installation, and the filter.
 * The handler runs on the monitor's per-thread sigaltstack, never touches
 * the thread pointer, and issues its own syscalls only through the allowed
 * instruction. */
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/errno.h>
#include "monitor.h"
#include "filter.h"

struct tv_global tv_g;

static int tool_hooks(long nr)
{
	return nr >= 0 && nr < tv_g.nr_max && tv_g.tool_nrs[nr];
}

/* A tool without hooks has none that could block. */
static int inline_hooks_ok(void)
{
	return tv_tool.inline_hooks || (!tv_tool.enter && !tv_tool.exit);
}

static void handle_call(struct tv_thread *t, tv_ucontext *uc)
{
	struct tv_chan *ch = &t->chan;
	struct tv_call *c = &ch->call;

	c->nr = tv_uc_nr(uc);
	for (int i = 0; i < 6; i++)
		c->args[i] = tv_uc_arg(uc, i);
	c->ret = -ENOSYS;
	c->pid = t->pid;
	c->pc = tv_uc_pc(uc);
	c->sp = tv_uc_sp(uc);
	c->tid = t->g_tid;
	c->thread = t;
	c->tool_data = NULL;
	t->uc = uc;
	t->in_monitor = 1;
	if (t->gfilters) {
		/* The guest's own filters judge first, as the kernel's would. */
		uint32_t verdict = tv_gfilter_verdict(t, uc);
		long r = tv_gfilter_result(verdict);
		if (r == 1)
			tv_signals_seccomp(t, uc, verdict);
		else if (r < 0)
			tv_uc_set_ret(uc, r);
		if (r != 0) {
			t->in_monitor = 0;
			return;
		}
	}
	ch->local = tv_call_is_local(c->nr, c->args);
	ch->hooked = tool_hooks(c->nr);

	/* A call that cannot block has nothing for a signal to interrupt:
	 * it runs here, without the hand-off, when the tool's hooks may run
	 * on the guest thread too. */
	if (!ch->local && tv_call_never_blocks(c->nr) && (!ch->hooked || inline_hooks_ok())) {
		ch->req_seq++;
		tv_run_call(t, 0);
	} else if (ch->hooked || !ch->local) {
		tv_chan_call(t, OP_CALL);
	}
	if (ch->local && !(ch->hooked && ch->reply == REPLY_DONE)) {
		tv_emulate_on_g(t, uc, c);
		if (ch->hooked && tv_tool.exit)
			tv_chan_call(t, OP_EXIT_HOOK);
	}
	tv_fd_note(c);
	if (!tv_signals_finish(t, uc, c->nr, c->args, c->ret))
		tv_uc_set_ret(uc, c->ret);
	t->in_monitor = 0;
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
	/* Foreign-arch calls (x86_64 int 0x80) never reach the kernel. */
	if (si->si_arch != TV_AUDIT_ARCH) {
		tv_uc_set_ret(uc, -ENOSYS);
		return;
	}
	handle_call(tv_self(), uc);
}

int tv_install_sigsys(void)
{
	struct tv_ksigaction sa = {
		.handler = (void *)on_sigsys,
		.flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTORER,
		.restorer = tv_restorer,
		/* Guest signals wait while a call is handled, except while G
		 * waits for K (tv_chan_call), when on_signal records them. */
		.mask = ~0ull,
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
				(uintptr_t)tv_kcall_ret },
		.n_ips = 3,
	};
	long n = tv_filter_build(&spec, prog, BPF_MAXINSNS);
	if (n < 0)
		return (int)n;
	struct sock_fprog fprog = { (unsigned short)n, prog };
	long r = tv_sys5(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (r < 0)
		return (int)r;
	return (int)tv_sys3(__NR_seccomp, SECCOMP_SET_MODE_FILTER, (long)flags, (long)&fprog);
}
