/* Strings, as strace quotes them, and guest buffers and strings read
 * through the reader. */
#include "internal.h"

/* -x: a string with a byte that is neither printable nor white space is
 * shown all in hex. */
static int wants_hex(const unsigned char *s, size_t n, int flags)
{
	if ((flags & Q_HEX) || dc_config.hex == DC_HEX_ALL)
		return 1;
	if (dc_config.hex != DC_HEX_NON_ASCII)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] > 0x7e || (s[i] < ' ' && (unsigned)(s[i] - 9) >= 5))
			return 1;
	return 0;
}

/* An unprintable byte: octal, as short as possible unless an octal digit
 * follows (or \xNN with --strings-in-hex=non-ascii-chars). */
static void put_escape(struct dc_out *o, unsigned c, int digit_follows)
{
	char oct[5];
	int k = 0;

	if (dc_config.hex == DC_HEX_CHARS) {
		dc_printf(o, "\\x%02x", c);
		return;
	}
	oct[k++] = '\\';
	if (digit_follows || c >= 0100)
		oct[k++] = (char)('0' + (c >> 6));
	if (digit_follows || c >= 010)
		oct[k++] = (char)('0' + ((c >> 3) & 7));
	oct[k++] = (char)('0' + (c & 7));
	dc_putn(o, oct, (size_t)k);
}

/* Bytes between double quotes, as strace quotes them: \" \\ \t \n \v \f
 * \r, other unprintable bytes escaped, or all of them in hex (flags, -x). */
void put_quoted(struct dc_out *o, const unsigned char *s, size_t n, int flags)
{
	int hex = wants_hex(s, n, flags);

	if (!(flags & Q_BARE))
		dc_putc(o, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		if (hex) {
			dc_printf(o, "\\x%02x", c);
			continue;
		}
		switch (c) {
		case '"': dc_puts(o, "\\\""); continue;
		case '\\': dc_puts(o, "\\\\"); continue;
		case '\t': dc_puts(o, "\\t"); continue;
		case '\n': dc_puts(o, "\\n"); continue;
		case '\v': dc_puts(o, "\\v"); continue;
		case '\f': dc_puts(o, "\\f"); continue;
		case '\r': dc_puts(o, "\\r"); continue;
		}
		if (c >= 0x20 && c < 0x7f && !((flags & Q_BARE) && (c == '<' || c == '>')))
			dc_putc(o, (char)c);
		else
			put_escape(o, c, i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7');
	}
	if (!(flags & Q_BARE))
		dc_putc(o, '"');
}

unsigned char *rbuf_get(struct rbuf *r, size_t n)
{
	r->p = n <= sizeof r->small ? r->small : tv_malloc(n);
	return r->p;
}

void rbuf_put(struct rbuf *r)
{
	if (r->p && r->p != r->small)
		tv_free(r->p);
}

/* len bytes at addr, at most -s of them, then "..." if there were more. */
void put_buf(struct dc_out *o, unsigned long addr, unsigned long len, int flags)
{
	unsigned long n = len < dc_config.strsize ? len : dc_config.strsize;
	struct rbuf rb;

	if (!addr && len) {
		dc_puts(o, "NULL");
		return;
	}
	unsigned char *b = rbuf_get(&rb, n ? n : 1);
	if (!b || dc_read(b, addr, n) < 0) {
		dc_put_ptr(o, addr);
	} else {
		put_quoted(o, b, n, flags);
		if (len > n)
			dc_puts(o, "...");
	}
	rbuf_put(&rb);
}

/* A NUL-terminated string, at most -s bytes of it. */
void put_str(struct dc_out *o, unsigned long addr)
{
	struct rbuf rb;
	size_t cap = dc_config.strsize + 2;

	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	char *b = (char *)rbuf_get(&rb, cap);
	long n = b ? dc_read_str(b, addr, cap) : -ENOMEM;
	if (n == -ENAMETOOLONG) {
		put_quoted(o, (unsigned char *)b, dc_config.strsize, 0);
		dc_puts(o, "...");
	} else if (n < 0) {
		dc_put_ptr(o, addr);
	} else if ((unsigned long)n > dc_config.strsize) {
		put_quoted(o, (unsigned char *)b, dc_config.strsize, 0);
		dc_puts(o, "...");
	} else {
		put_quoted(o, (unsigned char *)b, (size_t)n, 0);
	}
	rbuf_put(&rb);
}

/* A path: shown whole (up to PATH_MAX), whatever -s says. */
void put_path(struct dc_out *o, unsigned long addr)
{
	struct rbuf rb;

	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	char *b = (char *)rbuf_get(&rb, PATH_CAP);
	long n = b ? dc_read_str(b, addr, PATH_CAP) : -ENOMEM;
	if (n == -ENAMETOOLONG) {
		put_quoted(o, (unsigned char *)b, PATH_CAP - 1, 0);
		dc_puts(o, "...");
	} else if (n < 0) {
		dc_put_ptr(o, addr);
	} else {
		put_quoted(o, (unsigned char *)b, (size_t)n, 0);
	}
	rbuf_put(&rb);
}
