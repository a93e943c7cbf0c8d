/* Structures of processes, time and memory the kernel reads or writes,
 * shown as strace abbreviates them. */
#include "internal.h"

void put_ts(struct dc_out *o, unsigned long addr)
{
	struct __kernel_timespec ts;
	if (!addr)
		dc_puts(o, "NULL");
	else if (dc_read(&ts, addr, sizeof ts) < 0)
		dc_put_ptr(o, addr);
	else
		dc_printf(o, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts.tv_sec, (long)ts.tv_nsec);
}

static void put_rlim_value(struct dc_out *o, uint64_t v, const char *inf)
{
	if (v == T_RLIM_INFINITY)
		dc_puts(o, inf);
	else if (v && v % 1024 == 0)
		dc_printf(o, "%lu*1024", (unsigned long)(v / 1024));
	else
		dc_printf(o, "%lu", (unsigned long)v);
}

void put_rlimit(struct dc_out *o, const struct dc_call *c, unsigned long addr)
{
	uint64_t r[2];
	const char *inf = c->nr == __NR_prlimit64 ? "RLIM64_INFINITY" : "RLIM_INFINITY";
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	if (dc_read(r, addr, sizeof r) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{rlim_cur=");
	put_rlim_value(o, r[0], inf);
	dc_puts(o, ", rlim_max=");
	put_rlim_value(o, r[1], inf);
	dc_putc(o, '}');
}

void put_epoll_event(struct dc_out *o, const struct epoll_event *e)
{
	dc_puts(o, "{events=");
	put_flags(o, epoll_events, e->events, "0");
	dc_printf(o, ", data={u32=%u, u64=%lu}}", (unsigned)e->data, (unsigned long)e->data);
}

void put_cpuset(struct dc_out *o, unsigned long addr, long len)
{
	unsigned char b[128];
	size_t n = len < 0 ? 0 : (size_t)len > sizeof b ? sizeof b : (size_t)len;
	int any = 0;

	if (!addr || dc_read(b, addr, n) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_putc(o, '[');
	for (size_t i = 0; i < n * 8; i++) {
		if (b[i / 8] & (1u << (i % 8))) {
			dc_printf(o, "%s%lu", any ? " " : "", (unsigned long)i);
			any = 1;
		}
	}
	dc_putc(o, ']');
}

void put_envp(struct dc_out *o, unsigned long addr)
{
	unsigned long p, n = 0;

	if (dc_config.verbose) {
		put_argv(o, addr);
		return;
	}
	if (!addr) {
		dc_puts(o, "NULL");
		return;
	}
	while (n < 1000000 && dc_read(&p, addr + n * sizeof p, sizeof p) == 0 && p)
		n++;
	dc_printf(o, "0x%lx /* %lu var%s */", addr, n, n == 1 ? "" : "s");
}

/* Shown when the call returns, as strace shows it then: the struct, and
 * the tid the kernel wrote for CLONE_PARENT_SETTID. */
void put_clone3(struct dc_out *o, const struct dc_call *c, unsigned long addr, unsigned long size)
{
	struct clone_args ca;
	int tid;
	tv_memset(&ca, 0, sizeof ca);
	if (size > sizeof ca)
		size = sizeof ca;
	if (!addr || size < 64 || dc_read(&ca, addr, size) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_puts(o, "{flags=");
	put_clone_flags(o, ca.flags, 0);
	if (ca.flags & CLONE_PIDFD)
		dc_printf(o, ", pidfd=0x%lx", (unsigned long)ca.pidfd);
	if (ca.flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID))
		dc_printf(o, ", child_tid=0x%lx", (unsigned long)ca.child_tid);
	if (ca.flags & CLONE_PARENT_SETTID)
		dc_printf(o, ", parent_tid=0x%lx", (unsigned long)ca.parent_tid);
	dc_puts(o, ", exit_signal=");
	dc_put_signame(o, (long)ca.exit_signal, 1);
	dc_puts(o, ", stack=");
	dc_put_ptr(o, (unsigned long)ca.stack);
	dc_puts(o, ", stack_size=");
	put_hex(o, (unsigned long)ca.stack_size);
	if (ca.flags & CLONE_SETTLS)
		dc_printf(o, ", tls=0x%lx", (unsigned long)ca.tls);
	dc_putc(o, '}');
	if ((ca.flags & CLONE_PARENT_SETTID) && !call_failed(c) && peek_int(ca.parent_tid, &tid))
		dc_printf(o, " => {parent_tid=[%d]}", tid);
}

void put_uname(struct dc_out *o, unsigned long addr)
{
	struct new_utsname u;
	if (dc_read(&u, addr, sizeof u) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	u.sysname[64] = u.nodename[64] = 0;
	dc_puts(o, "{sysname=");
	put_quoted(o, (unsigned char *)u.sysname, tv_strlen(u.sysname), 0);
	dc_puts(o, ", nodename=");
	put_quoted(o, (unsigned char *)u.nodename, tv_strlen(u.nodename), 0);
	dc_puts(o, ", ...}");
}

void put_sysinfo(struct dc_out *o, unsigned long addr)
{
	struct sysinfo si;
	if (dc_read(&si, addr, sizeof si) < 0) {
		dc_put_ptr(o, addr);
		return;
	}
	dc_printf(o, "{uptime=%ld, loads=[%lu, %lu, %lu], totalram=%lu, freeram=%lu, sharedram=%lu, "
		  "bufferram=%lu, totalswap=%lu, freeswap=%lu, procs=%u, totalhigh=%lu, "
		  "freehigh=%lu, mem_unit=%u}",
		  (long)si.uptime, (unsigned long)si.loads[0], (unsigned long)si.loads[1],
		  (unsigned long)si.loads[2], (unsigned long)si.totalram, (unsigned long)si.freeram,
		  (unsigned long)si.sharedram, (unsigned long)si.bufferram,
		  (unsigned long)si.totalswap, (unsigned long)si.freeswap, (unsigned)si.procs,
		  (unsigned long)si.totalhigh, (unsigned long)si.freehigh, (unsigned)si.mem_unit);
}

/* struct timeval (gettimeofday, settimeofday). */
void put_timeval(struct dc_out *o, unsigned long addr)
{
	struct { long sec, usec; } tv;

	if (dc_read(&tv, addr, sizeof tv) < 0)
		dc_put_ptr(o, addr);
	else
		dc_printf(o, "{tv_sec=%ld, tv_usec=%ld}", tv.sec, tv.usec);
}

/* epoll_ctl's event. */
void put_epoll_event_at(struct dc_out *o, unsigned long addr)
{
	struct epoll_event e;

	if (!addr)
		dc_puts(o, "NULL");
	else if (dc_read(&e, addr, sizeof e) < 0)
		dc_put_ptr(o, addr);
	else
		put_epoll_event(o, &e);
}
