#!/bin/sh
# qemu-user as a guest: Debian's qemu-aarch64 (dynamic, glibc, threads,
# signal handlers that return with every signal blocked) runs the arm64
# busybox that ci/deps-aarch64.sh fetched, natively and under tvisor-nop
# (default, --pair --rewrite=off) and tvisor-trace -f: shell, pipes,
# forks, execs and signals of the emulated program, each compared by
# tests/compare.sh.  Then tvisor-fs -q with qemu-aarch64-static on an
# arm64 root.  x86_64 hosts only; SKIP without qemu-aarch64 or that
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

# --- tvisor-fs -q: an arm64 root file system on this x86_64 host --------------
# The arm64 busybox, and a dynamic arm64 program (built with the cross
# compiler, with Debian's arm64 glibc in the root), through
# qemu-aarch64-static as proot -q runs them: shell, pipes, fork, exec of
# a dynamic program that executes another.  proot -q is the reference
# where it is installed; the expected text is checked either way.
qs=$(command -v qemu-aarch64-static) ||
	{ echo "SKIP: fs-q (no qemu-aarch64-static: ci/deps-aarch64.sh installs qemu-user-static)"; exit 0; }
R=$tmp/arm64-root
mkdir -p "$R/bin" "$R/etc" "$R/lib/aarch64-linux-gnu"
cp "$bb" "$R/bin/busybox"
for a in sh cat uname echo seq wc; do
	ln -s busybox "$R/bin/$a"
done
echo arm64root >"$R/etc/f"
cmd='uname -m; cat /etc/f; seq 3 | wc -l; sh -c "exit 3"; echo status=$?'
want=$(printf 'aarch64\narm64root\n3\nstatus=3')
lib=/usr/aarch64-linux-gnu/lib
if command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 && [ -f "$lib/ld-linux-aarch64.so.1" ]; then
	cat >"$tmp/hello.c" <<'EOC'
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct utsname u;
	uname(&u);
	printf("%s on %s, argv[0]=%s\n", argc > 1 ? argv[1] : "hello", u.machine, argv[0]);
	fflush(stdout);
	if (argc > 2)
		execl("/bin/cat", "cat", argv[2], (char *)0);
	return 0;
}
EOC
	if aarch64-linux-gnu-gcc -O2 -o "$R/bin/hello" "$tmp/hello.c" &&
		cp "$lib/ld-linux-aarch64.so.1" "$R/lib/" && cp "$lib/libc.so.6" "$R/lib/aarch64-linux-gnu/"; then
		cmd="$cmd; /bin/hello dynamic /etc/f; echo status=\$?"
		want=$(printf '%s\ndynamic on aarch64, argv[0]=/bin/hello\narm64root\nstatus=0' "$want")
	else
		echo "FAIL: fs-q (cannot build the dynamic arm64 program)"
	fi
else
	echo "SKIP: fs-q-dynamic (no aarch64-linux-gnu-gcc or arm64 glibc: ci/deps-aarch64.sh)"
fi
mine=$(cd "$tmp" && "$build/tvisor-fs" -q qemu-aarch64-static -r "$R" -- /bin/sh -c "$cmd" 2>&1)
if [ "$mine" = "$want" ]; then
	echo "PASS: fs-q"
else
	echo "FAIL: fs-q (not what an arm64 machine prints)"
	printf '%s\n' "$mine" | head -n 12 | sed 's/^/    /'
fi
if command -v proot >/dev/null 2>&1 &&
	theirs=$(cd "$tmp" && proot -q qemu-aarch64-static -r "$R" -w / /bin/sh -c "$cmd" 2>&1) &&
	[ "$theirs" = "$want" ]; then
	[ "$mine" = "$theirs" ] && echo "PASS: fs-q-proot" || echo "FAIL: fs-q-proot (differs from proot -q)"
else
	echo "SKIP: fs-q-proot (proot -q does not run here)"
fi
# A -q program that is not there: one line, exit status 2.
err=$("$build/tvisor-fs" -q no-such-qemu -r "$R" -- /bin/true 2>&1); st=$?
if [ $st = 2 ] && [ "$err" = "tvisor-fs: -q: no-such-qemu: not found on the host" ]; then
	echo "PASS: fs-q-missing"
else
	echo "FAIL: fs-q-missing (status $st: $err)"
fi
