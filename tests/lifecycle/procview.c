/* procview: the threads /proc shows for the process -- the Threads: line
 * of /proc/self/status, the entries of /proc/self/task, field 20 of
 * /proc/self/stat -- at start, with two more threads, after joining them,
 * in a forked child, in a child forked from a second thread, and after
 * exec.  A program sees exactly its own threads.
 *
 * usage: procview  |  procview after-exec */
#include "../lifecycle/util.c"
#include <dirent.h>
#include <limits.h>
#include <pthread.h>

extern char **environ;

static int task_entries(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;
	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static long stat_threads(void)
{
	char buf[1024], *p;
	if (slurp("/proc/self/stat", buf, sizeof buf) < 0 || !(p = strrchr(buf, ')')))
		return -1;
	/* After ") ": field 3 is the state; num_threads is field 20. */
	p += 2;
	for (int f = 3; f < 20 && p; f++)
		p = strchr(p, ' '), p = p ? p + 1 : NULL;
	return p ? strtol(p, NULL, 10) : -1;
}

static void show(const char *when)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d", (int)tv_gettid());
	say("%s: Threads=%ld task-entries=%d stat-threads=%ld own-task-dir=%s", when,
	    status_field("/proc/self/status", "Threads"), task_entries(), stat_threads(), yn(access(path, F_OK) == 0));
}

static int release;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void *parked(void *a)
{
	(void)a;
	pthread_mutex_lock(&mu);
	while (!release)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *forker(void *a)
{
	(void)a;
	pid_t pid = fork();
	if (pid == 0) {
		show("child of second thread");
		_exit(0);
	}
	int st;
	xwaitpid(pid, &st, 0);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "after-exec") == 0) {
		show("after exec");
		return 0;
	}
	char self[PATH_MAX];
	if (!realpath(argv[0], self))
		return 2;
	show("start");
	pthread_t t[2];
	pthread_create(&t[0], NULL, parked, NULL);
	pthread_create(&t[1], NULL, parked, NULL);
	sleep_ms(20);
	show("two more threads");
	pid_t pid = fork();
	if (pid == 0) {
		show("forked child");
		_exit(0);
	}
	int st;
	xwaitpid(pid, &st, 0);
	pthread_t f;
	pthread_create(&f, NULL, forker, NULL);
	pthread_join(f, NULL);
	pthread_mutex_lock(&mu);
	release = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	sleep_ms(20); /* a joined thread may linger a moment in /proc */
	show("joined");
	char *av[] = { "procview", "after-exec", NULL };
	execve(self, av, environ);
	say("exec failed: %s", ename(errno));
	return 1;
}
