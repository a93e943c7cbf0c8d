/* cancel: pthread_cancel of threads blocked in cancellation points (read,
 * nanosleep, pthread_cond_wait, sem_wait), cleanup handlers, asynchronous
 * cancellation of a busy loop, and (as root) setuid-family calls in a
 * multi-threaded process, which the libc broadcasts to every thread with
 * an internal signal.  Both rely on libc-internal signals (glibc: 32/33,
 * musl: 33/34), which a monitor must route like any other. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int pipefd[2];
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static sem_t sem;
static atomic_int started, cancel_sent, cleanups;

static void cleanup(void *arg)
{
	(void)arg;
	atomic_fetch_add(&cleanups, 1);
}

static void cleanup_unlock(void *arg)
{
	atomic_fetch_add(&cleanups, 1);
	pthread_mutex_unlock(arg);
}

static void *in_read(void *arg)
{
	char ch;
	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	atomic_store(&started, 1);
	for (;;)
		if (read(pipefd[0], &ch, 1) < 0)
			break;
	pthread_cleanup_pop(0);
	return (void *)1;
}

static void *in_sleep(void *arg)
{
	struct timespec ts = { 60, 0 };
	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	atomic_store(&started, 1);
	nanosleep(&ts, NULL);
	pthread_cleanup_pop(0);
	return (void *)1;
}

static void *in_cond(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	pthread_cleanup_push(cleanup_unlock, &m);
	atomic_store(&started, 1);
	for (;;)
		pthread_cond_wait(&c, &m);
	pthread_cleanup_pop(1);
	return (void *)1;
}

static void *in_sem(void *arg)
{
	(void)arg;
	pthread_cleanup_push(cleanup, NULL);
	atomic_store(&started, 1);
	sem_wait(&sem);
	pthread_cleanup_pop(0);
	return (void *)1;
}

static void *busy(void *arg)
{
	volatile unsigned long x = 0;
	(void)arg;
	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	atomic_store(&started, 1);
	for (;;)
		x++;
	return NULL;
}

/* Sleeps until the cancel has been sent: nanosleep is not a cancellation
 * point while disabled.  (Waiting a fixed time instead raced with a busy
 * machine, where the 20 ms before the cancel can outlast it.) */
static void *disabled(void *arg)
{
	struct timespec ts = { 0, 1000 * 1000 };
	(void)arg;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	atomic_store(&started, 1);
	while (!atomic_load(&cancel_sent))
		nanosleep(&ts, NULL);
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	pthread_testcancel(); /* acted upon here */
	return (void *)1;
}

static void run(const char *name, void *(*fn)(void *))
{
	pthread_t t;
	void *rv;
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	atomic_store(&started, 0);
	atomic_store(&cancel_sent, 0);
	atomic_store(&cleanups, 0);
	pthread_create(&t, NULL, fn, NULL);
	while (!atomic_load(&started))
		sched_yield();
	nanosleep(&ts, NULL); /* let it reach the blocking call; either way works */
	int rc = pthread_cancel(t);
	atomic_store(&cancel_sent, 1);
	pthread_join(t, &rv);
	printf("cancel %-10s rc=%d canceled=%s cleanups=%d\n", name, rc,
	       rv == PTHREAD_CANCELED ? "yes" : "no", atomic_load(&cleanups));
}

/* setuid-family broadcast */
static atomic_int go;
static void *reporter(void *arg)
{
	long *out = arg;
	while (!atomic_load(&go))
		sched_yield();
	out[0] = syscall(SYS_geteuid);
	out[1] = syscall(SYS_getegid);
	return NULL;
}

int main(void)
{
	if (pipe(pipefd))
		return 1;
	sem_init(&sem, 0, 0);
	run("read", in_read);
	run("nanosleep", in_sleep);
	run("cond_wait", in_cond);
	run("sem_wait", in_sem);
	run("async", busy);
	run("disabled", disabled);
	printf("mutex usable after cond cancel: %s\n",
	       pthread_mutex_trylock(&m) == 0 && pthread_mutex_unlock(&m) == 0 ? "yes" : "no");

	if (geteuid() == 0) {
		pthread_t t[4];
		long ids[4][2];
		atomic_store(&go, 0);
		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, reporter, ids[i]);
		int r1 = setegid(65534);
		int r2 = seteuid(65534);
		atomic_store(&go, 1);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		int all = 1;
		for (int i = 0; i < 4; i++)
			all &= ids[i][0] == 65534 && ids[i][1] == 65534;
		printf("seteuid/setegid rc=%d,%d reached all threads: %s\n", r1, r2, all ? "yes" : "no");
		r2 = seteuid(0);
		r1 = setegid(0);
		printf("restored: rc=%d,%d euid=%d egid=%d\n", r1, r2, (int)geteuid(), (int)getegid());
	} else {
		printf("seteuid broadcast: skipped (not root)\n");
	}
	printf("cancel: done\n");
	return 0;
}
