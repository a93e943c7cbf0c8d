/* Numbers and symbolic constants: one name, OR-ed flags, octal. */
#include "internal.h"

void dc_put_ptr(struct dc_out *o, unsigned long p)
{
	if (p)
		dc_printf(o, "0x%lx", p);
	else
		dc_puts(o, "NULL");
}

void put_hex(struct dc_out *o, unsigned long v)
{
	if (v)
		dc_printf(o, "0x%lx", v);
	else
		dc_puts(o, "0");
}

/* OR-ed names in the table's order (a name covering several bits comes
 * before its parts), then the unknown bits in hex; zero shows as zname. */
void put_flags(struct dc_out *o, const struct xlat *x, unsigned long v, const char *zname)
{
	int any = 0;

	for (; x->name; x++) {
		if (x->val && (v & x->val) == x->val) {
			dc_printf(o, "%s%s", any ? "|" : "", x->name);
			v &= ~x->val;
			any = 1;
		}
	}
	if (v)
		dc_printf(o, "%s0x%lx", any ? "|" : "", v);
	else if (!any)
		dc_puts(o, zname ? zname : "0");
}

const char *xlookup(const struct xlat *x, unsigned long v)
{
	for (; x->name; x++)
		if (x->val == v)
			return x->name;
	return NULL;
}

/* One value of a set: its name, or the number with UNKNOWN in a comment. */
void put_enum(struct dc_out *o, const struct xlat *x, unsigned long v, const char *unknown)
{
	const char *n = xlookup(x, v);
	if (n)
		dc_puts(o, n);
	else
		dc_printf(o, "0x%lx /* %s */", v, unknown);
}

/* strace's "%#03o": 0 is "000", 022 is "022", 0755 is "0755". */
void put_oct(struct dc_out *o, unsigned long v)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	t[n++] = '0';
	while (n < 3)
		t[n++] = '0';
	while (n)
		dc_putc(o, t[--n]);
}
