#!/bin/sh
# Thread churn and fork+exec cycles leave no state behind: lifecycle/
# churnrss.static (tests/lifecycle/churnrss.c: 10000 threads created and
# joined, then 2000 fork + execve cycles, VmRSS and the open descriptors
# compared after 10% and after 100% of each) natively and under
# tvisor-nop, through tests/compare.sh: the same output ("ok" lines) and
# status.  A run not over after 600 s is a FAIL (timeout), a hang bound,
# not a speed one.  On aarch64 it is a SKIP: CI runs the suite there
# under qemu's TCG emulation, where 2000 execs of the monitor outlast the
# VM's time budget (not measured on arm64 hardware).
# Usage: tests/t-churnrss.sh SRCDIR BUILDDIR
set -u
src=$(cd "${1:?srcdir}" && pwd)
build=$(cd "${2:?builddir}" && pwd)
prog=$build/lifecycle/churnrss.static
if [ "$(uname -m)" = aarch64 ]; then
	echo "SKIP: churnrss (aarch64: CI runs the suite under TCG emulation, where 2000 execs of the monitor outlast its time budget)"
	exit 0
fi
[ -x "$prog" ] || { echo "FAIL: churnrss ($prog not built)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-churnrss.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
printf 'churnrss\t-\t@GUESTS@/../lifecycle/churnrss.static\n' >"$tmp/cases-churn.txt"
COMPARE_TIMEOUT=600 bash "$src/tests/compare.sh" "$build/tvisor-nop" "$tmp/cases-churn.txt" \
	"$build/guests" 2>/dev/null | sed 's@^\(PASS\|FAIL\|SKIP\): churn/@\1: @'
exit 0
