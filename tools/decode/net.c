/* Socket addresses and message headers. */
#include "internal.h"

/* An IPv6 address as inet_ntop writes it. */
void put_in6(struct dc_out *o, const unsigned char *a)
{
	unsigned w[8];
	int best = -1, blen = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > blen && j - i >= 2)
			best = i, blen = j - i;
		i = j > i ? j : i + 1;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			dc_puts(o, "::");
			i += blen - 1;
			continue;
		}
		if (i == 6 && best == 0 && (blen == 6 || (blen == 5 && w[5] == 0xffff))) {
			dc_printf(o, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
			break;
		}
		if (i && i != best + blen)
			dc_putc(o, ':');
		dc_printf(o, "%x", w[i]);
	}
}

void put_sockaddr(struct dc_out *o, unsigned long addr, long len)
{
	unsigned char b[128];
	size_t n = len < 0 ? 0 : (size_t)len > sizeof b ? sizeof b : (size_t)len;

	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	if (n < 2 || dc_read(b, addr, n) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	unsigned fam = b[0] | (unsigned)b[1] << 8;
	dc_puts(o, "{sa_family=");
	put_enum(o, families, fam, "AF_???");
	if (fam == T_AF_UNIX) {
		if (n > 2 && b[2] == 0) {
			dc_puts(o, ", sun_path=@");
			put_quoted(o, b + 3, n - 3, 0);
		} else if (n > 2) {
			size_t k = 2;
			while (k < n && b[k])
				k++;
			dc_puts(o, ", sun_path=");
			put_quoted(o, b + 2, k - 2, 0);
		}
	} else if (fam == T_AF_INET && n >= 8) {
		dc_printf(o, ", sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")",
			  (unsigned)b[2] << 8 | b[3], b[4], b[5], b[6], b[7]);
	} else if (fam == T_AF_INET6 && n >= 24) {
		dc_printf(o, ", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), inet_pton(AF_INET6, \"",
			  (unsigned)b[2] << 8 | b[3],
			  (unsigned)b[4] << 24 | (unsigned)b[5] << 16 | (unsigned)b[6] << 8 | b[7]);
		put_in6(o, b + 8);
		dc_puts(o, "\", &sin6_addr)");
		if (n >= 28)
			dc_printf(o, ", sin6_scope_id=%u",
				  b[24] | (unsigned)b[25] << 8 | (unsigned)b[26] << 16 | (unsigned)b[27] << 24);
	} else if (fam == T_AF_NETLINK && n >= 12) {
		unsigned pid = b[4] | (unsigned)b[5] << 8 | (unsigned)b[6] << 16 | (unsigned)b[7] << 24;
		unsigned grp = b[8] | (unsigned)b[9] << 8 | (unsigned)b[10] << 16 | (unsigned)b[11] << 24;
		dc_printf(o, ", nl_pid=%u, nl_groups=%08x", pid, grp);
	} else if (n > 2) {
		dc_puts(o, ", sa_data=");
		put_quoted(o, b + 2, n - 2, 0);
	}
	dc_putc(o, '}');
}

/* struct user_msghdr, as both arches lay it out. */
struct t_msghdr {
	unsigned long name;
	int namelen;
	unsigned long iov, iovlen, control, controllen;
	unsigned flags;
};

void put_msghdr(struct dc_out *o, unsigned long addr, long limit)
{
	struct t_msghdr m;
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	if (dc_read(&m, addr, sizeof m) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{msg_name=");
	if (m.name && m.namelen > 0)
		put_sockaddr(o, m.name, m.namelen);
	else
		dc_put_ptr(o, m.name);
	dc_printf(o, ", msg_namelen=%d, msg_iov=", m.namelen);
	put_iov(o, m.iov, (long)m.iovlen, limit);
	dc_printf(o, ", msg_iovlen=%lu", m.iovlen);
	if (m.controllen)
		dc_printf(o, ", msg_control=0x%lx", m.control);
	dc_printf(o, ", msg_controllen=%lu, msg_flags=", m.controllen);
	put_flags(o, msg_flags, m.flags, "0");
	dc_putc(o, '}');
}

/* socket(2)'s type: SOCK_STREAM and the like, then SOCK_CLOEXEC and
 * SOCK_NONBLOCK. */
void put_socktype(struct dc_out *o, unsigned long v)
{
	put_enum(o, sock_types, v & T_SOCK_TYPE_MASK, "SOCK_???");
	if (v & ~(unsigned long)T_SOCK_TYPE_MASK) {
		dc_putc(o, '|');
		put_cloexec_flags(o, "SOCK", (unsigned)v & ~(unsigned)T_SOCK_TYPE_MASK, 0, NULL);
	}
}

/* socket(2)'s protocol, named for the families whose protocols strace names. */
void put_sock_proto(struct dc_out *o, long family, int v)
{
	if (family == T_AF_INET || family == T_AF_INET6)
		put_enum(o, ip_protos, (unsigned)v, "IPPROTO_???");
	else if (family == T_AF_NETLINK)
		put_enum(o, netlink_protos, (unsigned)v, "NETLINK_???");
	else
		dc_printf(o, "%d", v);
}

/* An in/out address length, argument i: "[IN]", or "[IN => OUT]" when
 * the call changed it. */
void put_socklen(struct dc_out *o, const struct dc_call *c, int i)
{
	unsigned long v = (unsigned long)c->a[i];
	int out;

	if (!v)
		dc_puts(o, "NULL");
	else if (c->cap[i] < 0)
		dc_put_ptr(o, v);
	else if (call_failed(c) || !peek_int(v, &out) || out == (int)c->cap[i])
		dc_printf(o, "[%d]", (int)c->cap[i]);
	else
		dc_printf(o, "[%d => %d]", (int)c->cap[i], out);
}

/* An address the call wrote, argument i, with its length after it: as
 * much of it as both the length given and the length returned cover. */
void put_sockaddr_out(struct dc_out *o, const struct dc_call *c, int i)
{
	unsigned long v = (unsigned long)c->a[i];
	long in = c->cap[i + 1];
	int out;

	if (!v || !peek_int((unsigned long)c->a[i + 1], &out))
		dc_put_ptr(o, v);
	else
		put_sockaddr(o, v, out < in ? out : in);
}
