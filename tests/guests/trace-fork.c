/* tvisor-trace guest: a fork child that writes and executes this program
 * again, which ends with 3, and a vfork child that executes it too and
 * ends with 4, each waited for; then a line of the parent's.  Under
 * strace -f each process's calls, its execve's "= 0" and its "+++ exited"
 * line are its own; without -f only the parent's are shown. */
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *child[] = { argv[0], "3", NULL }, *vchild[] = { argv[0], "4", NULL };
	int st;
	pid_t p;

	if (argc > 1) {
		write(1, "exec'd\n", 7);
		return argv[1][0] - '0';
	}
	write(1, "parent\n", 7);
	p = fork();
	if (p == 0) {
		write(1, "child\n", 6);
		execve(argv[0], child, NULL);
		_exit(1);
	}
	waitpid(p, &st, 0);
	p = vfork();
	if (p == 0) {
		execve(argv[0], vchild, NULL);
		_exit(1);
	}
	waitpid(p, &st, 0);
	write(1, "done\n", 5);
	return 0;
}
