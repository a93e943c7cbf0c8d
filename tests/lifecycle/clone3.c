/* clone3, compared with native: a process with CLONE_PIDFD, an exit
 * signal of its own, CLONE_CLEAR_SIGHAND, set_tid,
 * and the size and argument checks.  (glibc's pthread_create and
 * posix_spawn use clone3 too: the thread and spawn guests cover those.) */
#include "util.c"
#include <poll.h>
#include <sched.h>
#include <stdint.h>

/* linux/sched.h's struct clone_args; musl's headers have no kernel ones. */
struct clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
		set_tid, set_tid_size, cgroup;
};
#define CLONE_PIDFD_FLAG 0x1000
#define CLONE_CLEAR_SIGHAND_FLAG 0x100000000ull

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static long clone3(struct clone_args *a, size_t size)
{
	return syscall(SYS_clone3, a, size);
}

static const char *err(long r)
{
	return r >= 0 ? "ok" : ename(errno);
}

static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig) { (void)sig; got_usr1 = 1; }

static void process_pidfd(void)
{
	int pidfd = -1;
	struct clone_args a = { .flags = CLONE_PIDFD_FLAG, .pidfd = (uintptr_t)&pidfd, .exit_signal = SIGCHLD };
	long pid = clone3(&a, sizeof a);
	if (pid == 0)
		_exit(7);
	struct pollfd p = { pidfd, POLLIN, 0 };
	int n = poll(&p, 1, 5000);
	int st;
	waitpid((pid_t)pid, &st, 0);
	printf("pidfd: clone3 %s, pidfd valid %s, poll %d, exit %d\n", pid > 0 ? "ok" : err(pid),
	       pidfd >= 0 ? "yes" : "no", n, WEXITSTATUS(st));
	close(pidfd);
}

static void exit_signal(void)
{
	struct clone_args a = { .exit_signal = SIGUSR1 };
	signal(SIGUSR1, on_usr1);
	long pid = clone3(&a, sizeof a);
	if (pid == 0)
		_exit(3);
	int st;
	long w = waitpid((pid_t)pid, &st, __WALL);
	printf("exit signal: waited %s, status %d, SIGUSR1 %s\n", w == pid ? "yes" : "no",
	       WEXITSTATUS(st), got_usr1 ? "yes" : "no");
	signal(SIGUSR1, SIG_DFL);
}

static void clear_sighand(void)
{
	signal(SIGUSR2, on_usr1);
	signal(SIGHUP, SIG_IGN);
	struct clone_args a = { .flags = CLONE_CLEAR_SIGHAND_FLAG, .exit_signal = SIGCHLD };
	long pid = clone3(&a, sizeof a);
	if (pid == 0) {
		struct sigaction sa;
		sigaction(SIGUSR2, NULL, &sa);
		int dfl = sa.sa_handler == SIG_DFL;
		sigaction(SIGHUP, NULL, &sa);
		int ign = sa.sa_handler == SIG_IGN;
		_exit(dfl * 2 + ign);
	}
	int st;
	waitpid((pid_t)pid, &st, 0);
	printf("clear sighand: handler reset %s, ignored kept %s\n", WEXITSTATUS(st) & 2 ? "yes" : "no",
	       WEXITSTATUS(st) & 1 ? "yes" : "no");
	struct clone_args bad = { .flags = CLONE_CLEAR_SIGHAND_FLAG | CLONE_SIGHAND | CLONE_VM, .exit_signal = SIGCHLD };
	printf("clear sighand with sighand: %s\n", err(clone3(&bad, sizeof bad)));
	signal(SIGUSR2, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
}

static void sizes(void)
{
	struct { struct clone_args a; uint64_t extra; } big = { { .exit_signal = SIGCHLD }, 1 };
	printf("size 8: %s\n", err(clone3(&big.a, 8)));
	printf("nonzero tail: %s\n", err(clone3(&big.a, sizeof big)));
	printf("bad pointer: %s\n", err(clone3((void *)8, sizeof big.a)));
	struct clone_args s = { .exit_signal = SIGCHLD, .stack_size = 4096 };
	printf("stack size without stack: %s\n", err(clone3(&s, sizeof s)));
	big.extra = 0;
	long pid = clone3(&big.a, sizeof big);
	if (pid == 0)
		_exit(0);
	printf("zero tail: %s\n", pid > 0 ? "ok" : err(pid));
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
}

/* set_tid (root only): the child gets the pid asked for.  The pid must
 * be free, and nothing on a shared machine keeps one free: this guest
 * runs beside itself (several builds' make check, stress-test rounds), and
 * the copy that asks second gets EEXIST.  That is what the kernel says of
 * a pid in use; the test then asks for the next one down. */
static void set_tid(void)
{
	if (geteuid() != 0) {
		printf("set_tid: not root\n");
		return;
	}
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	long max = 32768;
	if (f) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 32768;
		fclose(f);
	}
	pid_t want = (pid_t)(max - 7);
	struct clone_args a = { .exit_signal = SIGCHLD, .set_tid = (uintptr_t)&want, .set_tid_size = 1 };
	long pid;
	for (int i = 0; (pid = clone3(&a, sizeof a)) < 0 && errno == EEXIST && i < 100; i++)
		want--;
	if (pid == 0)
		_exit(getpid() == want ? 0 : 1);
	int st = 0;
	if (pid > 0)
		waitpid((pid_t)pid, &st, 0);
	printf("set_tid: %s, pid as asked %s, child agrees %s\n", pid > 0 ? "ok" : err(pid),
	       pid == want ? "yes" : "no", pid > 0 && WEXITSTATUS(st) == 0 ? "yes" : "no");
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	process_pidfd();
	exit_signal();
	clear_sighand();
	sizes();
	set_tid();
	return 0;
}
