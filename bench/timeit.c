/* bench/timeit: wall-clock time of a command, median of RUNS runs.
 *
 *   timeit RUNS PROGRAM [ARGS...]
 *
 * Runs PROGRAM RUNS times, one after the other, with stdin and stdout on
 * /dev/null (stderr is inherited), and prints the median wall-clock time
 * in seconds on stdout.  If any run does not exit with status 0, prints
 * nothing and exits with status 1 (2 for a usage error).  A C helper rather
 * than `date` in the shell: forking date around each run would add about a
 * millisecond to programs that themselves take tens of milliseconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[1]) : 0;
	if (runs <= 0 || runs > 1000) {
		fprintf(stderr, "usage: %s RUNS PROGRAM [ARGS...]\n", argv[0]);
		return 2;
	}
	double *t = calloc(runs, sizeof *t);
	if (!t)
		return 1;
	for (int i = 0; i < runs; i++) {
		double t0 = now();
		pid_t pid = fork();
		if (pid < 0) {
			perror("timeit: fork");
			return 1;
		}
		if (pid == 0) {
			int fd = open("/dev/null", O_RDWR);
			if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
				_exit(126);
			if (fd > 1)
				close(fd);
			execvp(argv[2], argv + 2);
			fprintf(stderr, "timeit: %s: %s\n", argv[2], strerror(errno));
			_exit(errno == ENOENT ? 127 : 126);
		}
		int st;
		while (waitpid(pid, &st, 0) < 0)
			if (errno != EINTR) {
				perror("timeit: waitpid");
				return 1;
			}
		t[i] = now() - t0;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (WIFSIGNALED(st))
				fprintf(stderr, "timeit: %s: killed by signal %d\n", argv[2], WTERMSIG(st));
			else
				fprintf(stderr, "timeit: %s: exit status %d\n", argv[2], WEXITSTATUS(st));
			return 1;
		}
	}
	qsort(t, runs, sizeof *t, cmp_double);
	double med = runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
	printf("%.4f\n", med);
	return 0;
}
