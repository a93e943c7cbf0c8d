/* tvisor-trace guest for -f: the main thread blocks in read() while
 * a second thread makes calls, then writes what main is waiting for. */
#include <pthread.h>
#include <unistd.h>
#include <time.h>

static int fds[2];

static void *run(void *arg)
{
	struct timespec ts = { 0, 200 * 1000000 };
	(void)arg;
	nanosleep(&ts, NULL);
	getppid();
	write(fds[1], "x", 1);
	return NULL;
}

int main(void)
{
	pthread_t t;
	char c;

	if (pipe(fds) || pthread_create(&t, NULL, run, NULL))
		return 1;
	read(fds[0], &c, 1);
	pthread_join(t, NULL);
	return c == 'x' ? 0 : 2;
}
