/* Generation of the monitor's seccomp filter (see filter.h for its shape).
 *
 * The intercept set is a union of ranges of consecutive numbers.  Its
 * 2R "boundaries" are the first number of each range and the first number
 * after it; the segment of a number nr is how many boundaries are <= nr, and
 * odd segments are the ranges.  The search tree has one JGE node per
 * boundary: node b sends nr >= b to its right subtree, else to its left.
 *
 * Layout: the tree is laid out in preorder (node, left subtree, right
 * subtree) so every jump goes forward.  Leaves come in two flavours:
 *  - compact: when the whole tree plus the address check is within reach
 *    of an 8-bit jump (up to about 120 ranges), leaves take no room: a
 *    node jumps straight to the shared "RET ALLOW" or to the address check;
 *  - inline: otherwise each leaf is one instruction, RET ALLOW or a JA
 *    (32-bit offset) to the address check, and a node whose left subtree is
 *    longer than 255 instructions reaches its right subtree through a JA.
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

#define IP_OFF offsetof(struct seccomp_data, instruction_pointer)
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define IP_LO_OFF IP_OFF
#define IP_HI_OFF (IP_OFF + sizeof(uint32_t))
#else
#define IP_LO_OFF (IP_OFF + sizeof(uint32_t))
#define IP_HI_OFF IP_OFF
#endif

/* Per allowed address: load low word, compare, load high word, compare. */
#define IP_CHECK_INSNS_PER_IP 4u
/* Then RET TRAP and RET ALLOW. */
#define IP_CHECK_TAIL 2u

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

static int spec_ok(const struct tv_filter_spec *s)
{
	if (!s || s->audit_arch == 0 || s->n_ips < 1 || s->n_ips > TV_FILTER_MAX_IPS)
		return 0;
	if (s->all_nrs)
		return 1;
	if (s->n_nrs > 0 && !s->nrs)
		return 0;
	for (size_t i = 0; i < s->n_nrs; i++)
		if (s->nrs[i] < 0)
			return 0;
	return 1;
}

/* --- walking the boundaries of the set in increasing order --- */

struct bound_walk {
	const int *nrs;
	size_t n;
	uint32_t from;          /* the next boundary is >= from */
	int inside;             /* the next boundary ends a range */
};

static int set_contains(const struct bound_walk *w, uint32_t v)
{
	for (size_t i = 0; i < w->n; i++)
		if ((uint32_t)w->nrs[i] == v)
			return 1;
	return 0;
}

/* The smallest member >= from, if any. */
static int set_next(const struct bound_walk *w, uint32_t from, uint32_t *v)
{
	int found = 0;

	for (size_t i = 0; i < w->n; i++) {
		uint32_t nr = (uint32_t)w->nrs[i];

		if (nr >= from && (!found || nr < *v)) {
			*v = nr;
			found = 1;
		}
	}
	return found;
}

/* Members are <= INT_MAX, so "one past a range" never wraps. */
static int next_boundary(struct bound_walk *w, uint32_t *b)
{
	if (w->inside) {
		uint32_t v = w->from;

		while (set_contains(w, v))
			v++;
		*b = v;
	} else if (!set_next(w, w->from, b)) {
		return 0;
	}
	w->inside = !w->inside;
	w->from = *b;
	return 1;
}

static size_t count_boundaries(const struct tv_filter_spec *s)
{
	struct bound_walk w = { s->nrs, s->n_nrs, 0, 0 };
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
	size_t in_set;          /* position of the address check */
	size_t allow;           /* position of the shared RET ALLOW */
};

/* Where a jump to the subtree over segments lo..hi starting at pos lands. */
static size_t subtree_target(const struct tree_gen *g, size_t lo, size_t hi,
			     size_t pos)
{
	if (lo == hi && !g->inline_leaves)
		return lo % 2 ? g->in_set : g->allow;
	return pos;
}

static size_t emit_leaf(struct tree_gen *g, size_t segment, size_t pos)
{
	if (!g->inline_leaves)
		return pos;
	if (segment % 2)
		g->out[pos] = stmt(BPF_JMP | BPF_JA, (uint32_t)(g->in_set - (pos + 1)));
	else
		g->out[pos] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return pos + 1;
}

/* Emits at pos the subtree deciding between segments lo..hi (boundaries
 * lo..hi-1) and returns the position after it. */
static size_t emit_tree(struct tree_gen *g, size_t lo, size_t hi, size_t pos)
{
	size_t mid = lo + (hi - lo) / 2, node = pos, left, right, end;
	int tramp;
	uint32_t b = 0;

	if (lo == hi)
		return emit_leaf(g, lo, pos);
	tramp = tree_size(mid - lo, g->inline_leaves) > JUMP_MAX;
	left = node + 1 + (size_t)tramp;
	right = emit_tree(g, lo, mid, left);    /* takes boundaries lo..mid-1 */
	next_boundary(&g->walk, &b);            /* boundary mid */
	end = emit_tree(g, mid + 1, hi, right);
	right = subtree_target(g, mid + 1, hi, right);
	left = subtree_target(g, lo, mid, left);
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
	return IP_CHECK_INSNS_PER_IP * (size_t)s->n_ips + IP_CHECK_TAIL;
}

/* ALLOW from an allowed address, else TRAP; the last instruction is the
 * RET ALLOW that compact tree leaves share. */
static size_t emit_ip_check(const struct tv_filter_spec *s,
			    struct sock_filter *out, size_t pos)
{
	size_t allow = pos + ip_check_size(s) - 1;

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
	out[pos++] = stmt(BPF_RET | BPF_K, RET_TRAP);
	out[pos++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return pos;
}

/* Compact leaves need the farthest target, the final RET ALLOW, within
 * one 8-bit jump of the first node. */
static int leaves_inline(const struct tv_filter_spec *s, size_t bounds)
{
	return bounds == 0 || bounds + ip_check_size(s) - 2 > JUMP_MAX;
}

static size_t body_size(const struct tv_filter_spec *s, size_t bounds)
{
	if (s->all_nrs)
		return ip_check_size(s);
	if (bounds == 0)
		return 1;               /* RET ALLOW: nothing is intercepted */
	return tree_size(bounds, leaves_inline(s, bounds)) + ip_check_size(s);
}

long tv_filter_build(const struct tv_filter_spec *spec, struct sock_filter *out,
		     size_t cap)
{
	size_t bounds, total, pos;
	struct tree_gen g;

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
	g.out = out;
	g.walk = (struct bound_walk){ spec->nrs, spec->n_nrs, 0, 0 };
	g.inline_leaves = leaves_inline(spec, bounds);
	g.in_set = pos + tree_size(bounds, g.inline_leaves);
	g.allow = g.in_set + ip_check_size(spec) - 1;
	pos = emit_tree(&g, 0, bounds, pos);
	return (long)emit_ip_check(spec, out, pos);
}
