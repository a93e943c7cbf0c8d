#!/bin/sh
# tvisor-fs on a real Debian system: a bookworm root file system made by
# debootstrap (ci/rootfs.sh) runs a shell, coreutils, dpkg and python3
# under `tvisor-fs --root DIR`, and each command must print what it prints
# under `proot -r DIR` (and exit the same way); where proot is wrong, under
# the kernel's chroot(8).  ci/test.sh builds the root
# file system before `make check`; without it (and TVISOR_ROOTFS unset)
# this is one SKIP.
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
