/* tvisor's syscall decoder: a call, its arguments, its result and a
 * signal written as strace writes them.  It runs inside the monitor like
 * the tool that uses it (no libc: the tv_* runtime of tvisor.h), and reads
 * guest memory only through dc_config's reader, so that the same code runs
 * in a hosted test with memory of the test's making.
 *
 * A call is written in two parts: dc_format_entry() when it is made (the
 * name and the arguments known then), dc_format_exit() and dc_put_result()
 * when it returns (what the kernel wrote, the result). */
#ifndef TV_DECODE_H
#define TV_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include "tvisor.h"

/* A growing string; { 0 } is empty.  Text that does not fit in memory is
 * dropped. */
struct dc_out {
	char *p;
	size_t len, cap;
};

int dc_reserve(struct dc_out *b, size_t more);
void dc_putn(struct dc_out *b, const char *s, size_t n);
void dc_puts(struct dc_out *b, const char *s);
void dc_putc(struct dc_out *b, char c);
void dc_printf(struct dc_out *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dc_free(struct dc_out *b);

/* -x, -xx: how strings are escaped. */
enum { DC_HEX_NONE, DC_HEX_CHARS, DC_HEX_NON_ASCII, DC_HEX_ALL };
/* -X: constants as names (strace's default), as numbers, or both. */
enum { DC_XLAT_ABBREV, DC_XLAT_RAW, DC_XLAT_VERBOSE };
/* -y, -yy, --decode-fds=: what is shown after a descriptor. */
enum { DC_FD_PATH = 1 << 0, DC_FD_SOCKET = 1 << 1, DC_FD_DEV = 1 << 2, DC_FD_ALL = (1 << 3) - 1 };

struct dc_config {
	unsigned long strsize;	/* -s: bytes of a string, elements of an array */
	int hex;		/* DC_HEX_* */
	int xlat;		/* DC_XLAT_*: for the arguments; not fields of structures */
	int verbose;		/* -v: stat structures and the environment in full */
	long tz_offset;		/* seconds east of UTC, for the dates -v shows */
	unsigned fds;		/* DC_FD_* */
	/* Guest memory, as tv_mem_read() and tv_mem_read_str() (the
	 * defaults) read it: a negative errno for an unreadable address. */
	long (*read)(void *dst, uintptr_t src, size_t n);
	long (*read_str)(char *dst, uintptr_t src, size_t cap);
	/* A descriptor shown as a bare number even with -y (the tool's own,
	 * which the guest must not see); NULL: none. */
	int (*hidden_fd)(long fd);
};
extern struct dc_config dc_config;

/* strace's classes of calls, for -e trace=%NAME. */
enum {
	DC_CL_FILE = 1 << 0, DC_CL_DESC = 1 << 1, DC_CL_NETWORK = 1 << 2, DC_CL_PROCESS = 1 << 3,
	DC_CL_SIGNAL = 1 << 4, DC_CL_MEMORY = 1 << 5, DC_CL_IPC = 1 << 6, DC_CL_CREDS = 1 << 7,
	DC_CL_CLOCK = 1 << 8, DC_CL_STAT = 1 << 9, DC_CL_LSTAT = 1 << 10, DC_CL_FSTAT = 1 << 11,
	DC_CL_STATFS = 1 << 12, DC_CL_FSTATFS = 1 << 13,
};

/* The classes of call nr: its own, and %file for a path argument, %desc
 * for a descriptor argument or result. */
unsigned dc_classes(long nr);
/* 0 for a call that never returns to the tracer: exit, exit_group
 * ("= ?"), and rt_sigreturn, whose value comes from its frame. */
int dc_returns(long nr);

/* One call as the decoder sees it. */
struct dc_call {
	long nr;
	long a[6];
	long cap[6];	/* in/out values read when the call was made (dc_capture) */
	long ret;
	int done;	/* ret is known */
};

/* Reads what an in/out argument holds before the call. */
void dc_capture(struct dc_call *c);
/* "NAME(ARG, ARG, " up to the first argument the kernel writes: returns
 * its index, for dc_format_exit() to go on from. */
int dc_format_entry(struct dc_out *o, const struct dc_call *c);
/* The arguments from stop on, and ")". */
void dc_format_exit(struct dc_out *o, const struct dc_call *c, int stop);
/* What comes after "= ": "3", "-1 ENOENT (No such file or directory)", "?". */
void dc_put_result(struct dc_out *o, const struct dc_call *c);

/* The call's name, "syscall_0x1ff" for an unknown one. */
void dc_put_name(struct dc_out *o, long nr);
/* "SIGINT" (prefix) or "INT", "SIGRT_3", a bare number out of range. */
void dc_put_signame(struct dc_out *o, long s, int prefix);
/* "{si_signo=SIGUSR1, si_code=SI_USER, si_pid=..., si_uid=...}". */
void dc_put_siginfo(struct dc_out *o, const struct tv_signal *s);
/* "0x7ffd1000", or "NULL". */
void dc_put_ptr(struct dc_out *o, unsigned long p);

#endif
