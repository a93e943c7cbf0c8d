/* /proc's view of the process as the guest should see it.  The kernel's
 * status files show the monitor's signal state: its handlers (SigCgt) and
 * a SIGSYS that is never blocked (SigBlk); with --pair they and the stat
 * files count the kernel threads, which the task directory lists.  Opening status or stat gives a snapshot, taken at open time,
 * with the guest's values in those fields and the kernel's everywhere
 * else; a task directory is listed without the kernel threads. */
#include <linux/fcntl.h>
#include <linux/memfd.h>
#include <linux/errno.h>
#include "monitor.h"

#define STATUS_MAX 8192

static int read_file(const char *path, char *buf, size_t cap)
{
	long fd = tv_sys4(__NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0);

	if (fd < 0)
		return (int)fd;
	long len = tv_pread_all((int)fd, buf, cap, 0);
	tv_sys1(__NR_close, fd);
	return (int)len;
}

static uint64_t parse_hex(const char *s, const char *end)
{
	uint64_t v = 0;

	for (; s < end; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
		if (d < 0)
			break;
		v = v << 4 | (uint64_t)d;
	}
	return v;
}

/* The guest's mask of thread t, from the kernel's value (the monitor
 * handles calls with the guest's mask): SIGSYS is blocked only in the
 * guest's view. */
static uint64_t guest_blocked(const struct tv_thread *t, uint64_t real)
{
	uint64_t mask = real & ~tv_sigbit(SIGSYS);

	return mask | (t->guest_sigsys_blocked ? tv_sigbit(SIGSYS) : 0);
}

/* Signals for t that the monitor holds rather than the kernel. */
static uint64_t held_pending(const struct tv_thread *t)
{
	uint64_t set = t->sigsys_pending ? tv_sigbit(SIGSYS) : 0;

	for (int i = 0; i < t->npending && i < TV_MAX_PENDING; i++)
		set |= tv_sigbit(t->pending[i].sig);
	return set;
}

/* The guest's value for the line name: (kernel's value), or 0 to keep it. */
static int guest_value(const char *name, size_t len, uint64_t *v, int *hex,
		       const struct tv_thread *t, const struct tv_thread *self)
{
	static const char *const names[] = { "SigPnd", "SigBlk", "SigIgn", "SigCgt", "Threads" };
	int which = -1;

	for (int i = 0; i < 5; i++) {
		if (len == tv_strlen(names[i]) && !memcmp(name, names[i], len))
			which = i;
	}
	*hex = which < 4;
	switch (which) {
	case 0: if (t) *v |= held_pending(t); return t != NULL;
	case 1: if (t) *v = guest_blocked(t, *v); return t != NULL;
	case 2: *v = tv_signals_guest_set(self, 1); return 1;
	case 3: *v = tv_signals_guest_set(self, 0); return 1;
	case 4: *v = (uint64_t)__atomic_load_n(&tv_g.nthreads, __ATOMIC_RELAXED); return 1;
	}
	return 0;
}

static int rewrite(const char *in, int len, char *out, size_t cap, const struct tv_thread *t)
{
	const struct tv_thread *self = tv_self();
	size_t o = 0;

	for (const char *line = in, *end = in + len; line < end;) {
		const char *nl = line;
		while (nl < end && *nl != '\n')
			nl++;
		const char *colon = line;
		while (colon < nl && *colon != ':')
			colon++;
		const char *val = colon + 1;
		while (val < nl && *val == '\t')
			val++;
		uint64_t v = parse_hex(val, nl);
		int hex;
		if (colon < nl && guest_value(line, (size_t)(colon - line), &v, &hex, t, self)) {
			o += (size_t)tv_snprintf(out + o, cap - o, hex ? "%.*s\t%016lx\n" : "%.*s\t%lu\n",
						 (int)(val - line - 1), line, (unsigned long)v);
		} else if (o + (size_t)(nl - line) + 1 < cap) {
			memcpy(out + o, line, (size_t)(nl - line));
			o += (size_t)(nl - line);
			out[o++] = '\n';
		}
		if (o >= cap)
			return -ENOMEM;
		line = nl + 1;
	}
	return (int)o;
}

/* stat: field 20, after "pid (comm) " whatever comm holds, is the
 * number of threads. */
static int rewrite_stat(const char *in, int len, char *out, size_t cap)
{
	const char *end = in + len, *p = end;

	while (p > in && p[-1] != ')')
		p--;
	for (int field = 2; p < end && field < 20; p++)
		field += *p == ' ';
	const char *q = p;
	while (q < end && *q != ' ')
		q++;
	if (p >= end || (size_t)len + 16 >= cap)
		return -EINVAL;
	return tv_snprintf(out, cap, "%.*s%d%.*s", (int)(p - in), in,
			   __atomic_load_n(&tv_g.nthreads, __ATOMIC_RELAXED), (int)(end - q), q);
}

/* Open /proc/PID/task/TID/status (or stat) of guest thread tid (the main
 * thread's for /proc/self/status): a memory file with the guest's view. */
long tv_procstatus_open(int tid, int stat, long flags)
{
	static char in[STATUS_MAX], out[STATUS_MAX];
	static tv_lock_t lock;
	char path[48];

	tv_snprintf(path, sizeof path, "/proc/%d/task/%d/%s", tv_g.pid, tid, stat ? "stat" : "status");
	tv_lock(&lock);
	int len = read_file(path, in, sizeof in);
	if (len >= 0)
		len = stat ? rewrite_stat(in, len, out, sizeof out)
			   : rewrite(in, len, out, sizeof out, tv_thread_find(tid));
	long fd = len < 0 ? len : tv_sys2(__NR_memfd_create, (long)(stat ? "stat" : "status"),
					   (flags & O_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd >= 0) {
		tv_write_all((int)fd, out, (size_t)len);
		tv_sys3(__NR_lseek, fd, 0, 0 /* SEEK_SET */);
	}
	tv_unlock(&lock);
	return fd;
}

/* getdents64 on a task directory: the kernel's entries less our kernel
 * threads.  Reads again when a whole batch was ours. */
long tv_procstatus_getdents(const long *a)
{
	char buf[4096];
	size_t cap = (size_t)a[2] < sizeof buf ? (size_t)a[2] : sizeof buf;
	long n;

	while ((n = tv_sys3(__NR_getdents64, a[0], (long)buf, (long)cap)) > 0) {
		long kept = 0;
		for (long off = 0; off < n;) {
			struct tv_dirent64 *d = (struct tv_dirent64 *)(buf + off);
			unsigned long tid;
			unsigned short reclen = d->reclen;
			if (tv_parse_ulong(d->name, &tid) || !tv_thread_is_kthread((int)tid)) {
				memmove(buf + kept, d, reclen);
				kept += reclen;
			}
			off += reclen;
		}
		if (kept)
			return tv_mem_write((uintptr_t)a[1], buf, (size_t)kept) ? -EFAULT : kept;
	}
	return n;
}
