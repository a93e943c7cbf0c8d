#!/bin/bash
# ci/selftest-aarch64.sh — proves the arm64 harness: cross-builds
# ci/selftest-aarch64/seccomp-trap.c (glibc static + dynamic, and musl static +
# dynamic when ci/deps-aarch64.sh set up the musl cross wrapper) and runs them on
# the real arm64 kernel through ci/qemu-aarch64.sh. SECCOMP_RET_TRAP → SIGSYS,
# siginfo and ucontext must behave as tvisor expects. Exit code: the payload's.
#
# Environment: as ci/qemu-aarch64.sh; CC_AARCH64 (default aarch64-linux-gnu-gcc).
set -eu

die() { printf 'selftest-aarch64: error: %s\n' "$*" >&2; exit 1; }

here=$(cd "$(dirname "$0")" && pwd)
src="$here/selftest-aarch64"
CACHE=${TVISOR_CI_CACHE:-/var/cache/tvisor-ci}
export TVISOR_CI_CACHE=$CACHE
if [ ! -f "$CACHE/env.sh" ]; then
    "$here/deps-aarch64.sh" >/dev/null || die "ci/deps-aarch64.sh failed"
fi
# shellcheck disable=SC1091
. "$CACHE/env.sh"

cc=${CC_AARCH64:-aarch64-linux-gnu-gcc}
command -v "$cc" >/dev/null || die "$cc not found: run ci/deps-aarch64.sh"

payload=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-selftest-aarch64.XXXXXX")
trap 'rm -rf "$payload"' EXIT

cflags="-O2 -g -Wall -Wextra -Werror -pthread"
cp "$src/run.sh" "$payload/run.sh"
"$cc" $cflags -static -o "$payload/seccomp-trap.glibc-static" "$src/seccomp-trap.c" ||
    die "cross build (glibc, static) failed"
"$cc" $cflags -o "$payload/seccomp-trap.glibc-dynamic" "$src/seccomp-trap.c" ||
    die "cross build (glibc, dynamic) failed"
if [ -n "${TVISOR_CI_MUSL_GCC:-}" ] && [ -x "$TVISOR_CI_MUSL_GCC" ]; then
    "$TVISOR_CI_MUSL_GCC" $cflags -static -o "$payload/seccomp-trap.musl-static" "$src/seccomp-trap.c" ||
        die "cross build (musl, static) failed"
    "$TVISOR_CI_MUSL_GCC" $cflags -o "$payload/seccomp-trap.musl-dynamic" "$src/seccomp-trap.c" ||
        die "cross build (musl, dynamic) failed"
else
    printf 'selftest-aarch64: no musl arm64 cross compiler; testing glibc only\n' >&2
fi

rc=0
"$here/qemu-aarch64.sh" "$payload" || rc=$?
exit "$rc"
