/* The part of the monitor's runtime the decoder (tools/decode/) uses,
 * for hosted tests and fuzzing: libc's allocator and string functions,
 * the real syscall.  tv_vsnprintf, the errno texts and the syscall names
 * are the monitor's own (core/fmt.c, core/sysnames.c), linked as they
 * are.  Guest memory is the test's (dc_config.read): reaching the
 * monitor's reader is a bug, and aborts. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "tvisor.h"

long tv_syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
	long r = syscall(nr, a, b, c, d, e, f);
	return r < 0 ? -(long)errno : r;
}

long tv_write_all(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len);
}

long tv_mem_read(void *dst, uintptr_t src, size_t n)
{
	(void)dst, (void)src, (void)n;
	abort();
}

long tv_mem_read_str(char *dst, uintptr_t src, size_t cap)
{
	(void)dst, (void)src, (void)cap;
	abort();
}

void *tv_malloc(size_t n) { return malloc(n); }
void tv_free(void *p) { free(p); }
void *tv_memcpy(void *restrict d, const void *restrict s, size_t n) { return memcpy(d, s, n); }
void *tv_memset(void *d, int c, size_t n) { return memset(d, c, n); }
size_t tv_strlen(const char *s) { return strlen(s); }
int tv_strcmp(const char *a, const char *b) { return strcmp(a, b); }
int tv_strncmp(const char *a, const char *b, size_t n) { return strncmp(a, b, n); }
