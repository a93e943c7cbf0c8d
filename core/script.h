/* Pure parsing of a "#!" line, exactly as Linux fs/binfmt_script.c
 * (5.1 and later) does it.  No I/O, no allocation, no libc. */
#ifndef TV_SCRIPT_H
#define TV_SCRIPT_H

#include <stddef.h>

/* BINPRM_BUF_SIZE: the kernel only ever looks at this many bytes. */
#define TV_SCRIPT_BUF 256

/* buf holds the first len bytes of a file; bytes past len (and past
 * TV_SCRIPT_BUF) are treated as the NUL padding the kernel's buffer has.
 *
 * Returns 0 if the file does not start with "#!", 1 if it is a script,
 * -8 (-ENOEXEC) if it starts with "#!" but the kernel refuses the line:
 * no interpreter name, or a name that may have been cut off (no newline
 * in the buffer and no space, tab or NUL after the name).
 *
 * On 1, *interp and *interp_len name the interpreter, *arg and *arg_len
 * the optional argument: everything after the name and its following blanks
 * up to the end of the line, trailing blanks removed, kept as ONE
 * argument even when it holds spaces.  All pointers are into buf (at
 * most buf + len); neither string contains a NUL.  The caller copies
 * them into NUL-terminated strings.  Two kernel quirks are kept:
 *   - *arg != NULL with *arg_len == 0 is an empty argument, which the
 *     kernel passes when a blank after the name is followed by a NUL
 *     ("#!/bin/sh " with no newline at end of file); *arg == NULL means
 *     no argument at all.
 *   - *interp_len == 0 when a NUL follows "#!" and the blanks ("#!" alone
 *     in a file): the kernel accepts the line and then fails to open the
 *     empty name (ENOENT or EACCES by kernel version), so the caller's
 *     own lookup of "" fails the same way. */
int tv_script_parse(const char *buf, size_t len, const char **interp,
		    size_t *interp_len, const char **arg, size_t *arg_len);

#endif
