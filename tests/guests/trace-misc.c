/* tvisor-trace differential guest: descriptors, signals, sockets,
 * identity -- calls whose arguments are all deterministic. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>

static void handler(int sig)
{
	(void)sig;
}

int main(void)
{
	int p[2];
	char buf[16];
	struct sigaction sa;
	sigset_t set;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct timespec ts = { 0, 1000000 };

	pipe2(p, O_CLOEXEC);
	write(p[1], "ping", 4);
	read(p[0], buf, sizeof buf);
	dup2(p[0], 20);
	fcntl(20, F_GETFD);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_GETFL);
	close(20);
	close(p[0]);
	close(p[1]);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	sa.sa_handler = handler;
	sigaction(SIGUSR2, &sa, NULL);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	strcpy(un.sun_path, "/nonexistent/trace.sock");
	connect(s, (struct sockaddr *)&un, sizeof un);
	close(s);
	nanosleep(&ts, NULL);
	umask(022);
	chdir("/");
	getcwd(buf, sizeof buf);
	return 0;
}
