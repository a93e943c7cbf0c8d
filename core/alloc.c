/* The monitor's allocator: power-of-two size classes carved from 64 KiB
 * mmap chunks, larger blocks mmapped on their own.  Every block has a
 * 16-byte header holding its class (or its mapping size), so tv_free needs
 * no lookup.  One lock: tools allocate on kernel threads, rarely. */
#include <linux/mman.h>
#include "rt.h"

#define MIN_SHIFT 4		/* 16 bytes */
#define MAX_SHIFT 12		/* 4 KiB: larger blocks get their own mapping */
#define CHUNK (64 * 1024ul)
#define HDR 16ul

struct free_block {
	struct free_block *next;
};

static struct free_block *bins[MAX_SHIFT + 1];
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
	char *chunk = tv_mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (tv_is_err((long)chunk))
		return;
	for (size_t off = 0; off + size <= CHUNK; off += size) {
		struct free_block *b = (struct free_block *)(chunk + off);
		b->next = bins[shift];
		bins[shift] = b;
	}
}

static void *alloc_big(size_t n)
{
	size_t len = (n + HDR + TV_PAGE - 1) & ~(TV_PAGE - 1);
	char *p = tv_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (tv_is_err((long)p))
		return NULL;
	*(size_t *)p = len;
	return p + HDR;
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
	if (tag > MAX_SHIFT) {
		tv_munmap(base, tag);
		return;
	}
	struct free_block *b = (struct free_block *)base;
	tv_lock(&alloc_lock);
	b->next = bins[tag];
	bins[tag] = b;
	tv_unlock(&alloc_lock);
}

/* In a fork child, another thread may have held the lock at fork time. */
void tv_alloc_after_fork(void)
{
	alloc_lock.word = 0;
}
