#!/bin/sh
# make deb: the package's file list and control fields (dpkg-deb -c, -f),
# then dpkg -i into a private root -- dpkg --root=DIR makes DIR both the
# installation directory and the home of dpkg's database (DIR/var/lib/dpkg),
# and --log keeps its log there too, so the machine's own /usr and dpkg
# database are never touched -- and the installed files at work: tvisor-nop
# runs a program, and docs/example-nonet.c builds against the installed
# header and library through pkg-config pointed into that root, and runs.
# Last, on x86_64, the same package for arm64, cross-built: its
# Architecture field and its binaries (aarch64 ELF, static), and a tool
# built against it with the cross compiler.
set -u
src=$1 build=$2
for p in dpkg dpkg-deb make cc pkg-config; do
	if ! command -v $p >/dev/null 2>&1; then
		echo "SKIP: deb (no $p here: building and installing a .deb needs dpkg and a compiler)"
		exit 0
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
version=$(sed -n 's/^#define TVISOR_VERSION "\(.*\)"$/\1/p' "$src/include/tvisor.h")
arch=$(sed -n 's/^ARCH = //p' "$build/config.mak")
case $arch in x86_64) debarch=amd64 ;; aarch64) debarch=arm64 ;; *) debarch=unknown ;; esac

files='./usr/bin/tvisor-fs
./usr/bin/tvisor-nop
./usr/bin/tvisor-trace
./usr/include/tvisor.h
./usr/lib/libtvisor.a
./usr/lib/pkgconfig/tvisor.pc
./usr/share/man/man1/tvisor-fs.1.gz
./usr/share/man/man1/tvisor-nop.1.gz
./usr/share/man/man1/tvisor-trace.1.gz
./usr/share/man/man3/tvisor.3.gz'

# check_deb NAME DEB DEBARCH: the file list, owners, modes and control fields.
check_deb() {
	name=$1 deb=$2 want_arch=$3
	list=$(dpkg-deb -c "$deb" | awk '$6 !~ /\/$/ { print $6 }' | sort)
	if [ "$list" = "$files" ]; then
		echo "PASS: $name-contents"
	else
		echo "FAIL: $name-contents (got: $(echo $list))"
	fi
	bad=$(dpkg-deb -c "$deb" | awk '$2 != "root/root" ||
		($6 ~ /^\.\/usr\/bin\/./ && $1 != "-rwxr-xr-x") ||
		($6 !~ /^\.\/usr\/bin\// && $6 !~ /\/$/ && $1 != "-rw-r--r--") { print $1, $2, $6 }')
	[ -z "$bad" ] && echo "PASS: $name-owners-and-modes" || echo "FAIL: $name-owners-and-modes ($bad)"
	got=$(for f in Package Version Architecture Depends Pre-Depends; do
		printf '%s=%s\n' $f "$(dpkg-deb -f "$deb" $f)"; done)
	want="Package=tvisor
Version=$version
Architecture=$want_arch
Depends=
Pre-Depends="
	if [ "$got" = "$want" ] && [ -n "$(dpkg-deb -f "$deb" Maintainer)" ] &&
		[ "$(dpkg-deb -f "$deb" Description | wc -l)" -gt 1 ]; then
		echo "PASS: $name-control"
	else
		echo "FAIL: $name-control ($(echo $got))"
	fi
}

# elf_machine FILE: e_machine as two hex bytes (little endian): 3e 00 is
# x86_64, b7 00 aarch64.
elf_machine() { od -An -tx1 -j18 -N2 "$1" | tr -d ' \n'; }

# ---- this build's package ----------------------------------------------------
deb=$build/tvisor_${version}_$debarch.deb
if make -s -C "$build" deb >"$tmp/log" 2>&1 && [ -f "$deb" ]; then
	echo "PASS: deb-builds"
else
	echo "FAIL: deb-builds ($(tail -3 "$tmp/log"))"
	exit 1
fi
check_deb deb "$deb" "$debarch"

root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
if dpkg --root="$root" --log="$tmp/dpkg.log" --force-not-root -i "$deb" >"$tmp/log" 2>&1 &&
	dpkg --root="$root" -s tvisor 2>/dev/null | grep -q '^Status: install ok installed' &&
	[ -x "$root/usr/bin/tvisor-nop" ]; then
	echo "PASS: deb-installs"
else
	echo "FAIL: deb-installs ($(tail -3 "$tmp/log"))"
	exit 1
fi

out=$("$root/usr/bin/tvisor-nop" -- /bin/sh -c 'echo $((6 * 7)) $(echo nested)' 2>&1)
[ "$out" = "42 nested" ] && echo "PASS: deb-nop-runs" || echo "FAIL: deb-nop-runs (got: $out)"
out=$("$root/usr/bin/tvisor-trace" -e trace=exit_group -- /bin/sh -c 'exit 3' 2>&1)
[ "$out" = "exit_group(3)                           = ?
+++ exited with 3 +++" ] && echo "PASS: deb-trace-runs" || echo "FAIL: deb-trace-runs (got: $out)"

export PKG_CONFIG_PATH=$root/usr/lib/pkgconfig
export PKG_CONFIG_SYSROOT_DIR=$root
got=$(pkg-config --modversion tvisor 2>&1)
[ "$got" = "$version" ] && echo "PASS: deb-pkg-config-version" ||
	echo "FAIL: deb-pkg-config-version (got $got, want $version)"
cflags=$(pkg-config --cflags tvisor) && libs=$(pkg-config --libs tvisor)
if cc $cflags -Wall -Wextra -Werror -c "$src/docs/example-nonet.c" -o "$tmp/nonet.o" 2>"$tmp/log" &&
	cc -o "$tmp/tvisor-nonet" "$tmp/nonet.o" $libs 2>>"$tmp/log"; then
	echo "PASS: deb-example-builds"
else
	echo "FAIL: deb-example-builds ($(head -5 "$tmp/log"))"
fi
out=$("$tmp/tvisor-nonet" -- /usr/bin/python3 -c '
import socket, errno
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM); print("inet: allowed")
except OSError as e: print("inet:", errno.errorcode[e.errno])
a, b = socket.socketpair(); a.send(b"x"); print("unix:", b.recv(1))
' 2>&1)
want='inet: EACCES
unix: b'"'x'"
[ "$out" = "$want" ] && echo "PASS: deb-example-runs" || echo "FAIL: deb-example-runs (got: $out)"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# ---- the arm64 package, cross-built -------------------------------------------
triple=aarch64-linux-gnu
if [ "$arch" != x86_64 ]; then
	echo "SKIP: deb-arm64 (the cross-built arm64 package is checked from an x86_64 build)"
	exit 0
fi
if ! command -v $triple-gcc >/dev/null 2>&1; then
	echo "SKIP: deb-arm64 (no $triple-gcc: ci/deps-aarch64.sh installs it)"
	exit 0
fi
b64=$tmp/build-arm64
mkdir "$b64"
deb64=$b64/tvisor_${version}_arm64.deb
if (cd "$b64" && "$src/configure" --target=$triple MUSLCC= && make -s -j2 deb) >"$tmp/log" 2>&1 &&
	[ -f "$deb64" ]; then
	echo "PASS: deb-arm64-builds"
else
	echo "FAIL: deb-arm64-builds ($(tail -3 "$tmp/log"))"
	exit 1
fi
check_deb deb-arm64 "$deb64" arm64
x=$tmp/x-arm64
dpkg-deb -x "$deb64" "$x"
bad=
for t in nop fs trace; do
	f=$x/usr/bin/tvisor-$t
	[ "$(elf_machine "$f")" = b700 ] || bad="$bad tvisor-$t:machine=$(elf_machine "$f")"
	readelf -lW "$f" | grep -q INTERP && bad="$bad tvisor-$t:dynamic"
done
[ -z "$bad" ] && echo "PASS: deb-arm64-binaries-aarch64-static" ||
	echo "FAIL: deb-arm64-binaries-aarch64-static ($bad)"
# tools/trace.c uses __atomic builtins: without the package's
# -mno-outline-atomics they would need libgcc's glibc-only helpers.
export PKG_CONFIG_PATH=$x/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$x
cflags=$(pkg-config --cflags tvisor) && libs=$(pkg-config --libs tvisor)
cp "$src/tools/trace.c" "$tmp/"
cp -R "$src/tools/decode" "$tmp/"
objs= ok=1
: >"$tmp/log"
for s in "$tmp/trace.c" "$tmp"/decode/*.c; do
	o=$tmp/trace64-$(basename "$s" .c).o
	$triple-gcc $cflags -Wall -Wextra -Werror -c "$s" -o "$o" 2>>"$tmp/log" || ok=0
	objs="$objs $o"
done
# shellcheck disable=SC2086
if [ $ok = 1 ] && $triple-gcc -o "$tmp/tvisor-trace64" $objs $libs 2>>"$tmp/log" &&
	[ "$(elf_machine "$tmp/tvisor-trace64")" = b700 ]; then
	echo "PASS: deb-arm64-tool-builds"
else
	echo "FAIL: deb-arm64-tool-builds ($(head -5 "$tmp/log"))"
fi
