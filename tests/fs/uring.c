/* fs-uring: opens argv[1] with io_uring's IORING_OP_OPENAT (raw system
 * calls, no liburing) and prints what it read, or the errno name of the
 * step that failed.  io_uring runs the open inside the kernel, where no
 * seccomp filter sees it: tests/t-fs.sh checks that tvisor-fs refuses
 * io_uring_setup rather than letting it reach host files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail(const char *step)
{
	printf("%s: %s\n", step, strerrorname_np(errno));
	return 0;
}

int main(int argc, char **argv)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof p);
	if (argc < 2)
		return 2;
	int ring = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return fail("io_uring_setup");
	size_t sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *sq = mmap(NULL, sq_len > cq_len ? sq_len : cq_len, PROT_READ | PROT_WRITE, MAP_SHARED,
			ring, IORING_OFF_SQ_RING);
	struct io_uring_sqe *sqes = mmap(NULL, p.sq_entries * sizeof *sqes, PROT_READ | PROT_WRITE,
					 MAP_SHARED, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || sqes == MAP_FAILED)
		return fail("mmap");
	char *cq = sq;	/* IORING_FEAT_SINGLE_MMAP, every kernel since 5.4 */
	memset(&sqes[0], 0, sizeof sqes[0]);
	sqes[0].opcode = IORING_OP_OPENAT;
	sqes[0].fd = AT_FDCWD;
	sqes[0].addr = (unsigned long)argv[1];
	sqes[0].open_flags = O_RDONLY;
	unsigned *tail = (unsigned *)(sq + p.sq_off.tail);
	unsigned *array = (unsigned *)(sq + p.sq_off.array);
	array[*tail & *(unsigned *)(sq + p.sq_off.ring_mask)] = 0;
	__atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return fail("io_uring_enter");
	unsigned head = *(unsigned *)(cq + p.cq_off.head);
	struct io_uring_cqe *cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes) +
				   (head & *(unsigned *)(cq + p.cq_off.ring_mask));
	if (cqe->res < 0) {
		errno = -cqe->res;
		return fail("IORING_OP_OPENAT");
	}
	char buf[256];
	ssize_t n = read(cqe->res, buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	printf("IORING_OP_OPENAT %s: [%s]\n", argv[1], buf);
	return 0;
}
