/* sysinfo: process identity and simple system queries, printed as booleans
 * or machine constants only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static const char *yn(int b)
{
	return b ? "yes" : "no";
}

int main(void)
{
	pid_t pid = getpid();
	pid_t tid = (pid_t)syscall(SYS_gettid);

	printf("getpid()==gettid() in main: %s\n", yn(pid == tid));
	printf("getpid()>1: %s\n", yn(pid > 1));
	printf("getppid()>0: %s\n", yn(getppid() > 0));
	printf("getppid()!=getpid(): %s\n", yn(getppid() != pid));
	printf("getpgrp()>0: %s\n", yn(getpgrp() > 0));
	printf("getsid(0)>0: %s\n", yn(getsid(0) > 0));
	printf("uid==euid, gid==egid: %s\n", yn(getuid() == geteuid() && getgid() == getegid()));

	struct utsname u;
	if (uname(&u) == 0) {
		printf("uname sysname=%s\n", u.sysname);
		printf("uname machine=%s\n", u.machine);
		printf("uname release nonempty: %s\n", yn(u.release[0] != 0));
	} else {
		printf("uname failed\n");
	}

	char cwd[PATH_MAX];
	struct stat a, b;
	int ok = getcwd(cwd, sizeof cwd) != NULL && stat(cwd, &a) == 0 && stat(".", &b) == 0 &&
		 a.st_dev == b.st_dev && a.st_ino == b.st_ino;
	printf("getcwd names '.': %s\n", yn(ok));
	printf("getcwd absolute: %s\n", yn(cwd[0] == '/'));
	errno = 0;
	printf("getcwd(buf, 1) fails ERANGE: %s\n", yn(getcwd(cwd, 1) == NULL && errno == ERANGE));

	mode_t old = umask(027);
	mode_t back = umask(old);
	printf("umask round trip: %s\n", yn(back == 027));
	printf("umask restored: %s\n", yn(umask(old) == old));

	struct timespec ts1, ts2;
	clock_gettime(CLOCK_MONOTONIC, &ts1);
	clock_gettime(CLOCK_MONOTONIC, &ts2);
	printf("CLOCK_MONOTONIC nonzero: %s\n", yn(ts1.tv_sec != 0 || ts1.tv_nsec != 0));
	printf("CLOCK_MONOTONIC non-decreasing: %s\n",
	       yn(ts2.tv_sec > ts1.tv_sec || (ts2.tv_sec == ts1.tv_sec && ts2.tv_nsec >= ts1.tv_nsec)));
	clock_gettime(CLOCK_REALTIME, &ts1);
	printf("CLOCK_REALTIME after 2020: %s\n", yn(ts1.tv_sec > 1577836800));
	struct timeval tv;
	gettimeofday(&tv, NULL);
	printf("gettimeofday close to CLOCK_REALTIME: %s\n", yn(llabs((long long)tv.tv_sec - ts1.tv_sec) < 5));
	time_t t = time(NULL);
	printf("time() close to CLOCK_REALTIME: %s\n", yn(llabs((long long)t - ts1.tv_sec) < 5));
	struct timespec res;
	printf("clock_getres(MONOTONIC) ok: %s\n",
	       yn(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0));
	printf("CLOCK_PROCESS_CPUTIME_ID works: %s\n", yn(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts1) == 0));
	printf("CLOCK_THREAD_CPUTIME_ID works: %s\n", yn(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts1) == 0));

	unsigned char rnd[16], rnd2[16];
	printf("getrandom 16 bytes: %s\n", yn(getrandom(rnd, sizeof rnd, 0) == 16));
	printf("getrandom differs: %s\n",
	       yn(getrandom(rnd2, sizeof rnd2, GRND_NONBLOCK) == 16 && memcmp(rnd, rnd2, 16) != 0));

	struct rlimit rl;
	printf("getrlimit(NOFILE) ok: %s\n", yn(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 2));
	printf("getrlimit(CORE) is 0: %s\n", yn(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0));
	struct rusage ru;
	printf("getrusage(SELF) ok: %s\n", yn(getrusage(RUSAGE_SELF, &ru) == 0));

	cpu_set_t set;
	CPU_ZERO(&set);
	printf("sched_getaffinity has cpus: %s\n",
	       yn(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	printf("nprocessors online=%ld\n", ncpu);
	printf("sched_yield ok: %s\n", yn(sched_yield() == 0));
	printf("pagesize=%ld\n", sysconf(_SC_PAGESIZE));

	/* file descriptors 0-2 open, nothing else inherited beyond them */
	int open_fds = 0;
	for (int fd = 0; fd < 3; fd++)
		open_fds += fcntl(fd, F_GETFD) != -1;
	printf("fds 0-2 open: %d\n", open_fds);
	int fd = open("/dev/null", O_RDONLY);
	printf("first free fd is 3: %s\n", yn(fd == 3));
	if (fd >= 0)
		close(fd);

	printf("isatty(0): %s\n", yn(isatty(0)));
	printf("sysinfo: done\n");
	return 0;
}
