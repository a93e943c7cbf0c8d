# Hosted unit tests of the pure core code not covered by elf.mk/filter.mk:
# the initial stack, and the state carried across exec.
HOSTCC ?= cc
unit/test_stack: $(srcdir)/tests/unit/test_stack.c $(srcdir)/core/stack.c $(srcdir)/core/stack.h
	@mkdir -p unit
	$(HOSTCC) $(HOST_TEST_CFLAGS) -I$(srcdir)/core -o $@ $(srcdir)/tests/unit/test_stack.c $(srcdir)/core/stack.c
UNIT_TESTS += unit/test_stack
unit/test_xstate: $(srcdir)/tests/unit/test_xstate.c $(srcdir)/core/xstate.c $(srcdir)/core/xstate.h
	@mkdir -p unit
	$(HOSTCC) $(HOST_TEST_CFLAGS) -I$(srcdir)/core -o $@ $(srcdir)/tests/unit/test_xstate.c $(srcdir)/core/xstate.c
UNIT_TESTS += unit/test_xstate
