#!/bin/sh
# make install into a staging directory, then build the documentation's
# example tool against the installed header, library and pkg-config file,
# and check that it does what it says.
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
