/* getsockopt(2) and setsockopt(2): the option's name by its level, and
 * its value. */
#include "internal.h"

void put_sockopt_name(struct dc_out *o, long level, unsigned v)
{
	if (level == SOL_SOCKET)
		put_enum(o, so_names, v, "SO_???");
	else if (level == T_SOL_TCP)
		put_enum(o, tcp_names, v, "TCP_???");
	else if (level == T_SOL_IP)
		put_enum(o, ip_names, v, "IP_???");
	else if (level == T_SOL_IPV6)
		put_enum(o, ipv6_names, v, "IPV6_???");
	else
		dc_printf(o, "%d", (int)v);
}

/* setsockopt's value, len bytes: an int as [N], anything else as data. */
void put_sockopt_val(struct dc_out *o, unsigned long v, long len)
{
	int x;

	if (len == 4 && peek_int(v, &x))
		dc_printf(o, "[%d]", x);
	else
		put_buf(o, v, (unsigned long)len, 0);
}

/* getsockopt's value, as long as the int at lenp says. */
void put_sockopt_out(struct dc_out *o, unsigned long v, unsigned long lenp)
{
	int len, x;

	if (peek_int(lenp, &len) && len == 4 && peek_int(v, &x))
		dc_printf(o, "[%d]", x);
	else if (peek_int(lenp, &len) && len >= 0)
		put_buf(o, v, (unsigned long)len, 0);
	else
		dc_put_ptr(o, v);
}
