/* Hosted unit test of the decoder (tools/decode/): calls, arguments,
 * results and strings, from memory of the test's making, must read as
 * strace writes them.  The decoder reads guest memory only through
 * dc_config.read, here a small array at GUEST_BASE: any other address
 * faults, as an unmapped guest pointer does.  (libc's struct stat is the
 * kernel's on both arches.) */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include "decode/decode.h"

#define GUEST_BASE 0x10000ul
#define BAD 0xdead0000ul

static unsigned char guest[1 << 16];
static size_t guest_used;
static int failures;

static int mapped(uintptr_t a, size_t n)
{
	return a >= GUEST_BASE && n <= guest_used && a - GUEST_BASE <= guest_used - n;
}

static long read_mem(void *dst, uintptr_t src, size_t n)
{
	if (!mapped(src, n))
		return -EFAULT;
	memcpy(dst, guest + (src - GUEST_BASE), n);
	return 0;
}

/* tv_mem_read_str's contract: the length, -EFAULT, or -ENAMETOOLONG. */
static long read_str(char *dst, uintptr_t src, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		if (!mapped(src + i, 1))
			return -EFAULT;
		dst[i] = (char)guest[src + i - GUEST_BASE];
		if (!dst[i])
			return (long)i;
	}
	dst[cap - 1] = 0;
	return -ENAMETOOLONG;
}

/* Copies n bytes into guest memory, 16-aligned: their guest address. */
static unsigned long put(const void *p, size_t n)
{
	unsigned long at = GUEST_BASE + guest_used;
	memcpy(guest + guest_used, p, n);
	guest_used = (guest_used + n + 15) & ~(size_t)15;
	return at;
}

static unsigned long put_s(const char *s)
{
	return put(s, strlen(s) + 1);
}

static void check(const char *name, const char *got, const char *want)
{
	int ok = !strcmp(got, want);
	printf("%s: %s", ok ? "PASS" : "FAIL", name);
	if (!ok)
		printf(" (got '%s', want '%s')", got, want);
	printf("\n");
	failures += !ok;
}

/* The whole line of a call that returned ret, as strace writes it
 * (without the padding to column 40). */
static void check_call(const char *name, long nr, long a0, long a1, long a2, long a3, long a4,
		       long a5, long ret, const char *want)
{
	struct dc_call c = { .nr = nr, .a = { a0, a1, a2, a3, a4, a5 } };
	struct dc_out o = { 0 };

	dc_capture(&c);
	int stop = dc_format_entry(&o, &c);
	c.ret = ret;
	c.done = 1;
	dc_format_exit(&o, &c, stop);
	dc_puts(&o, " = ");
	dc_put_result(&o, &c);
	check(name, o.p, want);
	dc_free(&o);
}

static void signames(void)
{
	struct dc_out o = { 0 };
	long sigs[] = { SIGINT, SIGSYS, 32, 34, 64, 65, 0 };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		if (i)
			dc_putc(&o, ' ');
		dc_put_signame(&o, sigs[i], 1);
	}
	check("signal-names", o.p, "SIGINT SIGSYS SIGRTMIN SIGRT_2 SIGRT_32 65 0");
	dc_free(&o);
}

static void files(void)
{
	unsigned long path = put_s("/etc/passwd");

	check_call("openat-flags", __NR_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0, 0, 0,
		   3, "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 3");
	check_call("openat-mode", __NR_openat, AT_FDCWD, (long)path,
		   O_WRONLY | O_CREAT | O_TRUNC, 0644, 0, 0, 4,
		   "openat(AT_FDCWD, \"/etc/passwd\", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4");
	check_call("errno-name", __NR_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0, -ENOENT,
		   "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = -1 ENOENT (No such file or directory)");
	check_call("errno-unknown", __NR_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0, -4000,
		   "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY) = -1 (errno 4000)");
	check_call("flag-unknown-bit", __NR_openat, AT_FDCWD, (long)path, O_RDONLY | 0x40000000, 0,
		   0, 0, 3, "openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|0x40000000) = 3");
	check_call("path-null", __NR_openat, AT_FDCWD, 0, O_RDONLY, 0, 0, 0, -EFAULT,
		   "openat(AT_FDCWD, NULL, O_RDONLY) = -1 EFAULT (Bad address)");
	check_call("path-unreadable", __NR_openat, AT_FDCWD, (long)BAD, O_RDONLY, 0, 0, 0, -EFAULT,
		   "openat(AT_FDCWD, 0xdead0000, O_RDONLY) = -1 EFAULT (Bad address)");

	struct stat st;
	memset(&st, 0, sizeof st);
	st.st_mode = S_IFREG | 0644;
	st.st_size = 1234;
	unsigned long sta = put(&st, sizeof st);
	check_call("struct-stat", __NR_fstat, 3, (long)sta, 0, 0, 0, 0, 0,
		   "fstat(3, {st_mode=S_IFREG|0644, st_size=1234, ...}) = 0");
	st.st_mode = S_IFCHR | 0666;
	st.st_rdev = (1 << 8) | 3;
	sta = put(&st, sizeof st);
	check_call("struct-stat-dev", __NR_fstat, 3, (long)sta, 0, 0, 0, 0, 0,
		   "fstat(3, {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0");
	check_call("struct-unreadable", __NR_fstat, 3, (long)BAD, 0, 0, 0, 0, 0,
		   "fstat(3, 0xdead0000) = 0");
	/* An output of a failed call: only where it would have gone. */
	char want[96];
	snprintf(want, sizeof want, "fstat(3, 0x%lx) = -1 EBADF (Bad file descriptor)", sta);
	check_call("out-failed", __NR_fstat, 3, (long)sta, 0, 0, 0, 0, -EBADF, want);
}

static void memory(void)
{
	check_call("mmap-prot", __NR_mmap, 0, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, 0x7f0000000000,
		   "mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = "
		   "0x7f0000000000");
	check_call("mmap-prot-none", __NR_mmap, 0x20000, 8192, PROT_NONE,
		   MAP_SHARED | MAP_FIXED, 5, 4096, 0x20000,
		   "mmap(0x20000, 8192, PROT_NONE, MAP_SHARED|MAP_FIXED, 5, 0x1000) = 0x20000");
	check_call("mprotect-unknown-bit", __NR_mprotect, 0x20000, 4096, PROT_READ | 0x100, 0, 0, 0,
		   0, "mprotect(0x20000, 4096, PROT_READ|0x100) = 0");
}

static void strings(void)
{
	static const unsigned char bin[] = { 0, 1, 'a', '\n', 0x7f, 0xff, '"', '7' };
	unsigned long b = put(bin, sizeof bin);
	unsigned long text = put_s("hello world");

	check_call("quote-default", __NR_write, 1, (long)b, sizeof bin, 0, 0, 0, sizeof bin,
		   "write(1, \"\\0\\1a\\n\\177\\377\\\"7\", 8) = 8");
	dc_config.hex = DC_HEX_NON_ASCII;
	check_call("quote-x", __NR_write, 1, (long)b, sizeof bin, 0, 0, 0, sizeof bin,
		   "write(1, \"\\x00\\x01\\x61\\x0a\\x7f\\xff\\x22\\x37\", 8) = 8");
	check_call("quote-x-text", __NR_write, 1, (long)text, 5, 0, 0, 0, 5,
		   "write(1, \"hello\", 5) = 5");
	dc_config.hex = DC_HEX_ALL;
	check_call("quote-xx", __NR_write, 1, (long)text, 2, 0, 0, 0, 2,
		   "write(1, \"\\x68\\x65\", 2) = 2");
	dc_config.hex = DC_HEX_NONE;
	static const unsigned char oct[] = { 0, '1', 2, 'x' };
	check_call("quote-octal-digit", __NR_write, 1, (long)put(oct, sizeof oct), 4, 0, 0, 0, 4,
		   "write(1, \"\\0001\\2x\", 4) = 4");
	dc_config.strsize = 4;
	check_call("truncate-s", __NR_write, 1, (long)text, 11, 0, 0, 0, 11,
		   "write(1, \"hell\"..., 11) = 11");
	check_call("truncate-read", __NR_read, 0, (long)text, 100, 0, 0, 0, 11,
		   "read(0, \"hell\"..., 100) = 11");
	dc_config.strsize = 32;
	check_call("read-short", __NR_read, 0, (long)text, 100, 0, 0, 0, 5,
		   "read(0, \"hello\", 100) = 5");
	check_call("buf-unreadable", __NR_write, 1, (long)BAD, 5, 0, 0, 0, -EFAULT,
		   "write(1, 0xdead0000, 5) = -1 EFAULT (Bad address)");
}

static void arrays(void)
{
	unsigned long argv[4] = { put_s("sh"), put_s("-c"), put_s("echo hi"), 0 };
	unsigned long envp[3] = { put_s("A=1"), put_s("B=2"), 0 };
	unsigned long path = put_s("/bin/sh");
	unsigned long av = put(argv, sizeof argv), ev = put(envp, sizeof envp);
	char want[256];

	snprintf(want, sizeof want,
		 "execve(\"/bin/sh\", [\"sh\", \"-c\", \"echo hi\"], 0x%lx /* 2 vars */) = 0", ev);
	check_call("execve-argv", __NR_execve, (long)path, (long)av, (long)ev, 0, 0, 0, 0, want);

	dc_config.strsize = 2;
	snprintf(want, sizeof want, "execve(\"/bin/sh\", [\"sh\", \"-c\", ...], 0x%lx /* 2 vars */) = 0",
		 ev);
	check_call("array-limit", __NR_execve, (long)path, (long)av, (long)ev, 0, 0, 0, 0, want);
	dc_config.strsize = 32;

	/* argv running off the end of guest memory: strace shows the address
	 * of the element it could not read. */
	unsigned long last = argv[0];
	guest_used = (guest_used + 15) & ~(size_t)15;
	unsigned long tail = put(&last, sizeof last);
	size_t keep = guest_used;
	guest_used = tail + sizeof last - GUEST_BASE;
	snprintf(want, sizeof want, "execve(\"/bin/sh\", [\"sh\", 0x%lx], NULL) = 0",
		 tail + sizeof last);
	check_call("array-unreadable-element", __NR_execve, (long)path, (long)tail, 0, 0, 0, 0, 0,
		   want);
	guest_used = keep;

	struct pollfd fds[2] = { { 3, POLLIN, POLLIN }, { 4, POLLOUT, 0 } };
	unsigned long pf = put(fds, sizeof fds);
	check_call("ppoll-revents", __NR_ppoll, (long)pf, 2, 0, 0, 8, 0, 1,
		   "ppoll([{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, NULL, NULL, 8) = "
		   "1 ([{fd=3, revents=POLLIN}])");
	uint64_t mask = 1ull << (SIGINT - 1) | 1ull << (SIGTERM - 1);
	check_call("sigset", __NR_rt_sigprocmask, SIG_BLOCK, (long)put(&mask, 8), 0, 8, 0, 0, 0,
		   "rt_sigprocmask(SIG_BLOCK, [INT TERM], NULL, 8) = 0");
	mask = ~(1ull << (SIGKILL - 1));
	check_call("sigset-inverted", __NR_rt_sigprocmask, SIG_SETMASK, (long)put(&mask, 8), 0, 8, 0,
		   0, 0, "rt_sigprocmask(SIG_SETMASK, ~[KILL], NULL, 8) = 0");
}

/* getdents64's records, counted by d_reclen; 700 of them, more than one
 * window of the decoder's reads, with one across the windows' border. */
static void dirents(void)
{
	static unsigned char d[700 * 24];
	char want[96];

	for (size_t off = 0; off < sizeof d; off += 24)
		d[off + 16] = 24;
	unsigned long at = put(d, sizeof d);
	snprintf(want, sizeof want, "getdents64(3, 0x%lx /* 700 entries */, 32768) = %zu", at,
		 sizeof d);
	check_call("dirents-count", __NR_getdents64, 3, (long)at, 32768, 0, 0, 0, (long)sizeof d,
		   want);
	snprintf(want, sizeof want, "getdents64(3, 0x%lx /* 1 entry */, 32768) = 24", at);
	check_call("dirents-one", __NR_getdents64, 3, (long)at, 32768, 0, 0, 0, 24, want);
}

static void sockets(void)
{
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_port = __builtin_bswap16(80),
				  .sin_addr = { __builtin_bswap32(0x7f000001) } };
	check_call("sockaddr-in", __NR_connect, 3, (long)put(&in, sizeof in), sizeof in, 0, 0, 0, 0,
		   "connect(3, {sa_family=AF_INET, sin_port=htons(80), "
		   "sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0");
	static const unsigned char un[] = { 1, 0, '/', 't', 'm', 'p', '/', 's', 0 };
	check_call("sockaddr-un", __NR_connect, 3, (long)put(un, sizeof un), sizeof un, 0, 0, 0,
		   -ECONNREFUSED,
		   "connect(3, {sa_family=AF_UNIX, sun_path=\"/tmp/s\"}, 9) = "
		   "-1 ECONNREFUSED (Connection refused)");
}

/* What strace -f showed and tvisor-trace did not (tests/t-trace-real.sh). */
static void strace_names(void)
{
	struct clone_args ca = { .flags = CLONE_VM | CLONE_PARENT_SETTID, .exit_signal = SIGCHLD };
	int tid = 4242;

	char want[256];

	ca.parent_tid = put(&tid, sizeof tid);
	unsigned long at = put(&ca, sizeof ca);
	snprintf(want, sizeof want, "clone3({flags=CLONE_VM|CLONE_PARENT_SETTID, parent_tid=0x%llx, "
		 "exit_signal=SIGCHLD, stack=NULL, stack_size=0} => {parent_tid=[4242]}, 88) = 4242",
		 (unsigned long long)ca.parent_tid);
	check_call("clone3-parent-tid", SYS_clone3, (long)at, sizeof ca, 0, 0, 0, 0, 4242, want);
	snprintf(want, sizeof want, "clone3({flags=CLONE_VM|CLONE_PARENT_SETTID, parent_tid=0x%llx, "
		 "exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = -1 EINVAL (Invalid argument)",
		 (unsigned long long)ca.parent_tid);
	check_call("clone3-failed", SYS_clone3, (long)at, sizeof ca, 0, 0, 0, 0, -EINVAL, want);
	check_call("ioctl-ficlone", SYS_ioctl, 4, FICLONE, 3, 0, 0, 0, -EOPNOTSUPP,
		   "ioctl(4, BTRFS_IOC_CLONE or FICLONE, 3) = -1 EOPNOTSUPP (Operation not supported)");

	struct statx sx = { .stx_mask = STATX_TYPE, .stx_attributes = STATX_ATTR_MOUNT_ROOT | 0x80000000ull,
			    .stx_mode = S_IFDIR | 0755, .stx_size = 4096 };
	unsigned long sxa = put(&sx, sizeof sx), root = put_s("/");
	check_call("statx-attributes", SYS_statx, AT_FDCWD, (long)root, 0, STATX_TYPE, (long)sxa, 0, 0,
		   "statx(AT_FDCWD, \"/\", AT_STATX_SYNC_AS_STAT, STATX_TYPE, {stx_mask=STATX_TYPE, "
		   "stx_attributes=STATX_ATTR_MOUNT_ROOT|0x80000000, stx_mode=S_IFDIR|0755, "
		   "stx_size=4096, ...}) = 0");
}

/* rt_sigreturn: the tool fills in what the frame restores. */
static void sigreturn_line(void)
{
	struct dc_call c = { .nr = SYS_rt_sigreturn };
	struct dc_out o = { 0 };

	dc_capture(&c);
	c.a[0] = (1l << (SIGINT - 1)) | (1l << (SIGTERM - 1));
	c.cap[0] = 0;
	c.ret = -EINTR;
	c.done = 1;
	dc_format_exit(&o, &c, dc_format_entry(&o, &c));
	dc_puts(&o, " = ");
	dc_put_result(&o, &c);
	check("rt_sigreturn-frame", o.p, "rt_sigreturn({mask=[INT TERM]}) = -1 EINTR (Interrupted system call)");
	dc_free(&o);
	dc_capture(&c);
	c.done = 0;
	o = (struct dc_out){ 0 };
	dc_format_exit(&o, &c, dc_format_entry(&o, &c));
	dc_puts(&o, " = ");
	dc_put_result(&o, &c);
	check("rt_sigreturn-no-frame", o.p, "rt_sigreturn() = ?");
	dc_free(&o);
}

/* -X raw and verbose: the arguments' constants as numbers. */
static void xlat_styles(void)
{
	unsigned long path = put_s("/x");

	dc_config.xlat = DC_XLAT_RAW;
	check_call("xlat-raw", SYS_openat, AT_FDCWD, (long)path, O_RDONLY | O_CLOEXEC, 0, 0, 0, 3,
		   "openat(-100, \"/x\", 0x80000) = 3");
	check_call("xlat-raw-socket", SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0, 0, 3,
		   "socket(0x2, 0x1|0x80000, 0) = 3");
	dc_config.xlat = DC_XLAT_VERBOSE;
	check_call("xlat-verbose", SYS_mmap, 0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0,
		   0x10000, "mmap(NULL, 4096, 0 /* PROT_NONE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, "
		   "-1, 0) = 0x10000");
	check_call("xlat-verbose-dirfd", SYS_openat, AT_FDCWD, (long)path, O_RDONLY, 0, 0, 0, -ENOENT,
		   "openat(-100 /* AT_FDCWD */, \"/x\", 0 /* O_RDONLY */) = -1 ENOENT (No such file or "
		   "directory)");
	dc_config.xlat = DC_XLAT_ABBREV;
}

static void unknown_call(void)
{
	check_call("unknown-syscall", 1000, 1, 0, 0x10, 0, 0, 0, -ENOSYS,
		   "syscall_0x3e8(0x1, 0, 0x10, 0, 0, 0) = -1 ENOSYS (Function not implemented)");
}

int main(void)
{
	dc_config.read = read_mem;
	dc_config.read_str = read_str;
	signames();
	files();
	memory();
	strings();
	arrays();
	dirents();
	sockets();
	strace_names();
	sigreturn_line();
	xlat_styles();
	unknown_call();
	return failures != 0;
}
