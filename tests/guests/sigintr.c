/* sigintr: signals that arrive while a thread is blocked in a system call.
 *
 * A helper thread "pesters" the main thread with a signal every 2 ms until
 * told to stop, and in some tests makes the call complete (writes the pipe,
 * posts the semaphore) after a number of signals.  Whatever the timing, the
 * printed result is the same: with a handler without SA_RESTART the call
 * fails with EINTR; with SA_RESTART a restartable call (read, futex wait)
 * carries on and completes, while calls with timeouts and poll-like calls
 * (nanosleep, poll, pause, sigsuspend) fail with EINTR anyway; ignored signals
 * never interrupt.  Counts of handler runs are timing-dependent and only
 * reported as "at least one". */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_t main_thread;
static _Thread_local int i_am_worker;
static atomic_int stop, handled, handled_in_worker;
static int pipefd[2];
static sem_t sem;

enum { NOTHING, WRITE_PIPE, POST_SEM };
struct pester {
	int sig;
	int complete_after; /* signals sent before completing the call */
	int how;
	pthread_t target;
	int process_wide; /* kill(getpid()) instead of pthread_kill */
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void *pester(void *arg)
{
	struct pester *p = arg;
	for (int i = 1; i <= 5000 && !atomic_load(&stop); i++) {
		sleep_ms(2);
		if (p->process_wide)
			kill(getpid(), p->sig);
		else
			pthread_kill(p->target, p->sig);
		if (i == p->complete_after) {
			if (p->how == WRITE_PIPE && write(pipefd[1], "x", 1) != 1)
				break;
			if (p->how == POST_SEM)
				sem_post(&sem);
		}
	}
	return NULL;
}

static pthread_t pt;
static struct pester cfg;

static void start(int sig, int complete_after, int how)
{
	atomic_store(&stop, 0);
	atomic_store(&handled, 0);
	cfg = (struct pester){ sig, complete_after, how, main_thread, 0 };
	pthread_create(&pt, NULL, pester, &cfg);
}

static void finish(void)
{
	atomic_store(&stop, 1);
	pthread_join(pt, NULL);
}

static void handler(int sig)
{
	(void)sig;
	atomic_fetch_add(&handled, 1);
	if (i_am_worker)
		atomic_fetch_add(&handled_in_worker, 1);
}

static void set_handler(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static const char *err(long rc)
{
	if (rc >= 0)
		return "ok";
	return errno == EINTR ? "EINTR" : errno == EAGAIN ? "EAGAIN" : "other-error";
}

static void report(const char *what, long rc)
{
	int e = errno;
	printf("%-40s rc=%ld %s handler ran: %s\n", what, rc < 0 ? -1 : rc, (errno = e, err(rc)),
	       atomic_load(&handled) > 0 ? "yes" : "no");
}

static void test_read(int flags, const char *what, int complete)
{
	char c = 0;
	set_handler(SIGUSR1, flags);
	start(SIGUSR1, complete ? 20 : 0, complete ? WRITE_PIPE : NOTHING);
	ssize_t n = read(pipefd[0], &c, 1);
	int e = errno;
	finish();
	errno = e;
	report(what, n);
	if (n == 1)
		printf("  read byte '%c'\n", c);
}

static void *blocked_reader(void *arg)
{
	char c;
	sigset_t s;
	(void)arg;
	i_am_worker = 1;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	ssize_t n = read(pipefd[0], &c, 1);
	return (void *)(long)(n < 0 ? -errno : n);
}

int main(void)
{
	struct timespec req = { 30, 0 }, rem = { 0, 0 };
	long rc;

	main_thread = pthread_self();
	if (pipe(pipefd)) {
		perror("pipe");
		return 1;
	}

	test_read(0, "read, no SA_RESTART:", 0);
	test_read(SA_RESTART, "read, SA_RESTART:", 1);

	/* nanosleep is never restarted; it reports the time left */
	set_handler(SIGUSR1, SA_RESTART);
	start(SIGUSR1, 0, NOTHING);
	rc = nanosleep(&req, &rem);
	int e = errno;
	finish();
	errno = e;
	report("nanosleep 30s, SA_RESTART:", rc);
	printf("  remaining time sensible: %s\n",
	       rem.tv_sec <= 30 && (rem.tv_sec > 0 || rem.tv_nsec > 0) ? "yes" : "no");

	/* poll is never restarted */
	struct pollfd pfd = { pipefd[0], POLLIN, 0 };
	start(SIGUSR1, 0, NOTHING);
	rc = poll(&pfd, 1, -1);
	e = errno;
	finish();
	errno = e;
	report("poll infinite, SA_RESTART:", rc);

	/* pause */
	start(SIGUSR1, 0, NOTHING);
	rc = pause();
	e = errno;
	finish();
	errno = e;
	report("pause:", rc);

	/* sigsuspend with USR1 blocked outside */
	sigset_t s, empty;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &s, NULL);
	start(SIGUSR1, 0, NOTHING);
	rc = sigsuspend(&empty);
	e = errno;
	finish();
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	errno = e;
	report("sigsuspend:", rc);

	/* futex-based semaphore: restarted with SA_RESTART, EINTR without */
	sem_init(&sem, 0, 0);
	set_handler(SIGUSR1, SA_RESTART);
	start(SIGUSR1, 20, POST_SEM);
	rc = sem_wait(&sem);
	e = errno;
	finish();
	errno = e;
	report("sem_wait, SA_RESTART:", rc);
	set_handler(SIGUSR1, 0);
	start(SIGUSR1, 0, NOTHING);
	rc = sem_wait(&sem);
	e = errno;
	finish();
	errno = e;
	report("sem_wait, no SA_RESTART:", rc);

	/* ignored signals, explicitly or by default, do not interrupt */
	signal(SIGUSR2, SIG_IGN);
	char c = 0;
	start(SIGUSR2, 20, WRITE_PIPE);
	rc = read(pipefd[0], &c, 1);
	e = errno;
	finish();
	errno = e;
	report("read, SIG_IGN signal:", rc);
	start(SIGWINCH, 20, WRITE_PIPE);
	rc = read(pipefd[0], &c, 1);
	e = errno;
	finish();
	errno = e;
	report("read, default-ignored SIGWINCH:", rc);

	/* sigwaitinfo takes a blocked signal sent by another thread */
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	start(SIGUSR2, 0, NOTHING);
	siginfo_t si;
	rc = sigwaitinfo(&s, &si);
	finish();
	printf("sigwaitinfo from thread: %s, si_code SI_TKILL or SI_USER: %s\n",
	       rc == SIGUSR2 ? "USR2" : "bad",
	       si.si_code == SI_TKILL || si.si_code == SI_USER ? "yes" : "no");
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&s, &si, &zero) > 0)
		; /* drain */
	sigprocmask(SIG_UNBLOCK, &s, NULL);

	/* a process-directed signal goes to the one thread not blocking it,
	 * and interrupts its read */
	set_handler(SIGUSR1, 0);
	atomic_store(&handled_in_worker, 0);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_t worker;
	pthread_create(&worker, NULL, blocked_reader, NULL);
	atomic_store(&stop, 0);
	atomic_store(&handled, 0);
	cfg = (struct pester){ SIGUSR1, 0, NOTHING, main_thread, 1 };
	pthread_create(&pt, NULL, pester, &cfg);
	void *wr;
	pthread_join(worker, &wr);
	finish();
	while (sigtimedwait(&s, &si, &zero) > 0)
		; /* drain what was sent after the worker left */
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	printf("kill(getpid) with main blocking: worker read %s, handled in worker: %s, "
	       "elsewhere: %s\n",
	       (long)wr == -EINTR ? "EINTR" : "other",
	       atomic_load(&handled_in_worker) > 0 ? "yes" : "no",
	       atomic_load(&handled) != atomic_load(&handled_in_worker) ? "yes" : "no");
	printf("sigintr: done\n");
	return 0;
}
