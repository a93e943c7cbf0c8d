# aarch64 flags for the freestanding monitor (included by Makefile.in).
# GCC's default -moutline-atomics turns __atomic builtins into calls to
# libgcc helpers whose constructor asks glibc's __getauxval for HWCAP_ATOMICS:
# the monitor has no libc, so inline the LL/SC (ARMv8.0) sequences instead.
ARCH_CFLAGS = -mno-outline-atomics

# A unit test of frame.c against the real kernel (signal frames, SVE and
# extra_context); hosted, built with the unit tests' compiler.
ARCH_UNIT_TESTS = unit/test_frame_aarch64
unit/test_frame_aarch64: $(srcdir)/arch/aarch64/test_frame.c $(srcdir)/arch/aarch64/frame.c \
		$(srcdir)/arch/aarch64/arch.h $(srcdir)/core/monitor.h
	@mkdir -p unit
	$(HOSTCC) -std=c11 -O1 -g -Wall -Wextra -Werror -I$(srcdir)/include -I$(srcdir)/core \
		-I$(srcdir)/arch/aarch64 -o $@ $(srcdir)/arch/aarch64/test_frame.c \
		$(srcdir)/arch/aarch64/frame.c

# The only relocation the monitor's binary may have (core/place.c).
RELATIVE_RELOC = R_AARCH64_RELATIVE
