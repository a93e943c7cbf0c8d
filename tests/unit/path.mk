# Unit tests for core/path.c, the guest path resolver of the public API (its
# libFuzzer target is in tests/fuzz/fuzz.mk; tvisor-fs uses it).  Included by the top-level
# Makefile: sources come from $(srcdir), outputs go under unit/ in the
# build directory.  The tests are hosted (libc, sanitizers); path.c is the
# same file the monitor links.

HOSTCC ?= cc

PATH_TEST_CFLAGS = -std=c11 -Wall -Wextra -Werror -g \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I$(srcdir)/include

UNIT_TESTS += unit/test_path

unit/test_path: $(srcdir)/tests/unit/test_path.c $(srcdir)/core/path.c \
		$(srcdir)/include/tvisor.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(PATH_TEST_CFLAGS) -o $@ $(srcdir)/tests/unit/test_path.c \
		$(srcdir)/core/path.c
