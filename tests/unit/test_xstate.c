/* Hosted unit test of core/xstate.c: what exec.c writes for the next
 * image, main.c reads back the same; what is absent stays absent; a word
 * with a bad value, or another word, is not taken. */
#include <stdio.h>
#include <string.h>
#include "xstate.h"

static int failures;

static void report(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

/* Puts x, then takes the words back as main.c does; 0 if all were taken. */
static int round_trip(const struct tv_xstate *x, struct tv_xstate *back, int *nwords)
{
	char *w[TV_XSTATE_WORDS + 1];
	tv_xstate_num num[TV_XSTATE_WORDS];
	int n = tv_xstate_put(x, w, num);

	*back = (struct tv_xstate)TV_XSTATE_NONE;
	*nwords = n;
	for (int i = 0; i < n;) {
		int used = tv_xstate_take(n - i, w + i, back);
		if (used != 2)
			return -1;
		i += used;
	}
	return 0;
}

static int same(const struct tv_xstate *a, const struct tv_xstate *b)
{
	return ((!a->argv0 && !b->argv0) || (a->argv0 && b->argv0 && !strcmp(a->argv0, b->argv0))) &&
	       ((!a->execfn && !b->execfn) || (a->execfn && b->execfn && !strcmp(a->execfn, b->execfn))) &&
	       a->gfilters_fd == b->gfilters_fd && a->exec_fd == b->exec_fd && a->ss_flags == b->ss_flags;
}

int main(void)
{
	struct tv_xstate full = { "-sh", "/dev/fd/3/prog", 1030, 64, 2147483650l }, back;
	struct tv_xstate none = TV_XSTATE_NONE, empty_argv0 = { "", NULL, -1, -1, 0 };
	int n;

	report(round_trip(&full, &back, &n) == 0 && same(&full, &back) && n == 10,
	       "every field, SS_AUTODISARM's bit 31 too, comes back");
	report(round_trip(&none, &back, &n) == 0 && same(&none, &back) && n == 0,
	       "nothing carried: no words");
	report(round_trip(&empty_argv0, &back, &n) == 0 && same(&empty_argv0, &back) && n == 4,
	       "an empty argv[0] (execve with argc 0) is carried");

	char *bad[] = { "--tv-gfilters", "12x" }, *other[] = { "--pair", "1" },
	     *alone[] = { "--tv-execfn" };
	back = (struct tv_xstate)TV_XSTATE_NONE;
	report(tv_xstate_take(2, bad, &back) == 0 && back.gfilters_fd == -1,
	       "a number that is not one is refused");
	report(tv_xstate_take(2, other, &back) == 0, "another option is not taken");
	report(tv_xstate_take(1, alone, &back) == 0 && !back.execfn, "a word without its value is not taken");
	return failures != 0;
}
