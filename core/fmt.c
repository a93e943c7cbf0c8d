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

/* Names and strerror() texts (glibc's wording, which strace prints). */
#define E(x, text) [x] = { #x, text }
static const struct { const char *name, *text; } errnos[] = {
	E(EPERM, "Operation not permitted"),
	E(ENOENT, "No such file or directory"),
	E(ESRCH, "No such process"),
	E(EINTR, "Interrupted system call"),
	E(EIO, "Input/output error"),
	E(ENXIO, "No such device or address"),
	E(E2BIG, "Argument list too long"),
	E(ENOEXEC, "Exec format error"),
	E(EBADF, "Bad file descriptor"),
	E(ECHILD, "No child processes"),
	E(EAGAIN, "Resource temporarily unavailable"),
	E(ENOMEM, "Cannot allocate memory"),
	E(EACCES, "Permission denied"),
	E(EFAULT, "Bad address"),
	E(ENOTBLK, "Block device required"),
	E(EBUSY, "Device or resource busy"),
	E(EEXIST, "File exists"),
	E(EXDEV, "Invalid cross-device link"),
	E(ENODEV, "No such device"),
	E(ENOTDIR, "Not a directory"),
	E(EISDIR, "Is a directory"),
	E(EINVAL, "Invalid argument"),
	E(ENFILE, "Too many open files in system"),
	E(EMFILE, "Too many open files"),
	E(ENOTTY, "Inappropriate ioctl for device"),
	E(ETXTBSY, "Text file busy"),
	E(EFBIG, "File too large"),
	E(ENOSPC, "No space left on device"),
	E(ESPIPE, "Illegal seek"),
	E(EROFS, "Read-only file system"),
	E(EMLINK, "Too many links"),
	E(EPIPE, "Broken pipe"),
	E(EDOM, "Numerical argument out of domain"),
	E(ERANGE, "Numerical result out of range"),
	E(EDEADLK, "Resource deadlock avoided"),
	E(ENAMETOOLONG, "File name too long"),
	E(ENOLCK, "No locks available"),
	E(ENOSYS, "Function not implemented"),
	E(ENOTEMPTY, "Directory not empty"),
	E(ELOOP, "Too many levels of symbolic links"),
	E(ENOMSG, "No message of desired type"),
	E(EIDRM, "Identifier removed"),
	E(ENOSTR, "Device not a stream"),
	E(ENODATA, "No data available"),
	E(ETIME, "Timer expired"),
	E(ENOSR, "Out of streams resources"),
	E(EREMOTE, "Object is remote"),
	E(ENOLINK, "Link has been severed"),
	E(EPROTO, "Protocol error"),
	E(EBADMSG, "Bad message"),
	E(EOVERFLOW, "Value too large for defined data type"),
	E(EILSEQ, "Invalid or incomplete multibyte or wide character"),
	E(EUSERS, "Too many users"),
	E(ENOTSOCK, "Socket operation on non-socket"),
	E(EDESTADDRREQ, "Destination address required"),
	E(EMSGSIZE, "Message too long"),
	E(EPROTOTYPE, "Protocol wrong type for socket"),
	E(ENOPROTOOPT, "Protocol not available"),
	E(EPROTONOSUPPORT, "Protocol not supported"),
	E(ESOCKTNOSUPPORT, "Socket type not supported"),
	E(EOPNOTSUPP, "Operation not supported"),
	E(EPFNOSUPPORT, "Protocol family not supported"),
	E(EAFNOSUPPORT, "Address family not supported by protocol"),
	E(EADDRINUSE, "Address already in use"),
	E(EADDRNOTAVAIL, "Cannot assign requested address"),
	E(ENETDOWN, "Network is down"),
	E(ENETUNREACH, "Network is unreachable"),
	E(ENETRESET, "Network dropped connection on reset"),
	E(ECONNABORTED, "Software caused connection abort"),
	E(ECONNRESET, "Connection reset by peer"),
	E(ENOBUFS, "No buffer space available"),
	E(EISCONN, "Transport endpoint is already connected"),
	E(ENOTCONN, "Transport endpoint is not connected"),
	E(ESHUTDOWN, "Cannot send after transport endpoint shutdown"),
	E(ETOOMANYREFS, "Too many references: cannot splice"),
	E(ETIMEDOUT, "Connection timed out"),
	E(ECONNREFUSED, "Connection refused"),
	E(EHOSTDOWN, "Host is down"),
	E(EHOSTUNREACH, "No route to host"),
	E(EALREADY, "Operation already in progress"),
	E(EINPROGRESS, "Operation now in progress"),
	E(ESTALE, "Stale file handle"),
	E(EDQUOT, "Disk quota exceeded"),
	E(ECANCELED, "Operation canceled"),
	E(EOWNERDEAD, "Owner died"),
	E(ENOTRECOVERABLE, "State not recoverable"),
	E(ERFKILL, "Operation not possible due to RF-kill"),
	E(EHWPOISON, "Memory page has hardware error"),
	E(ENOMEDIUM, "No medium found"),
	E(EMEDIUMTYPE, "Wrong medium type"),
	E(ENOKEY, "Required key not available"),
	E(EKEYEXPIRED, "Key has expired"),
	E(EKEYREVOKED, "Key has been revoked"),
	E(EKEYREJECTED, "Key was rejected by service"),
};
#undef E

static int errno_known(int err)
{
	return err > 0 && (size_t)err < sizeof errnos / sizeof errnos[0] && errnos[err].name;
}

const char *tv_errno_name(int err)
{
	return errno_known(err) ? errnos[err].name : NULL;
}

const char *tv_strerror(int err)
{
	return errno_known(err) ? errnos[err].text : "Unknown error";
}
