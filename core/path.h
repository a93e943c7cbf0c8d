/* Path canonicalisation and translation between a guest's view of the file
 * system and the host's, as tvisor-fs needs them (proot's -r, -w and -b).
 *
 * Pure: no system calls, no globals, no libc.  The one thing that needs
 * the file system, looking a name up (is it a directory, a symbolic link
 * and to what, or missing?), is a callback, so the same code runs in the
 * freestanding monitor and in hosted unit tests and fuzzers.
 *
 * The model: the guest's "/" is the host directory view->root; each bind
 * maps a host path (file or directory) at a guest path, and the longest
 * guest prefix wins.  A guest path is resolved component by component on
 * the guest side: "." and ".." are lexical on the canonical guest path, so
 * ".." never leaves "/"; every symbolic link the kernel would follow is
 * read (on the host, through the callback) and its target is read as a
 * guest path, so an absolute target starts again at the guest's "/".
 * Links inside a bind hold host paths: an absolute target there is mapped
 * back to the guest when some guest path shows it.  The result is a
 * canonical guest path, and the host path the kernel should be given.
 */
#ifndef TV_PATH_H
#define TV_PATH_H

#include <stddef.h>

#define TV_PATH_MAX 4096		/* PATH_MAX: the longest path, with its NUL */
#define TV_PATH_MAXSYMLINKS 40		/* the kernel's MAXSYMLINKS: then ELOOP */

struct tv_path_bind {
	const char *host;	/* canonical absolute host path */
	const char *guest;	/* canonical absolute guest path */
};

struct tv_path_view {
	const char *root;	/* canonical absolute host path shown as "/" */
	const struct tv_path_bind *binds;
	int nbinds;
};

/* What a lookup found (and what tv_path_resolve says of the last
 * component). */
enum tv_path_kind {
	TV_PATH_MISSING = 0,	/* no such entry (only ever for the last component) */
	TV_PATH_DIR,		/* a directory */
	TV_PATH_FILE,		/* anything else that is not a symbolic link */
	TV_PATH_LINK,		/* a symbolic link: target holds its content */
	TV_PATH_GUESTLINK,	/* a link whose target is already a guest path
				 * (the callback's answer for /proc magic links) */
	TV_PATH_UNKNOWN,	/* not looked up: a last component not followed */
};

/* Lookup flags: the name is the last component; a link there would be
 * followed (without FOLLOW the target is not needed). */
#define TV_LOOKUP_LAST 1
#define TV_LOOKUP_FOLLOW 2

/* Looks host (an absolute host path) up without following a final link.
 * Returns a kind (for TV_PATH_LINK and TV_PATH_GUESTLINK, the NUL-terminated
 * target is in target, at most cap bytes) or a negative errno (-ENOENT,
 * -ENOTDIR, -EACCES, -ENAMETOOLONG, ...). */
typedef int (*tv_path_lookup_fn)(void *ctx, const char *host, int flags, char *target,
				 size_t cap);

/* How the last component is treated. */
#define TV_PATH_FOLLOW 0	/* follow a final link (open, stat, chdir, ...) */
#define TV_PATH_NOFOLLOW 1	/* don't, unless the path ends in "/" (lstat, O_NOFOLLOW) */
#define TV_PATH_PARENT 2	/* never: the call works on the name itself (mkdir,
				 * unlink, rename, ...); a final "/", "." or ".." is
				 * kept in the host path for the kernel to judge */
#define TV_PATH_MODE 3
#define TV_PATH_NO_SYMLINKS 4	/* a link to follow is an error, ELOOP (RESOLVE_NO_SYMLINKS) */

struct tv_path_result {
	int kind;	/* of the last component: MISSING, DIR, FILE or UNKNOWN */
	int which;	/* where the host path comes from: -1 the root, else a bind index */
};

/* Resolves path (relative ones against base, an absolute guest directory,
 * which is walked again like the rest: a string is not a directory handle,
 * and a directory on it may have become a link since; a base that does not
 * exist is like the kernel's removed working directory: ".." leaves it,
 * names in it are missing) in view v.  Writes the canonical guest path to guest and the
 * host path to host (with a trailing "/", "/." or "/.." kept as described
 * above).  Returns 0 (a missing last component is not an error: see
 * res->kind) or a negative errno: ENOENT (an empty path, a missing
 * directory on the way, an empty link), ENOTDIR, ELOOP, ENAMETOOLONG, or
 * what the callback returned. */
int tv_path_resolve(const struct tv_path_view *v, const char *base, const char *path, int flags,
		    tv_path_lookup_fn lookup, void *ctx, char *guest, size_t gcap, char *host,
		    size_t hcap, struct tv_path_result *res);

/* Lexical normalisation: path (relative ones against the absolute base)
 * without ".", ".." and repeated slashes; ".." stops at "/".  Returns 0 or
 * -ENAMETOOLONG, -EINVAL (a relative base). */
int tv_path_normalize(const char *base, const char *path, char *out, size_t cap);

/* The host path of a canonical guest path; *which (may be NULL) is -1 for
 * the root, else the bind used.  0 or -ENAMETOOLONG. */
int tv_path_to_host(const struct tv_path_view *v, const char *guest, char *out, size_t cap,
		    int *which);

/* The guest path that shows a canonical absolute host path, preferring the
 * mapping with the longest host prefix.  0, -ENOENT (nothing shows it),
 * -EINVAL (not absolute) or -ENAMETOOLONG. */
int tv_path_to_guest(const struct tv_path_view *v, const char *host, char *out, size_t cap);

/* What a link's content means to the guest: for a link in a bind (which
 * >= 0) an absolute target is a host path, shown by its guest path when
 * there is one; everything else is kept.  0 or -ENAMETOOLONG. */
int tv_path_link_target(const struct tv_path_view *v, int which, const char *target, char *out,
			size_t cap);

/* If path is prefix or below it (both canonical and absolute), the length
 * of prefix to strip to get the rest ("" or "/..."); else -1. */
long tv_path_under(const char *prefix, const char *path);

/* The view after chroot(dir), dir a canonical guest directory: its host
 * path becomes the root and the binds below it stay.  Strings go in pool
 * (cap bytes), binds in binds (room for v->nbinds).  0 or -ENAMETOOLONG. */
int tv_path_subview(const struct tv_path_view *v, const char *dir, struct tv_path_view *out,
		    struct tv_path_bind *binds, char *pool, size_t cap);

#endif
