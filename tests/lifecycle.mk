# tests/lifecycle.mk -- guests of the process-lifecycle and signal comparison
# cases (tests/cases-process.txt, tests/cases-signals.txt), GNU make.
#
# Included by the top-level Makefile, after tests/guests.mk (it reuses that
# file's compilers and flavour list).  Uses:
#   srcdir         the repository root
#   CC, MUSLCC, TARGET_CFLAGS   as in tests/guests.mk
# Builds, in the current build directory:
#   lifecycle/NAME.FLAVOUR  for NAME in LIFE_NAMES (sources
#                           tests/lifecycle/NAME.c) and SIG_NAMES (sources
#                           tests/signals/NAME.c), FLAVOUR in dyn static spie
#                           musl musldyn (the musl ones when MUSLCC is set)
# tests/lifecycle/util.c is not a guest: the guests include it.
# Appends every file to GUESTS (so `make check` and `make guests` build them)
# and defines `lifecycle-guests` and `clean-lifecycle` (run by `make clean`).
# lifecycle/guard.* is for tests/t-guard.sh (tvisor-only), not for a cases
# file, nor is lifecycle/churnrss.static (tests/t-churnrss.sh).  The cases name them
# @GUESTS@/../lifecycle/NAME.FLAVOUR.  All names here start with LIFE or life.

LIFE_SRC := $(srcdir)/tests/lifecycle
LIFE_SIGSRC := $(srcdir)/tests/signals
LIFE_MK := $(srcdir)/tests/lifecycle.mk $(LIFE_SRC)/util.c

LIFE_NAMES := forks spawn execerr execchain execthreads forkloop waitstat clone3 \
	threadfork procview guard pimutex nsunshare persona nproc bigargs strictmode \
	brkplace nprocedge
LIFE_SIG_NAMES := sigstack siginfo sigjmp signest sigctx sigmask sigwait \
	sigintr2 sigstress sigdefault sigfault sigthreads sigvisible

LIFE_HAVE_MUSL := $(strip $(MUSLCC))
LIFE_FLAVOURS := dyn static spie $(if $(LIFE_HAVE_MUSL),musl musldyn)

# gnu11 rather than c11: the guests use inline assembly for the faults.
LIFE_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror $(TARGET_CFLAGS)
LIFE_LIBS := -pthread

life_bins = $(foreach f,$(LIFE_FLAVOURS),$(patsubst %,lifecycle/%.$(f),$(1)))
LIFE_BINS_L := $(call life_bins,$(LIFE_NAMES))
LIFE_BINS_S := $(call life_bins,$(LIFE_SIG_NAMES))
# tests/t-churnrss.sh runs one flavour (each run takes thousands of
# threads and execs).
LIFE_BINS_1 := lifecycle/churnrss.static
LIFE_BINS := $(LIFE_BINS_L) $(LIFE_BINS_S) $(LIFE_BINS_1)

GUESTS += $(LIFE_BINS)

.PHONY: lifecycle-guests clean-lifecycle
lifecycle-guests: $(LIFE_BINS)
guests: lifecycle-guests

clean-lifecycle:
	rm -f $(LIFE_BINS)
	-rmdir lifecycle 2>/dev/null
clean: clean-lifecycle

# --- one static pattern rule per flavour and source directory ---------------
# life_rules BINS SRCDIR: the rules for the guests BINS built from SRCDIR.

define life_rules
$(filter %.dyn,$(1)): lifecycle/%.dyn: $(2)/%.c $$(LIFE_MK)
	@mkdir -p $$(@D)
	$$(CC) $$(LIFE_CFLAGS) -fPIE -pie -o $$@ $$< $$(LIFE_LIBS)

$(filter %.static,$(1)): lifecycle/%.static: $(2)/%.c $$(LIFE_MK)
	@mkdir -p $$(@D)
	$$(CC) $$(LIFE_CFLAGS) -fno-pie -static -no-pie -o $$@ $$< $$(LIFE_LIBS)

$(filter %.spie,$(1)): lifecycle/%.spie: $(2)/%.c $$(LIFE_MK)
	@mkdir -p $$(@D)
	$$(CC) $$(LIFE_CFLAGS) -fPIE -static-pie -o $$@ $$< $$(LIFE_LIBS)

$(filter %.musl,$(1)): lifecycle/%.musl: $(2)/%.c $$(LIFE_MK)
	@mkdir -p $$(@D)
	$$(MUSLCC) $$(LIFE_CFLAGS) -static -o $$@ $$< $$(LIFE_LIBS)

$(filter %.musldyn,$(1)): lifecycle/%.musldyn: $(2)/%.c $$(LIFE_MK)
	@mkdir -p $$(@D)
	$$(MUSLCC) $$(LIFE_CFLAGS) -o $$@ $$< $$(LIFE_LIBS)
endef

$(eval $(call life_rules,$(LIFE_BINS_L),$(LIFE_SRC)))
$(eval $(call life_rules,$(LIFE_BINS_S),$(LIFE_SIGSRC)))
$(eval $(call life_rules,$(LIFE_BINS_1),$(LIFE_SRC)))
