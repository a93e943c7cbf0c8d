/* fs-efault: a thread flips a page between PROT_NONE and PROT_READ while
 * the main thread passes structures on it to openat2 (struct open_how)
 * and bind (struct sockaddr_un).  A monitor that cannot read them and
 * then lets the call run as it is hands the kernel a path it never
 * translated, which the kernel may then read.
 *   fs-efault SECONDS HOSTFILE HOSTDIR
 * opens HOSTFILE (a host path) with openat2 and binds unix sockets at
 * HOSTDIR/sock; prints whether anything reached the host: a read of the
 * file, or a bind that worked.  Only the kernel and the monitor touch
 * the page once the flipping starts. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static char *page;
static volatile int stop;
static long flips;

static void *flipper(void *arg)
{
	(void)arg;
	while (!stop) {
		mprotect(page, 4096, PROT_NONE);
		mprotect(page, 4096, PROT_READ | PROT_WRITE);
		flips++;
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: fs-efault SECONDS HOSTFILE HOSTDIR\n");
		return 2;
	}
	double end = now() + atof(argv[1]);
	long ops = 0, reach = 0;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct open_how *how = (struct open_how *)page;
	struct sockaddr_un *sa = (struct sockaddr_un *)(page + 1024);
	pthread_t t;

	how->flags = O_RDONLY;
	sa->sun_family = AF_UNIX;
	snprintf(sa->sun_path, sizeof sa->sun_path, "%s/sock", argv[3]);
	pthread_create(&t, NULL, flipper, NULL);
	while (now() < end) {
		int fd = (int)syscall(SYS_openat2, AT_FDCWD, argv[2], how, sizeof *how);
		if (fd >= 0) {
			char buf[16] = "";
			reach += read(fd, buf, sizeof buf) > 0 && strncmp(buf, "inside", 6);
			close(fd);
		}
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		reach += bind(s, (struct sockaddr *)sa, sizeof *sa) == 0;
		close(s);
		ops += 2;
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("ops %s: %s\n", ops > 100 && flips > 100 ? "many" : "few", reach ? "reached" : "stayed");
	fprintf(stderr, "fs-efault: %ld ops, %ld flips, %ld reaches\n", ops, flips, reach);
	return 0;
}
