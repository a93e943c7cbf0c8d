/* sigdefault: default actions, seen from the parent's wait status.
 *   terminate: SIGTERM, SIGHUP, SIGUSR1, SIGALRM (alarm), SIGPIPE (a write
 *   to a pipe without readers), SIGRTMIN; terminate+core (RLIMIT_CORE 0,
 *   so no core flag): SIGQUIT, SIGABRT (abort), SIGSEGV, SIGSYS, SIGXCPU,
 *   SIGILL, SIGFPE, SIGBUS, SIGTRAP, SIGXFSZ (a write past RLIMIT_FSIZE);
 *   ignore: SIGCHLD, SIGURG, SIGWINCH, SIGCONT raised at oneself;
 *   stop/continue: SIGSTOP, SIGTSTP, then SIGCONT, seen with WUNTRACED /
 *   WCONTINUED and with waitid; a stopped child with two threads; a
 *   SIGTERM sent while stopped acts on SIGCONT; a SIGCONT handler runs on
 *   continue; SA_NOCLDSTOP; SIGCHLD set to SIG_IGN or SA_NOCLDWAIT reaps
 *   children automatically. */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <sys/resource.h>

static void nocore(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
}

static void raise_in_child(int sig)
{
	pid_t pid = fork();
	if (pid == 0) {
		nocore();
		if (sig == SIGABRT)
			abort();
		if (sig == SIGALRM) {
			alarm(1);
			for (;;)
				pause();
		}
		if (sig == SIGPIPE) {
			int p[2];
			if (pipe(p) < 0)
				_exit(2);
			close(p[0]);
			if (write(p[1], "x", 1) < 0)
				_exit(3); /* EPIPE: the signal did not kill */
			_exit(4);
		}
		if (sig == SIGXFSZ) {
			/* Writing past RLIMIT_FSIZE. */
			struct rlimit rl = { 1, 1 };
			char path[] = "/tmp/tvisor-xfsz.XXXXXX";
			int fd = mkstemp(path);
			if (fd < 0)
				_exit(2);
			unlink(path);
			setrlimit(RLIMIT_FSIZE, &rl);
			if (write(fd, "xy", 2) < 0 || write(fd, "z", 1) < 0)
				_exit(3); /* EFBIG: the signal did not kill */
			_exit(4);
		}
		raise(sig);
		_exit(0); /* ignored */
	}
	int st;
	xwaitpid(pid, &st, 0);
	say("default %s: %s", sig == SIGRTMIN ? "RTMIN" : sname(sig), wstr(st));
}

static void *idle(void *a)
{
	(void)a;
	for (;;)
		pause();
	return NULL;
}

static volatile sig_atomic_t cont_runs, chld_runs;
static int contpipe[2];
static void on_cont(int sig)
{
	(void)sig;
	cont_runs++;
	if (write(contpipe[1], "c", 1) != 1)
		_exit(9);
}
static void on_chld(int sig)
{
	(void)sig;
	chld_runs++;
}

/* A child that sits in pause (two threads if threaded), in its own
 * process group so that stop signals are never discarded as sent to an
 * orphaned group.  It returns once the child is set up (a byte on a pipe):
 * a SIGCONT sent before the child's handler is in place finds SIG_DFL and
 * is discarded, and no delay makes a fork's child run soon enough on a
 * busy machine. */
static pid_t sitter(int threaded, int cont_handler)
{
	int ready[2];
	char c;
	if (pipe(ready) < 0)
		exit(2);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		nocore();
		if (cont_handler)
			signal(SIGCONT, on_cont);
		if (threaded) {
			pthread_t t;
			pthread_create(&t, NULL, idle, NULL);
		}
		if (write(ready[1], "r", 1) != 1)
			_exit(9);
		for (;;)
			pause();
	}
	setpgid(pid, pid);
	if (read(ready[0], &c, 1) != 1)
		exit(2);
	close(ready[0]);
	close(ready[1]);
	return pid;
}

static void show_wait(const char *what, pid_t pid, int flags)
{
	int st;
	pid_t r = xwaitpid(pid, &st, flags);
	say("  %s: %s", what, r == pid ? wstr(st) : r == 0 ? "nothing" : ename(errno));
}

int main(void)
{
	int term[] = { SIGTERM, SIGHUP, SIGUSR1, SIGALRM, SIGPIPE, SIGRTMIN };
	for (unsigned i = 0; i < sizeof term / sizeof term[0]; i++)
		raise_in_child(term[i]);
	int core[] = { SIGQUIT, SIGABRT, SIGSEGV, SIGSYS, SIGXCPU, SIGILL, SIGFPE, SIGBUS, SIGTRAP, SIGXFSZ };
	for (unsigned i = 0; i < sizeof core / sizeof core[0]; i++)
		raise_in_child(core[i]);
	int ign[] = { SIGCHLD, SIGURG, SIGWINCH, SIGCONT };
	for (unsigned i = 0; i < sizeof ign / sizeof ign[0]; i++)
		raise_in_child(ign[i]);

	for (int threaded = 0; threaded < 2; threaded++) {
		say("stop/continue, %s:", threaded ? "two threads" : "one thread");
		pid_t pid = sitter(threaded, 0);
		kill(pid, SIGSTOP);
		show_wait("after SIGSTOP", pid, WUNTRACED);
		kill(pid, SIGCONT);
		show_wait("after SIGCONT", pid, WCONTINUED);
		kill(pid, SIGTSTP);
		show_wait("after SIGTSTP", pid, WUNTRACED);
		siginfo_t si;
		memset(&si, 0, sizeof si);
		kill(pid, SIGCONT);
		waitid(P_PID, (id_t)pid, &si, WCONTINUED);
		say("  waitid after SIGCONT: code=%s status=%s", si.si_code == CLD_CONTINUED ? "CLD_CONTINUED" : "other",
		    sname(si.si_status));
		kill(pid, SIGSTOP);
		memset(&si, 0, sizeof si);
		waitid(P_PID, (id_t)pid, &si, WSTOPPED);
		say("  waitid after SIGSTOP: code=%s status=%s", si.si_code == CLD_STOPPED ? "CLD_STOPPED" : "other",
		    sname(si.si_status));
		kill(pid, SIGTERM); /* acts only once continued */
		sleep_ms(50);
		show_wait("SIGTERM while stopped", pid, WNOHANG);
		kill(pid, SIGCONT);
		show_wait("then SIGCONT", pid, 0);
	}

	/* A SIGCONT handler runs when the child is continued. */
	{
		if (pipe(contpipe) < 0)
			return 2;
		pid_t pid = sitter(0, 1);
		kill(pid, SIGSTOP);
		show_wait("handler child stopped", pid, WUNTRACED);
		kill(pid, SIGCONT);
		char c = 0;
		int ok = read(contpipe[0], &c, 1) == 1 && c == 'c';
		say("SIGCONT handler ran in child=%s", yn(ok));
		kill(pid, SIGKILL);
		show_wait("killed", pid, 0);
	}

	/* SIGCHLD for stops, or not (SA_NOCLDSTOP). */
	for (int nocldstop = 0; nocldstop < 2; nocldstop++) {
		struct sigaction sa = { 0 };
		sa.sa_handler = on_chld;
		sa.sa_flags = SA_RESTART | (nocldstop ? SA_NOCLDSTOP : 0);
		sigaction(SIGCHLD, &sa, NULL);
		chld_runs = 0;
		pid_t pid = sitter(0, 0);
		kill(pid, SIGSTOP);
		show_wait(nocldstop ? "SA_NOCLDSTOP stop" : "stop", pid, WUNTRACED);
		sleep_ms(30);
		int after_stop = chld_runs;
		kill(pid, SIGKILL);
		show_wait("killed", pid, 0);
		say("  SIGCHLD for the stop=%s", yn(after_stop > 0));
	}

	/* Automatic reaping. */
	for (int how = 0; how < 2; how++) {
		struct sigaction sa = { 0 };
		sa.sa_handler = how ? on_chld : SIG_IGN;
		sa.sa_flags = how ? SA_NOCLDWAIT : 0;
		sigaction(SIGCHLD, &sa, NULL);
		for (int i = 0; i < 3; i++)
			if (fork() == 0)
				_exit(i);
		int st;
		errno = 0;
		pid_t r;
		while ((r = wait(&st)) < 0 && errno == EINTR)
			;
		say("%s: wait returns %s", how ? "SA_NOCLDWAIT" : "SIGCHLD SIG_IGN", r < 0 ? ename(errno) : "a child");
		signal(SIGCHLD, SIG_DFL);
	}
	return 0;
}
