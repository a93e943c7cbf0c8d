/* Arrays in guest memory: one printer, with a callback per element. */
#include "internal.h"

/* "[E, E, ...]" as strace's print_array writes it: an element that cannot
 * be read shows as its address and ends the array; after limit elements
 * shown, "..." stands for the rest. */
void put_array(struct dc_out *o, const struct array *a)
{
	_Alignas(16) unsigned char elem[32];
	unsigned long shown = 0;

	if (a->size > sizeof elem) {
		dc_put_ptr(o, a->addr);
		return;
	}
	dc_putc(o, '[');
	for (unsigned long i = 0; i < a->n; i++) {
		unsigned long at = a->addr + i * a->size;
		if (dc_read(elem, at, a->size) < 0) {
			dc_printf(o, "%s0x%lx", shown ? ", " : "", at);
			break;
		}
		int k = a->keep ? a->keep(elem, a->ctx) : EL_SHOW;
		if (k == EL_END)
			break;
		if (k == EL_SKIP)
			continue;
		if (shown)
			dc_puts(o, ", ");
		if (shown++ >= a->limit) {
			dc_puts(o, "...");
			break;
		}
		a->put(o, elem, a->ctx);
	}
	dc_putc(o, ']');
}

/* ctx: the bytes of data left to show (readv's result), or -1: all. */
static void put_iovec(struct dc_out *o, const void *elem, void *ctx)
{
	const struct iovec *v = elem;
	long *left = ctx;
	unsigned long len = (unsigned long)v->iov_len, show = len;

	if (*left >= 0) {
		show = len < (unsigned long)*left ? len : (unsigned long)*left;
		*left -= (long)show;
	}
	dc_puts(o, "{iov_base=");
	put_buf(o, (unsigned long)v->iov_base, show, 0);
	dc_printf(o, ", iov_len=%lu}", len);
}

/* An iovec array; with limit >= 0 only that many bytes in all are data
 * (what readv returned). */
void put_iov(struct dc_out *o, unsigned long addr, long cnt, long limit)
{
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	if (cnt < 0 || cnt > 1024) {
		dc_put_ptr(o, addr);
		return;
	}
	put_array(o, &(struct array){ .addr = addr, .n = (unsigned long)cnt,
				      .size = sizeof(struct iovec), .limit = dc_config.strsize,
				      .put = put_iovec, .ctx = &limit });
}

/* In poll's result only the descriptors with events show. */
static int pollfd_ready(const void *elem, void *ctx)
{
	(void)ctx;
	return ((const struct pollfd *)elem)->revents ? EL_SHOW : EL_SKIP;
}

static void put_pollfd(struct dc_out *o, const struct pollfd *p, const char *what, unsigned ev)
{
	dc_printf(o, "{fd=%d, %s=", p->fd, what);
	put_flags(o, poll_events, (unsigned short)ev, "0");
	dc_putc(o, '}');
}

static void put_pollfd_events(struct dc_out *o, const void *elem, void *ctx)
{
	(void)ctx;
	put_pollfd(o, elem, "events", (unsigned short)((const struct pollfd *)elem)->events);
}

static void put_pollfd_revents(struct dc_out *o, const void *elem, void *ctx)
{
	(void)ctx;
	put_pollfd(o, elem, "revents", (unsigned short)((const struct pollfd *)elem)->revents);
}

/* poll's array: what is asked (events), or what is ready (revents). */
void put_pollfds(struct dc_out *o, unsigned long addr, unsigned long n, int revents)
{
	put_array(o, &(struct array){ .addr = addr, .n = n, .size = sizeof(struct pollfd),
				      .limit = revents ? ~0ul : dc_config.strsize,
				      .keep = revents ? pollfd_ready : NULL,
				      .put = revents ? put_pollfd_revents : put_pollfd_events });
}

/* poll's array as the call is made: its address alone when the first
 * element cannot be read. */
void put_pollfds_in(struct dc_out *o, unsigned long addr, long n)
{
	struct pollfd p;

	if (!addr || (n > 0 && dc_read(&p, addr, sizeof p) < 0))
		dc_put_ptr(o, addr);
	else
		put_pollfds(o, addr, (unsigned long)n, 0);
}

static int not_null(const void *elem, void *ctx)
{
	(void)ctx;
	return *(const unsigned long *)elem ? EL_SHOW : EL_END;
}

static void put_str_at(struct dc_out *o, const void *elem, void *ctx)
{
	(void)ctx;
	put_str(o, *(const unsigned long *)elem);
}

/* execve's argv: the strings up to the NULL. */
void put_argv(struct dc_out *o, unsigned long addr)
{
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	put_array(o, &(struct array){ .addr = addr, .n = ~0ul / sizeof(unsigned long),
				      .size = sizeof(unsigned long), .limit = dc_config.strsize,
				      .keep = not_null, .put = put_str_at });
}

static void put_gid(struct dc_out *o, const void *elem, void *ctx)
{
	(void)ctx;
	dc_printf(o, "%u", *(const uint32_t *)elem);
}

void put_groups(struct dc_out *o, unsigned long addr, long n)
{
	if (n < 0 || (n > 0 && !addr)) {
		dc_put_ptr(o, addr);
		return;
	}
	put_array(o, &(struct array){ .addr = addr, .n = (unsigned long)n, .size = sizeof(uint32_t),
				      .limit = dc_config.strsize, .put = put_gid });
}

static void put_int_elem(struct dc_out *o, const void *elem, void *ctx)
{
	(void)ctx;
	dc_printf(o, "%d", *(const int *)elem);
}

/* n ints at addr (io_uring's registered descriptors). */
void put_int_array(struct dc_out *o, unsigned long addr, unsigned long n)
{
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	put_array(o, &(struct array){ .addr = addr, .n = n, .size = sizeof(int),
				      .limit = dc_config.strsize, .put = put_int_elem });
}

static void put_epoll_elem(struct dc_out *o, const void *elem, void *ctx)
{
	(void)ctx;
	put_epoll_event(o, elem);
}

/* epoll_wait's result: n events. */
void put_epoll_events(struct dc_out *o, unsigned long addr, long n)
{
	put_array(o, &(struct array){ .addr = addr, .n = n > 0 ? (unsigned long)n : 0,
				      .size = sizeof(struct epoll_event), .limit = dc_config.strsize,
				      .put = put_epoll_elem });
}
