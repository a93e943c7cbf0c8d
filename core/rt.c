/* Raw system call helpers, string functions and the futex lock. */
#include <linux/mman.h>
#include <linux/futex.h>
#include <linux/errno.h>
#include "rt.h"

void *tv_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	return (void *)tv_syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

int tv_munmap(void *addr, size_t len)
{
	return (int)tv_sys2(__NR_munmap, (long)addr, (long)len);
}

long tv_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		long r = tv_sys3(__NR_write, fd, (long)(p + done), (long)(len - done));
		if (r == -EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? r : -EIO;
		done += (size_t)r;
	}
	return (long)done;
}

long tv_pread_all(int fd, void *buf, size_t len, long off)
{
	char *p = buf;
	size_t done = 0;

	while (done < len) {
		long r = tv_sys4(__NR_pread64, fd, (long)(p + done), (long)(len - done),
				 off + (long)done);
		if (r == -EINTR)
			continue;
		if (r < 0)
			return r;
		if (r == 0)
			break;
		done += (size_t)r;
	}
	return (long)done;
}

void tv_exit_group(int code)
{
	for (;;)
		tv_sys1(__NR_exit_group, code);
}

int tv_gettid(void) { return (int)tv_sys0(__NR_gettid); }
int tv_getpid(void) { return (int)tv_sys0(__NR_getpid); }

size_t tv_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int tv_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int tv_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

char *tv_strchr(const char *s, int c)
{
	for (; *s; s++) {
		if (*s == (char)c)
			return (char *)s;
	}
	return c ? NULL : (char *)s;
}

char *tv_strdup(const char *s)
{
	size_t n = tv_strlen(s) + 1;
	char *d = tv_malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

int tv_parse_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0, base = 10;

	if (!*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2])
		base = 16, s += 2;
	else if (s[0] == '0' && s[1])
		base = 8, s++;
	for (; *s; s++) {
		unsigned long d;
		if (*s >= '0' && *s <= '9')
			d = (unsigned long)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned long)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned long)(*s - 'A' + 10);
		else
			return -1;
		if (d >= base || v > (~0ul - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

/* The compiler may emit calls to these four even in freestanding code. */
void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;
	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

/* The public names a tool calls (tvisor.h). */
void *tv_memcpy(void *restrict d, const void *restrict s, size_t n)
{
	return memcpy(d, s, n);
}

void *tv_memset(void *d, int c, size_t n)
{
	return memset(d, c, n);
}

int tv_futex_wait(int *addr, int val)
{
	return (int)tv_sys4(__NR_futex, (long)addr, FUTEX_WAIT_PRIVATE, val, 0);
}

int tv_futex_wake(int *addr, int n)
{
	return (int)tv_sys3(__NR_futex, (long)addr, FUTEX_WAKE_PRIVATE, n);
}

/* word: 0 free, 1 taken, 2 taken with waiters (the classic futex mutex). */
void tv_lock(tv_lock_t *l)
{
	int c = 0;

	if (__atomic_compare_exchange_n(&l->word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		tv_futex_wait(&l->word, 2);
		c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
	}
}

void tv_unlock(tv_lock_t *l)
{
	if (__atomic_exchange_n(&l->word, 0, __ATOMIC_RELEASE) == 2)
		tv_futex_wake(&l->word, 1);
}
