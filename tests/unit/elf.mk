# Unit tests and the libFuzzer target for the loader's pure parsers,
# core/elf.c and core/script.c.  Included by the top-level Makefile:
# sources come from $(srcdir), outputs go under unit/ and fuzz/ in the
# build directory.  The tests are hosted programs (libc, sanitizers);
# the parsers themselves are the same files the monitor links.

HOSTCC ?= cc
FUZZCC ?= clang
FUZZ_SECONDS ?= 30

ELF_TEST_CFLAGS = -std=c11 -Wall -Wextra -Werror -g \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I$(srcdir)/core
# UBSan recovers by default under libFuzzer; make it a crash instead.
ELF_FUZZ_CFLAGS = -std=c11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
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

fuzz/fuzz_elf: $(srcdir)/tests/fuzz/fuzz_elf.c $(srcdir)/core/elf.c \
		$(srcdir)/core/elf.h $(srcdir)/core/script.c \
		$(srcdir)/core/script.h
	@mkdir -p $(dir $@)
	$(FUZZCC) $(ELF_FUZZ_CFLAGS) -o $@ $(srcdir)/tests/fuzz/fuzz_elf.c \
		$(srcdir)/core/elf.c $(srcdir)/core/script.c

# The corpus persists between runs in fuzz/corpus-elf; a real program
# header table and a "#!" line give the fuzzer a head start.
fuzz-elf: fuzz/fuzz_elf
	@mkdir -p fuzz/corpus-elf
	@test -e fuzz/corpus-elf/seed-ls || \
		head -c 4096 /bin/ls > fuzz/corpus-elf/seed-ls 2>/dev/null || :
	@printf '#!/bin/sh -e\n' > fuzz/corpus-elf/seed-script
	./fuzz/fuzz_elf -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-print_final_stats=1 fuzz/corpus-elf

.PHONY: fuzz-elf
