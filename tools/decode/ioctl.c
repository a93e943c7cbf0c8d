/* ioctl(2): the request, and the argument of the requests whose argument
 * is known. */
#include "internal.h"

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

/* Whether request req has a third argument to show. */
int ioctl_has_arg(unsigned req)
{
	return req != FIOCLEX && req != FIONCLEX && req != TIOCNOTTY;
}

/* ioctl's third argument, for the requests whose argument is known. */
void put_ioctl_arg(struct dc_out *o, const struct dc_call *c, unsigned long v)
{
	unsigned req = (unsigned)c->a[1];
	int x;

	switch (req) {
	case FIONREAD: case TIOCOUTQ: case TIOCGPGRP: case TIOCSPGRP: case FIONBIO: case FIOASYNC:
	case TIOCGPTN: case TIOCSPTLCK: case TIOCGSID:
		if (!call_failed(c) && peek_int(v, &x))
			dc_printf(o, "[%d]", x);
		else
			dc_put_ptr(o, v);
		return;
	case TIOCGWINSZ: case TIOCSWINSZ: {
		unsigned short w[4];
		if (!call_failed(c) && v && dc_read(w, v, sizeof w) == 0)
			dc_printf(o, "{ws_row=%u, ws_col=%u, ws_xpixel=%u, ws_ypixel=%u}", w[0], w[1],
				  w[2], w[3]);
		else
			dc_put_ptr(o, v);
		return;
	}
	case FICLONE:
		dc_printf(o, "%d", (int)v);	/* the source file's descriptor */
		return;
	case TCGETS: case TCSETS: case TCSETSW: case TCSETSF: case TCGETA: case TCSETA:
	case TCSETAW: case TCSETAF:
		dc_put_ptr(o, v);
		return;
	}
	put_hex(o, v);
}
