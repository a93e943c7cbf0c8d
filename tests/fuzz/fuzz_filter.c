/* libFuzzer target for core/filter.c, the generator of the monitor's own
 * seccomp filter, run by core/bpf.c: a differential property test.
 *
 * The input describes a spec (arch, intercept set or "all", allowed
 * addresses, guards and the guard range; the set spelled out, or drawn
 * from a seed), then calls to try.  The spec is
 * judged here first: the generator must refuse exactly the bad specs
 * filter.h lists, and may run out of room only for a set of very many
 * ranges.  A built filter must pass tv_bpf_check, and for every call,
 * those of the input and one at, below and above each member of the set,
 * tv_bpf_run_checked must give what the set says (the rule of filter.h,
 * written again below as test_filter writes it):
 *   - a foreign arch, or a number with a trap-mask bit: TRAP;
 *   - a number outside the set: ALLOW;
 *   - inside, from an allowed instruction pointer: ALLOW;
 *   - inside and guarded: ALLOW iff the arguments pass the guard's test;
 *   - else TRAP.
 * An ALLOWed guarded call must also provably miss [guard_lo, guard_hi),
 * its address as given or untagged.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I core \
 *         tests/fuzz/fuzz_filter.c core/filter.c core/bpf.c */
#include <limits.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"
#include "filter.h"

#include "require.h"

#define X32_BIT 0x40000000u
#define MAX_NRS 1500
#define TWO_56 (1ull << 56)

/* The input, read front to back; zeros once it runs out. */
struct in {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct in *in, size_t bytes)
{
	uint64_t v = 0;

	for (size_t i = 0; i < bytes; i++) {
		v = v << 8 | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

/* Numbers: mostly small, clustered enough for ranges; a few near
 * INT_MAX; 0xffff is negative (a bad spec). */
static int take_nr(struct in *in)
{
	uint32_t v = (uint32_t)take(in, 2);

	if (v == 0xffff)
		return -1;
	if (v >= 0xf800)
		return INT_MAX - (int)(v & 0x3ff);
	return (int)(v & 0x7ff);
}

/* Many numbers from a few bytes (a seed and a span), for the sets of
 * hundreds of ranges the fuzzer would not spell out: the tree's inline
 * leaves and trampolines, and running out of room. */
static void gen_nrs(struct in *in, int *nrs, size_t n)
{
	uint64_t x = take(in, 8) | 1;
	uint32_t span = 64u << take(in, 1) % 8;        /* up to 8192 */

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		nrs[i] = (int)(x % span);
	}
}

struct fuzz_spec {
	struct tv_filter_spec s;
	int nrs[MAX_NRS];
	uint32_t sorted[MAX_NRS];       /* distinct members, increasing */
	size_t n_sorted;
	struct tv_filter_guard guards[32];
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int member(const struct fuzz_spec *f, uint32_t nr)
{
	return bsearch(&nr, f->sorted, f->n_sorted, sizeof nr, cmp_u32) != NULL;
}

static void take_spec(struct in *in, struct fuzz_spec *f)
{
	struct tv_filter_spec *s = &f->s;
	unsigned flags = (unsigned)take(in, 1);
	size_t n;

	memset(f, 0, sizeof *f);
	s->audit_arch = flags & 1 ? AUDIT_ARCH_AARCH64 : AUDIT_ARCH_X86_64;
	s->nr_trap_mask = flags & 1 ? 0 : X32_BIT;
	s->all_nrs = (flags & 6) == 6;          /* rarely: it takes no set */
	s->n_ips = (int)(flags >> 3 & 3);
	for (int i = 0; i < TV_FILTER_MAX_IPS; i++)
		s->allowed_ip[i] = take(in, 8);
	s->guard_lo = take(in, 8);
	s->guard_hi = take(in, 8);
	s->n_guards = (size_t)(flags >> 5) * 3;  /* 0..21: above 16 is bad */
	n = (size_t)take(in, 2);
	if (n & 0x8000) {
		n = (n & 0x7fff) % (MAX_NRS + 1);
		gen_nrs(in, f->nrs, n);
	} else {
		n %= MAX_NRS + 1;
		for (size_t i = 0; i < n; i++)
			f->nrs[i] = take_nr(in);
	}
	for (size_t i = 0; i < n; i++)
		if (f->nrs[i] >= 0)
			f->sorted[f->n_sorted++] = (uint32_t)f->nrs[i];
	s->nrs = f->nrs;
	s->n_nrs = n;
	qsort(f->sorted, f->n_sorted, sizeof f->sorted[0], cmp_u32);
	n = 0;
	for (size_t i = 0; i < f->n_sorted; i++)
		if (i == 0 || f->sorted[i] != f->sorted[i - 1])
			f->sorted[n++] = f->sorted[i];
	f->n_sorted = n;
	for (size_t i = 0; i < s->n_guards; i++) {
		struct tv_filter_guard *g = &f->guards[i];
		size_t pick = (size_t)take(in, 2);

		g->nr = s->n_nrs ? f->nrs[pick % s->n_nrs] : (int)pick;
		g->kind = (enum tv_guard_kind)(take(in, 1) % 3);
		g->flag_arg = (int)(take(in, 1) % 7);
		g->flag_mask = (uint32_t)take(in, 4);
	}
	s->guards = f->guards;
}

/* ---- what filter.h says ----------------------------------------- */

static int guard_valid(const struct fuzz_spec *f, size_t i)
{
	const struct tv_filter_guard *g = &f->guards[i];

	for (size_t j = 0; j < i; j++)
		if (f->guards[j].nr == g->nr)
			return 0;
	if (g->nr < 0 || !member(f, (uint32_t)g->nr))
		return 0;
	if (g->kind == TV_GUARD_RANGE)
		return 1;
	return g->kind == TV_GUARD_FLAG_OR_RANGE && g->flag_arg >= 0 && g->flag_arg <= 5;
}

static int spec_valid(const struct fuzz_spec *f)
{
	const struct tv_filter_spec *s = &f->s;

	if (s->n_ips < 1 || s->n_ips > TV_FILTER_MAX_IPS)
		return 0;
	if (s->all_nrs)
		return 1;
	for (size_t i = 0; i < s->n_nrs; i++)
		if (s->nrs[i] < 0)
			return 0;
	if (s->n_guards == 0)
		return 1;
	if (s->n_guards > TV_FILTER_MAX_GUARDS || s->guard_lo >= s->guard_hi)
		return 0;
	for (size_t i = 0; i < s->n_guards; i++)
		if (!guard_valid(f, i))
			return 0;
	return 1;
}

static const struct tv_filter_guard *guard_of(const struct fuzz_spec *f, uint32_t nr)
{
	if (f->s.all_nrs)
		return NULL;
	for (size_t i = 0; i < f->s.n_guards; i++)
		if ((uint32_t)f->guards[i].nr == nr)
			return &f->guards[i];
	return NULL;
}

/* Where the kind of number (outside, inside, guarded) changes: one JGE
 * of the search tree each. */
static size_t boundaries(const struct fuzz_spec *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_sorted; i++) {
		uint32_t m = f->sorted[i];
		int g = guard_of(f, m) != NULL;

		if (m == 0 || !member(f, m - 1) || (guard_of(f, m - 1) != NULL) != g)
			n++;
		if (!member(f, m + 1))
			n++;
	}
	return n;
}

static int range_allowed(const struct tv_filter_spec *s, uint64_t a, uint64_t len)
{
	uint64_t lo_hi = s->guard_lo >> 32, last_hi = (s->guard_hi - 1) >> 32;

	if (len >> 32)
		return 0;
	if (lo_hi >= 1 && a >> 32 < lo_hi - 1)
		return 1;
	return a >> 32 > last_hi && a < TWO_56;
}

static int flag_set(const struct tv_filter_guard *g, const struct seccomp_data *d)
{
	return g->kind != TV_GUARD_RANGE && ((uint32_t)d->args[g->flag_arg] & g->flag_mask);
}

static int args_allowed(const struct tv_filter_spec *s, const struct tv_filter_guard *g,
			const struct seccomp_data *d)
{
	int flag = flag_set(g, d), range = range_allowed(s, d->args[0], d->args[1]);

	if (g->kind == TV_GUARD_FLAG_OR_RANGE)
		return !flag && range;
	return range;
}

static int from_allowed_ip(const struct tv_filter_spec *s, const struct seccomp_data *d)
{
	for (int i = 0; i < s->n_ips; i++)
		if (d->instruction_pointer == s->allowed_ip[i])
			return 1;
	return 0;
}

static uint32_t expected(const struct fuzz_spec *f, const struct seccomp_data *d)
{
	uint32_t nr = (uint32_t)d->nr;
	const struct tv_filter_guard *g;

	if (d->arch != f->s.audit_arch || (nr & f->s.nr_trap_mask))
		return SECCOMP_RET_TRAP;
	if (!f->s.all_nrs && !member(f, nr))
		return SECCOMP_RET_ALLOW;
	if (from_allowed_ip(&f->s, d))
		return SECCOMP_RET_ALLOW;
	g = guard_of(f, nr);
	return g && args_allowed(&f->s, g, d) ? SECCOMP_RET_ALLOW : SECCOMP_RET_TRAP;
}

/* [a, a + len) meets [lo, hi), modulo 2^64. */
static int overlaps(uint64_t a, uint64_t len, uint64_t lo, uint64_t hi)
{
	uint64_t end = a + len;

	if (len == 0)
		return 0;
	if (end <= a)
		return a < hi || (end > 0 && lo < end);
	return a < hi && lo < end;
}

/* The safety the rule exists for: an ALLOWed guarded call from elsewhere
 * than an allowed address cannot touch the monitor, tagged or not. */
static void check_safe(const struct fuzz_spec *f, const struct seccomp_data *d)
{
	const struct tv_filter_guard *g = guard_of(f, (uint32_t)d->nr);
	uint64_t a = d->args[0], forms[3] = { a, a & (TWO_56 - 1), a & ~(0x3full << 57) };

	if (!g || from_allowed_ip(&f->s, d) || d->arch != f->s.audit_arch)
		return;
	REQUIRE(!(g->kind == TV_GUARD_FLAG_OR_RANGE && flag_set(g, d)));
	for (int i = 0; i < 3; i++)
		REQUIRE(!overlaps(forms[i], d->args[1], f->s.guard_lo, f->s.guard_hi));
}

static void try_call(const struct fuzz_spec *f, const struct sock_filter *prog,
		     size_t len, const struct seccomp_data *d)
{
	uint32_t got = tv_bpf_run_checked(prog, len, d);

	REQUIRE(got == expected(f, d));
	if (got == SECCOMP_RET_ALLOW)
		check_safe(f, d);
}

/* ---- the calls ------------------------------------------------------ */

/* A call from the input.  sel picks how each field is made, so that the
 * fuzzer reaches members, allowed addresses and the guard range's edges
 * without guessing them. */
static void take_call(struct in *in, const struct fuzz_spec *f, struct seccomp_data *d)
{
	unsigned sel = (unsigned)take(in, 1);
	uint32_t x = (uint32_t)take(in, 4);
	uint64_t ip = take(in, 8), a0 = take(in, 8), a1 = take(in, 8), rest = take(in, 8);
	uint32_t m = f->n_sorted ? f->sorted[x % f->n_sorted] : x;
	const uint32_t nrs[4] = { x, m, m + 1, m - 1 };
	const uint64_t a0s[4] = {
		a0, f->s.guard_lo + (uint64_t)(int64_t)(int32_t)a0,
		f->s.guard_hi + (uint64_t)(int64_t)(int32_t)a0,
		((f->s.guard_lo >> 32) + (uint64_t)(int64_t)(int8_t)(a0 >> 32)) << 32 | (uint32_t)a0,
	};

	memset(d, 0, sizeof *d);
	d->nr = (int)(nrs[sel & 3] | (sel & 0x80 ? X32_BIT : 0));
	d->instruction_pointer = sel & 8 || f->s.n_ips < 1 ? ip :
				 f->s.allowed_ip[ip % (uint64_t)f->s.n_ips];
	d->arch = sel & 0x10 ? (uint32_t)rest : f->s.audit_arch;
	d->args[0] = a0s[sel >> 5 & 3];
	/* A tag bit in the top byte, which the kernel may strip (filter.h). */
	if (sel & 4)
		d->args[0] ^= 1ull << (56 + (x >> 24) % 8);
	d->args[1] = a1 >> (a1 & 63);   /* a length of any magnitude */
	for (int i = 2; i < 6; i++)
		d->args[i] = rest >> (8 * i);
}

static struct sock_filter prog[BPF_MAXINSNS];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_spec f;
	struct in in = { data, size };
	struct seccomp_data d;
	long n;

	take_spec(&in, &f);
	n = tv_filter_build(&f.s, prog, BPF_MAXINSNS);
	if (!spec_valid(&f)) {
		REQUIRE(n == -22);
		return 0;
	}
	if (n == -28) {
		REQUIRE(boundaries(&f) > 1000);
		return 0;
	}
	REQUIRE(n > 0 && n <= BPF_MAXINSNS);
	REQUIRE(tv_bpf_check(prog, (size_t)n) == 0);
	/* Each member and its neighbours, from nowhere in particular. */
	memset(&d, 0, sizeof d);
	d.arch = f.s.audit_arch;
	for (size_t i = 0; i < f.n_sorted; i++) {
		for (uint32_t delta = 0; delta < 3; delta++) {
			d.nr = (int)(f.sorted[i] + delta - 1);
			try_call(&f, prog, (size_t)n, &d);
		}
	}
	while (in.n) {
		take_call(&in, &f, &d);
		try_call(&f, prog, (size_t)n, &d);
	}
	return 0;
}
