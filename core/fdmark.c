/* Descriptors the core treats specially, noted when they are made:
 *
 * - signalfds.  Reading one takes signals off the calling thread's own
 *   queue: run on K, such a read would never see the signals sent to the
 *   guest thread.  Reads of a noted descriptor run on G (sysclass.c).
 * - /proc/self/task directories, whose listing would show the kernel
 *   threads (procstatus.c filters them out).
 *
 * A note is a hint: a descriptor closed and reused for something else is
 * still handled the special way, which is correct for any file, only not
 * needed.  A descriptor the core never saw made (dup'ed by a call that
 * was not trapped) is handled as any other: docs/limits.md. */
#include <linux/fcntl.h>
#include <linux/errno.h>
#include "monitor.h"

#define FD_MAX 4096
#define WORD_BITS 64

static uint64_t marks[TV_FD_KINDS][FD_MAX / WORD_BITS];

void tv_fd_mark(long fd, enum tv_fd_kind kind)
{
	if (fd >= 0 && fd < FD_MAX)
		__atomic_or_fetch(&marks[kind][fd / WORD_BITS], 1ull << (fd % WORD_BITS),
				  __ATOMIC_RELAXED);
}

int tv_fd_is(long fd, enum tv_fd_kind kind)
{
	if (fd < 0 || fd >= FD_MAX)
		return 0;
	return (__atomic_load_n(&marks[kind][fd / WORD_BITS], __ATOMIC_RELAXED) >> (fd % WORD_BITS)) & 1;
}

static void mark_copy(long from, long to)
{
	for (int kind = 0; kind < TV_FD_KINDS; kind++) {
		if (tv_fd_is(from, (enum tv_fd_kind)kind))
			tv_fd_mark(to, (enum tv_fd_kind)kind);
	}
}

/* After a call finished: signalfds it made, and copies of marked ones. */
void tv_fd_note(const struct tv_call *c)
{
	if (c->ret < 0)
		return;
	switch (c->nr) {
#ifdef __NR_signalfd
	case __NR_signalfd:
#endif
	case __NR_signalfd4:
		tv_fd_mark(c->ret, TV_FD_SIGNALFD);
		return;
	case __NR_dup:
	case __NR_dup3:
#ifdef __NR_dup2
	case __NR_dup2:
#endif
		mark_copy(c->args[0], c->ret);
		return;
	case __NR_fcntl:
		if (c->args[1] == F_DUPFD || c->args[1] == F_DUPFD_CLOEXEC)
			mark_copy(c->args[0], c->ret);
		return;
	}
}

static int is_signalfd(int fd)
{
	static const char want[] = "anon_inode:[signalfd]";
	char path[32], link[sizeof want];

	tv_snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	long n = tv_sys4(__NR_readlinkat, AT_FDCWD, (long)path, (long)link, sizeof link);
	return n == (long)sizeof want - 1 && memcmp(link, want, sizeof want - 1) == 0;
}

/* At start: signalfds an exec left open. */
void tv_fd_scan(void)
{
	char buf[2048];
	int dir = (int)tv_sys4(__NR_openat, AT_FDCWD, (long)"/proc/self/fd",
			       O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	long n;

	if (dir < 0)
		return;
	while ((n = tv_sys3(__NR_getdents64, dir, (long)buf, sizeof buf)) > 0) {
		for (long off = 0; off < n;) {
			struct tv_dirent64 *d = (struct tv_dirent64 *)(buf + off);
			unsigned long fd;
			if (tv_parse_ulong(d->name, &fd) == 0 && (int)fd != dir && is_signalfd((int)fd))
				tv_fd_mark((long)fd, TV_FD_SIGNALFD);
			off += d->reclen;
		}
	}
	tv_sys1(__NR_close, dir);
}
