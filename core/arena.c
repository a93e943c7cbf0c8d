/* All memory the monitor takes after start-up comes from one range of
 * address space reserved next to its image, so that keeping the guest off
 * the monitor's memory is two range checks (guard_overlaps).  The range is
 * reserved PROT_NONE and costs nothing until a piece is handed out; pieces
 * are never returned to the kernel, only reused by their owners (thread
 * regions, allocator chunks and blocks). */
#include <linux/mman.h>
#include <linux/errno.h>
#include "monitor.h"

#define ARENA_SIZE (16ul << 30)		/* address space only */
#define ARENA_ALIGN (1ul << 30)

extern const char __ehdr_start[], _end[];

static uintptr_t arena_lo, arena_hi, arena_next;
static tv_lock_t arena_lock;

int tv_arena_init(void)
{
	uintptr_t hint = ((uintptr_t)_end + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
	long p = (long)tv_mmap((void *)hint, ARENA_SIZE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

	if (tv_is_err(p))
		p = (long)tv_mmap(NULL, ARENA_SIZE, PROT_NONE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (tv_is_err(p))
		return (int)p;
	arena_lo = arena_next = (uintptr_t)p;
	arena_hi = arena_lo + ARENA_SIZE;
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
	long r = (long)tv_mmap((void *)p, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
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
