/* All memory the monitor takes after start-up comes from one range of
 * address space next to its image, so that keeping the guest off the
 * monitor's memory is two range checks (guard_overlaps).  Pieces are
 * mapped only as they are handed out: the guest's RLIMIT_AS counts every
 * mapping of the process, so a reservation of the whole range would cost
 * the guest 16 GiB of its limit.  The guards keep the guest's own mappings
 * out of the rest of the range (emulate.c: a hint there is dropped), and
 * the kernel, which places mappings top-down from far above, does not
 * reach it.  Pieces are never returned to the kernel, only reused by their
 * owners (thread regions, allocator chunks and blocks).  When the range
 * next to the image is taken, the arena is a PROT_NONE reservation where
 * the kernel puts it, mapped over piece by piece. */
#include <linux/mman.h>
#include <linux/errno.h>
#include "monitor.h"

#define ARENA_MAX (16ul << 30)		/* address space only */

extern const char __ehdr_start[], _end[];

static uintptr_t arena_lo, arena_hi, arena_next;
static int arena_reserved;	/* the range is a PROT_NONE mapping of ours */
static tv_lock_t arena_lock;

/* 16 GiB (64K thread regions), less on a small address space: a
 * thirty-second of it (16 GiB from 2^39 up; the monitor's place is an
 * eighth of the way up, place.c). */
size_t tv_arena_size(uintptr_t top)
{
	return top / 32 < ARENA_MAX ? top / 32 : ARENA_MAX;
}

int tv_arena_init(uintptr_t top)
{
	size_t size = tv_arena_size(top);
	uintptr_t lo = ((uintptr_t)_end + TV_PAGE - 1) & ~(TV_PAGE - 1);
	long p = (long)tv_mmap((void *)lo, TV_PAGE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (!tv_is_err(p)) {
		tv_munmap((void *)p, TV_PAGE);
	} else {
		p = (long)tv_mmap(NULL, size, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (tv_is_err(p))
			return (int)p;
		arena_reserved = 1;
	}
	arena_lo = arena_next = (uintptr_t)p;
	arena_hi = arena_lo + size;
	return 0;
}

/* len bytes aligned to align (a power of two, at least a page), zeroed. */
void *tv_arena_alloc(size_t len, size_t align)
{
	len = (len + TV_PAGE - 1) & ~(TV_PAGE - 1);
	tv_lock(&arena_lock);
	uintptr_t p = (arena_next + align - 1) & ~(align - 1);
	int fits = p + len <= arena_hi && p >= arena_next;
	if (fits)
		arena_next = p + len;
	tv_unlock(&arena_lock);
	if (!fits)
		return NULL;
	int fixed = arena_reserved ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	long r = (long)tv_mmap((void *)p, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | fixed, -1, 0);
	return tv_is_err(r) ? NULL : (void *)r;
}

/* In a fork child another thread may have held the lock. */
void tv_arena_after_fork(void)
{
	arena_lock.word = 0;
}

/* The monitor's image, in whole pages. */
static void image_bounds(uintptr_t *lo, uintptr_t *hi)
{
	*lo = (uintptr_t)__ehdr_start & ~(TV_PAGE - 1);
	*hi = ((uintptr_t)_end + TV_PAGE - 1) & ~(TV_PAGE - 1);
}

/* One range that holds the image and the arena, for the filter's coarse
 * test (the two are next to each other unless the arena could not go at
 * its hint). */
void tv_guard_span(uintptr_t *lo, uintptr_t *hi)
{
	uintptr_t img_lo, img_hi;

	image_bounds(&img_lo, &img_hi);
	*lo = img_lo < arena_lo ? img_lo : arena_lo;
	*hi = img_hi > arena_hi ? img_hi : arena_hi;
}

/* Does [addr, addr + len) touch the monitor's image or its arena? */
int tv_guard_overlaps(uintptr_t addr, size_t len)
{
	uintptr_t img_lo, img_hi;

	image_bounds(&img_lo, &img_hi);
	if (len == 0)
		len = 1;
	return tv_range_overlaps(addr, len, img_lo, img_hi) ||
	       tv_range_overlaps(addr, len, arena_lo, arena_hi);
}
