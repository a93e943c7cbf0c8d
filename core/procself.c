/* /proc/self as the guest should see it.  The kernel's links and files
 * describe the monitor: /proc/self/exe is the monitor's binary, and
 * cmdline, environ and auxv are the monitor's (moving them needs
 * CAP_SYS_RESOURCE).  readlink of exe names the guest program, paths
 * through exe reach the program's file, and opening cmdline, environ or
 * auxv gives a snapshot of the guest's, taken at open time; status files
 * show the guest's signal state (procstatus.c).  Where the kernel lets us,
 * it is told where the guest's argv, environment and auxv are, so that
 * cmdline, environ and auxv are the guest's even when the tool does not
 * trap openat (tv_procself_publish). */
#include <linux/fcntl.h>
#include <linux/memfd.h>
#include <linux/prctl.h>
#include <linux/errno.h>
#include "monitor.h"

enum proc_file { PROC_OTHER, PROC_EXE, PROC_CMDLINE, PROC_ENVIRON, PROC_AUXV, PROC_STATUS, PROC_STAT,
		 PROC_TASKDIR };

/* Which file of our own /proc directory path names; *tid is the thread
 * whose directory it is in (thread-self is the calling guest thread, not
 * K; task/TID/ one of ours). */
static enum proc_file proc_file_of(const char *path, int *tid)
{
	static const char *const names[] = { "exe", "cmdline", "environ", "auxv", "status", "stat" };
	char own[24];
	const char *rest = NULL;

	tv_snprintf(own, sizeof own, "/proc/%d/", tv_g.pid);
	*tid = tv_g.pid;
	if (!tv_strncmp(path, "/proc/self/", 11)) {
		rest = path + 11;
	} else if (!tv_strncmp(path, "/proc/thread-self/", 18)) {
		rest = path + 18;
		*tid = tv_self()->g_tid;
	} else if (!tv_strncmp(path, own, tv_strlen(own))) {
		rest = path + tv_strlen(own);
	}
	if (rest && (!tv_strcmp(rest, "task") || !tv_strcmp(rest, "task/")))
		return PROC_TASKDIR;
	if (rest && !tv_strncmp(rest, "task/", 5)) {
		char num[12];
		unsigned long n;
		const char *slash = tv_strchr(rest + 5, '/');
		size_t len = slash ? (size_t)(slash - rest - 5) : 0;
		if (!slash || len >= sizeof num)
			return PROC_OTHER;
		memcpy(num, rest + 5, len);
		num[len] = 0;
		if (tv_parse_ulong(num, &n) || n > 0x7fffffff)
			return PROC_OTHER;
		*tid = (int)n;
		rest = slash + 1;
	}
	for (int i = 0; rest && i < 6; i++) {
		if (!tv_strcmp(rest, names[i]))
			return (enum proc_file)(PROC_EXE + i);
	}
	return PROC_OTHER;
}

/* The path argument of a call that may name /proc/self/...: its index,
 * or -1.  Calls that do not follow the last symlink see exe as the link
 * it is. */
static int path_arg(const struct tv_call *c)
{
	const long *a = c->args;

	switch (c->nr) {
	case __NR_readlinkat:
		return 1;
	case __NR_openat:
		return (a[2] & O_NOFOLLOW) ? -1 : 1;
	case __NR_newfstatat:
	case __NR_statx:
		return (a[c->nr == __NR_statx ? 2 : 3] & AT_SYMLINK_NOFOLLOW) ? -1 : 1;
#ifdef __NR_readlink
	case __NR_readlink:
	case __NR_stat:
		return 0;
	case __NR_open:
		return (a[1] & O_NOFOLLOW) ? -1 : 0;
#endif
	}
	return -1;
}

static long readlink_exe(const struct tv_call *c, int at)
{
	long bufsiz = c->args[at + 2];
	size_t len = tv_strlen(tv_g.guest_exe);

	if (bufsiz <= 0)
		return -EINVAL;
	if (len > (size_t)bufsiz)
		len = (size_t)bufsiz;
	return tv_mem_write((uintptr_t)c->args[at + 1], tv_g.guest_exe, len) ? -EFAULT : (long)len;
}

/* A memory file holding [lo, hi) of guest memory, like the kernel's view. */
static long snapshot(const char *name, uintptr_t lo, uintptr_t hi, long flags)
{
	long fd = tv_sys2(__NR_memfd_create, (long)name, (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	char buf[4096];

	for (uintptr_t at = lo; fd >= 0 && at < hi;) {
		size_t n = hi - at < sizeof buf ? hi - at : sizeof buf;
		if (tv_mem_read(buf, at, n) || tv_write_all((int)fd, buf, n) < 0)
			break;
		at += n;
	}
	if (fd >= 0)
		tv_sys3(__NR_lseek, fd, 0, 0 /* SEEK_SET */);
	return fd;
}

/* The file a path names, read through our /proc/self/exe. */
const char *tv_procself_resolve(const char *path)
{
	int tid;
	return proc_file_of(path, &tid) == PROC_EXE && tv_g.guest_exe ? tv_g.guest_exe : path;
}

static int is_readlink(long nr)
{
#ifdef __NR_readlink
	if (nr == __NR_readlink)
		return 1;
#endif
	return nr == __NR_readlinkat;
}

static int is_open(long nr)
{
#ifdef __NR_open
	if (nr == __NR_open)
		return 1;
#endif
	return nr == __NR_openat;
}

/* A path call that may name /proc/self: its answer (*handled), or the
 * call to make instead, in c. */
static long procself(struct tv_call *c, int *handled)
{
	int i = path_arg(c);
	char path[64];
	int tid;

	*handled = 0;
	if (i < 0 || tv_mem_read_str(path, (uintptr_t)c->args[i], sizeof path) < 0)
		return 0;
	enum proc_file f = proc_file_of(path, &tid);
	if (f == PROC_EXE && tv_g.guest_exe) {
		if (is_readlink(c->nr)) {
			*handled = 1;
			return readlink_exe(c, i);
		}
		c->args[i] = (long)tv_g.guest_exe;	/* open or stat the program */
		return 0;
	}
	if (!is_open(c->nr))
		return 0;
	long flags = c->args[i + 1];
	*handled = 1;
	switch (f) {
	case PROC_CMDLINE:
		return snapshot("cmdline", tv_g.arg_start, tv_g.arg_end, flags);
	case PROC_ENVIRON:
		return snapshot("environ", tv_g.env_start, tv_g.env_end, flags);
	case PROC_AUXV:
		return snapshot("auxv", tv_g.auxv, tv_g.auxv + tv_g.auxv_size, flags);
	case PROC_STATUS:
	case PROC_STAT:
		return tv_procstatus_open(tid, f == PROC_STAT, flags);
	case PROC_TASKDIR: {
		const long *a = c->args;
		long fd = tv_syscall6(c->nr, a[0], a[1], a[2], a[3], 0, 0);
		tv_fd_mark_taskdir(fd);
		return fd;
	}
	default:
		*handled = 0;
		return 0;
	}
}

long tv_emu_procself(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	int handled;
	long r = procself(c, &handled);

	return handled ? r : tv_call_plain(t, c);
}

/* Fields 26.. and 45.. of /proc/self/stat, as numbers: the kernel's own
 * view of the image, which PR_SET_MM_MAP needs whole. */
static int stat_fields(uint64_t *f, int from, int n)
{
	char buf[1024];
	long fd = tv_sys4(__NR_openat, AT_FDCWD, (long)"/proc/self/stat", O_RDONLY | O_CLOEXEC, 0);
	long len = fd < 0 ? -1 : tv_pread_all((int)fd, buf, sizeof buf - 1, 0);

	if (fd >= 0)
		tv_sys1(__NR_close, fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	char *p = buf;
	for (char *q = buf; *q; q++)
		if (*q == ')')
			p = q + 2;	/* past "comm) ": field 3 */
	for (int field = 3; *p && field < from + n; field++) {
		char *end = tv_strchr(p, ' ');
		if (end)
			*end = 0;
		unsigned long v;
		if (field >= from && tv_parse_ulong(p, &v) == 0)
			f[field - from] = v;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

/* Points the kernel's cmdline, environ and auxv at the guest's
 * (PR_SET_MM_MAP; CONFIG_CHECKPOINT_RESTORE kernels).  When it refuses,
 * only a tool that traps openat shows them (docs/limits.md). */
void tv_procself_publish(void)
{
	uint64_t a[3] = { 0 }, b[7] = { 0 };

	if (stat_fields(a, 26, 3) < 0 || stat_fields(b, 45, 7) < 0)
		return;
	struct prctl_mm_map map = {
		.start_code = a[0], .end_code = a[1], .start_stack = a[2],
		.start_data = b[0], .end_data = b[1], .start_brk = b[2],
		.brk = (uint64_t)tv_sys1(__NR_brk, 0),
		.arg_start = tv_g.arg_start, .arg_end = tv_g.arg_end,
		.env_start = tv_g.env_start, .env_end = tv_g.env_end,
		.auxv = (__u64 *)tv_g.auxv, .auxv_size = (uint32_t)tv_g.auxv_size,
		.exe_fd = (uint32_t)-1,
	};
	if (!map.env_start)
		map.env_start = map.env_end = map.arg_end;
	tv_sys5(__NR_prctl, PR_SET_MM, PR_SET_MM_MAP, (long)&map, sizeof map, 0);
}
