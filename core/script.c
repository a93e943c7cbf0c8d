/* "#!" parsing; see script.h.  This follows load_script() in
 * fs/binfmt_script.c step by step, with indexes instead of pointers so
 * that bytes past len read as NUL (the kernel zero-fills its 256-byte
 * buffer before reading the file into it) without touching them. */
#include "script.h"

/* Position meaning "not found"; larger than any index into the buffer. */
#define NONE ((size_t)-1)

/* -ENOEXEC: errno 8 on every Linux architecture.  Spelled as a number
 * so this file needs no errno header. */
#define SCRIPT_ENOEXEC (-8)

static char at(const char *buf, size_t len, size_t i)
{
	return i < len ? buf[i] : '\0';
}

static int spacetab(char c)
{
	return c == ' ' || c == '\t';
}

/* First index in [first, last] that is not a space or tab. */
static size_t next_non_spacetab(const char *buf, size_t len, size_t first,
				size_t last)
{
	for (; first <= last; first++)
		if (!spacetab(at(buf, len, first)))
			return first;
	return NONE;
}

/* First index in [first, last] that ends a name: space, tab or NUL. */
static size_t next_terminator(const char *buf, size_t len, size_t first,
			      size_t last)
{
	char c;

	for (; first <= last; first++) {
		c = at(buf, len, first);
		if (spacetab(c) || c == '\0')
			return first;
	}
	return NONE;
}

static size_t find_newline(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (buf[i] == '\n')
			return i;
	return NONE;
}

/* Where the line ends: its newline, or, when the buffer holds none, the
 * last byte of the buffer, which the kernel overwrites with the NUL
 * that terminates the line.  Without a newline the name must be
 * followed by a space, tab or NUL somewhere in the buffer, else it may
 * be truncated and the kernel refuses to run it. */
static size_t line_end(const char *buf, size_t len)
{
	const size_t last = TV_SCRIPT_BUF - 1;
	size_t end = find_newline(buf, len), name;

	if (end != NONE)
		return end;
	name = next_non_spacetab(buf, len, 2, last);
	if (name == NONE || next_terminator(buf, len, name, last) == NONE)
		return NONE;
	return last;
}

/* Length of the C string the kernel would see at i: up to the first
 * NUL or end, where it writes its own NUL. */
static size_t str_len(const char *buf, size_t len, size_t i, size_t end)
{
	size_t n = i;

	while (n < end && at(buf, len, n) != '\0')
		n++;
	return n - i;
}

int tv_script_parse(const char *buf, size_t len, const char **interp,
		    size_t *interp_len, const char **arg, size_t *arg_len)
{
	size_t end, name, sep, a = NONE;

	*interp = *arg = NULL;
	*interp_len = *arg_len = 0;
	if (len > TV_SCRIPT_BUF)
		len = TV_SCRIPT_BUF;
	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	end = line_end(buf, len);
	if (end == NONE)
		return SCRIPT_ENOEXEC;
	/* Trailing blanks go; buf[1] is '!', so this stops by end == 2. */
	while (spacetab(at(buf, len, end - 1)))
		end--;
	name = next_non_spacetab(buf, len, 2, end);
	if (name == NONE || name == end)
		return SCRIPT_ENOEXEC;
	/* A space or tab after the name starts the argument; a NUL ends
	 * the whole line. */
	sep = next_terminator(buf, len, name, end);
	if (sep != NONE && at(buf, len, sep) != '\0')
		a = next_non_spacetab(buf, len, sep, end);
	*interp = buf + name;
	*interp_len = (sep != NONE ? sep : end) - name;
	if (a != NONE) {
		*arg = buf + a;
		*arg_len = str_len(buf, len, a, end);
	}
	return 1;
}
