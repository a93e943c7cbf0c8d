/* tvisor-fs: run PROGRAM with a host directory as its "/", a working
 * directory of its own and host paths bound into its view, as proot's -r,
 * -w and -b do, without ptrace.
 *
 * Every path argument of the calls in the table below is resolved in the
 * guest's view (tv_path_resolve: ".", ".." and symbolic links inside the
 * root, binds by longest guest prefix); dirfd-relative paths start from the
 * guest path of the dirfd.  The kernel then gets the result pinned: a
 * descriptor of the directory (or object) opened inside the root or bind
 * with openat2(RESOLVE_IN_ROOT), so that a link swapped in meanwhile
 * cannot take the call outside (see "the kernel's walk" below).  The
 * guest's working directory is kept here as a guest path (getcwd is
 * answered from it), and the process's real one follows it where the host
 * has it; that state is per process (a vfork child has its own).
 * readlink results that are host paths are shown as guest paths; the /proc
 * links of the process itself (cwd, root, exe, fd/N) show the guest's view.
 * io_uring, whose operations take paths the filter never sees, is refused.
 *
 * With -0 or -i (proot's), the guest sees fake ids and a table of what its
 * chown and chmod set, shared by the session or kept in a --state file
 * (see "-0, -i and -k" below); -k makes uname show another kernel
 * release; -l makes hard links of symbolic links (see "-l" below).
 *
 * Rewritten paths live in monitor memory (the call runs in the same address
 * space) from enter() to exit(), in one block hung on c->tool_data.
 *
 * execve: the core runs the new program under a new monitor with the same
 * options, and asks host_path() (here and there) for its files, so the
 * call's path becomes the canonical guest path, not the host one.  The new
 * monitor starts in the guest's working directory (the real one, which
 * followed it), not in --cwd again, and with the guest's chroot, which
 * exec_options() passes on.
 */
#include <linux/fcntl.h>
#include <linux/stat.h>
#include <linux/errno.h>
#include <linux/openat2.h>
#include <linux/inotify.h>
#include <linux/un.h>
#include <linux/kcmp.h>
#include <linux/sched.h>
#include <linux/resource.h>
#include <linux/mman.h>
#include <linux/memfd.h>
#include <linux/close_range.h>
#include <linux/fs.h>
#include <linux/utsname.h>
#include <asm/stat.h>
#include <asm/unistd.h>
#include "tvisor.h"

#define NAME "tvisor-fs"
#define TV_AF_UNIX 1	/* AF_UNIX: a libc constant, not in the UAPI headers */

/* Path calls newer than the UAPI headers we build with; the numbers are
 * the same on every architecture (the unified table since 5.x). */
#ifndef __NR_fchmodat2
#define __NR_fchmodat2 452
#endif
#ifndef __NR_setxattrat
#define __NR_setxattrat 463
#define __NR_getxattrat 464
#define __NR_listxattrat 465
#define __NR_removexattrat 466
#endif
#ifndef __NR_file_getattr
#define __NR_file_getattr 468
#define __NR_file_setattr 469
#endif

/* ---- small helpers (no libc) ---- */

static int starts(const char *s, const char *prefix)
{
	return tv_strncmp(s, prefix, tv_strlen(prefix)) == 0;
}

static long sys(long nr, long a, long b, long c, long d)
{
	return tv_syscall6(nr, a, b, c, d, 0, 0);
}

static long readlink_host(const char *path, char *buf, size_t cap)
{
	long n = sys(__NR_readlinkat, AT_FDCWD, (long)path, (long)buf, (long)cap - 1);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static const char *errstr(int err)
{
	const char *s = tv_errno_name(-err);
	return s ? s : "error";
}

/* ---- state: the view, the working directory, the program ---- */

/* A view, and how to open its root without a walk the guest could send
 * elsewhere: pv.root[0..anchor) comes from our options (or is the host's
 * "/") and is opened as it is; the rest, a chroot's directory below it,
 * is walked by the kernel inside it.  anchor 0: all of pv.root. */
struct view {
	struct tv_path_view pv;
	size_t anchor;
};

/* The ids a process has in the guest's eyes, with -0 or -i (setresuid(2)
 * and setgroups(2) change them, as root's would); a fork child inherits
 * them with our memory, an exec through --tv-fs-cred. */
#define MAX_GROUPS 128
struct id {
	uint32_t r, e, s, fs;
};
struct creds {
	struct id uid, gid;
	int ngroups;		/* -1: the kernel's list (no setgroups yet) */
	uint32_t groups[MAX_GROUPS];
};

/* What each process has of its own.  A vfork child (posix_spawn, Python's
 * subprocess) runs in its parent's memory, so its chdir and chroot would
 * move its parent too: it gets a copy, found by its pid. */
struct pstate {
	struct pstate *next;
	int pid;
	const struct view *view;	/* replaced (never freed) by chroot */
	const char *chroot;	/* the root as a path of the options' view, or NULL */
	int cwd_real;		/* the process's real working directory is its host path */
	char cwd[TV_PATH_MAX];	/* the guest's working directory */
	struct creds cred;	/* with -0 or -i */
};

static const char *opt_root, *opt_cwd, *opt_chroot;
static char **opt_binds;
static int n_opt_binds;

static struct pstate main_state;	/* of the process whose memory this is */
static struct pstate *sharers;		/* of processes that share it (CLONE_VM) */
static char exe[TV_PATH_MAX];		/* what /proc/self/exe shows */
static int exe_final;			/* exe is the ELF file, not a #! script */
static char *launch;			/* the guest path of the directory we started in */
/* The host directory the first image started in: --root and --bind paths
 * are relative to it in every image, whatever the guest's cwd at exec. */
static const char *origin;
static int started;			/* the guest has made a call */
static tv_lock_t state_lock;

static int is_identity(const struct tv_path_view *v)
{
	return v->nbinds == 0 && v->root[0] == '/' && v->root[1] == 0;
}

static struct pstate *sharer(int pid)
{
	for (struct pstate *s = sharers; s; s = s->next) {
		if (s->pid == pid)
			return s;
	}
	return NULL;
}

/* Does process pid run in the memory of the process main_state is of?
 * kcmp(2) knows; without it (or not allowed to ask) we assume it does,
 * which costs a fork child only a copy of its state. */
static int shares_memory(int pid)
{
	long r = tv_syscall6(__NR_kcmp, main_state.pid, pid, KCMP_VM, 0, 0, 0);
	return r == 0 || (r < 0 && r != -ESRCH);
}

/* The state of process pid, with the lock held; for writing (write), a
 * process that shares our memory gets its own first.  NULL: no memory. */
static struct pstate *state_of(int pid, int write)
{
	struct pstate *s;

	if (pid == main_state.pid)
		return &main_state;
	if ((s = sharer(pid)))
		return s;
	if (!shares_memory(pid)) {
		/* A fork child: this memory is its own copy now; the copies of
		 * its parent's vfork children's states are not its. */
		while ((s = sharers)) {
			sharers = s->next;
			tv_free(s);
		}
		main_state.pid = pid;
		return &main_state;
	}
	if (!write)
		return &main_state;
	if (!(s = tv_malloc(sizeof *s)))
		return NULL;
	/* A vfork child starts with its parent's state (a vfork child may
	 * itself be the parent). */
	const struct pstate *from = sharer((int)tv_syscall6(__NR_getppid, 0, 0, 0, 0, 0, 0));
	*s = from ? *from : main_state;
	s->pid = pid;
	s->next = sharers;
	sharers = s;
	return s;
}

/* A vfork child has exec'd or ended: its state goes. */
static void drop_state(int pid)
{
	tv_lock(&state_lock);
	for (struct pstate **p = &sharers; *p; p = &(*p)->next) {
		if ((*p)->pid == pid) {
			struct pstate *s = *p;
			*p = s->next;
			tv_free(s);
			break;
		}
	}
	tv_unlock(&state_lock);
}

/* What one hook works with: a snapshot of the calling process's state. */
struct ctx {
	const struct tv_path_view *v;
	const struct view *fv;
	int pid, tid;
	int cwd_real;
	char cwd[TV_PATH_MAX];
};

static void snapshot(struct ctx *x, int pid, int tid)
{
	tv_lock(&state_lock);
	const struct pstate *s = state_of(pid, 0);
	x->fv = s->view;
	x->v = &s->view->pv;
	x->cwd_real = s->cwd_real;
	tv_memcpy(x->cwd, s->cwd, tv_strlen(s->cwd) + 1);
	tv_unlock(&state_lock);
	x->pid = pid;
	x->tid = tid;
}

/* ---- /proc links of this process ---- */

static const char *skip_number(const char *s, long *out)
{
	long n = 0;
	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9')
		n = n * 10 + (*s++ - '0');
	*out = n;
	return s;
}

enum { MAGIC_NONE, MAGIC_CWD, MAGIC_ROOT, MAGIC_EXE, MAGIC_FD };

/* Is host /proc/PID[/task/TID]/{cwd,root,exe,fd/N} of this process? */
static int proc_magic(const char *host, int pid)
{
	long n;
	const char *s;

	if (!starts(host, "/proc/") || !(s = skip_number(host + 6, &n)) || n != pid || *s != '/')
		return MAGIC_NONE;
	s++;
	if (starts(s, "task/")) {
		if (!(s = skip_number(s + 5, &n)) || *s != '/')
			return MAGIC_NONE;
		s++;
	}
	if (!tv_strcmp(s, "cwd"))
		return MAGIC_CWD;
	if (!tv_strcmp(s, "root"))
		return MAGIC_ROOT;
	if (!tv_strcmp(s, "exe"))
		return exe[0] ? MAGIC_EXE : MAGIC_NONE;
	if (starts(s, "fd/") && (s = skip_number(s + 3, &n)) && !*s)
		return MAGIC_FD;
	return MAGIC_NONE;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = tv_strlen(s), b = tv_strlen(suffix);
	return a >= b && !tv_strcmp(s + a - b, suffix);
}

/* The guest's reading of a host link target (absolute ones that it can
 * see become guest paths, " (deleted)" kept); 1 if translated. */
static int target_to_guest(const struct tv_path_view *v, const char *t, char *out, size_t cap)
{
	static const char del[] = " (deleted)";
	char tmp[TV_PATH_MAX];
	size_t n = tv_strlen(t);
	int deleted = ends_with(t, del);

	if (t[0] != '/' || n >= sizeof tmp)
		return 0;
	tv_memcpy(tmp, t, n + 1);
	if (deleted)
		tmp[n - (sizeof del - 1)] = 0;
	if (tv_path_to_guest(v, tmp, out, cap - (sizeof del - 1)) < 0)
		return 0;
	if (deleted)
		tv_memcpy(out + tv_strlen(out), del, sizeof del);
	return 1;
}

/* The value readlink shows for a magic link; its length, or -errno. */
static long magic_value(const struct ctx *x, int m, const char *host, char *out, size_t cap)
{
	const char *s = NULL;
	char raw[TV_PATH_MAX];

	switch (m) {
	case MAGIC_CWD: s = x->cwd; break;
	case MAGIC_ROOT: s = "/"; break;
	case MAGIC_EXE: s = exe; break;
	case MAGIC_FD: {
		long n = readlink_host(host, raw, sizeof raw);
		if (n < 0)
			return n;
		if (!target_to_guest(x->v, raw, out, cap))
			s = raw;
		break;
	}
	}
	if (s) {
		size_t n = tv_strlen(s);
		if (n + 1 > cap)
			return -ENAMETOOLONG;
		tv_memcpy(out, s, n + 1);
	}
	return (long)tv_strlen(out);
}

/* The lookup callback of core/path.c: lstat, readlink for links, and the
 * guest's view of this process's /proc links. */
static int lookup(void *vctx, const char *host, int flags, char *target, size_t cap)
{
	const struct ctx *x = vctx;

	if (starts(host, "/proc/")) {
		if (!tv_strcmp(host, "/proc/thread-self")) {
			/* The caller's thread is the guest's, not ours. */
			tv_snprintf(target, cap, "%d/task/%d", x->pid, x->tid);
			return TV_PATH_LINK;
		}
		int m = proc_magic(host, x->pid);
		if (m == MAGIC_FD) {
			char raw[TV_PATH_MAX];
			long n = readlink_host(host, raw, sizeof raw);
			if (n < 0)
				return (int)n;
			if (ends_with(raw, " (deleted)") || raw[0] != '/' ||
			    tv_path_to_guest(x->v, raw, target, cap) < 0) {
				/* A pipe, a socket, a deleted file, something
				 * outside the view: the last component is left
				 * for the kernel to follow; nothing is walked
				 * below it. */
				if (flags & TV_LOOKUP_LAST)
					return TV_PATH_FILE;
				return raw[0] == '/' && !ends_with(raw, " (deleted)") ? -EACCES
										: -ENOTDIR;
			}
			return TV_PATH_GUESTLINK;
		}
		if (m != MAGIC_NONE) {
			long n = magic_value(x, m, host, target, cap);
			return n < 0 ? (int)n : TV_PATH_GUESTLINK;
		}
	}
	struct statx st;
	long r = tv_syscall6(__NR_statx, AT_FDCWD, (long)host,
			     AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE, (long)&st, 0);
	if (r < 0)
		return (int)r;
	switch (st.stx_mode & S_IFMT) {
	case S_IFDIR:
		return TV_PATH_DIR;
	case S_IFLNK:
		if (!(flags & TV_LOOKUP_FOLLOW))
			return TV_PATH_FILE;
		r = readlink_host(host, target, cap);
		return r < 0 ? (int)r : TV_PATH_LINK;
	}
	return TV_PATH_FILE;
}

/* The guest path of an open directory (for dirfd-relative paths). */
static int fd_guest_path(const struct ctx *x, int fd, char *out, size_t cap)
{
	char link[64], raw[TV_PATH_MAX];

	if (fd < 0)
		return -EBADF;
	tv_snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	long n = readlink_host(link, raw, sizeof raw);
	if (n < 0)
		return n == -ENOENT ? -EBADF : (int)n;
	if (raw[0] != '/')
		return -ENOTDIR;	/* a pipe, a socket, ... */
	if (ends_with(raw, " (deleted)"))
		return -ENOENT;
	/* A directory outside the view: walking from it would leave the
	 * root. */
	return tv_path_to_guest(x->v, raw, out, cap) < 0 ? -EACCES : 0;
}

static int resolve_at(const struct ctx *x, int dirfd, const char *path, int flags, char *guest,
		      char *host, struct tv_path_result *res)
{
	char dir[TV_PATH_MAX];
	const char *base = x->cwd;

	if (path[0] != '/' && dirfd != AT_FDCWD) {
		int r = fd_guest_path(x, dirfd, dir, sizeof dir);
		if (r < 0)
			return r;
		base = dir;
	}
	return tv_path_resolve(x->v, base, path, flags, lookup, (void *)x, guest, TV_PATH_MAX, host,
			       TV_PATH_MAX, res);
}

/* ---- the kernel's walk, kept inside the view ----
 *
 * A path checked here and walked again by the kernel could change in
 * between: a directory on it swapped for a link to "/" would take the call
 * to the host's files.  So the kernel is not given the host path to walk.
 * The directory the path is in (the root, or a bind) is opened, and inside
 * it openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) opens either the
 * directory of the last component, which the call gets as its dirfd with
 * the last name (calls that work on a name: creating, removing, not
 * following a final link; the open family with O_NOFOLLOW added, and the
 * calls with a flag for not following, which is set), or the object
 * itself, which the call reaches as /proc/thread-self/fd/N (the other
 * calls that follow a final link: the kernel follows that link to the
 * object and no further).  Our walk has followed every link already, so the
 * kernel's meets one only if the guest has just made it, and that one
 * stays inside. */

static int can_pin;	/* openat2 and /proc/thread-self are there (start()) */
static long fd_floor;	/* where descriptors held over a call go (start()) */

#define NOPIN (-4096 - 1)	/* not an errno: the host path is safe to walk */
#define THREAD_FD "/proc/thread-self/fd/"

/* A descriptor held while the guest's call runs is moved up, out of the
 * way: an open must still return the lowest free number (close(0) then
 * open is how daemons reopen stdin).  Where it cannot move, it stays. */
static long park(long fd)
{
	long high = fd >= 0 && fd < fd_floor ? sys(__NR_fcntl, fd, F_DUPFD_CLOEXEC, fd_floor, 0) : -1;

	if (high < 0)
		return fd;
	sys(__NR_close, fd, 0, 0, 0);
	return high;
}

static long open_in(long dirfd, const char *path, long flags)
{
	struct open_how how = { .flags = (unsigned long long)(flags | O_PATH | O_CLOEXEC),
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	return sys(__NR_openat2, dirfd, (long)(path[0] ? path : "."), (long)&how, sizeof how);
}

/* Opens the host directory (or bound file) a resolved host path is in;
 * *rel is the rest of host below it ("" for itself).  NOPIN when nothing
 * the guest can change is on the way: the host's "/" itself, or /proc,
 * where the guest makes no links. */
static long open_mapping(const struct ctx *x, const char *host, int which, const char **rel)
{
	const char *m = which < 0 ? x->v->root : x->v->binds[which].host;
	size_t ml = tv_strlen(m), anchor = which < 0 && x->fv->anchor ? x->fv->anchor : ml;
	char top[TV_PATH_MAX];

	*rel = host + (ml == 1 ? 0 : ml);
	while (**rel == '/')
		(*rel)++;
	if (anchor == ml && (ml == 1 || starts(m, "/proc/") || !tv_strcmp(m, "/proc")))
		return NOPIN;
	tv_memcpy(top, m, anchor);
	top[anchor] = 0;
	long fd = sys(__NR_openat, AT_FDCWD, (long)top, O_PATH | O_CLOEXEC, 0);
	if (fd < 0 || anchor == ml)
		return fd;
	long sub = open_in(fd, m + anchor, O_DIRECTORY);	/* a chroot's directory */
	sys(__NR_close, fd, 0, 0, 0);
	return sub;
}

/* Pins a resolved host path for a call: the object itself (object), or
 * the directory of its last component, whose name ("." for the top of a
 * mapping; a final "/" kept for the call to judge) is left in *last.
 * Returns the descriptor, NOPIN, or the call's own error (a directory on
 * the way missing, not one, not searchable; the object missing). */
static long pin(const struct ctx *x, const char *host, int which, int object, const char **last)
{
	const char *rel;
	char dir[TV_PATH_MAX];
	long fd;

	if (!can_pin)
		return NOPIN;
	long m = open_mapping(x, host, which, &rel);
	if (m < 0 || (object && !rel[0]))
		goto out;
	if (object) {
		fd = open_in(m, rel, O_NOFOLLOW);
	} else {
		size_t end = tv_strlen(rel), name;
		while (end > 0 && rel[end - 1] == '/')
			end--;
		for (name = end; name > 0 && rel[name - 1] != '/'; name--)
			;
		*last = rel[name] ? rel + name : ".";
		if (name == 0)
			goto out;
		tv_memcpy(dir, rel, name);
		dir[name] = 0;
		fd = open_in(m, dir, O_DIRECTORY);
	}
	sys(__NR_close, m, 0, 0, 0);
	m = fd;
out:
	/* Out of descriptors, the call goes as before rather than fail with
	 * an error it cannot have. */
	return m == -EMFILE || m == -ENFILE ? NOPIN : m;
}

/* The path argument a call gets for a resolved host path, in out: the
 * host path (not pinned: *fd is -1), or a name through the pinned *fd,
 * which is the call's dirfd when it takes one (dirfd_ok). */
static int pinned_arg(const struct ctx *x, const char *host, int which, int object, int dirfd_ok,
		      char *out, int *fd)
{
	const char *last = NULL;
	long r = pin(x, host, which, object, &last);
	int k;

	*fd = -1;
	if (r == NOPIN) {
		tv_memcpy(out, host, tv_strlen(host) + 1);
		return 0;
	}
	if (r < 0)
		return (int)r;
	*fd = (int)(r = park(r));
	if (object)
		k = tv_snprintf(out, TV_PATH_MAX, THREAD_FD "%ld", r);
	else if (dirfd_ok)
		k = tv_snprintf(out, TV_PATH_MAX, "%s", last);
	else
		k = tv_snprintf(out, TV_PATH_MAX, THREAD_FD "%ld/%s", r, last);
	if (k < 0 || k >= TV_PATH_MAX) {
		sys(__NR_close, r, 0, 0, 0);
		*fd = -1;
		return -ENAMETOOLONG;
	}
	return 0;
}

/* readlink of a resolved host path, pinned: its length, or -errno. */
static long readlink_pinned(const struct ctx *x, const char *host, int which, char *buf, size_t cap)
{
	const char *last;
	long fd = pin(x, host, which, 0, &last);

	if (fd == NOPIN)
		return readlink_host(host, buf, cap);
	if (fd < 0)
		return fd;
	long n = sys(__NR_readlinkat, fd, (long)last, (long)buf, (long)cap - 1);
	sys(__NR_close, fd, 0, 0, 0);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

/* ---- per-call memory ---- */

struct call_data {
	int fds[2];		/* descriptors we opened for the call, or -1 */
	int sock_fix;		/* exit(): show a returned unix address as a guest path */
	long addr, lenp;	/* the guest's address buffer and its length */
	int addr_cap;
	long nlink;		/* exit(): st_nlink of an -l file */
	char mem[];		/* rewritten paths and structures */
};

static struct call_data *data_new(struct tv_call *c, size_t extra)
{
	struct call_data *d = tv_malloc(sizeof *d + extra);
	if (d) {
		d->fds[0] = d->fds[1] = -1;
		d->sock_fix = 0;
		d->nlink = 0;
		c->tool_data = d;
	}
	return d;
}

/* ---- the generic path calls ---- */

enum mode {
	FOLLOW = TV_PATH_FOLLOW,
	NOFOLLOW = TV_PATH_NOFOLLOW,
	PARENT = TV_PATH_PARENT,
	FLAG_NOFOLLOW,	/* nofollow if the flags argument has bit */
	FLAG_FOLLOW,	/* follow only if the flags argument has bit */
	OPEN,		/* by open flags */
};

struct pspec {
	signed char dirfd, path, flags;	/* argument indices; -1: none */
	unsigned char mode;
	unsigned bit;			/* for FLAG_* */
	unsigned empty;			/* AT_EMPTY_PATH's bit, where honoured */
};

enum special {
	SP_NONE, SP_NULL_OK, SP_EXEC, SP_READLINK, SP_READLINKAT, SP_GETCWD, SP_CHDIR, SP_FCHDIR,
	SP_CHROOT, SP_OPENAT2, SP_BIND, SP_CONNECT, SP_SOCKNAME, SP_CREAT, SP_URING, SP_SPAWN,
};

struct entry {
	int nr;
	unsigned char special;
	struct pspec p[2];
};

#define NONE { -1, -1, -1, 0, 0, 0 }
#define P(path, mode) { -1, path, -1, mode, 0, 0 }
#define PAT(dirfd, path, mode) { dirfd, path, -1, mode, 0, 0 }
#define PFL(dirfd, path, flags, mode, bit, empty) { dirfd, path, flags, mode, bit, empty }
#define ATNF(dirfd, path, flags) PFL(dirfd, path, flags, FLAG_NOFOLLOW, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH)

static const struct entry table[] = {
#ifdef __NR_open
	{ __NR_open, 0, { PFL(-1, 0, 1, OPEN, 0, 0), NONE } },
#endif
#ifdef __NR_creat
	{ __NR_creat, SP_CREAT, { NONE, NONE } },
#endif
	{ __NR_openat, 0, { PFL(0, 1, 2, OPEN, 0, 0), NONE } },
	{ __NR_openat2, SP_OPENAT2, { NONE, NONE } },
#ifdef __NR_stat
	{ __NR_stat, 0, { P(0, FOLLOW), NONE } },
#endif
#ifdef __NR_lstat
	{ __NR_lstat, 0, { P(0, NOFOLLOW), NONE } },
#endif
	{ __NR_newfstatat, 0, { ATNF(0, 1, 3), NONE } },
	{ __NR_statx, 0, { ATNF(0, 1, 2), NONE } },
	{ __NR_statfs, 0, { P(0, FOLLOW), NONE } },
#ifdef __NR_access
	{ __NR_access, 0, { P(0, FOLLOW), NONE } },
#endif
	{ __NR_faccessat, 0, { PAT(0, 1, FOLLOW), NONE } },
	{ __NR_faccessat2, 0, { ATNF(0, 1, 3), NONE } },
#ifdef __NR_readlink
	{ __NR_readlink, SP_READLINK, { NONE, NONE } },
#endif
	{ __NR_readlinkat, SP_READLINKAT, { NONE, NONE } },
#ifdef __NR_mkdir
	{ __NR_mkdir, 0, { P(0, PARENT), NONE } },
#endif
	{ __NR_mkdirat, 0, { PAT(0, 1, PARENT), NONE } },
#ifdef __NR_mknod
	{ __NR_mknod, 0, { P(0, PARENT), NONE } },
#endif
	{ __NR_mknodat, 0, { PAT(0, 1, PARENT), NONE } },
#ifdef __NR_unlink
	{ __NR_unlink, 0, { P(0, PARENT), NONE } },
#endif
	{ __NR_unlinkat, 0, { PAT(0, 1, PARENT), NONE } },
#ifdef __NR_rmdir
	{ __NR_rmdir, 0, { P(0, PARENT), NONE } },
#endif
#ifdef __NR_rename
	{ __NR_rename, 0, { P(0, PARENT), P(1, PARENT) } },
#endif
#ifdef __NR_renameat
	{ __NR_renameat, 0, { PAT(0, 1, PARENT), PAT(2, 3, PARENT) } },
#endif
	{ __NR_renameat2, 0, { PAT(0, 1, PARENT), PAT(2, 3, PARENT) } },
#ifdef __NR_link
	{ __NR_link, 0, { P(0, NOFOLLOW), P(1, PARENT) } },
#endif
	{ __NR_linkat, 0, { PFL(0, 1, 4, FLAG_FOLLOW, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH),
			    PAT(2, 3, PARENT) } },
#ifdef __NR_symlink
	{ __NR_symlink, 0, { P(1, PARENT), NONE } },	/* the target stays as given */
#endif
	{ __NR_symlinkat, 0, { PAT(1, 2, PARENT), NONE } },
#ifdef __NR_chmod
	{ __NR_chmod, 0, { P(0, FOLLOW), NONE } },
#endif
	{ __NR_fchmodat, 0, { PAT(0, 1, FOLLOW), NONE } },
	{ __NR_fchmodat2, 0, { ATNF(0, 1, 3), NONE } },
#ifdef __NR_chown
	{ __NR_chown, 0, { P(0, FOLLOW), NONE } },
#endif
#ifdef __NR_lchown
	{ __NR_lchown, 0, { P(0, NOFOLLOW), NONE } },
#endif
	{ __NR_fchownat, 0, { ATNF(0, 1, 4), NONE } },
	{ __NR_truncate, 0, { P(0, FOLLOW), NONE } },
	{ __NR_utimensat, SP_NULL_OK, { ATNF(0, 1, 3), NONE } },
#ifdef __NR_utime
	{ __NR_utime, 0, { P(0, FOLLOW), NONE } },
#endif
#ifdef __NR_utimes
	{ __NR_utimes, 0, { P(0, FOLLOW), NONE } },
#endif
#ifdef __NR_futimesat
	{ __NR_futimesat, 0, { PAT(0, 1, FOLLOW), NONE } },
#endif
	{ __NR_chdir, SP_CHDIR, { NONE, NONE } },
	{ __NR_fchdir, SP_FCHDIR, { NONE, NONE } },
	{ __NR_getcwd, SP_GETCWD, { NONE, NONE } },
	{ __NR_chroot, SP_CHROOT, { NONE, NONE } },
	/* The core re-executes the monitor on the program: it gets the
	 * canonical guest path, for host_path() here and in the new monitor. */
	{ __NR_execve, SP_EXEC, { P(0, FOLLOW), NONE } },
	{ __NR_execveat, SP_EXEC, { ATNF(0, 1, 4), NONE } },
	{ __NR_bind, SP_BIND, { NONE, NONE } },
	{ __NR_connect, SP_CONNECT, { NONE, NONE } },
	{ __NR_getsockname, SP_SOCKNAME, { NONE, NONE } },
	{ __NR_getpeername, SP_SOCKNAME, { NONE, NONE } },
	{ __NR_inotify_add_watch, 0, { PFL(-1, 1, 2, FLAG_NOFOLLOW, IN_DONT_FOLLOW, 0), NONE } },
	{ __NR_setxattr, 0, { P(0, FOLLOW), NONE } },
	{ __NR_lsetxattr, 0, { P(0, NOFOLLOW), NONE } },
	{ __NR_getxattr, 0, { P(0, FOLLOW), NONE } },
	{ __NR_lgetxattr, 0, { P(0, NOFOLLOW), NONE } },
	{ __NR_listxattr, 0, { P(0, FOLLOW), NONE } },
	{ __NR_llistxattr, 0, { P(0, NOFOLLOW), NONE } },
	{ __NR_removexattr, 0, { P(0, FOLLOW), NONE } },
	{ __NR_lremovexattr, 0, { P(0, NOFOLLOW), NONE } },
	{ __NR_setxattrat, 0, { ATNF(0, 1, 2), NONE } },
	{ __NR_getxattrat, 0, { ATNF(0, 1, 2), NONE } },
	{ __NR_listxattrat, 0, { ATNF(0, 1, 2), NONE } },
	{ __NR_removexattrat, 0, { ATNF(0, 1, 2), NONE } },
	{ __NR_file_getattr, 0, { ATNF(0, 1, 4), NONE } },
	{ __NR_file_setattr, 0, { ATNF(0, 1, 4), NONE } },
	{ __NR_name_to_handle_at, 0, { PFL(0, 1, 4, FLAG_FOLLOW, AT_SYMLINK_FOLLOW, AT_EMPTY_PATH),
				       NONE } },
	{ __NR_open_tree, 0, { ATNF(0, 1, 2), NONE } },
	{ __NR_acct, 0, { P(0, FOLLOW), NONE } },
	{ __NR_swapon, 0, { P(0, FOLLOW), NONE } },
	{ __NR_swapoff, 0, { P(0, FOLLOW), NONE } },
	{ __NR_io_uring_setup, SP_URING, { NONE, NONE } },
	{ __NR_io_uring_enter, SP_URING, { NONE, NONE } },	/* a ring inherited */
	{ __NR_io_uring_register, SP_URING, { NONE, NONE } },
	/* A vfork child's state goes when its parent's call returns. */
	{ __NR_clone, SP_SPAWN, { NONE, NONE } },
	{ __NR_clone3, SP_SPAWN, { NONE, NONE } },
#ifdef __NR_vfork
	{ __NR_vfork, SP_SPAWN, { NONE, NONE } },
#endif
};

#define N_TABLE (sizeof table / sizeof table[0])

static const struct entry *find(long nr)
{
	for (size_t i = 0; i < N_TABLE; i++) {
		if (table[i].nr == nr)
			return &table[i];
	}
	return NULL;
}

static int open_mode(long flags)
{
	if (flags & O_NOFOLLOW)
		return NOFOLLOW;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return NOFOLLOW;	/* an existing link is EEXIST, not followed */
	return FOLLOW;
}

static int spec_mode(const struct pspec *s, const long *a)
{
	long fl = s->flags >= 0 ? a[(int)s->flags] : 0;

	switch (s->mode) {
	case FLAG_NOFOLLOW: return (fl & s->bit) ? NOFOLLOW : FOLLOW;
	case FLAG_FOLLOW: return (fl & s->bit) ? FOLLOW : NOFOLLOW;
	case OPEN: return open_mode(fl);
	}
	return s->mode;
}

/* Reads a guest path argument: its length, or -errno. */
static long read_path(long ptr, char *buf)
{
	return tv_mem_read_str(buf, (uintptr_t)ptr, TV_PATH_MAX);
}

/* Does the call take a dirfd and a flag that says whether its last link
 * is followed? */
static int flag_arg(const struct pspec *s)
{
	return s->dirfd >= 0 && (s->mode == FLAG_NOFOLLOW || s->mode == FLAG_FOLLOW);
}

static void close_fds(const int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		if (fds[i] >= 0)
			sys(__NR_close, fds[i], 0, 0, 0);
	}
}

/* execve and execveat get the canonical guest path (the core's loader asks
 * host_path()).  AT_SYMLINK_NOFOLLOW is judged here, on the host path:
 * the core would look for a link at the guest path on the host. */
static int exec_path(struct tv_call *c, int mode, const char *host, const struct tv_path_result *res)
{
	struct statx st;

	if (res->kind == TV_PATH_MISSING)
		return -ENOENT;
	if (mode != NOFOLLOW)
		return 0;
	long r = tv_syscall6(__NR_statx, AT_FDCWD, (long)host, AT_SYMLINK_NOFOLLOW, STATX_TYPE,
			     (long)&st, 0);
	if (r < 0)
		return (int)r;
	if ((st.stx_mode & S_IFMT) == S_IFLNK)
		return -ELOOP;
	c->args[4] &= ~(long)AT_SYMLINK_NOFOLLOW;
	return 0;
}

/* ---- -l: hard links made of symbolic links ----
 *
 * For file systems (and sandboxes) where link(2) is refused, as proot -l
 * does it in its own way: link(OLD, NEW) moves OLD's file to a hidden
 * name in its directory, ".l2s.INO" (INO: its inode number, which no other
 * live file of that file system has), and makes OLD and NEW symbolic
 * links to it; ".l2s.INO.n" is a dangling link whose target is the number
 * of names, which a new link replaces at once (a file renamed to carry
 * the count would leave the names dangling while it moves).  stat and
 * lstat of a name show the file with that count as st_nlink, readlink of
 * one fails as on a file, unlink of one takes the count down and the last
 * one takes the file, rename of one into another directory makes its
 * link anew, and readdir does not list the hidden names.  Names link to
 * the file by relative paths: a host program outside reaches the file
 * through them too. */

static int opt_l2s;	/* -l */

#define L2S ".l2s."

static const char *base_name(const char *p)
{
	const char *s = p + tv_strlen(p);

	while (s > p && s[-1] != '/')
		s--;
	return s;
}

/* Is name ".l2s.INO", the hidden file of an -l file? */
static int l2s_file_name(const char *name)
{
	const char *p = name + sizeof L2S - 1;
	long n;

	return starts(name, L2S) && (p = skip_number(p, &n)) && !*p;
}

/* A name in a pinned directory (fd; its own when the path needs no
 * pinning), which the monitor changes itself. */
struct at {
	long fd;
	const char *name;
};

static int at_open(const struct ctx *x, const char *host, int which, struct at *a)
{
	long fd = pin(x, host, which, 0, &a->name);

	if (fd == NOPIN) {
		char dir[TV_PATH_MAX];
		const char *name = base_name(host);
		size_t n = (size_t)(name - host);
		tv_memcpy(dir, host, n);
		dir[n > 1 ? n - 1 : n] = 0;
		a->name = name;
		fd = sys(__NR_openat, AT_FDCWD, (long)dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	}
	a->fd = fd;
	return fd < 0 ? (int)fd : 0;
}

static void at_close(struct at *a)
{
	if (a->fd >= 0)
		sys(__NR_close, a->fd, 0, 0, 0);
	a->fd = -1;
}

/* An -l file: its hidden name, pinned, and its guest and host paths. */
struct l2s {
	struct at at;
	char guest[TV_PATH_MAX], host[TV_PATH_MAX];
	int which;
};

/* Is the host path (resolved, its last link not followed; guest its guest
 * path) a name of an -l file (or, with self, the hidden file itself)?  1
 * and f filled (f->at open), else 0. */
static int l2s_find(const struct ctx *x, const char *guest, const char *host, int self,
		    struct l2s *f)
{
	struct statx st;
	char t[TV_PATH_MAX];
	struct tv_path_result res;

	if (tv_syscall6(__NR_statx, AT_FDCWD, (long)host, AT_SYMLINK_NOFOLLOW, STATX_TYPE,
			(long)&st, 0) < 0)
		return 0;
	if (S_ISLNK(st.stx_mode) &&
	    (readlink_host(host, t, sizeof t) < 0 || !l2s_file_name(base_name(t))))
		return 0;
	if (!S_ISLNK(st.stx_mode) && (!self || S_ISDIR(st.stx_mode) ||
				      !l2s_file_name(base_name(host))))
		return 0;
	if (tv_path_resolve(x->v, "/", guest, FOLLOW, lookup, (void *)x, f->guest, sizeof f->guest,
			    f->host, sizeof f->host, &res) < 0 ||
	    res.kind != TV_PATH_FILE || !l2s_file_name(base_name(f->host)))
		return 0;
	f->which = res.which;
	return at_open(x, f->host, res.which, &f->at) == 0;
}

static int l2s_is_name(const struct ctx *x, const char *guest, const char *host)
{
	struct l2s *f = tv_malloc(sizeof *f);
	int r = f && l2s_find(x, guest, host, 0, f);

	if (r)
		at_close(&f->at);
	tv_free(f);
	return r;
}

/* The count file's name, ".l2s.INO.n", for f. */
static void count_name(const struct l2s *f, char *out)
{
	tv_snprintf(out, TV_PATH_MAX, "%s.n", f->at.name);
}

static long l2s_count(const struct l2s *f)
{
	char name[TV_PATH_MAX], t[32];
	long n;

	count_name(f, name);
	long k = sys(__NR_readlinkat, f->at.fd, (long)name, (long)t, sizeof t - 1);
	if (k <= 0)
		return 1;
	t[k] = 0;
	return skip_number(t, &n) && n > 0 ? n : 1;
}

/* Sets the count; at 0 the file goes, and its count.  (Where the count
 * cannot be written, the names still work; stat shows an old count.) */
static void l2s_set_count(const struct l2s *f, long n)
{
	char name[TV_PATH_MAX], tmp[TV_PATH_MAX], v[24];

	count_name(f, name);
	if (n <= 0) {
		sys(__NR_unlinkat, f->at.fd, (long)name, 0, 0);
		sys(__NR_unlinkat, f->at.fd, (long)f->at.name, 0, 0);
		return;
	}
	tv_snprintf(tmp, sizeof tmp, "%s.%d", name, (int)tv_syscall6(__NR_gettid, 0, 0, 0, 0, 0, 0));
	tv_snprintf(v, sizeof v, "%ld", n);
	sys(__NR_unlinkat, f->at.fd, (long)tmp, 0, 0);
	if (sys(__NR_symlinkat, (long)v, f->at.fd, (long)tmp, 0) == 0 &&
	    tv_syscall6(__NR_renameat2, f->at.fd, (long)tmp, f->at.fd, (long)name, 0, 0) < 0)
		sys(__NR_unlinkat, f->at.fd, (long)tmp, 0, 0);
}

/* Counts change under a lock on the file's directory, which processes of
 * other monitors see too (where the directory cannot be opened for it,
 * without: the same process's calls still are one at a time). */
static tv_lock_t l2s_lock;

static long l2s_lock_dir(const struct l2s *f)
{
	long d = sys(__NR_openat, f->at.fd, (long)".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

	tv_lock(&l2s_lock);
	if (d >= 0)
		sys(__NR_flock, d, LOCK_EX, 0, 0);
	return d;
}

static void l2s_unlock_dir(long d)
{
	if (d >= 0)
		sys(__NR_close, d, 0, 0, 0);
	tv_unlock(&l2s_lock);
}

/* The target a name in guest directory dir (its path with a final "/")
 * gets for the file at guest path to: relative, "../" as needed. */
static int rel_target(const char *dir, const char *to, char *out, size_t cap)
{
	size_t i = 0, common = 0, n = 0;

	while (dir[i] && dir[i] == to[i]) {
		if (dir[i++] == '/')
			common = i;
	}
	out[0] = 0;
	for (i = common; dir[i]; i++) {
		if (dir[i] == '/' && (n += 3) < cap)
			tv_memcpy(out + n - 3, "../", 4);
	}
	if (n + tv_strlen(to + common) + 1 > cap)
		return -ENAMETOOLONG;
	tv_memcpy(out + n, to + common, tv_strlen(to + common) + 1);
	return 0;
}

/* The directory part of guest path g, with its final "/". */
static void dir_of(const char *g, char *out)
{
	size_t n = (size_t)(base_name(g) - g);

	tv_memcpy(out, g, n);
	out[n] = 0;
}

/* Makes name a (guest path g) a link to f. */
static long l2s_make_name(const struct l2s *f, const struct at *a, const char *g)
{
	char dir[TV_PATH_MAX], t[TV_PATH_MAX];

	dir_of(g, dir);
	int r = rel_target(dir, f->guest, t, sizeof t);
	return r < 0 ? r : sys(__NR_symlinkat, (long)t, a->fd, (long)a->name, 0);
}

/* A plain file becomes an -l file with one name (old, guest path g): f.
 * -ENOSYS: not one for -l (a symbolic link, which a link to it would
 * follow). */
static long l2s_convert(const struct at *old, const char *g, struct l2s *f)
{
	struct statx st;

	long r = tv_syscall6(__NR_statx, old->fd, (long)old->name, AT_SYMLINK_NOFOLLOW,
			     STATX_TYPE | STATX_INO, (long)&st, 0);
	if (r < 0)
		return r;
	if (S_ISDIR(st.stx_mode))
		return -EPERM;	/* link(2)'s answer for a directory */
	if (S_ISLNK(st.stx_mode))
		return -ENOSYS;
	dir_of(g, f->guest);
	size_t n = tv_strlen(f->guest);
	tv_snprintf(f->guest + n, sizeof f->guest - n, L2S "%llu", (unsigned long long)st.stx_ino);
	f->at.name = base_name(f->guest);
	f->at.fd = sys(__NR_fcntl, old->fd, F_DUPFD_CLOEXEC, 0, 0);
	if (f->at.fd < 0)
		return f->at.fd;
	r = tv_syscall6(__NR_renameat2, old->fd, (long)old->name, old->fd, (long)f->at.name,
			RENAME_NOREPLACE, 0);
	if (r == -EINVAL && tv_syscall6(__NR_statx, old->fd, (long)f->at.name, AT_SYMLINK_NOFOLLOW,
					0, (long)&st, 0) < 0) {
		/* A file system without RENAME_NOREPLACE. */
		r = tv_syscall6(__NR_renameat2, old->fd, (long)old->name, old->fd,
				(long)f->at.name, 0, 0);
	}
	if (r == 0 && (r = l2s_make_name(f, old, g)) < 0)
		tv_syscall6(__NR_renameat2, old->fd, (long)f->at.name, old->fd, (long)old->name,
			    0, 0);
	if (r < 0)
		at_close(&f->at);
	return r;
}

/* A path argument of a call -l makes itself: read and resolved (mode),
 * its name opened in a.  0 or -errno. */
static int l2s_arg(const struct ctx *x, long dirfd, long ptr, int mode, char *guest, char *host,
		   struct at *a)
{
	char path[TV_PATH_MAX];
	struct tv_path_result res;

	a->fd = -1;
	long n = read_path(ptr, path);
	int r = n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
	if (r == 0)
		r = resolve_at(x, (int)dirfd, path, mode, guest, host, &res);
	return r < 0 ? r : at_open(x, host, res.which, a);
}

/* link(OLD, NEW): NEW becomes a name of OLD's -l file (OLD becomes one
 * first).  -ENOSYS: for the kernel (AT_EMPTY_PATH, a symbolic link). */
static long l2s_link(const struct ctx *x, long od, long op, long nd, long np, long flags)
{
	char og[TV_PATH_MAX], oh[TV_PATH_MAX], ng[TV_PATH_MAX], nh[TV_PATH_MAX];
	struct at o = { -1, NULL }, nw = { -1, NULL };
	struct l2s f;
	struct statx st;
	int fresh = 0;

	if (flags & AT_EMPTY_PATH)
		return -ENOSYS;
	long r = l2s_arg(x, od, op, flags & AT_SYMLINK_FOLLOW ? FOLLOW : NOFOLLOW, og, oh, &o);
	if (r == 0)
		r = tv_syscall6(__NR_statx, o.fd, (long)o.name, AT_SYMLINK_NOFOLLOW, 0, (long)&st, 0);
	if (r == 0 && (r = l2s_arg(x, nd, np, PARENT, ng, nh, &nw)) == 0 &&
	    tv_syscall6(__NR_statx, nw.fd, (long)nw.name, AT_SYMLINK_NOFOLLOW, 0, (long)&st, 0) == 0)
		r = -EEXIST;
	if (r == 0 && !l2s_find(x, og, oh, 1, &f)) {
		r = l2s_convert(&o, og, &f);
		fresh = 1;
	}
	if (r == 0) {
		long d = l2s_lock_dir(&f);
		/* A new one's count may be left over from a file that had its
		 * inode number. */
		long n = fresh ? 1 : l2s_count(&f);
		if ((r = l2s_make_name(&f, &nw, ng)) == 0)
			l2s_set_count(&f, n + 1);
		else if (fresh)
			l2s_set_count(&f, 1);
		l2s_unlock_dir(d);
		at_close(&f.at);
	}
	at_close(&o);
	at_close(&nw);
	return r;
}

/* unlink of a name of an -l file: the count goes down, the file with the
 * last name.  -ENOSYS: not a name, for the kernel. */
static long l2s_unlink(const struct ctx *x, long dirfd, long ptr)
{
	char g[TV_PATH_MAX], h[TV_PATH_MAX];
	struct at a;
	struct l2s f;

	long r = l2s_arg(x, dirfd, ptr, PARENT, g, h, &a);
	if (r < 0 || !l2s_find(x, g, h, 0, &f)) {
		at_close(&a);
		return -ENOSYS;
	}
	long d = l2s_lock_dir(&f);
	long n = l2s_count(&f);
	if ((r = sys(__NR_unlinkat, a.fd, (long)a.name, 0, 0)) == 0)
		l2s_set_count(&f, n - 1);
	l2s_unlock_dir(d);
	at_close(&f.at);
	at_close(&a);
	return r;
}

/* rename from or over a name of an -l file: one moved to another
 * directory is made anew there (its link is relative), one renamed over
 * takes its file's count down, and two names of one file stay (as
 * rename(2) does for hard links).  -ENOSYS: for the kernel. */
static long l2s_rename(const struct ctx *x, long sd, long sp, long dd, long dp, long flags)
{
	char sg[TV_PATH_MAX], sh[TV_PATH_MAX], dg[TV_PATH_MAX], dh[TV_PATH_MAX];
	char sdir[TV_PATH_MAX], ddir[TV_PATH_MAX], tmp[64];
	struct at s = { -1, NULL }, d = { -1, NULL };
	struct l2s *sf = tv_malloc(2 * sizeof *sf), *df = sf + 1;
	int is_s = 0, is_d = 0;

	if (!sf)
		return -ENOMEM;
	long r = flags & RENAME_EXCHANGE ? -ENOSYS : l2s_arg(x, sd, sp, PARENT, sg, sh, &s);
	if (r == 0 && (r = l2s_arg(x, dd, dp, PARENT, dg, dh, &d)) == 0) {
		is_s = l2s_find(x, sg, sh, 0, sf);
		is_d = l2s_find(x, dg, dh, 0, df);
		dir_of(sg, sdir);
		dir_of(dg, ddir);
	}
	if (r == 0 && !is_s && !is_d)
		r = -ENOSYS;
	else if (r == 0 && is_s && is_d && !tv_strcmp(sf->guest, df->guest))
		r = flags & RENAME_NOREPLACE ? -EEXIST : 0;
	else if (r == 0 && is_s && tv_strcmp(sdir, ddir)) {
		tv_snprintf(tmp, sizeof tmp, L2S "tmp.%d",
			    (int)tv_syscall6(__NR_gettid, 0, 0, 0, 0, 0, 0));
		struct at t = d;
		t.name = tmp;
		if ((r = l2s_make_name(sf, &t, dg)) == 0 &&
		    (r = tv_syscall6(__NR_renameat2, d.fd, (long)tmp, d.fd, (long)d.name, flags,
				     0)) < 0)
			sys(__NR_unlinkat, d.fd, (long)tmp, 0, 0);
		if (r == 0)
			sys(__NR_unlinkat, s.fd, (long)s.name, 0, 0);
	} else if (r == 0) {
		r = tv_syscall6(__NR_renameat2, s.fd, (long)s.name, d.fd, (long)d.name, flags, 0);
	}
	if (r == 0 && is_d && !(is_s && !tv_strcmp(sf->guest, df->guest))) {
		long k = l2s_lock_dir(df);
		l2s_set_count(df, l2s_count(df) - 1);
		l2s_unlock_dir(k);
	}
	if (is_s)
		at_close(&sf->at);
	if (is_d)
		at_close(&df->at);
	at_close(&s);
	at_close(&d);
	tv_free(sf);
	return r;
}

/* The count of the -l file at host path host (which has room for ".n"),
 * or 0 when it is not one. */
static long l2s_host_count(char *host)
{
	char t[32];
	size_t n = tv_strlen(host);

	if (!l2s_file_name(base_name(host)) || n + 3 > TV_PATH_MAX)
		return 0;
	tv_memcpy(host + n, ".n", 3);
	long v, k = readlink_host(host, t, sizeof t);
	host[n] = 0;
	return k > 0 && skip_number(t, &v) && v > 0 ? v : 1;
}

/* Under -l, a call on an object (not on a name, not following a final
 * link) gets the hidden file of a name's -l file: lstat and O_NOFOLLOW
 * see the file, as for a hard link.  *nlink: the count, for stat calls,
 * when the object is an -l file. */
static void l2s_object(const struct ctx *x, int mode, char *guest, char *host,
		       struct tv_path_result *res, long *nlink)
{
	struct l2s *f;

	if (mode == NOFOLLOW && (f = tv_malloc(sizeof *f))) {
		if (l2s_find(x, guest, host, 0, f)) {
			tv_memcpy(guest, f->guest, tv_strlen(f->guest) + 1);
			tv_memcpy(host, f->host, tv_strlen(f->host) + 1);
			res->which = f->which;
			res->kind = TV_PATH_FILE;
			at_close(&f->at);
		}
		tv_free(f);
	}
	*nlink = l2s_host_count(host);
}

static int is_stat(long nr)
{
#ifdef __NR_stat
	if (nr == __NR_stat || nr == __NR_lstat)
		return 1;
#endif
	return nr == __NR_newfstatat || nr == __NR_fstat;
}

/* The calls -l makes itself; -ENOSYS: not one (or not for -l). */
static long l2s_call(struct tv_call *c)
{
	const long *a = c->args;
	struct ctx x;

	snapshot(&x, c->pid, c->tid);
	switch (c->nr) {
#ifdef __NR_link
	case __NR_link:
		return l2s_link(&x, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
	case __NR_unlink:
		return l2s_unlink(&x, AT_FDCWD, a[0]);
	case __NR_rename:
		return l2s_rename(&x, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
#endif
#ifdef __NR_renameat
	case __NR_renameat:
		return l2s_rename(&x, a[0], a[1], a[2], a[3], 0);
#endif
	case __NR_linkat:
		return l2s_link(&x, a[0], a[1], a[2], a[3], a[4]);
	case __NR_unlinkat:
		return a[2] & AT_REMOVEDIR ? -ENOSYS : l2s_unlink(&x, a[0], a[1]);
	case __NR_renameat2:
		return l2s_rename(&x, a[0], a[1], a[2], a[3], a[4]);
	}
	return -ENOSYS;
}

static int is_l2s_call(long nr)
{
#ifdef __NR_link
	if (nr == __NR_link || nr == __NR_unlink || nr == __NR_rename)
		return 1;
#endif
#ifdef __NR_renameat
	if (nr == __NR_renameat)
		return 1;
#endif
	return nr == __NR_linkat || nr == __NR_unlinkat || nr == __NR_renameat2;
}

/* fstat, and the stat calls on their dirfd (AT_EMPTY_PATH, no path to
 * rewrite): the count of an open -l file. */
static long l2s_fd_count(const struct tv_call *c)
{
	char link[64], host[TV_PATH_MAX];
	long flags = c->nr == __NR_newfstatat ? c->args[3] : c->nr == __NR_statx ? c->args[2] : 0;

	if (c->nr != __NR_fstat && !(flags & AT_EMPTY_PATH))
		return 0;
	tv_snprintf(link, sizeof link, "/proc/self/fd/%d", (int)c->args[0]);
	return readlink_host(link, host, sizeof host) > 0 ? l2s_host_count(host) : 0;
}

/* getdents64's records (struct linux_dirent64, which the UAPI headers do
 * not export). */
#define DIRENT_RECLEN 16
#define DIRENT_NAME 19

/* Drops the records of names that begin with ".l2s." from the n bytes at
 * b; the new length. */
static long l2s_drop_hidden(char *b, long n)
{
	long in = 0, out = 0;

	while (in + DIRENT_NAME < n) {
		unsigned short len;
		tv_memcpy(&len, b + in + DIRENT_RECLEN, sizeof len);
		if (len <= DIRENT_NAME || in + len > n)
			break;
		if (!starts(b + in + DIRENT_NAME, L2S)) {
			for (long i = 0; out != in && i < len; i++)
				b[out + i] = b[in + i];
			out += len;
		}
		in += len;
	}
	return out;
}

/* getdents64 does not list the hidden files: cp -a, tar and rm -r would
 * take them for files of their own.  A batch of hidden files alone would
 * read as the end of the directory: the next one is read instead. */
static void l2s_getdents_exit(struct tv_call *c)
{
	long fd = c->args[0], buf = c->args[1], count = c->args[2], n = c->ret;

	while (n > 0) {
		char *b = tv_malloc((size_t)n);
		if (!b || tv_mem_read(b, (uintptr_t)buf, (size_t)n) < 0) {
			tv_free(b);
			break;
		}
		long m = l2s_drop_hidden(b, n);
		if (m != n)
			tv_mem_write((uintptr_t)buf, b, (size_t)m);
		tv_free(b);
		if (m > 0) {
			n = m;
			break;
		}
		n = tv_syscall6(__NR_getdents64, fd, buf, count, 0, 0, 0);
	}
	c->ret = n;
}

/* A stat call's st_nlink: the -l file's count. */
static void l2s_stat_exit(struct tv_call *c, long nlink)
{
	struct stat st;
	struct statx sx;
	long buf = c->nr == __NR_newfstatat ? c->args[2] : c->args[1];

	if (c->ret != 0 || nlink <= 0)
		return;
	if (c->nr == __NR_statx) {
		buf = c->args[4];
		if (tv_mem_read(&sx, (uintptr_t)buf, sizeof sx) == 0 && (sx.stx_mask & STATX_NLINK)) {
			sx.stx_nlink = (uint32_t)nlink;
			tv_mem_write((uintptr_t)buf, &sx, sizeof sx);
		}
		return;
	}
	if (!is_stat(c->nr) || tv_mem_read(&st, (uintptr_t)buf, sizeof st) < 0)
		return;
	st.st_nlink = nlink;
	tv_mem_write((uintptr_t)buf, &st, sizeof st);
}

/* ---- the path calls of the table ---- */

static enum tv_verdict generic(struct tv_call *c, const struct entry *e)
{
	struct ctx x;
	char path[TV_PATH_MAX], guest[TV_PATH_MAX], host[TV_PATH_MAX], arg[2][TV_PATH_MAX];
	int rewrite[2] = { 0, 0 }, fds[2] = { -1, -1 };
	int exec = e->special == SP_EXEC;
	long nlink = 0;

	snapshot(&x, c->pid, c->tid);
	for (int i = 0; i < 2; i++) {
		const struct pspec *s = &e->p[i];
		if (s->path < 0)
			continue;
		long ptr = c->args[(int)s->path];
		long fl = s->flags >= 0 ? c->args[(int)s->flags] : 0;
		int dirfd = s->dirfd >= 0 ? (int)c->args[(int)s->dirfd] : AT_FDCWD;
		if (ptr == 0 && (e->special == SP_NULL_OK || (s->empty && (fl & s->empty))))
			continue;	/* the call works on dirfd itself */
		long n = read_path(ptr, path);
		if (n == 0 && s->empty && (fl & s->empty))
			continue;
		/* Nothing to translate when the view is the host's and the
		 * kernel would find the same file (not for our /proc links). */
		if (n > 0 && is_identity(x.v) && !starts(path, "/proc") && !exec && !opt_l2s &&
		    (path[0] == '/' || dirfd != AT_FDCWD || x.cwd_real))
			continue;
		int mode = spec_mode(s, c->args), r = n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
		struct tv_path_result res;
		if (r == 0)
			r = resolve_at(&x, dirfd, path, mode, guest, host, &res);
		if (r == 0 && opt_l2s && !exec && s->mode != PARENT)
			l2s_object(&x, mode, guest, host, &res, &nlink);
		if (r == 0 && exec) {
			r = exec_path(c, mode, host, &res);
			tv_memcpy(arg[i], guest, tv_strlen(guest) + 1);
		} else if (r == 0) {
			/* The open family names its object's directory too: it
			 * may create the object; so do the calls with a flag for
			 * not following (set below), which is cheaper for the
			 * kernel than the object's /proc link. */
			int object = mode == FOLLOW && s->mode != OPEN && !flag_arg(s);
			r = pinned_arg(&x, host, res.which, object, s->dirfd >= 0, arg[i], &fds[i]);
		}
		if (r < 0) {
			close_fds(fds, i);
			return tv_return(c, r);
		}
		rewrite[i] = 1;
	}
	if (!rewrite[0] && !rewrite[1])
		return TV_RUN;
	size_t len[2] = { rewrite[0] ? tv_strlen(arg[0]) + 1 : 0, rewrite[1] ? tv_strlen(arg[1]) + 1 : 0 };
	struct call_data *d = data_new(c, len[0] + len[1]);
	if (!d) {
		close_fds(fds, 2);
		return tv_return(c, -ENOMEM);
	}
	d->nlink = nlink;
	for (int i = 0; i < 2; i++) {
		const struct pspec *s = &e->p[i];
		if (!rewrite[i])
			continue;
		char *m = d->mem + (i ? len[0] : 0);
		tv_memcpy(m, arg[i], len[i]);
		c->args[(int)s->path] = (long)m;
		d->fds[i] = fds[i];
		if (fds[i] < 0)
			continue;
		/* Our walk has followed every link. */
		if (s->mode == OPEN)
			c->args[(int)s->flags] |= O_NOFOLLOW;
		else if (flag_arg(s) && s->mode == FLAG_NOFOLLOW)
			c->args[(int)s->flags] |= s->bit;
		else if (flag_arg(s))
			c->args[(int)s->flags] &= ~(long)s->bit;
		if (s->dirfd >= 0 && arg[i][0] != '/')
			c->args[(int)s->dirfd] = fds[i];
	}
	return TV_RUN;
}

/* ---- the special calls ---- */

#ifdef __NR_creat
/* creat is open with O_CREAT | O_WRONLY | O_TRUNC: made one, it gets the
 * open family's O_NOFOLLOW on its pinned last name, which creat has no
 * flags for.  (The core makes the call c->nr names after enter().) */
static enum tv_verdict do_creat(struct tv_call *c)
{
	c->nr = __NR_open;
	c->args[2] = c->args[1];
	c->args[1] = O_CREAT | O_WRONLY | O_TRUNC;
	return generic(c, find(__NR_open));
}
#endif

static long do_readlink(struct tv_call *c, int dirfd, long pathp, long buf, long size)
{
	struct ctx x;
	char path[TV_PATH_MAX], host[TV_PATH_MAX], out[TV_PATH_MAX];
	char *guest = out, *raw = path;	/* each is done with before reuse */
	struct tv_path_result res;

	long n = read_path(pathp, path);
	if (n < 0)
		return n;
	if (n == 0 && dirfd != AT_FDCWD)
		return sys(__NR_readlinkat, dirfd, pathp, buf, size);	/* an O_PATH link */
	if (n == 0)
		return -ENOENT;
	if ((int)size <= 0)
		return -EINVAL;
	snapshot(&x, c->pid, c->tid);
	int r = resolve_at(&x, dirfd, path, NOFOLLOW, guest, host, &res);
	if (r < 0)
		return r;
	if (opt_l2s && l2s_is_name(&x, guest, host))
		return -EINVAL;	/* as for the file of a hard link */
	int m = proc_magic(host, x.pid);
	if (!tv_strcmp(host, "/proc/thread-self")) {
		lookup(&x, host, TV_LOOKUP_FOLLOW, out, sizeof out);
		n = (long)tv_strlen(out);
	} else if (m != MAGIC_NONE) {
		n = magic_value(&x, m, host, out, sizeof out);
	} else {
		n = readlink_pinned(&x, host, res.which, raw, TV_PATH_MAX);
		if (n < 0)
			return n;
		/* Links in the root hold guest paths; links in a bind hold
		 * host paths, and /proc's hold host paths too. */
		if (res.which < 0 || !target_to_guest(x.v, raw, out, sizeof out))
			tv_memcpy(out, raw, (size_t)n + 1);
		n = (long)tv_strlen(out);
	}
	if (n < 0)
		return n;
	if (n > size)
		n = size;
	if (tv_mem_write((uintptr_t)buf, out, (size_t)n) < 0)
		return -EFAULT;
	return n;
}

static long do_getcwd(int pid, long buf, long size)
{
	char copy[TV_PATH_MAX];

	tv_lock(&state_lock);
	const struct pstate *s = state_of(pid, 0);
	size_t n = tv_strlen(s->cwd) + 1;
	tv_memcpy(copy, s->cwd, n);
	tv_unlock(&state_lock);
	if ((unsigned long)size < n)
		return -ERANGE;
	if (tv_mem_write((uintptr_t)buf, copy, n) < 0)
		return -EFAULT;
	return (long)n;
}

/* Makes guest directory g (the directory open on fd, else host path h,
 * else one the host lacks: a bind's glue) process pid's working
 * directory: the real one moves too, and gives the kernel's errors; glue
 * (glue_ok) is only ours. */
static long set_cwd(int pid, const char *g, const char *h, int fd, int glue_ok)
{
	tv_lock(&state_lock);
	long r = fd >= 0 ? sys(__NR_fchdir, fd, 0, 0, 0) : h ? sys(__NR_chdir, (long)h, 0, 0, 0) : -ENOENT;
	if (r == 0 || (r == -ENOENT && glue_ok)) {
		struct pstate *s = state_of(pid, 1);
		if (s) {
			tv_memcpy(s->cwd, g, tv_strlen(g) + 1);
			s->cwd_real = r == 0;
		}
		r = s ? 0 : -ENOMEM;
	}
	tv_unlock(&state_lock);
	return r;
}

static long do_chdir(struct tv_call *c)
{
	struct ctx x;
	char path[TV_PATH_MAX], guest[TV_PATH_MAX], host[TV_PATH_MAX];
	struct tv_path_result res;
	const char *last;

	long n = read_path(c->args[0], path);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	snapshot(&x, c->pid, c->tid);
	int r = resolve_at(&x, AT_FDCWD, path, FOLLOW, guest, host, &res);
	if (r < 0)
		return r;
	if (res.kind == TV_PATH_MISSING)
		return -ENOENT;
	if (res.kind != TV_PATH_DIR)
		return -ENOTDIR;
	long fd = pin(&x, host, res.which, 1, &last);
	if (fd == NOPIN)
		return set_cwd(c->pid, guest, host, -1, 1);
	if (fd < 0 && fd != -ENOENT)
		return fd;
	n = set_cwd(c->pid, guest, NULL, (int)fd, 1);
	close_fds((int[]){ (int)fd }, 1);
	return n;
}

static long do_fchdir(struct tv_call *c)
{
	struct ctx x;
	char guest[TV_PATH_MAX];

	snapshot(&x, c->pid, c->tid);
	int r = fd_guest_path(&x, (int)c->args[0], guest, sizeof guest);
	if (r == -ENOTDIR)
		return sys(__NR_fchdir, c->args[0], 0, 0, 0);	/* the kernel's error */
	if (r < 0)
		return r;
	return set_cwd(c->pid, guest, NULL, (int)c->args[0], 0);
}

/* The view after chroot(dir), dir a canonical guest directory of from: its
 * host path becomes the root (anchored where from's mapping of it is),
 * the binds below it stay. */
static long chroot_view(const struct view *from, const char *dir, const struct view **out)
{
	const struct tv_path_view *v = &from->pv;
	char h[TV_PATH_MAX];
	int which;
	size_t need = TV_PATH_MAX, nb = (size_t)v->nbinds + 1;

	for (int i = 0; i < v->nbinds; i++)
		need += tv_strlen(v->binds[i].host) + tv_strlen(v->binds[i].guest) + 2;
	struct view *nv = tv_malloc(sizeof *nv + nb * sizeof(struct tv_path_bind) + need);
	if (!nv)
		return -ENOMEM;
	struct tv_path_bind *binds = (struct tv_path_bind *)(nv + 1);
	int r = tv_path_subview(v, dir, &nv->pv, binds, (char *)(binds + nb), need);
	if (r == 0)
		r = tv_path_to_host(v, dir, h, sizeof h, &which);
	if (r < 0) {
		tv_free(nv);
		return r;
	}
	nv->anchor = which >= 0 ? tv_strlen(v->binds[which].host)
		     : from->anchor ? from->anchor : tv_strlen(v->root);
	*out = nv;
	return 0;
}

/* chroot inside the view: the directory's host path becomes the root, the
 * binds below it stay, the working directory is kept if it is inside.
 * The new root is also kept as a path of the options' view, for the next
 * program (exec_options). */
static long do_chroot(struct tv_call *c)
{
	struct ctx x;
	char path[TV_PATH_MAX], guest[TV_PATH_MAX], host[TV_PATH_MAX];
	struct tv_path_result res;
	const struct view *nv;

	long n = read_path(c->args[0], path);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENOENT;
	if (tv_syscall6(__NR_geteuid, 0, 0, 0, 0, 0, 0) != 0)
		return -EPERM;
	snapshot(&x, c->pid, c->tid);
	int r = resolve_at(&x, AT_FDCWD, path, FOLLOW, guest, host, &res);
	if (r < 0)
		return r;
	if (res.kind == TV_PATH_MISSING)
		return -ENOENT;
	if (res.kind != TV_PATH_DIR)
		return -ENOTDIR;
	if ((r = (int)chroot_view(x.fv, guest, &nv)) < 0)
		return r;
	tv_lock(&state_lock);
	struct pstate *s = state_of(c->pid, 1);
	char *root = NULL;
	if (s && tv_path_normalize(s->chroot ? s->chroot : "/", guest + 1, path, sizeof path) == 0)
		root = tv_strdup(path);
	if (!root) {
		tv_unlock(&state_lock);
		return -ENOMEM;	/* nv is lost: chroot is rare */
	}
	/* Views are never freed: another thread may be resolving in the old. */
	s->view = nv;
	s->chroot = root;
	long cut = tv_path_under(guest, s->cwd);
	if (cut < 0) {
		/* Outside the new root, as the kernel allows; we can only
		 * show it as the root. */
		s->cwd[0] = '/';
		s->cwd[1] = 0;
	} else {
		char rest[TV_PATH_MAX];
		tv_memcpy(rest, s->cwd + cut, tv_strlen(s->cwd + cut) + 1);
		if (!rest[0])
			rest[0] = '/', rest[1] = 0;
		tv_memcpy(s->cwd, rest, tv_strlen(rest) + 1);
	}
	tv_unlock(&state_lock);
	return 0;
}

/* The guest's struct open_how, read as the kernel reads it: bytes past
 * the ones we know must be zero. */
static long read_how(long ptr, size_t size, struct open_how *how)
{
	unsigned char tail[64];

	if (size < sizeof *how)
		return -EINVAL;
	if (size > 4096)
		return -E2BIG;
	if (tv_mem_read(how, (uintptr_t)ptr, sizeof *how) < 0)
		return -EFAULT;
	for (size_t at = sizeof *how; at < size; at += sizeof tail) {
		size_t n = size - at < sizeof tail ? size - at : sizeof tail;
		if (tv_mem_read(tail, (uintptr_t)ptr + at, n) < 0)
			return -EFAULT;
		for (size_t i = 0; i < n; i++) {
			if (tail[i])
				return -E2BIG;
		}
	}
	return 0;
}

/* openat2 with RESOLVE_BENEATH or RESOLVE_IN_ROOT from the working
 * directory: the kernel keeps the walk below a dirfd, which is inside the
 * view, so it gets the guest's working directory as one. */
static enum tv_verdict openat2_beneath(struct tv_call *c, const struct ctx *x)
{
	char host[TV_PATH_MAX];
	const char *last;
	int which;

	int r = tv_path_to_host(x->v, x->cwd, host, sizeof host, &which);
	if (r < 0)
		return tv_return(c, r);
	long fd = pin(x, host, which, 1, &last);
	if (fd == NOPIN)
		fd = sys(__NR_openat, AT_FDCWD, (long)host, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	if ((fd = park(fd)) < 0)
		return tv_return(c, fd);
	struct call_data *d = data_new(c, 0);
	if (!d) {
		sys(__NR_close, fd, 0, 0, 0);
		return tv_return(c, -ENOMEM);
	}
	d->fds[0] = (int)fd;
	c->args[0] = fd;
	return TV_RUN;
}

static enum tv_verdict do_openat2(struct tv_call *c)
{
	struct ctx x;
	struct open_how how;
	char path[TV_PATH_MAX], guest[TV_PATH_MAX], host[TV_PATH_MAX];
	struct tv_path_result res;
	int dirfd = (int)c->args[0], fd;

	/* What we cannot read, the kernel must not get to walk untranslated. */
	long n = read_how(c->args[2], (size_t)c->args[3], &how);
	if (n == 0)
		n = read_path(c->args[1], path);
	if (n < 0)
		return tv_return(c, n);
	snapshot(&x, c->pid, c->tid);
	if (how.resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) {
		if (dirfd == AT_FDCWD)
			return openat2_beneath(c, &x);
		int r = fd_guest_path(&x, dirfd, guest, sizeof guest);
		return r == -EACCES ? tv_return(c, r) : TV_RUN;
	}
	if (n == 0)
		return tv_return(c, -ENOENT);
	int flags = open_mode((long)how.flags);
	if (how.resolve & RESOLVE_NO_SYMLINKS)
		flags |= TV_PATH_NO_SYMLINKS;
	int r = resolve_at(&x, dirfd, path, flags, guest, host, &res);
	if (r == 0)
		r = pinned_arg(&x, host, res.which, 0, 1, path, &fd);
	if (r < 0)
		return tv_return(c, r);
	size_t len = tv_strlen(path) + 1;
	struct call_data *d = data_new(c, sizeof how + len);
	if (!d) {
		close_fds(&fd, 1);
		return tv_return(c, -ENOMEM);
	}
	d->fds[0] = fd;
	/* Our absolute host path crosses the host's mounts above the root. */
	how.resolve &= ~(unsigned long long)RESOLVE_NO_XDEV;
	if (fd >= 0) {
		how.flags |= O_NOFOLLOW;	/* our walk followed them all */
		c->args[0] = fd;
	}
	tv_memcpy(d->mem, &how, sizeof how);
	tv_memcpy(d->mem + sizeof how, path, len);
	c->args[1] = (long)(d->mem + sizeof how);
	c->args[2] = (long)d->mem;
	c->args[3] = sizeof how;
	return TV_RUN;
}

/* A unix socket's host path too long for sun_path, reached through
 * /proc/thread-self/fd/N/NAME of its directory, in out; the fd, or -errno. */
static long long_sockpath(char *host, char *out, size_t cap)
{
	size_t hl = tv_strlen(host);
	char *slash = host + hl;

	while (slash > host && *slash != '/')
		slash--;
	*slash = 0;
	long fd = park(sys(__NR_openat, AT_FDCWD, (long)(slash == host ? "/" : host),
			   O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
	if (fd < 0)
		return fd;
	int k = tv_snprintf(out, cap, THREAD_FD "%ld/%s", fd, slash + 1);
	if (k < 0 || (size_t)k >= cap) {
		sys(__NR_close, fd, 0, 0, 0);
		return -ENAMETOOLONG;
	}
	return fd;
}

/* bind/connect: a unix socket's path is translated like any other.
 * connect reaches the socket pinned (its path is not kept anywhere);
 * bind names it by its host path, which getsockname shows, unless that
 * is too long for sun_path: then through its pinned directory. */
static enum tv_verdict do_sockaddr(struct tv_call *c, int mode)
{
	struct ctx x;
	struct sockaddr_un sa;
	char path[sizeof sa.sun_path + 1], guest[TV_PATH_MAX], host[TV_PATH_MAX], arg[TV_PATH_MAX];
	struct tv_path_result res;
	long len = (long)(int)c->args[2];
	int fd = -1;

	if (len <= 2)
		return TV_RUN;	/* no path: unnamed, or the kernel's EINVAL */
	if (tv_mem_read(&sa, (uintptr_t)c->args[1], len < (long)sizeof sa ? (size_t)len : sizeof sa) < 0)
		return tv_return(c, -EFAULT);
	if (sa.sun_family != TV_AF_UNIX || sa.sun_path[0] == 0)
		return TV_RUN;	/* not unix, or abstract */
	if (len > (long)sizeof sa)
		return tv_return(c, -EINVAL);
	size_t n = 0;
	while (n < (size_t)len - 2 && sa.sun_path[n])
		n++;
	tv_memcpy(path, sa.sun_path, n);
	path[n] = 0;
	snapshot(&x, c->pid, c->tid);
	if (is_identity(x.v) && (path[0] == '/' || x.cwd_real))
		return TV_RUN;
	int r = resolve_at(&x, AT_FDCWD, path, mode, guest, host, &res);
	if (r < 0)
		return tv_return(c, r);
	int too_long = tv_strlen(host) >= sizeof sa.sun_path;
	if (mode == FOLLOW || too_long)
		r = pinned_arg(&x, host, res.which, mode == FOLLOW, 0, arg, &fd);
	else
		tv_memcpy(arg, host, tv_strlen(host) + 1);
	if (r == 0 && fd < 0 && too_long) {
		long k = long_sockpath(host, arg, sizeof arg);
		r = k < 0 ? (int)k : 0;
		fd = k < 0 ? -1 : (int)k;
	}
	size_t al = tv_strlen(arg);
	if (r == 0 && al >= sizeof sa.sun_path)
		r = -ENAMETOOLONG;
	struct call_data *d = r < 0 ? NULL : data_new(c, sizeof sa);
	if (!d) {
		close_fds(&fd, 1);
		return tv_return(c, r < 0 ? r : -ENOMEM);
	}
	d->fds[0] = fd;
	struct sockaddr_un *out = (struct sockaddr_un *)d->mem;
	out->sun_family = TV_AF_UNIX;
	tv_memcpy(out->sun_path, arg, al + 1);
	c->args[1] = (long)out;
	c->args[2] = (long)(2 + al + 1);
	return TV_RUN;
}

static enum tv_verdict do_sockname(struct tv_call *c)
{
	int cap;

	if (!c->args[1] || !c->args[2] || tv_mem_read(&cap, (uintptr_t)c->args[2], sizeof cap) < 0)
		return TV_RUN;
	struct call_data *d = data_new(c, 0);
	if (!d)
		return TV_RUN;
	d->sock_fix = 1;
	d->addr = c->args[1];
	d->lenp = c->args[2];
	d->addr_cap = cap;
	return TV_RUN;
}

static void sockname_exit(struct tv_call *c, struct call_data *d)
{
	struct sockaddr_un sa = { 0 };
	char host[sizeof sa.sun_path + 1], guest[TV_PATH_MAX];
	int len;

	if (c->ret != 0 || tv_mem_read(&len, (uintptr_t)d->lenp, sizeof len) < 0 || len <= 2 ||
	    d->addr_cap <= 2)
		return;
	size_t got = (size_t)(len < d->addr_cap ? len : d->addr_cap);
	if (got > sizeof sa)
		got = sizeof sa;
	if (tv_mem_read(&sa, (uintptr_t)d->addr, got) < 0 || sa.sun_family != TV_AF_UNIX ||
	    sa.sun_path[0] != '/')
		return;
	size_t n = 0;
	while (n < (size_t)len - 2 && n < sizeof sa.sun_path && sa.sun_path[n])
		n++;
	tv_memcpy(host, sa.sun_path, n);
	host[n] = 0;
	tv_lock(&state_lock);
	const struct tv_path_view *v = &state_of(c->pid, 0)->view->pv;
	tv_unlock(&state_lock);
	if (tv_path_to_guest(v, host, guest, sizeof guest) < 0)
		return;
	size_t gl = tv_strlen(guest);
	if (gl >= sizeof sa.sun_path)
		return;
	tv_memcpy(sa.sun_path, guest, gl + 1);
	int newlen = (int)(2 + gl + 1);
	size_t put = (size_t)(newlen < d->addr_cap ? newlen : d->addr_cap);
	tv_mem_write((uintptr_t)d->addr, &sa, put);
	tv_mem_write((uintptr_t)d->lenp, &newlen, sizeof newlen);
}

/* Did this clone, vfork or clone3 make a vfork child?  It has exec'd or
 * ended when the call returns. */
static int made_vfork_child(const struct tv_call *c)
{
	uint64_t flags = 0;

	if (c->ret <= 0)
		return 0;
#ifdef __NR_vfork
	if (c->nr == __NR_vfork)
		return 1;
#endif
	if (c->nr == __NR_clone)
		flags = (uint64_t)c->args[0];
	else if (c->nr != __NR_clone3 || tv_mem_read(&flags, (uintptr_t)c->args[0], sizeof flags) < 0)
		return 0;
	return (flags & CLONE_VFORK) != 0;
}

/* ---- -0, -i and -k: the ids and the kernel release the guest sees ---- */

/* With -0 (or -i UID:GID) the guest runs with those ids, as proot -0 and
 * -i show them: the get*id calls answer from the process's creds, the
 * set*id calls and setgroups change them under the kernel's rules (euid 0
 * may do anything), stat shows the files the user owns as owned by the
 * saved ids, and chown and chmod succeed: what they set is remembered by
 * file (device and inode) in a table every process of the session shares,
 * and stat shows it.  The host file keeps its owner; its mode gets the
 * permission bits asked for plus the owner's read and write (and search,
 * for a directory), so that the fake root can still use it, and never the
 * set-id bits, which live in the table only. */
static int fake_ids;			/* -0 or -i given */
static uint32_t opt_uid, opt_gid;	/* their ids */
static uint32_t real_uid, real_gid;	/* ours, as the kernel has them */
static const char *opt_release;		/* -k */
static const char *opt_cred;		/* --tv-fs-cred, from the previous program */
static long opt_table_fd = -1;		/* --tv-fs-table, from the previous program */
static const char *opt_state;		/* --state */
static const char *opt_qemu;		/* -q: the emulator's command line */

#define UNSET 0xffffffffu
#define N_OWNERS (1u << 18)
#define PROBES 256

struct owner {
	uint32_t major, minor;
	uint64_t ino;			/* 0: a free slot */
	uint32_t uid, gid, mode;	/* UNSET where chown or chmod did not set it */
	uint32_t pad;
};

/* In a shared memfd, or the --state file: forked processes share it, and
 * the next program gets its descriptor (table_fd, close-on-exec but for
 * the execve).  The lock is a spin lock: tv_lock's futex is private to
 * one address space.  The header tells a state file from any other file,
 * and from the table of a build with another layout. */
#define TABLE_MAGIC "tvfsown1"
struct owners {
	char magic[8];
	uint32_t n, entry;	/* N_OWNERS, sizeof (struct owner) */
	int lock;
	struct owner e[N_OWNERS];
};
static struct owners *owners;
static long table_fd = -1;
static uint64_t table_ino;	/* table_fd's, to know it is still ours */

static void owners_lock(void)
{
	int z = 0;
	while (!__atomic_compare_exchange_n(&owners->lock, &z, 1, 0, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED)) {
		z = 0;
		tv_syscall6(__NR_sched_yield, 0, 0, 0, 0, 0, 0);
	}
}

static void owners_unlock(void)
{
	__atomic_store_n(&owners->lock, 0, __ATOMIC_RELEASE);
}

/* The slot of a file, with the lock held; a new one if add, else NULL
 * when it has none (or the table is full). */
static struct owner *owner_slot(uint32_t major, uint32_t minor, uint64_t ino, int add)
{
	uint64_t h = (ino * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)major << 20 ^ minor);

	for (uint32_t i = 0; i < PROBES; i++) {
		struct owner *o = &owners->e[(h + i) & (N_OWNERS - 1)];
		if (o->ino == ino && o->major == major && o->minor == minor)
			return o;
		if (o->ino == 0) {
			if (!add)
				return NULL;
			*o = (struct owner){ major, minor, ino, UNSET, UNSET, UNSET, 0 };
			return o;
		}
	}
	return NULL;
}

static int owners_valid(void)
{
	return !tv_strncmp(owners->magic, TABLE_MAGIC, sizeof owners->magic) &&
	       owners->n == N_OWNERS && owners->entry == sizeof(struct owner);
}

/* Maps the table on fd, one already (its size and header checked) or,
 * with create, an empty file that gets its size and header; it stays
 * open, close-on-exec.  0, or -ENOMEM, or -EINVAL for a file that is
 * not a table. */
static int table_open(long fd, int create)
{
	struct statx st;

	if (tv_syscall6(__NR_statx, fd, (long)"", AT_EMPTY_PATH, STATX_INO | STATX_SIZE, (long)&st,
			0) < 0)
		return -EINVAL;
	int fresh = create && st.stx_size == 0;
	if (fresh && sys(__NR_ftruncate, fd, sizeof *owners, 0, 0) < 0)
		return -ENOMEM;
	if (!fresh && st.stx_size != sizeof *owners)
		return -EINVAL;
	void *m = (void *)tv_syscall6(__NR_mmap, 0, sizeof *owners, PROT_READ | PROT_WRITE,
				      MAP_SHARED, fd, 0);
	if ((unsigned long)m > -4096ul)
		return -ENOMEM;
	owners = m;
	if (fresh) {
		tv_memcpy(owners->magic, TABLE_MAGIC, sizeof owners->magic);
		owners->n = N_OWNERS;
		owners->entry = sizeof(struct owner);
	}
	if (!owners_valid()) {
		sys(__NR_munmap, (long)m, sizeof *owners, 0, 0);
		owners = NULL;
		return -EINVAL;
	}
	sys(__NR_fcntl, fd, F_SETFD, FD_CLOEXEC, 0);
	table_fd = fd;
	table_ino = st.stx_ino;
	return 0;
}

/* A descriptor we keep for the session goes above the guest's usual ones. */
static long raise_fd(long fd)
{
	long hi = fd_floor > 0 ? sys(__NR_fcntl, fd, F_DUPFD_CLOEXEC, fd_floor, 0) : -1;

	if (hi < 0)
		return fd;
	sys(__NR_close, fd, 0, 0, 0);
	return hi;
}

/* --state FILE: the table is the file's, kept from session to session.
 * One session at a time: the lock (flock, on the open file that the
 * session's processes inherit) is held until the last of them ends, and
 * a second session is refused rather than mixing its changes in. */
static int state_start(void)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)opt_state, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	const char *why = NULL;

	if (fd < 0) {
		tv_dprintf(2, NAME ": --state '%s': %s\n", opt_state, errstr((int)fd));
		return -1;
	}
	if (sys(__NR_flock, fd, LOCK_EX | LOCK_NB, 0, 0) < 0) {
		why = "in use by another session";
	} else {
		int r = table_open(raise_fd(fd), 1);
		why = r == -EINVAL ? "not a tvisor-fs state file (wrong size or header)"
		      : r < 0	   ? "cannot map it"
				   : NULL;
	}
	if (why) {
		tv_dprintf(2, NAME ": --state '%s': %s\n", opt_state, why);
		return -1;
	}
	/* A session killed while it held the spin lock left it taken; we
	 * are the only session now. */
	__atomic_store_n(&owners->lock, 0, __ATOMIC_RELEASE);
	return 0;
}

/* The table of the session: the previous program's, the state file's, or
 * a new one. */
static int owners_start(void)
{
	if (opt_table_fd >= 0 && table_open(opt_table_fd, 0) == 0)
		return 0;
	if (opt_state)
		return state_start();
	long fd = sys(__NR_memfd_create, (long)"tvisor-fs-owners", MFD_CLOEXEC, 0, 0);
	if (fd < 0 || table_open(raise_fd(fd), 1) < 0) {
		tv_dprintf(2, NAME ": no memory for the table of owners\n");
		return -1;
	}
	return 0;
}

/* Is table_fd still the table?  (A guest's dup2 may have put a file of
 * its own there, which must not become the next program's table.) */
static int table_is_ours(void)
{
	struct statx st;

	return table_fd >= 0 &&
	       tv_syscall6(__NR_statx, table_fd, (long)"", AT_EMPTY_PATH, STATX_INO, (long)&st,
			   0) == 0 &&
	       st.stx_ino == table_ino;
}

static int is_dup(long nr)
{
#ifdef __NR_dup2
	if (nr == __NR_dup2)
		return 1;
#endif
	return nr == __NR_dup3;
}

/* The guest must not lose the table's descriptor by accident: close() of
 * it fails with EBADF, as if it were not open, close_range() skips it,
 * and dup2()/dup3() onto it first moves it.  1 with *ret set when the
 * call is answered here. */
static int guard_table(struct tv_call *c, long *ret)
{
	const long *a = c->args;
	unsigned long fd = (unsigned long)table_fd, lo = (unsigned)a[0], hi = (unsigned)a[1];

	if (table_fd < 0)
		return 0;
	if (c->nr == __NR_close && a[0] == table_fd) {
		*ret = -EBADF;
		return 1;
	}
	if (c->nr == __NR_close_range && lo <= fd && fd <= hi && !(a[2] & CLOSE_RANGE_CLOEXEC)) {
		long r = lo < fd ? sys(__NR_close_range, (long)lo, (long)fd - 1, a[2], 0) : 0;
		if (r == 0 && fd < hi)
			r = sys(__NR_close_range, (long)fd + 1, (long)hi, a[2], 0);
		*ret = r;
		return 1;
	}
	if (is_dup(c->nr) && a[1] == table_fd && a[0] != a[1]) {
		long n = sys(__NR_fcntl, table_fd, F_DUPFD_CLOEXEC, table_fd + 1, 0);
		if (n >= 0)
			table_fd = n;	/* the dup2 closes the old one */
	}
	return 0;
}

static struct creds *creds_of(int pid, int write)
{
	struct pstate *s = state_of(pid, write);
	return s ? &s->cred : NULL;
}

static void creds_start(struct creds *c)
{
	unsigned long v[8];
	const char *p = opt_cred;

	c->uid = (struct id){ opt_uid, opt_uid, opt_uid, opt_uid };
	c->gid = (struct id){ opt_gid, opt_gid, opt_gid, opt_gid };
	c->ngroups = -1;
	for (int i = 0; p && i < 8; i++) {
		long n;
		p = skip_number(p, &n);
		if (!p || (i < 7 && *p++ != ','))
			return;
		v[i] = (unsigned long)n;
	}
	if (!p)
		return;
	c->uid = (struct id){ (uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2], (uint32_t)v[3] };
	c->gid = (struct id){ (uint32_t)v[4], (uint32_t)v[5], (uint32_t)v[6], (uint32_t)v[7] };
}

/* setresuid(2)'s rule: unprivileged, each new id must be one of the
 * current real, effective and saved ones.  The fs id follows the
 * effective one. */
static long set_ids(struct id *id, int priv, uint32_t r, uint32_t e, uint32_t s)
{
	const uint32_t want[3] = { r, e, s };

	for (int i = 0; i < 3 && !priv; i++) {
		if (want[i] != UNSET && want[i] != id->r && want[i] != id->e && want[i] != id->s)
			return -EPERM;
	}
	if (r != UNSET)
		id->r = r;
	if (e != UNSET)
		id->e = e;
	if (s != UNSET)
		id->s = s;
	id->fs = id->e;
	return 0;
}

static long set_fs(struct id *id, int priv, uint32_t v)
{
	uint32_t old = id->fs;

	if (priv || v == id->r || v == id->e || v == id->s || v == id->fs)
		id->fs = v;
	return old;
}

static long put_ids(const struct id *id, const long *a)
{
	const uint32_t v[3] = { id->r, id->e, id->s };

	for (int i = 0; i < 3; i++) {
		if (tv_mem_write((uintptr_t)a[i], &v[i], sizeof v[i]) < 0)
			return -EFAULT;
	}
	return 0;
}

static long get_groups(struct tv_call *c, const struct creds *cr)
{
	long n = c->args[0];

	if (cr->ngroups < 0)
		return tv_syscall6(c->nr, n, c->args[1], 0, 0, 0, 0);
	if (n == 0)
		return cr->ngroups;
	if (n < cr->ngroups)
		return -EINVAL;
	if (tv_mem_write((uintptr_t)c->args[1], cr->groups, (size_t)cr->ngroups * 4) < 0)
		return -EFAULT;
	return cr->ngroups;
}

static long set_groups(struct creds *cr, long n, long list)
{
	if (cr->uid.e != 0)
		return -EPERM;
	if (n < 0 || n > MAX_GROUPS)
		return -EINVAL;
	if (tv_mem_read(cr->groups, (uintptr_t)list, (size_t)n * 4) < 0)
		return -EFAULT;
	cr->ngroups = (int)n;
	return 0;
}

/* The id calls, answered from the creds of the calling process (under
 * state_lock); -ENOSYS: not one of them. */
static long id_call(struct tv_call *c, struct creds *cr)
{
	const long *a = c->args;
	const uint32_t u0 = (uint32_t)a[0], u1 = (uint32_t)a[1], u2 = (uint32_t)a[2];
	int priv = cr->uid.e == 0;

	switch (c->nr) {
	case __NR_getuid: return cr->uid.r;
	case __NR_geteuid: return cr->uid.e;
	case __NR_getgid: return cr->gid.r;
	case __NR_getegid: return cr->gid.e;
	case __NR_getresuid: return put_ids(&cr->uid, a);
	case __NR_getresgid: return put_ids(&cr->gid, a);
	case __NR_setuid:
		return set_ids(&cr->uid, priv, priv ? u0 : UNSET, u0, priv ? u0 : UNSET);
	case __NR_setgid:
		return set_ids(&cr->gid, priv, priv ? u0 : UNSET, u0, priv ? u0 : UNSET);
	case __NR_setreuid:
		/* The saved id follows a new effective one when the real
		 * one is set or the effective one is not the real one. */
		return set_ids(&cr->uid, priv, u0, u1,
			       u0 != UNSET || (u1 != UNSET && u1 != cr->uid.r)
				       ? (u1 != UNSET ? u1 : cr->uid.e) : UNSET);
	case __NR_setregid:
		return set_ids(&cr->gid, priv, u0, u1,
			       u0 != UNSET || (u1 != UNSET && u1 != cr->gid.r)
				       ? (u1 != UNSET ? u1 : cr->gid.e) : UNSET);
	case __NR_setresuid: return set_ids(&cr->uid, priv, u0, u1, u2);
	case __NR_setresgid: return set_ids(&cr->gid, priv, u0, u1, u2);
	case __NR_setfsuid: return set_fs(&cr->uid, priv, u0);
	case __NR_setfsgid: return set_fs(&cr->gid, priv, u0);
	case __NR_getgroups: return get_groups(c, cr);
	case __NR_setgroups: return set_groups(cr, a[0], a[1]);
	}
	return -ENOSYS;
}

static const int id_nrs[] = {
	__NR_getuid, __NR_geteuid, __NR_getgid, __NR_getegid, __NR_getresuid, __NR_getresgid,
	__NR_setuid, __NR_setgid, __NR_setreuid, __NR_setregid, __NR_setresuid, __NR_setresgid,
	__NR_setfsuid, __NR_setfsgid, __NR_getgroups, __NR_setgroups,
};

/* What -0 and -i trap besides the path calls (some are path calls too). */
static const int fake_nrs[] = {
	__NR_fstat, __NR_fchown, __NR_fchmod, __NR_close, __NR_close_range, __NR_dup3,
#ifdef __NR_dup2
	__NR_dup2,
#endif
};

static int id_call_nr(long nr)
{
	for (size_t i = 0; i < sizeof id_nrs / sizeof id_nrs[0]; i++) {
		if (id_nrs[i] == nr)
			return 1;
	}
	return 0;
}

static enum tv_verdict do_id(struct tv_call *c)
{
	int write = c->nr != __NR_getuid && c->nr != __NR_geteuid && c->nr != __NR_getgid &&
		    c->nr != __NR_getegid && c->nr != __NR_getresuid && c->nr != __NR_getresgid;

	tv_lock(&state_lock);
	struct creds *cr = creds_of(c->pid, write);
	long r = cr ? id_call(c, cr) : -ENOMEM;
	tv_unlock(&state_lock);
	return tv_return(c, r);
}

/* What a stat call returns, as the guest sees it: the table's owner and
 * mode, else the saved ids for what we own. */
static void shown(int pid, uint32_t major, uint32_t minor, uint64_t ino, uint32_t *uid,
		  uint32_t *gid, uint32_t *mode)
{
	tv_lock(&state_lock);
	const struct creds *cr = creds_of(pid, 0);
	uint32_t su = cr->uid.s, sg = cr->gid.s;
	tv_unlock(&state_lock);
	owners_lock();
	const struct owner *o = owner_slot(major, minor, ino, 0);
	struct owner e = o ? *o : (struct owner){ .uid = UNSET, .gid = UNSET, .mode = UNSET };
	owners_unlock();
	*uid = e.uid != UNSET ? e.uid : *uid == real_uid ? su : *uid;
	*gid = e.gid != UNSET ? e.gid : *gid == real_gid ? sg : *gid;
	if (e.mode != UNSET)
		*mode = (*mode & S_IFMT) | e.mode;
}

/* The kernel's dev_t of struct stat (new_encode_dev) in major and minor. */
static void stat_exit(struct tv_call *c, long buf)
{
	struct stat st;

	if (tv_mem_read(&st, (uintptr_t)buf, sizeof st) < 0)
		return;
	uint64_t dev = st.st_dev;
	uint32_t uid = st.st_uid, gid = st.st_gid, mode = st.st_mode;
	shown(c->pid, (uint32_t)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull)),
	      (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffull)), st.st_ino, &uid, &gid, &mode);
	st.st_uid = uid;
	st.st_gid = gid;
	st.st_mode = mode;
	tv_mem_write((uintptr_t)buf, &st, sizeof st);
}

static void statx_exit(struct tv_call *c, long buf)
{
	struct statx st;

	if (tv_mem_read(&st, (uintptr_t)buf, sizeof st) < 0 || !(st.stx_mask & STATX_INO))
		return;
	uint32_t uid = st.stx_uid, gid = st.stx_gid, mode = st.stx_mode;
	shown(c->pid, st.stx_dev_major, st.stx_dev_minor, st.stx_ino, &uid, &gid, &mode);
	if (st.stx_mask & STATX_UID)
		st.stx_uid = uid;
	if (st.stx_mask & STATX_GID)
		st.stx_gid = gid;
	if (st.stx_mask & STATX_MODE)
		st.stx_mode = (uint16_t)mode;
	tv_mem_write((uintptr_t)buf, &st, sizeof st);
}

/* The file a chown or chmod call named (after enter() pinned its path):
 * dirfd, path and flags for statx, and the index of its mode or uid. */
static int change_target(const struct tv_call *c, long *dirfd, long *path, long *flags)
{
	const long *a = c->args;

	*dirfd = AT_FDCWD;
	*flags = 0;
	switch (c->nr) {
#ifdef __NR_chown
	case __NR_chown:
	case __NR_chmod:
		*path = a[0];
		return 1;
	case __NR_lchown:
		*path = a[0];
		*flags = AT_SYMLINK_NOFOLLOW;
		return 1;
#endif
	case __NR_fchown:
	case __NR_fchmod:
		*dirfd = a[0];
		*path = (long)"";
		*flags = AT_EMPTY_PATH;
		return 1;
	case __NR_fchownat:
		*dirfd = a[0];
		*path = a[1];
		*flags = a[4] & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH);
		return 2;
	case __NR_fchmodat:
	case __NR_fchmodat2:
		*dirfd = a[0];
		*path = a[1];
		*flags = c->nr == __NR_fchmodat2 ? a[3] & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) : 0;
		return 2;
	}
	return 0;
}

static int is_chmod(long nr)
{
#ifdef __NR_chmod
	if (nr == __NR_chmod)
		return 1;
#endif
	return nr == __NR_fchmod || nr == __NR_fchmodat || nr == __NR_fchmodat2;
}

static int in_groups(const struct creds *cr, uint32_t g)
{
	for (int i = 0; i < cr->ngroups; i++) {
		if (cr->groups[i] == g)
			return 1;
	}
	return g == cr->gid.fs;
}

/* chown(2)'s and chmod(2)'s rules for a guest whose fs uid is not 0, on
 * the owner the guest sees: only the owner may chmod, or chown to a group
 * it is in; nobody else may give a file away.  0 or -EPERM (or the
 * error of finding the file). */
static long change_allowed(struct tv_call *c)
{
	long dirfd, path, flags;
	struct statx st;
	int i = change_target(c, &dirfd, &path, &flags);

	tv_lock(&state_lock);
	const struct creds *cr = creds_of(c->pid, 0);
	struct creds me = *cr;
	tv_unlock(&state_lock);
	if (!i || me.uid.fs == 0)
		return 0;
	long r = tv_syscall6(__NR_statx, dirfd, path, flags,
			     STATX_INO | STATX_UID | STATX_GID | STATX_MODE, (long)&st, 0);
	if (r < 0)
		return r;
	uint32_t fu = st.stx_uid, fg = st.stx_gid, mode = st.stx_mode;
	shown(c->pid, st.stx_dev_major, st.stx_dev_minor, st.stx_ino, &fu, &fg, &mode);
	if (is_chmod(c->nr))
		return fu == me.uid.fs ? 0 : -EPERM;
	uint32_t u = (uint32_t)c->args[i], g = (uint32_t)c->args[i + 1];
	int uid_ok = u == UNSET || (u == fu && fu == me.uid.fs);
	int gid_ok = g == UNSET || (fu == me.uid.fs && (g == fg || in_groups(&me, g)));
	return uid_ok && gid_ok ? 0 : -EPERM;
}

/* After chown or chmod: it succeeds (the kernel's EPERM is the fake
 * root's success) and the table remembers what it set. */
static void change_exit(struct tv_call *c)
{
	long dirfd, path, flags;
	struct statx st;
	int i = change_target(c, &dirfd, &path, &flags);

	if (!i || (c->ret != 0 && c->ret != -EPERM))
		return;
	long r = tv_syscall6(__NR_statx, dirfd, path, flags, STATX_TYPE | STATX_MODE | STATX_INO,
			     (long)&st, 0);
	if (r < 0)
		return;
	/* Only the permission bits on the host, and the owner's use. */
	uint32_t want = (uint32_t)c->args[i] & 07777;
	uint32_t host = (want & 0777) | S_IRUSR | S_IWUSR | (S_ISDIR(st.stx_mode) ? S_IXUSR : 0);
	if (is_chmod(c->nr) && (st.stx_mode & 07777) != host && !S_ISLNK(st.stx_mode)) {
		if (c->nr == __NR_fchmod)
			sys(__NR_fchmod, dirfd, host, 0, 0);
		else
			tv_syscall6(__NR_fchmodat, dirfd, path, host, 0, 0, 0);
	}
	owners_lock();
	struct owner *o = owner_slot(st.stx_dev_major, st.stx_dev_minor, st.stx_ino, 1);
	if (o && is_chmod(c->nr)) {
		o->mode = want;
	} else if (o) {
		if ((uint32_t)c->args[i] != UNSET)
			o->uid = (uint32_t)c->args[i];
		if ((uint32_t)c->args[i + 1] != UNSET)
			o->gid = (uint32_t)c->args[i + 1];
	}
	owners_unlock();
	c->ret = o ? 0 : -ENOMEM;
}

/* Does the call remove a name (the one of spec *which)? */
static int removes(const struct tv_call *c, int *which)
{
	switch (c->nr) {
#ifdef __NR_unlink
	case __NR_unlink:
	case __NR_rmdir:
#endif
	case __NR_unlinkat:
		*which = 0;
		return 1;
#ifdef __NR_rename
	case __NR_rename:
	case __NR_renameat:
#endif
	case __NR_renameat2:
		*which = 1;
		return c->nr != __NR_renameat2 || !(c->args[4] & RENAME_EXCHANGE);
	}
	return 0;
}

/* A file's last name is going (unlink, rmdir, rename over it): what the
 * table says of it goes too, before its inode can be reused.  (Also when
 * the call then fails, which is rare; the file then shows its host
 * owner.) */
static void forget(struct tv_call *c, const struct entry *e)
{
	struct statx st;
	int i;

	if (!removes(c, &i))
		return;
	const struct pspec *s = &e->p[i];
	long dirfd = s->dirfd >= 0 ? c->args[(int)s->dirfd] : AT_FDCWD;
	if (tv_syscall6(__NR_statx, dirfd, c->args[(int)s->path], AT_SYMLINK_NOFOLLOW,
			STATX_INO | STATX_NLINK | STATX_TYPE, (long)&st, 0) < 0 ||
	    (st.stx_nlink > 1 && !S_ISDIR(st.stx_mode)))
		return;
	owners_lock();
	struct owner *o = owner_slot(st.stx_dev_major, st.stx_dev_minor, st.stx_ino, 0);
	if (o)
		o->uid = o->gid = o->mode = UNSET;	/* the slot stays: probes pass it */
	owners_unlock();
}

static void ids_exit(struct tv_call *c)
{
	if (c->ret != 0 && (c->ret != -EPERM || !change_target(c, &(long){ 0 }, &(long){ 0 },
							      &(long){ 0 })))
		return;
	switch (c->nr) {
#ifdef __NR_stat
	case __NR_stat:
	case __NR_lstat:
#endif
	case __NR_fstat:
		stat_exit(c, c->args[1]);
		return;
	case __NR_newfstatat:
		stat_exit(c, c->args[2]);
		return;
	case __NR_statx:
		statx_exit(c, c->args[4]);
		return;
	}
	change_exit(c);
}

/* uname shows -k's release. */
static void uname_exit(struct tv_call *c)
{
	if (c->ret == 0)
		tv_mem_write((uintptr_t)c->args[0] + offsetof(struct new_utsname, release),
			     opt_release, tv_strlen(opt_release) + 1);
}

/* The call's descriptors and memory go. */
static void drop_data(struct tv_call *c)
{
	struct call_data *d = c->tool_data;

	if (!d)
		return;
	close_fds(d->fds, 2);
	tv_free(d);
	c->tool_data = NULL;
}

static enum tv_verdict on_enter(struct tv_call *c)
{
	const struct entry *e = find(c->nr);

	if (!started)
		__atomic_store_n(&started, 1, __ATOMIC_RELAXED);
	if (fake_ids && id_call_nr(c->nr))
		return do_id(c);
	long ret;
	if (fake_ids && guard_table(c, &ret))
		return tv_return(c, ret);
	if (fake_ids && (c->nr == __NR_fchown || c->nr == __NR_fchmod)) {
		long r = change_allowed(c);
		return r < 0 ? tv_return(c, r) : TV_RUN;
	}
	if (!e)
		return TV_RUN;
	if (opt_l2s && is_l2s_call(c->nr)) {
		long r = l2s_call(c);
		if (r != -ENOSYS)
			return tv_return(c, r);
	}
	switch (e->special) {
	case SP_READLINK:
		return tv_return(c, do_readlink(c, AT_FDCWD, c->args[0], c->args[1], c->args[2]));
	case SP_READLINKAT:
		return tv_return(c, do_readlink(c, (int)c->args[0], c->args[1], c->args[2],
						c->args[3]));
	case SP_GETCWD:
		return tv_return(c, do_getcwd(c->pid, c->args[0], c->args[1]));
	case SP_CHDIR:
		return tv_return(c, do_chdir(c));
	case SP_FCHDIR:
		return tv_return(c, do_fchdir(c));
	case SP_CHROOT:
		return tv_return(c, do_chroot(c));
	case SP_OPENAT2:
		return do_openat2(c);
	case SP_BIND:
		return do_sockaddr(c, PARENT);
	case SP_CONNECT:
		return do_sockaddr(c, FOLLOW);
	case SP_SOCKNAME:
		return do_sockname(c);
#ifdef __NR_creat
	case SP_CREAT:
		return do_creat(c);
#endif
	case SP_URING:
		/* io_uring runs its operations (openat, rename, connect...)
		 * inside the kernel, where no filter sees their paths.  ENOSYS,
		 * as on a kernel without it: liburing, glib and libuv then
		 * use the plain calls. */
		return tv_return(c, -ENOSYS);
	case SP_SPAWN:
		return TV_RUN;	/* see on_exit */
	}
	enum tv_verdict v = generic(c, e);
	if (v == TV_RUN && fake_ids)
		forget(c, e);
	if (v == TV_RUN && fake_ids && change_target(c, &(long){ 0 }, &(long){ 0 }, &(long){ 0 })) {
		/* Judged on the pinned path, before the kernel changes it. */
		long r = change_allowed(c);
		if (r < 0) {
			drop_data(c);
			return tv_return(c, r);
		}
	}
	return v;
}

static void on_exit(struct tv_call *c)
{
	struct call_data *d = c->tool_data;

	if (made_vfork_child(c))
		drop_state((int)c->ret);
	if (fake_ids)
		ids_exit(c);	/* before the pinned paths go */
	if (opt_release && c->nr == __NR_uname)
		uname_exit(c);
	if (table_fd >= 0 && (c->nr == __NR_execve || c->nr == __NR_execveat))
		sys(__NR_fcntl, table_fd, F_SETFD, FD_CLOEXEC, 0);	/* it failed */
	if (d && d->sock_fix)
		sockname_exit(c, d);
	if (opt_l2s && c->nr == __NR_getdents64)
		l2s_getdents_exit(c);
	if (d && d->nlink)
		l2s_stat_exit(c, d->nlink);
	else if (opt_l2s && !d && c->ret == 0 && (is_stat(c->nr) || c->nr == __NR_statx))
		l2s_stat_exit(c, l2s_fd_count(c));
	drop_data(c);
}

/* ---- the loader's paths ---- */

/* The program, #! interpreters and PT_INTERP, as the guest names them.  A
 * relative program name given on our command line is relative to where
 * we were started (when the view shows it). */
static int host_path(const char *guest_path, char *host, size_t cap)
{
	struct ctx x;
	char guest[TV_PATH_MAX], h[TV_PATH_MAX];
	struct tv_path_result res;
	int pid = (int)tv_syscall6(__NR_getpid, 0, 0, 0, 0, 0, 0);

	snapshot(&x, pid, pid);
	const char *base = !started && launch ? launch : x.cwd;
	int r = tv_path_resolve(x.v, base, guest_path, FOLLOW, lookup, &x, guest, sizeof guest, h,
				sizeof h, &res);
	if (r < 0)
		return r;
	if (res.kind == TV_PATH_MISSING)
		return -ENOENT;
	size_t n = tv_strlen(h);
	if (n + 1 > cap)
		return -ENAMETOOLONG;
	tv_memcpy(host, h, n + 1);
	tv_lock(&state_lock);
	if (!exe_final) {
		/* /proc/self/exe names the ELF file: the last of the chain
		 * that is not a #! script. */
		char head[2] = { 0, 0 };
		long fd = sys(__NR_openat, AT_FDCWD, (long)h, O_RDONLY | O_CLOEXEC, 0);
		if (fd >= 0) {
			sys(__NR_pread64, fd, (long)head, 2, 0);
			sys(__NR_close, fd, 0, 0, 0);
		}
		tv_memcpy(exe, guest, tv_strlen(guest) + 1);
		exe_final = !(head[0] == '#' && head[1] == '!');
	}
	tv_unlock(&state_lock);
	return 0;
}

/* ---- options and start-up ---- */

/* -i UID:GID */
static int change_id(const char *a, const char *val)
{
	long u, g;
	const char *p = skip_number(val, &u);

	if (!p || *p != ':' || !(p = skip_number(p + 1, &g)) || *p || u >= (long)UNSET ||
	    g >= (long)UNSET) {
		tv_dprintf(2, NAME ": %s wants UID:GID, not '%s'\n", a, val);
		return -1;
	}
	fake_ids = 1;
	opt_uid = (uint32_t)u;
	opt_gid = (uint32_t)g;
	return 0;
}

static int add_bind(const char *spec)
{
	char **nb = tv_calloc((size_t)n_opt_binds + 1, sizeof *nb);
	if (!nb)
		return -1;
	for (int i = 0; i < n_opt_binds; i++)
		nb[i] = opt_binds[i];
	nb[n_opt_binds++] = (char *)spec;
	tv_free(opt_binds);
	opt_binds = nb;
	return 0;
}

static int option(int argc, char **argv)
{
	static const struct { const char *s, *l; } names[] = {
		{ "-r", "--root" }, { "-w", "--cwd" }, { "-b", "--bind" },
		{ "-k", "--kernel-release" }, { "-i", "--change-id" }, { "--state", "--state" },
		{ "-q", "--qemu" },
	};
	const char *a = argv[0], *val = NULL;
	int which = -1, used = 2;

	/* Our word for the next program (exec_options): the core gives it
	 * after its --tv-exec. */
	if (tv_reexec() && !tv_strcmp(a, "--tv-fs-chroot") && argc >= 2 && argv[1][0] == '/') {
		opt_chroot = argv[1];
		return 2;
	}
	if (tv_reexec() && !tv_strcmp(a, "--tv-fs-origin") && argc >= 2 && argv[1][0] == '/') {
		origin = argv[1];
		return 2;
	}
	if (tv_reexec() && !tv_strcmp(a, "--tv-fs-cred") && argc >= 2) {
		opt_cred = argv[1];
		return 2;
	}
	if (tv_reexec() && !tv_strcmp(a, "--tv-fs-table") && argc >= 2 &&
	    skip_number(argv[1], &opt_table_fd)) {
		return 2;
	}
	if (!tv_strcmp(a, "-l") || !tv_strcmp(a, "--link2symlink")) {
		opt_l2s = 1;
		return 1;
	}
	if (!tv_strcmp(a, "-0") || !tv_strcmp(a, "--root-id")) {
		fake_ids = 1;
		opt_uid = opt_gid = 0;
		return 1;
	}
	for (int i = 0; i < (int)(sizeof names / sizeof names[0]) && which < 0; i++) {
		size_t ln = tv_strlen(names[i].l);
		if (!tv_strcmp(a, names[i].s) || !tv_strcmp(a, names[i].l)) {
			which = i;
			if (argc < 2) {
				tv_dprintf(2, NAME ": %s needs an argument\n", a);
				return -1;
			}
			val = argv[1];
		} else if (!tv_strncmp(a, names[i].l, ln) && a[ln] == '=') {
			which = i;
			val = a + ln + 1;
			used = 1;
		}
	}
	if (which < 0)
		return 0;
	if (!*val) {
		tv_dprintf(2, NAME ": %s needs a non-empty argument\n", a);
		return -1;
	}
	if (which == 0) {
		opt_root = val;
	} else if (which == 1) {
		opt_cwd = val;
	} else if (which == 3) {
		if (tv_strlen(val) >= sizeof ((struct new_utsname *)0)->release) {
			tv_dprintf(2, NAME ": %s: '%s' is too long\n", a, val);
			return -1;
		}
		opt_release = val;
	} else if (which == 4) {
		return change_id(a, val) < 0 ? -1 : used;
	} else if (which == 5) {
		opt_state = val;
	} else if (which == 6) {
		opt_qemu = val;
	} else if (add_bind(val) < 0) {
		return -1;
	}
	return used;
}

/* A host path made canonical (symbolic links followed), relative to where
 * we started; it must exist. */
static char *host_canonical(struct ctx *x, const char *what, const char *p, int must_dir)
{
	static const struct tv_path_view identity = { "/", NULL, 0 };
	char guest[TV_PATH_MAX], host[TV_PATH_MAX], here[TV_PATH_MAX];
	struct tv_path_result res;
	const struct tv_path_view *v = x->v;

	tv_memcpy(here, origin, tv_strlen(origin) + 1);
	x->v = &identity;
	int r = tv_path_resolve(&identity, here, p, FOLLOW, lookup, x, guest, sizeof guest, host,
				sizeof host, &res);
	x->v = v;
	if (r == 0 && res.kind == TV_PATH_MISSING)
		r = -ENOENT;
	if (r == 0 && must_dir && res.kind != TV_PATH_DIR)
		r = -ENOTDIR;
	if (r < 0) {
		tv_dprintf(2, NAME ": %s '%s': %s\n", what, p, errstr(r));
		return NULL;
	}
	return tv_strdup(guest);
}

/* A chroot survives exec, as the kernel's does: the next program starts
 * with the root this process has, as a path of the options' view. */
static int exec_options(char **argv, int cap)
{
	int pid = (int)tv_syscall6(__NR_getpid, 0, 0, 0, 0, 0, 0);

	static char cred[8 * 11], fd[16];
	int n = 0;

	tv_lock(&state_lock);
	const struct pstate *s = state_of(pid, 0);
	const char *root = s->chroot;
	const struct id u = s->cred.uid, g = s->cred.gid;
	tv_unlock(&state_lock);
	if (root && cap >= n + 2) {
		argv[n++] = "--tv-fs-chroot";
		argv[n++] = (char *)root;
	}
	if (cap >= n + 2) {
		argv[n++] = "--tv-fs-origin";
		argv[n++] = (char *)origin;
	}
	if (fake_ids && cap >= n + 2) {
		tv_snprintf(cred, sizeof cred, "%u,%u,%u,%u,%u,%u,%u,%u", u.r, u.e, u.s, u.fs, g.r,
			    g.e, g.s, g.fs);
		argv[n++] = "--tv-fs-cred";
		argv[n++] = cred;
	}
	/* The table's descriptor stays open for the next program, which
	 * makes it close-on-exec again (and so does on_exit() if execve
	 * fails). */
	if (table_is_ours() && cap >= n + 2 && sys(__NR_fcntl, table_fd, F_SETFD, 0, 0) == 0) {
		tv_snprintf(fd, sizeof fd, "%ld", table_fd);
		argv[n++] = "--tv-fs-table";
		argv[n++] = fd;
	}
	return n;
}

/* Below the soft RLIMIT_NOFILE, not so high that the kernel's table of
 * descriptors grows large for it; 0 (no moving) when the limit is low. */
static long fd_floor_of_limit(void)
{
	struct rlimit64 lim;

	if (tv_syscall6(__NR_prlimit64, 0, RLIMIT_NOFILE, 0, (long)&lim, 0, 0) < 0)
		return 0;
	return lim.rlim_cur >= 1024 + 64 ? 1024 : lim.rlim_cur > 128 ? (long)lim.rlim_cur - 64 : 0;
}

/* Can the kernel's walks be pinned (openat2, and /proc/thread-self to
 * name what is pinned)?  Kernels before 5.6 have no openat2: paths then
 * go to the kernel as host paths (docs/limits.md). */
static int probe_pin(void)
{
	long fd = sys(__NR_openat, AT_FDCWD, (long)THREAD_FD, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
	long r = fd < 0 ? fd : open_in(fd, "", O_DIRECTORY);

	close_fds((int[]){ (int)fd, (int)r }, 2);
	return r >= 0;
}

/* -q 'qemu-aarch64-static -cpu max': its words, for tv_set_emulator.
 * The emulator is a host program, run whatever the root. */
static int start_qemu(void)
{
	static char *words[16];
	char *line = tv_strdup(opt_qemu);
	int n = 0;

	for (char *p = line; p && *p && n < 15;) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (*p)
			words[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (!line || n == 0 || n == 15) {
		tv_dprintf(2, NAME ": -q '%s': %s\n", opt_qemu,
			   line ? "an emulator and at most 14 words" : errstr(-ENOMEM));
		return -1;
	}
	words[n] = NULL;
	if (tv_set_emulator(words) < 0) {
		tv_dprintf(2, NAME ": -q: %s: not found on the host\n", words[0]);
		return -1;
	}
	/* qemu-user reads /proc/self/maps to find room for the program: the
	 * host's /proc is at /proc, unless a -b puts something there. */
	for (int i = 0; i < n_opt_binds; i++) {
		const char *colon = tv_strchr(opt_binds[i], ':');
		const char *guest = colon && colon[1] ? colon + 1 : opt_binds[i];
		if (!tv_strcmp(guest, "/proc") || !tv_strcmp(guest, "/proc/"))
			return 0;
	}
	return add_bind("/proc");
}

static int start(void)
{
	static struct view v0;
	const struct view *cur = &v0;
	struct ctx x = { 0 };
	char here[TV_PATH_MAX], g[TV_PATH_MAX], h[TV_PATH_MAX];
	struct tv_path_result res;

	x.pid = x.tid = (int)tv_syscall6(__NR_getpid, 0, 0, 0, 0, 0, 0);
	x.cwd[0] = '/';
	v0.pv.root = "/";
	x.v = &v0.pv;
	x.fv = &v0;
	if (!origin) {
		origin = sys(__NR_getcwd, (long)here, sizeof here, 0, 0) > 0 ? tv_strdup(here) : "/";
		if (!origin)
			return 1;
	}
	if (opt_qemu && start_qemu() < 0)
		return 1;
	if (opt_root && !(v0.pv.root = host_canonical(&x, "--root", opt_root, 1)))
		return 1;
	struct tv_path_bind *binds = tv_calloc((size_t)n_opt_binds + 1, sizeof *binds);
	if (!binds)
		return 1;
	v0.pv.binds = binds;
	for (int i = 0; i < n_opt_binds; i++) {
		char *spec = tv_strdup(opt_binds[i]);
		char *colon = spec ? tv_strchr(spec, ':') : NULL;
		if (!spec)
			return 1;
		if (colon)
			*colon = 0;
		char *hp = host_canonical(&x, "--bind", spec, 0);
		if (!hp)
			return 1;
		const char *gp = colon && colon[1] ? colon + 1 : spec[0] == '/' ? spec : hp;
		/* The guest side, canonical in the view so far: a bind on a
		 * path that is a link in the root lands where the link leads. */
		int r = tv_path_resolve(&v0.pv, "/", gp, FOLLOW, lookup, &x, g, sizeof g, h, sizeof h,
					&res);
		if (r < 0 && tv_path_normalize("/", gp, g, sizeof g) < 0) {
			tv_dprintf(2, NAME ": --bind '%s': %s\n", opt_binds[i], errstr(r));
			return 1;
		}
		binds[i].host = hp;
		binds[i].guest = tv_strdup(g);
		v0.pv.nbinds = i + 1;
	}
	if (opt_chroot && chroot_view(&v0, opt_chroot, &cur) < 0) {
		tv_dprintf(2, NAME ": cannot keep the chroot '%s'\n", opt_chroot);
		return 1;
	}
	x.v = &cur->pv;
	x.fv = cur;
	main_state.pid = x.pid;
	main_state.view = cur;
	main_state.chroot = opt_chroot;
	can_pin = probe_pin();
	fd_floor = fd_floor_of_limit();
	real_uid = (uint32_t)sys(__NR_getuid, 0, 0, 0, 0);
	real_gid = (uint32_t)sys(__NR_getgid, 0, 0, 0, 0);
	creds_start(&main_state.cred);
	if (opt_state && !fake_ids) {
		tv_dprintf(2, NAME ": --state needs -0 or -i\n");
		return 1;
	}
	if (fake_ids && owners_start() < 0)
		return 1;
	if (sys(__NR_getcwd, (long)here, sizeof here, 0, 0) > 0 &&
	    tv_path_to_guest(x.v, here, g, sizeof g) == 0)
		launch = tv_strdup(g);

	/* proot's default: the root with --root, else where we are; after
	 * the guest's exec, the directory it was in. */
	const char *want = opt_cwd ? opt_cwd : opt_root ? "/" : launch ? launch : "/";
	if (launch && tv_reexec())
		want = launch;
	const char *base = launch && !opt_root ? launch : "/";
	int r = tv_path_resolve(x.v, base, want, FOLLOW, lookup, &x, g, sizeof g, h, sizeof h, &res);
	if (r == 0 && res.kind != TV_PATH_DIR && res.kind != TV_PATH_MISSING) {
		tv_dprintf(2, NAME ": --cwd '%s': %s\n", want, errstr(-ENOTDIR));
		return 1;
	}
	if (r < 0 || res.kind == TV_PATH_MISSING) {
		/* Not on the host: the guest still starts there (getcwd says
		 * so; relative paths fail as in a removed directory). */
		if (tv_path_normalize(base, want, g, sizeof g) < 0 ||
		    tv_path_to_host(x.v, g, h, sizeof h, NULL) < 0) {
			tv_dprintf(2, NAME ": --cwd '%s': %s\n", want, errstr(-ENAMETOOLONG));
			return 1;
		}
	}
	tv_memcpy(main_state.cwd, g, tv_strlen(g) + 1);
	main_state.cwd_real = sys(__NR_chdir, (long)h, 0, 0, 0) == 0;
	return 0;
}

static const int *syscall_set(void)
{
	const size_t n_id = sizeof id_nrs / sizeof id_nrs[0];
	const size_t n_fake = sizeof fake_nrs / sizeof fake_nrs[0];
	int *nrs = tv_calloc(N_TABLE + n_id + n_fake + 4, sizeof *nrs);
	size_t n = 0;
	if (!nrs)
		return NULL;
	for (size_t i = 0; i < N_TABLE; i++)
		nrs[n++] = table[i].nr;
	for (size_t i = 0; fake_ids && i < n_id; i++)
		nrs[n++] = id_nrs[i];
	for (size_t i = 0; fake_ids && i < n_fake; i++)
		nrs[n++] = fake_nrs[i];
	if (opt_release)
		nrs[n++] = __NR_uname;
	if (opt_l2s && !fake_ids)
		nrs[n++] = __NR_fstat;	/* an open -l file's count */
	if (opt_l2s)
		nrs[n++] = __NR_getdents64;
	nrs[n] = -1;
	return nrs;
}

TV_TOOL(.name = NAME,
	.summary = "Run PROGRAM with DIR as its root directory, like proot -r/-w/-b.",
	.usage = "  -r, --root DIR       show host directory DIR as / (default: /)\n"
		 "  -w, --cwd DIR        start in guest directory DIR (default: / with --root,\n"
		 "                       else the current directory)\n"
		 "  -b, --bind HOST[:GUEST]  show host path HOST at guest path GUEST\n"
		 "                       (default: the same path); repeatable\n"
		 "  -0, --root-id        show the guest uid and gid 0, let chown and chmod\n"
		 "                       succeed and remember them (proot -0)\n"
		 "  -i, --change-id UID:GID  the same with these ids (proot -i)\n"
		 "      --state FILE     with -0 or -i: keep what chown and chmod set in FILE\n"
		 "                       (created if missing), for later sessions; one\n"
		 "                       session at a time\n"
		 "  -k, --kernel-release RELEASE  uname(2) shows this release (proot -k)\n"
		 "  -l, --link2symlink   make hard links of symbolic links to a hidden file,\n"
		 "                       for file systems that refuse link(2) (proot -l)\n"
		 "  -q, --qemu 'QEMU [ARGS]'  run programs of another architecture through\n"
		 "                       this qemu-user (a host program, static when the\n"
		 "                       root has no libraries for it) (proot -q)\n",
	.syscalls = NULL,
	.option = option,
	.start = start,
	.syscall_set = syscall_set,
	.enter = on_enter,
	.exit = on_exit,
	.host_path = host_path,
	.exec_options = exec_options);
