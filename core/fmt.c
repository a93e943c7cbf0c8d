/* Formatted output: the subset of printf the monitor and tools use:
 * %d %i %u %x %X %o %p %s %c %% with flags '-', '0', width, precision
 * (also '*') and the length modifiers l, ll, z. */
#include <linux/errno.h>
#include "rt.h"

struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	int left, zero, width, prec;
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	if (!sp->left)
		pad(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - n);
}

static void put_num(struct out *o, unsigned long long v, int neg, unsigned base, int upper,
		    const char *prefix, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = (int)tv_strlen(prefix) + neg;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	while (n < sp->prec)
		tmp[n++] = '0';
	int total = n + plen;
	if (!sp->left && !(sp->zero && sp->prec < 0))
		pad(o, ' ', sp->width - total);
	if (neg)
		put(o, '-');
	for (; *prefix; prefix++)
		put(o, *prefix);
	if (!sp->left && sp->zero && sp->prec < 0)
		pad(o, '0', sp->width - total);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - total);
}

static int parse_int(const char **f, va_list *ap)
{
	int v = 0;

	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	while (**f >= '0' && **f <= '9')
		v = v * 10 + (*(*f)++ - '0');
	return v;
}

static void convert(struct out *o, const char **f, va_list *ap)
{
	struct spec sp = { 0, 0, 0, -1 };
	int lng = 0;

	for (;; (*f)++) {
		if (**f == '-')
			sp.left = 1;
		else if (**f == '0')
			sp.zero = 1;
		else
			break;
	}
	sp.width = parse_int(f, ap);
	if (sp.width < 0)
		sp.left = 1, sp.width = -sp.width;
	if (**f == '.') {
		(*f)++;
		sp.prec = parse_int(f, ap);
	}
	while (**f == 'l' || **f == 'z')
		lng++, (*f)++;

	char c = *(*f)++;
	unsigned long long u;
	long long s;
	switch (c) {
	case 'd':
	case 'i':
		s = lng ? va_arg(*ap, long) : va_arg(*ap, int);
		u = s < 0 ? 0ull - (unsigned long long)s : (unsigned long long)s;
		put_num(o, u, s < 0, 10, 0, "", &sp);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		u = lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned);
		put_num(o, u, 0, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X', "", &sp);
		break;
	case 'p':
		put_num(o, (uintptr_t)va_arg(*ap, void *), 0, 16, 0, "0x", &sp);
		break;
	case 's':
		put_str(o, va_arg(*ap, const char *), &sp);
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case '%':
		put(o, '%');
		break;
	default:	/* unknown: print it as written, for visibility */
		put(o, '%');
		put(o, c);
		if (!c)
			(*f)--;
	}
}

int tv_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = { buf, cap, 0 };
	va_list aq;

	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%')
			put(&o, *fmt++);
		else {
			fmt++;
			convert(&o, &fmt, &aq);
		}
	}
	va_end(aq);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = 0;
	return (int)o.len;
}

int tv_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = tv_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

int tv_dprintf(int fd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	int n = tv_vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof buf)
		n = (int)sizeof buf - 1;
	return (int)tv_write_all(fd, buf, (size_t)n);
}

#define E(x) [x] = #x
static const char *const errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
	E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK),
	E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL),
	E(ENFILE), E(EMFILE), E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE),
	E(EROFS), E(EMLINK), E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG),
	E(ENOLCK), E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ENOSTR),
	E(ENODATA), E(ETIME), E(ENOSR), E(EREMOTE), E(ENOLINK), E(EPROTO), E(EBADMSG),
	E(EOVERFLOW), E(EILSEQ), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE),
	E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT),
	E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT), E(EADDRINUSE), E(EADDRNOTAVAIL),
	E(ENETDOWN), E(ENETUNREACH), E(ENETRESET), E(ECONNABORTED), E(ECONNRESET),
	E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS),
	E(ESTALE), E(EDQUOT), E(ECANCELED), E(EOWNERDEAD), E(ENOTRECOVERABLE),
	E(ERFKILL), E(EHWPOISON), E(ENOMEDIUM), E(EMEDIUMTYPE), E(ENOKEY), E(EKEYEXPIRED),
	E(EKEYREVOKED), E(EKEYREJECTED),
};
#undef E

const char *tv_errno_name(int err)
{
	if (err > 0 && (size_t)err < sizeof errno_names / sizeof errno_names[0])
		return errno_names[err];
	return NULL;
}
