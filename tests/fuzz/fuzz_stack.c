/* libFuzzer target for core/stack.c, the builder of the guest's initial
 * stack (strings, AT_RANDOM bytes, argc, argv, envp, auxv).
 *
 * Input: a size byte, the argument, environment and auxv counts, the
 * auxv pairs (a type byte, never AT_NULL nor a repeat, and a 64-bit
 * value), then
 * NUL-separated strings: execfn, the arguments, the environment, and the
 * platform strings that AT_PLATFORM and AT_BASE_PLATFORM point to.  The
 * stack is built into a heap area of exactly tv_stack_size() bytes, give
 * or take the size byte, so that ASan sees any write outside it.  Then:
 *   - an area smaller than tv_stack_size() is refused, a larger one is not;
 *   - the stack pointer is 16-byte aligned, inside the area;
 *   - it reads back as the kernel's: argc, argv, NULL, envp, NULL, the
 *     auxv in the monitor's order with the guest's values in place of the
 *     monitor's, AT_NULL; every string and the AT_RANDOM bytes are copies
 *     inside the area, the argument and environment strings contiguous.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I core \
 *         tests/fuzz/fuzz_stack.c core/stack.c */
#include <linux/auxvec.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack.h"

#include "require.h"

#define MAX_STRS 256
#define MAX_AUXV 64
/* AT_MINSIGSTKSZ, the highest type the kernel gives today. */
#define MAX_AT 51

static const char random_bytes[16] = "0123456789abcdef";

struct input {
	struct tv_stack_spec s;
	uint64_t auxv[2 * MAX_AUXV + 2];
	char *strs[MAX_STRS];
	char buf[65536 + 1];
	int size_delta;
};

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* 0 if the input is too short for its header. */
static int parse(const uint8_t *data, size_t size, struct input *in)
{
	size_t nargs, nenv, n_in, naux = 0, pos = 4, nstrs = 0, start = 0;
	unsigned char seen[MAX_AT + 1] = { 0 };

	if (size < 4)
		return 0;
	in->size_delta = (int)data[0] - 128;
	nargs = data[1] % 64;
	nenv = data[2] % 64;
	n_in = data[3] % MAX_AUXV;
	if (size < pos + 9 * n_in)
		return 0;
	/* The kernel gives each type once (stack.h); a repeat is left out. */
	for (size_t i = 0; i < n_in; i++, pos += 9) {
		uint64_t type = 1 + data[pos] % MAX_AT;

		if (seen[type])
			continue;
		seen[type] = 1;
		in->auxv[2 * naux] = type;
		in->auxv[2 * naux + 1] = get64(data + pos + 1);
		naux++;
	}
	in->auxv[2 * naux] = AT_NULL;
	in->auxv[2 * naux + 1] = 0;
	memcpy(in->buf, data + pos, size - pos);
	in->buf[size - pos] = 0;
	for (size_t i = 0; i <= size - pos && nstrs < MAX_STRS; i++) {
		if (in->buf[i] == 0) {
			in->strs[nstrs++] = in->buf + start;
			start = i + 1;
		}
	}
	while (nstrs < 1 + nargs + nenv)
		in->strs[nstrs++] = "";
	/* Pointer values become the input's strings or random bytes, or 0. */
	for (size_t i = 0, next = 1 + nargs + nenv; i < naux; i++) {
		uint64_t *v = &in->auxv[2 * i + 1];

		if (in->auxv[2 * i] == AT_RANDOM)
			*v = *v & 1 ? (uint64_t)(uintptr_t)random_bytes : 0;
		else if (in->auxv[2 * i] == AT_PLATFORM || in->auxv[2 * i] == AT_BASE_PLATFORM)
			*v = *v & 1 && next < nstrs ? (uint64_t)(uintptr_t)in->strs[next++] : 0;
	}
	in->s = (struct tv_stack_spec){
		.argv = in->strs + 1, .argc = (int)nargs,
		.envp = in->strs + 1 + nargs, .envc = (int)nenv,
		.execfn = in->strs[0], .kernel_auxv = in->auxv,
		.phdr = 0x1040, .phent = 56, .phnum = 9, .entry = 0x1100, .base = 0x7000,
	};
	return 1;
}

static int inside(const char *p, size_t n, const char *lo, const char *hi)
{
	return p >= lo && p <= hi && n <= (size_t)(hi - p);
}

/* A copy of want inside the area; its address. */
static const char *check_str(uint64_t v, const char *want, const char *lo, const char *hi)
{
	const char *p = (const char *)(uintptr_t)v;
	size_t n = strlen(want) + 1;

	REQUIRE(p != want && inside(p, n, lo, hi) && !memcmp(p, want, n));
	return p;
}

/* The value the guest's auxv must hold for pair i of the monitor's. */
static void check_aux(const struct input *in, size_t i, uint64_t type, uint64_t v,
		      const char *lo, const char *hi)
{
	const struct tv_stack_spec *s = &in->s;
	uint64_t kv = in->auxv[2 * i + 1];
	const char *ks = (const char *)(uintptr_t)kv;

	REQUIRE(type == in->auxv[2 * i]);
	switch (type) {
	case AT_PHDR: REQUIRE(v == s->phdr); break;
	case AT_PHENT: REQUIRE(v == s->phent); break;
	case AT_PHNUM: REQUIRE(v == s->phnum); break;
	case AT_ENTRY: REQUIRE(v == s->entry); break;
	case AT_BASE: REQUIRE(v == s->base); break;
	case AT_EXECFN: check_str(v, s->execfn, lo, hi); break;
	case AT_RANDOM:
		if (!kv)
			REQUIRE(v == 0);
		else
			REQUIRE((const char *)(uintptr_t)v != random_bytes &&
				inside((const char *)(uintptr_t)v, 16, lo, hi) &&
				!memcmp((const char *)(uintptr_t)v, random_bytes, 16));
		break;
	case AT_PLATFORM:
	case AT_BASE_PLATFORM:
		/* A platform string over 63 characters is dropped. */
		if (!ks || strlen(ks) >= 64)
			REQUIRE(v == 0);
		else
			check_str(v, ks, lo, hi);
		break;
	default: REQUIRE(v == kv);
	}
}

/* One of argv or envp: a copy of want right after the previous one. */
static const char *check_arg(uint64_t v, const char *want, const char *prev,
			     const char *lo, const char *hi)
{
	const char *p = check_str(v, want, lo, hi);

	REQUIRE(!prev || p == prev);
	return p + strlen(p) + 1;
}

static void check_stack(const struct input *in, uintptr_t sp, const char *lo, const char *hi)
{
	const struct tv_stack_spec *s = &in->s;
	const uint64_t *w = (const uint64_t *)sp;
	const char *next = NULL;

	REQUIRE(sp % 16 == 0 && inside((const char *)sp, 8, lo, hi));
	REQUIRE(*w++ == (uint64_t)s->argc);
	for (int k = 0; k < s->argc; k++)
		next = check_arg(*w++, s->argv[k], next, lo, hi);
	REQUIRE(*w++ == 0);
	for (int k = 0; k < s->envc; k++)
		next = check_arg(*w++, s->envp[k], next, lo, hi);
	REQUIRE(*w++ == 0);
	for (size_t i = 0; in->auxv[2 * i] != AT_NULL; i++, w += 2) {
		REQUIRE(inside((const char *)w, 16, lo, hi));
		check_aux(in, i, w[0], w[1], lo, hi);
	}
	REQUIRE(inside((const char *)w, 16, lo, hi) && w[0] == AT_NULL && w[1] == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	size_t need, area;
	uintptr_t sp;
	char *lo;

	if (size > 65536 || !parse(data, size, &in))
		return 0;
	need = tv_stack_size(&in.s);
	area = need + (size_t)in.size_delta;    /* need is well over 128 */
	lo = malloc(area);
	REQUIRE(lo);
	sp = tv_stack_build(lo, lo + area, &in.s);
	if (area < need)
		REQUIRE(sp == 0);
	else
		check_stack(&in, sp, lo, lo + area);
	free(lo);
	return 0;
}
