/* Descriptors, and with -y, -yy what they refer to: "3</etc/hostname>".
 *
 * The guest shares our descriptor table, so the monitor's own raw calls
 * on /proc/self/fd/N -- readlink, getxattr -- and getsockname or fstat
 * on the descriptor itself see the guest's descriptor.  They open
 * nothing (no descriptor number the guest would get is taken), change
 * nothing, and are not traced. */
#include "internal.h"

/* /proc/self/fd/N's target in buf, or -1 (not open, no /proc). */
static long fd_link(const char *proc, char *buf, size_t cap)
{
	long n = sys(__NR_readlinkat, AT_FDCWD, (long)proc, (long)buf, (long)cap - 1, 0, 0);
	if (n < 0 || (size_t)n >= cap - 1)
		return -1;
	buf[n] = 0;
	return n;
}

/* "<PATH>", quoted as strace quotes it; a file that was removed shows
 * as "<PATH>(deleted)". */
static void put_fd_path(struct dc_out *o, const char *path, size_t n)
{
	static const char del[] = " (deleted)";
	size_t dl = sizeof del - 1;
	int deleted = n > dl && !tv_strcmp(path + n - dl, del);

	dc_putc(o, '<');
	put_quoted(o, (const unsigned char *)path, deleted ? n - dl : n, Q_BARE);
	dc_putc(o, '>');
	if (deleted)
		dc_puts(o, "(deleted)");
}

/* The protocols strace knows by their sockprotoname (socketutils.c). */
static int known_proto(const char *p)
{
	static const char *const names[] = {
		"UNIX", "UNIX-STREAM", "TCP", "UDP", "UDPLITE", "DCCP", "SCTP", "L2TP/IP", "PING",
		"RAW", "TCPv6", "UDPv6", "UDPLITEv6", "DCCPv6", "SCTPv6", "L2TP/IPv6", "PINGv6",
		"RAWv6", "NETLINK",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!tv_strcmp(p, names[i]))
			return 1;
	return 0;
}

/* An address of getsockname/getpeername as sock_diag reports it:
 * "127.0.0.1:80", "[::1]:80". */
static void put_inet_end(struct dc_out *o, const unsigned char *a)
{
	unsigned port = (unsigned)a[2] << 8 | a[3];
	if ((a[0] | a[1] << 8) == T_AF_INET6) {
		dc_putc(o, '[');
		put_in6(o, a + 8);
		dc_printf(o, "]:%u", port);
	} else {
		dc_printf(o, "%u.%u.%u.%u:%u", a[4], a[5], a[6], a[7], port);
	}
}

static int inet_unset(const unsigned char *a)
{
	size_t from = (a[0] | a[1] << 8) == T_AF_INET6 ? 8 : 4, to = from == 8 ? 24 : 8;
	unsigned any = a[2] | a[3];
	for (size_t i = from; i < to; i++)
		any |= a[i];
	return !any;
}

/* strace asks sock_diag, which lists a TCP or UDP socket once it has a
 * port (a TCP one that is only bound since Linux 6.8): the same answer
 * comes from the socket itself, "SRC:PORT" or "SRC:PORT->DST:PORT".  0:
 * not listed (strace then shows the inode). */
static int put_inet_details(struct dc_out *o, int fd)
{
	unsigned char self[28], peer[28];
	int len = sizeof self;

	tv_memset(self, 0, sizeof self);
	if (sys(__NR_getsockname, fd, (long)self, (long)&len, 0, 0, 0) < 0 || !(self[2] | self[3]))
		return 0;
	put_inet_end(o, self);
	len = sizeof peer;
	tv_memset(peer, 0, sizeof peer);
	if (sys(__NR_getpeername, fd, (long)peer, (long)&len, 0, 0, 0) == 0 && !inet_unset(peer)) {
		dc_puts(o, "->");
		put_inet_end(o, peer);
	}
	return 1;
}

/* A UNIX socket: "INODE,"PATH"" when it has a name.  (strace also shows
 * the peer's inode, "INODE->PEER", which only sock_diag knows.) */
static int put_unix_details(struct dc_out *o, int fd, const char *inode)
{
	unsigned char a[112];
	int len = sizeof a - 1;

	if (sys(__NR_getsockname, fd, (long)a, (long)&len, 0, 0, 0) < 0 || len <= 2)
		return 0;
	a[len] = 0;
	dc_printf(o, "%s,", inode);
	if (a[2] == 0) {
		dc_putc(o, '@');
		put_quoted(o, a + 3, (size_t)len - 3, 0);
	} else {
		put_quoted(o, a + 2, tv_strlen((const char *)a + 2), 0);
	}
	return 1;
}

/* -yy: "<TCP:[127.0.0.1:80->127.0.0.1:5555]>", "<UNIX-STREAM:[INODE]>";
 * "<socket:[INODE]>" for a protocol strace does not know. */
static void put_socket(struct dc_out *o, int fd, const char *proc, const char *link)
{
	char proto[32], inode[24];
	long n = sys(__NR_getxattr, (long)proc, (long)"system.sockprotoname", (long)proto,
		     sizeof proto - 1, 0, 0);
	size_t k = 0;

	for (const char *p = link + 8; *p && *p != ']' && k < sizeof inode - 1; p++)
		inode[k++] = *p;
	inode[k] = 0;
	if (n > 0)
		proto[n] = 0;
	if (n <= 0 || !known_proto(proto)) {
		dc_printf(o, "<%s>", link);
		return;
	}
	dc_printf(o, "<%s:[", proto);
	/* TCP, TCPv6, UDP, UDPv6; the other INET protocols keep the inode. */
	int inet = !tv_strncmp(proto, "TCP", 3) ||
		   (!tv_strncmp(proto, "UDP", 3) && tv_strncmp(proto, "UDPLITE", 7));
	int done = inet ? put_inet_details(o, fd)
		   : !tv_strncmp(proto, "UNIX", 4) ? put_unix_details(o, fd, inode) : 0;
	if (!done)
		dc_puts(o, inode);
	dc_puts(o, "]>");
}

/* -yy: a device, "</dev/null<char 1:3>>". */
static int put_device(struct dc_out *o, int fd, const char *path, size_t n)
{
	struct stat st;

	if (path[0] != '/' || sys(__NR_fstat, fd, (long)&st, 0, 0, 0, 0) < 0 ||
	    ((st.st_mode & S_IFMT) != S_IFCHR && (st.st_mode & S_IFMT) != S_IFBLK))
		return 0;
	dc_putc(o, '<');
	put_quoted(o, (const unsigned char *)path, n, Q_BARE);
	dc_printf(o, "<%s %lu:%lu>>", (st.st_mode & S_IFMT) == S_IFBLK ? "block" : "char",
		  dev_major(st.st_rdev), dev_minor(st.st_rdev));
	return 1;
}

/* A descriptor argument or result: its number, and with -y what it is.
 * Our own descriptors show as the bare number: to the guest they are not
 * open. */
void put_fd(struct dc_out *o, long fd)
{
	char proc[40], link[PATH_CAP];

	dc_printf(o, "%d", (int)fd);
	if (!dc_config.fds || (int)fd < 0 || dc_hidden_fd(fd))
		return;
	tv_snprintf(proc, sizeof proc, "/proc/self/fd/%d", (int)fd);
	long n = fd_link(proc, link, sizeof link);
	if (n < 0)
		return;
	if (!tv_strncmp(link, "socket:[", 8) && (dc_config.fds & DC_FD_SOCKET))
		put_socket(o, (int)fd, proc, link);
	else if ((dc_config.fds & DC_FD_DEV) && put_device(o, (int)fd, link, (size_t)n))
		return;
	else if (dc_config.fds & DC_FD_PATH)
		put_fd_path(o, link, (size_t)n);
}

/* A directory descriptor: AT_FDCWD, with -y followed by the cwd. */
void put_dirfd(struct dc_out *o, long fd)
{
	char cwd[PATH_CAP];

	if ((int)fd != AT_FDCWD) {
		put_fd(o, fd);
		return;
	}
	dc_puts(o, "AT_FDCWD");
	long n = (dc_config.fds & DC_FD_PATH) ? fd_link("/proc/self/cwd", cwd, sizeof cwd) : -1;
	if (n >= 0) {
		dc_putc(o, '<');
		put_quoted(o, (const unsigned char *)cwd, (size_t)n, Q_BARE);
		dc_putc(o, '>');
	}
}

/* pipe2's pair of descriptors. */
void put_fd_pair(struct dc_out *o, unsigned long addr)
{
	int fds[2];

	if (dc_read(fds, addr, sizeof fds) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_putc(o, '[');
	put_fd(o, fds[0]);
	dc_puts(o, ", ");
	put_fd(o, fds[1]);
	dc_putc(o, ']');
}
