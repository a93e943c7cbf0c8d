/* Flag words that need more than one table or a special layout. */
#include "internal.h"

void put_open_flags(struct dc_out *o, unsigned long v)
{
	put_enum(o, open_access, v & O_ACCMODE, "O_???");
	if (v & ~(unsigned long)O_ACCMODE) {
		dc_putc(o, '|');
		put_flags(o, open_flags, v & ~(unsigned long)O_ACCMODE, NULL);
	}
}

/* File modes: "S_IFREG|S_ISUID|0755"; a bare permission is just octal. */
void put_fmode(struct dc_out *o, unsigned long m)
{
	const char *t = xlookup(mode_types, m & S_IFMT);
	if (t)
		dc_printf(o, "%s|", t);
	else if (m & S_IFMT)
		dc_printf(o, "0%lo|", m & S_IFMT);
	for (const struct xlat *x = mode_bits; x->name; x++)
		if (m & x->val)
			dc_printf(o, "%s|", x->name);
	put_oct(o, m & 0777);
}

unsigned long dev_major(unsigned long d)
{
	return ((d >> 8) & 0xfff) | ((d >> 32) & ~0xffful);
}

unsigned long dev_minor(unsigned long d)
{
	return (d & 0xff) | ((d >> 12) & ~0xfful);
}

void put_dev(struct dc_out *o, unsigned long d)
{
	dc_puts(o, "makedev(");
	put_hex(o, dev_major(d));
	dc_puts(o, ", ");
	put_hex(o, dev_minor(d));
	dc_putc(o, ')');
}

/* Flags with a CLOEXEC and a NONBLOCK bit under a prefix (SOCK_, EFD_...). */
void put_cloexec_flags(struct dc_out *o, const char *pfx, unsigned long v, unsigned long extra,
			      const char *extra_name)
{
	int any = 0;
	if (v & O_CLOEXEC) {
		dc_printf(o, "%s_CLOEXEC", pfx);
		any = 1;
		v &= ~(unsigned long)O_CLOEXEC;
	}
	if (v & O_NONBLOCK) {
		dc_printf(o, "%s%s_NONBLOCK", any ? "|" : "", pfx);
		any = 1;
		v &= ~(unsigned long)O_NONBLOCK;
	}
	if (extra && (v & extra)) {
		dc_printf(o, "%s%s", any ? "|" : "", extra_name);
		any = 1;
		v &= ~extra;
	}
	if (v)
		dc_printf(o, "%s0x%lx", any ? "|" : "", v);
	else if (!any)
		dc_puts(o, "0");
}

void put_ioctl(struct dc_out *o, unsigned v)
{
	static const char *const dirs[] = {
		"_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"
	};
	const char *n = xlookup(ioctls, v);
	if (n) {
		dc_puts(o, n);
		return;
	}
	dc_printf(o, "_IOC(%s, 0x%x, 0x%x, ", dirs[(v >> 30) & 3], (v >> 8) & 0xff, v & 0xff);
	put_hex(o, (v >> 16) & 0x3fff);
	dc_putc(o, ')');
}

void put_clone_flags(struct dc_out *o, unsigned long f, int with_signal)
{
	unsigned long sig = with_signal ? f & CSIGNAL : 0;
	f &= with_signal ? ~(unsigned long)CSIGNAL : ~0ul;
	if (f)
		put_flags(o, clone_flags, f, "0");
	if (sig) {
		if (f)
			dc_putc(o, '|');
		dc_put_signame(o, (long)sig, 1);
	}
	if (!f && !sig)
		dc_puts(o, "0");
}
