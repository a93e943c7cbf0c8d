/* tvisor-trace differential guest: io_uring's three calls -- a ring set
 * up, entered, descriptors and an eventfd registered and unregistered --
 * made directly (no liburing), as strace decodes them. */
#include <linux/io_uring.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	struct io_uring_params p;
	int files[2] = { 0, 1 }, efd;

	memset(&p, 0, sizeof p);
	long fd = syscall(SYS_io_uring_setup, 4, &p);
	if (fd < 0)
		return 0;	/* no io_uring here: strace sees the same error */
	syscall(SYS_io_uring_enter, fd, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
	syscall(SYS_io_uring_register, fd, IORING_REGISTER_FILES, files, 2);
	syscall(SYS_io_uring_register, fd, IORING_UNREGISTER_FILES, NULL, 0);
	efd = eventfd(0, EFD_CLOEXEC);
	syscall(SYS_io_uring_register, fd, IORING_REGISTER_EVENTFD, &efd, 1);
	syscall(SYS_io_uring_register, fd, IORING_UNREGISTER_EVENTFD, NULL, 0);
	syscall(SYS_io_uring_setup, 0, &p);	/* EINVAL */
	close(efd);
	close(fd);
	return 0;
}
