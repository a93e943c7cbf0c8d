#!/bin/sh
# tvisor-fs on a real Debian system: a bookworm root file system made by
# debootstrap (ci/rootfs.sh) runs a shell, coreutils, dpkg and python3
# under `tvisor-fs --root DIR`, and each command must print what it prints
# under `proot -r DIR` (and exit the same way); where proot is wrong, under
# the kernel's chroot(8).  ci/test.sh builds the root
# file system before `make check`; without it (and TVISOR_ROOTFS unset)
# this is one SKIP.  Last, dpkg -i under -0 as an unprivileged user
# against root's dpkg -i (issue 13).
# Usage: tests/t-rootfs.sh SRCDIR BUILDDIR; prints PASS:/FAIL:/SKIP: lines.
set -u
build=$2
fs=$build/tvisor-fs
root=${TVISOR_ROOTFS:-${TVISOR_CI_CACHE:-/var/cache/tvisor-ci}/rootfs-bookworm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -f "$root/.tvisor-rootfs" ]; then
	echo "SKIP: rootfs (no Debian root file system at $root: sh ci/rootfs.sh makes it)"
	exit 0
fi
if ! command -v proot >/dev/null 2>&1; then
	echo "SKIP: rootfs (proot is not installed: it is the reference)"
	exit 0
fi

# Commands run inside the root, as /bin/sh -c SCRIPT, one check each.
n=0
# The reference is proot, or with --kernel the kernel's chroot(8) (where
# proot itself is wrong: after "cd .." at its root, relative paths go
# astray when the host's cwd is deep).
check() {	# check NAME [--kernel] [--cwd DIR] [--bind HOSTDIR] SCRIPT
	name=$1
	shift
	cwd=/ bind= ref=proot
	if [ "$1" = --kernel ]; then
		ref=chroot
		shift
	fi
	if [ "$1" = --cwd ]; then
		cwd=$2
		shift 2
	fi
	if [ "$1" = --bind ]; then
		bind=$2
		shift 2
	fi
	if [ $ref = proot ]; then
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
			proot -r "$root" -w "$cwd" ${bind:+-b "$bind"} /bin/sh -c "$1" \
			>"$tmp/p.out" 2>"$tmp/p.err" </dev/null
	else
		env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
			chroot "$root" /bin/sh -c "cd $cwd && $1" >"$tmp/p.out" 2>"$tmp/p.err" </dev/null
	fi
	p_rc=$?
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
		"$fs" --root "$root" --cwd "$cwd" ${bind:+--bind "$bind"} -- /bin/sh -c "$1" \
		>"$tmp/t.out" 2>"$tmp/t.err" </dev/null
	t_rc=$?
	if [ $p_rc -ne $t_rc ]; then
		echo "FAIL: $name (exit $t_rc, under $ref $p_rc)"
		head -5 "$tmp/t.err" | sed 's/^/    /'
	elif ! cmp -s "$tmp/p.out" "$tmp/t.out"; then
		echo "FAIL: $name (output differs from $ref's)"
		diff "$tmp/p.out" "$tmp/t.out" | head -12 | sed 's/^/    /'
	elif [ ! -s "$tmp/t.out" ]; then
		echo "FAIL: $name (no output)"
	else
		echo "PASS: $name"
	fi
}

check debian-version 'cat /etc/debian_version'
check ls-root 'ls /'
check dpkg-count 'dpkg -l | wc -l'
check dpkg-status 'dpkg -s coreutils | head -n 3; dpkg -L dpkg | grep -c /usr/bin/'
check dpkg-verify 'dpkg --verify coreutils dpkg && echo verified'
check python3 "python3 -c 'import os, sys; print(sys.version_info[:2], os.getcwd(), sorted(os.listdir(\"/\"))[:4], os.path.realpath(\"/bin/sh\"), os.stat(\"/etc/passwd\").st_size > 0)'"
check cwd --cwd /usr/share 'pwd; /bin/pwd; ls | head -n 3; cd ..; pwd'
check proc-self --bind /proc 'readlink /proc/self/exe; cd /etc && readlink /proc/self/cwd'
check symlinks 'ls -l /bin/sh /usr/bin/awk | sed "s/.* -> //"; readlink -f /bin/sh'
check dotdot --kernel 'cd /; cd ../../..; pwd; ls -d ../../etc/apt etc/apt; cd /usr/share; cd ../../../..; pwd; ls -d ./etc/../etc/apt'
check find 'find /etc -maxdepth 1 -name "*.conf" | sort | head -n 5'
check write-file 'f=/tmp/tvisor-rootfs.$$; echo hello >$f; cat $f; rm $f; test ! -e $f && echo removed'
check exit-status 'ls /nonexistent; echo "status $?"; exit 7'
check pipeline 'seq 1 2000 | sort -rn | head -n 3 | tr "\n" " "; echo'
check sh-script 'printf "#!/bin/sh\necho from script \$0\n" >/tmp/s.$$; chmod +x /tmp/s.$$; /tmp/s.$$ | sed "s/\.[0-9]*$//"; rm /tmp/s.$$'

# Issue 13: dpkg -i as an unprivileged user (uid 65534) under -0, on a
# copy of the root it owns, of a package with root's set-uid file and
# another user's file, whose postinst chowns and chmods: what dpkg says and
# stat shows afterwards must be what root sees natively (chroot(8)).
if ! command -v setpriv >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1 ||
	[ "$(id -u)" != 0 ]; then
	echo "SKIP: dpkg-as-fake-root (needs root, setpriv(1) and dpkg-deb)"
	exit 0
fi
P=$tmp/pkg
mkdir -p "$P/DEBIAN" "$P/usr/bin" "$P/var/lib/tvtest"
printf 'Package: tvtest\nVersion: 1.0\nArchitecture: all\nMaintainer: t <t@example.org>\nDescription: t\n' \
	>"$P/DEBIAN/control"
printf '#!/bin/sh\nset -e\nchown 7:8 /var/lib/tvtest/data\nchmod 2750 /var/lib/tvtest\necho postinst "$1"\n' \
	>"$P/DEBIAN/postinst"
chmod 755 "$P/DEBIAN/postinst"
echo hi >"$P/usr/bin/tvtest" && chmod 4755 "$P/usr/bin/tvtest"
echo d >"$P/var/lib/tvtest/data" && chown 5:6 "$P/var/lib/tvtest/data"
U=$tmp/uroot
cp -a "$root" "$U" && dpkg-deb -b "$P" "$U/t.deb" >/dev/null && chown -R 65534:65534 "$U" &&
	chmod 755 "$tmp" || { echo "FAIL: dpkg-as-fake-root (cannot make the copy)"; exit 0; }
cmds='dpkg -i /t.deb && dpkg -s tvtest | grep Status
stat -c "%n %U:%G %a" /usr/bin/tvtest /var/lib/tvtest /var/lib/tvtest/data
ls -ln /usr/bin/tvtest | cut -c1-10; dpkg --verify tvtest && echo verified'
mine=$(cd / && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
	setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$fs" -0 -r "$U" -- /bin/sh -c "$cmds" 2>&1 </dev/null)
bad=$(find "$U/usr/bin/tvtest" "$U/var/lib/tvtest" ! -user 65534 -o -perm /6000)
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$U" dpkg --purge tvtest >/dev/null 2>&1
theirs=$(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
	chroot "$U" /bin/sh -c "$cmds" 2>&1 </dev/null)
if [ "$mine" != "$theirs" ]; then
	echo "FAIL: dpkg-as-fake-root (differs from root's)"
	printf '%s\n' "$mine" >"$tmp/mine"
	printf '%s\n' "$theirs" >"$tmp/theirs"
	diff "$tmp/mine" "$tmp/theirs" | head -12 | sed 's/^/    /'
elif [ -n "$bad" ]; then
	echo "FAIL: dpkg-as-fake-root (host files not the user's, or set-id: $bad)"
else
	echo "PASS: dpkg-as-fake-root"
fi
