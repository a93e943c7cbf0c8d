/* waitstat: the wait statuses of children, as waitpid and waitid report
 * them: exit with 0, 1, 42, 255, exit_group from a second thread; death by
 * SIGTERM, SIGKILL, SIGUSR1, SIGSEGV, SIGABRT, SIGQUIT with RLIMIT_CORE 0
 * (no core flag), and -- when core_pattern writes a file -- SIGQUIT and
 * SIGSEGV with an unlimited RLIMIT_CORE in a scratch directory (core flag
 * set, a core file written); WNOHANG on a running child; waitid's si_code
 * and si_status; the rusage of wait4 present. */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <sys/resource.h>
#include <sys/stat.h>

static const char *cld(int code)
{
	switch (code) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	}
	return "?";
}

static void *exiter(void *arg)
{
	exit((int)(intptr_t)arg);
}

/* how: "exit N", "thread-exit N", "kill SIG", "fault" */
static pid_t child(const char *how, int n, int core)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	struct rlimit rl = { core ? RLIM_INFINITY : 0, core ? RLIM_INFINITY : 0 };
	setrlimit(RLIMIT_CORE, &rl);
	if (strcmp(how, "exit") == 0)
		exit(n);
	if (strcmp(how, "thread-exit") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, exiter, (void *)(intptr_t)n);
		pause();
	}
	if (strcmp(how, "kill") == 0) {
		signal(n, SIG_DFL);
		kill(getpid(), n);
		pause();
	}
	if (strcmp(how, "fault") == 0)
		*BAD_PTR = 1;
	_exit(99);
}

static void with_waitpid(const char *how, int n)
{
	pid_t pid = child(how, n, 0);
	int st;
	struct rusage ru;
	memset(&ru, 0xff, sizeof ru);
	pid_t r;
	while ((r = wait4(pid, &st, 0, &ru)) < 0 && errno == EINTR)
		;
	say("waitpid %s %d: %s rusage=%s", how, n, wstr(st), yn(r == pid && ru.ru_utime.tv_sec >= 0));
}

static void with_waitid(const char *how, int n)
{
	pid_t pid = child(how, n, 0);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	while (waitid(P_PID, (id_t)pid, &si, WEXITED) < 0 && errno == EINTR)
		;
	say("waitid %s %d: signo=%s code=%s status=%d pid=%s", how, n, sname(si.si_signo), cld(si.si_code), si.si_status,
	    yn(si.si_pid == pid));
}

static int core_pattern_is_file(void)
{
	char buf[256];
	return slurp("/proc/sys/kernel/core_pattern", buf, sizeof buf) > 0 && buf[0] != '|' && buf[0] != '\n';
}

static int dir_has_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

int main(void)
{
	with_waitpid("exit", 0);
	with_waitpid("exit", 1);
	with_waitpid("exit", 42);
	with_waitpid("exit", 255);
	with_waitpid("exit", 256 + 3);
	with_waitpid("thread-exit", 17);
	with_waitpid("kill", SIGTERM);
	with_waitpid("kill", SIGKILL);
	with_waitpid("kill", SIGUSR1);
	with_waitpid("kill", SIGABRT);
	with_waitpid("kill", SIGQUIT);
	with_waitpid("kill", SIGSYS);
	with_waitpid("fault", 0);
	with_waitid("exit", 5);
	with_waitid("kill", SIGTERM);
	with_waitid("kill", SIGQUIT);
	with_waitid("fault", 0);

	/* WNOHANG on a child that is still running. */
	int p[2];
	if (pipe(p) < 0)
		return 2;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 8 : 9);
	}
	close(p[0]);
	int st = 0;
	pid_t r = waitpid(pid, &st, WNOHANG);
	close(p[1]);
	pid_t r2 = xwaitpid(pid, &st, 0);
	say("wnohang: running child gives %d, then %s", (int)r, r2 == pid ? wstr(st) : "error");

	/* The core flag, when the kernel can write a core file here. */
	if (!core_pattern_is_file()) {
		say("core: skipped (core_pattern is a pipe)");
		return 0;
	}
	char cwd[4096];
	if (!getcwd(cwd, sizeof cwd))
		return 2;
	char *dir = make_tmpdir();
	if (chdir(dir) != 0)
		return 2;
	int sigs[] = { SIGQUIT, SIGSEGV };
	for (int i = 0; i < 2; i++) {
		pid = child(sigs[i] == SIGSEGV ? "fault" : "kill", sigs[i], 1);
		xwaitpid(pid, &st, 0);
		int files = dir_has_files(".");
		say("core %s: %s core-file=%s", sname(sigs[i]), wstr(st), yn(files > 0));
		empty_dir(dir);
	}
	rm_dir(dir);
	if (chdir(cwd) != 0)
		return 2;
	return 0;
}
