/* The monitor's freestanding runtime: raw syscalls, strings, formatted
 * output, an mmap allocator and a futex lock.  No libc, no TLS, no brk:
 * everything here is safe to call on a guest thread inside a signal
 * handler. */
#ifndef TV_RT_H
#define TV_RT_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include "arch.h"
#include "tvisor.h"

#define TV_PAGE 4096ul

static inline long tv_sys0(long n) { return tv_syscall6(n, 0, 0, 0, 0, 0, 0); }
static inline long tv_sys1(long n, long a) { return tv_syscall6(n, a, 0, 0, 0, 0, 0); }
static inline long tv_sys2(long n, long a, long b) { return tv_syscall6(n, a, b, 0, 0, 0, 0); }
static inline long tv_sys3(long n, long a, long b, long c) { return tv_syscall6(n, a, b, c, 0, 0, 0); }
static inline long tv_sys4(long n, long a, long b, long c, long d)
{
	return tv_syscall6(n, a, b, c, d, 0, 0);
}
static inline long tv_sys5(long n, long a, long b, long c, long d, long e)
{
	return tv_syscall6(n, a, b, c, d, e, 0);
}

/* A raw result in [-4095, -1] is -errno. */
static inline int tv_is_err(long r) { return (unsigned long)r > -4096ul; }

void *tv_mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int tv_munmap(void *addr, size_t len);
long tv_pread_all(int fd, void *buf, size_t len, long off);
__attribute__((noreturn)) void tv_exit_group(int code);
int tv_gettid(void);
int tv_getpid(void);

void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);




int tv_futex_wait(int *addr, int val);
int tv_futex_wake(int *addr, int n);

#endif
