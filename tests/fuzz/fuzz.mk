# The libFuzzer targets of the pure core code (tests/fuzz/fuzz_*.c), each
# built with the core files it exercises.  Included by the top-level
# Makefile: outputs go under fuzz/ in the build directory.
#
#   make fuzz             every target FUZZ_SECONDS (300) each, one by one
#   make fuzz-bpf         one target
#
# A run starts from its corpus in $(FUZZ_WORK)/corpus-NAME (kept between
# runs), topped up with the committed seeds of tests/fuzz/corpus-NAME; a
# crash's reproducer is written as $(FUZZ_WORK)/NAME-crash-... (rerun it
# with ./fuzz/fuzz_NAME FILE).  tests/t-fuzz.sh runs every target briefly
# from make check.

FUZZCC ?= clang
FUZZ_SECONDS ?= 300
FUZZ_WORK ?= fuzz
FUZZ_TARGETS = elf path bpf filter stack decode

# UBSan recovers by default under libFuzzer; make it a crash instead.
FUZZ_CFLAGS = -std=c11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I$(srcdir)/core -I$(srcdir)/include

# The filter generator costs O(n^2) comparisons for n numbers (filter.h);
# tracing each for libFuzzer made a set of 1500 take seconds, not 16 ms.
# Its comparisons that matter are in the BPF it emits, which no tracing
# sees anyway.
FUZZ_CFLAGS_filter = -fno-sanitize-coverage=trace-cmp

# The largest input of each: room for a whole program header table, path,
# BPF program (1024 instructions), intercept set, argument list, a call
# with its guest memory.
FUZZ_MAXLEN_elf = 8192
FUZZ_MAXLEN_path = 4096
FUZZ_MAXLEN_bpf = 8256
FUZZ_MAXLEN_filter = 8192
FUZZ_MAXLEN_stack = 4096
FUZZ_MAXLEN_decode = 4096

fuzz/fuzz_elf: $(srcdir)/core/elf.c $(srcdir)/core/elf.h \
	$(srcdir)/core/script.c $(srcdir)/core/script.h
fuzz/fuzz_path: $(srcdir)/core/path.c $(srcdir)/include/tvisor.h
fuzz/fuzz_bpf: $(srcdir)/core/bpf.c $(srcdir)/core/bpf.h
fuzz/fuzz_filter: $(srcdir)/core/filter.c $(srcdir)/core/filter.h \
	$(srcdir)/core/bpf.c $(srcdir)/core/bpf.h
fuzz/fuzz_stack: $(srcdir)/core/stack.c $(srcdir)/core/stack.h
# The decoder links as its unit test does (tests/unit/decode.mk).
fuzz/fuzz_decode: $(DECODE_HOST_DEPS)
FUZZ_CFLAGS_decode = $(DECODE_HOST_CFLAGS)

$(FUZZ_TARGETS:%=fuzz/fuzz_%): fuzz/fuzz_%: $(srcdir)/tests/fuzz/fuzz_%.c
	@mkdir -p $(dir $@)
	$(FUZZCC) $(FUZZ_CFLAGS) $(FUZZ_CFLAGS_$*) -o $@ $(filter %.c,$^)

# -timeout: an input that runs 5 s is a hang (an interpreter or parser
# that does not end), reported as a crash.
$(FUZZ_TARGETS:%=fuzz-%): fuzz-%: fuzz/fuzz_%
	@mkdir -p $(FUZZ_WORK)/corpus-$*
	cp $(srcdir)/tests/fuzz/corpus-$*/* $(FUZZ_WORK)/corpus-$*/
	./fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -max_len=$(FUZZ_MAXLEN_$*) \
		-timeout=5 -print_final_stats=1 -artifact_prefix=$(FUZZ_WORK)/$*- \
		$(FUZZ_WORK)/corpus-$*

fuzz: $(FUZZ_TARGETS:%=fuzz-%)

.PHONY: fuzz $(FUZZ_TARGETS:%=fuzz-%)
