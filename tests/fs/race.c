/* fs-race: a thread swaps a directory with a symbolic link to a host
 * directory (renameat2 RENAME_EXCHANGE) while the main thread uses paths
 * through it; a monitor that checks a path and then lets the kernel walk
 * it again can be sent through the link between the two.
 *   fs-race DIR SECONDS HOSTDIR HOSTINO
 * makes DIR/a (a directory holding "secret", which says "inside") and
 * DIR/b -> HOSTDIR, then for SECONDS opens, stats and lstats DIR/a/secret
 * (also relative, from a chdir into DIR/a), chmods it, makes directories
 * DIR/a/mN and files DIR/a/cN and unlinks DIR/a/victim.  It prints the
 * number of operations and of "reaches": reads of anything but "inside"
 * and stats of the inode HOSTINO (the host's secret).  What reached the
 * host by writing (mN, cN, the victim gone, the secret's mode) the caller
 * checks on the host. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char a[4096], b[4096], secret[4096 + 8];
static volatile int stop;
static long swaps;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *swapper(void *arg)
{
	(void)arg;
	while (!stop) {
		if (renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) == 0)
			swaps++;
	}
	return NULL;
}

/* 1 if what path names is the host's secret. */
static int reads_host(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strcmp(buf, "inside\n") != 0;
}

static int stats_host(const char *path, int follow, ino_t host)
{
	struct stat st;
	int r = follow ? stat(path, &st) : lstat(path, &st);
	return r == 0 && st.st_ino == host;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: fs-race DIR SECONDS HOSTDIR HOSTINO\n");
		return 2;
	}
	double end = now() + atof(argv[2]);
	ino_t host = (ino_t)strtoull(argv[4], NULL, 10);
	char p[4096 + 32];
	long ops = 0, reach = 0, n = 0;

	snprintf(a, sizeof a, "%s/a", argv[1]);
	snprintf(b, sizeof b, "%s/b", argv[1]);
	snprintf(secret, sizeof secret, "%s/secret", a);
	if (mkdir(argv[1], 0755) || mkdir(a, 0755) || symlink(argv[3], b)) {
		perror("fs-race: setup");
		return 1;
	}
	FILE *f = fopen(secret, "w");
	if (!f || fputs("inside\n", f) < 0 || fclose(f)) {
		perror("fs-race: setup");
		return 1;
	}
	pthread_t t;
	pthread_create(&t, NULL, swapper, NULL);
	while (now() < end) {
		reach += reads_host(secret);
		reach += stats_host(secret, 1, host);
		reach += stats_host(secret, 0, host);
		if (chdir(a) == 0) {
			reach += reads_host("secret");
			chdir("/");
		}
		chmod(secret, 0600);
		snprintf(p, sizeof p, "%s/m%ld", a, n);
		mkdir(p, 0755);
		snprintf(p, sizeof p, "%s/c%ld", a, n++);
		int fd = open(p, O_WRONLY | O_CREAT, 0644);
		if (fd >= 0)
			close(fd);
		snprintf(p, sizeof p, "%s/victim", a);
		unlink(p);
		ops += 9;
	}
	stop = 1;
	pthread_join(t, NULL);
	printf("ops %s: %s\n", ops > 100 && swaps > 100 ? "many" : "few", reach ? "reached" : "stayed");
	fprintf(stderr, "fs-race: %ld ops, %ld swaps, %ld reaches\n", ops, swaps, reach);
	return 0;
}
