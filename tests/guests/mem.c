/* mem: malloc (small and mmap-sized), the program break, anonymous mmap,
 * munmap, mprotect, mremap, madvise.  Prints sizes, booleans and checksums
 * of deterministic fill patterns, never addresses.
 *
 * The break is exercised with the raw brk system call (musl's sbrk() only
 * accepts 0) and, where it works, sbrk(); every change is undone so that the
 * libc allocator's idea of the break stays valid. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char end[]; /* first address past the bss (GNU ld) */
extern const char __ehdr_start[]; /* the program's ELF header (GNU ld) */

static uint32_t sum(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 16777619u;
	return h;
}

static void fill(void *p, size_t n, unsigned seed)
{
	unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		c[i] = (unsigned char)(seed + i * 7 + (i >> 8));
}

static int allzero(const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i])
			return 0;
	return 1;
}

static uintptr_t rawbrk(uintptr_t to)
{
	return (uintptr_t)syscall(SYS_brk, to);
}

static const char *yn(int b)
{
	return b ? "yes" : "no";
}

static void test_malloc(void)
{
	enum { NSMALL = 1000 };
	static void *small[NSMALL];
	uint32_t h = 0;

	for (int i = 0; i < NSMALL; i++) {
		size_t n = 1 + (size_t)(i * 37 % 500);
		small[i] = malloc(n);
		fill(small[i], n, (unsigned)i);
	}
	for (int i = 0; i < NSMALL; i++) {
		size_t n = 1 + (size_t)(i * 37 % 500);
		h ^= sum(small[i], n);
		if (i % 3 == 0) {
			free(small[i]);
			small[i] = NULL;
		}
	}
	for (int i = 0; i < NSMALL; i++)
		if (small[i]) {
			size_t n = 1 + (size_t)(i * 37 % 500);
			small[i] = realloc(small[i], n * 3);
			h ^= sum(small[i], n);
			free(small[i]);
		}
	printf("malloc small checksum=%08x\n", h);

	size_t big = 8u << 20;
	unsigned char *b = malloc(big);
	fill(b, big, 3);
	printf("malloc 8MiB checksum=%08x\n", sum(b, big));
	uint32_t hb = sum(b, big);
	b = realloc(b, 2 * big);
	printf("realloc 16MiB keeps data=%s\n", yn(sum(b, big) == hb));
	free(b);

	unsigned char *z = calloc(1u << 20, 4);
	printf("calloc 4MiB zero=%s\n", yn(allzero(z, 4u << 20)));
	free(z);

	void *al = NULL;
	int rc = posix_memalign(&al, 1u << 16, 1000);
	printf("posix_memalign 64KiB aligned=%s\n", yn(rc == 0 && ((uintptr_t)al & 0xffff) == 0));
	free(al);
}

static void test_brk(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t cur = rawbrk(0);

	/* Natively the break follows the bss, except for a static PIE, whose
	 * break the kernel puts at ELF_ET_DYN_BASE, below the image. */
	printf("brk(0) outside the program image: %s\n",
	       yn(cur >= (uintptr_t)end || cur < (uintptr_t)&__ehdr_start));
	printf("brk(0) stable: %s\n", yn(rawbrk(0) == cur));

	uintptr_t grown = rawbrk(cur + 64 * 1024);
	printf("brk grow 64KiB: %s\n", yn(grown == cur + 64 * 1024));
	unsigned char *p = (unsigned char *)cur;
	printf("fresh brk memory zero: %s\n", yn(allzero(p, 64 * 1024)));
	fill(p, 64 * 1024, 9);
	printf("brk memory checksum=%08x\n", sum(p, 64 * 1024));

	uintptr_t shrunk = rawbrk(cur + 16 * 1024);
	printf("brk shrink to 16KiB: %s\n", yn(shrunk == cur + 16 * 1024));
	printf("brk(0) after shrink: %s\n", yn(rawbrk(0) == cur + 16 * 1024));
	static unsigned char ref[16 * 1024];
	fill(ref, sizeof ref, 9);
	printf("kept part intact: %s\n", yn(memcmp(p, ref, sizeof ref) == 0));
	rawbrk(cur + 64 * 1024);
	/* pages dropped by the shrink come back zeroed (round up to a page:
	 * the rest of the page holding the 16 KiB point is kept) */
	uintptr_t keep = (cur + 16 * 1024 + pg - 1) & ~(uintptr_t)(pg - 1);
	printf("regrown brk memory zero: %s\n",
	       yn(allzero((void *)keep, cur + 64 * 1024 - keep)));

	/* an absurd request fails and leaves the break alone */
	uintptr_t huge = rawbrk(cur + ((uintptr_t)1 << 62));
	printf("huge brk refused: %s\n", yn(huge == cur + 64 * 1024));
	/* below the start of the heap is refused too */
	printf("brk below heap start refused: %s\n", yn(rawbrk((uintptr_t)pg) == cur + 64 * 1024));

	rawbrk(cur);
	printf("brk restored: %s\n", yn(rawbrk(0) == cur));

#ifdef __GLIBC__
	/* glibc's sbrk tracks the break itself */
	void *s0 = sbrk(0);
	void *s1 = sbrk(8192);
	void *s2 = sbrk(0);
	printf("sbrk grow consistent: %s\n", yn(s1 == s0 && (char *)s2 == (char *)s0 + 8192));
	memset(s1, 0x5a, 8192);
	sbrk(-8192);
	printf("sbrk shrink consistent: %s\n", yn(sbrk(0) == s0));
#else
	/* musl: sbrk(n) fails for n != 0 */
	printf("sbrk(0)==brk(0): %s\n", yn(sbrk(0) == (void *)cur));
#endif
}

static void test_mmap(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t n = 1u << 20;
	unsigned char *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	printf("mmap 1MiB: %s\n", yn(m != MAP_FAILED));
	if (m == MAP_FAILED)
		return;
	printf("mmap zero: %s\n", yn(allzero(m, n)));
	printf("mmap page aligned: %s\n", yn(((uintptr_t)m & (pg - 1)) == 0));
	fill(m, n, 1);
	uint32_t h = sum(m, n);
	printf("mmap checksum=%08x\n", h);

	printf("mprotect ro: %s\n", yn(mprotect(m, n, PROT_READ) == 0));
	printf("ro checksum same: %s\n", yn(sum(m, n) == h));
	printf("mprotect rw: %s\n", yn(mprotect(m, n, PROT_READ | PROT_WRITE) == 0));
	m[0] ^= 1;
	m[0] ^= 1;

	unsigned char *r = mremap(m, n, 4 * n, MREMAP_MAYMOVE);
	printf("mremap grow: %s\n", yn(r != MAP_FAILED));
	if (r == MAP_FAILED)
		return;
	printf("mremap keeps data: %s\n", yn(sum(r, n) == h));
	printf("mremap new part zero: %s\n", yn(allzero(r + n, 3 * n)));
	fill(r, 4 * n, 2);
	printf("4MiB checksum=%08x\n", sum(r, 4 * n));
	unsigned char *s = mremap(r, 4 * n, n / 2, 0);
	printf("mremap shrink in place: %s\n", yn(s == r));
	printf("shrunk checksum=%08x\n", sum(s, n / 2));

	printf("madvise dontneed: %s\n", yn(madvise(s, n / 2, MADV_DONTNEED) == 0));
	printf("dontneed zeroes: %s\n", yn(allzero(s, n / 2)));

	/* MAP_FIXED over the middle of our own mapping */
	fill(s, n / 2, 4);
	unsigned char *f = mmap(s + 4 * pg, 2 * pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	printf("MAP_FIXED at requested address: %s\n", yn(f == s + 4 * pg));
	printf("MAP_FIXED part zero: %s\n", yn(allzero(f, 2 * pg)));
	printf("around MAP_FIXED checksum=%08x,%08x\n", sum(s, 4 * pg),
	       sum(s + 6 * pg, n / 2 - 6 * pg));

	/* unmap a hole, then probe it with mincore-free msync */
	printf("munmap hole: %s\n", yn(munmap(s + 8 * pg, pg) == 0));
	errno = 0;
	int rc = msync(s + 8 * pg, pg, MS_ASYNC);
	printf("msync on hole fails ENOMEM: %s\n", yn(rc == -1 && errno == ENOMEM));
	printf("munmap rest: %s\n", yn(munmap(s, n / 2) == 0));

	/* PROT_NONE reservation, then commit part of it */
	unsigned char *res = mmap(NULL, 64 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	printf("reserve: %s\n", yn(res != MAP_FAILED));
	printf("commit: %s\n", yn(mprotect(res + 8 * pg, 8 * pg, PROT_READ | PROT_WRITE) == 0));
	fill(res + 8 * pg, 8 * pg, 5);
	printf("committed checksum=%08x\n", sum(res + 8 * pg, 8 * pg));
	munmap(res, 64 * pg);

	errno = 0;
	void *bad = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	printf("mmap length 0 fails EINVAL: %s\n", yn(bad == MAP_FAILED && errno == EINVAL));
	errno = 0;
	rc = munmap((void *)((uintptr_t)m + 1), pg);
	printf("munmap unaligned fails EINVAL: %s\n", yn(rc == -1 && errno == EINVAL));
}

int main(void)
{
	test_malloc();
	test_brk();
	test_mmap();
	printf("mem: done\n");
	return 0;
}
