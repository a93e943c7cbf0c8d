/* execve and execveat: the new program runs under the same monitor.  The
 * guest thread checks the target as the kernel would (so errors return to
 * the caller, which keeps running), then executes the monitor binary again
 * with the same tool options, the guest's argv[0] and the program's path.
 * The filter survives exec; the new monitor knows not to add another. */
#include <linux/fcntl.h>
#include <linux/errno.h>
#include "monitor.h"
#include "load.h"

#define MAX_ARG_BYTES (2u << 20)	/* past this, E2BIG without asking the kernel */
#define MAX_ARG_STRLEN (32 * 4096)	/* the kernel's limit for one string */
#define PATH_CAP 4096
#define TOOL_EXEC_WORDS 16	/* options a tool may add for the new program */

/* Reads a NULL-terminated guest array of strings into monitor memory;
 * scratch holds one string of up to MAX_ARG_STRLEN bytes. */
static long read_vector(uintptr_t guest, char *scratch, char ***out, int *count, size_t *bytes)
{
	size_t n = 0, cap = 16;
	char **v = tv_malloc(cap * sizeof *v);

	while (v && guest) {
		uintptr_t p;
		if (tv_mem_read(&p, guest + n * sizeof p, sizeof p))
			return -EFAULT;
		if (!p)
			break;
		if (n + 2 > cap) {
			char **w = tv_malloc(2 * cap * sizeof *w);
			if (w)
				memcpy(w, v, n * sizeof *v);
			tv_free(v);
			v = w;
			cap *= 2;
			if (!v)
				break;
		}
		long len = tv_mem_read_str(scratch, p, MAX_ARG_STRLEN);
		if (len < 0)
			return len == -ENAMETOOLONG ? -E2BIG : len;
		*bytes += (size_t)len + 1 + sizeof p;
		if (*bytes > MAX_ARG_BYTES)
			return -E2BIG;
		if (!(v[n++] = tv_strdup(scratch)))
			return -ENOMEM;
	}
	if (!v)
		return -ENOMEM;
	v[n] = NULL;
	*out = v;
	*count = (int)n;
	return 0;
}

/* The path execveat names, as one path the loader can open.  A
 * descriptor (AT_EMPTY_PATH, or a directory for a relative path) may be
 * close-on-exec: the kernel would open the file first, but our new
 * monitor opens it after the exec, so it gets a copy that is not
 * (*keep_fd), which it closes once loaded. */
static long exec_path(const struct tv_call *c, char *path, int *keep_fd, char *execfn)
{
	int at = c->nr == __NR_execveat;
	long dirfd = at ? c->args[0] : AT_FDCWD;
	long flags = at ? c->args[4] : 0;
	long len = tv_mem_read_str(path, (uintptr_t)c->args[at], PATH_CAP);

	if (len < 0)
		return len;
	if (flags & ~(long)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if (len == 0 && !(flags & AT_EMPTY_PATH))
		return -ENOENT;
	if ((flags & AT_SYMLINK_NOFOLLOW) && len &&
	    tv_sys4(__NR_readlinkat, dirfd, (long)path, (long)path + PATH_CAP - 1, 1) >= 0)
		return -ELOOP;
	if (len == 0 || (path[0] != '/' && dirfd != AT_FDCWD)) {
		long fd = tv_sys3(__NR_fcntl, dirfd, F_DUPFD, 64);
		if (fd < 0)
			return fd;
		*keep_fd = (int)fd;
		char rel[PATH_CAP];
		memcpy(rel, path, (size_t)len + 1);
		/* AT_EXECFN names the descriptor as the kernel does. */
		tv_snprintf(execfn, PATH_CAP, len ? "/dev/fd/%ld/%s" : "/dev/fd/%ld%s", dirfd, rel);
		if (tv_snprintf(path, PATH_CAP, len ? "/proc/self/fd/%ld/%s" : "/proc/self/fd/%ld%s", fd,
				rel) >= PATH_CAP)
			return -ENAMETOOLONG;
		return 0;
	}
	const char *real = tv_procself_resolve(path);
	if (real != path) {
		if (tv_strlen(real) >= PATH_CAP)
			return -ENAMETOOLONG;
		memcpy(path, real, tv_strlen(real) + 1);
	}
	return 0;
}

/* The kernel's answer for a file it cannot execute, found before the
 * monitor gives up the current image. */
static long check_program(const char *path)
{
	struct tv_program p, ip;
	int r = tv_program_open(path, NULL, 0, &p);

	if (r < 0)
		return r;
	if (p.elf.interp_size) {
		r = tv_interp_open(&p, &ip);
		if (r == 0)
			tv_sys1(__NR_close, ip.fd);
	}
	tv_sys1(__NR_close, p.fd);
	return r;
}

long tv_emu_execve(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	int at = c->nr == __NR_execveat;
	char path[PATH_CAP];
	char **argv = NULL, **envp = NULL;
	int argc = 0, envc = 0;
	size_t bytes = 0;

	char *scratch = tv_malloc(MAX_ARG_STRLEN);
	if (!scratch)
		return -ENOMEM;
	int keep_fd = -1;
	char execfn[PATH_CAP];
	long r = exec_path(c, path, &keep_fd, execfn);
	if (r == 0)
		r = read_vector((uintptr_t)c->args[at + 1], scratch, &argv, &argc, &bytes);
	if (r == 0)
		r = read_vector((uintptr_t)c->args[at + 2], scratch, &envp, &envc, &bytes);
	tv_free(scratch);
	if (r == 0)
		r = check_program(path);
	if (r < 0) {
		if (keep_fd >= 0)
			tv_sys1(__NR_close, keep_fd);
		return r;	/* what was read is lost: exec failures are rare */
	}

	/* monitor, tool options, --tv-exec, [--tv-gfilters FD,]
	 * [--tv-exec-fd FD --tv-execfn NAME,] --tv-ssflags FLAGS,
	 * --tv-argv0 ARGV0, --, PATH, ARGS */
	int n = 0;
	char **margv = tv_calloc((size_t)(tv_g.tool_argc + argc + 14 + TOOL_EXEC_WORDS), sizeof *margv);
	if (!margv)
		return -ENOMEM;
	margv[n++] = tv_g.monitor_path;
	for (int i = 0; i < tv_g.tool_argc; i++)
		margv[n++] = tv_g.tool_argv[i];
	/* The tool's words for the new program come after --tv-exec, which
	 * keeps them from being passed on again at the next exec. */
	margv[n++] = "--tv-exec";
	if (tv_tool.exec_options)
		n += tv_tool.exec_options(margv + n, TOOL_EXEC_WORDS);
	long gfd = tv_gfilter_save(t);
	char gfd_arg[16], keep_arg[16];
	if (gfd >= 0) {
		tv_snprintf(gfd_arg, sizeof gfd_arg, "%ld", gfd);
		margv[n++] = "--tv-gfilters";
		margv[n++] = gfd_arg;
	}
	if (keep_fd >= 0) {
		tv_snprintf(keep_arg, sizeof keep_arg, "%d", keep_fd);
		margv[n++] = "--tv-exec-fd";
		margv[n++] = keep_arg;
		margv[n++] = "--tv-execfn";
		margv[n++] = execfn;
	}
	char ss_arg[16];
	tv_snprintf(ss_arg, sizeof ss_arg, "%u", (unsigned)t->guest_ss_flags);
	margv[n++] = "--tv-ssflags";
	margv[n++] = ss_arg;
	margv[n++] = "--tv-argv0";
	margv[n++] = argc ? argv[0] : "";
	margv[n++] = "--";
	margv[n++] = path;
	for (int i = 1; i < argc; i++)
		margv[n++] = argv[i];
	margv[n] = NULL;

	/* The guest thread itself executes, with the guest's mask (its
	 * pending signals and filters cross exec, as the kernel defines),
	 * through the window: a signal recorded before it goes to the
	 * guest's handler first, and the guest's execve runs again. */
	struct tv_call exec = { .nr = __NR_execve,
				.args = { (long)tv_g.monitor_path, (long)margv, (long)envp } };
	r = tv_call_plain(t, &exec);
	if (keep_fd >= 0)
		tv_sys1(__NR_close, keep_fd);
	if (gfd >= 0)
		tv_sys1(__NR_close, gfd);
	return r;
}
