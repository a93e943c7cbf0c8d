#!/bin/sh
# Every test: installs what is missing, builds x86_64 natively and runs
# its suite, then the aarch64 suite on a real arm64 kernel under QEMU
# (ci/test-aarch64.sh, about 25 minutes under emulation).  Ends with one
# "N passed, N failed" line for all.
#   TVISOR_ARCHES="x86_64 aarch64"   which suites to run (the default)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
arches=${TVISOR_ARCHES:-x86_64 aarch64}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

sh "$src/ci/deps.sh" || { echo "FAIL: deps (cannot install build dependencies)"; echo "0 passed, 1 failed"; exit 1; }
# The aarch64 tools first when that suite runs: the x86_64 suite uses them
# too (qemu-aarch64 and the arm64 busybox in t-qemu, the cross compiler
# in t-deb).  test-aarch64.sh runs it again, at no cost, and reports a
# failure there.
case " $arches " in
*" aarch64 "*) bash "$src/ci/deps-aarch64.sh" >/dev/null 2>&1 ||
	echo "ci/test.sh: ci/deps-aarch64.sh failed; test-aarch64.sh will say why" >&2 ;;
esac
# The Debian root file system tests/t-rootfs.sh runs tvisor-fs on (built
# once, cached); without it that test is one SKIP line.
sh "$src/ci/rootfs.sh" >/dev/null || echo "ci/test.sh: no Debian root file system for tests/t-rootfs.sh" >&2

for arch in $arches; do
	case $arch in
	x86_64)
		build=$src/build-x86_64
		mkdir -p "$build"
		( cd "$build" && "$src/configure" >/dev/null && make -s -j2 all ) >"$build.log" 2>&1 ||
			{ tail -30 "$build.log"; echo "FAIL: x86_64/build" | tee -a "$log"; continue; }
		( cd "$build" && make -s check ) 2>&1 | grep -v ' passed, .* failed' |
			sed 's/^\(PASS\|FAIL\|SKIP\): /\1: x86_64\//' | tee -a "$log"
		;;
	aarch64)
		if [ -x "$src/ci/test-aarch64.sh" ] || [ -f "$src/ci/test-aarch64.sh" ]; then
			TVISOR_AARCH64_CPU_MAX=${TVISOR_AARCH64_CPU_MAX:-0} sh "$src/ci/test-aarch64.sh" "$src" 2>&1 |
				grep -v ' passed, .* failed' | tee -a "$log"
		else
			echo "SKIP: aarch64 (backend not in this tree)" | tee -a "$log"
		fi
		;;
	*) echo "FAIL: $arch (unknown arch)" | tee -a "$log" ;;
	esac
done

pass=$(grep -c '^PASS: ' "$log")
fail=$(grep -c '^FAIL: ' "$log")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
