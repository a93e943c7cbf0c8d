/* Hosted unit tests for core/path.c (built with ASan and UBSan).
 *
 * 1. Table cases on a fake file system: every rule of the resolver (".",
 *    "..", absolute and relative links, the root as a ceiling, binds and
 *    their glue directories, trailing slashes, the last-component modes,
 *    the kernel's errors) and of the translation helpers.
 * 2. A differential test against the kernel: random trees of directories,
 *    files and links are built in a temporary directory, random paths are
 *    resolved by tv_path_resolve with that directory as the root, and by
 *    openat2(RESOLVE_IN_ROOT) on it (the kernel's own "this directory is
 *    /" walk); errors and final files must agree.
 *
 * Prints "PASS: name" / "FAIL: name (why)" lines; exits 0 iff none failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tvisor.h"

static int failures;

static void check(const char *name, int ok, const char *why)
{
	if (ok) {
		printf("PASS: %s\n", name);
	} else {
		printf("FAIL: %s (%s)\n", name, why);
		failures++;
	}
}

/* ---- a fake file system ---------------------------------------------- */

struct fake {
	const char *path;
	int kind;
	const char *target;
};

static const struct fake fake_fs[] = {
	{ "/r", TV_PATH_DIR, NULL },
	{ "/r/bin", TV_PATH_DIR, NULL },
	{ "/r/bin/sh", TV_PATH_FILE, NULL },
	{ "/r/etc", TV_PATH_DIR, NULL },
	{ "/r/etc/passwd", TV_PATH_FILE, NULL },
	{ "/r/lib", TV_PATH_DIR, NULL },
	{ "/r/lib/ld.so", TV_PATH_FILE, NULL },
	{ "/r/lib64", TV_PATH_LINK, "/lib" },
	{ "/r/usr", TV_PATH_DIR, NULL },
	{ "/r/usr/lib", TV_PATH_LINK, "../lib" },
	{ "/r/home", TV_PATH_DIR, NULL },
	{ "/r/home/u", TV_PATH_DIR, NULL },
	{ "/r/home/u/file", TV_PATH_FILE, NULL },
	{ "/r/home/u/abs", TV_PATH_LINK, "/etc" },
	{ "/r/home/u/up", TV_PATH_LINK, "../../../../.." },
	{ "/r/home/u/up2", TV_PATH_LINK, "../../.." },
	{ "/r/home/u/loop", TV_PATH_LINK, "loop" },
	{ "/r/home/u/empty", TV_PATH_LINK, "" },
	{ "/r/home/u/dangling", TV_PATH_LINK, "nothere" },
	{ "/r/home/u/tofile", TV_PATH_LINK, "file" },
	{ "/r/home/u/slashlink", TV_PATH_LINK, "file/" },
	{ "/r/mnt", TV_PATH_DIR, NULL },
	{ "/r/mnt/data", TV_PATH_DIR, NULL },	/* hidden by a bind */
	{ "/r/mnt/data/hidden", TV_PATH_FILE, NULL },
	{ "/h", TV_PATH_DIR, NULL },
	{ "/h/data", TV_PATH_DIR, NULL },
	{ "/h/data/x", TV_PATH_FILE, NULL },
	{ "/h/data/hostlink", TV_PATH_LINK, "/h/data/x" },
	{ "/h/data/outlink", TV_PATH_LINK, "/etc" },
	{ "/h/data/magic", TV_PATH_GUESTLINK, "/home/u" },
	{ "/h/sub", TV_PATH_DIR, NULL },
	{ "/h/sub/z", TV_PATH_FILE, NULL },
	{ "/h/deep", TV_PATH_DIR, NULL },
	{ "/h/deep/y", TV_PATH_FILE, NULL },
	{ "/chain", TV_PATH_DIR, NULL },
};

static char chain_names[42][32], chain_targets[42][32];

static const struct fake *fake_find(const char *p)
{
	for (size_t i = 0; i < sizeof fake_fs / sizeof fake_fs[0]; i++) {
		if (!strcmp(fake_fs[i].path, p))
			return &fake_fs[i];
	}
	return NULL;
}

static int fake_calls;

/* /r/chain/lN -> lN+1 for N < 41, l41 -> /etc/passwd. */
static int fake_lookup(void *ctx, const char *host, int flags, char *target, size_t cap)
{
	char anc[TV_PATH_MAX];
	(void)ctx;
	(void)flags;

	fake_calls++;
	if (host[0] != '/' || strlen(host) >= sizeof anc)
		return -EIO;
	/* Every proper ancestor must be a directory. */
	for (size_t i = 1; host[i]; i++) {
		if (host[i] != '/')
			continue;
		memcpy(anc, host, i);
		anc[i] = 0;
		if (!strcmp(anc, "/r/chain"))
			continue;
		const struct fake *f = fake_find(anc);
		if (!f)
			return -ENOENT;
		if (f->kind == TV_PATH_FILE)
			return -ENOTDIR;
		if (f->kind != TV_PATH_DIR)
			return -EIO;	/* the resolver never hands us an unresolved link */
	}
	if (!strcmp(host, "/r/chain"))
		return TV_PATH_DIR;
	for (int i = 0; i < 42; i++) {
		if (!strcmp(host, chain_names[i])) {
			snprintf(target, cap, "%s", chain_targets[i]);
			return TV_PATH_LINK;
		}
	}
	const struct fake *f = fake_find(host);
	if (!f)
		return -ENOENT;
	if (f->target)
		snprintf(target, cap, "%s", f->target);
	return f->kind;
}

static const struct tv_path_bind binds[] = {
	{ "/h/data", "/mnt/data" },
	{ "/h/deep", "/a/b/c" },
	{ "/h/sub", "/mnt/data/sub" },
};
static const struct tv_path_view view = { "/r", binds, 3 };

static char g_out[TV_PATH_MAX], h_out[TV_PATH_MAX];
static struct tv_path_result res;

static int res_of(const char *base, const char *path, int flags)
{
	memset(&res, 0x55, sizeof res);
	strcpy(g_out, "?");
	strcpy(h_out, "?");
	return tv_path_resolve(&view, base, path, flags, fake_lookup, NULL, g_out, sizeof g_out,
			       h_out, sizeof h_out, &res);
}

/* Expects success with this guest path, host path and kind (-1: any). */
static void ok(const char *name, const char *base, const char *path, int flags, const char *g,
	       const char *h, int kind)
{
	char why[3 * TV_PATH_MAX];
	int r = res_of(base, path, flags);
	int good = r == 0 && !strcmp(g_out, g) && !strcmp(h_out, h) && (kind < 0 || res.kind == kind);
	snprintf(why, sizeof why, "r=%d guest=%s host=%s kind=%d", r, g_out, h_out, res.kind);
	check(name, good, why);
}

static void err(const char *name, const char *base, const char *path, int flags, int e)
{
	char why[64];
	int r = res_of(base, path, flags);
	snprintf(why, sizeof why, "r=%d, want %d", r, -e);
	check(name, r == -e, why);
}

static void table_resolve(void)
{
	for (int i = 0; i < 42; i++) {
		snprintf(chain_names[i], sizeof chain_names[i], "/r/chain/l%d", i);
		if (i < 41)
			snprintf(chain_targets[i], sizeof chain_targets[i], "l%d", i + 1);
		else
			snprintf(chain_targets[i], sizeof chain_targets[i], "/etc/passwd");
	}
	const int F = TV_PATH_FOLLOW, N = TV_PATH_NOFOLLOW, P = TV_PATH_PARENT;

	ok("plain", "/", "/etc/passwd", F, "/etc/passwd", "/r/etc/passwd", TV_PATH_FILE);
	ok("root", "/", "/", F, "/", "/r", TV_PATH_DIR);
	ok("slashes-dots", "/", "//etc/./passwd", F, "/etc/passwd", "/r/etc/passwd", TV_PATH_FILE);
	ok("dotdot-ceiling", "/", "/../../etc/passwd", F, "/etc/passwd", "/r/etc/passwd", -1);
	ok("dotdot-only", "/", "/../..", F, "/", "/r", TV_PATH_DIR);
	ok("relative", "/home/u", "file", F, "/home/u/file", "/r/home/u/file", TV_PATH_FILE);
	ok("relative-up", "/home/u", "../../../../etc", F, "/etc", "/r/etc", TV_PATH_DIR);
	ok("dot", "/home/u", ".", F, "/home/u", "/r/home/u", TV_PATH_DIR);
	ok("abs-link", "/", "/lib64/ld.so", F, "/lib/ld.so", "/r/lib/ld.so", TV_PATH_FILE);
	ok("rel-link", "/", "/usr/lib/ld.so", F, "/lib/ld.so", "/r/lib/ld.so", TV_PATH_FILE);
	ok("abs-link-rel", "/home/u", "abs/passwd", F, "/etc/passwd", "/r/etc/passwd", -1);
	ok("escape-link", "/home/u", "up/etc/passwd", F, "/etc/passwd", "/r/etc/passwd", -1);
	ok("escape-link2", "/", "/home/u/up2/etc", F, "/etc", "/r/etc", -1);
	ok("escape-link-last", "/", "/home/u/up", F, "/", "/r", TV_PATH_DIR);
	ok("escape-link-dotdot", "/", "/home/u/up/../../x", F, "/x", "/r/x", TV_PATH_MISSING);
	ok("link-then-dotdot", "/", "/home/u/abs/..", F, "/", "/r", TV_PATH_DIR);
	ok("nofollow-last", "/", "/home/u/up", N, "/home/u/up", "/r/home/u/up", TV_PATH_UNKNOWN);
	ok("nofollow-slash", "/", "/home/u/abs/", N, "/etc", "/r/etc/", TV_PATH_DIR);
	ok("parent-link", "/", "/home/u/abs", P, "/home/u/abs", "/r/home/u/abs", TV_PATH_UNKNOWN);
	ok("parent-slash", "/", "/home/u/abs/", P, "/home/u/abs", "/r/home/u/abs/",
	   TV_PATH_UNKNOWN);
	ok("parent-dot", "/", "/home/u/.", P, "/home/u", "/r/home/u/.", TV_PATH_UNKNOWN);
	ok("parent-dotdot", "/", "/home/u/..", P, "/home/u", "/r/home/u/..", TV_PATH_UNKNOWN);
	ok("parent-dot-slash", "/", "/home/./", P, "/home", "/r/home/.", TV_PATH_UNKNOWN);
	ok("parent-intermediate-link", "/", "/home/u/abs/new", P, "/etc/new", "/r/etc/new",
	   TV_PATH_UNKNOWN);
	ok("follow-dot-last", "/", "/home/u/.", F, "/home/u", "/r/home/u", TV_PATH_DIR);
	ok("file-slash", "/", "/home/u/file/", F, "/home/u/file", "/r/home/u/file/", TV_PATH_FILE);
	ok("link-to-file-slash", "/", "/home/u/tofile/", F, "/home/u/file", "/r/home/u/file/",
	   TV_PATH_FILE);
	ok("link-body-slash", "/", "/home/u/slashlink", F, "/home/u/file", "/r/home/u/file/",
	   TV_PATH_FILE);
	ok("missing-last", "/", "/nothere", F, "/nothere", "/r/nothere", TV_PATH_MISSING);
	ok("missing-last-slash", "/", "/nothere/", F, "/nothere", "/r/nothere/", TV_PATH_MISSING);
	ok("dangling", "/", "/home/u/dangling", F, "/home/u/nothere", "/r/home/u/nothere",
	   TV_PATH_MISSING);
	ok("dangling-nofollow", "/", "/home/u/dangling", N, "/home/u/dangling",
	   "/r/home/u/dangling", TV_PATH_UNKNOWN);
	ok("loop-nofollow", "/", "/home/u/loop", N, "/home/u/loop", "/r/home/u/loop", -1);
	/* l2 .. l41 are 40 links; l1 .. l41 one too many. */
	ok("chain-40", "/", "/chain/l2", F, "/etc/passwd", "/r/etc/passwd", TV_PATH_FILE);
	err("chain-41", "/", "/chain/l1", F, ELOOP);
	err("loop", "/", "/home/u/loop", F, ELOOP);
	err("loop-middle", "/", "/home/u/loop/x", N, ELOOP);
	err("empty", "/", "", F, ENOENT);
	err("empty-link", "/", "/home/u/empty", F, ENOENT);
	err("notdir", "/", "/home/u/file/x", F, ENOTDIR);
	err("notdir-dotdot", "/", "/home/u/file/..", F, ENOTDIR);
	err("notdir-dot", "/", "/home/u/file/.", F, ENOTDIR);
	err("notdir-via-link", "/", "/home/u/tofile/x", P, ENOTDIR);
	err("missing-dir", "/", "/nothere/x", P, ENOENT);
	err("missing-dotdot", "/", "/nothere/..", F, ENOENT);
	ok("missing-base-dot", "/gone", ".", F, "/gone", "/r/gone", TV_PATH_DIR);
	ok("missing-base-dotdot", "/gone/away", "../..", F, "/", "/r", TV_PATH_DIR);
	ok("missing-base-name", "/gone", "x", F, "/gone/x", "/r/gone/x", TV_PATH_MISSING);
	err("missing-base-deeper", "/gone", "x/y", F, ENOENT);
	/* The base is walked again: a directory replaced by a link since. */
	ok("base-now-link", "/home/u/abs", "passwd", F, "/etc/passwd", "/r/etc/passwd",
	   TV_PATH_FILE);
	ok("base-now-escape-link", "/home/u/up/bin", "sh", F, "/bin/sh", "/r/bin/sh", TV_PATH_FILE);
	err("file-base-dotdot", "/home/u/file", "..", F, ENOTDIR);
	err("relative-base", "rel", "x", F, EINVAL);
	err("no-symlinks", "/", "/lib64/ld.so", F | TV_PATH_NO_SYMLINKS, ELOOP);
	ok("no-symlinks-none", "/", "/etc/passwd", F | TV_PATH_NO_SYMLINKS, "/etc/passwd",
	   "/r/etc/passwd", -1);

	/* Binds. */
	ok("bind", "/", "/mnt/data/x", F, "/mnt/data/x", "/h/data/x", TV_PATH_FILE);
	check("bind-which", res.which == 0, "which");
	ok("bind-nested", "/", "/mnt/data/sub/z", F, "/mnt/data/sub/z", "/h/sub/z", TV_PATH_FILE);
	check("bind-nested-which", res.which == 2, "which");
	ok("bind-top", "/", "/mnt/data", F, "/mnt/data", "/h/data", TV_PATH_DIR);
	ok("bind-hides-root", "/", "/mnt/data/hidden", F, "/mnt/data/hidden", "/h/data/hidden",
	   TV_PATH_MISSING);
	ok("bind-dotdot", "/", "/mnt/data/..", F, "/mnt", "/r/mnt", TV_PATH_DIR);
	ok("bind-dotdot-out", "/mnt/data", "../../etc", F, "/etc", "/r/etc", TV_PATH_DIR);
	ok("bind-host-link", "/", "/mnt/data/hostlink", F, "/mnt/data/x", "/h/data/x",
	   TV_PATH_FILE);
	ok("bind-outside-link", "/", "/mnt/data/outlink/passwd", F, "/etc/passwd",
	   "/r/etc/passwd", TV_PATH_FILE);
	ok("bind-guestlink", "/", "/mnt/data/magic/file", F, "/home/u/file", "/r/home/u/file",
	   TV_PATH_FILE);
	ok("glue", "/", "/a/b/c/y", F, "/a/b/c/y", "/h/deep/y", TV_PATH_FILE);
	ok("glue-dir", "/", "/a/b", F, "/a/b", "/r/a/b", TV_PATH_DIR);
	ok("glue-dotdot", "/", "/a/b/../b/c/y", F, "/a/b/c/y", "/h/deep/y", TV_PATH_FILE);
	err("glue-other", "/", "/a/x/y", F, ENOENT);

	/* Lengths. */
	static char longp[TV_PATH_MAX + 8];
	memset(longp, 'a', TV_PATH_MAX);
	longp[0] = '/';
	longp[TV_PATH_MAX] = 0;
	err("too-long", "/", longp, F, ENAMETOOLONG);
	longp[TV_PATH_MAX - 1] = 0;	/* 4095 bytes: fine for the kernel, not with "/r" */
	err("too-long-host", "/", longp, F, ENAMETOOLONG);
	memset(longp, 0, sizeof longp);
	for (int i = 0; i < 300; i++)
		strcat(longp, "/bin/..");
	strcat(longp, "/bin/sh");
	ok("long-but-short", "/", longp, F, "/bin/sh", "/r/bin/sh", TV_PATH_FILE);

	char small_g[8], small_h[64];
	int r = tv_path_resolve(&view, "/", "/etc/passwd", F, fake_lookup, NULL, small_g,
				sizeof small_g, small_h, sizeof small_h, NULL);
	check("small-guest-buffer", r == -ENAMETOOLONG, "want ENAMETOOLONG");
	r = tv_path_resolve(&view, "/", "/etc/passwd", F, fake_lookup, NULL, small_h,
			    sizeof small_h, small_g, sizeof small_g, NULL);
	check("small-host-buffer", r == -ENAMETOOLONG, "want ENAMETOOLONG");

	/* Work: one lookup per followed component, none for a last one
	 * that is not followed. */
	fake_calls = 0;
	res_of("/", "/bin/sh", F);
	check("lookups-follow", fake_calls == 2, "want 2 lookups");
	fake_calls = 0;
	res_of("/", "/bin/sh", N);
	check("lookups-nofollow", fake_calls == 1, "want 1 lookup");
}

static void table_translate(void)
{
	char out[TV_PATH_MAX], why[TV_PATH_MAX + 64];
	int which, r;

#define G(name, host, want)                                                        \
	do {                                                                       \
		r = tv_path_to_guest(&view, host, out, sizeof out);                \
		snprintf(why, sizeof why, "r=%d out=%s", r, r ? "" : out);         \
		check(name, r == 0 && !strcmp(out, want), why);                    \
	} while (0)
#define GE(name, host, e)                                                          \
	do {                                                                       \
		r = tv_path_to_guest(&view, host, out, sizeof out);                \
		snprintf(why, sizeof why, "r=%d", r);                              \
		check(name, r == -(e), why);                                       \
	} while (0)

	G("to-guest-root", "/r", "/");
	G("to-guest", "/r/etc/passwd", "/etc/passwd");
	G("to-guest-bind", "/h/data/x", "/mnt/data/x");
	G("to-guest-bind-top", "/h/data", "/mnt/data");
	G("to-guest-nested", "/h/sub/z", "/mnt/data/sub/z");
	G("to-guest-glue-bind", "/h/deep", "/a/b/c");
	GE("to-guest-outside", "/etc/passwd", ENOENT);
	GE("to-guest-prefix-only", "/rr/x", ENOENT);
	GE("to-guest-shadowed", "/r/mnt/data/hidden", ENOENT);
	GE("to-guest-relative", "r/x", EINVAL);

	r = tv_path_to_host(&view, "/mnt/data/sub", out, sizeof out, &which);
	check("to-host-nested", r == 0 && !strcmp(out, "/h/sub") && which == 2, out);
	r = tv_path_to_host(&view, "/mnt/database", out, sizeof out, &which);
	check("to-host-prefix-only", r == 0 && !strcmp(out, "/r/mnt/database") && which == -1, out);

	static const struct tv_path_bind over[] = { { "/srv", "/" }, { "/", "/host" } };
	static const struct tv_path_view v2 = { "/r", over, 2 };
	r = tv_path_to_host(&v2, "/etc", out, sizeof out, NULL);
	check("bind-on-root", r == 0 && !strcmp(out, "/srv/etc"), out);
	r = tv_path_to_host(&v2, "/", out, sizeof out, NULL);
	check("bind-on-root-top", r == 0 && !strcmp(out, "/srv"), out);
	r = tv_path_to_host(&v2, "/host/etc", out, sizeof out, NULL);
	check("bind-host-root", r == 0 && !strcmp(out, "/etc"), out);
	r = tv_path_to_host(&v2, "/host", out, sizeof out, NULL);
	check("bind-host-root-top", r == 0 && !strcmp(out, "/"), out);
	r = tv_path_to_guest(&v2, "/srv/x", out, sizeof out);
	check("bind-on-root-back", r == 0 && !strcmp(out, "/x"), out);
	r = tv_path_to_guest(&v2, "/usr", out, sizeof out);
	check("bind-host-root-back", r == 0 && !strcmp(out, "/host/usr"), out);

	static const struct tv_path_view ident = { "/", NULL, 0 };
	r = tv_path_to_host(&ident, "/a/b", out, sizeof out, NULL);
	check("identity-host", r == 0 && !strcmp(out, "/a/b"), out);
	r = tv_path_to_guest(&ident, "/a/b", out, sizeof out);
	check("identity-guest", r == 0 && !strcmp(out, "/a/b"), out);

	r = tv_path_link_target(&view, -1, "/h/data/x", out, sizeof out);
	check("link-target-root", r == 0 && !strcmp(out, "/h/data/x"), out);
	r = tv_path_link_target(&view, 0, "/h/data/../data/x", out, sizeof out);
	check("link-target-bind", r == 0 && !strcmp(out, "/mnt/data/x"), out);
	r = tv_path_link_target(&view, 0, "rel/x", out, sizeof out);
	check("link-target-relative", r == 0 && !strcmp(out, "rel/x"), out);

#define N(name, base, path, want)                                                  \
	do {                                                                       \
		r = tv_path_normalize(base, path, out, sizeof out);               \
		check(name, r == 0 && !strcmp(out, want), out);                    \
	} while (0)
	N("normalize", "/a/b", "../c/./d//", "/a/c/d");
	N("normalize-ceiling", "/", "../../..", "/");
	N("normalize-relative", "/x", "y", "/x/y");
	N("normalize-absolute", "/x", "/y/../z", "/z");
	N("normalize-empty", "/x/y", "", "/x/y");
	check("normalize-bad-base", tv_path_normalize("x", "y", out, sizeof out) == -EINVAL, "");
	check("normalize-small", tv_path_normalize("/", "/abcdef", out, 4) == -ENAMETOOLONG, "");

	check("under-child", tv_path_under("/a", "/a/b") == 2, "");
	check("under-same", tv_path_under("/a", "/a") == 2, "");
	check("under-sibling", tv_path_under("/a", "/ab") == -1, "");
	check("under-root", tv_path_under("/", "/x") == 0, "");
	check("under-root-root", tv_path_under("/", "/") == 1, "");
	check("under-relative", tv_path_under("/", "x") == -1, "");

	/* chroot views. */
	struct tv_path_view sv;
	struct tv_path_bind sb[3];
	char pool[1024];
	r = tv_path_subview(&view, "/mnt", &sv, sb, pool, sizeof pool);
	check("subview", r == 0 && !strcmp(sv.root, "/r/mnt") && sv.nbinds == 2 &&
			 !strcmp(sb[0].guest, "/data") && !strcmp(sb[0].host, "/h/data") &&
			 !strcmp(sb[1].guest, "/data/sub"),
	      sv.root);
	r = tv_path_subview(&view, "/mnt/data", &sv, sb, pool, sizeof pool);
	check("subview-in-bind", r == 0 && !strcmp(sv.root, "/h/data") && sv.nbinds == 1 &&
				 !strcmp(sb[0].guest, "/sub"),
	      sv.root);
	r = tv_path_resolve(&sv, "/", "/../../x", TV_PATH_FOLLOW, fake_lookup, NULL, g_out,
			    sizeof g_out, h_out, sizeof h_out, NULL);
	check("subview-ceiling", r == 0 && !strcmp(g_out, "/x") && !strcmp(h_out, "/h/data/x"),
	      h_out);
	r = tv_path_subview(&view, "/home", &sv, sb, pool, sizeof pool);
	check("subview-nobinds", r == 0 && !strcmp(sv.root, "/r/home") && sv.nbinds == 0, sv.root);
	check("subview-small", tv_path_subview(&view, "/mnt", &sv, sb, pool, 12) == -ENAMETOOLONG,
	      "");
}

/* ---- against the kernel ---------------------------------------------- */

static int real_lookup(void *ctx, const char *host, int flags, char *target, size_t cap)
{
	struct stat st;
	(void)ctx;
	(void)flags;

	if (lstat(host, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return TV_PATH_DIR;
	if (!S_ISLNK(st.st_mode))
		return TV_PATH_FILE;
	ssize_t n = readlink(host, target, cap - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	return TV_PATH_LINK;
}

static unsigned rng_state = 12345;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % n;
}

static const char *const link_targets[] = {
	"/", "..", "../..", "../../../..", "/a", "/a/b", "a", "b/c", "f", "f/", "l", "m",
	"/l", "./a/../b", "/b/../a/l", "a/", "//a//b", "/nothere", "nothere/x", "/f", "../f",
	"/c/m", "c/../..", "/a/b/c/..",
};
static const char *const tokens[] = {
	"a", "b", "c", "f", "l", "m", ".", "..", "", "nothere",
};

/* A random tree: directories a, a/b, b, c, a/b/c; files f, a/f, b/f; and
 * links (l, m, a/l, b/m, c/m, a/b/l, ...) with random targets. */
static int build_tree(const char *root)
{
	static const char *const dirs[] = { "a", "a/b", "b", "c", "a/b/c" };
	static const char *const files[] = { "f", "a/f", "b/f", "a/b/f" };
	static const char *const links[] = { "l", "m", "a/l", "a/m", "b/l", "b/m", "c/m", "c/l",
					     "a/b/l", "a/b/m", "a/b/c/l" };
	char p[512];

	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		snprintf(p, sizeof p, "%s/%s", root, dirs[i]);
		if (mkdir(p, 0755) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(p, sizeof p, "%s/%s", root, files[i]);
		int fd = open(p, O_CREAT | O_WRONLY, 0644);
		if (fd < 0)
			return -1;
		close(fd);
	}
	for (size_t i = 0; i < sizeof links / sizeof *links; i++) {
		if (rnd(5) == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", root, links[i]);
		const char *t = link_targets[rnd(sizeof link_targets / sizeof *link_targets)];
		if (symlink(t, p) < 0)
			return -1;
	}
	return 0;
}

static void random_path(char *out, size_t cap)
{
	int n = 1 + (int)rnd(6);
	out[0] = 0;
	if (rnd(2))
		strcat(out, "/");
	for (int i = 0; i < n; i++) {
		const char *t = tokens[rnd(sizeof tokens / sizeof *tokens)];
		if (strlen(out) + strlen(t) + 2 >= cap)
			break;
		if (i)
			strcat(out, "/");
		strcat(out, t);
	}
	if (rnd(6) == 0)
		strcat(out, "/");
	if (!out[0])
		strcat(out, rnd(2) ? "." : "a");
}

/* The kernel's answer: the file's path, or -errno. */
static int kernel_resolve(int rootfd, const char *path, int nofollow, char *out, size_t cap)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof how);
	if (fd < 0)
		return -errno;
	char link[64];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, out, cap - 1);
	close(fd);
	if (n < 0)
		return -errno;
	out[n] = 0;
	return 0;
}

/* Ours, in the same terms. */
static int our_resolve(const struct tv_path_view *v, const char *path, int nofollow, char *out,
		       size_t cap)
{
	char g[TV_PATH_MAX], h[TV_PATH_MAX];
	struct tv_path_result r;
	int rc = tv_path_resolve(v, "/", path, nofollow ? TV_PATH_NOFOLLOW : TV_PATH_FOLLOW,
				 real_lookup, NULL, g, sizeof g, h, sizeof h, &r);
	if (rc < 0)
		return rc;
	size_t n = strlen(h);
	int slash = n > 1 && h[n - 1] == '/';
	if (slash)
		h[n - 1] = 0;
	struct stat st;
	if (lstat(h, &st) < 0)
		return -errno;
	if (slash && !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* What the kernel shows for the file: the host path, canonical. */
	if (!realpath(h, out) || S_ISLNK(st.st_mode)) {
		char dir[TV_PATH_MAX];
		snprintf(dir, sizeof dir, "%s", h);
		char *s = strrchr(dir, '/');
		*s = 0;
		char real[TV_PATH_MAX];
		if (!realpath(dir[0] ? dir : "/", real))
			return -errno;
		snprintf(out, cap, "%s/%s", strcmp(real, "/") ? real : "", s + 1);
	}
	(void)cap;
	return 0;
}

static void differential(void)
{
	struct open_how probe = { .flags = O_PATH, .resolve = RESOLVE_IN_ROOT };
	int pfd = (int)syscall(SYS_openat2, AT_FDCWD, "/", &probe, sizeof probe);
	if (pfd < 0) {
		printf("SKIP: kernel-differential (no openat2: %s)\n", strerror(errno));
		return;
	}
	close(pfd);

	/* The link limit: a chain of 40 links resolves, 41 do not. */
	char ctmpl[] = "/tmp/tvisor-path-XXXXXX";
	char *croot = mkdtemp(ctmpl);
	char creal[TV_PATH_MAX];
	if (!croot || !realpath(croot, creal)) {
		check("kernel-link-limit", 0, strerror(errno));
		return;
	}
	for (int i = 0; i <= 41; i++) {
		char p[TV_PATH_MAX + 32], t[32];
		snprintf(p, sizeof p, "%s/l%d", creal, i);
		snprintf(t, sizeof t, i < 41 ? "l%d" : "/", i + 1);
		if (symlink(t, p) < 0)
			check("kernel-link-limit-setup", 0, strerror(errno));
	}
	struct tv_path_view cv = { creal, NULL, 0 };
	int cfd = open(creal, O_PATH | O_DIRECTORY);
	for (int start = 0; start <= 3; start++) {
		char p[16], k[TV_PATH_MAX], o[TV_PATH_MAX], name[64], why[64];
		snprintf(p, sizeof p, "l%d", start);
		int kr = kernel_resolve(cfd, p, 0, k, sizeof k);
		int orr = our_resolve(&cv, p, 0, o, sizeof o);
		snprintf(name, sizeof name, "kernel-link-limit-%d", 42 - start);
		snprintf(why, sizeof why, "kernel %d, ours %d", kr, orr);
		check(name, kr == orr && (kr < 0 || !strcmp(k, o)), why);
	}
	close(cfd);
	char ccmd[TV_PATH_MAX + 32];
	snprintf(ccmd, sizeof ccmd, "rm -rf '%s'", creal);
	if (system(ccmd) != 0)
		fprintf(stderr, "could not remove %s\n", creal);

	int trees = 40, per_tree = 400, cases = 0, bad = 0;
	char firstbad[3 * TV_PATH_MAX] = "";
	for (int t = 0; t < trees; t++) {
		char tmpl[] = "/tmp/tvisor-path-XXXXXX";
		char *root = mkdtemp(tmpl);
		if (!root || build_tree(root) < 0) {
			check("kernel-differential-setup", 0, strerror(errno));
			return;
		}
		char rootreal[TV_PATH_MAX];
		if (!realpath(root, rootreal)) {
			check("kernel-differential-setup", 0, strerror(errno));
			return;
		}
		struct tv_path_view v = { rootreal, NULL, 0 };
		int rootfd = open(rootreal, O_PATH | O_DIRECTORY);
		for (int i = 0; i < per_tree; i++) {
			char path[256], k[TV_PATH_MAX], o[TV_PATH_MAX];
			random_path(path, sizeof path);
			int nofollow = (int)rnd(3) == 0;
			int kr = kernel_resolve(rootfd, path, nofollow, k, sizeof k);
			int orr = our_resolve(&v, path, nofollow, o, sizeof o);
			cases++;
			if (kr != orr || (kr == 0 && strcmp(k, o))) {
				if (!bad++)
					snprintf(firstbad, sizeof firstbad,
						 "path '%s'%s: kernel %d %s, ours %d %s", path,
						 nofollow ? " nofollow" : "", kr, kr ? "" : k, orr,
						 orr ? "" : o);
			}
		}
		close(rootfd);
		char cmd[TV_PATH_MAX + 32];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", rootreal);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", rootreal);
	}
	char why[4 * TV_PATH_MAX];
	snprintf(why, sizeof why, "%d of %d differ; first: %s", bad, cases, firstbad);
	check("kernel-differential", bad == 0, why);
}

int main(void)
{
	table_resolve();
	table_translate();
	differential();
	return failures ? 1 : 0;
}
