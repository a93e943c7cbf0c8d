/* spawn: posix_spawn and posix_spawnp.  glibc runs the child with
 * CLONE_VM|CLONE_VFORK and reports a failed exec through the shared memory;
 * musl uses a pipe.  Either way a missing program must give ENOENT, a file
 * without execute permission EACCES, a text file without #! ENOEXEC (glibc's
 * posix_spawn does not fall back to /bin/sh), and the caller keeps running.
 * Also: file actions (dup2, open, close), the signal mask and SIG_IGN
 * dispositions set with attributes, a process group, and the exit status. */
#include "../lifecycle/util.c"
#include <spawn.h>

extern char **environ;

static void report(const char *name, int rc, pid_t pid)
{
	if (rc != 0) {
		say("%s: spawn fails %s", name, ename(rc));
		return;
	}
	int st;
	pid_t r = xwaitpid(pid, &st, 0);
	say("%s: spawned, reaped=%s %s", name, yn(r == pid), wstr(st));
}

static volatile sig_atomic_t usr1_runs;
static void on_usr1(int sig)
{
	(void)sig;
	usr1_runs++;
}

/* The spawned child's report on what it inherited. */
static int child_report(void)
{
	sigset_t m;
	struct sigaction sa;
	sigprocmask(SIG_BLOCK, NULL, &m);
	sigaction(SIGHUP, NULL, &sa);
	say("child: usr2-blocked=%s usr1-blocked=%s hup-ignored=%s own-pgroup=%s", yn(sigismember(&m, SIGUSR2)),
	    yn(sigismember(&m, SIGUSR1)), yn(sa.sa_handler == SIG_IGN), yn(getpgrp() == getpid()));
	return 3;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return child_report();
	const char *self = argv[0];
	char *dir = make_tmpdir(), path[512], noexec[512], text[512];
	pid_t pid;
	int rc;

	{
		char *argv[] = { "sh", "-c", "exit 6", NULL };
		rc = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
		report("spawn-sh", rc, pid);
	}
	{
		char *argv[] = { "true", NULL };
		rc = posix_spawnp(&pid, "true", NULL, NULL, argv, environ);
		report("spawnp-true", rc, pid);
	}
	{
		snprintf(path, sizeof path, "%s/missing-program", dir);
		char *argv[] = { "missing-program", NULL };
		rc = posix_spawn(&pid, path, NULL, NULL, argv, environ);
		report("spawn-missing", rc, pid);
		rc = posix_spawnp(&pid, "tvisor-missing-program-xyz", NULL, NULL, argv, environ);
		report("spawnp-missing", rc, pid);
	}
	{
		snprintf(noexec, sizeof noexec, "%s/noexec", dir);
		write_file(noexec, "#!/bin/sh\nexit 0\n", 0644);
		char *argv[] = { "noexec", NULL };
		rc = posix_spawn(&pid, noexec, NULL, NULL, argv, environ);
		report("spawn-eacces", rc, pid);
	}
	{
		snprintf(text, sizeof text, "%s/text", dir);
		write_file(text, "\x7f" "ELF garbage, not a program\n", 0755);
		char *argv[] = { "text", NULL };
		rc = posix_spawn(&pid, text, NULL, NULL, argv, environ);
		report("spawn-enoexec", rc, pid);
	}
	{
		/* File actions: stdout to a file, stdin from /dev/null, a closed fd. */
		char out[512];
		snprintf(out, sizeof out, "%s/out", dir);
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		char *argv[] = { "sh", "-c", "echo redirected; read x; echo read=$?", NULL };
		rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
		report("spawn-file-actions", rc, pid);
		posix_spawn_file_actions_destroy(&fa);
		char buf[128];
		slurp(out, buf, sizeof buf);
		say("spawn-file-actions: file has: %s", strtok(buf, "\n") ? buf : "");
		unlink(out);
	}
	{
		/* A failing file action is also an error of posix_spawn. */
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		char bad[600];
		snprintf(bad, sizeof bad, "%s/no/such/dir", dir);
		posix_spawn_file_actions_addopen(&fa, 3, bad, O_RDONLY, 0);
		char *argv[] = { "true", NULL };
		rc = posix_spawn(&pid, "/bin/true", &fa, NULL, argv, environ);
		report("spawn-bad-file-action", rc, pid);
		posix_spawn_file_actions_destroy(&fa);
	}
	{
		/* Attributes: a mask, SIG_IGN via default-less inheritance, setsid-like pgroup. */
		posix_spawnattr_t at;
		posix_spawnattr_init(&at);
		sigset_t m;
		sigemptyset(&m);
		sigaddset(&m, SIGUSR2);
		posix_spawnattr_setsigmask(&at, &m);
		posix_spawnattr_setpgroup(&at, 0);
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
		signal(SIGHUP, SIG_IGN);
		char *argv[] = { "spawn-child", "report", NULL };
		rc = posix_spawn(&pid, self, NULL, &at, argv, environ);
		report("spawn-attrs", rc, pid);
		posix_spawnattr_destroy(&at);
		signal(SIGHUP, SIG_DFL);
	}
	{
		/* glibc's posix_spawn child, sharing the parent's memory, sets
		 * every handled signal to SIG_DFL before exec: the parent's
		 * handlers must not change. */
		struct sigaction sa = { 0 };
		sa.sa_handler = on_usr1;
		sigaction(SIGUSR1, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		char *argv[] = { "true", NULL };
		rc = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);
		report("spawn-with-handlers", rc, pid);
		struct sigaction now;
		sigaction(SIGUSR1, NULL, &now);
		usr1_runs = 0;
		raise(SIGUSR1);
		raise(SIGHUP);
		say("spawn-with-handlers: parent's handler kept=%s runs=%d", yn(now.sa_handler == on_usr1), (int)usr1_runs);
		signal(SIGUSR1, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
	}
	rm_dir(dir);
	say("caller still running");
	return 0;
}
