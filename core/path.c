/* Guest path resolution and guest/host translation, public API (see
 * tvisor.h).  Pure: no system calls, no globals, no libc, so it is the same
 * code in the monitor and in the hosted tests. */
#include <linux/errno.h>
#include "tvisor.h"

static size_t slen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void copy(char *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

/* Copies the string s to out (cap bytes). */
static int put(char *out, size_t cap, const char *s)
{
	size_t n = slen(s);
	if (n + 1 > cap)
		return -ENAMETOOLONG;
	copy(out, s, n + 1);
	return 0;
}

long tv_path_under(const char *prefix, const char *path)
{
	size_t n = slen(prefix);

	if (n == 1 && prefix[0] == '/') {
		if (path[0] != '/')
			return -1;
		return path[1] ? 0 : 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (prefix[i] != path[i])
			return -1;
	}
	return path[n] == 0 || path[n] == '/' ? (long)n : -1;
}

/* base (absolute, canonical) followed by rest ("" or "/..."). */
static int join(const char *base, const char *rest, char *out, size_t cap)
{
	if (base[0] == '/' && base[1] == 0)
		return put(out, cap, rest[0] ? rest : "/");
	size_t b = slen(base), r = slen(rest);
	if (b + r + 1 > cap)
		return -ENAMETOOLONG;
	copy(out, base, b);
	copy(out + b, rest, r + 1);
	return 0;
}

/* The canonical path being built: out[0..*len) is "/" or "/a/b". */
static int push(char *out, size_t *len, size_t cap, const char *name, size_t n)
{
	size_t sep = *len > 1;
	if (*len + sep + n + 1 > cap)
		return -ENAMETOOLONG;
	if (sep)
		out[(*len)++] = '/';
	copy(out + *len, name, n);
	*len += n;
	out[*len] = 0;
	return 0;
}

static void pop(char *out, size_t *len)
{
	while (*len > 1 && out[*len - 1] != '/')
		(*len)--;
	if (*len > 1)
		(*len)--;
	out[*len] = 0;
}

/* Appends the components of s, lexically. */
static int walk_lexical(char *out, size_t *len, size_t cap, const char *s)
{
	while (*s) {
		while (*s == '/')
			s++;
		const char *e = s;
		while (*e && *e != '/')
			e++;
		size_t n = (size_t)(e - s);
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			pop(out, len);
		} else if (n && !(n == 1 && s[0] == '.')) {
			int r = push(out, len, cap, s, n);
			if (r < 0)
				return r;
		}
		s = e;
	}
	return 0;
}

int tv_path_normalize(const char *base, const char *path, char *out, size_t cap)
{
	size_t len = 1;

	if (cap < 2)
		return -ENAMETOOLONG;
	out[0] = '/';
	out[1] = 0;
	if (path[0] != '/') {
		if (base[0] != '/')
			return -EINVAL;
		int r = walk_lexical(out, &len, cap, base);
		if (r < 0)
			return r;
	}
	return walk_lexical(out, &len, cap, path);
}

int tv_path_to_host(const struct tv_path_view *v, const char *guest, char *out, size_t cap,
		    int *which)
{
	int best = -1;
	size_t best_len = 0;
	long best_cut = 0;

	for (int i = 0; i < v->nbinds; i++) {
		long cut = tv_path_under(v->binds[i].guest, guest);
		size_t n = slen(v->binds[i].guest);
		if (cut >= 0 && (best < 0 || n > best_len)) {
			best = i;
			best_len = n;
			best_cut = cut;
		}
	}
	if (which)
		*which = best;
	if (best >= 0)
		return join(v->binds[best].host, guest + best_cut, out, cap);
	long cut = tv_path_under("/", guest);
	return join(v->root, cut < 0 ? guest : guest + cut, out, cap);
}

int tv_path_to_guest(const struct tv_path_view *v, const char *host, char *out, size_t cap)
{
	char cand[TV_PATH_MAX], back[TV_PATH_MAX];
	int found = 0;
	size_t best_len = 0;

	if (host[0] != '/')
		return -EINVAL;
	for (int i = -1; i < v->nbinds; i++) {
		const char *prefix = i < 0 ? v->root : v->binds[i].host;
		const char *gbase = i < 0 ? "/" : v->binds[i].guest;
		long cut = tv_path_under(prefix, host);
		if (cut < 0)
			continue;
		size_t n = prefix[1] ? slen(prefix) : 0;
		if (found && n <= best_len)
			continue;
		/* The candidate must not be hidden by a bind that shows
		 * something else there. */
		if (join(gbase, host + cut, cand, sizeof cand) < 0 ||
		    tv_path_to_host(v, cand, back, sizeof back, NULL) < 0 || !same(back, host))
			continue;
		if (put(out, cap, cand) < 0)
			return -ENAMETOOLONG;
		found = 1;
		best_len = n;
	}
	return found ? 0 : -ENOENT;
}

int tv_path_link_target(const struct tv_path_view *v, int which, const char *target, char *out,
			size_t cap)
{
	if (which >= 0 && target[0] == '/') {
		char norm[TV_PATH_MAX];
		if (tv_path_normalize("/", target, norm, sizeof norm) == 0 &&
		    tv_path_to_guest(v, norm, out, cap) == 0)
			return 0;
	}
	return put(out, cap, target);
}

/* Is g a directory on the way to some bind's guest path?  Then it is shown
 * as a directory even where the root has nothing. */
static int leads_to_bind(const struct tv_path_view *v, const char *g)
{
	for (int i = 0; i < v->nbinds; i++) {
		if (tv_path_under(g, v->binds[i].guest) >= 0 && !same(g, v->binds[i].guest))
			return 1;
	}
	return 0;
}

/* lookup, with the glue directories of binds. */
static int look(const struct tv_path_view *v, tv_path_lookup_fn lookup, void *ctx,
		const char *guest, const char *host, int flags, char *target, size_t cap)
{
	int k = lookup(ctx, host, flags, target, cap);
	if (k == -ENOENT && leads_to_bind(v, guest))
		k = TV_PATH_DIR;
	return k;
}

int tv_path_resolve(const struct tv_path_view *v, const char *base, const char *path, int flags,
		    tv_path_lookup_fn lookup, void *ctx, char *guest, size_t gcap, char *host,
		    size_t hcap, struct tv_path_result *res)
{
	char rem[2 * TV_PATH_MAX];	/* what is left to walk */
	char g[TV_PATH_MAX];		/* the canonical guest path so far */
	char h[TV_PATH_MAX];
	char target[TV_PATH_MAX];
	int mode = flags & TV_PATH_MODE;
	size_t rlen = slen(path), glen = 1, p = 0, ulen = 0;
	int kind = TV_PATH_DIR, which = -1, links = 0, r, in_base = 0;
	const char *suffix = "";

	if (rlen == 0)
		return -ENOENT;
	if (rlen >= TV_PATH_MAX)
		return -ENAMETOOLONG;
	g[0] = '/';
	g[1] = 0;
	if (path[0] != '/') {
		/* The base is walked too, not trusted: it is a string, and
		 * since it was resolved a directory on it may have become a
		 * link the host kernel would follow out of the root. */
		size_t bl = slen(base);
		if (base[0] != '/')
			return -EINVAL;
		if (bl >= TV_PATH_MAX)
			return -ENAMETOOLONG;
		copy(rem, base, bl);
		rem[bl] = '/';
		copy(rem + bl + 1, path, rlen + 1);
		ulen = rlen + 1;	/* the caller's path stays the tail of rem */
		rlen += bl + 1;
		in_base = 1;
	} else {
		copy(rem, path, rlen + 1);
	}
	for (;;) {
		while (rem[p] == '/')
			p++;
		if (!rem[p])
			break;
		size_t s = p;
		if (in_base && s >= rlen - ulen)
			in_base = 0;
		while (rem[p] && rem[p] != '/')
			p++;
		size_t n = p - s, q = p;
		while (rem[q] == '/')
			q++;
		int last = rem[q] == 0;
		int slash = last && q > p;
		int dot = n == 1 && rem[s] == '.';
		int dotdot = n == 2 && rem[s] == '.' && rem[s + 1] == '.';

		/* g is being descended into: it must be a directory. */
		if (kind == TV_PATH_FILE)
			return -ENOTDIR;
		if (dot || dotdot) {
			if (last && mode == TV_PATH_PARENT) {
				suffix = dot ? "/." : "/..";
				kind = TV_PATH_UNKNOWN;
				break;
			}
			if (dotdot)
				pop(g, &glen);
			kind = TV_PATH_DIR;
			continue;
		}
		r = push(g, &glen, sizeof g, rem + s, n);
		if (r < 0)
			return r;
		if (slash)
			suffix = "/";
		int follow = !last || mode == TV_PATH_FOLLOW || (mode == TV_PATH_NOFOLLOW && slash);
		if (!follow) {
			kind = TV_PATH_UNKNOWN;
			break;
		}
		r = tv_path_to_host(v, g, h, sizeof h, &which);
		if (r < 0)
			return r;
		int k = look(v, lookup, ctx, g, h, (last ? TV_LOOKUP_LAST : 0) | TV_LOOKUP_FOLLOW,
			     target, sizeof target);
		if (k == -ENOENT && last) {
			kind = TV_PATH_MISSING;
			break;
		}
		if (k == -ENOENT && in_base) {
			/* A working directory that is gone (or never was, with
			 * --cwd): like the kernel's removed one, ".." still
			 * leaves it and names in it are not found. */
			kind = TV_PATH_DIR;
			continue;
		}
		if (k < 0)
			return k;
		if (k == TV_PATH_DIR || k == TV_PATH_FILE) {
			kind = k;
			continue;
		}
		if (k != TV_PATH_LINK && k != TV_PATH_GUESTLINK)
			return -EINVAL;
		if (flags & TV_PATH_NO_SYMLINKS)
			return -ELOOP;
		if (++links > TV_PATH_MAXSYMLINKS)
			return -ELOOP;
		target[sizeof target - 1] = 0;
		const char *t = target;
		if (k == TV_PATH_LINK) {
			/* h (the link's host path) is done with: reuse it. */
			r = tv_path_link_target(v, which, target, h, sizeof h);
			if (r < 0)
				return r;
			t = h;
		}
		size_t tl = slen(t), rest = rlen - p;
		if (tl == 0)
			return -ENOENT;
		if (tl + rest + 1 > sizeof rem)
			return -ENAMETOOLONG;
		/* Walk the target from the link's directory, then the rest. */
		pop(g, &glen);
		if (t[0] == '/') {
			glen = 1;
			g[1] = 0;
		}
		if (tl > p) {
			for (size_t i = rest + 1; i-- > 0;)
				rem[tl + i] = rem[p + i];
		} else {
			for (size_t i = 0; i <= rest; i++)
				rem[tl + i] = rem[p + i];
		}
		copy(rem, t, tl);
		rlen = tl + rest;
		p = 0;
		suffix = "";
		kind = TV_PATH_DIR;
	}
	r = tv_path_to_host(v, g, h, sizeof h, &which);
	if (r < 0)
		return r;
	if (put(guest, gcap, g) < 0)
		return -ENAMETOOLONG;
	size_t hl = slen(h);
	if (suffix[0] && h[hl - 1] == '/')
		suffix++;
	if (hl + slen(suffix) + 1 > hcap)
		return -ENAMETOOLONG;
	copy(host, h, hl);
	copy(host + hl, suffix, slen(suffix) + 1);
	if (res) {
		res->kind = kind;
		res->which = which;
	}
	return 0;
}

int tv_path_subview(const struct tv_path_view *v, const char *dir, struct tv_path_view *out,
		    struct tv_path_bind *binds, char *pool, size_t cap)
{
	size_t used = 0;
	int r = tv_path_to_host(v, dir, pool, cap, NULL);

	if (r < 0)
		return r;
	out->root = pool;
	used = slen(pool) + 1;
	out->binds = binds;
	out->nbinds = 0;
	for (int i = 0; i < v->nbinds; i++) {
		long cut = tv_path_under(dir, v->binds[i].guest);
		if (cut < 0 || !v->binds[i].guest[cut])
			continue;	/* elsewhere, or the new root itself */
		const char *rest = v->binds[i].guest + cut;
		size_t hn = slen(v->binds[i].host) + 1, gn = slen(rest) + 1;
		if (used + hn + gn > cap)
			return -ENAMETOOLONG;
		copy(pool + used, v->binds[i].host, hn);
		binds[out->nbinds].host = pool + used;
		used += hn;
		copy(pool + used, rest, gn);
		binds[out->nbinds].guest = pool + used;
		used += gn;
		out->nbinds++;
	}
	return 0;
}
