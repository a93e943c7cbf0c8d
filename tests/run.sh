#!/bin/sh
# Runs every test of this build and ends with "N passed, N failed".
# Every test prints lines "PASS: name" or "FAIL: name (why)" (and may print
# "SKIP: name (why)"); this script only runs them and counts.
# Usage: tests/run.sh SRCDIR BUILDDIR   (UNIT_TESTS names the unit binaries)
set -u
src=$(cd "${1:?srcdir}" && pwd)
build=$(cd "${2:?builddir}" && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

run() {	# run NAME COMMAND...: a test program; its exit status must agree
	name=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	# In the test's order, so that a FAIL's diff (compare.sh's indented
	# lines) follows it; at most 40 other lines after each result line.
	printf '%s\n' "$out" | awk -v name="$name" -v logf="$log" '
		/^(PASS|FAIL|SKIP): / {
			i = index($0, ": ")
			line = substr($0, 1, i + 1) name "/" substr($0, i + 2)
			print line
			print line >>logf
			n = 0
			next
		}
		/./ && n++ < 40 { print "    " $0 }'
	if [ $rc -ne 0 ] && ! printf '%s\n' "$out" | grep -q '^FAIL: '; then
		echo "FAIL: $name (exit status $rc without a FAIL line)" | tee -a "$log"
	fi
}

for t in ${UNIT_TESTS:-}; do
	run "$(basename "$t")" "$build/$t"
done
for t in "$src"/tests/t-*.sh; do
	[ -e "$t" ] || continue
	n=$(basename "$t" .sh)
	run "${n#t-}" sh "$t" "$src" "$build"
done
# Every differential case list, under tvisor-nop trapping everything, in
# the default rewrite mode; with every site rewritten at its first trap
# (--rewrite=eager, so that the stub path meets everything the cases do);
# with every hook on a paired kernel thread and no rewriting (--pair
# --rewrite=off: the SIGSYS path alone); and trapping only what the core
# needs (the filter's ALLOW path, untrapped calls running natively beside
# trapped ones).  cases-known-failing.txt lists what does not work yet,
# with the reasons: it is documentation, not run.
for cases in "$src"/tests/cases-*.txt; do
	[ -e "$cases" ] || continue
	narrow="--syscalls getcwd"
	case $cases in
	*known-failing*) continue ;;
	*cases-proc.txt) narrow="$narrow --exact-proc" ;;
	esac
	run nop bash "$src/tests/compare.sh" "$build/tvisor-nop" "$cases" "$build/guests"
	# (EAGER_LISTS, a regex on the list's name, narrows this run where
	# time is short: the arm64 VM runs it on core and signals.)
	if echo "${cases##*/}" | grep -Eq "${EAGER_LISTS:-.}"; then
		run nop-eager bash "$src/tests/compare.sh" "$build/tvisor-nop --rewrite=eager" \
			"$cases" "$build/guests"
	fi
	run nop-pair env COMPARE_SKIP='^(nproc|nsunshare)\.' \
		COMPARE_SKIP_WHY="--pair adds a kernel task to each thread: RLIMIT_NPROC counts it, unshare(CLONE_NEWUSER) needs one thread" \
		bash "$src/tests/compare.sh" "$build/tvisor-nop --pair --rewrite=off" "$cases" \
		"$build/guests"
	run nop-narrow bash "$src/tests/compare.sh" "$build/tvisor-nop $narrow" \
		"$cases" "$build/guests"
done

pass=$(grep -c '^PASS: ' "$log")
fail=$(grep -c '^FAIL: ' "$log")
skip=$(grep -c '^SKIP: ' "$log")
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
