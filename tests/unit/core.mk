# Hosted unit tests of the pure core code not covered by elf.mk/filter.mk.
HOSTCC ?= cc
unit/test_stack: $(srcdir)/tests/unit/test_stack.c $(srcdir)/core/stack.c $(srcdir)/core/stack.h
	@mkdir -p unit
	$(HOSTCC) $(HOST_TEST_CFLAGS) -I$(srcdir)/core -o $@ $(srcdir)/tests/unit/test_stack.c $(srcdir)/core/stack.c
UNIT_TESTS += unit/test_stack
