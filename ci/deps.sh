#!/bin/sh
# Installs what building and testing tvisor on x86_64 needs (Debian 12),
# skipping apt-get when everything is already there.
set -eu
# libc6-arm64-cross: the x86_64 test_elf parses arm64's ld.so too.
# nodejs, openjdk-17-jre-headless, golang-go: the runtimes t-runtimes runs.
PKGS="gcc make libc6-dev linux-libc-dev libseccomp-dev pkg-config musl musl-tools musl-dev
busybox-static coreutils python3 perl strace proot debootstrap clang libclang-rt-14-dev
libpython3.11-testsuite libc6-arm64-cross stress-ng nodejs openjdk-17-jre-headless golang-go"

missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
[ "$(id -u)" = 0 ] || { echo "ci/deps.sh: need root to install:$missing" >&2; exit 1; }
echo "ci/deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -q update >&2
# shellcheck disable=SC2086
apt-get -q -y --no-install-recommends install $missing >&2
