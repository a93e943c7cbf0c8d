/* The one table of how the core handles each call.  Every guest call runs
 * on the thread that made it, inside its SIGSYS handler (sigsys.c); a row
 * says what the core does instead of making the call as it is (emulate),
 * and whether the core traps the number whatever the tool asks for (need)
 * and why.  A number without a row is a plain call: the tool's hooks, then
 * the call itself through the interruptible window (tv_call_plain), where
 * the kernel's own restart rules apply because the calling thread, its
 * signal mask and the real handlers' SA_RESTART are the guest's. */
#include <linux/mman.h>
#include <linux/errno.h>
#include "monitor.h"
#include "filter.h"

#define ROWS 1024

#define ALWAYS(fn) { .emulate = fn, .need = NEED_ALWAYS }
/* Rows whose emulation needs no signal frame: rewritten sites make them. */
#define ALWAYS_DIRECT(fn) { .emulate = fn, .need = NEED_ALWAYS, .direct = 1 }
#define PLAIN { .direct = 1 }
#define PROC_PATH(fn) { .emulate = fn, .need = NEED_PROC, .direct = 1 }
/* Memory calls: trapped only when their range may reach the monitor. */
#define GUARDED(kind, arg, mask) \
	{ .emulate = tv_emu_memory, .need = NEED_GUARD, .guard = kind, .flag_arg = arg, \
	  .flag_mask = mask, .direct = 1 }

static const struct tv_sysrow rows[ROWS] = {
	/* New threads and processes start on their own altstack (clone.c). */
	[__NR_clone] = ALWAYS(tv_emu_clone),
	[__NR_clone3] = ALWAYS(tv_emu_clone),
#ifdef __NR_fork
	[__NR_fork] = ALWAYS(tv_emu_clone),
	[__NR_vfork] = ALWAYS(tv_emu_clone),
#endif
	/* The new program runs under a new instance of the monitor (exec.c). */
	[__NR_execve] = ALWAYS(tv_emu_execve),
	[__NR_execveat] = ALWAYS(tv_emu_execve),
	/* A thread's region is reused once it is gone. */
	[__NR_exit] = ALWAYS(tv_emu_exit),
	/* The guest's dispositions, SIGSYS, the monitor's sigaltstack and its
	 * signal frames are virtual (signal.c, emulate.c). */
	[__NR_rt_sigaction] = ALWAYS(tv_emu_sigaction),
	[__NR_rt_sigprocmask] = ALWAYS(tv_emu_sigprocmask),
	[__NR_rt_sigreturn] = ALWAYS(tv_emu_sigreturn),
	[__NR_sigaltstack] = ALWAYS(tv_emu_sigaltstack),
	[__NR_rt_sigpending] = ALWAYS(tv_emu_sigpending),
	/* The kernel's break belongs to the monitor image. */
	[__NR_brk] = ALWAYS_DIRECT(tv_emu_brk),
	/* The guest's filters are applied by the monitor (gfilter.c). */
	[__NR_seccomp] = ALWAYS(tv_emu_seccomp),
	[__NR_prctl] = ALWAYS(tv_emu_prctl),
	/* /proc/self/exe names the guest's program (procself.c); the other
	 * paths of /proc/self are shown as the guest's when the tool traps
	 * the calls anyway, or with --exact-proc (docs/limits.md). */
	[__NR_readlinkat] = ALWAYS_DIRECT(tv_emu_procself),
	[__NR_openat] = { .emulate = tv_emu_procself, .need = NEED_PAIRED | NEED_PROC, .direct = 1 },
	[__NR_newfstatat] = PROC_PATH(tv_emu_procself),
	[__NR_statx] = PROC_PATH(tv_emu_procself),
#ifdef __NR_readlink
	[__NR_readlink] = ALWAYS_DIRECT(tv_emu_procself),
	[__NR_open] = PROC_PATH(tv_emu_procself),
	[__NR_stat] = PROC_PATH(tv_emu_procself),
#endif
	/* Task directories list the kernel threads, when there are any. */
	[__NR_getdents64] = { .emulate = tv_emu_getdents, .need = NEED_PAIRED, .direct = 1 },
	/* The guest may not unmap, remap or change the monitor's memory. */
	[__NR_mmap] = GUARDED(TV_GUARD_RANGE, 0, 0),
	[__NR_munmap] = GUARDED(TV_GUARD_RANGE, 0, 0),
	[__NR_mprotect] = GUARDED(TV_GUARD_RANGE, 0, 0),
	[__NR_pkey_mprotect] = GUARDED(TV_GUARD_RANGE, 0, 0),
	[__NR_madvise] = GUARDED(TV_GUARD_RANGE, 0, 0),
	[__NR_mremap] = GUARDED(TV_GUARD_FLAG_OR_RANGE, 3, MREMAP_FIXED),
	[__NR_shmat] = ALWAYS_DIRECT(tv_emu_memory),
	/* The tool's process_exit hook, and --rewrite-stats, come first. */
	[__NR_exit_group] = { .emulate = tv_emu_exit_group, .need = NEED_STATS | NEED_EXIT_HOOK,
			      .direct = 1 },
#ifdef __NR_arch_prctl
	/* The rewrite tier's stub path finds its thread by the GS base. */
	[__NR_arch_prctl] = { .emulate = tv_emu_arch_prctl, .need = NEED_REWRITE },
#endif
};

/* A number without a row is a plain call, which rewritten sites make. */
const struct tv_sysrow *tv_sysrow(long nr)
{
	static const struct tv_sysrow plain = PLAIN;

	if (nr >= 0 && nr < ROWS && !rows[nr].emulate && !rows[nr].need)
		return &plain;

	return nr >= 0 && nr < ROWS ? &rows[nr] : &plain;
}

static int tool_hooks(long nr)
{
	return nr >= 0 && nr < tv_g.nr_max && tv_g.tool_nrs[nr];
}

static int core_needs(long nr)
{
	unsigned need = rows[nr].need;

	if (need & (NEED_ALWAYS | NEED_GUARD))
		return 1;
	if ((need & NEED_PAIRED) && (tv_g.pair || tv_tool.pair))
		return 1;
	if ((need & NEED_REWRITE) && tv_g.rewrite)
		return 1;
	if ((need & NEED_STATS) && tv_g.rewrite_stats)
		return 1;
	if ((need & NEED_EXIT_HOOK) && tv_tool.process_exit)
		return 1;
	return (need & NEED_PROC) && tv_g.exact_proc;
}

/* The numbers the core traps (ended by -1 in out): guarded ones included,
 * the filter lets their harmless calls through (tv_core_guards). */
int tv_core_nrs(int *out, int cap)
{
	int n = 0;

	for (long nr = 0; nr < ROWS && n < cap - 1; nr++) {
		if (core_needs(nr))
			out[n++] = (int)nr;
	}
	out[n] = -1;
	return n;
}

/* The filter's argument tests for guarded numbers the tool does not hook
 * (those it hooks trap whatever their arguments). */
int tv_core_guards(struct tv_filter_guard *out, int cap)
{
	int n = 0;

	/* Rewriting needs every mprotect and mremap (rewrite.c); the
	 * rewritten sites make the others cheap. */
	if (tv_g.rewrite)
		return 0;
	for (long nr = 0; nr < ROWS && n < cap; nr++) {
		const struct tv_sysrow *r = &rows[nr];
		if (!(r->need & NEED_GUARD) || tool_hooks(nr))
			continue;
		out[n++] = (struct tv_filter_guard){ .nr = (int)nr, .kind = (enum tv_guard_kind)r->guard,
						     .flag_arg = r->flag_arg, .flag_mask = r->flag_mask };
	}
	return n;
}

/* The guest's call as it stands in c, made by this thread through the
 * interruptible window: a signal recorded before the window opened, or
 * one the kernel rewinds the call for, ends it with -ERESTARTSYS, and the
 * call runs again after the guest's handler (signal.c). */
long tv_call_plain(struct tv_thread *t, const struct tv_call *c)
{
	const long *a = c->args;
	long call[7] = { c->nr, a[0], a[1], a[2], a[3], a[4], a[5] };

	return tv_icall(call, &t->npending);
}

/* For the few paths that must not be interrupted by a guest handler:
 * returns the mask it replaced, for tv_set_mask (or the mask comes back
 * from the frame they end with). */
uint64_t tv_block_all(void)
{
	uint64_t all = ~0ull, old = 0;

	tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)&old, sizeof all);
	return old;
}

void tv_set_mask(uint64_t mask)
{
	tv_sys4(__NR_rt_sigprocmask, SIG_SETMASK, (long)&mask, 0, sizeof mask);
}
