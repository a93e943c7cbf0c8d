/* forkloop: 1000 children forked one after another (half with fork, a
 * quarter with vfork+_exit, a quarter with posix_spawn of /bin/true), each
 * reaped; the parent's address space (VmSize) and descriptor count must
 * not grow with the number of children.  Also 200 children alive at once,
 * reaped with wait(-1) in any order. */
#include "../lifecycle/util.c"
#include <spawn.h>

extern char **environ;

static int one_child(int i)
{
	pid_t pid;
	int st;
	switch (i % 4) {
	case 0:
	case 1:
		pid = fork();
		if (pid == 0)
			_exit(i & 0x7f);
		break;
	case 2:
		pid = vfork();
		if (pid == 0)
			_exit(i & 0x7f);
		break;
	default: {
		char *argv[] = { "true", NULL };
		if (posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ) != 0)
			return 0;
		if (xwaitpid(pid, &st, 0) != pid)
			return 0;
		return WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	}
	if (pid < 0 || xwaitpid(pid, &st, 0) != pid)
		return 0;
	return WIFEXITED(st) && WEXITSTATUS(st) == (i & 0x7f);
}

int main(void)
{
	int good = 0, i;
	/* Warm-up: let the libc and the monitor reach their steady state. */
	for (i = 0; i < 40; i++)
		good += one_child(i);
	long vm0 = status_field("/proc/self/status", "VmSize");
	int fd0 = count_fds();
	for (; i < 1000; i++)
		good += one_child(i);
	long vm1 = status_field("/proc/self/status", "VmSize");
	int fd1 = count_fds();
	say("sequential: children=%d statuses-right=%d", i, good);
	/* A leak of even 1 KiB per child would show as about 1 MiB here. */
	say("sequential: VmSize %s", vm0 > 0 && vm1 - vm0 < 512 ? "ok" : "not ok");
	if (vm1 - vm0 >= 512)
		fprintf(stderr, "VmSize grew by %ld kB over %d children\n", vm1 - vm0, i - 40);
	say("sequential: fds %s", fd0 == fd1 ? "ok" : "not ok");

	pid_t pids[200];
	for (i = 0; i < 200; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			sleep_ms(i % 7);
			_exit(i % 50);
		}
	}
	int n = 0, sum = 0, st;
	pid_t r;
	while ((r = wait(&st)) > 0) {
		n++;
		sum += WEXITSTATUS(st);
	}
	say("concurrent: reaped=%d status-sum=%d then %s", n, sum, ename(errno));
	long vm2 = status_field("/proc/self/status", "VmSize");
	say("concurrent: VmSize %s", vm2 - vm0 < 512 ? "ok" : "not ok");
	if (vm2 - vm0 >= 512)
		fprintf(stderr, "VmSize grew by %ld kB\n", vm2 - vm0);
	return 0;
}
