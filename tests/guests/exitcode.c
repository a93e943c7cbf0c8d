/* exitcode: how a process ends.
 *   exitcode [N]            exit(N) (default 3; N is taken modulo 256 by the
 *                           kernel)
 *   exitcode abort          abort()                       -> SIGABRT
 *   exitcode segv           store through NULL            -> SIGSEGV
 *   exitcode fpe            integer division by zero      -> SIGFPE (x86)
 *   exitcode trap           __builtin_trap()              -> SIGILL (x86)
 *   exitcode kill           raise(SIGTERM)                -> SIGTERM
 *   exitcode kill9          raise(SIGKILL)                -> SIGKILL
 *   exitcode thread-exit    exit(5) from a second thread while main waits
 *                           in pthread_join
 *   exitcode thread-segv    a second thread faults while main waits
 *   exitcode main-thread-exit
 *                           main calls pthread_exit(42); the other thread
 *                           joins it, prints the value and returns: the
 *                           process then exits with 0
 *   exitcode _exit N        _exit(N) without flushing stdio (the message
 *                           printed before is lost when stdout is a file)
 * Everything printed before the end is flushed explicitly, so the captured
 * stdout is deterministic. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_t main_thread;

static void *exit_thread(void *arg)
{
	(void)arg;
	printf("thread: calling exit(5)\n");
	fflush(stdout);
	exit(5);
}

static void *segv_thread(void *arg)
{
	(void)arg;
	printf("thread: faulting\n");
	fflush(stdout);
	*(volatile int *)arg = 1;
	return NULL;
}

static void *survivor(void *arg)
{
	void *rv = NULL;
	(void)arg;
	/* Joining the main thread waits for the kernel to clear its tid. */
	int rc = pthread_join(main_thread, &rv);
	printf("survivor: join main rc=%d value=%ld\n", rc, (long)(intptr_t)rv);
	printf("survivor: returning, process exits 0\n");
	return NULL;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "3";
	pthread_t t;

	printf("exitcode: %s\n", what);
	fflush(stdout);

	if (!strcmp(what, "abort")) {
		abort();
	} else if (!strcmp(what, "segv")) {
		volatile int *volatile null = NULL; /* opaque to the compiler */
		*null = 1;
	} else if (!strcmp(what, "fpe")) {
		volatile int zero = 0;
		printf("%d\n", argc / zero);
	} else if (!strcmp(what, "trap")) {
		__builtin_trap();
	} else if (!strcmp(what, "kill")) {
		raise(SIGTERM);
	} else if (!strcmp(what, "kill9")) {
		raise(SIGKILL);
	} else if (!strcmp(what, "thread-exit")) {
		pthread_create(&t, NULL, exit_thread, NULL);
		pthread_join(t, NULL);
		printf("main: not reached\n");
	} else if (!strcmp(what, "thread-segv")) {
		pthread_create(&t, NULL, segv_thread, NULL);
		pthread_join(t, NULL);
		printf("main: not reached\n");
	} else if (!strcmp(what, "main-thread-exit")) {
		main_thread = pthread_self();
		pthread_create(&t, NULL, survivor, NULL);
		printf("main: pthread_exit(42)\n");
		fflush(stdout);
		pthread_exit((void *)42);
	} else if (!strcmp(what, "_exit")) {
		printf("lost: stdout is not flushed by _exit\n");
		_exit(argc > 2 ? atoi(argv[2]) : 0);
	} else {
		exit(atoi(what));
	}
	printf("exitcode: still alive after %s\n", what);
	return 99;
}
