#!/bin/sh
# Runs every libFuzzer target of tests/fuzz/ (tests/fuzz/fuzz.mk) for a
# short fixed time, TVISOR_FUZZ_SECONDS (10) each, from a fresh copy of its
# committed seeds.  PASS: it ran its time without a crash; FAIL: the crash's
# reproducer (kept under BUILD/fuzz/check/) and the sanitizer's first
# lines.  `make fuzz` is the longer run.
# Usage: tests/t-fuzz.sh SRCDIR BUILDDIR
set -u
src=$1 build=$2
secs=${TVISOR_FUZZ_SECONDS:-10}
fuzzcc=${FUZZCC:-clang}
targets=$(sed -n 's/^FUZZ_TARGETS = //p' "$src/tests/fuzz/fuzz.mk")
work=fuzz/check
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

skip_all() {
	for t in $targets; do
		echo "SKIP: fuzz-$t ($1)"
	done
	exit 0
}

# libFuzzer comes with clang (and libclang-rt-*-dev, ci/deps.sh); the arm64
# VM has no compiler at all.
command -v "$fuzzcc" >/dev/null 2>&1 ||
	skip_all "no $fuzzcc here: libFuzzer needs clang (the arm64 VM has no compiler)"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' >"$tmp/t.c"
"$fuzzcc" -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" >"$tmp/log" 2>&1 ||
	skip_all "$fuzzcc cannot link libFuzzer: $(head -1 "$tmp/log")"

# The sanitizer's report (or the invariant, or libFuzzer's timeout), first
# lines, on one line.
first_lines() {
	grep -m1 -A3 -E '^==[0-9]+==ERROR|runtime error|invariant failed|ALARM|deadly signal' "$1" |
		tr '\n' ' ' | cut -c1-400
}

for t in $targets; do
	rm -rf "${build:?}/$work/corpus-$t"
	log=$tmp/$t.log
	if ! make -s -C "$build" "fuzz/fuzz_$t" >"$log" 2>&1; then
		echo "FAIL: fuzz-$t (build: $(head -3 "$log" | tr '\n' ' '))"
		continue
	fi
	make -s -C "$build" "fuzz-$t" FUZZ_SECONDS="$secs" FUZZ_WORK="$work" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: //p' "$log")
	repro=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$log" | head -1)
	if [ $rc -eq 0 ] && [ -n "$runs" ] && [ -z "$repro" ]; then
		echo "PASS: fuzz-$t ($secs s, $runs runs)"
	elif [ -n "$repro" ]; then
		echo "FAIL: fuzz-$t (reproducer $build/$repro: $(first_lines "$log"))"
	else
		echo "FAIL: fuzz-$t (exit status $rc: $(tail -3 "$log" | tr '\n' ' '))"
	fi
done
