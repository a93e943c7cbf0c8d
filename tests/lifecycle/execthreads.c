/* execthreads: exec from a multithreaded program.  The other threads end
 * (whatever they were doing: blocked in read, in nanosleep, spinning), the
 * process keeps its pid even when a thread other than the main one calls
 * execve, and the new image runs on one thread, with tid == pid, whose mask
 * is the exec'ing thread's.  (The thread count that /proc shows is checked
 * in procview.)  Then the new image, itself multithreaded again, exits.
 *
 * usage: execthreads              run both cases
 *        execthreads after CASE PID PATH  (the new image) */
#include "../lifecycle/util.c"
#include <pthread.h>
#include <limits.h>
#include <stdatomic.h>

extern char **environ;
static char self[4096];
static int pipefd[2];
static atomic_int ready;

static void *blocked_reader(void *arg)
{
	(void)arg;
	char c;
	atomic_fetch_add(&ready, 1);
	ssize_t n = read(pipefd[0], &c, 1);
	say("reader: read returned %zd (must not happen)", n);
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	atomic_fetch_add(&ready, 1);
	sleep(30);
	say("sleeper: woke (must not happen)");
	return NULL;
}

static void *spinner(void *arg)
{
	(void)arg;
	atomic_fetch_add(&ready, 1);
	for (;;)
		__asm__ volatile("" ::: "memory");
	return NULL;
}

static void do_exec(const char *which)
{
	char pid[32];
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	char *argv[] = { "execthreads-after", "after", (char *)which, pid, self, NULL };
	execve(self, argv, environ);
	say("exec failed: %s", ename(errno));
	_exit(1);
}

static void *execer(void *arg)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &m, NULL);
	while (atomic_load(&ready) < 3)
		sleep_ms(1);
	wait_sleeping((pid_t)(intptr_t)arg);
	do_exec((const char *)"from-thread");
	return NULL;
}

static void start_threads(void)
{
	pthread_t t;
	pthread_create(&t, NULL, blocked_reader, NULL);
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_create(&t, NULL, spinner, NULL);
}

static void *tiny(void *arg)
{
	return arg;
}

static int after(const char *which, const char *pid)
{
	sigset_t m;
	sigprocmask(SIG_BLOCK, NULL, &m);
	say("%s: new image: same-pid=%s tid-is-pid=%s usr2-blocked=%s", which, yn(atoi(pid) == getpid()),
	    yn(tv_gettid() == getpid()),
	    yn(sigismember(&m, SIGUSR2)));
	/* The new image can make and join threads of its own. */
	pthread_t t;
	void *r = NULL;
	pthread_create(&t, NULL, tiny, (void *)7);
	pthread_join(t, &r);
	say("%s: new image: thread joined=%s", which, yn(r == (void *)7));
	if (strcmp(which, "from-main") == 0) {
		/* Second case: exec from a thread other than the main one. */
		atomic_store(&ready, 0);
		start_threads();
		pthread_t e;
		pthread_create(&e, NULL, execer, (void *)(intptr_t)tv_gettid());
		char c;
		ssize_t n = read(pipefd[0], &c, 1); /* the main thread blocks */
		say("main: read returned %zd (must not happen)", n);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (pipe(pipefd) < 0)
		return 2;
	if (argc == 5 && strcmp(argv[1], "after") == 0) {
		snprintf(self, sizeof self, "%s", argv[4]);
		return after(argv[2], argv[3]);
	}
	if (!realpath(argv[0], self))
		return 2;
	/* First case: the main thread execs while three others run. */
	start_threads();
	while (atomic_load(&ready) < 3)
		sleep_ms(1);
	sleep_ms(50);
	do_exec("from-main");
	return 1;
}
