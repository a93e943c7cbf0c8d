/* libFuzzer target for core/path.c, the guest path resolver of tvisor-fs.
 *
 * Input: a flags byte, then NUL-separated strings: the base directory, the
 * path, and the contents of the fake file system's symbolic links.  The
 * fake file system has a root with directories, a file and links, and two
 * binds (one nested), one holding a link that answers with a guest path
 * (as /proc's magic links do).  Every result must satisfy what tvisor-fs
 * relies on:
 *   - the guest path is canonical (absolute, no "." / ".." / "//", no
 *     trailing "/"), and lexical normalisation leaves it alone;
 *   - the host path is the guest path's mapping plus "", "/", "/." or
 *     "/..", and lies in the root or in a bind: nothing escapes;
 *   - the resolver never gives the lookup callback a host path with an
 *     unresolved link on the way (the host kernel would follow it: the
 *     walk would not be ours);
 *   - errors are the kernel's: ENOENT ENOTDIR ELOOP ENAMETOOLONG (EINVAL
 *     for a relative base);
 *   - host-to-guest translation round-trips, normalisation is idempotent.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I core \
 *         tests/fuzz/fuzz_path.c core/path.c */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvisor.h"

#include "require.h"

struct node {
	const char *path;
	int kind;
	int target;	/* which input string holds a link's content, or -1 */
};

static const struct node nodes[] = {
	{ "/r", TV_PATH_DIR, -1 },
	{ "/r/d", TV_PATH_DIR, -1 },
	{ "/r/d/e", TV_PATH_DIR, -1 },
	{ "/r/f", TV_PATH_FILE, -1 },
	{ "/r/d/f", TV_PATH_FILE, -1 },
	{ "/r/l1", TV_PATH_LINK, 0 },
	{ "/r/d/l2", TV_PATH_LINK, 1 },
	{ "/r/d/e/l3", TV_PATH_LINK, 2 },
	{ "/r/m", TV_PATH_DIR, -1 },
	{ "/h", TV_PATH_DIR, -1 },
	{ "/h/b", TV_PATH_DIR, -1 },
	{ "/h/b/f", TV_PATH_FILE, -1 },
	{ "/h/b/l4", TV_PATH_LINK, 3 },
	{ "/h/b/g", TV_PATH_GUESTLINK, 4 },
	{ "/h/c", TV_PATH_DIR, -1 },
	{ "/h/c/l5", TV_PATH_LINK, 0 },
};

static const struct tv_path_bind binds[] = {
	{ "/h/b", "/m" },
	{ "/h/c", "/m/c" },
	{ "/h/b", "/x/y/z" },	/* the same host directory twice, under glue */
};

static const char *targets[5];

static const struct node *find(const char *p)
{
	for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
		if (!strcmp(nodes[i].path, p))
			return &nodes[i];
	}
	return NULL;
}

static int lookup(void *ctx, const char *host, int flags, char *target, size_t cap)
{
	char anc[TV_PATH_MAX];
	(void)ctx;
	(void)flags;

	REQUIRE(host[0] == '/');
	size_t n = strlen(host);
	REQUIRE(n < TV_PATH_MAX);
	for (size_t i = 1; i < n; i++) {
		if (host[i] != '/')
			continue;
		memcpy(anc, host, i);
		anc[i] = 0;
		const struct node *a = find(anc);
		if (!a)
			return -ENOENT;
		/* A file on the way is the kernel's ENOTDIR (a base that is
		 * not a directory is left to it); a link never is: the host
		 * kernel would follow it, outside our walk. */
		if (a->kind == TV_PATH_FILE)
			return -ENOTDIR;
		REQUIRE(a->kind == TV_PATH_DIR);
	}
	const struct node *f = find(host);
	if (!f)
		return -ENOENT;
	if (f->target >= 0) {
		size_t l = strlen(targets[f->target]);
		if (l >= cap)
			l = cap - 1;
		memcpy(target, targets[f->target], l);
		target[l] = 0;
	}
	return f->kind;
}

static void check_canonical(const char *g)
{
	char again[TV_PATH_MAX];
	size_t n = strlen(g);

	REQUIRE(g[0] == '/');
	REQUIRE(n == 1 || g[n - 1] != '/');
	REQUIRE(!strstr(g, "//"));
	REQUIRE(!strstr(g, "/./"));
	REQUIRE(!strstr(g, "/../"));
	REQUIRE(!(n >= 2 && !strcmp(g + n - 2, "/.")));
	REQUIRE(!(n >= 3 && !strcmp(g + n - 3, "/..")));
	REQUIRE(tv_path_normalize("/", g, again, sizeof again) == 0);
	REQUIRE(!strcmp(again, g));
}

static int contained(const struct tv_path_view *v, const char *h)
{
	if (tv_path_under(v->root, h) >= 0)
		return 1;
	for (int i = 0; i < v->nbinds; i++) {
		if (tv_path_under(v->binds[i].host, h) >= 0)
			return 1;
	}
	return 0;
}

static void check_result(const struct tv_path_view *v, int r, const char *g, const char *h,
			 const struct tv_path_result *res, int mode)
{
	if (r < 0) {
		REQUIRE(r == -ENOENT || r == -ENOTDIR || r == -ELOOP || r == -ENAMETOOLONG ||
			r == -EINVAL);
		return;
	}
	REQUIRE(r == 0);
	check_canonical(g);
	REQUIRE(res->kind == TV_PATH_MISSING || res->kind == TV_PATH_DIR ||
		res->kind == TV_PATH_FILE || res->kind == TV_PATH_UNKNOWN);
	REQUIRE(res->kind != TV_PATH_UNKNOWN || mode != TV_PATH_FOLLOW);

	char mapped[TV_PATH_MAX];
	int which;
	REQUIRE(tv_path_to_host(v, g, mapped, sizeof mapped, &which) == 0);
	REQUIRE(which == res->which);
	size_t m = strlen(mapped);
	REQUIRE(!strncmp(h, mapped, m));
	const char *suffix = h + m;
	REQUIRE(!*suffix || !strcmp(suffix, "/") || !strcmp(suffix, "/.") ||
		!strcmp(suffix, "/..") || (mapped[m - 1] == '/' && (!strcmp(suffix, ".") ||
								   !strcmp(suffix, ".."))));
	REQUIRE(!strcmp(suffix, "/.") || !strcmp(suffix, "/..") || !strcmp(suffix, ".") ||
			!strcmp(suffix, "..")
		? mode == TV_PATH_PARENT
		: 1);
	REQUIRE(contained(v, mapped));
}

/* Splits data into NUL-terminated strings (the last may be unterminated). */
static size_t split(const uint8_t *data, size_t size, char *buf, const char **out, size_t max)
{
	size_t k = 0, start = 0;

	memcpy(buf, data, size);
	buf[size] = 0;
	for (size_t i = 0; i <= size && k < max; i++) {
		if (buf[i] == 0) {
			out[k++] = buf + start;
			start = i + 1;
		}
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[65536 + 1];
	const char *s[8];

	if (size < 1 || size > 65536)
		return 0;
	int flags = data[0] & 7;
	int mode = flags & TV_PATH_MODE;
	if (mode == 3)
		return 0;
	size_t k = split(data + 1, size - 1, buf, s, 8);
	for (size_t i = k; i < 8; i++)
		s[i] = "";
	const char *base = s[0][0] ? s[0] : "/";
	const char *path = s[1];
	for (int i = 0; i < 5; i++)
		targets[i] = s[2 + i];

	const struct tv_path_view views[] = {
		{ "/r", binds, 3 },
		{ "/r", NULL, 0 },
		{ "/", binds, 2 },
	};
	for (size_t vi = 0; vi < sizeof views / sizeof views[0]; vi++) {
		const struct tv_path_view *v = &views[vi];
		static char g[TV_PATH_MAX], h[TV_PATH_MAX], g2[TV_PATH_MAX], h2[TV_PATH_MAX];
		struct tv_path_result res, res2;
		int r = tv_path_resolve(v, base, path, flags, lookup, NULL, g, sizeof g, h, sizeof h,
					&res);
		check_result(v, r, g, h, &res, mode);
		/* Deterministic. */
		int r2 = tv_path_resolve(v, base, path, flags, lookup, NULL, g2, sizeof g2, h2,
					 sizeof h2, &res2);
		REQUIRE(r == r2);
		if (r == 0)
			REQUIRE(!strcmp(g, g2) && !strcmp(h, h2) && res.kind == res2.kind);

		/* Host to guest and back. */
		char n[TV_PATH_MAX], out[TV_PATH_MAX], back[TV_PATH_MAX];
		if (tv_path_normalize("/", path, n, sizeof n) == 0) {
			check_canonical(n);
			if (tv_path_to_guest(v, n, out, sizeof out) == 0) {
				check_canonical(out);
				REQUIRE(tv_path_to_host(v, out, back, sizeof back, NULL) == 0);
				REQUIRE(!strcmp(back, n));
			}
			/* chroot into it (when it is a directory, as tvisor-fs
			 * checks), then resolve again: still contained in the
			 * old view. */
			struct tv_path_view sv;
			struct tv_path_bind sb[3];
			static char pool[4 * TV_PATH_MAX], dir[TV_PATH_MAX];
			if (tv_path_resolve(v, "/", n, TV_PATH_FOLLOW, lookup, NULL, dir, sizeof dir,
					    h2, sizeof h2, &res2) == 0 &&
			    res2.kind == TV_PATH_DIR &&
			    tv_path_subview(v, dir, &sv, sb, pool, sizeof pool) == 0) {
				r = tv_path_resolve(&sv, "/", path, flags, lookup, NULL, g, sizeof g, h,
						    sizeof h, &res);
				check_result(&sv, r, g, h, &res, mode);
				if (r == 0) {
					REQUIRE(tv_path_to_host(&sv, g, back, sizeof back, NULL) == 0);
					REQUIRE(contained(v, back));
				}
			}
		}
	}
	return 0;
}
