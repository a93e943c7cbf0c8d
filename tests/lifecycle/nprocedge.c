/* nprocedge: at RLIMIT_NPROC's edge every fork and thread either fails
 * with EAGAIN or makes a task that runs normally.  Unlike nproc it prints
 * no counts, so it holds where a tool adds tasks of its own (--pair: a
 * kernel thread per guest thread; a fork child that cannot have one must
 * still run, not die with status 127).  As uid 54321 with RLIMIT_NPROC 8
 * (root is exempt): fork until EAGAIN, each child making calls, a thread
 * and a fork of its own (both refused at the edge) before it waits on a
 * pipe; then threads until EAGAIN.  Runs take turns with nproc's (the same
 * lock, the count is per user).  Not run as root, it prints one line. */
#include "../lifecycle/util.c"
#include <grp.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/resource.h>

#define UID 54321
#define LIMIT 8
#define MAXTRY 100

static int gate[2];

static void *wait_gate(void *a)
{
	char c;
	(void)a;
	return (void *)(intptr_t)read(gate[0], &c, 1);
}

static void *nothing(void *a)
{
	return a;
}

/* A child at the edge: calls that trap, a thread and a fork that the
 * limit refuses, then the wait.  Its status says what went wrong. */
static int edge_child(void)
{
	pthread_t t;
	char c;
	close(gate[1]);
	if (getppid() <= 0 || write(1, "", 0) != 0)
		return 2;
	int r = pthread_create(&t, NULL, nothing, NULL);
	if (r == 0)
		pthread_join(t, NULL);
	else if (r != EAGAIN)
		return 3;
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0 && xwaitpid(pid, NULL, 0) != pid)
		return 4;
	if (pid < 0 && errno != EAGAIN)
		return 5;
	return read(gate[0], &c, 1) == 0 ? 0 : 6;
}

static void forks(void)
{
	static pid_t kids[MAXTRY];
	int n = 0, err = 0;
	if (pipe(gate) < 0)
		return;
	while (n < MAXTRY) {
		pid_t pid = fork();
		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0)
			_exit(edge_child());
		kids[n++] = pid;
	}
	say("fork until it fails: %s", n < MAXTRY ? ename(err) : "no failure");
	close(gate[1]);
	close(gate[0]);
	int good = 0, st;
	for (int i = 0; i < n; i++)
		good += xwaitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	say("every child ran and exited 0: %s", yn(good == n && n > 0));
}

static void threads(void)
{
	static pthread_t ts[MAXTRY];
	int n = 0, r = 0, good = 0;
	if (pipe(gate) < 0)
		return;
	while (n < MAXTRY && (r = pthread_create(&ts[n], NULL, wait_gate, NULL)) == 0)
		n++;
	say("pthread_create until it fails: %s", n < MAXTRY ? ename(r) : "no failure");
	close(gate[1]);
	for (int i = 0; i < n; i++) {
		void *v = (void *)-1;
		pthread_join(ts[i], &v);
		good += v == (void *)0;
	}
	close(gate[0]);
	say("every thread ran and was joined: %s", yn(good == n && n > 0));
}

static int as_user(void)
{
	struct rlimit rl = { LIMIT, LIMIT };
	if (setgid(UID) || setgroups(0, NULL) || setuid(UID) || setrlimit(RLIMIT_NPROC, &rl)) {
		say("becoming uid %d with RLIMIT_NPROC %d: %s", UID, LIMIT, ename(errno));
		return 1;
	}
	forks();
	threads();
	return 0;
}

int main(void)
{
	if (geteuid() != 0) {
		say("nprocedge: not run as root: RLIMIT_NPROC is not tested");
		return 0;
	}
	int lk = open("/tmp/tvisor-nproc.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	alarm(20);
	if (lk < 0 || flock(lk, LOCK_EX) < 0)
		say("nprocedge: lock: %s", ename(errno));
	alarm(0);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(20); /* a hang only */
		_exit(as_user());
	}
	int st;
	xwaitpid(pid, &st, 0);
	say("nprocedge: the test child: %s", wstr(st));
	return 0;
}
