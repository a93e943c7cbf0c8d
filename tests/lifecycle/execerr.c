/* execerr: execve failures come back to the caller, which keeps running
 * with its state intact: ENOENT (missing file, missing #! interpreter,
 * missing ELF interpreter), EACCES (no x bit, a directory, noexec path
 * component), ENOEXEC, E2BIG (one string too long, all strings too long),
 * ENOTDIR, ELOOP, ENAMETOOLONG, EFAULT; execveat/fexecve errors.  After all
 * of them the caller's handler, mask, close-on-exec descriptor and memory
 * are unchanged, and one successful exec at the end ends the test. */
#include "../lifecycle/util.c"
#include <sys/stat.h>

extern char **environ;
static volatile sig_atomic_t got_usr1;
static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

static void try_exec(const char *name, const char *path, char **argv)
{
	errno = 0;
	int rc = execve(path, argv, environ);
	say("%s: execve returned %d %s", name, rc, ename(errno));
}

int main(void)
{
	char *dir = make_tmpdir(), p[4096];
	char *argv[] = { "prog", "arg", NULL };
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	sigprocmask(SIG_BLOCK, &m, NULL);
	int cfd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	snprintf(p, sizeof p, "%s/missing", dir);
	try_exec("enoent", p, argv);

	snprintf(p, sizeof p, "%s/noexec", dir);
	write_file(p, "#!/bin/sh\necho should not run\n", 0644);
	try_exec("eacces-mode", p, argv);

	try_exec("eacces-dir", dir, argv);

	snprintf(p, sizeof p, "%s/garbage", dir);
	write_file(p, "this is not a program\n", 0755);
	try_exec("enoexec-text", p, argv);

	snprintf(p, sizeof p, "%s/badelf", dir);
	write_file(p, "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0 truncated", 0755);
	try_exec("enoexec-elf", p, argv);

	snprintf(p, sizeof p, "%s/badinterp", dir);
	write_file(p, "#!/nonexistent/interpreter\n", 0755);
	try_exec("enoent-shebang", p, argv);

	snprintf(p, sizeof p, "%s/noexec/x", dir);
	snprintf(p + 2048, 2048, "%s/noexec", dir);
	try_exec("enotdir", p, argv);

	snprintf(p, sizeof p, "%s/loop", dir);
	symlink(p, p);
	try_exec("eloop", p, argv);

	{
		char longname[6000];
		memset(longname, 'a', sizeof longname);
		longname[0] = '/';
		longname[sizeof longname - 1] = 0;
		try_exec("enametoolong", longname, argv);
	}
	{
		/* One string longer than MAX_ARG_STRLEN (32 pages). */
		static char big[200000];
		memset(big, 'x', sizeof big - 1);
		char *a[] = { "sh", "-c", "echo should not run", big, NULL };
		try_exec("e2big-one", "/bin/sh", a);
		/* Strings of legal length, too many bytes in all. */
		big[100000] = 0;
		char *many[64];
		many[0] = "sh";
		many[1] = "-c";
		many[2] = "echo should not run";
		for (int i = 3; i < 63; i++)
			many[i] = big;
		many[63] = NULL;
		try_exec("e2big-total", "/bin/sh", many);
		char *env[64];
		for (int i = 0; i < 63; i++)
			env[i] = big;
		env[63] = NULL;
		errno = 0;
		int rc = execve("/bin/sh", argv, env);
		say("e2big-env: execve returned %d %s", rc, ename(errno));
	}
	{
		errno = 0;
		char *volatile badp = (char *)8;
		int rc = execve(badp, argv, environ);
		say("efault-path: execve returned %d %s", rc, ename(errno));
		char *badv[] = { "sh", badp, NULL };
		errno = 0;
		rc = execve("/bin/sh", badv, environ);
		say("efault-argv: execve returned %d %s", rc, ename(errno));
	}
	{
		/* execveat and fexecve on a descriptor of a non-executable file. */
		snprintf(p, sizeof p, "%s/noexec", dir);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		errno = 0;
		int rc = (int)syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		say("execveat-eacces: returned %d %s", rc, ename(errno));
		errno = 0;
		rc = (int)syscall(SYS_execveat, fd, "", argv, environ, 0);
		say("execveat-enoent-empty: returned %d %s", rc, ename(errno));
		errno = 0;
		rc = fexecve(fd, argv, environ);
		say("fexecve-eacces: returned %d %s", rc, ename(errno));
		close(fd);
	}

	/* The caller's state survived every failure. */
	raise(SIGUSR1);
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	say("after: handler-runs=%s mask-kept=%s cloexec-fd-open=%s", yn(got_usr1 == 1), yn(sigismember(&now, SIGUSR2)),
	    yn(fcntl(cfd, F_GETFD) == FD_CLOEXEC));

	/* Last of the failures: a monitor that does not check execveat's
	 * flags runs /bin/sh here instead, and nothing after is seen. */
	{
		errno = 0;
		int rc = (int)syscall(SYS_execveat, AT_FDCWD, "/bin/sh", argv, environ, 0x2345);
		say("execveat-einval-flags: returned %d %s", rc, ename(errno));
		char link[600];
		snprintf(link, sizeof link, "%s/link-to-sh", dir);
		symlink("/bin/sh", link);
		errno = 0;
		rc = (int)syscall(SYS_execveat, AT_FDCWD, link, argv, environ, AT_SYMLINK_NOFOLLOW);
		say("execveat-eloop-nofollow: returned %d %s", rc, ename(errno));
		unlink(link);
	}
	snprintf(p, sizeof p, "%s/noexec", dir);
	unlink(p);
	rm_dir(dir);
	/* Finally a successful exec: what follows never runs. */
	char *ok[] = { "sh", "-c", "echo exec finally ok; exit 4", NULL };
	execve("/bin/sh", ok, environ);
	say("not reached");
	return 1;
}
