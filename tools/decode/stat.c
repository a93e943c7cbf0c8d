/* What the file calls read and write: stat, statx, statfs, directory
 * entries, open_how, the times of utimensat. */
#include "internal.h"

/* Days since 1970-01-01 as a civil date (proleptic Gregorian). */
static void civil(long days, long *y, unsigned *m, unsigned *d)
{
	days += 719468;
	long era = (days >= 0 ? days : days - 146096) / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

/* The date after a time, as strace -v shows it in a C comment:
 * 2026-12-07T20:47:07.507165042+0000, local time, without the fraction
 * when nsec is 0.  The zone's offset is today's, not the date's. */
static void put_date(struct dc_out *o, long sec, unsigned long nsec)
{
	long off = dc_config.tz_offset, t = sec + off, days = t / 86400, s = t % 86400, y;
	unsigned m, d;

	if (s < 0) {
		s += 86400;
		days--;
	}
	civil(days, &y, &m, &d);
	dc_printf(o, " /* %04ld-%02u-%02uT%02ld:%02ld:%02ld", y, m, d, s / 3600, s / 60 % 60, s % 60);
	if (nsec)
		dc_printf(o, ".%09lu", nsec);
	dc_printf(o, "%c%02ld%02ld */", off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
		  (off < 0 ? -off : off) / 60 % 60);
}

static void put_stat_time(struct dc_out *o, const char *name, long sec, unsigned long nsec)
{
	dc_printf(o, ", %s=%ld", name, sec);
	put_date(o, sec, nsec);
	dc_printf(o, ", %s_nsec=%lu", name, nsec);
}

/* -v: every field, as strace -v. */
static void put_stat_all(struct dc_out *o, const struct stat *st)
{
	dc_puts(o, "{st_dev=");
	put_dev(o, st->st_dev);
	dc_printf(o, ", st_ino=%lu, st_mode=", (unsigned long)st->st_ino);
	put_fmode(o, st->st_mode);
	dc_printf(o, ", st_nlink=%lu, st_uid=%u, st_gid=%u, st_blksize=%ld, st_blocks=%ld",
		  (unsigned long)st->st_nlink, (unsigned)st->st_uid, (unsigned)st->st_gid,
		  (long)st->st_blksize, (long)st->st_blocks);
	if ((st->st_mode & S_IFMT) == S_IFCHR || (st->st_mode & S_IFMT) == S_IFBLK) {
		dc_puts(o, ", st_rdev=");
		put_dev(o, st->st_rdev);
	} else {
		dc_printf(o, ", st_size=%ld", (long)st->st_size);
	}
	put_stat_time(o, "st_atime", (long)st->st_atime, st->st_atime_nsec);
	put_stat_time(o, "st_mtime", (long)st->st_mtime, st->st_mtime_nsec);
	put_stat_time(o, "st_ctime", (long)st->st_ctime, st->st_ctime_nsec);
	dc_putc(o, '}');
}

void put_stat(struct dc_out *o, unsigned long addr)
{
	struct stat st;
	if (dc_read(&st, addr, sizeof st) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	if (dc_config.verbose) {
		put_stat_all(o, &st);
		return;
	}
	dc_puts(o, "{st_mode=");
	put_fmode(o, st.st_mode);
	if ((st.st_mode & S_IFMT) == S_IFCHR || (st.st_mode & S_IFMT) == S_IFBLK) {
		dc_puts(o, ", st_rdev=");
		put_dev(o, st.st_rdev);
	} else {
		dc_printf(o, ", st_size=%ld", (long)st.st_size);
	}
	dc_puts(o, ", ...}");
}

static void put_statx_time(struct dc_out *o, const char *name, const struct statx_timestamp *t)
{
	dc_printf(o, ", %s={tv_sec=%lld, tv_nsec=%u}", name, (long long)t->tv_sec, t->tv_nsec);
	put_date(o, (long)t->tv_sec, t->tv_nsec);
}

/* -v: every field the mask says the kernel filled, as strace -v. */
static void put_statx_all(struct dc_out *o, const struct statx *sx)
{
	dc_puts(o, "{stx_mask=");
	put_flags(o, statx_mask, sx->stx_mask, "0");
	dc_printf(o, ", stx_blksize=%u, stx_attributes=", sx->stx_blksize);
	put_flags(o, statx_attrs, sx->stx_attributes, "0");
	dc_printf(o, ", stx_nlink=%u, stx_uid=%u, stx_gid=%u, stx_mode=", sx->stx_nlink,
		  sx->stx_uid, sx->stx_gid);
	put_fmode(o, sx->stx_mode);
	dc_printf(o, ", stx_ino=%llu, stx_size=%llu, stx_blocks=%llu, stx_attributes_mask=",
		  (unsigned long long)sx->stx_ino, (unsigned long long)sx->stx_size,
		  (unsigned long long)sx->stx_blocks);
	put_flags(o, statx_attrs, sx->stx_attributes_mask, "0");
	if (sx->stx_mask & STATX_ATIME)
		put_statx_time(o, "stx_atime", &sx->stx_atime);
	if (sx->stx_mask & STATX_BTIME)
		put_statx_time(o, "stx_btime", &sx->stx_btime);
	if (sx->stx_mask & STATX_CTIME)
		put_statx_time(o, "stx_ctime", &sx->stx_ctime);
	if (sx->stx_mask & STATX_MTIME)
		put_statx_time(o, "stx_mtime", &sx->stx_mtime);
	dc_printf(o, ", stx_rdev_major=%u, stx_rdev_minor=%u, stx_dev_major=%u, stx_dev_minor=%u",
		  sx->stx_rdev_major, sx->stx_rdev_minor, sx->stx_dev_major, sx->stx_dev_minor);
#ifdef STATX_MNT_ID
	if (sx->stx_mask & STATX_MNT_ID)
		dc_printf(o, ", stx_mnt_id=0x%llx", (unsigned long long)sx->stx_mnt_id);
#endif
	dc_putc(o, '}');
}

void put_statx(struct dc_out *o, unsigned long addr)
{
	struct statx sx;
	if (dc_read(&sx, addr, sizeof sx) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	if (dc_config.verbose) {
		put_statx_all(o, &sx);
		return;
	}
	dc_puts(o, "{stx_mask=");
	put_flags(o, statx_mask, sx.stx_mask, "0");
	dc_puts(o, ", stx_attributes=");
	put_flags(o, statx_attrs, sx.stx_attributes, "0");
	dc_puts(o, ", stx_mode=");
	put_fmode(o, sx.stx_mode);
	dc_printf(o, ", stx_size=%lu", (unsigned long)sx.stx_size);
	dc_puts(o, ", ...}");
}

void put_open_how(struct dc_out *o, unsigned long addr, unsigned long size)
{
	struct open_how h;
	tv_memset(&h, 0, sizeof h);
	if (!addr || size < sizeof h || dc_read(&h, addr, sizeof h) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{flags=");
	put_open_flags(o, h.flags);
	if ((h.flags & O_CREAT) || (h.flags & O_TMPFILE) == O_TMPFILE) {
		dc_puts(o, ", mode=");
		put_oct(o, h.mode);
	}
	dc_puts(o, ", resolve=");
	put_flags(o, resolve_flags, h.resolve, "0");
	dc_putc(o, '}');
}

/* getdents64's result: the records in its n bytes, counted by their
 * d_reclen (at offset 16).  Read a window at a time: n is the guest's to
 * choose for a call we did not see run, so it sizes no allocation. */
void put_dirents(struct dc_out *o, const struct dc_call *c, unsigned long addr)
{
	unsigned char b[512];
	long n = c->ret, count = 0, off = 0;

	while (off + 18 <= n) {
		size_t len = n - off < (long)sizeof b ? (size_t)(n - off) : sizeof b;
		long at = 0;
		if (dc_read(b, addr + (unsigned long)off, len) < 0)
			break;
		while (at + 18 <= (long)len) {
			unsigned rl = b[at + 16] | (unsigned)b[at + 17] << 8;
			if (!rl)
				goto done;
			at += rl;
			count++;
		}
		off += at;
	}
done:
	dc_printf(o, "0x%lx /* %ld entr%s */", addr, count, count == 1 ? "y" : "ies");
}

void put_utimes(struct dc_out *o, unsigned long addr)
{
	struct __kernel_timespec ts[2];
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	if (dc_read(ts, addr, sizeof ts) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_putc(o, '[');
	for (int i = 0; i < 2; i++) {
		if (i)
			dc_puts(o, ", ");
		if (ts[i].tv_nsec == T_UTIME_NOW)
			dc_puts(o, "UTIME_NOW");
		else if (ts[i].tv_nsec == T_UTIME_OMIT)
			dc_puts(o, "UTIME_OMIT");
		else
			dc_printf(o, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts[i].tv_sec, (long)ts[i].tv_nsec);
	}
	dc_putc(o, ']');
}

void put_statfs(struct dc_out *o, unsigned long addr)
{
	struct statfs f;
	if (dc_read(&f, addr, sizeof f) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{f_type=");
	put_enum(o, fs_magics, (unsigned long)f.f_type, "???");
	dc_printf(o, ", f_bsize=%lu, f_blocks=%lu, f_bfree=%lu, f_bavail=%lu, f_files=%lu, f_ffree=%lu",
		  (unsigned long)f.f_bsize, (unsigned long)f.f_blocks, (unsigned long)f.f_bfree,
		  (unsigned long)f.f_bavail, (unsigned long)f.f_files, (unsigned long)f.f_ffree);
	dc_puts(o, ", f_fsid={val=[");
	put_hex(o, (unsigned)f.f_fsid.val[0]);
	dc_puts(o, ", ");
	put_hex(o, (unsigned)f.f_fsid.val[1]);
	dc_printf(o, "]}, f_namelen=%lu, f_frsize=%lu, f_flags=", (unsigned long)f.f_namelen,
		  (unsigned long)f.f_frsize);
	put_flags(o, statfs_flags, (unsigned long)f.f_flags, "0");
	dc_putc(o, '}');
}
