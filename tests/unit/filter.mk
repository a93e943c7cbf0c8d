# Unit tests for the classic-BPF interpreter (core/bpf.c) and the filter
# generator (core/filter.c), and the build-time generator of the syscall
# name tables (tools/gen-sysnames.c).  Included by the top-level Makefile:
# sources come from $(srcdir), outputs go in the build directory.  All of
# this is hosted (libc, libseccomp, sanitizers); bpf.c and filter.c are the
# same files the freestanding monitor links.

HOSTCC ?= cc

FILTER_TEST_CFLAGS = -std=c11 -Wall -Wextra -Werror -g \
	-fsanitize=address,undefined -fno-sanitize-recover=all -I$(srcdir)

UNIT_TESTS += unit/test_bpf unit/test_filter

unit/test_bpf: $(srcdir)/tests/unit/test_bpf.c $(srcdir)/core/bpf.c \
		$(srcdir)/core/bpf.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(FILTER_TEST_CFLAGS) -o $@ $(srcdir)/tests/unit/test_bpf.c \
		$(srcdir)/core/bpf.c

# The test resolves syscall names with libseccomp, the reference.
unit/test_filter: $(srcdir)/tests/unit/test_filter.c $(srcdir)/core/filter.c \
		$(srcdir)/core/filter.h $(srcdir)/core/bpf.c $(srcdir)/core/bpf.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(FILTER_TEST_CFLAGS) -o $@ $(srcdir)/tests/unit/test_filter.c \
		$(srcdir)/core/filter.c $(srcdir)/core/bpf.c -lseccomp

# gen-sysnames runs on the build machine, whatever the target arch:
# libseccomp knows every arch's numbers.  A pattern rule, so that an
# explicit gen-sysnames rule in the top-level Makefile takes precedence
# without an "overriding recipe" warning.
gen-%: $(srcdir)/tools/gen-%.c
	$(HOSTCC) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $< -lseccomp

SYSNAMES_HEADERS = gen/sysnames-x86_64.h gen/sysnames-aarch64.h

# Written through a temporary file so that a failed run leaves no
# half-written header for the next make to trust.
$(SYSNAMES_HEADERS): gen/sysnames-%.h: gen-sysnames
	@mkdir -p $(dir $@)
	./gen-sysnames $* > $@.tmp || { rm -f $@.tmp; exit 1; }
	mv $@.tmp $@

sysnames: $(SYSNAMES_HEADERS)

.PHONY: sysnames
