#!/bin/sh
# ci/selftest-aarch64/run.sh — runs inside the arm64 guest (ci/qemu-aarch64.sh),
# from /payload, with the binaries ci/selftest-aarch64.sh cross-built next to it.
echo "uname -a: $(uname -a)"
echo "cpus: $(grep -c ^processor /proc/cpuinfo)  mem: $(sed -n 's/^MemTotal: *//p' /proc/meminfo)"
echo "seccomp: $(grep -E '^Seccomp:' /proc/self/status | tr -s '\t ' ' ')"
pass=0; fail=0; failed=""
for bin in ./seccomp-trap.*; do
    [ -x "$bin" ] || continue
    label=${bin#./seccomp-trap.}
    if "$bin" "$label"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); failed="$failed $label"
    fi
done
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
    echo "FAIL: seccomp-trap-aarch64: no test binaries in /payload"
    exit 1
fi
if [ "$fail" -eq 0 ]; then
    echo "PASS: seccomp-trap-aarch64"
else
    echo "FAIL: seccomp-trap-aarch64 (failed:$failed)"
fi
echo "selftest-aarch64: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
