/* Generation of the monitor's seccomp filter (see filter.h for its shape).
 *
 * The numbers fall into three kinds of segment: outside the intercept set,
 * intercepted, and guarded (intercepted, judged by their arguments).  The
 * "boundaries" are the numbers where the kind changes: the first number of
 * each run of one kind, and the first number after it; segment s holds
 * the numbers with s boundaries <= them (segment 0 is always outside).
 * The search tree has one JGE node per boundary: node b sends nr >= b to
 * its right subtree, else to its left.  Without guards there are two kinds
 * and the segments alternate, as ranges and the gaps between them.
 *
 * Layout: the tree is laid out in preorder (node, left subtree, right
 * subtree) so every jump goes forward.  After it come the address check
 * of intercepted numbers (ending in RET TRAP, RET ALLOW), then, if there
 * are guards, the guarded section: the same address check, a dispatch on
 * nr (one JEQ per guard, each followed by its argument test) and its own
 * RET TRAP, RET ALLOW.  Leaves come in two flavours:
 *  - compact: when the whole tree plus the address check is within reach
 *    of an 8-bit jump (up to about 120 ranges), leaves take no room: a
 *    node jumps straight to the shared "RET ALLOW", to the address check
 *    or to the guarded section just after it;
 *  - inline: otherwise each leaf is one instruction, RET ALLOW or a JA
 *    (32-bit offset) to the address check or the guarded section, and a
 *    node whose left subtree is longer than 255 instructions reaches its
 *    right subtree through a JA.
 * JGE is the tree's alone (the argument tests use JGT), so a JGE in the
 * program is a tree node.
 *
 * The boundaries are never stored: the tree is emitted in preorder but
 * numbered in order, and an in-order walk over the (unsorted) spec hands
 * out the boundaries in increasing order as the recursion needs them. */
#include "filter.h"
#include <linux/seccomp.h>

/* <errno.h> belongs to a libc, which the monitor does not have. */
#define FILTER_EINVAL (-22)     /* -EINVAL */
#define FILTER_ENOSPC (-28)     /* -ENOSPC */

/* sock_filter.jt and .jf are 8 bits wide. */
#define JUMP_MAX 255u

#define RET_TRAP (SECCOMP_RET_TRAP | 0u)   /* SIGSYS with si_errno 0 */

/* The 32-bit halves of a 64-bit field of seccomp_data. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LO_WORD(off) (off)
#define HI_WORD(off) ((off) + sizeof(uint32_t))
#else
#define LO_WORD(off) ((off) + sizeof(uint32_t))
#define HI_WORD(off) (off)
#endif

#define IP_OFF offsetof(struct seccomp_data, instruction_pointer)
#define IP_LO_OFF LO_WORD(IP_OFF)
#define IP_HI_OFF HI_WORD(IP_OFF)

#define N_ARGS 6                /* seccomp_data.args */
#define ARG_OFF(i) (offsetof(struct seccomp_data, args) + sizeof(uint64_t) * (size_t)(i))

/* Per allowed address: load low word, compare, load high word, compare. */
#define IP_CHECK_INSNS_PER_IP 4u
/* The boot call: load nr, compare; the address's two halves; the flags. */
#define BOOT_CHECK_INSNS 8u
#define BOOT_FLAGS_ARG 3
/* Then RET TRAP and RET ALLOW. */
#define IP_CHECK_TAIL 2u

/* The high word of the last address below 2^56: above it an address may
 * be tagged, and move into [lo, hi) once the kernel untags it. */
#define UNTAGGED_HI_MAX 0x00ffffffu

static struct sock_filter stmt(uint16_t code, uint32_t k)
{
	struct sock_filter f = BPF_STMT(code, k);
	return f;
}

/* Callers guarantee jt, jf <= JUMP_MAX. */
static struct sock_filter jump(uint16_t code, uint32_t k, size_t jt, size_t jf)
{
	struct sock_filter f = BPF_JUMP(code, k, (uint8_t)jt, (uint8_t)jf);
	return f;
}

static int contains(const int *nrs, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if ((uint32_t)nrs[i] == v)
			return 1;
	return 0;
}

static int guard_ok(const struct tv_filter_spec *s, size_t i)
{
	const struct tv_filter_guard *g = &s->guards[i];

	if (g->nr < 0 || !contains(s->nrs, s->n_nrs, (uint32_t)g->nr))
		return 0;
	for (size_t j = 0; j < i; j++)
		if (s->guards[j].nr == g->nr)
			return 0;
	switch (g->kind) {
	case TV_GUARD_RANGE:
		return 1;
	case TV_GUARD_FLAG_OR_RANGE:
		return g->flag_arg >= 0 && g->flag_arg < N_ARGS;
	}
	return 0;
}

static int guards_ok(const struct tv_filter_spec *s)
{
	if (s->n_guards == 0)
		return 1;
	if (!s->guards || s->n_guards > TV_FILTER_MAX_GUARDS ||
	    s->guard_lo >= s->guard_hi)
		return 0;
	for (size_t i = 0; i < s->n_guards; i++)
		if (!guard_ok(s, i))
			return 0;
	return 1;
}

static int spec_ok(const struct tv_filter_spec *s)
{
	if (!s || s->audit_arch == 0 || s->n_ips < 1 || s->n_ips > TV_FILTER_MAX_IPS ||
	    (s->boot_addr && s->boot_nr < 0))
		return 0;
	if (s->all_nrs)
		return 1;
	if (s->n_nrs > 0 && !s->nrs)
		return 0;
	for (size_t i = 0; i < s->n_nrs; i++)
		if (s->nrs[i] < 0)
			return 0;
	return guards_ok(s);
}

static int has_guards(const struct tv_filter_spec *s)
{
	return !s->all_nrs && s->n_guards > 0;
}

/* --- walking the boundaries of the set in increasing order --- */

/* What the filter does with a segment after the tree. */
enum seg {
	SEG_OUT,                /* RET ALLOW */
	SEG_IN,                 /* the address check */
	SEG_GUARDED,            /* the guarded section */
	N_SEGS
};

struct bound_walk {
	const struct tv_filter_spec *s;
	uint32_t from;          /* the next boundary is >= from */
	enum seg seg;           /* the kind of the segment starting at from */
};

static enum seg seg_of(const struct tv_filter_spec *s, uint32_t v)
{
	if (!contains(s->nrs, s->n_nrs, v))
		return SEG_OUT;
	for (size_t i = 0; i < s->n_guards; i++)
		if ((uint32_t)s->guards[i].nr == v)
			return SEG_GUARDED;
	return SEG_IN;
}

/* The smallest member >= from, if any. */
static int set_next(const struct tv_filter_spec *s, uint32_t from, uint32_t *v)
{
	int found = 0;

	for (size_t i = 0; i < s->n_nrs; i++) {
		uint32_t nr = (uint32_t)s->nrs[i];

		if (nr >= from && (!found || nr < *v)) {
			*v = nr;
			found = 1;
		}
	}
	return found;
}

/* Members are <= INT_MAX, so "one past a run" never wraps. */
static int next_boundary(struct bound_walk *w, uint32_t *b)
{
	if (w->seg != SEG_OUT) {
		uint32_t v = w->from;

		while (seg_of(w->s, v) == w->seg)
			v++;
		*b = v;
	} else if (!set_next(w->s, w->from, b)) {
		return 0;
	}
	w->seg = seg_of(w->s, *b);
	w->from = *b;
	return 1;
}

static struct bound_walk walk_start(const struct tv_filter_spec *s)
{
	struct bound_walk w = { s, 0, SEG_OUT };
	return w;
}

static size_t count_boundaries(const struct tv_filter_spec *s)
{
	struct bound_walk w = walk_start(s);
	uint32_t b;
	size_t n = 0;

	while (next_boundary(&w, &b))
		n++;
	return n;
}

/* --- the tree --- */

/* Instructions of a subtree over n boundaries. */
static size_t tree_size(size_t n, int inline_leaves)
{
	size_t left;

	if (!inline_leaves)
		return n;
	/* Small enough that no left subtree needs a trampoline. */
	if (2 * n + 1 <= JUMP_MAX)
		return 2 * n + 1;
	left = tree_size(n / 2, 1);
	return 1 + (left > JUMP_MAX) + left + tree_size(n - n / 2 - 1, 1);
}

struct tree_gen {
	struct sock_filter *out;
	struct bound_walk walk;
	int inline_leaves;
	size_t target[N_SEGS];  /* where each kind of segment is decided */
};

/* Where a jump to the subtree over segments lo..hi starting at pos lands;
 * seg is the kind of segment lo. */
static size_t subtree_target(const struct tree_gen *g, size_t lo, size_t hi,
			     size_t pos, enum seg seg)
{
	if (lo == hi && !g->inline_leaves)
		return g->target[seg];
	return pos;
}

static size_t emit_leaf(struct tree_gen *g, enum seg seg, size_t pos)
{
	if (!g->inline_leaves)
		return pos;
	if (seg == SEG_OUT)
		g->out[pos] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	else
		g->out[pos] = stmt(BPF_JMP | BPF_JA, (uint32_t)(g->target[seg] - (pos + 1)));
	return pos + 1;
}

/* Emits at pos the subtree deciding between segments lo..hi (boundaries
 * lo..hi-1) and returns the position after it. */
static size_t emit_tree(struct tree_gen *g, size_t lo, size_t hi, size_t pos)
{
	size_t mid = lo + (hi - lo) / 2, node = pos, left, right, end;
	/* The walk stands at the start of segment lo. */
	enum seg seg_lo = g->walk.seg, seg_right;
	int tramp;
	uint32_t b = 0;

	if (lo == hi)
		return emit_leaf(g, seg_lo, pos);
	tramp = tree_size(mid - lo, g->inline_leaves) > JUMP_MAX;
	left = node + 1 + (size_t)tramp;
	right = emit_tree(g, lo, mid, left);    /* takes boundaries lo..mid-1 */
	next_boundary(&g->walk, &b);            /* boundary mid */
	seg_right = g->walk.seg;                /* of segment mid + 1 */
	end = emit_tree(g, mid + 1, hi, right);
	right = subtree_target(g, mid + 1, hi, right, seg_right);
	left = subtree_target(g, lo, mid, left, seg_lo);
	if (tramp) {
		/* nr >= b: fall into the JA; else skip it into the left tree. */
		g->out[node] = jump(BPF_JMP | BPF_JGE | BPF_K, b, 0, 1);
		g->out[node + 1] = stmt(BPF_JMP | BPF_JA, (uint32_t)(right - (node + 2)));
	} else {
		g->out[node] = jump(BPF_JMP | BPF_JGE | BPF_K, b,
				    right - (node + 1), left - (node + 1));
	}
	return end;
}

/* --- the fixed parts --- */

static int needs_nr(const struct tv_filter_spec *s, size_t bounds)
{
	return s->nr_trap_mask || (!s->all_nrs && bounds > 0);
}

/* load arch, compare, RET TRAP; load nr; JSET mask, RET TRAP */
#define ARCH_CHECK_INSNS 3u
#define MASK_CHECK_INSNS 2u

static size_t prefix_size(const struct tv_filter_spec *s, size_t bounds)
{
	return ARCH_CHECK_INSNS + (size_t)needs_nr(s, bounds) +
	       (s->nr_trap_mask ? MASK_CHECK_INSNS : 0);
}

static size_t emit_prefix(const struct tv_filter_spec *s, size_t bounds,
			  struct sock_filter *out)
{
	size_t pos = 0;

	out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	out[pos++] = jump(BPF_JMP | BPF_JEQ | BPF_K, s->audit_arch, 1, 0);
	out[pos++] = stmt(BPF_RET | BPF_K, RET_TRAP);
	if (needs_nr(s, bounds))
		out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	if (s->nr_trap_mask) {
		out[pos++] = jump(BPF_JMP | BPF_JSET | BPF_K, s->nr_trap_mask, 0, 1);
		out[pos++] = stmt(BPF_RET | BPF_K, RET_TRAP);
	}
	return pos;
}

static size_t ip_check_size(const struct tv_filter_spec *s)
{
	return IP_CHECK_INSNS_PER_IP * (size_t)s->n_ips + (s->boot_addr ? BOOT_CHECK_INSNS : 0) +
	       IP_CHECK_TAIL;
}

/* Jumps to allow for the boot call, else falls through. */
static size_t emit_boot_compare(const struct tv_filter_spec *s,
				struct sock_filter *out, size_t pos, size_t allow)
{
	size_t next = pos + BOOT_CHECK_INSNS;

	out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)s->boot_nr, 0, next - (pos + 1));
	pos++;
	out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, LO_WORD(ARG_OFF(0)));
	out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)s->boot_addr, 0, next - (pos + 1));
	pos++;
	out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, HI_WORD(ARG_OFF(0)));
	out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(s->boot_addr >> 32), 0,
			next - (pos + 1));
	pos++;
	out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, LO_WORD(ARG_OFF(BOOT_FLAGS_ARG)));
	out[pos] = jump(BPF_JMP | BPF_JSET | BPF_K, s->boot_flags, 0, allow - (pos + 1));
	return pos + 1;
}

/* Jumps to allow from an allowed address or for the boot call, else
 * falls through. */
static size_t emit_ip_compares(const struct tv_filter_spec *s,
			       struct sock_filter *out, size_t pos, size_t allow)
{
	for (int i = 0; i < s->n_ips; i++) {
		uint64_t ip = s->allowed_ip[i];

		out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, IP_LO_OFF);
		/* No match: skip the high half, on to the next address. */
		out[pos++] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)ip, 0, 2);
		out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, IP_HI_OFF);
		out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(ip >> 32),
				allow - (pos + 1), 0);
		pos++;
	}
	return s->boot_addr ? emit_boot_compare(s, out, pos, allow) : pos;
}

/* ALLOW from an allowed address, else TRAP; the last instruction is the
 * RET ALLOW that compact tree leaves share. */
static size_t emit_ip_check(const struct tv_filter_spec *s,
			    struct sock_filter *out, size_t pos)
{
	pos = emit_ip_compares(s, out, pos, pos + ip_check_size(s) - 1);
	out[pos++] = stmt(BPF_RET | BPF_K, RET_TRAP);
	out[pos++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return pos;
}

/* --- the argument tests of the guarded section --- */

/* Where a test's jump goes: on, or to the section's verdicts. */
enum to { TO_NEXT, TO_TRAP, TO_ALLOW };

/* One instruction of an argument test, its targets still symbolic, so
 * that one function both sizes and emits a test. */
struct step {
	uint16_t code;
	uint32_t k;
	enum to jt, jf;         /* for jumps */
};

/* Flag load and test, then the range test's 7. */
#define GUARD_STEPS_MAX 9u

/* The dispatch JEQs and tests, the address check, the load of nr and the
 * two RETs of the section must stay within one 8-bit jump. */
_Static_assert(IP_CHECK_INSNS_PER_IP * TV_FILTER_MAX_IPS + BOOT_CHECK_INSNS + 1 + IP_CHECK_TAIL +
	       TV_FILTER_MAX_GUARDS * (1 + GUARD_STEPS_MAX) <= JUMP_MAX,
	       "the guarded section outgrows 8-bit jumps");

static struct step load(size_t off)
{
	struct step st = { BPF_LD | BPF_W | BPF_ABS, (uint32_t)off, TO_NEXT, TO_NEXT };
	return st;
}

static struct step cond(uint16_t op, uint32_t k, enum to jt, enum to jf)
{
	struct step st = { (uint16_t)(BPF_JMP | op | BPF_K), k, jt, jf };
	return st;
}

/* ALLOW when [args[0], args[0] + args[1]) provably misses [lo, hi) (see
 * filter.h), else TRAP.  Returns 0 when it can never allow. */
static size_t range_steps(const struct tv_filter_spec *s, struct step *st)
{
	uint32_t lo_hi = (uint32_t)(s->guard_lo >> 32);
	uint32_t last_hi = (uint32_t)((s->guard_hi - 1) >> 32);
	int below = lo_hi >= 2, above = last_hi < UNTAGGED_HI_MAX;
	size_t n = 0;

	if (!below && !above)
		return 0;
	st[n++] = load(HI_WORD(ARG_OFF(1)));
	st[n++] = cond(BPF_JEQ, 0, TO_NEXT, TO_TRAP);   /* len < 2^32 */
	st[n++] = load(HI_WORD(ARG_OFF(0)));
	/* a < (lo_hi - 1) << 32, so a + len < lo_hi << 32 <= lo. */
	if (below)
		st[n++] = cond(BPF_JGT, lo_hi - 2, above ? TO_NEXT : TO_TRAP, TO_ALLOW);
	/* a >= (last_hi + 1) << 32 > hi - 1, and not tagged. */
	if (above) {
		st[n++] = cond(BPF_JGT, last_hi, TO_NEXT, TO_TRAP);
		st[n++] = cond(BPF_JGT, UNTAGGED_HI_MAX, TO_TRAP, TO_ALLOW);
	}
	return n;
}

/* The test of one guard; 0 when it can never allow. */
static size_t guard_steps(const struct tv_filter_spec *s,
			  const struct tv_filter_guard *g, struct step *st)
{
	size_t range;

	if (g->kind == TV_GUARD_RANGE)
		return range_steps(s, st);
	st[0] = load(LO_WORD(ARG_OFF(g->flag_arg)));
	range = range_steps(s, st + 2);
	if (!range)
		return 0;
	st[1] = cond(BPF_JSET, g->flag_mask, TO_TRAP, TO_NEXT);
	return 2 + range;
}

/* A guard's JEQ and test; nothing for a test that never allows, whose
 * number falls through the dispatch to its RET TRAP. */
static size_t guard_block_size(const struct tv_filter_spec *s,
			       const struct tv_filter_guard *g)
{
	struct step st[GUARD_STEPS_MAX];
	size_t n = guard_steps(s, g, st);

	return n ? 1 + n : 0;
}

static size_t guarded_size(const struct tv_filter_spec *s)
{
	/* The address check without its tail, the load of nr, the tail. */
	size_t n = ip_check_size(s) + 1;

	for (size_t i = 0; i < s->n_guards; i++)
		n += guard_block_size(s, &s->guards[i]);
	return n;
}

static size_t step_offset(enum to to, size_t pos, size_t trap, size_t allow)
{
	if (to == TO_NEXT)
		return 0;
	return (to == TO_TRAP ? trap : allow) - (pos + 1);
}

static size_t emit_steps(const struct step *st, size_t n, struct sock_filter *out,
			 size_t pos, size_t trap, size_t allow)
{
	for (size_t i = 0; i < n; i++, pos++) {
		if (BPF_CLASS(st[i].code) == BPF_LD)
			out[pos] = stmt(st[i].code, st[i].k);
		else
			out[pos] = jump(st[i].code, st[i].k,
					step_offset(st[i].jt, pos, trap, allow),
					step_offset(st[i].jf, pos, trap, allow));
	}
	return pos;
}

/* ALLOW from an allowed address, else the test of nr's guard. */
static size_t emit_guarded(const struct tv_filter_spec *s,
			   struct sock_filter *out, size_t pos)
{
	size_t allow = pos + guarded_size(s) - 1, trap = allow - 1;
	struct step st[GUARD_STEPS_MAX];

	pos = emit_ip_compares(s, out, pos, allow);
	out[pos++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (size_t i = 0; i < s->n_guards; i++) {
		const struct tv_filter_guard *g = &s->guards[i];
		size_t n = guard_steps(s, g, st);

		if (n == 0)
			continue;
		/* Not this guard's number: skip its test. */
		out[pos] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)g->nr, 0, n);
		pos = emit_steps(st, n, out, pos + 1, trap, allow);
	}
	out[pos++] = stmt(BPF_RET | BPF_K, RET_TRAP);
	out[pos++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return pos;
}

/* --- the whole --- */

/* Compact leaves need the farthest target, the final RET ALLOW of the
 * address check or the guarded section just after it, within one 8-bit
 * jump of the first node. */
static int leaves_inline(const struct tv_filter_spec *s, size_t bounds)
{
	return bounds == 0 ||
	       bounds + ip_check_size(s) - 2 + (size_t)has_guards(s) > JUMP_MAX;
}

static size_t body_size(const struct tv_filter_spec *s, size_t bounds)
{
	if (s->all_nrs)
		return ip_check_size(s);
	if (bounds == 0)
		return 1;               /* RET ALLOW: nothing is intercepted */
	return tree_size(bounds, leaves_inline(s, bounds)) + ip_check_size(s) +
	       (has_guards(s) ? guarded_size(s) : 0);
}

static size_t emit_body(const struct tv_filter_spec *s, size_t bounds,
			struct sock_filter *out, size_t pos)
{
	struct tree_gen g;

	g.out = out;
	g.walk = walk_start(s);
	g.inline_leaves = leaves_inline(s, bounds);
	g.target[SEG_IN] = pos + tree_size(bounds, g.inline_leaves);
	g.target[SEG_OUT] = g.target[SEG_IN] + ip_check_size(s) - 1;
	g.target[SEG_GUARDED] = g.target[SEG_OUT] + 1;
	pos = emit_tree(&g, 0, bounds, pos);
	pos = emit_ip_check(s, out, pos);
	if (has_guards(s))
		pos = emit_guarded(s, out, pos);
	return pos;
}

long tv_filter_build(const struct tv_filter_spec *spec, struct sock_filter *out,
		     size_t cap)
{
	size_t bounds, total, pos;

	if (!spec_ok(spec))
		return FILTER_EINVAL;
	bounds = spec->all_nrs ? 0 : count_boundaries(spec);
	total = prefix_size(spec, bounds) + body_size(spec, bounds);
	if (total > cap || total > BPF_MAXINSNS || !out)
		return FILTER_ENOSPC;
	pos = emit_prefix(spec, bounds, out);
	if (spec->all_nrs)
		return (long)emit_ip_check(spec, out, pos);
	if (bounds == 0) {
		out[pos++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
		return (long)pos;
	}
	return (long)emit_body(spec, bounds, out, pos);
}
