/* churnrss: 10000 threads created and joined one after another, then 2000
 * fork + execve cycles (the child executes this program, which exits at
 * once).  The monitor's per-thread and per-process state must not stay
 * behind: resident memory (VmRSS) and the number of open descriptors are
 * read after the first 10% of each part and at its end, and must not grow
 * (RSS by less than 4 MiB: about 400 bytes per thread or 2 KiB per cycle
 * would cross it; natively the libc's stack cache keeps it flat). */
#include "../lifecycle/util.c"
#include <pthread.h>

#define THREADS 10000
#define CYCLES 2000
#define RSS_SLACK_KB 4096

static void *work(void *arg)
{
	return arg;
}

static int one_thread(int i)
{
	pthread_t t;
	void *rv, *arg = (void *)(intptr_t)i;
	return pthread_create(&t, NULL, work, arg) == 0 && pthread_join(t, &rv) == 0 && rv == arg;
}

static const char *self;

static int one_exec(int i)
{
	int st;
	pid_t pid = fork();
	if (pid == 0) {
		char code[8];
		snprintf(code, sizeof code, "%d", i & 0x7f);
		execl(self, self, "exit", code, (char *)NULL);
		_exit(127);
	}
	return pid > 0 && xwaitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == (i & 0x7f);
}

/* part NAME N STEP: N steps, the counts taken after N/10 and after N. */
static void part(const char *name, int n, int (*step)(int))
{
	long rss0 = 0;
	int fd0 = 0, good = 0;

	for (int i = 0; i < n; i++) {
		good += step(i);
		if (i + 1 == n / 10) {
			rss0 = status_field("/proc/self/status", "VmRSS");
			fd0 = count_fds();
		}
	}
	long rss1 = status_field("/proc/self/status", "VmRSS");
	int fd1 = count_fds();
	say("%s: %d of %d right", name, good, n);
	say("%s: VmRSS %s", name, rss0 > 0 && rss1 - rss0 < RSS_SLACK_KB ? "ok" : "not ok");
	if (rss1 - rss0 >= RSS_SLACK_KB)
		fprintf(stderr, "%s: VmRSS %ld kB -> %ld kB\n", name, rss0, rss1);
	say("%s: fds %s", name, fd0 > 0 && fd0 == fd1 ? "ok" : "not ok");
	if (fd0 != fd1)
		fprintf(stderr, "%s: fds %d -> %d\n", name, fd0, fd1);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "exit") == 0)
		return atoi(argv[2]);
	self = argv[0];
	part("threads", THREADS, one_thread);
	part("fork+exec", CYCLES, one_exec);
	return 0;
}
