/* libFuzzer target for tvisor-trace's decoder (tools/decode/): any call
 * number, any register values, any guest memory, any -s and -x.
 *
 * Input (little-endian): the call number (2 bytes), -s (1 byte, 0..255),
 * a flags byte (bits 0-1: -x mode; bit 2: the call returned), the result
 * (8 bytes), then per argument a selector byte and 8 value bytes -- the
 * selector makes the argument the raw value, a pointer into guest memory
 * (GUEST_BASE plus the value modulo the memory's size and a little more,
 * so that reads run off its end), a small number, or 0 -- and then the
 * guest memory itself: the rest of the input, at GUEST_BASE.  Any other
 * address faults, as an unmapped guest pointer does.  The same bytes
 * also make a signal for dc_put_siginfo().  Then:
 *   - no crash, no sanitizer report;
 *   - the text is NUL-terminated where its length says, without a NUL
 *     inside (every byte of guest data is escaped);
 *   - its length is bounded: -s caps strings and arrays, so a line is
 *     at most a few hundred KiB.
 * The -y descriptor details stay off: they ask the host's kernel.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I include -I tools \
 *         -I core -I arch/x86_64 -I BUILD/gen tests/fuzz/fuzz_decode.c \
 *         tools/decode/\*.c core/fmt.c core/sysnames.c tests/unit/decode_host.c */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "decode/decode.h"

#include "require.h"

#define GUEST_BASE 0x10000ul
#define HEADER (2 + 1 + 1 + 8 + 6 * 9)
#define MAX_LINE (1ul << 20)

static const uint8_t *mem;
static size_t mem_len;

static long read_mem(void *dst, uintptr_t src, size_t n)
{
	if (src < GUEST_BASE || n > mem_len || src - GUEST_BASE > mem_len - n)
		return -EFAULT;
	memcpy(dst, mem + (src - GUEST_BASE), n);
	return 0;
}

static long read_str(char *dst, uintptr_t src, size_t cap)
{
	for (size_t i = 0; i < cap; i++) {
		if (read_mem(dst + i, src + i, 1) < 0)
			return -EFAULT;
		if (!dst[i])
			return (long)i;
	}
	dst[cap - 1] = 0;
	return -ENAMETOOLONG;
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static long arg(const uint8_t *p)
{
	uint64_t v = le(p + 1, 8);
	switch (p[0] & 3) {
	case 0: return (long)v;
	case 1: return (long)(GUEST_BASE + v % (mem_len + 64));
	case 2: return (long)(int8_t)v;
	default: return 0;
	}
}

static void check(const struct dc_out *o)
{
	REQUIRE(o->p);
	REQUIRE(o->len < MAX_LINE);
	REQUIRE(o->p[o->len] == 0);
	REQUIRE(strlen(o->p) == o->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dc_call c = { 0 };
	struct dc_out o = { 0 };

	if (size < HEADER)
		return 0;
	mem = data + HEADER;
	mem_len = size - HEADER;
	dc_config.read = read_mem;
	dc_config.read_str = read_str;
	dc_config.strsize = data[2];
	dc_config.hex = data[3] & 3;
	dc_config.fds = 0;
	c.nr = (long)le(data, 2) % 1024;
	for (int i = 0; i < 6; i++)
		c.a[i] = arg(data + 12 + 9 * i);

	dc_capture(&c);
	int stop = dc_format_entry(&o, &c);
	REQUIRE(stop >= 0 && stop <= 6);
	check(&o);
	c.ret = (long)le(data + 4, 8);
	c.done = (data[3] >> 2) & 1;
	dc_format_exit(&o, &c, stop);
	dc_puts(&o, " = ");
	dc_put_result(&o, &c);
	check(&o);
	(void)dc_classes(c.nr);
	(void)dc_returns(c.nr);

	struct tv_signal s = {
		.signo = (int)(c.a[0] & 0x7f), .code = (int)(int8_t)c.a[1], .errno_value = (int)c.a[2],
		.pid = (int)c.a[3], .status = (int)c.a[4], .value = (uintptr_t)c.a[5],
		.addr = (uintptr_t)c.ret, .syscall = (int)c.nr,
	};
	o.len = 0;
	dc_put_siginfo(&o, &s);
	check(&o);
	dc_free(&o);
	return 0;
}
