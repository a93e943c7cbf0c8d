/* What one image of the monitor hands the next across the guest's
 * execve: words on the next image's command line, after the marker
 * TV_XSTATE_MARK and the tool's own (exec_options).  One table in
 * xstate.c names them; exec.c writes them (tv_xstate_put) and main.c reads
 * them back (tv_xstate_take).  Pure code: no I/O, no allocation. */
#ifndef TV_XSTATE_H
#define TV_XSTATE_H

#include <stddef.h>

/* The word that says "started by a guest's execve". */
#define TV_XSTATE_MARK "--tv-exec"
/* Where the image before sat: argv[1] and argv[2], for place.c to read
 * before anything else runs (every image of a process sits there). */
#define TV_XSTATE_BASE "--tv-base"

struct tv_xstate {
	const char *argv0;	/* the guest's argv[0]; NULL: none given */
	const char *execfn;	/* AT_EXECFN when it is not the program's path; or NULL */
	long gfilters_fd;	/* a memfd with the guest's seccomp filters; -1: none */
	long exec_fd;		/* the descriptor an execveat named the program by; -1 */
	long ss_flags;		/* the guest's sigaltstack flags; -1: unknown */
};

/* The state of nothing carried: NULLs and -1s. */
#define TV_XSTATE_NONE { NULL, NULL, -1, -1, -1 }

/* At most this many words; each number is written into its own slot of
 * num, which must live as long as the words. */
#define TV_XSTATE_WORDS 10
typedef char tv_xstate_num[24];

/* Writes x's words to out (room for TV_XSTATE_WORDS); returns how many. */
int tv_xstate_put(const struct tv_xstate *x, char **out, tv_xstate_num num[TV_XSTATE_WORDS]);

/* If argv[0] (of argc words) is one of the words, reads it and its value
 * into x and returns 2; returns 0 for any other word, or one without a
 * valid value. */
int tv_xstate_take(int argc, char **argv, struct tv_xstate *x);

#endif
