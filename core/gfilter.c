/* The guest's own seccomp filters.  They are not given to the kernel: a
 * guest filter would also judge the monitor's own calls (a guest that
 * forbids futex would hang its monitor), and for calls the monitor traps
 * the kernel's precedence (TRAP before ERRNO) would hide the guest's
 * verdict.  Instead the first guest filter makes the monitor trap every
 * call of that thread, and each trapped call is run through the guest's
 * filters here, with the kernel's rules: every filter runs, the lowest
 * action wins, the newest filter wins a tie. */
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/memfd.h>
#include <linux/errno.h>
#include "monitor.h"
#include "bpf.h"

struct tv_gfilter {
	struct tv_gfilter *prev;	/* the older filters */
	size_t len;
	struct sock_filter prog[];
};

#define KNOWN_FLAGS (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | \
		     SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC_ESRCH)
#define MAX_ERRNO 4095

static struct tv_gfilter *gfilter_new(const struct sock_filter *prog, size_t len,
				      struct tv_gfilter *prev)
{
	struct tv_gfilter *f = tv_malloc(sizeof *f + len * sizeof *prog);

	if (f) {
		f->prev = prev;
		f->len = len;
		memcpy(f->prog, prog, len * sizeof *prog);
	}
	return f;
}

/* Strict mode is the filter that allows read, write, exit and
 * rt_sigreturn and kills for anything else. */
static struct tv_gfilter *strict_filter(struct tv_gfilter *prev)
{
	const struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_read, 4, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_exit, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_THREAD),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	return gfilter_new(prog, sizeof prog / sizeof prog[0], prev);
}

/* From now on every call of this thread (and, with TSYNC, of all its
 * process's threads) reaches the monitor. */
static long trap_everything(struct tv_thread *t, int tsync)
{
	if (t->trap_all && !tsync)
		return 0;
	long r = tv_install_filter(NULL, tsync ? SECCOMP_FILTER_FLAG_TSYNC : 0);
	if (r == 0)
		t->trap_all = 1;
	return r > 0 ? -ESRCH : r;
}

static long add_filter(struct tv_thread *t, struct tv_gfilter *f, long flags)
{
	int tsync = (flags & SECCOMP_FILTER_FLAG_TSYNC) != 0;

	if (!f)
		return -ENOMEM;
	long r = trap_everything(t, tsync);
	if (r < 0) {
		tv_free(f);
		return r;
	}
	t->gfilters = f;
	if (tsync)
		tv_threads_share_gfilters(f);
	return 0;
}

static long set_mode_filter(struct tv_thread *t, long flags, uintptr_t uprog)
{
	struct sock_fprog fp;

	if (flags & ~(long)KNOWN_FLAGS)
		return -EINVAL;	/* NEW_LISTENER: user notification is not offered */
	if (tv_mem_read(&fp, uprog, sizeof fp))
		return -EFAULT;
	if (fp.len == 0 || fp.len > BPF_MAXINSNS)
		return -EINVAL;
	struct sock_filter *prog = tv_malloc(fp.len * sizeof *prog);
	if (!prog)
		return -ENOMEM;
	long r = tv_mem_read(prog, (uintptr_t)fp.filter, fp.len * sizeof *prog) ? -EFAULT : 0;
	if (r == 0 && tv_bpf_check(prog, fp.len) < 0)
		r = -EINVAL;
	if (r == 0)
		r = add_filter(t, gfilter_new(prog, fp.len, t->gfilters), flags);
	tv_free(prog);
	return r;
}

/* seccomp(2) and prctl(PR_SET_SECCOMP / PR_GET_SECCOMP). */
static long gfilter_call(struct tv_thread *t, const struct tv_call *c)
{
	const long *a = c->args;
	long op = a[0], flags = a[1];
	uintptr_t arg = (uintptr_t)a[2];

	if (c->nr == __NR_prctl) {
		if (op == PR_GET_SECCOMP)
			return t->strict ? SECCOMP_MODE_STRICT : t->gfilters ? SECCOMP_MODE_FILTER : 0;
		op = a[1] == SECCOMP_MODE_STRICT ? SECCOMP_SET_MODE_STRICT :
		     a[1] == SECCOMP_MODE_FILTER ? SECCOMP_SET_MODE_FILTER : -1;
		flags = 0;
	}
	switch (op) {
	case SECCOMP_SET_MODE_STRICT:
		/* seccomp(2) takes neither flags nor an argument here; prctl
		 * ignores its third argument. */
		if (t->gfilters || (c->nr != __NR_prctl && (flags || arg)))
			return -EINVAL;
		t->strict = 1;
		return add_filter(t, strict_filter(NULL), 0);
	case SECCOMP_SET_MODE_FILTER:
		if (t->strict)
			return -EINVAL;
		return set_mode_filter(t, flags, arg);
	case SECCOMP_GET_ACTION_AVAIL:
	case SECCOMP_GET_NOTIF_SIZES:
		return tv_syscall6(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	return -EINVAL;
}

long tv_emu_seccomp(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	return gfilter_call(t, c);
}

/* prctl: only its seccomp options are the monitor's. */
long tv_emu_prctl(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	if (c->args[0] == PR_SET_SECCOMP || c->args[0] == PR_GET_SECCOMP)
		return gfilter_call(t, c);
	return tv_call_plain(t, c);
}

/* A call strict mode forbids ends the process with SIGKILL, as the
 * kernel's __secure_computing_strict does (do_exit(SIGKILL)), not with the
 * SIGSYS of a filter's KILL.  The kernel ends only the calling thread
 * (docs/limits.md). */
static __attribute__((noreturn)) void strict_kill(const struct tv_thread *t)
{
	for (;;)
		tv_sys3(__NR_tgkill, t->pid, t->g_tid, SIGKILL);
}

/* The verdict of the guest's filters on the call in uc.  Returns the
 * SECCOMP_RET_* value; the caller acts on it (strict mode's kill is done
 * here). */
uint32_t tv_gfilter_verdict(const struct tv_thread *t, const tv_ucontext *uc)
{
	struct seccomp_data d = {
		.nr = (int)tv_uc_nr(uc),
		.arch = TV_AUDIT_ARCH,
		.instruction_pointer = tv_uc_pc(uc),
	};
	uint32_t best = SECCOMP_RET_ALLOW;

	for (int i = 0; i < 6; i++)
		d.args[i] = (uint64_t)tv_uc_arg(uc, i);
	for (const struct tv_gfilter *f = t->gfilters; f; f = f->prev) {
		uint32_t r = tv_bpf_run_checked(f->prog, f->len, &d);
		if ((int32_t)(r & SECCOMP_RET_ACTION_FULL) < (int32_t)(best & SECCOMP_RET_ACTION_FULL))
			best = r;
	}
	if (t->strict && best != SECCOMP_RET_ALLOW)
		strict_kill(t);
	return best;
}

/* -errno for a verdict that answers the call, 0 to run it, 1 when the
 * verdict is a signal (TRAP, KILL: done by the caller). */
long tv_gfilter_result(uint32_t verdict)
{
	uint32_t data = verdict & SECCOMP_RET_DATA;

	switch (verdict & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
		return 0;
	case SECCOMP_RET_ERRNO:
		return -(long)(data > MAX_ERRNO ? MAX_ERRNO : data);
	case SECCOMP_RET_TRACE:
	case SECCOMP_RET_USER_NOTIF:
		return -ENOSYS;	/* no tracer, no listener: what the kernel answers */
	}
	return 1;
}

/* Across exec the filters live in an inherited memory file: its fd is
 * given to the new monitor (--tv-gfilters FD).  Oldest first: a length,
 * then the instructions. */
long tv_gfilter_save(const struct tv_thread *t)
{
	const struct tv_gfilter *chain[64];
	int n = 0;

	if (!t->gfilters)
		return -1;
	for (const struct tv_gfilter *f = t->gfilters; f && n < 64; f = f->prev)
		chain[n++] = f;
	long fd = tv_sys2(__NR_memfd_create, (long)"tvisor-gfilters", 0);
	uint64_t strict = t->strict;
	if (fd >= 0)
		tv_write_all((int)fd, &strict, sizeof strict);
	while (fd >= 0 && n--) {
		uint64_t len = chain[n]->len;
		tv_write_all((int)fd, &len, sizeof len);
		tv_write_all((int)fd, chain[n]->prog, len * sizeof(struct sock_filter));
	}
	return fd;
}

void tv_gfilter_load(struct tv_thread *t, int fd)
{
	uint64_t len, strict = 0;
	long off = sizeof strict;

	tv_pread_all(fd, &strict, sizeof strict, 0);
	t->strict = (int)strict;
	while (tv_pread_all(fd, &len, sizeof len, off) == sizeof len && len && len <= BPF_MAXINSNS) {
		struct tv_gfilter *f = tv_malloc(sizeof *f + len * sizeof(struct sock_filter));
		if (!f)
			break;
		off += sizeof len;
		tv_pread_all(fd, f->prog, len * sizeof(struct sock_filter), off);
		off += (long)(len * sizeof(struct sock_filter));
		f->len = len;
		f->prev = t->gfilters;
		t->gfilters = f;
	}
	t->trap_all = t->gfilters != NULL;
	tv_sys1(__NR_close, fd);
}
