/* Descriptors of /proc task directories, noted when they are opened: their
 * listings hide the kernel threads of --pair (procstatus.c).
 *
 * A note is a hint: a descriptor closed and reused for something else is
 * still listed the special way, which is correct for any directory, only
 * not needed.  A descriptor the core never saw made (dup'ed by a call that
 * was not trapped) lists the kernel threads: docs/limits.md. */
#include <linux/fcntl.h>
#include "monitor.h"

#define FD_MAX 4096
#define WORD_BITS 64

static uint64_t taskdirs[FD_MAX / WORD_BITS];

void tv_fd_mark_taskdir(long fd)
{
	if (fd >= 0 && fd < FD_MAX)
		__atomic_or_fetch(&taskdirs[fd / WORD_BITS], 1ull << (fd % WORD_BITS), __ATOMIC_RELAXED);
}

int tv_fd_is_taskdir(long fd)
{
	if (fd < 0 || fd >= FD_MAX)
		return 0;
	return (__atomic_load_n(&taskdirs[fd / WORD_BITS], __ATOMIC_RELAXED) >> (fd % WORD_BITS)) & 1;
}

/* After a call finished: copies of marked descriptors. */
void tv_fd_note(const struct tv_call *c)
{
	long from = c->args[0];

	if (c->ret < 0)
		return;
	switch (c->nr) {
	case __NR_dup:
	case __NR_dup3:
#ifdef __NR_dup2
	case __NR_dup2:
#endif
		break;
	case __NR_fcntl:
		if (c->args[1] == F_DUPFD || c->args[1] == F_DUPFD_CLOEXEC)
			break;
		return;
	default:
		return;
	}
	if (tv_fd_is_taskdir(from))
		tv_fd_mark_taskdir(c->ret);
}
