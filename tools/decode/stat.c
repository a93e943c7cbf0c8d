/* What the file calls read and write: stat, statx, statfs, directory
 * entries, open_how, the times of utimensat. */
#include "internal.h"

void put_stat(struct dc_out *o, unsigned long addr)
{
	struct stat st;
	if (dc_read(&st, addr, sizeof st) < 0) {
		dc_put_ptr(o, addr);
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

void put_statx(struct dc_out *o, unsigned long addr)
{
	struct statx sx;
	if (dc_read(&sx, addr, sizeof sx) < 0) {
		dc_put_ptr(o, addr);
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
