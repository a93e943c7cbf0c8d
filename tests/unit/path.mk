# Unit tests and the libFuzzer target for core/path.c, the guest path
# resolver of the public API (tvisor-fs uses it).  Included by the
# top-level Makefile: sources come from $(srcdir), outputs go under unit/
# and fuzz/ in the build directory.
# The tests are hosted (libc, sanitizers); path.c is the same file the
# monitor links.

HOSTCC ?= cc
FUZZCC ?= clang
FUZZ_SECONDS ?= 30

PATH_TEST_CFLAGS = -std=c11 -Wall -Wextra -Werror -g \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I$(srcdir)/include
PATH_FUZZ_CFLAGS = -std=c11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I$(srcdir)/include

UNIT_TESTS += unit/test_path

unit/test_path: $(srcdir)/tests/unit/test_path.c $(srcdir)/core/path.c \
		$(srcdir)/include/tvisor.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(PATH_TEST_CFLAGS) -o $@ $(srcdir)/tests/unit/test_path.c \
		$(srcdir)/core/path.c

fuzz/fuzz_path: $(srcdir)/tests/fuzz/fuzz_path.c $(srcdir)/core/path.c \
		$(srcdir)/include/tvisor.h
	@mkdir -p $(dir $@)
	$(FUZZCC) $(PATH_FUZZ_CFLAGS) -o $@ $(srcdir)/tests/fuzz/fuzz_path.c \
		$(srcdir)/core/path.c

# The corpus persists between runs in fuzz/corpus-path.
fuzz-path: fuzz/fuzz_path
	@mkdir -p fuzz/corpus-path
	@printf '\001\000/home/u/../abs/./x\000l1\000../..\000' > fuzz/corpus-path/seed-1
	@printf '\000\000a/b/c/\000/\000l2/\000' > fuzz/corpus-path/seed-2
	./fuzz/fuzz_path -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-print_final_stats=1 fuzz/corpus-path

.PHONY: fuzz-path
