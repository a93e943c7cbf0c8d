#!/bin/sh
# stress-ng's process, thread, signal and memory stressors, natively and
# under tvisor-nop: in the default mode, and with --pair --rewrite=off
# (every call through the SIGSYS path, hooks on paired kernel threads).
# Needs Debian's stress-ng (ci/deps.sh installs it); without it, one SKIP.
#
# Each stressor runs as `stress-ng --NAME 2 --timeout 2s --metrics-brief`,
# one run after the other.  Per stressor and mode:
#   PASS  the exit status is the native one, stress-ng counted bogo ops
#         (> 0) under the tool, and the monitor reported no internal error;
#   FAIL  otherwise, or when the run outlived LIMIT seconds: that bound
#         only tells a hang (a 2 s run that is not over after LIMIT s),
#         never speed, and the FAIL says so;
#   SKIP  the stressor fails natively (nothing to compare with).
# stress-ng's exec stressor refuses to run as root: as root the exec runs
# (native and tool alike) are made as nobody with setpriv, in a directory
# nobody can write.
# Usage: tests/t-stressng.sh SRCDIR BUILDDIR
set -u
build=$(cd "${2:?builddir}" && pwd)
tool=$build/tvisor-nop
[ -x "$tool" ] || { echo "FAIL: tool ($tool missing)"; exit 1; }
STRESSORS="fork vfork clone pthread signal sigq sigpending futex mmap mremap brk switch
pipe timer sigsegv exec"
SECONDS_RUN=2
LIMIT=60

if ! command -v stress-ng >/dev/null 2>&1; then
	echo "SKIP: all (stress-ng not installed: apt-get install stress-ng; the arm64 VM's payload has none)"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-stressng.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"

# run NAME HOW OUT [TOOL-ARGS...]: one stress-ng run, output in OUT, exit
# status in OUT.rc (124 or 137: it hit LIMIT).
run() {
	name=$1 how=$2 out=$3
	shift 3
	user=
	if [ "$name" = exec ] && [ "$(id -u)" = 0 ]; then
		user="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
	cmd="stress-ng --$name 2 --timeout ${SECONDS_RUN}s --metrics-brief"
	# A bogo op of these maps 256 MiB by default: a few a second, none
	# at all in 2 s on a busy machine.
	case $name in
	mmap | mremap) cmd="$cmd --$name-bytes 16M" ;;
	esac
	[ "$how" = native ] || cmd="$tool $* -- $cmd"
	mkdir -p "$tmp/cwd" && chmod 777 "$tmp/cwd"
	# shellcheck disable=SC2086 # user and cmd are word lists
	(cd "$tmp/cwd" && ulimit -c 0 &&
		exec timeout --kill-after=5 "$LIMIT" $user $cmd </dev/null >"$out" 2>&1)
	echo $? >"$out.rc"
}

# The bogo ops stress-ng counted for NAME in the metrics of OUT.
bogo() {
	awk -v n="$1" '$2 == "metrc:" && $4 == n { print $5; exit }' "$2"
}

positive() {
	case $1 in
	'' | *[!0-9]* | 0) return 1 ;;
	esac
}

check() {	# check NAME MODE NATIVE-OUT TOOL-OUT
	name=$1 mode=$2 n=$3 t=$4
	nrc=$(cat "$n.rc") trc=$(cat "$t.rc")
	ops=$(bogo "$name" "$t")
	if [ "$trc" = 124 ] || [ "$trc" = 137 ]; then
		echo "FAIL: $mode/$name (hang: a ${SECONDS_RUN}s run not over after ${LIMIT}s; last lines: $(tail -n 3 "$t" | tr '\n' '|' | cut -c1-300))"
	elif grep -q 'internal error' "$t"; then
		echo "FAIL: $mode/$name (monitor crash: $(grep -m1 'internal error' "$t" | cut -c1-200))"
	elif [ "$trc" != "$nrc" ]; then
		echo "FAIL: $mode/$name (exit status native $nrc, tvisor-nop $trc; last lines: $(tail -n 3 "$t" | tr '\n' '|' | cut -c1-300))"
	elif ! positive "$ops"; then
		echo "FAIL: $mode/$name (no bogo ops counted under tvisor-nop: ${ops:-no metrics line})"
	else
		echo "PASS: $mode/$name"
	fi
}

for name in $STRESSORS; do
	if [ "$name" = exec ] && [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null 2>&1; then
		echo "SKIP: exec (stress-ng refuses it as root, and setpriv is missing)"
		continue
	fi
	run "$name" native "$tmp/$name.native"
	nops=$(bogo "$name" "$tmp/$name.native")
	if [ "$(cat "$tmp/$name.native.rc")" != 0 ] || [ -z "$nops" ]; then
		echo "SKIP: $name (fails natively: exit status $(cat "$tmp/$name.native.rc"), bogo ops ${nops:-none})"
		continue
	fi
	run "$name" tool "$tmp/$name.nop"
	check "$name" nop "$tmp/$name.native" "$tmp/$name.nop"
	run "$name" tool "$tmp/$name.pair" --pair --rewrite=off
	check "$name" nop-pair "$tmp/$name.native" "$tmp/$name.pair"
done
exit 0
