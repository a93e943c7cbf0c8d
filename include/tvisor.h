/* tvisor: the API a tool is written against.
 *
 * A tool is one C file that defines a struct tv_tool with TV_TOOL(...),
 * linked with libtvisor.a into one static binary:
 *
 *     tvisor-TOOL [TOOL OPTIONS] [--] PROGRAM [ARGS]
 *
 * The monitor loads PROGRAM into its own address space and traps, with a
 * seccomp filter, the syscalls the tool lists.  Each trapped call reaches the
 * tool's enter() hook on the guest thread that made it, inside the
 * monitor's SIGSYS handler; the hook may read and rewrite the arguments,
 * read and write guest memory, answer the call itself (tv_return), let it
 * run (TV_RUN) or move itself to a kernel thread paired with the guest
 * thread (TV_DEFER), and exit() sees the result.  The call itself always
 * runs on the guest thread.  Hooks run without a libc: use the tv_*
 * runtime below.
 *
 * Security model: the guest shares the monitor's address space.  tvisor
 * protects against accidental damage, not against hostile native code.
 */
#ifndef TVISOR_H
#define TVISOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define TVISOR_VERSION "0.1.0"

struct tv_thread;

/* One system call as the guest made it. */
struct tv_call {
	long nr;		/* the arch's number: use __NR_* from <asm/unistd.h>; enter() may change it */
	long args[6];		/* the arguments; enter() may rewrite them */
	long ret;		/* the result: set by tv_return() or by running the call */
	int pid;		/* the guest's process id */
	int tid;		/* the guest thread's id */
	uintptr_t pc, sp;	/* the guest's program counter and stack pointer at the call */
	struct tv_thread *thread;
	void *tool_data;	/* free for the tool, from enter() to exit() */
	int deferred;		/* the hooks run on the paired kernel thread */
};

/* A signal as it reaches a guest thread: the kernel's siginfo, read out.
 * Which fields mean something depends on signo and code, as in
 * sigaction(2): pid and uid for kill/sigqueue/tkill and SIGCHLD, value for
 * sigqueue and timers, status, utime and stime for SIGCHLD, addr for
 * faults, syscall and arch for a seccomp SIGSYS. */
struct tv_signal {
	int tid;		/* the guest thread it is delivered to */
	int signo, code, errno_value;
	int pid, uid, status;
	long utime, stime;
	int timerid, overrun;
	uintptr_t value;	/* si_value, as a pointer */
	uintptr_t addr;		/* si_addr (si_call_addr for SIGSYS) */
	int syscall;
	unsigned arch;
	int fatal;		/* its default action ends the process now */
};

enum tv_verdict {
	TV_RUN,			/* perform the call (with args as they are now) */
	TV_RETURN,		/* do not perform it: c->ret is the result */
	/* Run enter() again, and exit(), on a kernel thread paired with this
	 * guest thread (made at the first use): for a hook that may block for
	 * long or needs a big stack.  On the kernel thread (c->deferred)
	 * TV_DEFER means TV_RUN. */
	TV_DEFER,
};

/* Answer a call without running it: v is a result or a negative errno. */
static inline enum tv_verdict tv_return(struct tv_call *c, long v)
{
	c->ret = v;
	return TV_RETURN;
}

/* How a new process was made: what fork_parent() and fork_child() see.
 * The parent's ids are as the parent sees them; child_pid as the side
 * called sees it (they differ only with CLONE_NEWPID). */
struct tv_fork {
	int parent_pid;		/* the process that made it */
	int parent_tid;		/* the thread that made it */
	int child_pid;
	/* The clone flags (fork: SIGCHLD; vfork: CLONE_VM | CLONE_VFORK |
	 * SIGCHLD).  With CLONE_VM the child shares the tool's memory. */
	unsigned long flags;
};

struct tv_tool {
	const char *name;	/* program name for messages, e.g. "tvisor-nop" */
	const char *summary;	/* one line for --help */
	const char *usage;	/* the tool's option lines for --help */
	/* Syscall numbers the tool wants, ended by -1; NULL means every
	 * number.  The monitor adds what it needs itself. */
	const int *syscalls;
	/* A tool option: argv[0] is the option, argv[1] its possible value.
	 * Return how many words were used (1 or 2), 0 for "not mine",
	 * -1 after printing an error (the monitor exits with status 2). */
	int (*option)(int argc, char **argv);
	/* After the options, before the guest starts; nonzero aborts (2). */
	int (*start)(void);
	/* Replace the syscall set chosen at build time (e.g. from an option);
	 * ended by -1; called once after start(). May be NULL. */
	const int *(*syscall_set)(void);
	enum tv_verdict (*enter)(struct tv_call *c);	/* may be NULL */
	/* After a call that ran; may change c->ret.  Not called after
	 * TV_RETURN, nor for calls that do not return (exit, exit_group,
	 * rt_sigreturn, a successful execve).  May be NULL. */
	void (*exit)(struct tv_call *c);
	/* Where the loader finds a file the guest names: the program, #!
	 * interpreters and PT_INTERP, at start and at every execve.  Writes
	 * the host path to host (cap bytes) and returns 0, or a negative
	 * errno.  NULL: guest paths are host paths. */
	int (*host_path)(const char *guest_path, char *host, size_t cap);
	/* A guest's execve runs the new program under a new instance of the
	 * tool, with the same options plus the words this hook puts in argv
	 * (at most cap; they must stay valid): the way to carry state across
	 * exec.  Returns how many it put.  May be NULL. */
	int (*exec_options)(char **argv, int cap);
	/* Nonzero: every enter() and exit() runs on a kernel thread paired
	 * with the guest thread, as with the --pair option.  Otherwise hooks
	 * run on the guest thread, inside its SIGSYS handler, with the guest's
	 * signal mask: a signal that arrives meanwhile is held until the call
	 * ends, and a hook's own blocking syscalls may return -EINTR. */
	int pair;
	/* A signal goes to the guest's handler, or (s->fatal) is about to
	 * end the process by its default action.  Runs on the guest thread,
	 * inside the monitor's signal handling: it must not block.  Not called
	 * for signals that stop, continue or are ignored.  May be NULL. */
	void (*signal)(const struct tv_signal *s);

	/* Lifecycle hooks, each may be NULL.  Each runs once per event, on
	 * the guest thread named below (never on a paired kernel thread, even
	 * with .pair), on the monitor's stack of that thread; a signal for the
	 * guest that arrives meanwhile is delivered after it.  They may use
	 * the tv_* runtime and make syscalls, and should not block for long.
	 *
	 * A tool's memory is per process, as the guest's is: a fork child
	 * starts with a copy of the tool's state as it was at the fork, which
	 * fork_child() makes its own (a lock another thread held at the fork
	 * is still held in the copy: reset it there).  A child made with
	 * CLONE_VM but without CLONE_THREAD (vfork, posix_spawn) shares the
	 * parent's memory, so every hook of the child, fork_child() included,
	 * changes the parent's state: per-process state must then be kept
	 * apart by pid.  With CLONE_VFORK the parent is suspended until the
	 * child has exec'd or ended, and its fork_parent() runs after all of
	 * the child's hooks: it may restore what the child changed. */

	/* A new thread of this process (clone with CLONE_THREAD), on that
	 * thread, before its first guest instruction, with every signal
	 * blocked; it may run while its creator still returns from clone.
	 * Not called for the first thread (start() is) nor for a new
	 * process's (fork_child() is). */
	void (*thread_start)(int pid, int tid);
	/* A guest thread ends by exit(2), on that thread, after the tool's
	 * enter() for the call, with every signal blocked.  status is exit's
	 * argument.  For the process's last thread process_exit() follows.
	 * Threads that end with their process (exit_group, a fatal signal,
	 * another thread's execve) are not reported one by one. */
	void (*thread_exit)(int pid, int tid, int status);
	/* After fork, vfork, or clone or clone3 without CLONE_THREAD made a
	 * process, in the parent, on the thread that made it, before the
	 * tool's exit() for the call.  Not called when the call fails. */
	void (*fork_parent)(const struct tv_fork *f);
	/* The same, in the new process, on its only thread, before its first
	 * guest instruction, with every signal blocked.  The child does not
	 * see the tool's exit() for the call that made it. */
	void (*fork_child)(const struct tv_fork *f);
	/* A guest's execve or execveat is about to replace the program: on
	 * the thread that made it, after the tool's enter(), once the monitor
	 * has found the program executable (an error the kernel would give
	 * returns to the guest without this hook), just before exec_options()
	 * and the monitor's own execve.  path is the file the new instance
	 * of the tool opens (for execveat with a descriptor, a /proc/self/fd
	 * path).  This instance ends here; the new one runs start() with
	 * tv_reexec() == 1.  Should the monitor's execve still fail (no
	 * memory, or a signal arrived: the call then runs again after the
	 * guest's handler, and exec() with it), the guest's call returns that
	 * error and the tool's exit() sees it. */
	void (*exec)(int pid, int tid, const char *path);
	/* The process ends by exit_group, or by exit of its last thread: on
	 * that thread, after the tool's enter() (and thread_exit()) for the
	 * call, with every signal blocked, before the call.  status is the
	 * call's argument.  Called once: another thread that ends the process
	 * meanwhile waits for it.  exit_group is trapped for this hook even if
	 * the tool does not list it.  Not called for a fatal signal (signal()
	 * sees s->fatal; SIGKILL is seen by nothing) nor for execve. */
	void (*process_exit)(int pid, int status);
};

/* 1 when this instance of the tool was started by a guest's execve. */
int tv_reexec(void);

/* What an rt_sigreturn made with stack pointer sp (its call's c->sp)
 * will restore: the frame's signal mask, and the value of the register
 * the interrupted code gets back as a call's result.  0, or -EFAULT. */
int tv_sigreturn_frame(uintptr_t sp, uint64_t *mask, long *ret);

/* Programs for another machine (an ELF whose e_machine is not this
 * one's) run through an emulator, as binfmt_misc would run them: at start
 * and at every execve, the loader runs argv[0] with the words of argv,
 * then "-0", the program's argv[0], its path and its other arguments --
 * qemu-user's form.  argv[0] is a host path, not one of the guest's view
 * (the emulator lives on the host); without a '/' it is searched in the
 * directories of PATH (this image's environment) on the host.  argv is
 * NULL-terminated and must stay valid; call it from start() (each new
 * image calls start() again).  Returns 0, or -ENOENT when argv[0] is not
 * found.  NULL: such a program fails with ENOEXEC, as without
 * binfmt_misc. */
int tv_set_emulator(char *const *argv);

#define TV_TOOL(...) const struct tv_tool tv_tool = { __VA_ARGS__ }
extern const struct tv_tool tv_tool;

/* Guest memory.  Never dereference a guest pointer: these return -EFAULT
 * (as a negative number) for a bad address instead of crashing. */
long tv_mem_read(void *dst, uintptr_t guest_src, size_t n);
long tv_mem_write(uintptr_t guest_dst, const void *src, size_t n);
/* Copies a NUL-terminated string of at most cap-1 bytes: returns its length,
 * -EFAULT, or -ENAMETOOLONG when it does not fit. */
long tv_mem_read_str(char *dst, uintptr_t guest_src, size_t cap);

/* Syscall names of the running architecture (libseccomp's tables). */
const char *tv_syscall_name(long nr);
long tv_syscall_number(const char *name);	/* -1 if unknown */
long tv_syscall_max(void);			/* one past the highest number */
const char *tv_errno_name(int err);		/* "ENOENT", or NULL */

/* Perform a syscall from the monitor (never trapped). */
long tv_syscall6(long nr, long a, long b, long c, long d, long e, long f);

/* The freestanding runtime. */
int tv_dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tv_snprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int tv_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
/* Writes all of buf, a short write or EINTR retried: len, or -errno. */
long tv_write_all(int fd, const void *buf, size_t len);
size_t tv_strlen(const char *s);
int tv_strcmp(const char *a, const char *b);
int tv_strncmp(const char *a, const char *b, size_t n);
char *tv_strchr(const char *s, int c);
char *tv_strdup(const char *s);
int tv_parse_ulong(const char *s, unsigned long *out);
void *tv_malloc(size_t n);
void *tv_calloc(size_t n, size_t size);
void tv_free(void *p);

/* A lock for a tool's shared state: hooks of different guest threads run
 * at the same time. */
typedef struct { int word; } tv_lock_t;
void tv_lock(tv_lock_t *l);
void tv_unlock(tv_lock_t *l);

/* More of the runtime: strerror()'s message for a positive errno ("No
 * such file or directory"; "Unknown error" for a number it does not know),
 * and memcpy and memset. */
const char *tv_strerror(int err);
void *tv_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *tv_memset(void *dst, int c, size_t n);

/* Guest path resolution: a guest's view of the file system (a host
 * directory as its "/", host paths bound at guest paths, the longest guest
 * prefix winning) and the walk the kernel would make in it, for a tool that
 * changes what a sandboxed program sees (tvisor-fs is one).  Pure code: no
 * system calls, no globals; the one question that needs the file system
 * (is this a directory, a symbolic link and to what, or missing?) goes to
 * the tool's lookup callback, so the same functions run in hosted tests.
 *
 * A guest path is resolved component by component on the guest side: "."
 * and ".." are lexical on the canonical guest path, so ".." never leaves
 * "/"; every symbolic link the kernel would follow is read (on the host,
 * through the callback) and its target is read as a guest path, so an
 * absolute target starts again at the guest's "/".  Links inside a bind
 * hold host paths: an absolute target there is mapped back to the guest
 * when some guest path shows it.  The result is a canonical guest path and
 * the host path the kernel should be given. */
#define TV_PATH_MAX 4096		/* PATH_MAX: the longest path, with its NUL */
#define TV_PATH_MAXSYMLINKS 40		/* the kernel's MAXSYMLINKS: then ELOOP */

struct tv_path_bind {
	const char *host;	/* canonical absolute host path */
	const char *guest;	/* canonical absolute guest path */
};

struct tv_path_view {
	const char *root;	/* canonical absolute host path shown as "/" */
	const struct tv_path_bind *binds;
	int nbinds;
};

/* What a lookup found (and what tv_path_resolve says of the last
 * component). */
enum tv_path_kind {
	TV_PATH_MISSING = 0,	/* no such entry (only ever for the last component) */
	TV_PATH_DIR,		/* a directory */
	TV_PATH_FILE,		/* anything else that is not a symbolic link */
	TV_PATH_LINK,		/* a symbolic link: target holds its content */
	TV_PATH_GUESTLINK,	/* a link whose target is already a guest path
				 * (the callback's answer for /proc magic links) */
	TV_PATH_UNKNOWN,	/* not looked up: a last component not followed */
};

/* Lookup flags: the name is the last component; a link there would be
 * followed (without FOLLOW the target is not needed). */
#define TV_LOOKUP_LAST 1
#define TV_LOOKUP_FOLLOW 2

/* Looks host (an absolute host path) up without following a final link.
 * Returns a kind (for TV_PATH_LINK and TV_PATH_GUESTLINK, the NUL-terminated
 * target is in target, at most cap bytes) or a negative errno (-ENOENT,
 * -ENOTDIR, -EACCES, -ENAMETOOLONG, ...). */
typedef int (*tv_path_lookup_fn)(void *ctx, const char *host, int flags, char *target,
				 size_t cap);

/* How the last component is treated. */
#define TV_PATH_FOLLOW 0	/* follow a final link (open, stat, chdir, ...) */
#define TV_PATH_NOFOLLOW 1	/* don't, unless the path ends in "/" (lstat, O_NOFOLLOW) */
#define TV_PATH_PARENT 2	/* never: the call works on the name itself (mkdir,
				 * unlink, rename, ...); a final "/", "." or ".." is
				 * kept in the host path for the kernel to judge */
#define TV_PATH_MODE 3
#define TV_PATH_NO_SYMLINKS 4	/* a link to follow is an error, ELOOP (RESOLVE_NO_SYMLINKS) */

struct tv_path_result {
	int kind;	/* of the last component: MISSING, DIR, FILE or UNKNOWN */
	int which;	/* where the host path comes from: -1 the root, else a bind index */
};

/* Resolves path (relative ones against base, an absolute guest directory,
 * which is walked again like the rest: a string is not a directory handle,
 * and a directory on it may have become a link since; a base that does not
 * exist is like the kernel's removed working directory: ".." leaves it,
 * names in it are missing) in view v.  Writes the canonical guest path to guest and the
 * host path to host (with a trailing "/", "/." or "/.." kept as described
 * above).  Returns 0 (a missing last component is not an error: see
 * res->kind) or a negative errno: ENOENT (an empty path, a missing
 * directory on the way, an empty link), ENOTDIR, ELOOP, ENAMETOOLONG, or
 * what the callback returned. */
int tv_path_resolve(const struct tv_path_view *v, const char *base, const char *path, int flags,
		    tv_path_lookup_fn lookup, void *ctx, char *guest, size_t gcap, char *host,
		    size_t hcap, struct tv_path_result *res);

/* Lexical normalisation: path (relative ones against the absolute base)
 * without ".", ".." and repeated slashes; ".." stops at "/".  Returns 0 or
 * -ENAMETOOLONG, -EINVAL (a relative base). */
int tv_path_normalize(const char *base, const char *path, char *out, size_t cap);

/* The host path of a canonical guest path; *which (may be NULL) is -1 for
 * the root, else the bind used.  0 or -ENAMETOOLONG. */
int tv_path_to_host(const struct tv_path_view *v, const char *guest, char *out, size_t cap,
		    int *which);

/* The guest path that shows a canonical absolute host path, preferring the
 * mapping with the longest host prefix.  0, -ENOENT (nothing shows it),
 * -EINVAL (not absolute) or -ENAMETOOLONG. */
int tv_path_to_guest(const struct tv_path_view *v, const char *host, char *out, size_t cap);

/* What a link's content means to the guest: for a link in a bind (which
 * >= 0) an absolute target is a host path, shown by its guest path when
 * there is one; everything else is kept.  0 or -ENAMETOOLONG. */
int tv_path_link_target(const struct tv_path_view *v, int which, const char *target, char *out,
			size_t cap);

/* If path is prefix or below it (both canonical and absolute), the length
 * of prefix to strip to get the rest ("" or "/..."); else -1. */
long tv_path_under(const char *prefix, const char *path);

/* The view after chroot(dir), dir a canonical guest directory: its host
 * path becomes the root and the binds below it stay.  Strings go in pool
 * (cap bytes), binds in binds (room for v->nbinds).  0 or -ENAMETOOLONG. */
int tv_path_subview(const struct tv_path_view *v, const char *dir, struct tv_path_view *out,
		    struct tv_path_bind *binds, char *pool, size_t cap);

#endif
