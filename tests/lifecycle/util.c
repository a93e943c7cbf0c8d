/* util.c: small helpers shared by the lifecycle and signal guests.  Not a
 * guest itself: each guest includes it ("#include "../lifecycle/util.c"").
 * Everything is static so an unused helper costs nothing (and is marked
 * unused so -Werror stays quiet). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TV_UNUSED __attribute__((unused))

#define yn tv_yn
TV_UNUSED static const char *tv_yn(int b)
{
	return b ? "yes" : "no";
}

/* Print a line and flush: the guests fork, and a line buffered before a
 * fork would be printed twice. */
TV_UNUSED __attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

TV_UNUSED static pid_t tv_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

TV_UNUSED static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

TV_UNUSED static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read a whole small file into buf (NUL-terminated); -1 on error. */
TV_UNUSED static ssize_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n;
	if (fd < 0)
		return -1;
	while (len + 1 < cap && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = 0;
	return (ssize_t)len;
}

/* The value of a "Key:\tvalue" line of /proc/self/status (or another
 * status file), as a long (first number); -1 if absent. */
TV_UNUSED static long status_field(const char *path, const char *key)
{
	char buf[8192], *p;
	size_t kl = strlen(key);
	if (slurp(path, buf, sizeof buf) < 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ':')
			return strtol(p + kl + 1, NULL, 10);
	}
	return -1;
}

/* The entries of /proc/self/fd (with ".", ".." and the one opendir
 * holds), or -1: compared before and after, a leak shows. */
TV_UNUSED static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* The scheduler state letter of thread tid of process pid (0: this
 * process), from /proc/PID/task/TID/stat, or '?'. */
TV_UNUSED static char proc_thread_state(pid_t pid, pid_t tid)
{
	char path[64], buf[1024], *p;
	if (pid)
		snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	else
		snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tid);
	if (slurp(path, buf, sizeof buf) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

TV_UNUSED static char thread_state(pid_t tid)
{
	return proc_thread_state(0, tid);
}

/* Wait until thread tid of process pid (0: this one) sleeps (state S),
 * then a little longer so that it is really inside its blocking call
 * (under a monitor the call may be in the hands of another thread a moment
 * after the caller sleeps; 30 ms were once too short in the arm64 VM,
 * where the signal then came before the call and rightly did not end it). */
TV_UNUSED static void wait_sleeping_in(pid_t pid, pid_t tid)
{
	for (int i = 0; i < 5000 && proc_thread_state(pid, tid) != 'S'; i++)
		sleep_ms(1);
	sleep_ms(100);
}

TV_UNUSED static void wait_sleeping(pid_t tid)
{
	wait_sleeping_in(0, tid);
}

/* A signal's name without the libc's help (musl has no sigabbrev_np). */
TV_UNUSED static const char *sname(int sig)
{
	static char buf[32];
#define S(x) \
	case SIG##x: \
		return #x;
	switch (sig) {
		S(HUP) S(INT) S(QUIT) S(ILL) S(TRAP) S(ABRT) S(BUS) S(FPE) S(KILL) S(USR1) S(SEGV) S(USR2)
		S(PIPE) S(ALRM) S(TERM) S(STKFLT) S(CHLD) S(CONT) S(STOP) S(TSTP) S(TTIN) S(TTOU) S(URG)
		S(XCPU) S(XFSZ) S(VTALRM) S(PROF) S(WINCH) S(IO) S(PWR) S(SYS)
	}
#undef S
	if (sig >= 32 && sig < 65)
		snprintf(buf, sizeof buf, "RT%d", sig - 32);
	else
		snprintf(buf, sizeof buf, "sig%d", sig);
	return buf;
}

/* Describe a wait status deterministically. */
TV_UNUSED static const char *wstr(int st)
{
	static char buf[96];
	if (WIFEXITED(st))
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof buf, "signal %s%s", sname(WTERMSIG(st)), WCOREDUMP(st) ? " core" : "");
	else if (WIFSTOPPED(st))
		snprintf(buf, sizeof buf, "stopped %s", sname(WSTOPSIG(st)));
	else if (WIFCONTINUED(st))
		snprintf(buf, sizeof buf, "continued");
	else
		snprintf(buf, sizeof buf, "unknown %#x", (unsigned)st);
	return buf;
}

/* waitpid that retries on EINTR. */
TV_UNUSED static pid_t xwaitpid(pid_t pid, int *st, int flags)
{
	pid_t r;
	while ((r = waitpid(pid, st, flags)) < 0 && errno == EINTR)
		;
	return r;
}

/* A fresh temporary directory (removed by rm_rf at the end). */
TV_UNUSED static char *make_tmpdir(void)
{
	static char dir[256];
	const char *t = getenv("TMPDIR");
	snprintf(dir, sizeof dir, "%s/tvisor-life.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		exit(2);
	}
	return dir;
}

/* Remove the plain files of a directory (no subdirectories); and rm_dir
 * the directory too. */
#include <dirent.h>
TV_UNUSED static void empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

TV_UNUSED static void rm_dir(const char *dir)
{
	empty_dir(dir);
	rmdir(dir);
}

TV_UNUSED static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	int ok = write(fd, text, len) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

/* A name for an errno value that does not depend on the libc's wording. */
TV_UNUSED static const char *ename(int e)
{
	static char buf[32];
#define E(x) \
	case x: \
		return #x;
	switch (e) {
		E(0) E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF) E(ECHILD)
		E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(ENOTDIR) E(EISDIR) E(EINVAL)
		E(EMFILE) E(ETXTBSY) E(ENOSPC) E(ESPIPE) E(EPIPE) E(ERANGE) E(ENOSYS) E(ELOOP)
		E(ENAMETOOLONG) E(ETIMEDOUT) E(EOPNOTSUPP) E(EDEADLK) E(EOWNERDEAD) E(ENOTRECOVERABLE)
		E(EADDRNOTAVAIL) E(EADDRINUSE) E(ENOTSOCK) E(ENETUNREACH) E(ENODEV)
	}
#undef E
	snprintf(buf, sizeof buf, "errno%d", e);
	return buf;
}

/* ename(), with "OK" for no error. */
TV_UNUSED static const char *ename_ok(int e)
{
	return e ? ename(e) : "OK";
}

/* Runs fn in a forked child with an alarm of its own, so that a part that
 * hangs or crashes becomes a printed line and the next part still runs. */
TV_UNUSED static void run_part(const char *name, void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		say("%s: fork: %s", name, ename(errno));
		return;
	}
	if (pid == 0) {
		/* Only a hang may reach this alarm: the arm64 VM under load runs
		 * a contended part natively in seconds, so the bound is generous;
		 * a tool that hangs in several parts then meets compare.sh's
		 * time limit, which fails the case just as well. */
		alarm(20);
		fn();
		fflush(stdout);
		_exit(0);
	}
	int st;
	if (xwaitpid(pid, &st, 0) != pid)
		say("%s: waitpid: %s", name, ename(errno));
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		say("%s: part ended with %s", name, wstr(st));
}

/* An address nothing is mapped at, hidden from the compiler. */
#include <stdint.h>
TV_UNUSED static volatile uintptr_t tv_bad_addr = 16;
#define BAD_PTR ((volatile int *)tv_bad_addr)
