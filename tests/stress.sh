#!/bin/sh
# tests/stress.sh -- run the signal and process case lists many times, to
# find the cases whose result depends on timing (a flake is a race to
# find, never a test to retry).  `make stress-tests` runs it; it is not
# part of `make check` (50 rounds take hours).
#
# usage: tests/stress.sh SRCDIR BUILDDIR
#   STRESS_ROUNDS  rounds (default 50): each round runs every case of each
#                  list once under tvisor-nop in the default mode and once
#                  with --pair --rewrite=off, as tests/run.sh does
#   STRESS_LISTS   the lists, names of tests/cases-NAME.txt (default
#                  "signals process")
#   STRESS_FILTER  an extended regex on the case names (default: all), e.g.
#                  '^sigintr2' to repeat only the cases that failed
#   STRESS_JOBS    rounds run at the same time (default 1); most cases
#                  sleep more than they compute, and a busier machine
#                  is the point anyway
#
# Prints, after the last round, for each case
#   PASS: stress/LIST/CASE (N runs)
#   FAIL: stress/LIST/CASE (k of N runs: default k1, --pair k2)
# the FAIL followed by the first failing run's compare.sh output (its FAIL
# line and unified diff, indented), then "N passed, N failed".  A line per
# round goes to stderr as it ends, and each failure with its diff as it
# comes.  Exit status 0 iff no case failed.
#
# In the arm64 VM (slow under emulation: a round of the signals list, both
# modes, takes about 20 minutes on a busy host), from the source directory:
#   TVISOR_AARCH64_CPU_MAX=0 TVISOR_AARCH64_RUN='STRESS_JOBS=2 STRESS_ROUNDS=2
#   STRESS_LISTS=signals sh src/tests/stress.sh src build' sh ci/test-aarch64.sh
# (TVISOR_QEMU_TIMEOUT, default 3600 s, bounds the boot: the failures come
# on stderr as they happen, the counts only at the end.)
set -u
src=$(cd "${1:?srcdir}" && pwd)
build=$(cd "${2:?builddir}" && pwd)
rounds=${STRESS_ROUNDS:-50}
lists=${STRESS_LISTS:-signals process}
filter=${STRESS_FILTER:-}
jobs=${STRESS_JOBS:-1}
work=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-stress.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for l in $lists; do
	[ -f "$src/tests/cases-$l.txt" ] || { echo "$0: no tests/cases-$l.txt" >&2; exit 2; }
done

# compare R LIST MODE ARGS...: one compare.sh run, its output after a line
# "@@ LIST MODE R" in $work/log.R; a usage error of compare.sh (status 2:
# nothing ran) is a FAIL of LIST/compare.sh.  Sets nfail.
compare() {
	c_r=$1 c_l=$2 c_m=$3
	shift 3
	echo "@@ $c_l $c_m $c_r" >>"$work/log.$c_r"
	"$@" "$src/tests/cases-$c_l.txt" "$build/guests" "$filter" \
		>"$work/out.$c_r" 2>"$work/err.$c_r"
	[ $? -le 1 ] || echo "FAIL: $c_l/compare.sh ($(head -n 1 "$work/err.$c_r"))" >>"$work/out.$c_r"
	cat "$work/out.$c_r" >>"$work/log.$c_r"
	# The failures at once on stderr too, for a run cut short.
	awk -v at="stress: round $c_r, $c_m mode: " '/^FAIL: / { p = 1; print at $0; next }
		/^(PASS|SKIP): / { p = 0 } p' "$work/out.$c_r" >&2
	nfail=$(grep -c '^FAIL: ' "$work/out.$c_r")
}

# round R (in a subshell): every list in both modes, in a directory of
# its own, apart from the rounds that run beside it.
round() {
	mkdir "$work/cwd.$1" && cd "$work/cwd.$1" || exit 2
	for l in $lists; do
		compare "$1" "$l" default bash "$src/tests/compare.sh" "$build/tvisor-nop"
		d=$nfail
		compare "$1" "$l" --pair env COMPARE_SKIP='^(nproc|nsunshare)\.' \
			COMPARE_SKIP_WHY="--pair adds a kernel task to each thread (see tests/run.sh)" \
			bash "$src/tests/compare.sh" "$build/tvisor-nop --pair --rewrite=off"
		p=$nfail
		echo "stress: round $1 of $rounds, $l: $d failed in the default mode, $p with --pair" >&2
	done
}

r=1
while [ "$r" -le "$rounds" ]; do
	j=0
	while [ "$j" -lt "$jobs" ] && [ "$r" -le "$rounds" ]; do
		round "$r" &
		r=$((r + 1)) j=$((j + 1))
	done
	wait
done
r=1
while [ "$r" -le "$rounds" ]; do
	cat "$work/log.$r"
	r=$((r + 1))
done >"$work/log"

# Count per case (both modes together), keep the first failing run's output.
awk '
/^@@ / { list = $2; mode = $3; round = $4; key = ""; next }
/^(PASS|FAIL|SKIP): / {
	kind = substr($0, 1, 4)
	name = substr($0, 7)
	sub(/ .*/, "", name)
	sub(/^[^\/]*\//, "", name)	# compare.sh names it SUITE/CASE
	key = list "/" name
	if (!(key in runs)) { order[++n] = key; runs[key] = 0; fails[key] = 0 }
	if (kind == "SKIP") { skipped[key] = $0; key = ""; next }
	runs[key]++
	if (kind == "FAIL") {
		fails[key]++
		byMode[key, mode]++
		if (!(key in first)) {
			first[key] = "    round " round ", " mode " mode:\n    " $0
			capture = 1
		} else
			capture = 0
	} else
		capture = 0
	next
}
/^    / && key != "" && capture { first[key] = first[key] "\n    " $0 }
END {
	for (i = 1; i <= n; i++) {
		k = order[i]
		if (runs[k] == 0) {
			print "SKIP: stress/" k " (" skipped[k] ")"
			ns++
		} else if (fails[k] == 0) {
			print "PASS: stress/" k " (" runs[k] " runs)"
			np++
		} else {
			printf "FAIL: stress/%s (%d of %d runs: default %d, --pair %d)\n", k, fails[k],
				runs[k], byMode[k, "default"], byMode[k, "--pair"]
			print first[k]
			nf++
		}
	}
	printf "%d passed, %d failed", np, nf
	if (ns) printf ", %d skipped", ns
	print ""
	exit (nf > 0)
}' "$work/log"
