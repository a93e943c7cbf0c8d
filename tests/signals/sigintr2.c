/* sigintr2: one signal arriving while the main thread waits in a blocking
 * call, as signal(7) describes it.  A helper thread sends the signal once
 * the main thread sleeps, and completes the call (writes the pipe,
 * connects, lets the child exit, signals the condition) once the handler
 * ran, or 50 ms later for a signal without a handler.
 *   - without SA_RESTART: read, accept, wait4, poll, epoll_wait, select
 *     (without and with a timeout), nanosleep (with the remaining time),
 *     sigsuspend fail with EINTR;
 *     pthread_cond_wait never does (the handler runs, the wait goes on);
 *   - with SA_RESTART: read, accept, wait4 restart transparently and
 *     complete; poll, epoll_wait, select, nanosleep, sigsuspend, a socket
 *     read with SO_RCVTIMEO and sem_timedwait fail with EINTR anyway;
 *   - signals that are ignored (SIG_IGN, or by default: SIGCHLD, SIGWINCH,
 *     SIGURG, SIGCONT) do not interrupt anything;
 *   - a SIGCHLD handler without SA_RESTART interrupts a wait4 for another
 *     child; a stop and continue of a process in read is invisible to it. */
#include "../lifecycle/util.c"
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>

static volatile sig_atomic_t runs;
static void handler(int sig)
{
	(void)sig;
	runs++;
}

static void set_handler(int sig, int restart)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = handler;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(sig, &sa, NULL);
}

/* --- the helper ---------------------------------------------------------- */

static pthread_t main_thread;
static pid_t main_tid;
static void (*completion)(void);
static int helper_sig;

/* Whether sig runs handler() here. */
static int handled(int sig)
{
	struct sigaction sa;
	return sig && sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == handler;
}

/* Before the completion, a handled signal must have ended or restarted
 * the call: the handler runs on the call's way out.  A fixed delay is no
 * such order -- on a busy machine the main thread may not run for 50 ms
 * after the signal woke it, find the pipe written (the kernel checks the
 * wait's condition before the pending signal) and return 1, not EINTR.
 * A signal without a handler interrupts nothing: 50 ms give a wrong
 * interruption its chance. */
static void before_completion(void)
{
	if (!handled(helper_sig)) {
		sleep_ms(50);
		return;
	}
	for (int i = 0; i < 5000 && !runs; i++)
		sleep_ms(1);
}

/* The helper takes no signal: every one here is meant for the main thread.
 * A process-directed one (a child's SIGCHLD) may go to any thread that
 * does not block it; Linux gives it to the main thread when that sleeps
 * in a call, but under a monitor the helper's trapped calls take pending
 * signals too (docs/limits.md). */
static void *helper(void *a)
{
	(void)a;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	wait_sleeping(main_tid);
	if (helper_sig)
		pthread_kill(main_thread, helper_sig);
	before_completion();
	if (completion)
		completion();
	return NULL;
}

static pthread_t ht;
static void start(int sig, void (*complete)(void))
{
	helper_sig = sig;
	completion = complete;
	runs = 0;
	pthread_create(&ht, NULL, helper, NULL);
}
static void finish(void)
{
	pthread_join(ht, NULL);
}

static void report(const char *call, const char *mode, long r, int e)
{
	if (r < 0)
		say("%s (%s): -1 %s handler-runs=%d", call, mode, ename(e), (int)runs);
	else
		say("%s (%s): %ld handler-runs=%d", call, mode, r, (int)runs);
}

/* --- the calls ----------------------------------------------------------- */

static int pipefd[2];
static void write_pipe(void)
{
	if (write(pipefd[1], "x", 1) != 1)
		_exit(3);
}
static void drain_pipe(void)
{
	char c;
	int fl = fcntl(pipefd[0], F_GETFL);
	fcntl(pipefd[0], F_SETFL, fl | O_NONBLOCK);
	while (read(pipefd[0], &c, 1) == 1)
		;
	fcntl(pipefd[0], F_SETFL, fl);
}

static void t_read(int sig, const char *mode)
{
	char c = 0;
	start(sig, write_pipe);
	long r = read(pipefd[0], &c, 1);
	int e = errno;
	finish();
	drain_pipe();
	report("read", mode, r, e);
}

static char sockpath[108];
static int lsock;
static void connect_client(void)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path, sockpath, sizeof a.sun_path);
	connect(s, (struct sockaddr *)&a, sizeof a);
	close(s);
}
static void t_accept(int sig, const char *mode)
{
	start(sig, connect_client);
	long r = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
	int e = errno;
	finish();
	if (r >= 0) {
		close((int)r);
		r = 0; /* a descriptor number is not deterministic enough */
	} else {
		int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			close(c);
	}
	report("accept", mode, r, e);
}

static int childpipe[2];
static void release_child(void)
{
	if (write(childpipe[1], "x", 1) != 1)
		_exit(3);
}
/* For the SIGCHLD test: release the slow child once SIGCHLD was handled. */
static void release_after_chld(void)
{
	for (int i = 0; i < 5000 && !runs; i++)
		sleep_ms(1);
	sleep_ms(50);
	release_child();
}

static void t_wait4(int sig, const char *mode)
{
	if (pipe(childpipe) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		_exit(read(childpipe[0], &c, 1) == 1 ? 3 : 4);
	}
	int st = 0;
	start(sig, release_child);
	long r = wait4(pid, &st, 0, NULL);
	int e = errno;
	finish();
	if (r < 0)
		xwaitpid(pid, &st, 0);
	close(childpipe[0]);
	close(childpipe[1]);
	if (r > 0)
		say("wait4 (%s): child %s handler-runs=%d", mode, wstr(st), (int)runs);
	else
		report("wait4", mode, r, e);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int flag;
static void signal_cond(void)
{
	pthread_mutex_lock(&mu);
	flag = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}
static void t_cond(int sig, const char *mode)
{
	flag = 0;
	start(sig, signal_cond);
	pthread_mutex_lock(&mu);
	long r = 0;
	while (!flag && r == 0)
		r = pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	finish();
	say("pthread_cond_wait (%s): %ld flag=%d handler-runs=%d", mode, r, flag, (int)runs);
}

static void t_nanosleep(int sig, const char *mode)
{
	struct timespec ts = { 3, 0 }, rem = { -1, -1 };
	start(sig, NULL);
	long r = nanosleep(&ts, &rem);
	int e = errno;
	finish();
	report("nanosleep", mode, r, e);
	if (r < 0)
		say("nanosleep (%s): remaining set and less than asked=%s", mode,
		    yn(rem.tv_sec >= 0 && (rem.tv_sec < 3) && (rem.tv_sec > 0 || rem.tv_nsec > 0)));
}

static void t_poll(int sig, const char *mode)
{
	struct pollfd p = { pipefd[0], POLLIN, 0 };
	start(sig, NULL);
	long r = poll(&p, 1, -1);
	int e = errno;
	finish();
	report("poll", mode, r, e);
}

static void t_epoll(int sig, const char *mode)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &ev);
	start(sig, NULL);
	long r = epoll_wait(ep, &out, 1, -1);
	int e = errno;
	finish();
	close(ep);
	report("epoll_wait", mode, r, e);
}

static void t_select(int sig, const char *mode)
{
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(pipefd[0], &rd);
	start(sig, NULL);
	long r = select(pipefd[0] + 1, &rd, NULL, NULL, NULL);
	int e = errno;
	finish();
	report("select", mode, r, e);
}

/* The same with timeouts (5 s, far longer than the test waits). */
static void t_select_timeout(int sig, const char *mode)
{
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(pipefd[0], &rd);
	struct timeval tv = { 5, 0 };
	start(sig, NULL);
	long r = select(pipefd[0] + 1, &rd, NULL, NULL, &tv);
	int e = errno;
	finish();
	report("select with timeout", mode, r, e);
}

static void t_poll_timeout(int sig, const char *mode)
{
	struct pollfd p = { pipefd[0], POLLIN, 0 };
	start(sig, NULL);
	long r = poll(&p, 1, 5000);
	int e = errno;
	finish();
	report("poll with timeout", mode, r, e);
}

static void t_epoll_timeout(int sig, const char *mode)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &ev);
	start(sig, NULL);
	long r = epoll_wait(ep, &out, 1, 5000);
	int e = errno;
	finish();
	close(ep);
	report("epoll_wait with timeout", mode, r, e);
}

static void t_sigsuspend(int sig, const char *mode)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	start(sig, NULL);
	long r = sigsuspend(&cur);
	int e = errno;
	finish();
	report("sigsuspend", mode, r, e);
}

static void t_sock_timeo(int sig, const char *mode)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	struct timeval tv = { 5, 0 };
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char c;
	start(sig, NULL);
	long r = read(sv[0], &c, 1);
	int e = errno;
	finish();
	close(sv[0]);
	close(sv[1]);
	report("read with SO_RCVTIMEO", mode, r, e);
}

static void t_sem_timedwait(int sig, const char *mode)
{
	sem_t s;
	sem_init(&s, 0, 0);
	struct timespec abs;
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_sec += 5;
	start(sig, NULL);
	long r = sem_timedwait(&s, &abs);
	int e = errno;
	finish();
	sem_destroy(&s);
	report("sem_timedwait", mode, r, e);
}

int main(void)
{
	main_thread = pthread_self();
	main_tid = tv_gettid();
	if (pipe(pipefd) < 0)
		return 2;
	char *dir = make_tmpdir();
	if (strlen(dir) > 90)
		return 2;
	memcpy(sockpath, dir, strlen(dir));
	memcpy(sockpath + strlen(dir), "/sock", 6);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path, sockpath, sizeof a.sun_path);
	if (bind(lsock, (struct sockaddr *)&a, sizeof a) != 0 || listen(lsock, 4) != 0)
		return 2;

	for (int restart = 0; restart < 2; restart++) {
		const char *mode = restart ? "SA_RESTART" : "no SA_RESTART";
		set_handler(SIGUSR1, restart);
		t_read(SIGUSR1, mode);
		t_accept(SIGUSR1, mode);
		t_wait4(SIGUSR1, mode);
		t_cond(SIGUSR1, mode);
		t_nanosleep(SIGUSR1, mode);
		t_poll(SIGUSR1, mode);
		t_epoll(SIGUSR1, mode);
		t_select(SIGUSR1, mode);
		t_select_timeout(SIGUSR1, mode);
		t_poll_timeout(SIGUSR1, mode);
		t_epoll_timeout(SIGUSR1, mode);
		t_sigsuspend(SIGUSR1, mode);
		t_sock_timeo(SIGUSR1, mode);
		t_sem_timedwait(SIGUSR1, mode);
	}

	/* Ignored signals interrupt nothing. */
	signal(SIGUSR1, SIG_IGN);
	t_read(SIGUSR1, "SIG_IGN USR1");
	t_cond(SIGUSR1, "SIG_IGN USR1");
	int dflt[] = { SIGCHLD, SIGWINCH, SIGURG, SIGCONT };
	for (int i = 0; i < 4; i++) {
		char mode[32];
		snprintf(mode, sizeof mode, "default-ignored %s", sname(dflt[i]));
		signal(dflt[i], SIG_DFL);
		t_read(dflt[i], mode);
		t_accept(dflt[i], mode);
		t_wait4(dflt[i], mode);
	}

	/* A SIGCHLD handler: another child's exit interrupts wait4 for the
	 * first one (no SA_RESTART), or not (SA_RESTART).  The quick child
	 * exits once the parent is about to wait (a byte on a pipe) and its
	 * main thread sleeps; the slow one is released only after the
	 * SIGCHLD handler ran. */
	for (int restart = 0; restart < 2; restart++) {
		set_handler(SIGCHLD, restart);
		int go[2];
		if (pipe(go) < 0 || pipe(childpipe) < 0)
			return 2;
		pid_t quick = fork();
		if (quick == 0) {
			char c;
			if (read(go[0], &c, 1) != 1)
				_exit(1);
			wait_sleeping_in(getppid(), main_tid);
			_exit(0);
		}
		pid_t slow = fork();
		if (slow == 0) {
			char c;
			_exit(read(childpipe[0], &c, 1) == 1 ? 5 : 6);
		}
		runs = 0;
		helper_sig = 0;
		completion = release_after_chld;
		pthread_create(&ht, NULL, helper, NULL); /* releases slow later */
		int st = 0;
		if (write(go[1], "g", 1) != 1)
			return 2;
		long r = wait4(slow, &st, 0, NULL);
		int e = errno;
		finish();
		if (r < 0)
			xwaitpid(slow, &st, 0);
		xwaitpid(quick, NULL, 0);
		say("wait4 with a SIGCHLD handler (%s): %s handler-runs>0=%s",
		    restart ? "SA_RESTART" : "no SA_RESTART", r < 0 ? ename(e) : wstr(st), yn(runs > 0));
		close(childpipe[0]);
		close(childpipe[1]);
		close(go[0]);
		close(go[1]);
	}
	signal(SIGCHLD, SIG_DFL);

	/* A child stopped and continued in read: not interrupted. */
	{
		int p[2];
		if (pipe(p) < 0)
			return 2;
		pid_t pid = fork();
		if (pid == 0) {
			char c;
			ssize_t n = read(p[0], &c, 1);
			_exit(n == 1 ? 0 : errno == EINTR ? 7 : 8);
		}
		wait_sleeping_in(pid, pid);
		kill(pid, SIGSTOP);
		int st;
		xwaitpid(pid, &st, WUNTRACED);
		kill(pid, SIGCONT);
		sleep_ms(30);
		if (write(p[1], "x", 1) != 1)
			return 2;
		xwaitpid(pid, &st, 0);
		say("stop/continue during read: child %s", wstr(st));
	}
	unlink(sockpath);
	rm_dir(dir);
	return 0;
}
