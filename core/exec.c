/* execve and execveat: the new program runs under the same monitor.  The
 * guest thread checks the target as the kernel would (so errors return to
 * the caller, which keeps running), then executes the monitor binary again
 * with the same tool options, the guest's argv[0] and the program's path.
 * The filter survives exec; the new monitor knows not to add another. */
#include <linux/fcntl.h>
#include <linux/resource.h>
#include <linux/errno.h>
#include "monitor.h"
#include "xstate.h"
#include "load.h"

#define STK_LIM (8ul << 20)		/* the kernel's _STK_LIM */
#define ARG_MAX_FLOOR (32ul * 4096)	/* the kernel's ARG_MAX */
#define MAX_ARG_STRLEN (32 * 4096)	/* the kernel's limit for one string */
#define PATH_CAP 4096
#define TOOL_EXEC_WORDS 16	/* options a tool may add for the new program */

/* The room execve gives the file name, the argument and environment
 * strings and their pointers, as fs/exec.c's bprm_stack_limits computes
 * it from RLIMIT_STACK at the exec: a quarter of the limit, at most 3/4
 * of _STK_LIM (6 MiB), at least ARG_MAX (128 KiB), whatever the limit. */
static size_t arg_room(void)
{
	struct rlimit64 rl;
	size_t room = STK_LIM / 4 * 3;

	if (tv_sys4(__NR_prlimit64, 0, RLIMIT_STACK, 0, (long)&rl) == 0 && rl.rlim_cur / 4 < room)
		room = (size_t)(rl.rlim_cur / 4);
	return room < ARG_MAX_FLOOR ? ARG_MAX_FLOOR : room;
}

static void free_vector(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		tv_free(v[i]);
	tv_free(v);
}

/* A vector of twice the capacity, with v's n strings; v is freed once
 * they are moved (on failure it stays the caller's). */
static char **grow_vector(char **v, size_t n, size_t *cap)
{
	char **w = tv_malloc(2 * *cap * sizeof *w);

	if (w) {
		memcpy(w, v, n * sizeof *v);
		tv_free(v);
		*cap *= 2;
	}
	return w;
}

/* Reads a NULL-terminated guest array of strings into monitor memory,
 * adding each string and its pointer to *bytes; past room, E2BIG without
 * reading further.  scratch holds one string of up to MAX_ARG_STRLEN
 * bytes.  On an error nothing stays allocated. */
static long read_vector(uintptr_t guest, char *scratch, size_t room, char ***out, int *count,
			size_t *bytes)
{
	size_t n = 0, cap = 16;
	char **v = tv_malloc(cap * sizeof *v);
	long r = v ? 0 : -ENOMEM;

	while (r == 0 && guest) {
		uintptr_t p;
		if (tv_mem_read(&p, guest + n * sizeof p, sizeof p)) {
			r = -EFAULT;
			break;
		}
		if (!p)
			break;
		if (n + 2 > cap) {
			char **w = grow_vector(v, n, &cap);
			if (!w) {
				r = -ENOMEM;
				break;
			}
			v = w;
		}
		long len = tv_mem_read_str(scratch, p, MAX_ARG_STRLEN);
		if (len < 0)
			r = len == -ENAMETOOLONG ? -E2BIG : len;
		else if ((*bytes += (size_t)len + 1 + sizeof p) > room)
			r = -E2BIG;
		else if (!(v[n++] = tv_strdup(scratch)))
			r = -ENOMEM;
	}
	if (r < 0) {
		free_vector(v, n);
		return r;
	}
	v[n] = NULL;
	*out = v;
	*count = (int)n;
	return 0;
}

/* The path execveat names, as one path the loader can open.  A
 * descriptor (AT_EMPTY_PATH, or a directory for a relative path) may be
 * close-on-exec: the kernel would open the file first, but our new
 * monitor opens it after the exec, so it gets a copy that is not
 * (*keep_fd), which it closes once loaded.  Returns the size of the name
 * the kernel copies onto the new stack (bprm->filename, with its NUL), or
 * -errno. */
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
		int name = tv_snprintf(execfn, PATH_CAP, len ? "/dev/fd/%ld/%s" : "/dev/fd/%ld%s", dirfd,
				       rel);
		if (tv_snprintf(path, PATH_CAP, len ? "/proc/self/fd/%ld/%s" : "/proc/self/fd/%ld%s", fd,
				rel) >= PATH_CAP)
			return -ENAMETOOLONG;
		return name + 1;
	}
	/* The kernel names the file by what the guest gave (AT_EXECFN,
	 * comm), "/proc/self/exe" included; we open what it resolves to. */
	memcpy(execfn, path, (size_t)len + 1);
	const char *real = tv_procself_resolve(path);
	if (real != path) {
		if (tv_strlen(real) >= PATH_CAP)
			return -ENAMETOOLONG;
		memcpy(path, real, tv_strlen(real) + 1);
	}
	return len + 1;
}

/* The kernel's answer for a file it cannot execute, found before the
 * monitor gives up the current image. */
static long check_program(const char *path)
{
	struct tv_program p, ip;
	char *argv[] = { (char *)path, NULL };	/* a program's: it may be emulated */
	int r = tv_program_open(path, argv, 1, &p);

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

/* The guest's argv and envp, as do_execveat_common copies them: within
 * arg_room() with the file's name (name_size bytes), and a pointer for
 * argv[0] even when argc is 0 (the kernel then adds an empty argv[0], one
 * byte more).  What was read is in *x, also on an error (tv_exec_args_free). */
void tv_exec_args_free(struct tv_exec_args *x)
{
	free_vector(x->argv, (size_t)x->argc);
	free_vector(x->envp, (size_t)x->envc);
	*x = (struct tv_exec_args){ 0 };
}

static long read_args(const struct tv_call *c, size_t name_size, struct tv_exec_args *x)
{
	int at = c->nr == __NR_execveat;
	size_t room = arg_room(), bytes = name_size;
	char *scratch = tv_malloc(MAX_ARG_STRLEN);

	if (!scratch)
		return -ENOMEM;
	long r = read_vector((uintptr_t)c->args[at + 1], scratch, room, &x->argv, &x->argc, &bytes);
	if (r == 0)
		r = read_vector((uintptr_t)c->args[at + 2], scratch, room, &x->envp, &x->envc, &bytes);
	if (r == 0 && x->argc == 0 && bytes + 1 + sizeof(char *) > room)
		r = -E2BIG;
	tv_free(scratch);
	return r;
}

/* The new monitor's own words add to what the guest gave: an exec that
 * the guest's fits by less than those few hundred bytes fails with E2BIG
 * (docs/limits.md). */
long tv_emu_execve(struct tv_thread *t, tv_ucontext *uc, struct tv_call *c)
{
	(void)uc;
	char path[PATH_CAP], execfn[PATH_CAP];
	struct tv_exec_args x = { 0 };
	int keep_fd = -1;

	long r = exec_path(c, path, &keep_fd, execfn);
	if (r > 0)
		r = read_args(c, (size_t)r, &x);
	if (r == 0)
		r = check_program(path);
	if (r < 0) {
		if (keep_fd >= 0)
			tv_sys1(__NR_close, keep_fd);
		tv_exec_args_free(&x);
		return r;
	}

	/* monitor, TV_XSTATE_BASE ADDR (first: place.c looks there), tool
	 * options, TV_XSTATE_MARK, the tool's words, what the next image needs
	 * to know (xstate.h), --, PATH, ARGS */
	int n = 0;
	char **margv = tv_calloc((size_t)(tv_g.tool_argc + x.argc + 6 + TV_XSTATE_WORDS + TOOL_EXEC_WORDS),
				 sizeof *margv);
	if (!margv) {
		tv_exec_args_free(&x);
		return -ENOMEM;
	}
	margv[n++] = tv_g.monitor_path;
	/* The new monitor goes where this one is: the filter knows it here. */
	char base_arg[24];
	tv_snprintf(base_arg, sizeof base_arg, "0x%lx", tv_image_base());
	margv[n++] = TV_XSTATE_BASE;
	margv[n++] = base_arg;
	for (int i = 0; i < tv_g.tool_argc; i++)
		margv[n++] = tv_g.tool_argv[i];
	/* The tool's words for the new program come after --tv-exec, which
	 * keeps them from being passed on again at the next exec. */
	margv[n++] = TV_XSTATE_MARK;
	if (tv_tool.exec)
		tv_tool.exec(t->pid, t->g_tid, path);
	if (tv_tool.exec_options)
		n += tv_tool.exec_options(margv + n, TOOL_EXEC_WORDS);
	struct tv_xstate xs = {
		.argv0 = x.argc ? x.argv[0] : "",
		.execfn = tv_strcmp(execfn, path) ? execfn : NULL,
		.gfilters_fd = tv_gfilter_save(t),
		.exec_fd = keep_fd,
		.ss_flags = (long)(unsigned)t->guest_ss_flags,
	};
	tv_xstate_num nums[TV_XSTATE_WORDS];
	n += tv_xstate_put(&xs, margv + n, nums);
	margv[n++] = "--";
	margv[n++] = path;
	for (int i = 1; i < x.argc; i++)
		margv[n++] = x.argv[i];
	margv[n] = NULL;

	/* The guest thread itself executes, with the guest's mask (its
	 * pending signals and filters cross exec, as the kernel defines),
	 * through the window: a signal recorded before it goes to the
	 * guest's handler first, and the guest's execve runs again. */
	struct tv_call exec = { .nr = __NR_execve,
				.args = { (long)tv_g.monitor_path, (long)margv, (long)x.envp } };
	t->exec_args = x;
	t->exec_margv = margv;
	r = tv_call_plain(t, &exec);
	t->exec_margv = NULL;
	t->exec_args = (struct tv_exec_args){ 0 };
	if (keep_fd >= 0)
		tv_sys1(__NR_close, keep_fd);
	if (xs.gfilters_fd >= 0)
		tv_sys1(__NR_close, xs.gfilters_fd);
	tv_free(margv);
	tv_exec_args_free(&x);
	return r;
}
