/* The state carried across exec, in one table (xstate.h). */
#include "xstate.h"

enum { STR, NUM };

static const struct {
	const char *name;
	int kind;
	size_t off;
} words[] = {
	{ "--tv-gfilters", NUM, offsetof(struct tv_xstate, gfilters_fd) },
	{ "--tv-exec-fd", NUM, offsetof(struct tv_xstate, exec_fd) },
	{ "--tv-execfn", STR, offsetof(struct tv_xstate, execfn) },
	{ "--tv-ssflags", NUM, offsetof(struct tv_xstate, ss_flags) },
	{ "--tv-argv0", STR, offsetof(struct tv_xstate, argv0) },
};
#define NWORDS (sizeof words / sizeof words[0])

_Static_assert(2 * NWORDS <= TV_XSTATE_WORDS, "TV_XSTATE_WORDS is too small");

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* A non-negative decimal number, as put() writes them. */
static int number(const char *s, long *v)
{
	long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (0x7fffffffffffffffl - 9) / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	*v = n;
	return 0;
}

static char *decimal(long v, char *buf)
{
	char t[24];
	int n = 0, k = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		buf[k++] = t[--n];
	buf[k] = 0;
	return buf;
}

int tv_xstate_put(const struct tv_xstate *x, char **out, tv_xstate_num num[TV_XSTATE_WORDS])
{
	int n = 0;

	for (size_t i = 0; i < NWORDS; i++) {
		const void *field = (const char *)x + words[i].off;
		if (words[i].kind == STR) {
			const char *s = *(const char *const *)field;
			if (!s)
				continue;
			out[n++] = (char *)words[i].name;
			out[n++] = (char *)s;
		} else {
			long v = *(const long *)field;
			if (v < 0)
				continue;
			out[n++] = (char *)words[i].name;
			out[n++] = decimal(v, num[i]);
		}
	}
	return n;
}

int tv_xstate_take(int argc, char **argv, struct tv_xstate *x)
{
	for (size_t i = 0; i < NWORDS; i++) {
		if (argc < 2 || !same(argv[0], words[i].name))
			continue;
		void *field = (char *)x + words[i].off;
		if (words[i].kind == STR)
			*(const char **)field = argv[1];
		else if (number(argv[1], (long *)field) < 0)
			return 0;
		return 2;
	}
	return 0;
}
