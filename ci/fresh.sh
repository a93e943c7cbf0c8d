#!/bin/sh
# ci/fresh.sh [COMMAND...] — the README's two commands on a fresh machine:
# a clean Debian bookworm (debootstrap --variant=minbase, nothing else),
# with /proc, /dev and /sys mounted, a clone of this repository's HEAD in
# /src, and apt's sources copied from the host.  Runs `sh ci/demo.sh` and
# then `sh ci/test.sh` there (or COMMAND), so an install step a script
# forgot fails here as it would on a new machine, whatever this machine
# already has.  Needs root.  Takes as long as the suite, plus a few minutes.
#   TVISOR_FRESH_DIR   where the root goes (default /var/tmp/tvisor-fresh;
#                      made anew each run)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
root=${TVISOR_FRESH_DIR:-/var/tmp/tvisor-fresh}
[ "$(id -u)" = 0 ] || { echo "ci/fresh.sh: needs root (debootstrap, chroot, mounts)" >&2; exit 2; }
command -v debootstrap >/dev/null 2>&1 || apt-get install -y -q --no-install-recommends debootstrap >&2 ||
	{ echo "ci/fresh.sh: cannot install debootstrap" >&2; exit 1; }

unmount() {
	for m in sys dev/pts dev proc; do
		mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
	done
}
unmount
rm -rf "$root"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}
echo "ci/fresh.sh: debootstrap bookworm into $root" >&2
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
	{ tail -5 "$root.log" >&2; echo "ci/fresh.sh: debootstrap failed (log: $root.log)" >&2; exit 1; }
# The host's sources replace debootstrap's sources.list (not both: apt
# warns about every source it finds twice).
cp /etc/apt/sources.list.d/*.sources "$root/etc/apt/sources.list.d/" 2>/dev/null &&
	rm -f "$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null
# git is not in minbase: the repository goes in as a plain copy of HEAD.
mkdir -p "$root/src" && git -C "$src" archive HEAD | tar -x -C "$root/src" ||
	{ echo "ci/fresh.sh: cannot copy the repository" >&2; exit 1; }
trap unmount EXIT
mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev" && mount --rbind /sys "$root/sys" ||
	{ echo "ci/fresh.sh: cannot mount /proc, /dev, /sys" >&2; exit 1; }
if [ $# -gt 0 ]; then
	chroot "$root" /bin/sh -c 'cd /src && "$@"' sh "$@"
	exit $?
fi
# As CI does: apt's lists first, then the README's commands.
chroot "$root" /bin/sh -c 'cd /src && export DEBIAN_FRONTEND=noninteractive &&
	apt-get -q update >/dev/null && sh ci/demo.sh && sh ci/test.sh'
