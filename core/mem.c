/* Fault-safe access to guest memory: process_vm_readv/writev on our own
 * process return EFAULT for a bad guest pointer instead of crashing the
 * monitor. */
#include <linux/uio.h>
#include <linux/errno.h>
#include "monitor.h"

/* Any live thread of ours names our memory: not the pid, whose leader may
 * be a zombie (it called SYS_exit while other threads run on), but the
 * calling thread (a guest thread, or its K). */
static int live_tid(void)
{
	struct tv_thread *t = tv_self();
	return t->g_tid;
}

static long vm_copy(long nr, void *local, uintptr_t remote, size_t n)
{
	struct iovec l = { local, n }, r = { (void *)remote, n };

	if (n == 0)
		return 0;
	long got = tv_syscall6(nr, live_tid(), (long)&l, 1, (long)&r, 1, 0);
	if (got < 0)
		return got == -ENOMEM ? -EFAULT : got;
	return (size_t)got == n ? 0 : -EFAULT;
}

long tv_mem_read(void *dst, uintptr_t guest_src, size_t n)
{
	return vm_copy(__NR_process_vm_readv, dst, guest_src, n);
}

long tv_mem_write(uintptr_t guest_dst, const void *src, size_t n)
{
	return vm_copy(__NR_process_vm_writev, (void *)src, guest_dst, n);
}

/* Read page by page so a string that ends just before an unmapped page is
 * still read. */
long tv_mem_read_str(char *dst, uintptr_t guest_src, size_t cap)
{
	size_t done = 0;

	while (done < cap) {
		uintptr_t at = guest_src + done;
		size_t chunk = TV_PAGE - (at & (TV_PAGE - 1));
		if (chunk > cap - done)
			chunk = cap - done;
		long r = tv_mem_read(dst + done, at, chunk);
		if (r < 0)
			return r;
		for (size_t i = 0; i < chunk; i++) {
			if (dst[done + i] == 0)
				return (long)(done + i);
		}
		done += chunk;
	}
	if (cap)
		dst[cap - 1] = 0;
	return -ENAMETOOLONG;
}
