/* nproc: RLIMIT_NPROC.  The kernel counts every task (process or thread)
 * of the real user id and refuses a fork or a thread beyond the limit with
 * EAGAIN; root is exempt, so a forked child first becomes an unusual user
 * (setgid, setgroups(0), setuid 54321), sets RLIMIT_NPROC to 20, then forks
 * children that block on a pipe until fork fails (the count and the errno
 * printed), lets them go and reaps them; then the same with pthread_create.
 * An extra task behind each guest task would show as smaller counts.
 * Everything is released and reaped; alarm() bounds each step.  The count
 * is per user, system-wide: runs of this program on one machine take turns
 * (flock on /tmp/tvisor-nproc.lock, which is left in place).
 * Not run as root, it prints one fixed line. */
#include "../lifecycle/util.c"
#include <grp.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/resource.h>

#define UID 54321
#define LIMIT 20
#define MAXTRY 200

static int gate[2];

static void *blocked(void *a)
{
	char c;
	(void)a;
	return (void *)(intptr_t)read(gate[0], &c, 1);
}

static int as_user(void)
{
	say("setgid: %s", setgid(UID) == 0 ? "OK" : ename(errno));
	say("setgroups: %s", setgroups(0, NULL) == 0 ? "OK" : ename(errno));
	say("setuid: %s", setuid(UID) == 0 ? "OK" : ename(errno));
	say("uid %d euid %d gid %d", (int)getuid(), (int)geteuid(), (int)getgid());
	struct rlimit rl = { LIMIT, LIMIT };
	say("setrlimit(RLIMIT_NPROC, %d): %s", LIMIT, setrlimit(RLIMIT_NPROC, &rl) == 0 ? "OK" : ename(errno));

	/* Children that wait for EOF on the gate. */
	static pid_t kids[MAXTRY];
	int n = 0, err = 0;
	if (pipe(gate) < 0)
		return 1;
	while (n < MAXTRY) {
		pid_t pid = fork();
		if (pid < 0) {
			err = errno;
			break;
		}
		if (pid == 0) {
			char c;
			close(gate[1]);
			_exit(read(gate[0], &c, 1) == 0 ? 0 : 1);
		}
		kids[n++] = pid;
	}
	say("fork: %d children, then %s", n, n < MAXTRY ? ename(err) : "no failure");
	close(gate[1]);
	close(gate[0]);
	int good = 0;
	for (int i = 0; i < n; i++) {
		int st;
		good += xwaitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	say("fork: reaped %d, all released normally: %s", n, yn(good == n));

	/* Room again once they are gone. */
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	int st = 0;
	say("fork after reaping: %s", pid < 0 ? ename(errno) : xwaitpid(pid, &st, 0) == pid ? wstr(st) : "lost");

	/* Threads that wait for EOF on the gate. */
	static pthread_t ts[MAXTRY];
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 65536);
	if (pipe(gate) < 0)
		return 1;
	int r = 0;
	n = 0;
	while (n < MAXTRY && (r = pthread_create(&ts[n], &attr, blocked, NULL)) == 0)
		n++;
	say("pthread_create: %d threads, then %s", n, n < MAXTRY ? ename(r) : "no failure");
	close(gate[1]);
	good = 0;
	for (int i = 0; i < n; i++) {
		void *v = (void *)-1;
		pthread_join(ts[i], &v);
		good += v == (void *)0;
	}
	close(gate[0]);
	say("pthread_create: joined %d, all released normally: %s", n, yn(good == n));
	return 0;
}

int main(void)
{
	if (geteuid() != 0) {
		say("nproc: not run as root: RLIMIT_NPROC is not tested");
		return 0;
	}
	int lk = open("/tmp/tvisor-nproc.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	alarm(20);
	if (lk < 0 || flock(lk, LOCK_EX) < 0)
		say("nproc: lock: %s", ename(errno));
	alarm(0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		alarm(20); /* a hang only: forks are slow in the arm64 VM */
		int r = as_user();
		fflush(stdout);
		_exit(r);
	}
	int st;
	xwaitpid(pid, &st, 0);
	say("nproc: the test child: %s", wstr(st));
	return 0;
}
