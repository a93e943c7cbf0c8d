# Unit tests for the loader's pure parsers, core/elf.c and core/script.c
# (their libFuzzer target is in tests/fuzz/fuzz.mk).  Included by the
# top-level Makefile: sources come from $(srcdir), outputs go under unit/
# in the build directory.  The tests are hosted programs (libc, sanitizers);
# the parsers themselves are the same files the monitor links.

HOSTCC ?= cc

ELF_TEST_CFLAGS = -std=c11 -Wall -Wextra -Werror -g \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I$(srcdir)/core

UNIT_TESTS += unit/test_elf unit/test_script

unit/test_elf: $(srcdir)/tests/unit/test_elf.c $(srcdir)/core/elf.c \
		$(srcdir)/core/elf.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(ELF_TEST_CFLAGS) -o $@ $(srcdir)/tests/unit/test_elf.c \
		$(srcdir)/core/elf.c

unit/test_script: $(srcdir)/tests/unit/test_script.c \
		$(srcdir)/core/script.c $(srcdir)/core/script.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(ELF_TEST_CFLAGS) -o $@ \
		$(srcdir)/tests/unit/test_script.c $(srcdir)/core/script.c
