/* tvisor-hooks guest (tests/t-hooks.sh): a thread that ends by exit, a
 * fork child that ends with 3, a vfork child that ends with 4, then an
 * execve of itself, whose image ends with 7 by exit_group. */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static void *thread(void *arg)
{
	pthread_exit(arg);
}

int main(int argc, char **argv)
{
	char *again[] = { argv[0], "again", NULL };
	pthread_t th;
	int st;

	if (argc > 1)
		return 7;
	if (pthread_create(&th, NULL, thread, NULL) || pthread_join(th, NULL))
		return 1;
	pid_t p = fork();
	if (p == 0)
		_exit(3);
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 3)
		return 1;
	p = vfork();
	if (p == 0)
		_exit(4);
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 4)
		return 1;
	execve(argv[0], again, NULL);
	return 1;
}
