#!/bin/sh
# make install into a staging directory, then build the documentation's
# example tool and the shipped tools (tools/fs.c, and tools/trace.c with
# its decoder tools/decode/, copied out of the source tree) against the
# installed header, library and pkg-config file, and check that they do
# what they say: the API is all a tool needs.
set -u
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage
prefix=/usr/local

if make -s -C "$build" install DESTDIR="$stage" PREFIX="$prefix" >"$tmp/log" 2>&1 &&
	[ -x "$stage$prefix/bin/tvisor-nop" ] && [ -f "$stage$prefix/include/tvisor.h" ] &&
	[ -f "$stage$prefix/lib/libtvisor.a" ] && [ -f "$stage$prefix/lib/pkgconfig/tvisor.pc" ] &&
	[ -f "$stage$prefix/share/man/man1/tvisor-nop.1" ] && [ -f "$stage$prefix/share/man/man3/tvisor.3" ]; then
	echo "PASS: install-layout"
else
	echo "FAIL: install-layout ($(tail -3 "$tmp/log"))"
	exit 1
fi

export PKG_CONFIG_PATH=$stage$prefix/lib/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$stage
cflags=$(pkg-config --cflags tvisor) && libs=$(pkg-config --libs tvisor)
if cc $cflags -Wall -Wextra -Werror -c "$src/docs/example-nonet.c" -o "$tmp/nonet.o" 2>"$tmp/log" &&
	cc -o "$tmp/tvisor-nonet" "$tmp/nonet.o" $libs 2>>"$tmp/log"; then
	echo "PASS: example-builds-with-pkg-config"
else
	echo "FAIL: example-builds-with-pkg-config ($(head -5 "$tmp/log"))"
	exit 1
fi
lines=$(grep -vc '^\s*$' "$src/docs/example-nonet.c")
[ "$lines" -lt 100 ] && echo "PASS: example-under-100-lines" || echo "FAIL: example-under-100-lines ($lines)"

py=/usr/bin/python3
out=$("$tmp/tvisor-nonet" -- $py -c '
import socket, errno
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM); print("inet: allowed")
except OSError as e: print("inet:", errno.errorcode[e.errno])
a, b = socket.socketpair(); a.send(b"x"); print("unix:", b.recv(1))
' 2>&1)
want='inet: EACCES
unix: b'"'x'"
[ "$out" = "$want" ] && echo "PASS: example-refuses-inet-allows-unix" ||
	echo "FAIL: example-refuses-inet-allows-unix (got: $out)"

# The shipped tools, from a copy that cannot see core/ or arch/:
# tvisor-trace with its decoder, tools/decode/.
mkdir "$tmp/tools"
cp "$src/tools/fs.c" "$src/tools/trace.c" "$tmp/tools/"
cp -R "$src/tools/decode" "$tmp/tools/"
for t in fs trace; do
	objs= ok=1
	: >"$tmp/log"
	for s in "$tmp/tools/$t.c" $([ $t = trace ] && echo "$tmp"/tools/decode/*.c); do
		o=$tmp/$t-$(basename "$s" .c).o
		cc $cflags -Wall -Wextra -Werror -c "$s" -o "$o" 2>>"$tmp/log" || ok=0
		objs="$objs $o"
	done
	# shellcheck disable=SC2086
	if [ $ok = 1 ] && cc -o "$tmp/tvisor-$t" $objs $libs 2>>"$tmp/log"; then
		echo "PASS: $t-builds-out-of-tree"
	else
		echo "FAIL: $t-builds-out-of-tree ($(head -5 "$tmp/log"))"
	fi
done
# A static busybox in a root of its own: the loader and the guest's open
# both go through the view.
mkdir -p "$tmp/root/etc" "$tmp/root/bin"
cp /bin/busybox "$tmp/root/bin/"
echo inside > "$tmp/root/etc/motd"
out=$("$tmp/tvisor-fs" --root "$tmp/root" -- /bin/busybox cat /etc/motd 2>&1)
[ "$out" = inside ] && echo "PASS: fs-out-of-tree-runs" ||
	echo "FAIL: fs-out-of-tree-runs (got: $out)"
out=$("$tmp/tvisor-trace" -e trace=write -- /bin/echo hi 2>&1 >/dev/null)
want='write(1, "hi\n", 3)                     = 3
+++ exited with 0 +++'
[ "$out" = "$want" ] && echo "PASS: trace-out-of-tree-runs" ||
	printf 'FAIL: trace-out-of-tree-runs (got: %s)\n' "$out"
