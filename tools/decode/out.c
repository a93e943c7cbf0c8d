/* The growing string the decoder writes to. */
#include "internal.h"

int dc_reserve(struct dc_out *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = tv_malloc(cap);
	if (!p)
		return -1;
	if (b->p) {
		tv_memcpy(p, b->p, b->len);
		tv_free(b->p);
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

void dc_putn(struct dc_out *b, const char *s, size_t n)
{
	if (dc_reserve(b, n))
		return;
	tv_memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void dc_puts(struct dc_out *b, const char *s)
{
	dc_putn(b, s, tv_strlen(s));
}

void dc_putc(struct dc_out *b, char c)
{
	dc_putn(b, &c, 1);
}

void dc_printf(struct dc_out *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;

	va_start(ap, fmt);
	int n = tv_vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		dc_putn(b, small, (size_t)n);
		return;
	}
	if (dc_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	tv_vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void dc_free(struct dc_out *b)
{
	tv_free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
