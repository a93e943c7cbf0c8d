# tests/guests.mk -- guest programs for the comparison tests (GNU make).
#
# Included by the top-level Makefile.  Uses:
#   srcdir         the repository root (absolute or relative)
#   CC             the target C compiler (glibc)
#   MUSLCC         musl-gcc; empty: the musl flavours are not built
#   TARGET_CFLAGS  extra flags for the target compilers
# Builds, in the current build directory:
#   guests/NAME.FLAVOUR  for each guest in GUEST_NAMES and flavour in
#                        GUEST_FLAVOURS:
#       dyn      $(CC), dynamic PIE (the compiler's default)
#       static   $(CC) -static -no-pie
#       spie     $(CC) -static-pie
#       musl     $(MUSLCC) -static
#       musldyn  $(MUSLCC), dynamic: needs /lib/ld-musl-<arch>.so.1 at run
#                time (Debian's package "musl")
#   guests/origin.dyn, guests/origin.musldyn and their shared libraries
#                        (dynamic flavours only: $ORIGIN and dlopen)
#   guests/waitstatus    the wait-status helper of tests/compare.sh
#   guests/fs-probe, guests/trace-*, guests/fs-NAME (tests/fs/NAME.c),
#   guests/hooks         static programs tests/t-fs.sh, tests/t-trace.sh
#                        and tests/t-hooks.sh run (built here so that the
#                        tests need no compiler: the arm64 VM has none)
#   guests/tvisor-hooks  tests/tools/hooks.c, a tool that logs its
#                        lifecycle hooks, for tests/t-hooks.sh
# Defines GUESTS (every file built here) and the targets `guests` and
# `clean-guests`.  Typical use:
#   tests/compare.sh ./tvisor-nop $(srcdir)/tests/cases-core.txt guests
# All names defined here start with GUEST or guest.

GUEST_SRC := $(srcdir)/tests/guests
GUEST_MK := $(srcdir)/tests/guests.mk

# Guests built in every flavour, and guests for the dynamic flavours only.
GUEST_NAMES := hello auxv fileio threads churn mem exitcode sigbasic sigmore \
	sigintr stdio sysinfo procself cancel rwsite
GUEST_DYN_NAMES := origin

GUEST_HAVE_MUSL := $(strip $(MUSLCC))
GUEST_FLAVOURS := dyn static spie $(if $(GUEST_HAVE_MUSL),musl musldyn)
GUEST_DYN_FLAVOURS := dyn $(if $(GUEST_HAVE_MUSL),musldyn)

GUEST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror $(TARGET_CFLAGS)
GUEST_LIBS := -pthread

guest_bins = $(foreach f,$(2),$(patsubst %,guests/%.$(f),$(1)))
GUEST_PAT_BINS := $(call guest_bins,$(GUEST_NAMES),$(GUEST_FLAVOURS))
GUEST_BINS := $(GUEST_PAT_BINS) \
	$(call guest_bins,$(GUEST_DYN_NAMES),$(GUEST_DYN_FLAVOURS))
GUEST_LIBS_SO := guests/libtvorigin-gnu.so guests/libtvplugin-gnu.so \
	$(if $(GUEST_HAVE_MUSL),guests/libtvorigin-musl.so guests/libtvplugin-musl.so)

# Static programs of the tool tests, in one flavour.
GUEST_TOOL_NAMES := fs-probe trace-write trace-file trace-mmap trace-misc trace-str \
	trace-threads trace-fdguard trace-exec trace-signals trace-fork trace-uring hooks
GUEST_TOOL_BINS := $(GUEST_TOOL_NAMES:%=guests/%)
# tvisor-fs's escape tests: tests/fs/NAME.c is guests/fs-NAME.
GUEST_FS_BINS := $(patsubst $(srcdir)/tests/fs/%.c,guests/fs-%,$(wildcard $(srcdir)/tests/fs/*.c))

GUESTS := $(GUEST_BINS) $(GUEST_LIBS_SO) guests/waitstatus $(GUEST_TOOL_BINS) $(GUEST_FS_BINS) \
	guests/tvisor-hooks

.PHONY: guests clean-guests
guests: $(GUESTS)

clean-guests:
	rm -f $(GUESTS)
	-rmdir guests 2>/dev/null

# --- one static pattern rule per flavour ---------------------------------

$(filter %.dyn,$(GUEST_PAT_BINS)): guests/%.dyn: $(GUEST_SRC)/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -fPIE -pie -o $@ $< $(GUEST_LIBS)

$(filter %.static,$(GUEST_PAT_BINS)): guests/%.static: $(GUEST_SRC)/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -fno-pie -static -no-pie -o $@ $< $(GUEST_LIBS)

$(filter %.spie,$(GUEST_PAT_BINS)): guests/%.spie: $(GUEST_SRC)/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -fPIE -static-pie -o $@ $< $(GUEST_LIBS)

$(filter %.musl,$(GUEST_PAT_BINS)): guests/%.musl: $(GUEST_SRC)/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(MUSLCC) $(GUEST_CFLAGS) -static -o $@ $< $(GUEST_LIBS)

$(filter %.musldyn,$(GUEST_PAT_BINS)): guests/%.musldyn: $(GUEST_SRC)/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(MUSLCC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# --- origin: a library found through $ORIGIN, a plugin, nested dlopen ----

guests/libtvorigin-gnu.so: $(GUEST_SRC)/origin-lib.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -fPIC -shared -Wl,-soname,$(@F) -o $@ $<

guests/libtvplugin-gnu.so: $(GUEST_SRC)/origin-plugin.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -fPIC -shared -DTV_LIBC='"gnu"' \
		-Wl,-rpath,'$$ORIGIN' -Wl,-soname,$(@F) -o $@ $<

guests/origin.dyn: $(GUEST_SRC)/origin.c guests/libtvorigin-gnu.so \
		guests/libtvplugin-gnu.so $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -fPIE -pie -DTV_LIBC='"gnu"' -Wl,-rpath,'$$ORIGIN' \
		-o $@ $< -L$(@D) -ltvorigin-gnu $(GUEST_LIBS)

guests/libtvorigin-musl.so: $(GUEST_SRC)/origin-lib.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(MUSLCC) $(GUEST_CFLAGS) -fPIC -shared -Wl,-soname,$(@F) -o $@ $<

guests/libtvplugin-musl.so: $(GUEST_SRC)/origin-plugin.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(MUSLCC) $(GUEST_CFLAGS) -fPIC -shared -DTV_LIBC='"musl"' \
		-Wl,-rpath,'$$ORIGIN' -Wl,-soname,$(@F) -o $@ $<

guests/origin.musldyn: $(GUEST_SRC)/origin.c guests/libtvorigin-musl.so \
		guests/libtvplugin-musl.so $(GUEST_MK)
	@mkdir -p $(@D)
	$(MUSLCC) $(GUEST_CFLAGS) -DTV_LIBC='"musl"' -Wl,-rpath,'$$ORIGIN' \
		-o $@ $< -L$(@D) -ltvorigin-musl $(GUEST_LIBS)

# --- the runner's helper ----------------------------------------------------

guests/waitstatus: $(GUEST_SRC)/waitstatus.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $<

# --- the tool tests' programs: static, so that strace and the monitor see
# the program's own calls from its first instruction ------------------------

$(GUEST_TOOL_BINS): guests/%: $(GUEST_SRC)/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) -O1 -w $(TARGET_CFLAGS) -static -o $@ $< $(GUEST_LIBS)

$(GUEST_FS_BINS): guests/fs-%: $(srcdir)/tests/fs/%.c $(GUEST_MK)
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -static -o $@ $< $(GUEST_LIBS)

# --- a tool of the tests, linked as the tools are (Makefile.in) ---------------

guests/tvisor-hooks: obj/tests/tools/hooks.o libtvisor.a
	@mkdir -p $(@D)
	$(CC) $(MON_LDFLAGS) -o $@ $< libtvisor.a -lgcc
