/* REQUIRE: an invariant of a fuzz target.  A failure is a crash that
 * libFuzzer reports with the input that caused it. */
#ifndef TV_FUZZ_REQUIRE_H
#define TV_FUZZ_REQUIRE_H

#include <stdio.h>
#include <stdlib.h>

#define REQUIRE(cond)                                                      \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "invariant failed: %s (line %d)\n", \
				#cond, __LINE__);                          \
			abort();                                           \
		}                                                          \
	} while (0)

#endif
