#!/bin/sh
# tvisor-trace -f against strace -f on real programs (issue 13): cat, ls -l,
# cp, sort, tar, find, stat, dd, date, python3, busybox sh and a threaded
# program, each run under both
# tracers with the same environment.  After masking what differs from run
# to run (pids, addresses, random bytes, the machine's counters), the full
# decoded lines must agree: at least 95% of strace's lines, over all the
# programs, are equal, in order, to tvisor-trace's, and every line that is
# not must match one of the known differences below, each with its reason,
# or stand elsewhere on the other side (a signal and a call in the other
# order, as the threads were scheduled).
# A difference nobody listed is a FAIL, with the lines.
# Usage: tests/t-trace-real.sh SRCDIR BUILDDIR; prints PASS:/FAIL:/SKIP: lines.
set -u
src=$1 build=$2
tool=$build/tvisor-trace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$tool" ]; then
	echo "FAIL: trace-real (no $tool)"
	exit 1
fi
if ! command -v strace >/dev/null 2>&1 || ! strace -o /dev/null true >/dev/null 2>&1; then
	echo "SKIP: trace-real (strace is missing or cannot trace here)"
	exit 0
fi

# The known differences: an extended regex on a masked line (either side)
# and why it differs.
known="$tmp/known"
cat >"$known" <<'EOF'
^futex\(	a futex wait (pthread_join, a lock) happens or not as the threads were scheduled, natively too
^munmap\(0xX, [0-9]+\) = 0$	arm64: the dynamic loader maps a library with room to align it to 64 KiB and unmaps the slack on each side, whose sizes depend on where the kernel put the mapping (ASLR), natively too: four runs of strace in the VM unmapped 40960+20592, 4096+57456, 53248+8304 and 24576+36976 bytes
EOF
# Each regex anchored after the side's name that diff puts first.
cut -f1 "$known" | sed -E 's/^\^/^(strace|tvisor): /' >"$tmp/known.re"

# One program's lines: the pid leader goes, "<unfinished ...>" and its
# "<... resumed>" are joined again (each thread's lines in order, threads
# in the order they first appear), strace's first execve goes (the
# monitor loads the program itself), and what varies is masked.
lines() {
	awk -f "$src/tests/trace-join.awk" "$1" | sed -E '1{/^execve\(/d;}' | sed -E '
		s/0x[0-9a-f]+/0xX/g; s/\\x[0-9a-f]{2}/\\xNN/g; s/ +=  ?/ = /
		s/^(set_tid_address|getpid|gettid|getppid)\(([^)]*)\) = [0-9]+/\1(\2) = N/
		s/^(clone3?|vfork|fork)(.*) = [0-9]+$/\1\2 = N/
		s/\[[0-9]+\]\}/[N]}/g; s/parent_tid=\[[0-9]+\]/parent_tid=[N]/g
		s/^sysinfo\(\{.*\}\)/sysinfo({...})/
		s/f_(bfree|bavail|ffree)=[0-9]+/f_\1=N/g
		s/si_pid=[0-9]+/si_pid=N/; s/si_(utime|stime)=[0-9]+( \/\* [0-9.]+ s \*\/)?/si_\1=N/g
		s/^(wait4\(-1, .*\)) = [0-9]+$/\1 = N/
		s/^(rt_sigreturn\(.*\)) = [0-9]+$/\1 = N/'
}

# The differing lines (diff's "strace: " and "tvisor: " lines) that are
# neither a known difference nor a line the other side has elsewhere (a
# signal that came before a call here and after it there, as the
# scheduler ran them: natively too).
unexplained() {
	grep -v -E -f "$tmp/known.re" "$1" | awk '
	{ side = substr($0, 1, 8); text = substr($0, 9); line[NR] = $0; s[NR] = side; t[NR] = text
	  n[side, text]++ }
	END {
		for (i = 1; i <= NR; i++) {
			other = s[i] == "strace: " ? "tvisor: " : "strace: "
			if (n[other, t[i]] > 0) { n[other, t[i]]--; continue }
			print line[i]
		}
	}'
}

# The same environment, and no terminal on stdin (a program asks a
# terminal more than it asks /dev/null).
run() {
	env -i PATH=/usr/bin:/bin LC_ALL=C HOME=/ "$@" </dev/null
}

# The same directory for each run: a file "in" to read.
workdir() {
	rm -rf "$tmp/w" && mkdir "$tmp/w" && echo 'a line' >"$tmp/w/in"
}

total=0 equal=0 ran=0
# prog NAME COMMAND...: one program under both tracers.
prog() {
	name=$1
	shift
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "SKIP: trace-real/$name ($1 is not installed)"
		return
	fi
	# A first run of its own, for what a program leaves behind the first
	# time (python3's __pycache__ where /usr is writable).
	workdir
	(cd "$tmp/w" && run "$@" >/dev/null 2>&1)
	workdir
	(cd "$tmp/w" && run strace -f -o "$tmp/s.$name" "$@" >"$tmp/s.out" 2>&1)
	workdir
	(cd "$tmp/w" && run "$tool" -f -o "$tmp/t.$name" -- "$@" >"$tmp/t.out" 2>&1)
	lines "$tmp/s.$name" >"$tmp/s.n"
	lines "$tmp/t.$name" >"$tmp/t.n"
	n=$(wc -l <"$tmp/s.n")
	# Each differing line, with the side it is on (a unified diff without
	# context: busybox's diff, in the arm64 VM, has no other kind).
	diff -U0 "$tmp/s.n" "$tmp/t.n" >"$tmp/u"
	st=$?
	sed -n -e '/^--- /d' -e '/^+++ /d' -e 's/^-/strace: /p' -e 's/^+/tvisor: /p' "$tmp/u" >"$tmp/d"
	same=$((n - $(grep -c '^strace: ' "$tmp/d")))
	unexplained "$tmp/d" >"$tmp/unknown"
	ran=$((ran + 1)) total=$((total + n)) equal=$((equal + same))
	if [ $st -gt 1 ]; then
		echo "FAIL: trace-real/$name (diff failed)"
		head -n 3 "$tmp/u" | sed 's/^/    /'
	elif [ "$n" -lt 10 ] || ! cmp -s "$tmp/s.out" "$tmp/t.out"; then
		diff "$tmp/s.out" "$tmp/t.out" >"$tmp/od"
		echo "FAIL: trace-real/$name (strace recorded $n lines, or the program's output differs)"
		head -n 8 "$tmp/od" | sed 's/^/    /'
	elif [ -s "$tmp/unknown" ]; then
		echo "FAIL: trace-real/$name ($same of $n lines equal; differences not listed:)"
		head -n 12 "$tmp/unknown" | cut -c1-200 | sed 's/^/    /'
	else
		echo "PASS: trace-real/$name ($same of $n lines equal, the rest known)"
	fi
}

prog cat cat in
prog ls-l ls -l /usr
prog cp cp in out
prog sort sort -r in /etc/passwd
prog tar tar -cf out.tar in /etc/hostname
prog find find /usr/share/doc/coreutils /etc/apt -maxdepth 1
prog stat stat -c '%n %F %h %u %s' / in /dev/null
prog dd dd if=/dev/zero of=out bs=4k count=16 status=none
prog date date -u -d @0
prog python3 python3 -I -S -c 'import os; print(sorted(os.listdir("/"))[:2])'
prog busybox-sh busybox sh -c 'echo hi; ls / >/dev/null; cat in'
# A threaded guest: tests/guests/trace-threads.c (pthread_join returns
# when the kernel has ended the thread; Python's join returns before the
# thread's last calls, which then race with exit_group, natively too).
prog threads "$build/guests/trace-threads"

if [ $ran = 0 ]; then
	echo "SKIP: trace-real/total (none of the programs is installed)"
elif [ $((equal * 100)) -ge $((total * 95)) ]; then
	echo "PASS: trace-real/total ($equal of $total lines equal: $((equal * 100 / total))%, at least 95%)"
else
	echo "FAIL: trace-real/total ($equal of $total lines equal: $((equal * 100 / total))%, below 95%)"
fi
