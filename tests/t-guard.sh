#!/bin/sh
# Checks that only make sense under tvisor, with no native run to compare
# with: the memory guard (a program's mmap MAP_FIXED / munmap / mprotect /
# madvise / mremap / shmat over the monitor's image or arena fails with
# ENOMEM / EINVAL / ENOMEM / ENOMEM / EINVAL / EINVAL and changes nothing;
# the kernel does not write into the monitor for the program) and the
# protection of SIGSYS (a program that ignores, blocks or handles SIGSYS, in
# any thread or after fork, is still intercepted, and its own SIGSYS
# handler never sees the monitor's traps).  The program is
# lifecycle/guard.FLAVOUR (tests/lifecycle/guard.c), run in every flavour
# that was built.  Prints PASS/FAIL/SKIP lines for tests/run.sh.
# Usage: tests/t-guard.sh SRCDIR BUILDDIR
set -u
build=$(cd "${2:?builddir}" && pwd)
tool=$build/tvisor-nop
[ -x "$tool" ] || { echo "FAIL: tool ($tool missing)"; exit 1; }

for flavour in dyn static spie musl musldyn; do
	prog=$build/lifecycle/guard.$flavour
	if [ ! -x "$prog" ]; then
		echo "SKIP: $flavour ($prog not built)"
		continue
	fi
	out=$(ulimit -c 0; timeout --kill-after=5 60 "$tool" -- "$prog" "$tool" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed -n \
		-e "s@^ok \\([^ ]*\\) # SKIP \\(.*\\)@SKIP: $flavour/\\1 (\\2)@p" \
		-e "/# SKIP/d" \
		-e "s@^ok \\([^ ]*\\)\$@PASS: $flavour/\\1@p" \
		-e "s@^not ok \\([^ ]*\\) (\\(.*\\))\$@FAIL: $flavour/\\1 (\\2)@p" \
		-e "s@^not ok \\([^ ]*\\)\$@FAIL: $flavour/\\1@p"
	if printf '%s\n' "$out" | grep -q '^alive$'; then
		echo "PASS: $flavour/survived"
	else
		echo "FAIL: $flavour/survived (exit status $rc, no \"alive\"; last lines: $(printf '%s\n' "$out" | tail -n 3 | tr '\n' '|'))"
	fi
done
exit 0
