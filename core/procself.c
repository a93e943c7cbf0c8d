/* /proc/self as the guest should see it.  The kernel's links and files
 * describe the monitor: /proc/self/exe is the monitor's binary, and
 * cmdline, environ and auxv are the monitor's (moving them needs
 * CAP_SYS_RESOURCE).  readlink of exe names the guest program, paths
 * through exe reach the program's file, and opening cmdline, environ or
 * auxv gives a snapshot of the guest's, taken at open time. */
#include <linux/fcntl.h>
#include <linux/memfd.h>
#include <linux/errno.h>
#include "monitor.h"

enum proc_file { PROC_OTHER, PROC_EXE, PROC_CMDLINE, PROC_ENVIRON, PROC_AUXV };

/* Which file of our own /proc directory path names. */
static enum proc_file proc_file_of(const char *path)
{
	static const char *const names[] = { "exe", "cmdline", "environ", "auxv" };
	char own[24];
	const char *rest = NULL;

	tv_snprintf(own, sizeof own, "/proc/%d/", tv_g.pid);
	if (!tv_strncmp(path, "/proc/self/", 11))
		rest = path + 11;
	else if (!tv_strncmp(path, "/proc/thread-self/", 18))
		rest = path + 18;
	else if (!tv_strncmp(path, own, tv_strlen(own)))
		rest = path + tv_strlen(own);
	for (int i = 0; rest && i < 4; i++) {
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
	return proc_file_of(path) == PROC_EXE && tv_g.guest_exe ? tv_g.guest_exe : path;
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

long tv_emu_procself(struct tv_call *c, int *handled)
{
	int i = path_arg(c);
	char path[64];

	*handled = 0;
	if (i < 0 || tv_mem_read_str(path, (uintptr_t)c->args[i], sizeof path) < 0)
		return 0;
	enum proc_file f = proc_file_of(path);
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
	default:
		*handled = 0;
		return 0;
	}
}
