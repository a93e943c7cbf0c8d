#!/bin/sh
# bench/run.sh SRCDIR BUILDDIR
#
# Builds bench/getppid.c, bench/timeit.c and bench/idle.c (static, with
# ${BENCH_CC:-cc}) into BUILDDIR/bench/ and prints, from one run:
#   1. calls: for each class of call (getppid, fcntl(F_GETFD), a 1-byte
#      pipe read, a 1-byte write to /dev/null, openat+close of /dev/null)
#      ns/call natively, with an inline SIGSYS handler (the floor), under
#      tvisor-nop --syscalls NAME, tvisor-nop --, tvisor-nop --pair,
#      strace -f, strace --seccomp-bpf -e trace=NAME and proot, with ratios
#      to native and to the floor; then one summary line per class;
#   2. placement: where the guest thread and its kernel thread run (one
#      core or two);
#   3. scaling: 1, 2, 4 and 8 threads making getppid calls at once, natively,
#      with the inline SIGSYS handler and under tvisor-nop: wall time,
#      calls/s and speed-up against 1 thread;
#   4. memory: VmRSS per blocked guest thread (65 threads against 1) and
#      the kernel tasks of an 8-thread guest, natively and under tvisor-nop;
#   5. real: real programs (median of BENCH_RUNS wall-clock runs) natively,
#      under tvisor-nop, tvisor-trace (also -y -T), strace (also -y -T) and
#      proot, with ratios to native, then tvisor's rows against the
#      matching strace rows;
#   6. rootfs: programs of a Debian root file system (a copy of ci/rootfs.sh's,
#      with a 200-file package to dpkg -i) under chroot(8), tvisor-fs
#      --root, tvisor-fs -0, proot -r and proot -0, with ratios to chroot.
# A missing tool gives "n/a" in its cells, a run that exits non-zero
# "fails"; their stderr goes to BUILDDIR/bench/run.log.  See bench/README.md.
#
# Environment:
#   BENCH_ITER   calls per repetition for native and filter-only rows
#                (default 200000); intercepted rows use BENCH_ITER/10,
#                ptrace rows (strace, proot) BENCH_ITER/100, and each
#                thread of the scaling table BENCH_ITER/2
#   BENCH_REPS   repetitions per micro row, median reported (default 5)
#   BENCH_RUNS   runs per real program, median reported (default 3)
#   BENCH_CC     compiler for the benchmark programs (default cc)
#   BENCH_ONLY   all (default), or a comma-separated list of: calls,
#                placement, scaling, memory, real, rootfs; micro is
#                calls,placement
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
TRACE_ITER=$((ITER / 100))
[ "$TRACE_ITER" -ge 100 ] || TRACE_ITER=100
SCALE_ITER=$((ITER / 2))
[ "$SCALE_ITER" -ge 100 ] || SCALE_ITER=100
case ,$ONLY, in
*,all,*) ONLY=calls,placement,scaling,memory,real,rootfs ;;
esac
ONLY=$(echo "$ONLY" | sed 's/micro/calls,placement/g')
for _t in $(echo "$ONLY" | tr ',' ' '); do
	case $_t in
	calls|placement|scaling|memory|real|rootfs) ;;
	*) echo "run.sh: BENCH_ONLY: unknown table '$_t' (all, micro, calls, placement, scaling, memory, real, rootfs)" >&2; exit 2 ;;
	esac
done

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

for p in getppid timeit idle; do
	if ! "$CC" -std=c11 -O2 -Wall -Wextra -Werror -static -pthread \
		-o "$out/$p" "$src/bench/$p.c" 2>>"$log"; then
		echo "run.sh: cannot build bench/$p.c with $CC (see $log)" >&2
		cat "$log" >&2
		exit 1
	fi
done
gp=$out/getppid
timeit=$out/timeit
idle=$out/idle

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
ttrace=
if [ -x "$build/tvisor-trace" ] && cp "$build/tvisor-trace" "$tmp/tvisor-trace"; then
	ttrace=$tmp/tvisor-trace
fi
# The rewrite tier's default on this arch, as --help says it.
rw_default=
[ -n "$tvisor" ] && rw_default=$("$tvisor" --help | sed -n 's/^The default rewrite mode on .* is \(.*\)\.$/\1/p')
strace=$(command -v strace 2>/dev/null) || strace=
proot=$(command -v proot 2>/dev/null) || proot=
taskset=$(command -v taskset 2>/dev/null) || taskset=
# Debian's python3, not a version manager's shim script (which would
# spawn a shell and measure that).
if [ -x /usr/bin/python3 ]; then python=/usr/bin/python3
else python=$(command -v python3 2>/dev/null) || python=
fi
gcc=$(command -v gcc 2>/dev/null) || gcc=
make=$(command -v make 2>/dev/null) || make=

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
	echo "calls: $ITER (intercepted rows $SLOW_ITER, ptrace rows $TRACE_ITER) x $REPS repetitions," \
		"median; scaling: $SCALE_ITER calls a thread; programs: median of $RUNS runs"
	echo "tables: $ONLY"
	echo
}

# class_table CALL SET TITLE: the rows for one class of call.  SET is what
# the tools trap (tvisor-nop --syscalls SET, strace -e trace=SET).  Leaves
# native_ns and inline_ns set, and adds a line to the summary.
class_table() {
	call=$1 set=$2
	mhead "$3"
	inline_ns=
	native_ns=$(micro "$ITER" plain)
	mrow "native plain" "$native_ns"
	[ "$call" = getppid ] &&
		mrow "native allow-filter (bare ALLOW-all filter)" "$(micro "$ITER" allow-filter)"
	inline_ns=$(micro "$SLOW_ITER" inline-sigsys)
	mrow "inline-sigsys (TRAP + in-process SIGSYS handler)" "$inline_ns"
	[ "$call" = getppid ] &&
		mrow "tvisor-nop --syscalls getpid (not intercepted)" \
			"$(micro "$ITER" plain "$tvisor" --syscalls getpid --)"
	_tv=$(micro "$SLOW_ITER" plain "$tvisor" --syscalls "$set" --)
	mrow "tvisor-nop --syscalls $set" "$_tv"
	_all="tvisor-nop -- (every call trapped)"
	[ "$call" = read ] && _all="tvisor-nop -- (every call trapped: the write too)"
	mrow "$_all" "$(micro "$SLOW_ITER" plain "$tvisor" --)"
	_pair=$(micro "$SLOW_ITER" plain "$tvisor" --pair --syscalls "$set" --)
	mrow "tvisor-nop --pair --syscalls $set (hooks on K)" "$_pair"
	mrow "strace -f -o /dev/null" "$(micro "$TRACE_ITER" plain "$strace" -f -o /dev/null)"
	mrow "strace -f --seccomp-bpf -e trace=$set" \
		"$(micro "$TRACE_ITER" plain "$strace" -f --seccomp-bpf -e trace="$set" -o /dev/null)"
	case $call in
	getppid|openat) mrow "proot" "$(micro "$TRACE_ITER" plain "$proot")" ;;
	esac
	echo
	_met=-
	if isnum "$_tv" && isnum "$inline_ns"; then
		_met=$(awk -v a="$_tv" -v b="$inline_ns" 'BEGIN { print (b > 0 && a <= 1.2 * b) ? "met" : "missed" }')
	fi
	printf '%-24s %10s %10s %10s %9s %10s %9s %8s\n' "$set" "$native_ns" "$inline_ns" \
		"$_tv" "$(ratio "$_tv" "$inline_ns")" "$_pair" "$(ratio "$_pair" "$inline_ns")" \
		"$_met" >>"$tmp/summary"
}

# The rewrite tier: getppid through the libc's wrapper, the site shape it
# rewrites (the inline asm of the tables above is not one: those calls
# always take SIGSYS).
rewrite_table() {
	call=libc
	mhead "rewrite tier: getppid() through the libc wrapper (ns/call; x native, x inline-sigsys)"
	native_ns=$(micro "$ITER" plain)
	mrow "native plain" "$native_ns"
	inline_ns=$(micro "$SLOW_ITER" inline-sigsys)
	mrow "inline-sigsys (TRAP + in-process SIGSYS handler)" "$inline_ns"
	for _mode in off lazy eager; do
		_n=$ITER
		[ $_mode = off ] && _n=$SLOW_ITER
		mrow "tvisor-nop --rewrite=$_mode --syscalls getppid" \
			"$(micro "$_n" plain "$tvisor" --rewrite=$_mode --syscalls getppid --)"
	done
	mrow "tvisor-nop -- (every call trapped, $rw_default)" "$(micro "$ITER" plain "$tvisor" --)"
	mrow "strace -f --seccomp-bpf -e trace=getppid" \
		"$(micro "$TRACE_ITER" plain "$strace" -f --seccomp-bpf -e trace=getppid -o /dev/null)"
	echo "(a rewritten site's call: target <= 1.3x native)"
	echo
	call=getppid
}

calls_table() {
	rewrite_table
	: >"$tmp/summary"
	class_table getppid getppid "getppid (ns/call; x native plain, x inline-sigsys)"
	class_table fcntl fcntl "fcntl(fd, F_GETFD) on /dev/null (ns/call)"
	fcntl_native=$native_ns fcntl_inline=$inline_ns
	class_table read read "read(pipe, 1 byte) after write(pipe, 1 byte); only the read is trapped (ns per write+read)"
	class_table write write "write(/dev/null, 1 byte) (ns/call)"
	class_table openat openat,close "openat(\"/dev/null\", O_RDONLY) + close(fd), both trapped (ns per openat+close)"
	echo "every class: tvisor-nop --syscalls SET against the inline-sigsys floor (target <= 1.2x)"
	printf '%-24s %10s %10s %10s %9s %10s %9s %8s\n' "" native inline tvisor-nop "x inline" \
		"--pair" "x inline" "<= 1.2x"
	cat "$tmp/summary"
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

# Uses native_ns and inline_ns of the fcntl table, or measures them.
placement_table() {
	call=fcntl
	native_ns=${fcntl_native:-$(micro "$ITER" plain)}
	inline_ns=${fcntl_inline:-$(micro "$SLOW_ITER" inline-sigsys)}
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

# par N MODE [PREFIX...]: median wall seconds of N threads each making
# SCALE_ITER getppid calls at once (getppid's BENCH_THREADS), "fails" or "n/a"
par() {
	_t=$1 _m=$2; shift 2
	if [ $# -gt 0 ] && [ -z "$1" ]; then echo n/a; return; fi
	echo "== getppid $_m, BENCH_THREADS=$_t, under: $*" >>"$log"
	_o=$(BENCH_VERBOSE=1 BENCH_CALL=getppid BENCH_THREADS=$_t "$@" "$gp" "$_m" \
		"$SCALE_ITER" "$REPS" 2>>"$log") || { echo fails; return; }
	# shellcheck disable=SC2086
	set -- $_o
	if [ $# -eq 2 ] && isnum "$2"; then echo "$2"; else echo fails; fi
}

# scell SECONDS THREADS BASE_CALLS_PER_S: "wall calls/s speed-up"
scell() {
	if ! isnum "$1"; then printf '%30s' "$1"; return; fi
	awk -v s="$1" -v t="$2" -v n="$SCALE_ITER" -v b="$3" 'BEGIN {
		if (s < 0.01) w = sprintf("%.1fms", s * 1000)
		else if (s < 1) w = sprintf("%.0fms", s * 1000)
		else w = sprintf("%.2fs", s)
		c = s > 0 ? t * n / s : 0
		if (c >= 1e6) r = sprintf("%.1fM/s", c / 1e6)
		else r = sprintf("%.0fk/s", c / 1e3)
		x = (b != "" && b > 0) ? sprintf("%.2fx", c / b) : "-"
		printf "%30s", w " " r " " x }'
}

# capacity: how many CPUs' worth two independent single-threaded processes
# get (2.00 on two idle CPUs; less when the host shares them)
capacity() {
	echo "== capacity: getppid plain alone, then two at once" >>"$log"
	call=getppid
	_one=$(micro "$ITER" plain)
	BENCH_CALL=getppid "$gp" plain "$ITER" "$REPS" >"$tmp/cap1" 2>>"$log" &
	_p=$!
	BENCH_CALL=getppid "$gp" plain "$ITER" "$REPS" >"$tmp/cap2" 2>>"$log"
	_r=$?
	if ! wait $_p || [ $_r != 0 ]; then echo fails; return; fi
	_a=$(cut -d' ' -f2 "$tmp/cap1") _b=$(cut -d' ' -f2 "$tmp/cap2")
	if isnum "$_one" && isnum "$_a" && isnum "$_b"; then
		awk -v o="$_one" -v a="$_a" -v b="$_b" 'BEGIN { printf "%.2f\n", o / a + o / b }'
	else
		echo fails
	fi
}

scaling_table() {
	echo "thread scaling: T threads x $SCALE_ITER getppid calls each, released together" \
		"(median wall time of $REPS, calls/s, speed-up vs 1 thread)"
	echo "CPUs' worth that two independent native processes get here: $(capacity)"
	printf '%-8s%30s%30s%30s\n' threads "native plain" "inline-sigsys" \
		"tvisor-nop --syscalls getppid"
	_b1='' _b2='' _b3=''
	for _n in 1 2 4 8; do
		printf '%-8s' "$_n"
		_i=0
		for _col in plain inline tvisor; do
			_i=$((_i + 1))
			case $_col in
			plain) _s=$(par "$_n" plain) ;;
			inline) _s=$(par "$_n" inline-sigsys) ;;
			tvisor) _s=$(par "$_n" plain "$tvisor" --syscalls getppid --) ;;
			esac
			if [ "$_n" = 1 ] && isnum "$_s"; then
				_v=$(awk -v s="$_s" -v n="$SCALE_ITER" 'BEGIN { printf "%.3f", n / s }')
				eval "_b$_i=\$_v"
			fi
			_base=
			eval "_base=\${_b$_i}"
			scell "$_s" "$_n" "$_base"
		done
		echo
	done
	echo
}

# alive PID: PID exists and is not a zombie
alive() {
	_st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$_st" ] && [ "$_st" != Z ]
}

# idle_probe N [PREFIX...]: "RSS_KIB TASKS" of "PREFIX idle N" once its N
# threads block, "fails" or "n/a"
idle_probe() {
	_n=$1; shift
	if [ $# -gt 0 ] && [ -z "$1" ]; then echo n/a; return; fi
	echo "== idle $_n under: $*" >>"$log"
	rm -f "$tmp/fifo" "$tmp/idle.out"
	mkfifo "$tmp/fifo" || { echo fails; return; }
	"$@" "$idle" "$_n" <"$tmp/fifo" >"$tmp/idle.out" 2>>"$log" &
	_pid=$!
	exec 3>"$tmp/fifo"	# meets the child's open: its stdin ends when 3 closes
	_i=0
	while [ $_i -lt 500 ] && ! grep -q ready "$tmp/idle.out" 2>/dev/null && alive $_pid; do
		sleep 0.02
		_i=$((_i + 1))
	done
	_res=fails
	if grep -q ready "$tmp/idle.out" 2>/dev/null; then
		sleep 0.2	# the threads get from the barrier into read()
		_rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$_pid/status" 2>/dev/null)
		_tasks=$(ls "/proc/$_pid/task" 2>/dev/null | wc -l)
		isnum "$_rss" && _res="$_rss $((_tasks))"
	fi
	exec 3>&-
	_i=0
	while [ $_i -lt 500 ] && alive $_pid; do
		sleep 0.02
		_i=$((_i + 1))
	done
	if alive $_pid; then
		echo "idle $_n: still running 10 s after end of input: killed" >>"$log"
		kill -KILL $_pid 2>/dev/null
		_res=fails
	fi
	wait $_pid || _res=fails
	echo "$_res"
}

mem_row() { # LABEL PREFIX...
	_l=$1; shift
	_native=$#	# 0: the native row, the others' base
	# shellcheck disable=SC2046
	set -- $(idle_probe 1 "$@") $(idle_probe 65 "$@") $(idle_probe 8 "$@")
	if [ $# -ne 6 ]; then
		_c=${1:-fails}
		[ "$_c" = n/a ] || _c=fails
		printf '%-40s%12s%12s%12s%12s%10s\n' "$_l" "$_c" "$_c" "$_c" "$_c" "$_c"
		return
	fi
	_per=$(awk -v a="$1" -v b="$3" 'BEGIN { printf "%.1f", (b - a) / 64 }')
	_d=-
	if [ "$_native" = 0 ]; then
		mem_native=$_per
	elif isnum "$mem_native"; then
		_d=$(awk -v a="$_per" -v b="$mem_native" 'BEGIN { printf "%+.1f", a - b }')
	fi
	printf '%-40s%12s%12s%12s%12s%10s\n' "$_l" "$1" "$3" "$_per" "$_d" "$6"
}

memory_table() {
	echo "memory per thread: VmRSS of the process with 1 and 65 threads blocked in read (KiB),"
	echo "(RSS(65) - RSS(1)) / 64, its excess over native, and kernel tasks of an 8-thread program"
	printf '%-40s%12s%12s%12s%12s%10s\n' "" "RSS 1 thr" "RSS 65 thr" "KiB/thread" "- native" \
		"tasks(8)"
	mem_native=
	mem_row "native"
	mem_row "tvisor-nop -- (every call trapped)" "$tvisor" --
	mem_row "tvisor-nop --syscalls getppid" "$tvisor" --syscalls getppid --
	mem_row "tvisor-nop --pair -- (hooks on K)" "$tvisor" --pair --
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
	5) ( # not the jobserver of a make that runs this script
		unset MAKEFLAGS MFLAGS MAKELEVEL
		exec "$timeit" "$RUNS" "$@" "$make" -s -B -j2 -C "$tmp/mk" CC="$gcc" ) ;;
	esac
}

# The make workload: four compilations, two at a time.
make_project() {
	mkdir -p "$tmp/mk" || return
	cp "$src/bench/getppid.c" "$tmp/mk/a.c" &&
	cp "$src/bench/timeit.c" "$tmp/mk/b.c" &&
	cp "$src/bench/idle.c" "$tmp/mk/c.c" &&
	cp "$src/bench/getppid.c" "$tmp/mk/d.c" &&
	printf 'all: a.o b.o c.o d.o\n%%.o: %%.c\n\t$(CC) -O2 -c -o $@ $<\n' >"$tmp/mk/Makefile"
}

real_cell() { # KEY W PREFIX...: also sets t_KEY_W, the seconds
	_k=$1 _w=$2; shift 2
	case $_w in
	1) have find || { cell n/a; return; } ;;
	2) have tar || { cell n/a; return; } ;;
	3) [ -n "$python" ] || { cell n/a; return; } ;;
	4) [ -n "$gcc" ] || { cell n/a; return; } ;;
	5) [ -n "$gcc" ] && [ -n "$make" ] || { cell n/a; return; } ;;
	esac
	echo "== workload $_w under: $*" >>"$log"
	if ! _o=$(workload "$_w" "$@" 2>>"$log") || ! isnum "$_o"; then
		cell fails
		return
	fi
	eval "t_${_k}_$_w=\$_o"
	eval "_base=\${t_native_$_w:-}"
	_t=$(awk -v s="$_o" 'BEGIN { if (s < 1) printf "%.0fms", s * 1000; else printf "%.2fs", s }')
	cell "$_t $(ratio "$_o" "$_base")"
}

real_row() { # KEY LABEL PREFIX... (KEY native: no PREFIX; first word empty: tool missing)
	_key=$1
	printf '%-40s' "$2"
	shift 2
	for _w in 1 2 3 4 5; do
		eval "t_${_key}_$_w="
		if [ $# -gt 0 ] && [ -z "$1" ]; then cell n/a; else real_cell "$_key" "$_w" "$@"; fi
	done
	echo
}

real_head() {
	printf '%-40s%18s%18s%18s%18s%18s\n' "" "find /usr/share" "tar /usr/include" \
		"python3 imports" "gcc -O2 -c" "make -j2 (4 cc)"
}

real_table() {
	echo "real programs (median wall time of $RUNS runs, x native)"
	real_head
	make_project
	# warm the page cache first: the native row must not pay for it
	_runs=$RUNS
	RUNS=1
	for _w in 1 2 3 4 5; do
		workload $_w >/dev/null 2>&1
	done
	RUNS=$_runs
	real_row native "native"
	real_row nop_all "tvisor-nop -- ($rw_default)" "$tvisor" --
	real_row nop_off "tvisor-nop --rewrite=off --" "$tvisor" --rewrite=off --
	real_row nop_open "tvisor-nop --syscalls openat" "$tvisor" --syscalls openat --
	real_row trace_all "tvisor-trace -f -o /dev/null" "$ttrace" -f -o /dev/null
	real_row trace_off "tvisor-trace --rewrite=off -f" "$ttrace" --rewrite=off -f -o /dev/null
	real_row trace_open "tvisor-trace -f -e trace=openat" \
		"$ttrace" -f -e trace=openat -o /dev/null
	real_row trace_yt "tvisor-trace -f -y -T -o /dev/null" "$ttrace" -f -y -T -o /dev/null
	real_row strace_all "strace -f -o /dev/null" "$strace" -f -o /dev/null
	real_row strace_yt "strace -f -y -T -o /dev/null" "$strace" -f -y -T -o /dev/null
	real_row strace_open "strace -f --seccomp-bpf -e trace=openat" \
		"$strace" -f --seccomp-bpf -e trace=openat -o /dev/null
	real_row proot "proot" "$proot"
	echo

	echo "tvisor against strace (the rows above: tvisor's time / strace's time)"
	real_head
	vs_row "tvisor-nop -- / strace -f" nop_all strace_all
	vs_row "tvisor-nop --rewrite=off / strace -f" nop_off strace_all
	vs_row "tvisor-trace -f / strace -f" trace_all strace_all
	vs_row "tvisor-trace --rewrite=off / strace -f" trace_off strace_all
	vs_row "tvisor-trace -f -y -T / strace -f -y -T" trace_yt strace_yt
	vs_row "tvisor-nop openat / strace bpf openat" nop_open strace_open
	vs_row "tvisor-trace openat / strace bpf openat" trace_open strace_open
	echo

	echo "sites rewritten / refused (trapped enough but no pattern or no atomic write), KiB of stubs"
	echo "(one run each; summed over the run's processes)"
	real_head
	_runs=$RUNS
	RUNS=1
	sites_row lazy
	sites_row eager
	RUNS=$_runs
	echo
}

# What the rewrite tier did in one run of each workload under tvisor-nop
# (lazy and eager): sites rewritten (summed over the processes), sites that
# trapped often enough but did not match or could not be written, and the
# stub pages.
sites_row() { # MODE
	printf '%-40s' "tvisor-nop --rewrite=$1"
	for _w in 1 2 3 4 5; do
		_f=$tmp/rwstats.$1.$_w
		rm -f "$_f"
		if [ -z "$tvisor" ] || ! workload "$_w" "$tvisor" --rewrite="$1" --rewrite-stats="$_f" -- \
			>/dev/null 2>>"$log" || [ ! -s "$_f" ]; then
			cell n/a
			continue
		fi
		cell "$(awk '{ w += $3; r += $6; k += $(NF-3) } END { printf "%d/%d, %dK", w, r, k }' "$_f")"
	done
	echo
}

vs_row() { # LABEL KEY BASE_KEY
	printf '%-40s' "$1"
	for _w in 1 2 3 4 5; do
		eval "_a=\${t_$2_$_w:-} _b=\${t_$3_$_w:-}"
		cell "$(ratio "$_a" "$_b")"
	done
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
	# A reinstall after the first run: unpack, fsync, configure, as dpkg
	# does for any package.
	4) "$timeit" "$RUNS" "$@" /usr/bin/dpkg -i /tvbench.deb ;;
	esac 2>>"$log"
}

# rootfs_deb DIR: a package of 200 small files, built into DIR/tvbench.deb
rootfs_deb() {
	_p=$tmp/tvbench-pkg
	mkdir -p "$_p/DEBIAN" "$_p/usr/share/tvbench" || return
	printf 'Package: tvbench\nVersion: 1.0\nArchitecture: all\nMaintainer: tvisor <tvisor@localhost>\nDescription: bench/run.sh: 200 small files\n' \
		>"$_p/DEBIAN/control" || return
	for _i in $(seq 200); do
		echo "file $_i" >"$_p/usr/share/tvbench/f$_i" || return
	done
	dpkg-deb -b "$_p" "$1/tvbench.deb" >/dev/null
}

rootfs_row() { # LABEL BASE|OTHER PREFIX...: BASE rows set the ratios' base
	printf '%-40s' "$1"
	_kind=$2
	shift 2
	for _w in 1 2 3 4; do
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
	# A copy, since dpkg -i writes to it.
	if ! cp -a "$root" "$tmp/root" || ! have dpkg-deb || ! rootfs_deb "$tmp/root"; then
		echo "(cannot copy $root or build a package in it: see $log)"
		echo
		return
	fi
	root=$tmp/root
	printf '%-40s%18s%18s%18s%18s\n' "" "dpkg -l" "find /usr -name" "python3 -c pass" \
		"dpkg -i 200 files"
	if [ "$(id -u)" = 0 ] && have chroot; then
		rootfs_row "chroot DIR (the kernel)" BASE chroot "$root" >/dev/null	# the page cache
		rootfs_row "chroot DIR (the kernel)" BASE chroot "$root"
	else
		rootfs_row "chroot DIR (the kernel)" BASE n/a
	fi
	for _fs in "--root" "-0 --root"; do
		if [ -n "$fs" ]; then
			rootfs_row "tvisor-fs $_fs DIR" OTHER "$fs" $_fs "$root" --
		else
			rootfs_row "tvisor-fs $_fs DIR" OTHER n/a
		fi
	done
	for _pr in "-r" "-0 -r"; do
		if [ -n "$proot" ]; then
			rootfs_row "proot $_pr DIR" OTHER "$proot" $_pr "$root"
		else
			rootfs_row "proot $_pr DIR" OTHER n/a
		fi
	done
	echo
}

header
# in this order, whatever the order in BENCH_ONLY
for _t in calls placement scaling memory real rootfs; do
	case ,$ONLY, in
	*,$_t,*) "${_t}_table" ;;
	esac
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "(n/a: tool missing; fails: non-zero exit, stderr in $log)"
