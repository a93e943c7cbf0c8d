#!/bin/bash
# ci/qemu-aarch64.sh PAYLOAD_DIR
#
# Runs PAYLOAD_DIR/run.sh on a real arm64 Linux kernel (Debian's cloud-arm64
# kernel) under qemu-system-aarch64 (TCG), because qemu-aarch64 user mode does not
# emulate seccomp (see ci/README.md). PAYLOAD_DIR is copied to /payload in an
# initramfs (ci/mkinitramfs-aarch64.sh); run.sh runs as root (pid 1's child) with
# cwd /payload, busybox for the shell tools, and glibc's and musl's arm64 loaders
# in /lib. Its output (stdout and stderr, merged) is printed on our stdout as it
# arrives, and our exit code is run.sh's exit code, taken from the
# "TVISOR-QEMU-DONE rc=N" marker line; 1 (with a message) when the marker never
# came: timeout, kernel panic, qemu crash.
#
# Environment:
#   TVISOR_CI_CACHE        cache dir of ci/deps-aarch64.sh (default /var/cache/tvisor-ci)
#   TVISOR_QEMU_TIMEOUT    seconds before qemu is killed (default 1800)
#   TVISOR_QEMU_SMP        vCPUs (default 2)
#   TVISOR_QEMU_MEM        guest RAM in MiB (default 1024)
#   TVISOR_QEMU_CPU        -cpu model (default cortex-a57; `max,pauth-impdef=on`
#                          adds PAC/BTI/MTE/SVE at some cost in speed)
#   TVISOR_QEMU_TCG_THREAD multi (default: one host thread per vCPU) or single
#                          (vCPUs interleaved on one host thread; see ci/README.md)
#   TVISOR_QEMU_KERNEL     kernel Image to boot instead of the cached one
#   TVISOR_QEMU_APPEND     extra kernel command line; `KEY=VALUE` words that the
#                          kernel does not know become init's environment, and run.sh
#                          inherits them (TVISOR_DMESG=1 prints dmesg at the end;
#                          TVISOR_LOGLEVEL=N sets the console loglevel, default 1)
#   TVISOR_QEMU_LOG        console log file (default: a file in $TMPDIR, removed on
#                          success, kept and named on failure)
#   TVISOR_QEMU_VERBOSE=1  also stream the raw console (boot messages) to stderr
#   TVISOR_QEMU_KPTI=1     do not pass kpti=0 (see below)
set -eu

die() { printf 'qemu-aarch64: error: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 PAYLOAD_DIR"
payload=$1
[ -f "$payload/run.sh" ] || die "'$payload/run.sh' does not exist"

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${TVISOR_CI_CACHE:-/var/cache/tvisor-ci}
export TVISOR_CI_CACHE=$CACHE
if [ ! -f "$CACHE/env.sh" ]; then
    printf 'qemu-aarch64: %s missing, running ci/deps-aarch64.sh\n' "$CACHE/env.sh" >&2
    "$here/deps-aarch64.sh" >/dev/null || die "ci/deps-aarch64.sh failed"
fi
# shellcheck disable=SC1091
. "$CACHE/env.sh"
kernel=${TVISOR_QEMU_KERNEL:-${TVISOR_CI_VMLINUZ:-}}
[ -f "$kernel" ] || die "kernel image '$kernel' missing: run ci/deps-aarch64.sh"
command -v qemu-system-aarch64 >/dev/null || die "qemu-system-aarch64 not installed: run ci/deps-aarch64.sh"

timeout_s=${TVISOR_QEMU_TIMEOUT:-1800}
smp=${TVISOR_QEMU_SMP:-2}
mem=${TVISOR_QEMU_MEM:-1024}
cpu=${TVISOR_QEMU_CPU:-cortex-a57}
tcg_thread=${TVISOR_QEMU_TCG_THREAD:-multi}
case "$tcg_thread" in multi|single) ;; *) die "TVISOR_QEMU_TCG_THREAD must be multi or single" ;; esac
case "$timeout_s$smp$mem" in *[!0-9]*) die "TVISOR_QEMU_TIMEOUT/SMP/MEM must be integers" ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-qemu.XXXXXX")
log=${TVISOR_QEMU_LOG:-$work/console.log}
keep_log=0
cleanup() {
    if [ "$keep_log" = 1 ] && [ -z "${TVISOR_QEMU_LOG:-}" ] && [ -f "$log" ]; then
        kept="${TMPDIR:-/tmp}/tvisor-qemu-console.$$.log"
        mv "$log" "$kept" && printf 'qemu-aarch64: console log kept in %s\n' "$kept" >&2
    fi
    rm -rf "$work"
}
trap cleanup EXIT

t0=$(date +%s.%N)
"$here/mkinitramfs-aarch64.sh" "$work/initrd.cpio.gz" "$payload" >/dev/null ||
    die "building the initramfs failed"
t1=$(date +%s.%N)

# kpti=0: with KASLR on a CPU without E0PD (cortex-a57) the kernel unmaps itself
# at EL0 (KPTI) and every syscall switches page tables, which TCG pays for with
# a TLB flush: ~10x slower syscalls and SIGSYS round trips (see ci/README.md).
# A test VM needs no Meltdown/KASLR hardening. TVISOR_QEMU_KPTI=1 keeps it.
kpti="kpti=0"
[ "${TVISOR_QEMU_KPTI:-0}" = 1 ] && kpti=""
append="console=ttyAMA0 rdinit=/init panic=-1 quiet${kpti:+ $kpti}${TVISOR_QEMU_APPEND:+ $TVISOR_QEMU_APPEND}"

# Console → raw log (tee) → CR stripped → awk prints what lies between the BEGIN
# and DONE markers, line by line as it arrives. Markers are searched anywhere in
# a line, in case kernel output got glued in front of them.
set +e
timeout -k 10 "$timeout_s" \
    qemu-system-aarch64 -M virt -accel tcg,thread="$tcg_thread" -cpu "$cpu" -m "$mem" -smp "$smp" \
        -nographic -no-reboot -nic none \
        -kernel "$kernel" -initrd "$work/initrd.cpio.gz" -append "$append" \
        </dev/null 2>"$work/qemu.stderr" |
    tee "$log" | tr -d '\r' |
    awk -v verbose="${TVISOR_QEMU_VERBOSE:-0}" '
        verbose == 1 { print > "/dev/stderr"; fflush("/dev/stderr") }
        (i = index($0, "TVISOR-QEMU-DONE rc=")) {
            # a last payload line without a newline ends up in front of the marker
            if (inside && i > 1) { print substr($0, 1, i - 1); fflush() }
            inside = 0; done = 1; next }
        index($0, "TVISOR-QEMU-BEGIN") && !done { inside = 1; next }
        inside { print; fflush() }'
status=("${PIPESTATUS[@]}")
set -e
t2=$(date +%s.%N)
qemu_rc=${status[0]}

rc=$(tr -d '\r' < "$log" | sed -n 's/.*TVISOR-QEMU-DONE rc=\([0-9][0-9]*\).*/\1/p' | tail -n1)
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
printf 'qemu-aarch64: initramfs %ss, qemu %ss (kernel %s, -smp %s, -cpu %s, tcg thread=%s)\n' \
    "$(secs "$t0" "$t1")" "$(secs "$t1" "$t2")" "${TVISOR_CI_KERNEL_VERSION:-?}" "$smp" "$cpu" \
    "$tcg_thread" >&2

if [ -z "$rc" ]; then
    keep_log=1
    if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
        why="timed out after ${timeout_s}s (TVISOR_QEMU_TIMEOUT)"
    elif grep -q 'Kernel panic' "$log" 2>/dev/null; then
        why="the guest kernel panicked"
    else
        why="qemu exited with status $qemu_rc"
    fi
    printf 'qemu-aarch64: error: no "TVISOR-QEMU-DONE rc=N" marker: %s\n' "$why" >&2
    if [ -s "$work/qemu.stderr" ]; then
        printf 'qemu-aarch64: qemu stderr:\n' >&2
        sed 's/^/  /' "$work/qemu.stderr" >&2
    fi
    printf 'qemu-aarch64: last console lines:\n' >&2
    tr -d '\r' < "$log" | tail -n 40 | sed 's/^/  | /' >&2
    exit 1
fi

if [ "$rc" != 0 ]; then
    keep_log=1
    # after a failed run /init prints what the kernel logged during the payload
    tr -d '\r' < "$log" | sed -n '/TVISOR-QEMU-DMESG-BEGIN/,/TVISOR-QEMU-DMESG-END/p' |
        sed '1d;$d' | tail -n 60 | sed 's/^/qemu-aarch64: dmesg: /' >&2
    printf 'qemu-aarch64: payload run.sh exited with %s\n' "$rc" >&2
fi
exit "$rc"
