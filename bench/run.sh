#!/bin/sh
# bench/run.sh SRCDIR BUILDDIR
#
# Builds bench/getppid.c and bench/timeit.c (static, with ${BENCH_CC:-cc})
# into BUILDDIR/bench/ and prints, from one run:
#   1. getppid ns/call natively, with seccomp filters, with an inline SIGSYS
#      handler, under tvisor-nop, strace -f and proot, with ratios to native
#      and to the inline SIGSYS floor;
#   2. where the guest thread and its kernel thread run (one core or two);
#   3. real programs (median of BENCH_RUNS wall-clock runs) natively, under
#      tvisor-nop, strace and proot, with ratios to native;
#   4. programs of a Debian root file system (ci/rootfs.sh) under chroot(8),
#      tvisor-fs --root and proot -r, with ratios to chroot.
# A missing tool gives "n/a" in its cells, a run that exits non-zero
# "fails"; their stderr goes to BUILDDIR/bench/run.log.  See bench/README.md.
#
# Environment:
#   BENCH_ITER   getppid calls per repetition for native and filter-only rows
#                (default 200000); intercepted rows use BENCH_ITER/10
#   BENCH_REPS   repetitions per getppid row, median reported (default 5)
#   BENCH_RUNS   runs per real program, median reported (default 3)
#   BENCH_CC     compiler for the benchmark programs (default cc)
#   BENCH_ONLY   micro, real, rootfs or all (default all)
#   TVISOR_ROOTFS  the Debian root (default: ci/rootfs.sh's, in the ci cache)
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 SRCDIR BUILDDIR" >&2
	exit 2
fi
src=$1
build=$2
ITER=${BENCH_ITER:-200000}
REPS=${BENCH_REPS:-5}
RUNS=${BENCH_RUNS:-3}
CC=${BENCH_CC:-cc}
ONLY=${BENCH_ONLY:-all}
case $ITER$REPS$RUNS in
''|*[!0-9]*) echo "run.sh: BENCH_ITER, BENCH_REPS and BENCH_RUNS must be numbers" >&2; exit 2 ;;
esac
SLOW_ITER=$((ITER / 10))
[ "$SLOW_ITER" -ge 100 ] || SLOW_ITER=100

mkdir -p "$build/bench" || exit 1
out=$(cd "$build/bench" && pwd) || exit 1
src=$(cd "$src" && pwd) || exit 1
build=$(cd "$build" && pwd) || exit 1
log=$out/run.log
: >"$log"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

have() { command -v "$1" >/dev/null 2>&1; }

for p in getppid timeit; do
	if ! "$CC" -std=c11 -O2 -Wall -Wextra -Werror -static -pthread \
		-o "$out/$p" "$src/bench/$p.c" 2>>"$log"; then
		echo "run.sh: cannot build bench/$p.c with $CC (see $log)" >&2
		cat "$log" >&2
		exit 1
	fi
done
gp=$out/getppid
timeit=$out/timeit

# A private copy: other builds in the tree may replace or remove the
# binary while this runs.
tvisor=
if [ -x "$build/tvisor-nop" ] && cp "$build/tvisor-nop" "$tmp/tvisor-nop"; then
	tvisor=$tmp/tvisor-nop
fi
fs=
if [ -x "$build/tvisor-fs" ] && cp "$build/tvisor-fs" "$tmp/tvisor-fs"; then
	fs=$tmp/tvisor-fs
fi
strace=$(command -v strace 2>/dev/null) || strace=
proot=$(command -v proot 2>/dev/null) || proot=
taskset=$(command -v taskset 2>/dev/null) || taskset=
# Debian's python3, not a version manager's shim script (which would
# spawn a shell and measure that).
if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3
else python=$(command -v python3 2>/dev/null) || python=
fi
gcc=$(command -v gcc 2>/dev/null) || gcc=

isnum() { case $1 in ''|*[!0-9.]*) return 1 ;; esac; }

# ratio A B: "A/B x", or "-" when either is not a number
ratio() {
	if isnum "$1" && isnum "$2"; then
		awk -v a="$1" -v b="$2" 'BEGIN {
			if (b <= 0) { print "-"; exit }
			r = a / b
			if (r < 10) printf "%.2fx\n", r
			else if (r < 100) printf "%.1fx\n", r
			else printf "%.0fx\n", r }'
	else
		echo -
	fi
}

# micro ITER MODE [PREFIX...]: ns/call of "PREFIX getppid MODE" for the
# call in $call, "fails" if it exits non-zero, "n/a" if PREFIX is a missing
# tool (an empty first word)
call=getppid
micro() {
	_n=$1 _m=$2; shift 2
	if [ $# -gt 0 ] && [ -z "$1" ]; then echo n/a; return; fi
	echo "== getppid $_m, BENCH_CALL=$call, under: $*" >>"$log"
	_o=$(BENCH_VERBOSE=1 BENCH_CALL=$call "$@" "$gp" "$_m" "$_n" "$REPS" 2>>"$log") ||
		{ echo fails; return; }
	# shellcheck disable=SC2086
	set -- $_o
	if [ $# -eq 2 ] && isnum "$2"; then echo "$2"; else echo fails; fi
}

native_ns=
inline_ns=
mrow() { # LABEL VALUE
	printf '%-56s %10s %10s %10s\n' "$1" "$2" "$(ratio "$2" "$native_ns")" \
		"$(ratio "$2" "$inline_ns")"
}
mhead() {
	echo "$1"
	printf '%-56s %10s %10s %10s\n' "" "ns/call" "x native" "x inline"
}

header() {
	echo "tvisor benchmarks  $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "host: $(uname -srm), $(nproc 2>/dev/null || echo '?') CPUs," \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
	_rev=$(git -C "$src" rev-parse --short HEAD 2>/dev/null) &&
		{ git --no-optional-locks -C "$src" diff --quiet HEAD 2>/dev/null || _rev="$_rev + local changes"; } &&
		echo "source: $_rev"
	[ -n "$tvisor" ] && echo "tvisor-nop: $("$tvisor" --version 2>&1 | head -n 1)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
	echo "getppid: $ITER calls (intercepted rows $SLOW_ITER) x $REPS repetitions, median;" \
		"programs: median of $RUNS runs"
	echo
}

micro_table() {
	call=getppid
	mhead "getppid (ns/call; x native plain, x inline-sigsys)"
	native_ns=$(micro "$ITER" plain)
	mrow "native plain" "$native_ns"
	mrow "native allow-filter (bare ALLOW-all filter)" "$(micro "$ITER" allow-filter)"
	inline_ns=$(micro "$SLOW_ITER" inline-sigsys)
	mrow "inline-sigsys (TRAP + in-process SIGSYS handler)" "$inline_ns"
	mrow "tvisor-nop --syscalls getpid (not intercepted)" \
		"$(micro "$ITER" plain "$tvisor" --syscalls getpid --)"
	mrow "tvisor-nop --syscalls getppid (intercepted)" \
		"$(micro "$SLOW_ITER" plain "$tvisor" --syscalls getppid --)"
	mrow "tvisor-nop -- (every call trapped)" "$(micro "$SLOW_ITER" plain "$tvisor" --)"
	mrow "strace -f -o /dev/null" "$(micro "$SLOW_ITER" plain "$strace" -f -o /dev/null)"
	mrow "proot" "$(micro "$SLOW_ITER" plain "$proot")"
	echo

	# getppid never blocks, so tvisor may answer it on the guest thread;
	# fcntl(F_GETFD) is as cheap but goes through the kernel thread.
	call=fcntl
	mhead "fcntl(fd, F_GETFD), a call tvisor hands to the kernel thread (ns/call)"
	inline_ns=
	native_ns=$(micro "$ITER" plain)
	mrow "native plain" "$native_ns"
	inline_ns=$(micro "$SLOW_ITER" inline-sigsys)
	mrow "inline-sigsys" "$inline_ns"
	mrow "tvisor-nop --syscalls fcntl (G -> K -> G)" \
		"$(micro "$SLOW_ITER" plain "$tvisor" --syscalls fcntl --)"
	mrow "tvisor-nop -- (every call trapped)" "$(micro "$SLOW_ITER" plain "$tvisor" --)"
	echo
}

# tvisor_split: tvisor-nop --syscalls $call with its two threads pinned to
# CPU 0 and CPU 1 once both exist (during the warm-up).
tvisor_split() {
	[ -n "$tvisor" ] || { echo n/a; return; }
	echo "== getppid plain, BENCH_CALL=$call, under: tvisor-nop, threads on CPUs 0 and 1" >>"$log"
	BENCH_VERBOSE=1 BENCH_CALL=$call "$tvisor" --syscalls "$call" -- "$gp" plain \
		"$SLOW_ITER" "$REPS" >"$tmp/split.out" 2>>"$log" &
	_pid=$!
	_i=0
	while [ $_i -lt 200 ]; do
		set -- "/proc/$_pid/task/"*
		[ $# -ge 2 ] && break
		sleep 0.01
		_i=$((_i + 1))
	done
	_cpu=0
	for _t in "/proc/$_pid/task/"*; do
		"$taskset" -p -c $_cpu "${_t##*/}" >/dev/null 2>>"$log"
		_cpu=$(((_cpu + 1) % 2))
	done
	wait $_pid || { echo fails; return; }
	# shellcheck disable=SC2046
	set -- $(cat "$tmp/split.out")
	if [ $# -eq 2 ] && isnum "$2"; then echo "$2"; else echo fails; fi
}

# Uses native_ns and inline_ns of the fcntl table.
placement_table() {
	call=fcntl
	mhead "guest thread G / kernel thread K placement, fcntl(F_GETFD) (ns/call)"
	ncpu=$(nproc 2>/dev/null || echo 1)
	if [ -z "$taskset" ] || [ "$ncpu" -lt 2 ]; then
		echo "(needs taskset and 2 CPUs: n/a)"
		echo
		return
	fi
	mrow "tvisor-nop --syscalls fcntl, unpinned" \
		"$(micro "$SLOW_ITER" plain "$tvisor" --syscalls fcntl --)"
	if [ -n "$tvisor" ]; then
		mrow "tvisor-nop --syscalls fcntl, taskset -c 0" \
			"$(micro "$SLOW_ITER" plain "$taskset" -c 0 "$tvisor" --syscalls fcntl --)"
	else
		mrow "tvisor-nop --syscalls fcntl, taskset -c 0" n/a
	fi
	mrow "tvisor-nop --syscalls fcntl, G and K on CPUs 0 and 1" "$(tvisor_split)"
	for pin in none same cross; do
		case $pin in
		none) what="unpinned" ;;
		same) what="both on CPU 0" ;;
		cross) what="CPUs 0 and 1" ;;
		esac
		mrow "handoff, spin 2000 + futex, $what" \
			"$(micro "$SLOW_ITER" handoff env BENCH_PIN=$pin)"
		mrow "handoff, futex only, $what" \
			"$(micro "$SLOW_ITER" handoff env BENCH_PIN=$pin BENCH_SPIN=0)"
	done
	echo
}

# Real programs.  Each cell: median wall time and ratio to native.
cell_w=18
cell() { printf "%${cell_w}s" "$1"; }

# workload W PREFIX...: runs workload W under PREFIX with timeit
workload() {
	_w=$1; shift
	case $_w in
	1) "$timeit" "$RUNS" "$@" find /usr/share -name '*.txt' ;;
	2) "$timeit" "$RUNS" "$@" tar -cf /dev/null /usr/include ;;
	3) "$timeit" "$RUNS" "$@" "$python" -c 'import json, email, http.client' ;;
	4) "$timeit" "$RUNS" "$@" "$gcc" -O2 -c -o "$tmp/t.o" "$src/bench/timeit.c" ;;
	esac
}

real_cell() { # W PREFIX...
	_w=$1; shift
	case $_w in
	1) have find || { cell n/a; return; } ;;
	2) have tar || { cell n/a; return; } ;;
	3) [ -n "$python" ] || { cell n/a; return; } ;;
	4) [ -n "$gcc" ] || { cell n/a; return; } ;;
	esac
	echo "== workload $_w under: $*" >>"$log"
	if ! _o=$(workload "$_w" "$@" 2>>"$log") || ! isnum "$_o"; then
		cell fails
		return
	fi
	eval "_base=\${native_$_w:-}"
	if [ $# -eq 0 ]; then
		eval "native_$_w=\$_o"
		_base=$_o
	fi
	_t=$(awk -v s="$_o" 'BEGIN { if (s < 1) printf "%.0fms", s * 1000; else printf "%.2fs", s }')
	cell "$_t $(ratio "$_o" "$_base")"
}

real_row() { # LABEL PREFIX... (LABEL alone: native; PREFIX "n/a": tool missing)
	printf '%-40s' "$1"
	shift
	for _w in 1 2 3 4; do
		if [ "${1:-}" = n/a ]; then cell n/a; else real_cell "$_w" "$@"; fi
	done
	echo
}

real_table() {
	echo "real programs (median wall time of $RUNS runs, x native)"
	printf '%-40s%18s%18s%18s%18s\n' "" "find /usr/share" "tar /usr/include" \
		"python3 imports" "gcc -O2 -c"
	# warm the page cache first: the native row must not pay for it
	_runs=$RUNS
	RUNS=1
	for _w in 1 2 3 4; do
		workload $_w >/dev/null 2>&1
	done
	RUNS=$_runs
	real_row "native"
	if [ -n "$tvisor" ]; then
		real_row "tvisor-nop --" "$tvisor" --
		real_row "tvisor-nop --syscalls openat" "$tvisor" --syscalls openat --
	else
		real_row "tvisor-nop --" n/a
		real_row "tvisor-nop --syscalls openat" n/a
	fi
	if [ -n "$strace" ]; then
		real_row "strace -f -o /dev/null" "$strace" -f -o /dev/null
		real_row "strace -f --seccomp-bpf -e trace=openat" \
			"$strace" -f --seccomp-bpf -e trace=openat -o /dev/null
	else
		real_row "strace -f -o /dev/null" n/a
		real_row "strace -f --seccomp-bpf -e trace=openat" n/a
	fi
	if [ -n "$proot" ]; then
		real_row "proot" "$proot"
	else
		real_row "proot" n/a
	fi
	echo
}

# A Debian root file system: the same programs under the kernel's chroot,
# tvisor-fs and proot.  Each cell: median wall time and ratio to chroot.
rootfs_time() { # W PREFIX...: median seconds of workload W
	_w=$1; shift
	echo "== rootfs workload $_w under: $*" >>"$log"
	case $_w in
	1) "$timeit" "$RUNS" "$@" /usr/bin/dpkg -l ;;
	2) "$timeit" "$RUNS" "$@" /usr/bin/find /usr -name '*.py' ;;
	3) "$timeit" "$RUNS" "$@" /usr/bin/python3 -c pass ;;
	esac 2>>"$log"
}

rootfs_row() { # LABEL BASE|OTHER PREFIX...: BASE rows set the ratios' base
	printf '%-40s' "$1"
	_kind=$2
	shift 2
	for _w in 1 2 3; do
		if [ "${1:-}" = n/a ] || ! _o=$(rootfs_time "$_w" "$@") || ! isnum "$_o"; then
			[ "${1:-}" = n/a ] && cell n/a || cell fails
			continue
		fi
		[ "$_kind" = BASE ] && eval "rootfs_base_$_w=\$_o"
		eval "_base=\${rootfs_base_$_w:-}"
		_t=$(awk -v s="$_o" 'BEGIN { if (s < 1) printf "%.0fms", s * 1000; else printf "%.2fs", s }')
		cell "$_t $(ratio "$_o" "$_base")"
	done
	echo
}

rootfs_table() {
	root=${TVISOR_ROOTFS:-${TVISOR_CI_CACHE:-/var/cache/tvisor-ci}/rootfs-bookworm}
	echo "a Debian root file system (median wall time of $RUNS runs, x chroot)"
	if [ ! -f "$root/.tvisor-rootfs" ]; then
		echo "(no root file system at $root: sh ci/rootfs.sh makes one)"
		echo
		return
	fi
	printf '%-40s%18s%18s%18s\n' "" "dpkg -l" "find /usr -name" "python3 -c pass"
	if [ "$(id -u)" = 0 ] && have chroot; then
		rootfs_row "chroot DIR (the kernel)" BASE chroot "$root" >/dev/null	# the page cache
		rootfs_row "chroot DIR (the kernel)" BASE chroot "$root"
	else
		rootfs_row "chroot DIR (the kernel)" BASE n/a
	fi
	if [ -n "$fs" ]; then
		rootfs_row "tvisor-fs --root DIR" OTHER "$fs" --root "$root" --
	else
		rootfs_row "tvisor-fs --root DIR" OTHER n/a
	fi
	if [ -n "$proot" ]; then
		rootfs_row "proot -r DIR" OTHER "$proot" -r "$root"
	else
		rootfs_row "proot -r DIR" OTHER n/a
	fi
	echo
}

header
case $ONLY in
micro) micro_table; placement_table ;;
real) real_table ;;
rootfs) rootfs_table ;;
*) micro_table; placement_table; real_table; rootfs_table ;;
esac
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "(n/a: tool missing; fails: non-zero exit, stderr in $log)"
