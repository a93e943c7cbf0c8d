/* trace-signals: signals as tvisor-trace shows them: sent with kill,
 * sigqueue and tgkill to a handler, a child's SIGCHLD, and a default
 * action that ends the process (argv[1]: TERM, SEGV or none). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int got;

static void on_sig(int sig)
{
	got += sig;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	kill(getpid(), SIGUSR1);
	union sigval v = { .sival_int = 42 };
	sigqueue(getpid(), SIGUSR2, v);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	int status;
	while (waitpid(child, &status, 0) < 0)
		;
	if (argc > 1 && !strcmp(argv[1], "TERM"))
		kill(getpid(), SIGTERM);
	if (argc > 1 && !strcmp(argv[1], "SEGV"))
		*(volatile int *)16 = 1;
	return got == 2 * SIGUSR1 + SIGUSR2 ? 0 : 1;
}
