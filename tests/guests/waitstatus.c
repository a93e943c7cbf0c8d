/* waitstatus: a helper for tests/compare.sh, not a guest.
 *
 *   waitstatus STATUS-FILE PROGRAM [ARGS...]
 *
 * Runs PROGRAM (PATH is searched) as a child with this process's stdin,
 * stdout, stderr and environment, but with every other file descriptor
 * closed, every signal at its default action and none blocked (so what the
 * caller inherited -- make's jobserver pipes, an ignored SIGPIPE or SIGINT --
 * cannot differ between runs or hide a death by signal), waits for it and
 * writes one line to STATUS-FILE:
 *   exit N                     the child exited with status N
 *   signal N core|nocore       the child was killed by signal N (with the
 *                              core-dump flag of the wait status)
 * A shell's $? cannot tell exit(128+N) from death by signal N, nor show the
 * core flag; this can.  If PROGRAM cannot be executed the child reports it
 * on stderr and exits 127 (not found) or 126 (other errors), like a shell.
 * waitstatus itself exits 0 once the file is written, 2 on usage or I/O
 * errors. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void close_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)lowfd, ~0u, 0u) == 0)
		return;
#endif
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = lowfd; fd < max; fd++)
		close(fd);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: waitstatus STATUS-FILE PROGRAM [ARGS...]\n");
		return 2;
	}
	/* Open the file first: a failure here must not look like the child's. */
	FILE *out = fopen(argv[1], "we");
	if (!out) {
		fprintf(stderr, "waitstatus: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	fflush(stdout);
	fflush(stderr);

	/* Survive timeout(1)'s SIGTERM: it must reach the program and the tool
	 * (timeout signals its whole process group), and if they ignore it,
	 * timeout's SIGKILL after --kill-after only comes while its own child,
	 * this process, is still there.  The child resets these below. */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);

	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "waitstatus: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		sigset_t none;
		fclose(out);
		for (int sig = 1; sig < NSIG; sig++) {
			struct sigaction sa;
			memset(&sa, 0, sizeof sa);
			sa.sa_handler = SIG_DFL;
			sigaction(sig, &sa, NULL); /* fails harmlessly for KILL, STOP, libc-internal ones */
		}
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close_from(3);
		execvp(argv[2], argv + 2);
		int e = errno;
		fprintf(stderr, "waitstatus: %s: %s\n", argv[2], strerror(e));
		_exit(e == ENOENT ? 127 : 126);
	}

	int st;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r < 0) {
		fprintf(stderr, "waitstatus: waitpid: %s\n", strerror(errno));
		return 2;
	}
	if (WIFEXITED(st))
		fprintf(out, "exit %d\n", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		fprintf(out, "signal %d %s\n", WTERMSIG(st), WCOREDUMP(st) ? "core" : "nocore");
	else
		fprintf(out, "unknown %#x\n", (unsigned)st);
	if (fclose(out) != 0) {
		fprintf(stderr, "waitstatus: %s: write error\n", argv[1]);
		return 2;
	}
	return 0;
}
