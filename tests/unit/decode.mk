# Unit test of tvisor-trace's decoder (tools/decode/), hosted with
# sanitizers; its libFuzzer target is in tests/fuzz/fuzz.mk.  The decoder
# is linked as the tool links it, with the monitor's own formatter, errno
# texts and syscall names (core/fmt.c, core/sysnames.c: the target's
# names, from gen/sysnames.h) and tests/unit/decode_host.c for the rest
# of the runtime.  Included by the top-level Makefile: outputs go under
# unit/ in the build directory.

HOSTCC ?= cc

DECODE_HOST_SRCS = $(wildcard $(srcdir)/tools/decode/*.c) $(srcdir)/core/fmt.c \
	$(srcdir)/core/sysnames.c $(srcdir)/tests/unit/decode_host.c
DECODE_HOST_DEPS = $(DECODE_HOST_SRCS) $(wildcard $(srcdir)/tools/decode/*.h) gen/sysnames.h
DECODE_HOST_CFLAGS = -I$(srcdir)/include -I$(srcdir)/tools -I$(srcdir)/core \
	-I$(srcdir)/arch/$(ARCH) -Igen

UNIT_TESTS += unit/test_decode

unit/test_decode: $(srcdir)/tests/unit/test_decode.c $(DECODE_HOST_DEPS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_TEST_CFLAGS) $(DECODE_HOST_CFLAGS) -o $@ \
		$(srcdir)/tests/unit/test_decode.c $(DECODE_HOST_SRCS)
