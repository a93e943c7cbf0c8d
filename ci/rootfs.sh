#!/bin/sh
# ci/rootfs.sh [DIR] — a Debian bookworm root file system for
# tests/t-rootfs.sh: debootstrap --variant=minbase plus python3-minimal,
# from the mirror apt uses.  Built once and kept (default: the ci cache);
# prints its directory.  Needs root (debootstrap chroots).
set -u
dir=${1:-${TVISOR_CI_CACHE:-/var/cache/tvisor-ci}/rootfs-bookworm}
if [ -f "$dir/.tvisor-rootfs" ]; then
	printf '%s\n' "$dir"
	exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
	apt-get install -y -q --no-install-recommends debootstrap >/dev/null 2>&1 ||
		{ echo "ci/rootfs.sh: cannot install debootstrap" >&2; exit 1; }
fi
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}
mkdir -p "$(dirname "$dir")" && rm -rf "$dir.tmp" || exit 1
if ! debootstrap --variant=minbase --include=python3-minimal bookworm "$dir.tmp" "$mirror" \
	>"$dir.log" 2>&1; then
	echo "ci/rootfs.sh: debootstrap failed (log: $dir.log)" >&2
	tail -5 "$dir.log" >&2
	exit 1
fi
touch "$dir.tmp/.tvisor-rootfs" && mv "$dir.tmp" "$dir" && printf '%s\n' "$dir"
