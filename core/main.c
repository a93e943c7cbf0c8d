/* Start-up: parse the command line, load the program, build its stack,
 * install the handlers and the filter, and jump to the guest.  Runs on the process's initial thread, which becomes
 * the guest's main thread (so the guest's pid is its main thread's tid). */
#include <linux/auxvec.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/prctl.h>
#include <linux/stat.h>
#include "monitor.h"
#include "load.h"
#include "stack.h"
#include "xstate.h"

#define EXIT_USAGE 2
#define EXIT_NOEXEC 126
#define EXIT_NOTFOUND 127
#define STACK_GAP (64 * 1024ul)	/* between the monitor's frames and the guest's stack */

static const char *const rewrite_modes[] = { "off", "lazy", "eager" };

static void usage(int fd)
{
	static const char monitor_options[] =
		"      --pair         run the tool's hooks on a kernel thread paired with\n"
		"                     each guest thread (the calls stay on the guest's)\n"
		"      --exact-proc   also trap openat and stat calls so that /proc/self/exe,\n"
		"                     status and stat show the guest whatever the tool traps\n"
		"      --rewrite=MODE off, lazy or eager: rewrite the syscall sites that trap\n"
		"                     into direct calls of the monitor, once a site has\n"
		"                     trapped a few times (lazy) or at its first trap (eager)\n"
		"      --rewrite-stats=FILE  at each process's exit_group, append to FILE\n"
		"                     how many sites were rewritten\n"
		"      --no-vdso      hide the vDSO from PROGRAM: clock_gettime, gettimeofday,\n"
		"                     time and getcpu become system calls the tool sees\n"
		"  -h, --help         show this help and exit\n"
		"  -V, --version      show the version and exit\n\n"
		"TVISOR_IMAGE_BASE=ADDR in the environment: where the monitor places\n"
		"itself (hex; by default an eighth of the address space).\n\n"
		"PROGRAM runs in this process under a seccomp filter; its system calls\n"
		"are handled by the monitor.  This protects the monitor against accidental\n"
		"damage, not against deliberately hostile code: do not use it as a\n"
		"security boundary.\n";

	/* In parts: tv_dprintf() cuts what it writes at 1024 bytes. */
	tv_dprintf(fd, "Usage: %s [OPTIONS] [--] PROGRAM [ARGS...]\n%s\n\nOptions:\n", tv_tool.name,
		   tv_tool.summary ? tv_tool.summary : "");
	if (tv_tool.usage)
		tv_write_all(fd, tv_tool.usage, tv_strlen(tv_tool.usage));
	tv_write_all(fd, monitor_options, sizeof monitor_options - 1);
	tv_dprintf(fd, "\nThe default rewrite mode on %s is %s.\n", TV_ARCH_NAME,
		   rewrite_modes[TV_REWRITE_DEFAULT]);
}

static __attribute__((noreturn)) void die(int status, const char *what, const char *msg)
{
	tv_dprintf(2, "%s: %s%s%s\n", tv_tool.name, what ? what : "", what ? ": " : "", msg);
	tv_exit_group(status);
}

/* Options the monitor gives itself when it re-executes for a guest's
 * execve: the filter is already there, and argv[0] differs from the
 * program's path. */
static int reexec;

int tv_reexec(void)
{
	return reexec;
}
static struct tv_xstate xstate = TV_XSTATE_NONE;	/* from the image before */

static int parse_rewrite(const char *mode)
{
	for (int m = 0; m < 3; m++) {
		if (!tv_strcmp(mode, rewrite_modes[m])) {
			tv_g.rewrite = m;
			return 0;
		}
	}
	return -1;
}

/* Returns the index of PROGRAM in argv; keeps the tool's options for
 * later execs. */
static int parse_options(int argc, char **argv)
{
	int i = 1;

	tv_g.tool_argv = tv_calloc((size_t)argc + 1, sizeof *tv_g.tool_argv);
	while (i < argc) {
		char *a = argv[i];
		if (!tv_strcmp(a, "--"))
			return i + 1;
		if (a[0] != '-' || !a[1])
			return i;
		if (!tv_strcmp(a, "-h") || !tv_strcmp(a, "--help")) {
			usage(1);
			tv_exit_group(0);
		}
		if (!tv_strcmp(a, "-V") || !tv_strcmp(a, "--version")) {
			tv_dprintf(1, "%s (tvisor) %s\n", tv_tool.name, TVISOR_VERSION);
			tv_exit_group(0);
		}
		/* The monitor's own options, given again at every exec. */
		int *flag = !tv_strcmp(a, "--pair") ? &tv_g.pair :
			    !tv_strcmp(a, "--exact-proc") ? &tv_g.exact_proc :
			    !tv_strcmp(a, "--no-vdso") ? &tv_g.no_vdso : NULL;
		if (flag) {
			*flag = 1;
			tv_g.tool_argv[tv_g.tool_argc++] = a;
			i++;
			continue;
		}
		if (!tv_strncmp(a, "--rewrite=", 10)) {
			if (parse_rewrite(a + 10) < 0) {
				tv_dprintf(2, "%s: --rewrite: '%s' is not off, lazy or eager\n",
					   tv_tool.name, a + 10);
				tv_exit_group(EXIT_USAGE);
			}
			tv_g.tool_argv[tv_g.tool_argc++] = a;
			i++;
			continue;
		}
		if (!tv_strncmp(a, "--rewrite-stats=", 16) && a[16]) {
			tv_g.rewrite_stats = a + 16;
			tv_g.tool_argv[tv_g.tool_argc++] = a;
			i++;
			continue;
		}
		if (!tv_strcmp(a, TV_XSTATE_MARK)) {
			reexec = 1;
			i++;
			continue;
		}
		if (!tv_strcmp(a, TV_XSTATE_BASE) && i + 1 < argc) {
			i += 2;	/* read by tv_start (place.c) */
			continue;
		}
		int carried = reexec ? tv_xstate_take(argc - i, argv + i, &xstate) : 0;
		if (carried) {
			i += carried;
			continue;
		}
		int used = tv_tool.option ? tv_tool.option(argc - i, argv + i) : 0;
		if (used < 0)
			tv_exit_group(EXIT_USAGE);
		if (used == 0) {
			tv_dprintf(2, "%s: unknown option '%s'\nTry '%s --help'.\n", tv_tool.name, a,
				   tv_tool.name);
			tv_exit_group(EXIT_USAGE);
		}
		/* Options after --tv-exec are the tool's exec_options: for this
		 * program only. */
		for (int k = 0; k < used && !reexec; k++)
			tv_g.tool_argv[tv_g.tool_argc++] = argv[i + k];
		i += used;
	}
	return i;
}

static const char *errno_message(int err)
{
	switch (err) {
	case ENOENT: return "No such file or directory";
	case EACCES: return "Permission denied";
	case EISDIR: return "Is a directory";
	case ELOOP: return "Too many levels of #! interpreters";
	case ENOMEM: return "Out of memory";
	case ENOEXEC: return "Exec format error";
	}
	return tv_errno_name(err) ? tv_errno_name(err) : "cannot execute";
}

static int is_directory(const char *path)
{
	struct statx st;
	return tv_syscall6(__NR_statx, AT_FDCWD, (long)path, 0, STATX_MODE, (long)&st, 0) == 0 &&
	       (st.stx_mode & S_IFMT) == S_IFDIR;
}

static __attribute__((noreturn)) void die_exec(const char *path, const struct tv_program *p, int err)
{
	if (err == -EACCES && is_directory(path))
		err = -EISDIR;	/* the shell's message: execve says EACCES */
	if (err == -ENOEXEC && p->why)
		die(EXIT_NOEXEC, path, p->why);
	die(err == -ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC, path, errno_message(-err));
}

/* Marks the numbers the tool hooks; returns the filter's number list:
 * the tool's set plus the core's, or NULL for "every number". */
static const int *hooked_set(void)
{
	static unsigned char hooked[1024];
	static int nrs[1024 + 64];
	const int *tool = tv_tool.syscall_set ? tv_tool.syscall_set() : tv_tool.syscalls;
	int n = 0;

	tv_g.tool_nrs = hooked;
	tv_g.nr_max = sizeof hooked;
	if (!tool) {
		memset(hooked, 1, sizeof hooked);
		return NULL;
	}
	for (; *tool >= 0; tool++) {
		if (*tool < (int)sizeof hooked && !hooked[*tool]) {
			hooked[*tool] = 1;
			nrs[n++] = *tool;
		}
	}
	tv_core_nrs(nrs + n, (int)(sizeof nrs / sizeof nrs[0]) - n);
	return nrs;
}

/* Like strace, search PATH for a bare name; a guest's execve never does. */
static const char *resolve_program(const char *name, char **envp)
{
	if (tv_strchr(name, '/') || reexec)
		return name;
	char *found = tv_path_search(name, envp, 0);
	if (!found)
		die(EXIT_NOTFOUND, name, "command not found");
	return found;
}

static int count(char **v)
{
	int n = 0;
	while (v[n])
		n++;
	return n;
}

/* /proc/self/exe shows the guest the file it runs, canonical as the
 * kernel's link is. */
static void set_guest_exe(int fd)
{
	char link[32], *path = tv_malloc(4096);
	tv_snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	long n = path ? tv_sys4(__NR_readlinkat, AT_FDCWD, (long)link, (long)path, 4095) : -1;
	if (n > 0) {
		path[n] = 0;
		tv_g.guest_exe = path;
	}
}

static char *self_path(void)
{
	char *path = tv_malloc(4096);
	long n = path ? tv_sys4(__NR_readlinkat, AT_FDCWD, (long)"/proc/self/exe", (long)path, 4095) : -1;
	if (n <= 0)
		die(1, NULL, "cannot read /proc/self/exe");
	path[n] = 0;
	return path;
}

/* Loads the program and its interpreter; fills the guest-specific auxv
 * values and returns the entry point. */
static uintptr_t load_program(const char *path, char **argv, int argc, struct tv_program *p,
			      struct tv_stack_spec *spec)
{
	int r = tv_program_open(path, argv, argc, p);
	if (r < 0)
		die_exec(path, p, r);

	struct tv_image main_img, interp_img = { 0 };
	r = tv_program_map(p, p->fd, &p->elf, tv_arch_pie_base(tv_g.va_top), &main_img);
	if (r < 0)
		die_exec(p->path, p, r);
	uintptr_t entry = main_img.entry;
	if (p->elf.interp_size) {
		struct tv_program ip;
		r = tv_interp_open(p, &ip);
		if (r < 0 && r != -ENOEXEC)
			die(EXIT_NOEXEC, p->path, "cannot open its ELF interpreter");
		if (r < 0)
			die_exec(ip.path ? ip.path : p->path, ip.why ? &ip : p, r);
		r = tv_program_map(&ip, ip.fd, &ip.elf, 0, &interp_img);
		if (r < 0)
			die_exec(ip.path, &ip, r);
		tv_sys1(__NR_close, ip.fd);
		entry = interp_img.entry;
	}
	set_guest_exe(p->fd);
	tv_sys1(__NR_close, p->fd);
	if (xstate.exec_fd >= 0)
		tv_sys1(__NR_close, xstate.exec_fd);

	spec->phdr = main_img.phdr;
	spec->phent = p->elf.phentsize;
	spec->phnum = main_img.phnum;
	spec->entry = main_img.entry;
	spec->base = interp_img.bias;
	tv_g.brk_start = tv_g.brk_cur = (main_img.end + TV_PAGE - 1) & ~(TV_PAGE - 1);
	return entry;
}

/* What /proc shows of the process: its name (comm, as the kernel sets it
 * at exec from the basename of the name execve was given), and, for procself.c, where the
 * guest's argv, environment and auxv lie (the kernel's /proc files show
 * the monitor's: changing them needs CAP_SYS_RESOURCE). */
static void describe_guest(const char *path, uintptr_t sp)
{
	const char *base = path;
	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	tv_sys2(__NR_prctl, PR_SET_NAME, (long)base);

	uint64_t *w = (uint64_t *)sp;
	int argc = (int)w[0];
	char **argv = (char **)(w + 1), **envp = argv + argc + 1;
	int envc = count(envp);
	uint64_t *auxv = (uint64_t *)(envp + envc + 1);
	size_t npairs = 1;
	while (auxv[2 * (npairs - 1)] != AT_NULL)
		npairs++;
	/* Arguments and environment are contiguous, in that order. */
	if (argc) {
		tv_g.arg_start = (uintptr_t)argv[0];
		tv_g.arg_end = (uintptr_t)argv[argc - 1] + tv_strlen(argv[argc - 1]) + 1;
	}
	if (envc) {
		tv_g.env_start = (uintptr_t)envp[0];
		tv_g.env_end = (uintptr_t)envp[envc - 1] + tv_strlen(envp[envc - 1]) + 1;
	}
	tv_g.auxv = (uintptr_t)auxv;
	tv_g.auxv_size = npairs * 16;
}

/* The initial thread becomes the guest's main thread: its altstack and
 * handlers, then the filter (inherited by every thread it makes, and kept
 * across the guest's execve), then the program. */
static __attribute__((noreturn)) void start_first_thread(uintptr_t entry, uintptr_t sp,
							const int *nrs)
{
	struct tv_thread *t = tv_thread_new();

	if (!t)
		die(1, NULL, "cannot allocate the first thread");
	t->g_tid = tv_g.pid;
	tv_g.nthreads = 1;
	if (tv_install_sigsys() < 0)
		die(1, NULL, "cannot install the SIGSYS handler");
	tv_signals_init(t);
	tv_rw_thread_start(t);
	/* The sigaltstack flags survive exec (the stack itself does not): the
	 * guest's, or what this process inherited. */
	t->guest_ss_flags = reexec ? (int)xstate.ss_flags : tv_signals_probe_ss_flags();
	stack_t ss = { .ss_sp = tv_altstack_base(t), .ss_flags = 0, .ss_size = ALTSTACK_SIZE };
	tv_sys2(__NR_sigaltstack, (long)&ss, 0);
	/* After a guest's execve the old filter is still in force. */
	int r = reexec ? 0 : tv_install_filter(nrs, 0);
	if (r < 0)
		die(1, "seccomp", errno_message(-r));
	if (xstate.gfilters_fd >= 0)
		tv_gfilter_load(t, (int)xstate.gfilters_fd);
	tv_enter(entry, sp);
}

/* TVISOR_IMAGE_BASE is the tester's word to the first monitor (place.c):
 * the guest sees the environment it would natively. */
static int drop_base_var(char **envp, int envc)
{
	int n = 0;

	for (int i = 0; i < envc; i++)
		if (tv_strncmp(envp[i], TV_ENV_BASE, sizeof TV_ENV_BASE - 1))
			envp[n++] = envp[i];
	envp[n] = NULL;
	return n;
}

/* Called by tv_start (place.c) in the monitor's copy at its place; the
 * kernel's image at old_image is still mapped. */
__attribute__((noreturn)) void tv_main(uintptr_t *initial_sp, uintptr_t old_image)
{
	int argc = (int)initial_sp[0];
	char **argv = (char **)(initial_sp + 1);
	char **envp = argv + argc + 1;
	int envc = count(envp);
	const uint64_t *auxv = (const uint64_t *)(envp + envc + 1);

	tv_place_settle(old_image);
	tv_g.pid = tv_getpid();
	tv_g.va_top = tv_va_top((uintptr_t)initial_sp);
	if (tv_arena_init(tv_g.va_top) < 0)
		die(1, NULL, "cannot reserve the monitor's memory");
	tv_spin_calibrate();
	tv_g.rewrite = TV_REWRITE_DEFAULT;
	int prog = parse_options(argc, argv);
	if (!reexec)
		envc = drop_base_var(envp, envc);
	if (tv_rw_init() < 0)
		die(1, NULL, "cannot allocate the rewrite tier's tables");
	if (prog >= argc) {
		tv_dprintf(2, "%s: no PROGRAM given\nTry '%s --help'.\n", tv_tool.name, tv_tool.name);
		tv_exit_group(EXIT_USAGE);
	}
	tv_loader_set_env(envp);
	if (tv_tool.start && tv_tool.start())
		tv_exit_group(EXIT_USAGE);
	const int *nrs = hooked_set();

	tv_g.monitor_path = self_path();
	const char *path = resolve_program(argv[prog], envp);
	if (xstate.argv0)
		argv[prog] = (char *)xstate.argv0;
	struct tv_program p;
	struct tv_stack_spec spec = { .envp = envp, .envc = envc, .kernel_auxv = auxv,
				      .hide_vdso = tv_g.no_vdso };
	uintptr_t entry = load_program(path, argv + prog, argc - prog, &p, &spec);
	spec.argv = p.argv;
	spec.argc = p.argc;
	spec.execfn = xstate.execfn ? xstate.execfn : path;

	char *hi = (char *)(((uintptr_t)__builtin_frame_address(0) - STACK_GAP) & ~15ul);
	size_t need = tv_stack_size(&spec);
	uintptr_t sp = tv_stack_build(hi - need, hi, &spec);
	if (!sp)
		die(1, NULL, "cannot build the initial stack");
	describe_guest(spec.execfn, sp);
	tv_procself_publish();
	start_first_thread(entry, sp, nrs);
}
