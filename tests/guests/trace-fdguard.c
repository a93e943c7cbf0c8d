/* tvisor-trace guest: a program that closes every descriptor above 2 and
 * dup2()s onto high numbers must not take the trace output away. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(void)
{
	for (int fd = 3; fd < 1100; fd++)
		close(fd);
	syscall(SYS_close_range, 3, ~0u, 0);
	for (int fd = 990; fd < 1070; fd++)
		dup2(1, fd);
	for (int fd = 990; fd < 1070; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	syscall(SYS_close_range, 3, ~0u, 0);
	getppid();
	write(1, "still traced\n", 13);
	return 0;
}
