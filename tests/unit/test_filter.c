/* Unit tests for core/filter.c, the generator of the monitor's filter.
 *
 * Every generated program must pass tv_bpf_check and give the exact
 * expected verdict, through tv_bpf_run, for every number 0..1100 (and the
 * x32 bit, and extreme values), from each allowed address and from others,
 * for the native and for foreign arches.  A small tracer proves that a
 * number outside the intercept set is decided without loading the
 * instruction pointer, and that the search tree is balanced.  Guarded
 * numbers are tried over a sweep of addresses, lengths and flags around
 * the guard range: the verdict must follow the rule of filter.h, and no
 * call that may touch the range (as given, or once the kernel untags its
 * address) may ever be allowed.  Finally generated filters are installed
 * for real in forked children.
 *
 * Output: one "PASS: name" or "FAIL: name" line per check or group; the
 * exit status is 0 iff nothing failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/bpf.h"
#include "core/filter.h"

/* __X32_SYSCALL_BIT, which only the x86 headers define. */
#define X32_BIT 0x40000000u

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_NR 1100             /* every number up to this one is tried */
#define SET_BITS 2048

#define OFF_NR offsetof(struct seccomp_data, nr)
#define OFF_ARCH offsetof(struct seccomp_data, arch)
#define OFF_IP offsetof(struct seccomp_data, instruction_pointer)

static int failures;

static void report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failures += !ok;
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static uint64_t rnd64(void)
{
	return (uint64_t)rnd() << 32 | rnd();
}

/* --- arches --- */

struct arch_desc {
	const char *name;
	uint32_t audit, token, mask;
};

static const struct arch_desc x86_64 = { "x86_64", AUDIT_ARCH_X86_64, SCMP_ARCH_X86_64, X32_BIT };
static const struct arch_desc aarch64 = { "aarch64", AUDIT_ARCH_AARCH64, SCMP_ARCH_AARCH64, 0 };

#if defined(__x86_64__)
static const struct arch_desc *const native = &x86_64;
#elif defined(__aarch64__)
static const struct arch_desc *const native = &aarch64;
#else
#error "unsupported host architecture"
#endif

/* --- the expected verdict --- */

struct set {
	unsigned char bit[SET_BITS / 8];
	int has_int_max;        /* INT_MAX is a member (beyond the bitmap) */
};

static int in_set(const struct set *s, uint32_t nr)
{
	if (nr == INT_MAX)
		return s->has_int_max;
	return nr < SET_BITS && (s->bit[nr / 8] >> (nr % 8) & 1);
}

static void set_from(struct set *s, const int *nrs, size_t n)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		if (nrs[i] == INT_MAX)
			s->has_int_max = 1;
		else if (nrs[i] >= 0 && nrs[i] < SET_BITS)
			s->bit[nrs[i] / 8] |= (unsigned char)(1 << nrs[i] % 8);
	}
}

static const struct tv_filter_guard *guard_of(const struct tv_filter_spec *sp, uint32_t nr)
{
	if (sp->all_nrs)
		return NULL;
	for (size_t i = 0; i < sp->n_guards; i++)
		if ((uint32_t)sp->guards[i].nr == nr)
			return &sp->guards[i];
	return NULL;
}

#define TWO_56 (1ull << 56)

/* The range rule of filter.h, in 64-bit arithmetic. */
static int range_allowed(const struct tv_filter_spec *sp, uint64_t a, uint64_t len)
{
	uint64_t lo_hi = sp->guard_lo >> 32, last_hi = (sp->guard_hi - 1) >> 32;

	if (len >> 32)
		return 0;
	if (lo_hi >= 1 && a >> 32 < lo_hi - 1)
		return 1;
	return a >> 32 > last_hi && a < TWO_56;
}

/* The guard's flag is set (a RANGE guard has none: its flag_arg may be
 * anything). */
static int flag_set(const struct tv_filter_guard *g, const struct seccomp_data *d)
{
	return g->kind != TV_GUARD_RANGE && ((uint32_t)d->args[g->flag_arg] & g->flag_mask);
}

static int args_allowed(const struct tv_filter_spec *sp, const struct tv_filter_guard *g,
			const struct seccomp_data *d)
{
	int flag = flag_set(g, d);
	int range = range_allowed(sp, d->args[0], d->args[1]);

	switch (g->kind) {
	case TV_GUARD_RANGE:
		return range;
	case TV_GUARD_FLAG_OR_RANGE:
		return !flag && range;
	}
	return 0;
}

static int from_allowed_ip(const struct tv_filter_spec *sp, const struct seccomp_data *d)
{
	for (int i = 0; i < sp->n_ips; i++)
		if (d->instruction_pointer == sp->allowed_ip[i])
			return 1;
	return 0;
}

/* The boot call (filter.h, 6.). */
static int boot_call(const struct tv_filter_spec *sp, const struct seccomp_data *d)
{
	return sp->boot_addr && d->nr == sp->boot_nr && d->args[0] == sp->boot_addr &&
	       !((uint32_t)d->args[3] & sp->boot_flags);
}

static uint32_t expected(const struct tv_filter_spec *sp, const struct set *s,
			 const struct seccomp_data *d)
{
	uint32_t nr = (uint32_t)d->nr;
	const struct tv_filter_guard *g;

	if (d->arch != sp->audit_arch || (nr & sp->nr_trap_mask))
		return SECCOMP_RET_TRAP;
	if (!sp->all_nrs && !in_set(s, nr))
		return SECCOMP_RET_ALLOW;
	if (from_allowed_ip(sp, d) || boot_call(sp, d))
		return SECCOMP_RET_ALLOW;
	g = guard_of(sp, nr);
	return g && args_allowed(sp, g, d) ? SECCOMP_RET_ALLOW : SECCOMP_RET_TRAP;
}

/* --- the safety property, independent of the rule --- */

/* [a, a + len) meets [lo, hi), the range taken modulo 2^64. */
static int overlaps(uint64_t a, uint64_t len, uint64_t lo, uint64_t hi)
{
	uint64_t end = a + len;

	if (len == 0)
		return 0;
	if (end <= a)           /* wraps: [a, 2^64) and [0, end) */
		return a < hi || (end > 0 && lo < end);
	return a < hi && lo < end;
}

/* The range of a guarded call may touch [lo, hi), as the kernel would see
 * it with or without untagging: aarch64 clears the top byte, x86 LAM57
 * bits 57-62. */
static int may_touch(const struct tv_filter_spec *sp, uint64_t a, uint64_t len)
{
	uint64_t forms[3] = { a, a & (TWO_56 - 1), a & ~(0x3full << 57) };

	for (int i = 0; i < 3; i++)
		if (overlaps(forms[i], len, sp->guard_lo, sp->guard_hi))
			return 1;
	return 0;
}

/* An ALLOW from elsewhere than an allowed address that lets a call touch
 * the monitor's memory (the boot call replaces nothing: without MAP_FIXED
 * the kernel moves the mapping elsewhere); mremap with its flag moves to
 * an address in another argument. */
static int unsafe_allow(const struct tv_filter_spec *sp, const struct seccomp_data *d,
			uint32_t verdict)
{
	const struct tv_filter_guard *g = guard_of(sp, (uint32_t)d->nr);
	int flag;

	if (verdict != SECCOMP_RET_ALLOW || !g || from_allowed_ip(sp, d) ||
	    d->arch != sp->audit_arch || boot_call(sp, d))
		return 0;
	flag = flag_set(g, d);
	if (g->kind == TV_GUARD_FLAG_OR_RANGE && flag)
		return 1;
	return may_touch(sp, d->args[0], d->args[1]);
}

/* --- a tracer for the instructions the generator emits --- */

struct trace {
	uint32_t ret;
	int steps;              /* instructions executed, the RET included */
	int loaded_ip;          /* the instruction pointer was loaded */
	int jges;               /* tree nodes visited */
	int bad;                /* an instruction the generator should not emit */
};

static uint32_t word(const struct seccomp_data *d, uint32_t off)
{
	uint32_t w;

	memcpy(&w, (const char *)d + off, sizeof(w));
	return w;
}

static struct trace trace_run(const struct sock_filter *p, size_t n,
			      const struct seccomp_data *d)
{
	struct trace t = { 0, 0, 0, 0, 0 };
	uint32_t a = 0;

	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &p[pc];

		t.steps++;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			t.loaded_ip |= f->k == OFF_IP || f->k == OFF_IP + 4;
			a = word(d, f->k);
			break;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			t.jges++;
			pc += a >= f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & f->k) ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			t.ret = f->k;
			return t;
		default:
			t.bad = 1;
			return t;
		}
	}
	t.bad = 1;
	return t;
}

/* No instruction pointer load before the last tree node, and only loads of
 * arch and nr, compares and returns before the first one. */
static int ip_loads_come_last(const struct sock_filter *p, size_t n)
{
	size_t first_ip = n, last_jge = 0;

	for (size_t i = 0; i < n; i++) {
		int ld = p[i].code == (BPF_LD | BPF_W | BPF_ABS);

		if (ld && (p[i].k == OFF_IP || p[i].k == OFF_IP + 4) && first_ip == n)
			first_ip = i;
		if (p[i].code == (BPF_JMP | BPF_JGE | BPF_K))
			last_jge = i;
	}
	if (first_ip < last_jge)
		return 0;
	for (size_t i = 0; i < first_ip; i++) {
		switch (p[i].code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (p[i].k != OFF_NR && p[i].k != OFF_ARCH)
				return 0;
			break;
		case BPF_JMP | BPF_JA:
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_RET | BPF_K:
			break;
		default:
			return 0;
		}
	}
	return 1;
}

static int ceil_log2(size_t n)
{
	int l = 0;

	while (((size_t)1 << l) < n)
		l++;
	return l;
}

/* --- checking one generated filter --- */

struct verdicts {
	const char *why;        /* first failure, or NULL */
	long runs;
	long arg_allows;        /* guarded calls allowed by their arguments */
};

static void fail(struct verdicts *v, const char *why)
{
	if (!v->why)
		v->why = why;
}

static void try_one(struct verdicts *v, const struct tv_filter_spec *sp,
		    const struct set *s, const struct sock_filter *p, size_t n,
		    struct seccomp_data *d, int max_jges)
{
	uint32_t want = expected(sp, s, d);
	uint32_t got = tv_bpf_run_checked(p, n, d);
	struct trace t = trace_run(p, n, d);

	v->runs++;
	if (got != want)
		fail(v, "wrong verdict");
	if (unsafe_allow(sp, d, got))
		fail(v, "allowed a call that may touch the guard range");
	v->arg_allows += got == SECCOMP_RET_ALLOW && guard_of(sp, (uint32_t)d->nr) &&
			 d->arch == sp->audit_arch && !from_allowed_ip(sp, d);
	if (t.bad || t.ret != got)
		fail(v, "tracer disagrees with tv_bpf_run");
	if (t.jges > max_jges)
		fail(v, "search tree is not balanced");
	/* Outside the set (and not trapped earlier): decided on nr alone. */
	if (d->arch == sp->audit_arch && !((uint32_t)d->nr & sp->nr_trap_mask) &&
	    !sp->all_nrs && !in_set(s, (uint32_t)d->nr) && t.loaded_ip)
		fail(v, "instruction pointer loaded for a number outside the set");
	/* Now and then through the checking entry point as well. */
	if (v->runs % 101 == 0 && tv_bpf_run(p, n, d) != want)
		fail(v, "tv_bpf_run disagrees with tv_bpf_run_checked");
}

/* The numbers tried: 0..MAX_NR, the same with the x32 bit, extremes. */
static size_t numbers_to_try(uint32_t *out)
{
	static const uint32_t extremes[] = {
		INT_MAX, (uint32_t)INT_MAX + 1, 0xfffffffe, 0xffffffff, X32_BIT - 1,
	};
	size_t n = 0;

	for (uint32_t nr = 0; nr <= MAX_NR; nr++) {
		out[n++] = nr;
		out[n++] = nr | X32_BIT;
	}
	for (size_t i = 0; i < ARRAY_LEN(extremes); i++)
		out[n++] = extremes[i];
	return n;
}

/* Allowed addresses, and near misses: other low or high half. */
static size_t ips_to_try(const struct tv_filter_spec *sp, uint64_t *out)
{
	size_t n = 0;

	for (int i = 0; i < sp->n_ips; i++) {
		out[n++] = sp->allowed_ip[i];
		out[n++] = sp->allowed_ip[i] + 1;
		out[n++] = sp->allowed_ip[i] ^ (1ull << 32);
	}
	if (sp->n_ips == 2) {
		out[n++] = (sp->allowed_ip[0] & ~0xffffffffull) | (sp->allowed_ip[1] & 0xffffffffull);
		out[n++] = (sp->allowed_ip[1] & ~0xffffffffull) | (sp->allowed_ip[0] & 0xffffffffull);
	}
	out[n++] = 0;
	out[n++] = rnd64();
	return n;
}

/* --- guarded numbers over their arguments --- */

#define FOUR_G (1ull << 32)

/* Addresses around the edges of [lo, hi) and of the 4 GiB blocks the
 * filter reasons in, tagged ones, extremes; returns how many. */
static size_t addrs_to_try(const struct tv_filter_spec *sp, uint64_t *out)
{
	uint64_t lo = sp->guard_lo, hi = sp->guard_hi;
	const uint64_t anchors[] = {
		0, FOUR_G, 2 * FOUR_G, lo, hi, lo & -FOUR_G, (lo & -FOUR_G) - FOUR_G,
		(hi - 1) & -FOUR_G, ((hi - 1) & -FOUR_G) + FOUR_G, lo + (hi - lo) / 2,
		1ull << 47, TWO_56, 0,
	};
	const uint64_t deltas[] = {
		-2 * FOUR_G, -FOUR_G - 1, -FOUR_G, -FOUR_G + 1, -0x1000ull, -1ull, 0, 1,
		0x1000, FOUR_G - 1, FOUR_G, FOUR_G + 1, 2 * FOUR_G,
	};
	/* Tag bits over addresses inside the range or just above it. */
	const uint64_t tags[] = {
		0x0full << 56, 1ull << 63, 0x3full << 57, 0xffull << 56, 1ull << 56,
	};
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(anchors); i++)
		for (size_t j = 0; j < ARRAY_LEN(deltas); j++)
			out[n++] = anchors[i] + deltas[j];
	for (size_t i = 0; i < ARRAY_LEN(tags); i++) {
		out[n++] = lo | tags[i];
		out[n++] = (hi - 1) | tags[i];
		out[n++] = (lo + (hi - lo) / 2) | tags[i];
	}
	for (int i = 0; i < 4; i++) {
		out[n++] = rnd64();
		out[n++] = lo + rnd64() % (hi - lo);
	}
	return n;
}

#define MAX_ADDRS 256

/* Lengths: small, around 4 GiB, huge, and those that just reach the range. */
static size_t lens_to_try(const struct tv_filter_spec *sp, uint64_t a, uint64_t *out)
{
	const uint64_t fixed[] = {
		0, 1, 0x1000, FOUR_G - 1, FOUR_G, FOUR_G + 1, 1ull << 40, -1ull,
	};
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(fixed); i++)
		out[n++] = fixed[i];
	out[n++] = sp->guard_lo - a;
	out[n++] = sp->guard_lo - a + 1;
	out[n++] = sp->guard_hi - a;
	out[n++] = rnd64() >> (rnd() % 64);
	return n;
}

#define MAX_LENS 16

/* Flag words: clear, set, set among others, others only, set only in the
 * high word (which the filter ignores), all bits. */
static size_t flags_to_try(const struct tv_filter_guard *g, uint64_t *out)
{
	size_t n = 0;

	out[n++] = rnd64() & ~(uint64_t)g->flag_mask;
	if (g->kind == TV_GUARD_RANGE)
		return n;       /* the flags do not matter */
	out[n++] = 0;
	out[n++] = g->flag_mask;
	out[n++] = g->flag_mask | 0x1;
	out[n++] = ~(uint64_t)g->flag_mask & 0xffffffffu;
	out[n++] = (uint64_t)g->flag_mask << 32;
	out[n++] = -1ull;
	return n;
}

#define MAX_FLAGS 8

struct sweep {
	const struct tv_filter_spec *sp;
	const struct set *s;
	const struct sock_filter *p;
	size_t n;
	int max_jges;
};

static void try_args(struct verdicts *v, const struct sweep *w, const struct tv_filter_guard *g,
		     uint64_t ip, uint64_t a, uint64_t len, uint64_t flags)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.nr = g->nr;
	d.arch = w->sp->audit_arch;
	d.instruction_pointer = ip;
	for (int i = 0; i < 6; i++)
		d.args[i] = rnd64();
	if (g->kind != TV_GUARD_RANGE)
		d.args[g->flag_arg] = flags;
	d.args[0] = a;
	d.args[1] = len;
	try_one(v, w->sp, w->s, w->p, w->n, &d, w->max_jges);
}

/* Every combination (full), or a few hundred random ones per guard, from
 * an allowed address and from a near miss. */
static void sweep_guards(struct verdicts *v, const struct sweep *w, int full)
{
	uint64_t addrs[MAX_ADDRS], lens[MAX_LENS], flags[MAX_FLAGS];
	const struct tv_filter_spec *sp = w->sp;
	uint64_t ips[2] = { sp->allowed_ip[0], sp->allowed_ip[0] ^ FOUR_G };
	size_t n_addrs = addrs_to_try(sp, addrs);

	for (size_t gi = 0; gi < sp->n_guards; gi++) {
		const struct tv_filter_guard *g = &sp->guards[gi];
		size_t n_flags = flags_to_try(g, flags);

		for (size_t i = 0; i < (full ? n_addrs : 300); i++) {
			uint64_t a = addrs[full ? i : rnd() % n_addrs];
			size_t n_lens = lens_to_try(sp, a, lens);

			for (size_t j = 0; j < (full ? n_lens : 1); j++)
				for (size_t k = 0; k < (full ? n_flags : 1); k++)
					for (size_t m = 0; m < 2; m++)
						try_args(v, w, g, ips[m],
							 a, lens[full ? j : rnd() % n_lens],
							 flags[full ? k : rnd() % n_flags]);
		}
	}
}

static struct verdicts verify(const struct tv_filter_spec *sp, const struct sock_filter *p,
			      size_t n, int full)
{
	static uint32_t nrs[2 * (MAX_NR + 1) + 16];
	static const uint32_t foreign[] = {
		AUDIT_ARCH_X86_64, AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, AUDIT_ARCH_ARM, 0,
	};
	struct verdicts v = { NULL, 0, 0 };
	uint64_t ips[16];
	size_t n_nrs = numbers_to_try(nrs), n_ips = ips_to_try(sp, ips);
	size_t jges = 0;
	struct set s;
	struct seccomp_data d;

	set_from(&s, sp->nrs, sp->all_nrs ? 0 : sp->n_nrs);
	if (tv_bpf_check(p, n) != 0)
		fail(&v, "tv_bpf_check refuses it");
	if (!ip_loads_come_last(p, n))
		fail(&v, "an instruction pointer load precedes the range decision");
	for (size_t i = 0; i < n; i++)
		jges += p[i].code == (BPF_JMP | BPF_JGE | BPF_K);
	if (v.why)
		return v;
	for (size_t i = 0; i < n_nrs; i++) {
		memset(&d, 0, sizeof(d));
		d.nr = (int)nrs[i];
		for (int a = 0; a < 6; a++)
			d.args[a] = rnd64();
		d.arch = sp->audit_arch;
		for (size_t j = 0; j < n_ips; j++) {
			d.instruction_pointer = ips[j];
			try_one(&v, sp, &s, p, n, &d, ceil_log2(jges + 1));
		}
		/* A foreign arch traps even from an allowed address. */
		d.instruction_pointer = sp->allowed_ip[0];
		for (size_t f = 0; f < ARRAY_LEN(foreign); f++) {
			if (foreign[f] == sp->audit_arch)
				continue;
			d.arch = foreign[f];
			try_one(&v, sp, &s, p, n, &d, ceil_log2(jges + 1));
		}
	}
	if (!sp->all_nrs && sp->n_guards > 0) {
		struct sweep w = { sp, &s, p, n, ceil_log2(jges + 1) };

		sweep_guards(&v, &w, full);
	}
	return v;
}

static struct sock_filter prog[BPF_MAXINSNS];

/* Builds, verifies, reports; returns the instruction count (or < 0). */
static long build_and_verify(const char *name, const struct tv_filter_spec *sp, int quiet,
			     const char **why)
{
	long n = tv_filter_build(sp, prog, ARRAY_LEN(prog));
	struct verdicts v = { NULL, 0, 0 };
	char allows[64] = "";

	if (n <= 0)
		v.why = "tv_filter_build failed";
	else
		v = verify(sp, prog, (size_t)n, !quiet);
	if (!sp->all_nrs && sp->n_guards > 0)
		snprintf(allows, sizeof(allows), " (%ld allowed by their arguments)",
			 v.arg_allows);
	if (!quiet)
		report(!v.why, "%s: %ld instructions, %ld verdicts%s%s%s", name, n, v.runs,
		       allows, v.why ? ": " : "", v.why ? v.why : "");
	if (why)
		*why = v.why;
	return v.why ? -1 : n;
}

static struct tv_filter_spec spec_for(const struct arch_desc *a, const int *nrs, size_t n,
				      int all)
{
	struct tv_filter_spec sp = {
		.audit_arch = a->audit, .nr_trap_mask = a->mask, .nrs = nrs, .n_nrs = n,
		.all_nrs = all, .allowed_ip = { 0x00001000000123a4ull, 0x00001000000567b8ull },
		.n_ips = 2,
	};
	return sp;
}

/* --- the cases --- */

static void case_all(const struct arch_desc *a)
{
	struct tv_filter_spec sp = spec_for(a, NULL, 0, 1);
	char name[64];

	snprintf(name, sizeof(name), "(a) all numbers, %s", a->name);
	build_and_verify(name, &sp, 0, NULL);
	sp.n_ips = 1;
	snprintf(name, sizeof(name), "(a) all numbers, %s, one address", a->name);
	build_and_verify(name, &sp, 0, NULL);
}

/* The core's mandatory set and a typical tool's (DESIGN.md section 4). */
static const char *const realistic_names[] = {
	"clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group",
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "rt_sigsuspend",
	"rt_sigtimedwait", "rt_sigpending", "brk", "mmap", "munmap", "mremap", "mprotect",
	"madvise", "shmat", "shmdt", "prctl", "seccomp", "readlink", "readlinkat", "open",
	"openat", "openat2", "stat", "lstat", "newfstatat", "statx", "getcwd", "chdir",
	"kill", "tgkill", "tkill", "signalfd4", "pidfd_send_signal", "restart_syscall",
};

static size_t resolve_names(const struct arch_desc *a, int *out)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(realistic_names); i++) {
		int nr = seccomp_syscall_resolve_name_arch(a->token, realistic_names[i]);

		if (nr >= 0)    /* pseudo numbers of absent calls are negative */
			out[n++] = nr;
	}
	return n;
}

static void case_realistic(const struct arch_desc *a)
{
	int nrs[ARRAY_LEN(realistic_names)];
	size_t n = resolve_names(a, nrs);
	struct tv_filter_spec sp = spec_for(a, nrs, n, 0);
	char name[80];

	snprintf(name, sizeof(name), "(b) realistic set of %zu numbers, %s", n, a->name);
	build_and_verify(name, &sp, 0, NULL);
}

static void case_table(const struct arch_desc *a)
{
	static int nrs[1024];
	size_t n = 0;
	struct tv_filter_spec sp;
	char name[80];

	for (int nr = 0; nr < 1024; nr++) {
		char *s = seccomp_syscall_resolve_num_arch(a->token, nr);

		if (s)
			nrs[n++] = nr;
		free(s);
	}
	sp = spec_for(a, nrs, n, 0);
	snprintf(name, sizeof(name), "(c) every %s syscall (%zu numbers)", a->name, n);
	build_and_verify(name, &sp, 0, NULL);
}

static void case_every_other(const struct arch_desc *a)
{
	static int nrs[512];
	struct tv_filter_spec sp;
	char name[80];

	/* Descending, to show the order of the input does not matter. */
	for (int i = 0; i < 512; i++)
		nrs[i] = 1022 - 2 * i;
	sp = spec_for(a, nrs, 512, 0);
	snprintf(name, sizeof(name), "(d) every other number 0..1022, 512 ranges, %s", a->name);
	build_and_verify(name, &sp, 0, NULL);
}

/* --- guards --- */

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* The memory calls, as the monitor would guard them, mmap (the most
 * frequent) first.  MAP_FIXED and the mremap flags are the same on both
 * arches. */
static const struct {
	const char *name;
	enum tv_guard_kind kind;
	int flag_arg;
	uint32_t flag_mask;
} memory_calls[] = {
	{ "mmap", TV_GUARD_RANGE, 0, 0 },
	{ "munmap", TV_GUARD_RANGE, 0, 0 },
	{ "mprotect", TV_GUARD_RANGE, 0, 0 },
	{ "pkey_mprotect", TV_GUARD_RANGE, 0, 0 },
	{ "madvise", TV_GUARD_RANGE, 0, 0 },
	{ "mremap", TV_GUARD_FLAG_OR_RANGE, 3, MREMAP_FIXED | MREMAP_DONTUNMAP },
};

/* Guards for the memory calls; each number is also added to nrs. */
static size_t memory_guards(const struct arch_desc *a, struct tv_filter_guard *out,
			    int *nrs, size_t *n_nrs)
{
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_LEN(memory_calls); i++) {
		int nr = seccomp_syscall_resolve_name_arch(a->token, memory_calls[i].name);

		if (nr < 0)
			continue;
		out[n] = (struct tv_filter_guard){ nr, memory_calls[i].kind,
						    memory_calls[i].flag_arg,
						    memory_calls[i].flag_mask };
		n++;
		nrs[(*n_nrs)++] = nr;
	}
	return n;
}

/* A range [lo, hi) of any size, anywhere, often near a multiple of 4 GiB. */
static void random_guard_range(struct tv_filter_spec *sp)
{
	uint64_t lo, len;

	switch (rnd() % 4) {
	case 0:
		lo = rnd64() >> (rnd() % 64);
		break;
	case 1:
		lo = (uint64_t)(rnd() % 64) << 32 | (rnd() % 3 ? 0 : rnd());
		break;
	case 2:
		lo = rnd();
		break;
	default:
		lo = rnd64() & ((1ull << 47) - 1) & ~0xfffull;
		break;
	}
	len = rnd() % 2 ? 1 + rnd64() % (1ull << 40) : rnd64() >> (rnd() % 64);
	if (len > ~lo)
		len = ~lo;
	if (len == 0) {
		lo -= lo == ~0ull;
		len = 1;
	}
	sp->guard_lo = lo;
	sp->guard_hi = lo + len;
}

/* Up to six distinct members of nrs, any kinds, any flags. */
static size_t random_guards(const int *nrs, size_t n_nrs, struct tv_filter_guard *out)
{
	size_t want = n_nrs ? 1 + rnd() % 6 : 0, n = 0;

	for (size_t tries = 0; n < want && tries < 50; tries++) {
		int nr = nrs[rnd() % n_nrs], dup = 0;

		for (size_t i = 0; i < n; i++)
			dup |= out[i].nr == nr;
		if (dup)
			continue;
		out[n++] = (struct tv_filter_guard){
			nr, (enum tv_guard_kind)(TV_GUARD_RANGE + (int)(rnd() % 2)),
			(int)(rnd() % 6), rnd() % 4 ? 1u << rnd() % 32 : rnd(),
		};
	}
	return n;
}

static void case_random(void)
{
	static int nrs[1200];
	struct tv_filter_guard guards[6];
	long min_n = LONG_MAX, max_n = 0;
	const char *first_why = NULL;
	int ok = 1, n_guarded = 0;

	for (int i = 0; i < 200; i++) {
		const struct arch_desc *a = rnd() % 2 ? &x86_64 : &aarch64;
		int shape = (int)(rnd() % 3);   /* tiny, clustered, scattered */
		size_t n = 0, want = shape == 0 ? rnd() % 8 : rnd() % 600;
		struct tv_filter_spec sp;
		const char *why;
		long len;

		/* Runs of random length, duplicates included, any order;
		 * scattered sets reach a few hundred ranges, beyond what the
		 * compact layout can hold. */
		while (n < want) {
			uint32_t start = rnd() % (MAX_NR + 50);
			uint32_t run = shape == 2 ? 1 : 1 + rnd() % (rnd() % 2 ? 3 : 40);

			for (uint32_t k = 0; k < run && n < want; k++)
				nrs[n++] = (int)(start + k);
		}
		for (size_t k = n; k > 1; k--) {
			size_t j = rnd() % k;
			int t = nrs[k - 1];

			nrs[k - 1] = nrs[j];
			nrs[j] = t;
		}
		sp = spec_for(a, nrs, n, 0);
		if (i % 2) {
			sp.guards = guards;
			sp.n_guards = random_guards(nrs, n, guards);
			random_guard_range(&sp);
			n_guarded += sp.n_guards > 0;
		}
		sp.n_ips = 1 + (int)(rnd() % TV_FILTER_MAX_IPS);
		sp.allowed_ip[0] = rnd64();
		for (int i = 1; i < TV_FILTER_MAX_IPS; i++)
			sp.allowed_ip[i] = rnd() % 2 ? rnd64() : sp.allowed_ip[i - 1] + 4;
		len = build_and_verify(NULL, &sp, 1, &why);
		if (len < 0) {
			ok = 0;
			if (!first_why)
				first_why = why;
			continue;
		}
		min_n = len < min_n ? len : min_n;
		max_n = len > max_n ? len : max_n;
	}
	report(ok, "(e) 200 random sets, %d with random guards: %ld..%ld instructions, "
	       "all verdicts right%s%s", n_guarded, min_n, max_n,
	       first_why ? ": " : "", first_why ? first_why : "");
}

/* Around the switch from compact to inline leaves (about 123 ranges with
 * two addresses, 125 with one) and the first trampolines (128 ranges). */
static void case_layout_switch(void)
{
	static int nrs[141];
	const char *first_why = NULL;
	long min_n = LONG_MAX, max_n = 0;
	int ok = 1;

	/* With guards the farthest compact target is one further, and 0 next
	 * to the guarded 1 makes the number of boundaries odd, so that every
	 * tree size meets the switch. */
	for (int ips = 1; ips <= 4; ips++) {
		for (int ranges = 110; ranges <= 140; ranges++) {
			struct tv_filter_guard guards[3] = {
				{ 1, TV_GUARD_RANGE, 0, 0 },
				{ 3 * (ranges / 2) + 1, TV_GUARD_RANGE, 0, 0 },
				{ 3 * (ranges - 1) + 1, TV_GUARD_FLAG_OR_RANGE, 3, MREMAP_FIXED },
			};
			struct tv_filter_spec sp;
			const char *why;
			long len;

			for (int i = 0; i < ranges; i++)
				nrs[i] = 3 * i + 1;
			nrs[ranges] = 0;
			sp = spec_for(ips % 2 ? &aarch64 : &x86_64, nrs,
				      (size_t)ranges + (ips > 2), 0);
			sp.n_ips = 2 - ips % 2;
			if (ips > 2) {
				sp.guards = guards;
				sp.n_guards = 3;
				sp.guard_lo = 0x100000000000ull;
				sp.guard_hi = 0x100440000000ull;
			}
			len = build_and_verify(NULL, &sp, 1, &why);
			if (len < 0) {
				ok = 0;
				first_why = first_why ? first_why : why;
				continue;
			}
			min_n = len < min_n ? len : min_n;
			max_n = len > max_n ? len : max_n;
		}
	}
	report(ok, "110..140 ranges, with and without guards, across the layout switch: "
	       "%ld..%ld instructions%s%s",
	       min_n, max_n, first_why ? ": " : "", first_why ? first_why : "");
}

/* The same set, shuffled and with duplicates, gives the same program. */
static void case_order_and_duplicates(void)
{
	int sorted[] = { 1, 2, 3, 7, 9, 10, 200, 201, 202, 203 };
	int messy[] = { 203, 9, 1, 200, 3, 2, 10, 7, 201, 202, 9, 1, 203, 202 };
	struct tv_filter_spec a = spec_for(native, sorted, ARRAY_LEN(sorted), 0);
	struct tv_filter_spec b = spec_for(native, messy, ARRAY_LEN(messy), 0);
	struct sock_filter pa[64], pb[64];
	long na = tv_filter_build(&a, pa, 64), nb = tv_filter_build(&b, pb, 64);

	report(na > 0 && na == nb && memcmp(pa, pb, (size_t)na * sizeof(pa[0])) == 0,
	       "order and duplicates do not change the program (%ld instructions)", na);
}

static void case_edges(void)
{
	int int_max[] = { 5, INT_MAX, 6 };
	int negative[] = { 3, -1 };
	int none[1] = { 0 };
	struct tv_filter_spec sp = spec_for(native, int_max, ARRAY_LEN(int_max), 0);
	static int many[10000];
	long n, need;
	int ok;

	build_and_verify("set with INT_MAX", &sp, 0, NULL);
	sp = spec_for(&aarch64, none, 0, 0);
	build_and_verify("empty set, aarch64 (only the arch check)", &sp, 0, NULL);
	sp = spec_for(&x86_64, NULL, 0, 0);
	build_and_verify("empty set, x86_64 (arch and x32 checks)", &sp, 0, NULL);

	sp = spec_for(native, negative, 2, 0);
	ok = tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	sp = spec_for(native, NULL, 2, 0);
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	sp = spec_for(native, none, 1, 0);
	sp.n_ips = 0;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	sp.n_ips = TV_FILTER_MAX_IPS + 1;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	sp.n_ips = 1;
	sp.audit_arch = 0;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	ok &= tv_filter_build(NULL, prog, ARRAY_LEN(prog)) == -22;
	report(ok, "bad specs give -EINVAL");

	sp = spec_for(native, int_max, ARRAY_LEN(int_max), 0);
	need = tv_filter_build(&sp, prog, ARRAY_LEN(prog));
	ok = need > 0 && tv_filter_build(&sp, prog, (size_t)need - 1) == -28 &&
	     tv_filter_build(&sp, prog, (size_t)need) == need &&
	     tv_filter_build(&sp, NULL, 0) == -28;
	for (int i = 0; i < 10000; i++)
		many[i] = 2 * i;
	sp = spec_for(native, many, ARRAY_LEN(many), 0);
	n = tv_filter_build(&sp, prog, ARRAY_LEN(prog));
	report(ok && n == -28, "too small a buffer, or more than BPF_MAXINSNS, gives -ENOSPC");
}

/* --- memory guards --- */

/* The realistic set, pkey_mprotect added, with the memory calls guarded. */
struct guarded_spec {
	int nrs[ARRAY_LEN(realistic_names) + ARRAY_LEN(memory_calls)];
	struct tv_filter_guard guards[ARRAY_LEN(memory_calls)];
	struct tv_filter_spec sp;
};

static void guarded_realistic(const struct arch_desc *a, uint64_t lo, uint64_t hi,
			      struct guarded_spec *g)
{
	size_t n = resolve_names(a, g->nrs);
	size_t n_guards = memory_guards(a, g->guards, g->nrs, &n);

	g->sp = spec_for(a, g->nrs, n, 0);
	g->sp.guards = g->guards;
	g->sp.n_guards = n_guards;
	g->sp.guard_lo = lo;
	g->sp.guard_hi = hi;
}

/* Each shape of the range test: both halves, "below" never (lo < 2^33),
 * "above" never (hi beyond 2^56 - 2^32), neither, one byte. */
static const struct {
	uint64_t lo, hi;
	const char *what;
} guard_ranges[] = {
	{ 0x100000000000ull, 0x100440000000ull, "a typical monitor" },
	{ 0x7ffff7a00000ull, 0x7ffff8000000ull, "top of a 47-bit space" },
	{ 0x100000000000ull, 0x100000000001ull, "one byte" },
	{ 0x400000ull, 0x1400000ull, "lo below 2^32" },
	{ 0, 0x1000, "lo 0" },
	{ 0x180000000ull, 0x200000000ull, "lo below 2^33" },
	{ 0x200000000ull, 0x200001000ull, "lo just 2^33" },
	{ 0x00fffffe00001000ull, 0x00ffffff00000000ull, "hi just below 2^56 - 2^32" },
	{ 0x00ffffff00000000ull, TWO_56, "hi 2^56" },
	{ 0xffff000000000000ull, ~0ull, "above 2^56" },
	{ 0x1000, ~0ull, "nearly everything" },
};

static void case_guards(const struct arch_desc *a)
{
	static struct guarded_spec g;
	char name[160];

	for (size_t i = 0; i < ARRAY_LEN(guard_ranges); i++) {
		guarded_realistic(a, guard_ranges[i].lo, guard_ranges[i].hi, &g);
		snprintf(name, sizeof(name), "(g) %zu memory guards on [%#llx, %#llx), %s, %s",
			 g.sp.n_guards, (unsigned long long)g.sp.guard_lo,
			 (unsigned long long)g.sp.guard_hi, guard_ranges[i].what, a->name);
		build_and_verify(name, &g.sp, 0, NULL);
	}
}

/* The boot call: ALLOWed from anywhere with exactly its address and
 * without MAP_FIXED, in a filter of every number, with mmap guarded (by
 * its range alone, as dispatch.c does), and with mmap hooked by the tool
 * (not guarded); near misses trap. */
static void case_boot(const struct arch_desc *a)
{
	static struct guarded_spec g;
	int mmap_nr = seccomp_syscall_resolve_name_arch(a->token, "mmap");
	const uint64_t base = 0x1000000000ull;
	const uint64_t addrs[] = { base, base ^ FOUR_G, base + 0x1000, base - 0x1000 };
	const uint64_t flags[] = { 0x22, 0x100022, MAP_FIXED | 0x22, 0x100032, FOUR_G | MAP_FIXED };
	char name[128];

	for (int shape = 0; shape < 3; shape++) {
		guarded_realistic(a, base, base + (16ull << 30), &g);
		if (shape == 0)
			g.sp = spec_for(a, NULL, 0, 1);
		if (shape == 2)
			g.sp.n_guards = 0;	/* mmap stays in the set, hooked */
		/* Every mmap that may touch the range traps, as in the monitor. */
		for (size_t i = 0; i < g.sp.n_guards; i++)
			if (g.guards[i].nr == mmap_nr)
				g.guards[i].kind = TV_GUARD_RANGE;
		g.sp.boot_addr = base;
		g.sp.boot_nr = mmap_nr;
		g.sp.boot_flags = MAP_FIXED;
		snprintf(name, sizeof(name), "(b) boot call, %s, %s", a->name,
			 shape == 0 ? "every number" : shape == 1 ? "mmap guarded" : "mmap hooked");
		long n = build_and_verify(name, &g.sp, 0, NULL);
		if (n <= 0)
			continue;
		struct set s;
		struct verdicts v = { NULL, 0, 0 };
		int allowed = 0, trapped = 0;
		set_from(&s, g.sp.nrs, g.sp.all_nrs ? 0 : g.sp.n_nrs);
		for (size_t i = 0; i < ARRAY_LEN(addrs); i++) {
			for (size_t j = 0; j < ARRAY_LEN(flags); j++) {
				struct seccomp_data d = { .nr = mmap_nr, .arch = a->audit,
							  .instruction_pointer = rnd64() };
				d.args[0] = addrs[i];
				d.args[1] = 0x100000;
				d.args[3] = flags[j];
				try_one(&v, &g.sp, &s, prog, (size_t)n, &d, 64);
				uint32_t r = tv_bpf_run_checked(prog, (size_t)n, &d);
				allowed += r == SECCOMP_RET_ALLOW;
				trapped += r != SECCOMP_RET_ALLOW;
			}
		}
		/* 2 flag words without MAP_FIXED at the one right address. */
		report(!v.why && allowed == 2 && trapped == (int)(ARRAY_LEN(addrs) * ARRAY_LEN(flags)) - 2,
		       "%s: %d allowed, %d trapped%s%s", name, allowed, trapped,
		       v.why ? ": " : "", v.why ? v.why : "");
	}
}

static struct trace trace_call(const struct sock_filter *p, long n,
			       const struct tv_filter_spec *sp, int nr, uint64_t ip,
			       uint64_t a0, uint64_t a1, uint64_t a3)
{
	struct seccomp_data d;

	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = sp->audit_arch;
	d.instruction_pointer = ip;
	d.args[0] = a0;
	d.args[1] = a1;
	d.args[3] = a3;
	return trace_run(p, (size_t)n, &d);
}

/* Guards change nothing for the other numbers, and cost them at most a
 * couple of instructions (an extra tree level); the guarded paths' costs
 * are reported. */
static void case_guard_cost(const struct arch_desc *a)
{
	static struct guarded_spec g;
	static struct sock_filter with[BPF_MAXINSNS], without[BPF_MAXINSNS];
	struct tv_filter_spec plain;
	long nw, nwo;
	int ok = 1, extra = 0, nr_munmap, nr_mmap;
	uint64_t ips[2];

	guarded_realistic(a, 0x100000000000ull, 0x100440000000ull, &g);
	plain = g.sp;
	plain.n_guards = 0;
	plain.guards = NULL;
	nw = tv_filter_build(&g.sp, with, ARRAY_LEN(with));
	nwo = tv_filter_build(&plain, without, ARRAY_LEN(without));
	ips[0] = g.sp.allowed_ip[0];
	ips[1] = g.sp.allowed_ip[0] ^ FOUR_G;
	for (uint32_t nr = 0; nr <= MAX_NR && nw > 0 && nwo > 0; nr++) {
		if (guard_of(&g.sp, nr))
			continue;
		for (int i = 0; i < 2; i++) {
			struct trace tw, to;

			tw = trace_call(with, nw, &g.sp, (int)nr, ips[i], 0, 0, 0);
			to = trace_call(without, nwo, &plain, (int)nr, ips[i], 0, 0, 0);

			ok &= tw.ret == to.ret && !tw.bad && !to.bad;
			extra = tw.steps - to.steps > extra ? tw.steps - to.steps : extra;
		}
	}
	report(ok && nw > 0 && nwo > 0 && extra <= 2,
	       "guards, %s: same verdicts for the other numbers, at most %d more instructions "
	       "(%ld instructions with guards, %ld without)", a->name, extra, nw, nwo);

	nr_munmap = seccomp_syscall_resolve_name_arch(a->token, "munmap");
	nr_mmap = seccomp_syscall_resolve_name_arch(a->token, "mmap");
	report(ok, "guards, %s, instructions run: munmap below %d, above %d, "
	       "inside (trap) %d, len >= 4 GiB (trap) %d, from the allowed address %d; "
	       "mmap without MAP_FIXED %d; plain intercepted trap %d (without guards %d)",
	       a->name,
	       trace_call(with, nw, &g.sp, nr_munmap, ips[1], 0x10000, 0x1000, 0).steps,
	       trace_call(with, nw, &g.sp, nr_munmap, ips[1], 0x7f0000000000ull, 0x1000, 0).steps,
	       trace_call(with, nw, &g.sp, nr_munmap, ips[1], 0x100000001000ull, 0x1000, 0).steps,
	       trace_call(with, nw, &g.sp, nr_munmap, ips[1], 0x10000, FOUR_G, 0).steps,
	       trace_call(with, nw, &g.sp, nr_munmap, ips[0], 0x100000001000ull, 0x1000, 0).steps,
	       trace_call(with, nw, &g.sp, nr_mmap, ips[1], 0x100000001000ull, 0x1000, 0).steps,
	       trace_call(with, nw, &g.sp, g.nrs[0], ips[1], 0, 0, 0).steps,
	       trace_call(without, nwo, &plain, g.nrs[0], ips[1], 0, 0, 0).steps);
}

static void case_guard_edges(void)
{
	static struct guarded_spec g;
	struct tv_filter_guard many[TV_FILTER_MAX_GUARDS + 1], saved;
	static int nrs[TV_FILTER_MAX_GUARDS + 1];
	struct tv_filter_spec sp;
	const char *why;
	long need;
	int ok = 1;

	guarded_realistic(native, 0x100000000000ull, 0x100440000000ull, &g);
	sp = g.sp;
	saved = g.guards[1];
	g.guards[1].nr = 1000;                  /* not in nrs */
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	g.guards[1].nr = -1;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	g.guards[1].nr = g.guards[0].nr;        /* twice */
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	g.guards[1] = saved;
	g.guards[1].kind = (enum tv_guard_kind)0;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	g.guards[1].kind = (enum tv_guard_kind)(TV_GUARD_FLAG_OR_RANGE + 1);
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	g.guards[1] = saved;
	g.guards[1].flag_arg = 6;               /* ignored by a RANGE guard */
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) > 0;
	g.guards[1] = saved;
	saved = g.guards[sp.n_guards - 1];      /* mremap's */
	g.guards[sp.n_guards - 1].flag_arg = 6;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	g.guards[sp.n_guards - 1].flag_arg = -1;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	g.guards[sp.n_guards - 1] = saved;
	sp.guard_hi = sp.guard_lo;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	sp.guard_lo = sp.guard_hi + 1;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	sp = g.sp;
	sp.guards = NULL;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	for (int i = 0; i <= TV_FILTER_MAX_GUARDS; i++) {
		nrs[i] = 2 * i;
		many[i] = (struct tv_filter_guard){ 2 * i, TV_GUARD_FLAG_OR_RANGE, 3, 1 };
	}
	sp = spec_for(native, nrs, ARRAY_LEN(nrs), 0);
	sp.guards = many;
	sp.n_guards = TV_FILTER_MAX_GUARDS + 1;
	sp.guard_lo = 0x100000000000ull;
	sp.guard_hi = 0x100440000000ull;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) == -22;
	/* Bad guards are ignored with all numbers. */
	sp.all_nrs = 1;
	ok &= tv_filter_build(&sp, prog, ARRAY_LEN(prog)) > 0;
	report(ok, "bad guards give -EINVAL (unless all numbers are intercepted)");

	/* The most guards, each with the longest test, three addresses: the
	 * guarded section's jumps at their longest (sampled sweeps: the jumps
	 * are what is new here). */
	sp.all_nrs = 0;
	sp.n_guards = TV_FILTER_MAX_GUARDS;
	sp.n_ips = 3;
	sp.allowed_ip[2] = 0x00001000000789acull;
	need = build_and_verify(NULL, &sp, 1, &why);
	report(need > 0, "16 guards of the longest test, three addresses: %ld instructions%s%s",
	       need, why ? ": " : "", why ? why : "");
	sp.guard_lo = 0x1000;
	sp.guard_hi = ~0ull;
	need = build_and_verify(NULL, &sp, 1, &why);
	report(need > 0, "16 guards that can never allow: %ld instructions%s%s",
	       need, why ? ": " : "", why ? why : "");

	sp = g.sp;
	need = tv_filter_build(&sp, prog, ARRAY_LEN(prog));
	report(need > 0 && tv_filter_build(&sp, prog, (size_t)need - 1) == -28 &&
	       tv_filter_build(&sp, prog, (size_t)need) == need,
	       "guards: too small a buffer by one gives -ENOSPC");
}

/* --- installing generated filters in the real kernel --- */

/* fork, retried for a while: a loaded machine may refuse one for a moment,
 * and a lost child must not read as a kernel disagreement. */
static pid_t fork_retry(void)
{
	for (int i = 0; i < 100; i++) {
		pid_t pid = fork();

		if (pid >= 0 || (errno != EAGAIN && errno != ENOMEM))
			return pid;
		usleep(10000);
	}
	return -1;
}

/* long test_stub_syscall(long nr, long a, long b, long c): a syscall
 * instruction at a known address, test_stub_after is just past it. */
#if defined(__x86_64__)
__asm__(".text\n"
	".globl test_stub_syscall\n.type test_stub_syscall,@function\n"
	"test_stub_syscall:\n"
	"\tmov %rdi, %rax\n\tmov %rsi, %rdi\n\tmov %rdx, %rsi\n\tmov %rcx, %rdx\n"
	"\tsyscall\n"
	".globl test_stub_after\ntest_stub_after:\n"
	"\tret\n"
	".size test_stub_syscall, .-test_stub_syscall\n");
#elif defined(__aarch64__)
__asm__(".text\n"
	".globl test_stub_syscall\n.type test_stub_syscall,%function\n"
	"test_stub_syscall:\n"
	"\tmov x8, x0\n\tmov x0, x1\n\tmov x1, x2\n\tmov x2, x3\n"
	"\tsvc #0\n"
	".globl test_stub_after\ntest_stub_after:\n"
	"\tret\n"
	".size test_stub_syscall, .-test_stub_syscall\n");
#endif
long test_stub_syscall(long nr, long a, long b, long c);
extern const char test_stub_after[];

/* What a child tells its parent, written with the allowed stub so that it
 * works whatever the filter traps. */
struct child_msg {
	long pid, ppid;         /* getpid from libc, getppid from the stub */
	int signo, code, err, syscall_nr;
	unsigned arch;
	int done;               /* a memory action returned ret */
	long ret;
};

static int msg_fd;
static struct child_msg msg;

static void send_msg(void)
{
	test_stub_syscall(SYS_write, msg_fd, (long)&msg, sizeof(msg));
}

static void record_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	msg.signo = sig;
	msg.code = si->si_code;
	msg.err = si->si_errno;
	msg.syscall_nr = si->si_syscall;
	msg.arch = si->si_arch;
	send_msg();
	test_stub_syscall(SYS_exit_group, 0, 0, 0);
}

enum action {
	ACT_LIBC_GETPPID, ACT_X32_GETPID, ACT_INT80, ACT_LIBC_GETPID,
	/* On test_page; these report what they returned. */
	ACT_LIBC_MUNMAP, ACT_LIBC_MUNMAP_4G, ACT_LIBC_MPROTECT, ACT_STUB_MUNMAP,
	ACT_LIBC_MMAP_FIXED, ACT_LIBC_MMAP_HINT,
};

/* A page of the parent's, so that whatever a child does to it harms
 * nothing else (under ASan an arbitrary address may be shadow memory). */
static char *test_page;

static long do_memory_action(enum action act)
{
	long page = (long)test_page, size = 4096;
	long anon = MAP_PRIVATE | MAP_ANONYMOUS;

	switch (act) {
	case ACT_LIBC_MUNMAP:
		return syscall(SYS_munmap, page, size);
	case ACT_LIBC_MUNMAP_4G:
		return syscall(SYS_munmap, page, size << 20);
	case ACT_LIBC_MPROTECT:
		return syscall(SYS_mprotect, page, size, PROT_READ);
	case ACT_STUB_MUNMAP:
		return test_stub_syscall(SYS_munmap, page, size, 0);
	case ACT_LIBC_MMAP_FIXED:
		return syscall(SYS_mmap, page, size, PROT_READ, anon | MAP_FIXED, -1, 0);
	case ACT_LIBC_MMAP_HINT:
		return syscall(SYS_mmap, page, size, PROT_READ, anon, -1, 0);
	default:
		return -1;
	}
}

static void do_action(enum action act)
{
	if (act >= ACT_LIBC_MUNMAP) {
		msg.ret = do_memory_action(act);
		msg.done = 1;
		send_msg();
		return;
	}
	switch (act) {
	case ACT_LIBC_GETPPID:
		syscall(SYS_getppid);
		break;
	case ACT_LIBC_GETPID:
		syscall(SYS_getpid);
		break;
	case ACT_X32_GETPID:
		syscall(SYS_getpid | X32_BIT);
		break;
	case ACT_INT80:
#if defined(__x86_64__)
		{
			long r = 20;    /* i386 getpid */

			/* Older kernels zero r8-r11 on this path. */
			__asm__ volatile("int $0x80" : "+a"(r) : : "r8", "r9", "r10", "r11", "memory");
		}
#endif
		break;
	default:
		break;
	}
}

static void filter_child(const struct tv_filter_spec *sp, enum action act, int handler)
{
	struct sock_filter p[128];
	long n = tv_filter_build(sp, p, ARRAY_LEN(p));
	struct sock_fprog fprog = { .len = (unsigned short)n, .filter = p };
	struct rlimit no_core = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no_core);
	if (handler) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = record_sigsys;
		sa.sa_flags = SA_SIGINFO;
		sigaction(SIGSYS, &sa, NULL);
	}
	if (n <= 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
		_exit(2);
	/* From here on only the stub may be used for anything that could be
	 * in the set. */
	if (!sp->all_nrs)
		msg.pid = getpid();
	msg.ppid = test_stub_syscall(SYS_getppid, 0, 0, 0);
	send_msg();
	do_action(act);
	test_stub_syscall(SYS_exit_group, 0, 0, 0);
}

struct child_result {
	int ok_run;             /* exited or was killed, and reported */
	int sig;                /* terminating signal, or 0 */
	int n_msgs;
	struct child_msg first, last;
};

static struct child_result run_filter_child(const struct tv_filter_spec *sp, enum action act,
					    int handler)
{
	struct child_result r;
	struct child_msg m;
	int fds[2], status;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	if (pipe(fds) != 0)
		return r;
	fflush(stdout);
	pid = fork_retry();
	if (pid == 0) {
		close(fds[0]);
		msg_fd = fds[1];
		filter_child(sp, act, handler);
	}
	close(fds[1]);
	while (read(fds[0], &m, sizeof(m)) == sizeof(m)) {
		if (r.n_msgs++ == 0)
			r.first = m;
		r.last = m;
	}
	close(fds[0]);
	if (pid > 0 && waitpid(pid, &status, 0) == pid) {
		r.ok_run = WIFEXITED(status) ? WEXITSTATUS(status) == 0 : 1;
		r.sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	return r;
}

static int kernel_usable(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog fprog = { 1, &allow };
	int status;
	pid_t pid = fork_retry();

	if (pid == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		_exit(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) == 0 ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* A guarded memory call from libc: trapped (SIGSYS naming nr) or run. */
static int mem_trapped(const struct child_result *r, int nr)
{
	return r->ok_run && r->n_msgs == 2 && r->sig == 0 && !r->last.done &&
	       r->last.signo == SIGSYS && r->last.syscall_nr == nr;
}

static int mem_ran(const struct child_result *r, long ret)
{
	return r->ok_run && r->n_msgs == 2 && r->sig == 0 && r->last.done &&
	       r->last.signo == 0 && (ret < 0 ? r->last.ret > 0 : r->last.ret == ret);
}

static void test_kernel_guards(void)
{
	int set[] = { SYS_getppid, SYS_munmap, SYS_mprotect, SYS_mmap };
	struct tv_filter_guard guards[] = {
		{ SYS_mmap, TV_GUARD_RANGE, 0, 0 },
		{ SYS_munmap, TV_GUARD_RANGE, 0, 0 },
		{ SYS_mprotect, TV_GUARD_RANGE, 0, 0 },
	};
	struct tv_filter_spec sp = spec_for(native, set, ARRAY_LEN(set), 0);
	uint64_t page, base;
	struct child_result r;
	int ok;

	test_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	page = (uint64_t)(uintptr_t)test_page;
	base = page & -FOUR_G;
	if (test_page == MAP_FAILED || base < (1ull << 35)) {
		printf("SKIP: kernel: guards (no page high enough to guard below it)\n");
		return;
	}
	sp.allowed_ip[0] = (uint64_t)(uintptr_t)test_stub_after;
	sp.n_ips = 1;
	sp.guards = guards;
	sp.n_guards = ARRAY_LEN(guards);

	/* The page far below the range, then far above it. */
	sp.guard_lo = base + (4 * FOUR_G);
	sp.guard_hi = sp.guard_lo + FOUR_G;
	r = run_filter_child(&sp, ACT_LIBC_MUNMAP, 1);
	ok = mem_ran(&r, 0);
	r = run_filter_child(&sp, ACT_LIBC_MPROTECT, 1);
	ok &= mem_ran(&r, 0);
	sp.guard_lo = base - 4 * FOUR_G;
	sp.guard_hi = base - 2 * FOUR_G;
	r = run_filter_child(&sp, ACT_LIBC_MUNMAP, 1);
	ok &= mem_ran(&r, 0);
	report(ok, "kernel: guards: munmap and mprotect of a page far below or far above "
	       "the range are not trapped");

	r = run_filter_child(&sp, ACT_LIBC_MUNMAP_4G, 1);
	report(mem_trapped(&r, SYS_munmap),
	       "kernel: guards: a 4 GiB munmap far from the range traps");

	sp.guard_lo = page;
	sp.guard_hi = page + 4096;
	r = run_filter_child(&sp, ACT_LIBC_MUNMAP, 1);
	ok = mem_trapped(&r, SYS_munmap);
	r = run_filter_child(&sp, ACT_LIBC_MPROTECT, 1);
	ok &= mem_trapped(&r, SYS_mprotect);
	r = run_filter_child(&sp, ACT_LIBC_MMAP_FIXED, 1);
	ok &= mem_trapped(&r, SYS_mmap);
	r = run_filter_child(&sp, ACT_LIBC_MMAP_HINT, 1);
	ok &= mem_trapped(&r, SYS_mmap);
	report(ok, "kernel: guards: munmap, mprotect and mmap (MAP_FIXED or a hint) of a "
	       "page in the range trap with SIGSYS");

	r = run_filter_child(&sp, ACT_STUB_MUNMAP, 1);
	report(mem_ran(&r, 0), "kernel: guards: munmap of the range from the allowed "
	       "address is not trapped");
}

/* Does an i386 getpid through int 0x80 kill a plain child, without a
 * filter, with SIGSEGV?  So the kernel answers it without IA-32
 * emulation, before seccomp could see it.  The child takes SIGSEGV's
 * default action: ASan's handler would turn the death into exit 1. */
static int int80_segv(void)
{
	int status;
	pid_t pid = fork_retry();

	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };

		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGSEGV, SIG_DFL);
		do_action(ACT_INT80);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	       WTERMSIG(status) == SIGSEGV;
}

static void test_kernel(void)
{
	int set[] = { SYS_getppid };
	struct tv_filter_spec sp = spec_for(native, set, 1, 0);
	long ppid = getpid();   /* the child's parent */
	struct child_result r;

	if (!kernel_usable()) {
		printf("SKIP: kernel: seccomp filters cannot be installed here\n");
		return;
	}
	sp.allowed_ip[0] = (uint64_t)(uintptr_t)test_stub_after;
	sp.n_ips = 1;

	r = run_filter_child(&sp, ACT_LIBC_GETPPID, 0);
	report(r.ok_run && r.n_msgs == 1 && r.first.pid > 0 && r.first.ppid == ppid &&
	       r.sig == SIGSYS,
	       "kernel: set {getppid}: getpid works, getppid from the allowed address works, "
	       "getppid from libc is killed by SIGSYS");

	r = run_filter_child(&sp, ACT_LIBC_GETPPID, 1);
	report(r.ok_run && r.n_msgs == 2 && r.sig == 0 && r.last.signo == SIGSYS &&
	       r.last.code == 1 /* SYS_SECCOMP */ && r.last.err == 0 &&
	       r.last.syscall_nr == SYS_getppid && r.last.arch == native->audit,
	       "kernel: the trap's siginfo: SYS_SECCOMP, si_syscall getppid, native arch, si_errno 0");

	r = run_filter_child(&sp, ACT_LIBC_GETPID, 1);
	report(r.ok_run && r.n_msgs == 1 && r.sig == 0,
	       "kernel: a number outside the set from libc is allowed");

	sp.all_nrs = 1;
	r = run_filter_child(&sp, ACT_LIBC_GETPID, 1);
	report(r.ok_run && r.n_msgs == 2 && r.first.ppid == ppid && r.last.syscall_nr == SYS_getpid,
	       "kernel: all numbers: the allowed address works, libc getpid traps");
	sp.all_nrs = 0;

	test_kernel_guards();

	if (native != &x86_64)
		return;
	r = run_filter_child(&sp, ACT_X32_GETPID, 1);
	report(r.ok_run && r.n_msgs == 2 && r.last.syscall_nr == (int)(SYS_getpid | X32_BIT),
	       "kernel: an x32 call of a number outside the set traps");
	if (int80_segv()) {
		printf("SKIP: kernel: an int 0x80 (i386) call traps with si_arch AUDIT_ARCH_I386 "
		       "(without a filter, int 0x80 kills with SIGSEGV: no IA-32 emulation, "
		       "CONFIG_IA32_EMULATION off or ia32_emulation=0)\n");
		return;
	}
	r = run_filter_child(&sp, ACT_INT80, 1);
	report(r.ok_run && r.n_msgs == 2 && r.last.arch == AUDIT_ARCH_I386 &&
	       r.last.syscall_nr == 20,
	       "kernel: an int 0x80 (i386) call traps with si_arch AUDIT_ARCH_I386");
}

int main(void)
{
	case_all(&x86_64);
	case_all(&aarch64);
	case_realistic(&x86_64);
	case_realistic(&aarch64);
	case_table(&x86_64);
	case_table(&aarch64);
	case_every_other(&x86_64);
	case_every_other(&aarch64);
	case_random();
	case_layout_switch();
	case_order_and_duplicates();
	case_edges();
	case_guards(&x86_64);
	case_guards(&aarch64);
	case_guard_cost(&x86_64);
	case_guard_cost(&aarch64);
	case_guard_edges();
	case_boot(&x86_64);
	case_boot(&aarch64);
	test_kernel();
	return failures ? 1 : 0;
}
