/* forks: creating processes -- fork, vfork, and clone without CLONE_THREAD
 * on an explicit child stack (with and without CLONE_VM, CLONE_VFORK,
 * CLONE_FILES, CLONE_SIGHAND, CLONE_PARENT_SETTID, a zero exit signal) --
 * and what the child sees: its pid and parent, a private or shared copy of
 * memory, inherited file descriptors, its own stack.  Every child exits
 * with a known status that the parent checks; output is printed by one
 * process at a time. */
#include "../lifecycle/util.c"
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>

static volatile int shared_var;
static int pipefd[2];

static void test_fork(void)
{
	int local = 1;
	pid_t parent = getpid();
	shared_var = 10;
	pid_t pid = fork();
	if (pid == 0) {
		local = 2;
		shared_var = 20;
		char c = 'f';
		int ok = getppid() == parent && getpid() != parent &&
			 write(pipefd[1], &c, 1) == 1;
		_exit(ok ? 7 : 1);
	}
	int st;
	pid_t r = xwaitpid(pid, &st, 0);
	char c = 0;
	int got = read(pipefd[0], &c, 1) == 1 && c == 'f';
	say("fork: reaped=%s %s child-wrote-pipe=%s parent-memory-private=%s", yn(r == pid), wstr(st),
	    yn(got), yn(local == 1 && shared_var == 10));
}

static void test_fork_nested(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pid_t me = getpid();
		pid_t g = fork();
		if (g == 0)
			_exit(getppid() == me ? 3 : 1);
		int st;
		if (xwaitpid(g, &st, 0) != g || !WIFEXITED(st))
			_exit(1);
		_exit(WEXITSTATUS(st) + 10);
	}
	int st;
	xwaitpid(pid, &st, 0);
	say("fork-nested: grandchild status seen by child, child %s", wstr(st));
}

static void test_vfork(void)
{
	shared_var = 0;
	pid_t parent = getpid();
	pid_t pid = vfork();
	if (pid == 0) {
		/* Only what vfork permits in practice: store to memory, _exit. */
		shared_var = getppid() == parent ? 42 : -1;
		_exit(5);
	}
	int st;
	pid_t r = xwaitpid(pid, &st, 0);
	say("vfork: reaped=%s %s shared-write-seen=%s", yn(r == pid), wstr(st), yn(shared_var == 42));
}

/* A vfork child shares memory, not dispositions: what it changes with
 * sigaction before exec or _exit is its own. */
static volatile sig_atomic_t usr2_runs;
static void on_usr2(int sig)
{
	(void)sig;
	usr2_runs++;
}
static void test_vfork_sigaction(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGWINCH, SIG_IGN);
	pid_t pid = vfork();
	if (pid == 0) {
		signal(SIGUSR2, SIG_DFL);
		signal(SIGWINCH, SIG_DFL);
		_exit(0);
	}
	int st;
	xwaitpid(pid, &st, 0);
	struct sigaction u2, w;
	sigaction(SIGUSR2, NULL, &u2);
	sigaction(SIGWINCH, NULL, &w);
	usr2_runs = 0;
	raise(SIGUSR2);
	say("vfork-sigaction: %s parent's handler kept=%s ran=%d ignore kept=%s", wstr(st), yn(u2.sa_handler == on_usr2),
	    (int)usr2_runs, yn(w.sa_handler == SIG_IGN));
	signal(SIGUSR2, SIG_DFL);
	signal(SIGWINCH, SIG_DFL);
}

static void test_vfork_exec(void)
{
	pid_t pid = vfork();
	if (pid == 0) {
		char *argv[] = { "sh", "-c", "exit 9", NULL };
		execv("/bin/sh", argv);
		_exit(127);
	}
	int st;
	xwaitpid(pid, &st, 0);
	say("vfork-exec: %s", wstr(st));
}

/* --- clone on an explicit stack ------------------------------------------ */

#define STACK_SIZE (256 * 1024)
static char *stk;
static volatile uintptr_t child_sp;
static volatile int child_saw;

static int child_fn(void *arg)
{
	int here;
	child_sp = (uintptr_t)&here;
	child_saw = (int)(intptr_t)arg;
	char c = 'c';
	if (write(pipefd[1], &c, 1) != 1)
		return 1;
	uintptr_t lo = (uintptr_t)stk, hi = lo + STACK_SIZE;
	/* The status tells the parent (even without CLONE_VM) whether the
	 * child ran on the stack it was given. */
	return (uintptr_t)&here >= lo && (uintptr_t)&here < hi ? 11 : 12;
}

static void test_clone(const char *name, int flags, int wflags)
{
	child_sp = 0;
	child_saw = 0;
	pid_t ptid = 0;
	pid_t pid = clone(child_fn, stk + STACK_SIZE, flags | CLONE_PARENT_SETTID, (void *)(intptr_t)77, &ptid);
	if (pid < 0) {
		say("%s: clone failed: %s", name, ename(errno));
		return;
	}
	int st;
	pid_t r = xwaitpid(pid, &st, wflags);
	char c = 0;
	int got = read(pipefd[0], &c, 1) == 1 && c == 'c';
	int vm = flags & CLONE_VM;
	uintptr_t lo = (uintptr_t)stk, hi = lo + STACK_SIZE;
	say("%s: reaped=%s %s ptid=%s pipe=%s child-memory-%s%s", name, yn(r == pid), wstr(st),
	    yn(ptid == pid), yn(got), vm ? "shared=" : "private=",
	    yn(vm ? child_saw == 77 && child_sp >= lo && child_sp < hi : child_saw == 0 && child_sp == 0));
}

/* CLONE_FILES and CLONE_SIGHAND (with CLONE_VM, still a process): the
 * child's new fd and new disposition are the parent's too. */
static volatile int newfd = -1;
static void usr1(int sig)
{
	(void)sig;
}
static int files_fn(void *arg)
{
	(void)arg;
	newfd = open("/dev/null", O_RDONLY);
	struct sigaction sa = { 0 };
	sa.sa_handler = usr1;
	sigaction(SIGUSR1, &sa, NULL);
	return 0;
}

static void test_clone_files_sighand(void)
{
	pid_t pid = clone(files_fn, stk + STACK_SIZE, CLONE_VM | CLONE_FILES | CLONE_SIGHAND | SIGCHLD, NULL);
	int st;
	xwaitpid(pid, &st, 0);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	int fd_ok = newfd >= 0 && fcntl(newfd, F_GETFD) >= 0;
	say("clone-files-sighand: %s fd-shared=%s handler-shared=%s", wstr(st), yn(fd_ok),
	    yn(old.sa_handler == usr1));
	if (fd_ok)
		close(newfd);
	signal(SIGUSR1, SIG_DFL);
}

/* A child whose exit signal is not SIGCHLD: only __WALL/__WCLONE see it. */
static void test_clone_nosig(void)
{
	pid_t pid = clone(child_fn, stk + STACK_SIZE, 0, (void *)(intptr_t)5);
	int st;
	errno = 0;
	pid_t r0 = waitpid(pid, &st, WNOHANG);
	int e0 = errno;
	pid_t r = xwaitpid(pid, &st, __WALL);
	char c;
	int got = read(pipefd[0], &c, 1) == 1;
	say("clone-exitsig0: plain-waitpid=%s(%s) wall-reaped=%s %s pipe=%s", r0 < 0 ? "fails" : "ok", ename(e0),
	    yn(r == pid), wstr(st), yn(got));
}

/* Exec of #! scripts: with an interpreter argument, and a script whose
 * interpreter is itself a script (the kernel allows a few levels). */
static void test_scripts(void)
{
	char *dir = make_tmpdir(), s1[512], s2[512], s3[512], text[1024];
	snprintf(s1, sizeof s1, "%s/s1", dir);
	snprintf(s2, sizeof s2, "%s/s2", dir);
	snprintf(s3, sizeof s3, "%s/s3", dir);
	write_file(s1,
		   "#!/bin/sh\n"
		   "printf '%s:' \"$(basename -- \"$0\")\"\n"
		   "for a; do printf ' [%s]' \"$(basename -- \"$a\")\"; done\n"
		   "echo\n",
		   0755);
	write_file(s2, "#!/bin/sh -eu\necho \"s2: $# ${1:-unset} $-\" | tr -d i\n", 0755);
	snprintf(text, sizeof text, "#!%s extra-arg\n", s1);
	write_file(s3, text, 0755);
	char *paths[] = { s1, s2, s3 };
	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *argv[] = { "given-argv0", "a", "b c", NULL };
			execv(paths[i], argv);
			say("exec failed: %s", ename(errno));
			_exit(127);
		}
		int st;
		xwaitpid(pid, &st, 0);
		say("script s%d: %s", i + 1, wstr(st));
	}
	rm_dir(dir);
}

int main(void)
{
	if (pipe(pipefd) < 0)
		return 2;
	stk = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stk == MAP_FAILED)
		return 2;
	test_fork();
	test_fork_nested();
	test_vfork();
	test_vfork_exec();
	test_scripts();
	test_clone("clone-fork", SIGCHLD, 0);
	test_clone("clone-vm", CLONE_VM | SIGCHLD, 0);
	test_clone("clone-vm-vfork", CLONE_VM | CLONE_VFORK | SIGCHLD, 0);
	test_clone_files_sighand();
	test_clone_nosig();
	/* A child that is not reaped explicitly: waiting for "any child". */
	pid_t a = fork();
	if (a == 0)
		_exit(3);
	pid_t b = fork();
	if (b == 0)
		_exit(4);
	int st, sum = 0, n = 0;
	pid_t r;
	while ((r = xwaitpid(-1, &st, 0)) > 0) {
		n++;
		sum += WEXITSTATUS(st);
	}
	say("wait-any: reaped=%d status-sum=%d then %s", n, sum, ename(errno));
	/* Last: a monitor that gets this wrong kills the process. */
	test_vfork_sigaction();
	return 0;
}
