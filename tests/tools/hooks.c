/* tvisor-hooks: a test tool that logs every lifecycle hook as one line
 * (one write, O_APPEND: the processes of one run share the file) to
 * --log FILE, for tests/t-hooks.sh.  Each line also says whether the hook
 * runs on the thread and in the process it names, and whether every
 * signal is blocked there: "self=1 blocked=1".  The tool traps only
 * getppid: the core must trap what the hooks need itself. */
#include <tvisor.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/sched.h>
#include <linux/signal.h>

static const char *log_path;
static int log_fd = -1;
static const int wanted[] = { __NR_getppid, -1 };

static int option(int argc, char **argv)
{
	if (tv_strcmp(argv[0], "--log") || argc < 2)
		return 0;
	log_path = argv[1];
	return 2;
}

/* Every signal but SIGKILL and SIGSTOP, which cannot be blocked. */
static int all_blocked(void)
{
	uint64_t mask = 0, unblockable = 1ull << (SIGKILL - 1) | 1ull << (SIGSTOP - 1);

	tv_syscall6(__NR_rt_sigprocmask, SIG_BLOCK, 0, (long)&mask, sizeof mask, 0, 0);
	return (mask | unblockable) == ~0ull;
}

/* "EVENT pid=P tid=T ARGS self=S blocked=B": self is 1 when the hook runs
 * in process pid, on thread tid (0: not named). */
__attribute__((format(printf, 4, 5))) static void event(const char *what, int pid, int tid,
							const char *fmt, ...)
{
	char line[512], args[400];
	va_list ap;
	long self_pid = tv_syscall6(__NR_getpid, 0, 0, 0, 0, 0, 0);
	long self_tid = tv_syscall6(__NR_gettid, 0, 0, 0, 0, 0, 0);

	va_start(ap, fmt);
	tv_vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	int n = tv_snprintf(line, sizeof line, "%s pid=%d tid=%d %sself=%d blocked=%d\n", what, pid,
			    tid, args, pid == self_pid && (!tid || tid == self_tid), all_blocked());
	tv_syscall6(__NR_write, log_fd, (long)line, n, 0, 0, 0);
}

static int start(void)
{
	if (!log_path) {
		tv_dprintf(2, "tvisor-hooks: --log FILE is needed\n");
		return 1;
	}
	log_fd = (int)tv_syscall6(__NR_openat, AT_FDCWD, (long)log_path,
				  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644, 0, 0);
	if (log_fd < 0)
		return 1;
	event("start", (int)tv_syscall6(__NR_getpid, 0, 0, 0, 0, 0, 0), 0, "reexec=%d ", tv_reexec());
	return 0;
}

static void thread_start(int pid, int tid)
{
	event("thread_start", pid, tid, "%s", "");
}

static void thread_exit(int pid, int tid, int status)
{
	event("thread_exit", pid, tid, "status=%d ", status);
}

static void fork_event(const char *what, const struct tv_fork *f, int pid, int tid)
{
	event(what, pid, tid, "parent=%d ptid=%d child=%d vm=%d vfork=%d ", f->parent_pid,
	      f->parent_tid, f->child_pid, !!(f->flags & CLONE_VM), !!(f->flags & CLONE_VFORK));
}

static void fork_parent(const struct tv_fork *f)
{
	fork_event("fork_parent", f, f->parent_pid, f->parent_tid);
}

static void fork_child(const struct tv_fork *f)
{
	fork_event("fork_child", f, f->child_pid, f->child_pid);
}

static void on_exec(int pid, int tid, const char *path)
{
	event("exec", pid, tid, "path=%s ", path);
}

static void process_exit(int pid, int status)
{
	event("process_exit", pid, 0, "status=%d ", status);
}

TV_TOOL(.name = "tvisor-hooks", .summary = "Log the lifecycle hooks (a test tool).",
	.usage = "  --log FILE           append one line per hook to FILE\n",
	.syscalls = wanted, .option = option, .start = start, .thread_start = thread_start,
	.thread_exit = thread_exit, .fork_parent = fork_parent, .fork_child = fork_child,
	.exec = on_exec, .process_exit = process_exit);
