/* bench/idle: a process of N threads that all block, for measuring what
 * each thread costs in memory and in kernel tasks.  See bench/README.md.
 *
 *   idle N
 *
 * Starts N-1 threads besides main (N in all, 1 <= N <= 1024).  Each thread
 * touches nothing beyond what pthread_create and its own start routine
 * need, waits on a barrier with the others, then blocks in read() on a
 * pipe.  Once every thread has reached the barrier, main writes "ready\n"
 * on stdout and blocks in read() on stdin.  At end of file (or error) on
 * stdin, it closes the pipe, which ends every thread's read, joins them
 * and exits with status 0.
 *
 * The measuring is done from outside, by bench/run.sh: while the program
 * waits, VmRSS in /proc/PID/status and the entries of /proc/PID/task.
 * Under tvisor those are the process's real figures (the monitor shares
 * the address space and its tasks are the process's), not what the
 * guest's own /proc/self would show.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int pipe_fd[2];
static pthread_barrier_t all_started;

static void die(const char *what, int err)
{
	fprintf(stderr, "idle: %s: %s\n", what, strerror(err));
	exit(1);
}

static void *blocker(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&all_started);
	char c;
	while (read(pipe_fd[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc == 2 ? atol(argv[1]) : 0;
	if (n < 1 || n > 1024) {
		fprintf(stderr, "usage: %s N (1 to 1024 threads, main included)\n", argv[0]);
		return 2;
	}
	if (pipe(pipe_fd))
		die("pipe", errno);
	int err = pthread_barrier_init(&all_started, NULL, (unsigned)n);
	if (err)
		die("pthread_barrier_init", err);
	pthread_t *t = calloc(n, sizeof *t);
	if (!t)
		die("calloc", errno);
	for (long i = 1; i < n; i++) {
		err = pthread_create(&t[i], NULL, blocker, NULL);
		if (err)
			die("pthread_create", err);
	}
	pthread_barrier_wait(&all_started);
	static const char ready[] = "ready\n";
	if (write(1, ready, sizeof ready - 1) != (ssize_t)sizeof ready - 1)
		die("write", errno);

	char buf[64];
	ssize_t r;
	while ((r = read(0, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
		;
	close(pipe_fd[1]);
	for (long i = 1; i < n; i++) {
		err = pthread_join(t[i], NULL);
		if (err)
			die("pthread_join", err);
	}
	return 0;
}
