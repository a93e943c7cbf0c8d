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

/* access(2)'s mode: F_OK, or R_OK|W_OK|X_OK. */
void put_access_mode(struct dc_out *o, unsigned v)
{
	if (v == T_F_OK)
		dc_puts(o, "F_OK");
	else
		put_flags(o, access_modes, v, "F_OK");
}

/* statx(2)'s flags: the sync type, then the AT_* flags. */
void put_statx_flags(struct dc_out *o, unsigned v)
{
	put_enum(o, statx_sync, v & AT_STATX_SYNC_TYPE, "AT_STATX_???");
	if (v & ~(unsigned)AT_STATX_SYNC_TYPE) {
		dc_putc(o, '|');
		put_flags(o, at_flags, v & ~(unsigned)AT_STATX_SYNC_TYPE, "0");
	}
}

/* mmap(2)'s flags: the type, the flags, the huge page size. */
void put_map_flags(struct dc_out *o, unsigned long v)
{
	unsigned long rest = v & ~0xful;
	unsigned long huge = (rest >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;

	rest &= ~((unsigned long)MAP_HUGE_MASK << MAP_HUGE_SHIFT);
	put_enum(o, map_types, v & 0xf, "MAP_???");
	if (rest) {
		dc_putc(o, '|');
		put_flags(o, map_flags, rest, "0");
	}
	if (huge)
		dc_printf(o, "|%lu<<MAP_HUGE_SHIFT", huge);
}

/* A clock: its name; a negative one (a CPU or fd clock) as a number. */
void put_clockid(struct dc_out *o, int v)
{
	if (v < 0)
		dc_printf(o, "%d", v);
	else
		put_enum(o, clocks, (unsigned)v, "CLOCK_???");
}

/* fcntl(2)'s third argument, as command cmd uses it. */
/* The lock F_SETLK and its kin ask for, as strace shows it. */
static void put_flock(struct dc_out *o, unsigned long addr)
{
	struct { short type, whence; long start, len; int pid; } fl;

	if (!addr || dc_read(&fl, addr, sizeof fl) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{l_type=");
	put_enum(o, lock_types, (unsigned short)fl.type, "F_???");
	dc_puts(o, ", l_whence=");
	put_enum(o, whences, (unsigned short)fl.whence, "SEEK_???");
	dc_printf(o, ", l_start=%ld, l_len=%ld}", fl.start, fl.len);
}

void put_fcntl_arg(struct dc_out *o, long cmd, unsigned long v)
{
	switch (cmd) {
	case F_SETFD: put_flags(o, fd_flags, v, "0"); return;
	case F_SETFL: put_open_flags(o, (unsigned)v); return;
	case F_DUPFD: case F_DUPFD_CLOEXEC: case F_SETOWN: case F_SETPIPE_SZ:
		dc_printf(o, "%d", (int)v);
		return;
	case F_SETSIG: dc_put_signame(o, (int)v, 1); return;
	case F_SETLEASE: put_enum(o, lock_types, (unsigned)v, "F_???"); return;
	case F_ADD_SEALS: put_flags(o, seals, (unsigned)v, "0"); return;
	case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW:
		put_flock(o, v);
		return;
	case F_GETLK: case F_OFD_GETLK: case F_GETOWN_EX: case F_SETOWN_EX:
		dc_put_ptr(o, v);
		return;
	}
	put_hex(o, v);
}
