/* The monitor's allocator: power-of-two size classes carved from chunks of
 * the arena; larger blocks are whole pages of the arena, kept on a free
 * list for reuse.  Every block has a 16-byte header holding its class (or
 * its size in bytes), so tv_free needs no lookup.  One lock: tools
 * allocate on kernel threads, rarely. */
#include <linux/mman.h>
#include "monitor.h"

#define MIN_SHIFT 4		/* 16 bytes */
#define MAX_SHIFT 16		/* 64 KiB: larger blocks are page runs */
#define CHUNK (256 * 1024ul)
#define HDR 16ul

struct free_block {
	struct free_block *next;
};

struct free_big {
	size_t size;		/* the header: the block's size in bytes */
	size_t pad;
	struct free_big *next;
};

static struct free_block *bins[MAX_SHIFT + 1];
static struct free_big *big_free;
static tv_lock_t alloc_lock;

static int class_of(size_t n)
{
	int s = MIN_SHIFT;
	while ((1ul << s) < n)
		s++;
	return s;
}

static void refill(int shift)
{
	size_t size = 1ul << shift;
	char *chunk = tv_arena_alloc(CHUNK, TV_PAGE);

	if (!chunk)
		return;
	for (size_t off = 0; off + size <= CHUNK; off += size) {
		struct free_block *b = (struct free_block *)(chunk + off);
		b->next = bins[shift];
		bins[shift] = b;
	}
}

/* Big blocks are reused whole, first fit: they are few (exec's argument
 * scratch, tools' large buffers). */
static void *alloc_big(size_t n)
{
	size_t size = (n + HDR + TV_PAGE - 1) & ~(TV_PAGE - 1);
	struct free_big **pp, *b = NULL;

	tv_lock(&alloc_lock);
	for (pp = &big_free; *pp; pp = &(*pp)->next) {
		if ((*pp)->size >= size) {
			b = *pp;
			*pp = b->next;
			break;
		}
	}
	tv_unlock(&alloc_lock);
	if (!b) {
		b = tv_arena_alloc(size, TV_PAGE);
		if (!b)
			return NULL;
		b->size = size;
	}
	return (char *)b + HDR;
}

void *tv_malloc(size_t n)
{
	if (n > (1ul << MAX_SHIFT) - HDR)
		return alloc_big(n);

	int shift = class_of(n + HDR);
	tv_lock(&alloc_lock);
	if (!bins[shift])
		refill(shift);
	struct free_block *b = bins[shift];
	if (b)
		bins[shift] = b->next;
	tv_unlock(&alloc_lock);
	if (!b)
		return NULL;
	*(size_t *)b = (size_t)shift;
	return (char *)b + HDR;
}

void *tv_calloc(size_t n, size_t size)
{
	if (size && n > ~(size_t)0 / size)
		return NULL;
	void *p = tv_malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void tv_free(void *p)
{
	if (!p)
		return;
	char *base = (char *)p - HDR;
	size_t tag = *(size_t *)base;
	tv_lock(&alloc_lock);
	if (tag > MAX_SHIFT) {
		struct free_big *big = (struct free_big *)base;
		big->next = big_free;
		big_free = big;
		tv_unlock(&alloc_lock);
		return;
	}
	struct free_block *b = (struct free_block *)base;
	b->next = bins[tag];
	bins[tag] = b;
	tv_unlock(&alloc_lock);
}

/* In a fork child, another thread may have held the lock at fork time. */
void tv_alloc_after_fork(void)
{
	alloc_lock.word = 0;
}
