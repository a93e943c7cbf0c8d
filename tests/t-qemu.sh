#!/bin/sh
# qemu-user as a guest: Debian's qemu-aarch64 (dynamic, glibc, threads,
# signal handlers that return with every signal blocked) runs the arm64
# busybox that ci/deps-aarch64.sh fetched, natively and under tvisor-nop
# (default, --pair --rewrite=off) and tvisor-trace -f: shell, pipes,
# forks, execs and signals of the emulated program, each compared by
# tests/compare.sh.  x86_64 hosts only; SKIP without qemu-aarch64 or that
# busybox.
# Usage: tests/t-qemu.sh SRCDIR BUILDDIR; prints PASS:/FAIL:/SKIP: lines.
set -u
src=$1 build=$2
cache=${TVISOR_CI_CACHE:-/var/cache/tvisor-ci}

[ "$(uname -m)" = x86_64 ] || { echo "SKIP: qemu (runs arm64 programs on an x86_64 host)"; exit 0; }
qemu=$(command -v qemu-aarch64) ||
	{ echo "SKIP: qemu (no qemu-aarch64: ci/deps-aarch64.sh installs qemu-user)"; exit 0; }
TVISOR_CI_BUSYBOX=
[ -f "$cache/env.sh" ] && . "$cache/env.sh"
bb=$TVISOR_CI_BUSYBOX
[ -n "$bb" ] && [ -x "$bb" ] ||
	{ echo "SKIP: qemu (no arm64 busybox: ci/deps-aarch64.sh fetches it)"; exit 0; }
case $qemu$bb in
*[!A-Za-z0-9/._+-]*) echo "FAIL: qemu (a path compare.sh cannot take: $qemu $bb)"; exit 1 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
q="$qemu $bb"
# (An arm64 program is run through $q: qemu's execve of one fails natively,
# without binfmt_misc.  Whether ash says "Terminated" for the killed job
# depends on when the kill comes, natively too: that stderr goes.)
cat >"$tmp/cases-qemu.txt" <<EOF
sh	-	$q sh -c 'echo \$((6 * 7)); uname -m; ls -d /usr /tmp'
pipeline	-	$q sh -c 'seq 1 5000 | grep 7 | wc -l; echo status=\$?'
fork-exec	-	$q sh -c '(echo sub; exit 3); echo sub=\$?; $q $bb echo exec; $bb false; echo false=\$?'
trap	-	$q sh -c 'trap "echo got USR1" USR1; kill -USR1 \$\$; echo after'
kill-child	-	$q sh -c 'sleep 10 & kill \$!; wait \$! 2>/dev/null; echo status=\$?'
killed	-	$q sh -c 'kill -TERM \$\$; echo not reached'
EOF
# Each mode's lines as MODE/CASE.
for mode in nop nop-pair trace; do
	case $mode in
	nop) tool=$build/tvisor-nop ;;
	nop-pair) tool="$build/tvisor-nop --pair --rewrite=off" ;;
	trace) tool="$build/tvisor-trace -f -o /dev/null" ;;
	esac
	bash "$src/tests/compare.sh" "$tool" "$tmp/cases-qemu.txt" "$build/guests" 2>/dev/null |
		sed -E "s#^(PASS|FAIL|SKIP): qemu/#\1: $mode/#"
done
