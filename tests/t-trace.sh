#!/bin/sh
# tvisor-trace against strace: the same static guests run under both, and
# the calls they record must agree -- by name, and line by line once the
# values that differ from run to run are masked (addresses, pids, random
# bytes).  Then -o, -e trace=, -c, -s, errno texts, -f with a blocking
# call, -t, the exit status, the guard on the tool's own descriptors,
# execve (the trace and the -c counts go on in the new image), fork and
# vfork children under -f, -c and -c -f, and the
# "--- SIG" / "+++ killed by" lines of signals; then each strace option
# that adds to a line or chooses lines (-T -r -n -z -Z -e status= -x -xx
# -y -yy -e signal= -e quiet= --always-show-pid), the same program under
# both tracers; -ff -o PREFIX against strace's files; -e inject= and -e fault=; -o on a full device; -p; --help.
# Usage: tests/t-trace.sh SRCDIR BUILDDIR; prints PASS:/FAIL:/SKIP: lines.
set -u
src=$1 build=$2
tool=$build/tvisor-trace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$tool" ]; then
	echo "FAIL: built ($tool is missing)"
	exit 1
fi

# The guests (tests/guests/trace-*.c, built static by make) start their
# own calls right at their entry point, under strace as under the monitor,
# with no dynamic loader whose search for libraries could differ.
guests="write file mmap misc str threads fdguard exec signals fork uring"
for g in $guests; do
	if [ ! -x "$build/guests/trace-$g" ]; then
		echo "FAIL: guests ($build/guests/trace-$g is not built)"
		exit 1
	fi
	cp "$build/guests/trace-$g" "$tmp/trace-$g"
done
mkdir "$tmp/dir"
cd "$tmp" || exit 1

# Both tracers see the same environment and the same cwd.
run() {
	env -i PATH=/usr/bin:/bin LC_ALL=C "$@"
}

have_strace=0
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true >/dev/null 2>&1; then
	have_strace=1
fi

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1 ($2)"
	if [ $# -ge 3 ] && [ -s "$3" ]; then
		head -n 12 "$3" | cut -c1-160 | sed 's/^/    /'
	fi
}

# The text of the call lines: the pid leader ("123  " with -o, "[pid
# 123] " on stderr) goes, and so do "+++ exited" and "--- SIG" notes.
calls() {
	sed -E 's/^(\[pid +[0-9]+\] |[0-9]+ +)//' "$1" | grep -v -e '^+++' -e '^---'
}

# Call names, one a line; a call cut by another thread's line counts
# once, at its "<unfinished ...>" part.
names() {
	calls "$1" | grep -v '^<\.\.\. ' | sed -E 's/\(.*//'
}

# Lines with what varies between runs masked: addresses, random bytes,
# the pid in results, and the padding before "=" that depends on them.
norm() {
	calls "$1" | sed -E 's/0x[0-9a-f]+/0xX/g; s/\\x[0-9a-f]{2}/\\xNN/g; s/ +=  ?/ = /;
		s/^(set_tid_address|getpid|gettid|getppid)\(([^)]*)\) = [0-9]+/\1(\2) = N/'
}

# strace sees the execve that starts the program, the monitor does not:
# it is the loader itself, so the first call it sees is the program's own
# first one.  Drop strace's leading execve; both lists then start with the
# program's first call and must agree from there to the end.
drop_execve() {
	sed -E '1{/^execve(\(|$)/d;}'
}

same() {	# same NAME EXPECTED GOT
	if cmp -s "$2" "$3"; then
		pass "$1"
	else
		diff "$2" "$3" >"$tmp/diff"
		fail "$1" "differs from strace" "$tmp/diff"
	fi
}

# --- the differential test --------------------------------------------------
for g in write file mmap misc uring; do
	arg=
	[ "$g" = file ] && arg=$tmp/dir
	if [ $have_strace = 0 ]; then
		echo "SKIP: names-$g (strace is missing or cannot trace here)"
		continue
	fi
	run strace -f -qq -o "$tmp/s.$g" "./trace-$g" $arg >"$tmp/s.$g.out" 2>"$tmp/s.$g.err"
	run "$tool" -f -o "$tmp/t.$g" -- "./trace-$g" $arg >"$tmp/t.$g.out" 2>"$tmp/t.$g.err"
	names "$tmp/s.$g" | drop_execve >"$tmp/sn.$g"
	names "$tmp/t.$g" >"$tmp/tn.$g"
	if [ ! -s "$tmp/tn.$g" ]; then
		fail "names-$g" "tvisor-trace recorded nothing"
		continue
	fi
	same "names-$g" "$tmp/sn.$g" "$tmp/tn.$g"
	norm "$tmp/s.$g" | drop_execve >"$tmp/sl.$g"
	norm "$tmp/t.$g" >"$tmp/tl.$g"
	same "lines-$g" "$tmp/sl.$g" "$tmp/tl.$g"
done

# --- signals: "--- SIGUSR1 {...} ---" and "+++ killed by SIGTERM +++" as strace --
# prints them (pids masked), and the same death.  No core files: strace says
# "(core dumped)" from the wait status, the tool from RLIMIT_CORE.
# The child's CPU times in a SIGCHLD are the scheduler's, and so is
# the "/* 0.01 s */" after one that is not 0: masked too.
notes() {
	sed -E 's/^(\[pid +[0-9]+\] |[0-9]+ +)//' "$1" | grep -e '^+++' -e '^---' |
		sed -E 's/si_pid=[0-9]+/si_pid=N/; s/si_([us])time=[0-9]+( \/\* [0-9.]+ s \*\/)?/si_\1time=T/g'
}
for how in handled TERM SEGV; do
	if [ $have_strace = 0 ]; then
		echo "SKIP: signals-$how (strace is missing or cannot trace here)"
		continue
	fi
	(ulimit -c 0; run strace -f -qq -o "$tmp/ss.$how" ./trace-signals $how >/dev/null 2>&1)
	s_rc=$?
	(ulimit -c 0; run "$tool" -f -qq -o "$tmp/ts.$how" -- ./trace-signals $how >/dev/null 2>&1)
	t_rc=$?
	notes "$tmp/ss.$how" >"$tmp/sn.$how"
	notes "$tmp/ts.$how" >"$tmp/tn.$how"
	if [ $s_rc -ne $t_rc ] || [ ! -s "$tmp/sn.$how" ]; then
		fail "signals-$how" "status $t_rc, strace's $s_rc" "$tmp/ts.$how"
	else
		same "signals-$how" "$tmp/sn.$how" "$tmp/tn.$how"
	fi
done

# --- -o: the trace in FILE, the program's own output untouched ------------------
run "./trace-write" >"$tmp/n.out" 2>"$tmp/n.err"
run "$tool" -o "$tmp/o.trace" -- ./trace-write >"$tmp/o.out" 2>"$tmp/o.err"
if cmp -s "$tmp/n.out" "$tmp/o.out" && cmp -s "$tmp/n.err" "$tmp/o.err" &&
	grep -q '^write(1, "hello, world\\n", 13) *= 13$' "$tmp/o.trace" &&
	grep -q '^exit_group(0) *= ?$' "$tmp/o.trace"; then
	pass "output-file"
else
	fail "output-file" "stdout/stderr changed or trace incomplete" "$tmp/o.err"
fi
run "$tool" -- ./trace-write >/dev/null 2>"$tmp/e.err"
if grep -q '^to stderr$' "$tmp/e.err" && grep -q '^write(2, "to stderr\\n", 10) *= 10$' "$tmp/e.err" &&
	grep -q '^+++ exited with 0 +++$' "$tmp/e.err"; then
	pass "output-stderr"
else
	fail "output-stderr" "trace lines missing on stderr" "$tmp/e.err"
fi
run "$tool" -o "$tmp/nodir/x" -- ./trace-write >/dev/null 2>"$tmp/bad.err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'cannot open' "$tmp/bad.err"; then
	pass "output-file-error"
else
	fail "output-file-error" "status $rc" "$tmp/bad.err"
fi

# --- strings, escapes, errno -------------------------------------------------------
# (aarch64 has only the *at forms: faccessat, mkdirat, renameat.)
run "$tool" -s 64 -- ./trace-write >/dev/null 2>"$tmp/esc"
if grep -q '^write(1, "tab\\there \\"quoted\\" back\\\\slash \\33\[1mbold\\33\[0m \\0017\\n", 45) *= 45$' \
	"$tmp/esc" && grep -q '^write(1, "\\0\\1\\2\\377\\n", 5) *= 5$' "$tmp/esc"; then
	pass "escapes"
else
	fail "escapes" "strace's quoting not followed" "$tmp/esc"
fi
run "$tool" -s 10 -- ./trace-str >/dev/null 2>"$tmp/s10.err"
if grep -q '^write(1, "aaaaaaaaaa"\.\.\., 101) *= 101$' "$tmp/s10.err" &&
	grep -Eq '^(access\(|faccessat\(AT_FDCWD, )"/p{78}", F_OK\) *= -1 ENOENT \(No such file or directory\)$' \
		"$tmp/s10.err"; then
	pass "string-limit"
else
	fail "string-limit" "-s 10 not applied to data, or applied to paths" "$tmp/s10.err"
fi
run "$tool" -- ./trace-str >/dev/null 2>"$tmp/s32.err"
if grep -q '^write(1, "a\{32\}"\.\.\., 101) *= 101$' "$tmp/s32.err"; then
	pass "string-limit-default"
else
	fail "string-limit-default" "32 bytes by default" "$tmp/s32.err"
fi
run "$tool" -o "$tmp/err.trace" -- ./trace-file "$tmp/dir" >/dev/null 2>&1
if grep -q '^openat(AT_FDCWD, "/nonexistent/trace-test", O_RDONLY) *= -1 ENOENT (No such file or directory)$' "$tmp/err.trace" &&
	grep -q '^close(-1) *= -1 EBADF (Bad file descriptor)$' "$tmp/err.trace" &&
	grep -Eq '^(mkdir\(|mkdirat\(AT_FDCWD, )".*", 0755\) *= -1 EEXIST \(File exists\)$' "$tmp/err.trace" &&
	grep -Eq '^(rename\(|renameat2?\(AT_FDCWD, )".*", (AT_FDCWD, )?"/nonexistent/trace-test"(, 0)?\) *= -1 ENOENT \(No such file or directory\)$' \
		"$tmp/err.trace"; then
	pass "errno"
else
	fail "errno" "error results not shown as strace shows them" "$tmp/err.trace"
fi

# --- -e trace= ---------------------------------------------------------------------
run "$tool" -e trace=openat -o "$tmp/eo" -- ./trace-file "$tmp/dir" >/dev/null 2>&1
if [ -s "$tmp/eo" ] && [ "$(names "$tmp/eo" | sort -u)" = openat ]; then
	pass "trace-set-only"
else
	fail "trace-set-only" "calls other than openat" "$tmp/eo"
fi
if [ $have_strace = 1 ]; then
	for spec in trace=openat 'trace=%memory' 'trace=!%file' 'trace=write,close,%signal'; do
		case $spec in *memory*) g=mmap; arg= ;; *signal*) g=misc; arg= ;; *) g=file; arg=$tmp/dir ;; esac
		run strace -f -qq -e "$spec" -o "$tmp/se" "./trace-$g" $arg >/dev/null 2>&1
		run "$tool" -f -e "$spec" -o "$tmp/te" -- "./trace-$g" $arg >/dev/null 2>&1
		norm "$tmp/se" | drop_execve >"$tmp/se.n"
		norm "$tmp/te" >"$tmp/te.n"
		same "trace-set-$spec" "$tmp/se.n" "$tmp/te.n"
	done
else
	echo "SKIP: trace-set-strace (no strace)"
fi
run "$tool" -e trace=no_such_call -- ./trace-write >/dev/null 2>"$tmp/u.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "invalid system call 'no_such_call'" "$tmp/u.err"; then
	pass "trace-set-unknown"
else
	fail "trace-set-unknown" "status $rc, want 2" "$tmp/u.err"
fi

# --- -c: the counts agree with strace's ----------------------------------------------
# "name calls errors" of each row of a -c table, execve left out.
table() {
	awk '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" && $NF != "execve" {
		print $NF, $4, (NF == 6 ? $5 : 0) }' "$1" | sort
}
run "$tool" -c -o "$tmp/c" -- ./trace-file "$tmp/dir" >/dev/null 2>&1
if [ $have_strace = 1 ]; then
	run strace -c -o "$tmp/sc" ./trace-file "$tmp/dir" >/dev/null 2>&1
	table "$tmp/sc" >"$tmp/sc.t"
	table "$tmp/c" >"$tmp/c.t"
	same "summary-counts" "$tmp/sc.t" "$tmp/c.t"
fi
if head -n 2 "$tmp/c" | tail -n 1 | grep -q '^------ ----------- ----------- --------- --------- -\{16,\}$' &&
	grep -q '^100\.00 .* total$' "$tmp/c" && ! grep -q '^openat(' "$tmp/c"; then
	pass "summary-format"
else
	fail "summary-format" "not strace's table" "$tmp/c"
fi
run "$tool" -C -o "$tmp/cc" -- ./trace-file "$tmp/dir" >/dev/null 2>&1
if grep -q '^openat(' "$tmp/cc" && grep -q ' total$' "$tmp/cc"; then
	pass "summary-and-trace"
else
	fail "summary-and-trace" "-C wants both" "$tmp/cc"
fi

# --- -f: a call blocked while another thread runs ------------------------------------
# (The resumed line has no [pid N] when the other thread has already
# exited, as with strace: only one thread is left to tell apart.)
run "$tool" -f -- ./trace-threads >/dev/null 2>"$tmp/f.err"
if grep -q '^\[pid  *[0-9]*\] read(3,  <unfinished \.\.\.>$' "$tmp/f.err" &&
	grep -Eq '^(\[pid +[0-9]+\] )?<\.\.\. read resumed>"x", 1\) *= 1$' "$tmp/f.err" &&
	grep -q '^\[pid  *[0-9]*\] getppid() *= [0-9]*$' "$tmp/f.err" &&
	grep -q '^\[pid  *[0-9]*\] exit(0) *= ?$' "$tmp/f.err"; then
	pass "follow-unfinished"
else
	fail "follow-unfinished" "no <unfinished ...>/<... resumed> pair" "$tmp/f.err"
fi
run "$tool" -- ./trace-threads >/dev/null 2>"$tmp/nf.err"
if grep -q '^read(3, "x", 1) *= 1$' "$tmp/nf.err" && ! grep -q 'getppid\|\[pid' "$tmp/nf.err"; then
	pass "no-follow"
else
	fail "no-follow" "without -f only the first thread is traced" "$tmp/nf.err"
fi

# --- -t, -tt, -ttt ---------------------------------------------------------------------
run "$tool" -t -- ./trace-write >/dev/null 2>"$tmp/t1"
run "$tool" -tt -- ./trace-write >/dev/null 2>"$tmp/t2"
run "$tool" -ttt -- ./trace-write >/dev/null 2>"$tmp/t3"
if grep -q '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] write(1, "hello' "$tmp/t1" &&
	grep -q '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]\{6\} write(1, "hello' "$tmp/t2" &&
	grep -q '^[0-9]\{10,\}\.[0-9]\{6\} write(1, "hello' "$tmp/t3"; then
	pass "timestamps"
else
	fail "timestamps" "no time of day" "$tmp/t1"
fi

# --- the exit status, and the tool's own descriptors ---------------------------------------
run "$tool" -o "$tmp/x" -- ./trace-file >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q '^exit_group(2) *= ?$' "$tmp/x" && grep -q '^+++ exited with 2 +++$' "$tmp/x"; then
	pass "exit-status"
else
	fail "exit-status" "status $rc, want 2" "$tmp/x"
fi
run "$tool" -o "$tmp/g" -- ./trace-fdguard >"$tmp/g.out" 2>&1
if grep -q '^still traced$' "$tmp/g.out" && grep -q '^write(1, "still traced\\n", 13) *= 13$' "$tmp/g" &&
	grep -q '^exit_group(0) *= ?$' "$tmp/g"; then
	pass "fd-guard"
else
	fail "fd-guard" "closing or dup2()ing every descriptor lost the trace" "$tmp/g"
fi

# --- execve: the monitor runs again; the trace goes on in the same file ------------------
run "$tool" -o "$tmp/x1" -- ./trace-exec >"$tmp/x1.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^after$' "$tmp/x1.out" &&
	grep -q '^write(1, "before\\n", 7) *= 7$' "$tmp/x1" &&
	grep -q '^execve("/nonexistent/trace-exec", \["none"\], 0x[0-9a-f]* /\* 1 var \*/) *= -1 ENOENT (No such file or directory)$' "$tmp/x1" &&
	grep -q '^execve("\./trace-exec", \["\./trace-exec", "again"\], NULL) *= 0$' "$tmp/x1" &&
	grep -q '^write(1, "after\\n", 6) *= 6$' "$tmp/x1" && [ "$(grep -c '^+++ exited' "$tmp/x1")" = 1 ]; then
	pass "execve"
else
	fail "execve" "status $rc; the trace does not go on after execve" "$tmp/x1"
fi
run "$tool" -c -o "$tmp/x2" -- ./trace-exec >/dev/null 2>&1
if [ "$(table "$tmp/x2" | grep '^write ')" = "write 2 0" ] &&
	awk '$NF == "execve" && $4 == 2 && $5 == 1 { ok = 1 } END { exit !ok }' "$tmp/x2"; then
	pass "execve-summary"
else
	fail "execve-summary" "-c counts lost across execve" "$tmp/x2"
fi

# --- fork and vfork children ------------------------------------------------------
# Each process's lines in order, the processes in the order they first
# appear, their pids named P1, P2, ... wherever they stand (the lines of
# two processes interleave as the scheduler ran them, not as the tracer
# wrote them): a call cut by another process's line is joined again, and
# the "--- SIGCHLD" lines go (the tool shows no signal whose default
# action is to ignore it, see the man page).  Addresses are masked first,
# so that no pid is found inside one.  strace's first execve goes.
byproc() {
	sed -E 's/0x[0-9a-f]+/0xX/g; s/\\x[0-9a-f]{2}/\\xNN/g' "$1" |
		awk -v rename=1 -v nosig=1 -f "$src/tests/trace-join.awk" | sed -E '1{/^P1 execve\(/d;}'
}
if [ $have_strace = 1 ]; then
	run strace -f -o "$tmp/sk" ./trace-fork >/dev/null 2>&1
	run "$tool" -f -o "$tmp/tk" -- ./trace-fork >/dev/null 2>&1
	byproc "$tmp/sk" >"$tmp/sk.n"
	byproc "$tmp/tk" >"$tmp/tk.n"
	if grep -q '^P2 +++ exited with 3 +++$' "$tmp/tk.n"; then
		same fork-follow "$tmp/sk.n" "$tmp/tk.n"
	else
		fail fork-follow "the child's exit is not its own" "$tmp/tk"
	fi
	# Without -f only the first process: no line, "+++" or table of the
	# children, nor of the programs they execute.
	run strace -o "$tmp/sk1" ./trace-fork >/dev/null 2>&1
	run "$tool" -o "$tmp/tk1" -- ./trace-fork >/dev/null 2>&1
	kids='s/^(clone|vfork|wait4)(.*) = [0-9]+$/\1\2 = N/; s/^wait4\([0-9]+/wait4(N/'
	norm "$tmp/sk1" | drop_execve | sed -E "$kids" >"$tmp/sk1.n"
	norm "$tmp/tk1" | sed -E "$kids" >"$tmp/tk1.n"
	if [ "$(grep -c '^+++' "$tmp/tk1")" = 1 ]; then
		same fork-no-follow "$tmp/sk1.n" "$tmp/tk1.n"
	else
		fail fork-no-follow "a child's +++ line" "$tmp/tk1"
	fi
	# -c: one table, of the first process's calls; -c -f: one table of
	# every process's.
	for f in "" -f; do
		name=fork-summary$f
		run strace -c $f -o "$tmp/skc" ./trace-fork >/dev/null 2>&1
		run "$tool" -c $f -o "$tmp/tkc" -- ./trace-fork >/dev/null 2>&1
		table "$tmp/skc" >"$tmp/skc.t"
		table "$tmp/tkc" >"$tmp/tkc.t"
		if [ "$(grep -c ' total$' "$tmp/tkc")" = 1 ]; then
			same "$name" "$tmp/skc.t" "$tmp/tkc.t"
		else
			fail "$name" "not one table" "$tmp/tkc"
		fi
	done
else
	echo "SKIP: fork (no strace)"
fi

# --- a child that SIGKILL ends: its "+++ killed by SIGKILL +++" line (from
# the parent that reaps it, before the wait's line), as strace has one.
if [ $have_strace = 1 ]; then
	kcmd='sleep 10 & kill -9 $!; wait'
	run strace -f -o "$tmp/ks" /bin/sh -c "$kcmd" >/dev/null 2>&1
	run "$tool" -f -o "$tmp/kt" -- /bin/sh -c "$kcmd" >/dev/null 2>&1
	killed() {	# the pid of kill(PID, SIGKILL), and whether it has the line
		pid=$(sed -n 's/^[0-9]* *kill(\([0-9]*\), SIGKILL.*/\1/p' "$1")
		[ -n "$pid" ] && grep -q "^$pid  *+++ killed by SIGKILL +++\$" "$1" && echo yes
	}
	if [ "$(killed "$tmp/ks")" = yes ] && [ "$(killed "$tmp/kt")" = yes ]; then
		pass sigkill-child
	else
		fail sigkill-child "no +++ killed by SIGKILL +++ line for the child" "$tmp/kt"
	fi
else
	echo "SKIP: sigkill-child (no strace)"
fi

# --- -ff -o PREFIX: a file per thread, PREFIX.TID, lines without leader ------
# Each file's lines, the files in pid order (the order the threads were
# made), are compared as byproc compares one file of -f: with the pids
# named P1, P2, ...  No file PREFIX itself, and as many files as strace's.
ffcat() {	# ffcat DIR: "TID line" for every line of DIR/out.TID
	for f in $(ls "$1" | sort -t. -k2 -n); do
		sed "s/^/${f#out.} /" "$1/$f"
	done
}
# Masked, as in the -f tests: the parent's pid (strace is the guest's
# parent there); clone3's "=> {parent_tid=[P2]}", which the tool does not
# decode yet; and pthread_join's futex wait, which the thread's exit may
# make needless (natively too).
ffmask='s/^(P[0-9]+ getppid\(\)) = [0-9]+$/\1 = N/; s/} => \{parent_tid=\[P[0-9]+\]\}, /}, /; /^P1 futex\(/d'
if [ $have_strace = 1 ]; then
	for g in fork threads; do
		rm -rf "$tmp/sff" "$tmp/tff"
		mkdir "$tmp/sff" "$tmp/tff"
		(cd "$tmp/sff" && run strace -ff -o out "$tmp/trace-$g" >/dev/null 2>&1)
		(cd "$tmp/tff" && run "$tool" -ff -o out -- "$tmp/trace-$g" >/dev/null 2>&1)
		ffcat "$tmp/sff" | byproc /dev/stdin | sed -E "$ffmask" >"$tmp/sff.n"
		ffcat "$tmp/tff" | byproc /dev/stdin | sed -E "$ffmask" >"$tmp/tff.n"
		ns=$(ls "$tmp/sff" | wc -l) nt=$(ls "$tmp/tff" | grep -c '^out\.[0-9][0-9]*$')
		if [ "$ns" != "$nt" ] || [ "$(ls "$tmp/tff" | wc -l)" != "$nt" ]; then
			ls "$tmp/sff" "$tmp/tff" >"$tmp/diff"
			fail "ff-$g" "files: strace made $ns, tvisor-trace $(ls "$tmp/tff" | tr '\n' ' ')" "$tmp/diff"
		else
			same "ff-$g" "$tmp/sff.n" "$tmp/tff.n"
		fi
	done
	# A relative PREFIX is where the tracer started, whatever the program's
	# cwd when it writes, also after an execve there.
	rm -rf "$tmp/tff" && mkdir "$tmp/tff"
	(cd "$tmp/tff" && run "$tool" -ff -o out -- /bin/sh -c 'cd /; exec ./bin/true' 2>"$tmp/ff.err")
	if [ "$(ls "$tmp/tff")" = "$(ls "$tmp/tff" | grep -x 'out\.[0-9]*')" ] &&
	   grep -q '^chdir("/")' "$tmp/tff"/out.* && grep -q '^exit_group(0)' "$tmp/tff"/out.* &&
	   [ -z "$(ls / | grep "^out\.")" ] && [ ! -s "$tmp/ff.err" ]; then
		pass ff-cwd
	else
		ls "$tmp/tff" >"$tmp/diff"; cat "$tmp/ff.err" >>"$tmp/diff"
		fail ff-cwd "the program's chdir moved the files" "$tmp/diff"
	fi
	# -c with -ff: strace's error.  The status is each tool's for a usage
	# error: strace's 1, the monitor's 2 (tvisor.3).
	run strace -ff -c -o "$tmp/ffc-out" true >/dev/null 2>"$tmp/sffc.err"; ss=$?
	run "$tool" -ff -c -o "$tmp/ffc-out" -- true >/dev/null 2>"$tmp/tffc.err"; ts=$?
	sed -n '1s/^strace: //p' "$tmp/sffc.err" >"$tmp/sffc"
	sed -n '1s/^tvisor-trace: //p' "$tmp/tffc.err" >"$tmp/tffc"
	if [ $ss = 1 ] && [ $ts = 2 ] && [ -z "$(ls "$tmp" | grep ffc-out)" ] && [ -s "$tmp/tffc" ]; then
		same ff-summary "$tmp/sffc" "$tmp/tffc"
	else
		fail ff-summary "exit status $ts (strace's $ss), or a file made" "$tmp/tffc.err"
	fi
else
	echo "SKIP: ff (no strace)"
fi

# --- strace's options, each against strace on the same program ---------------
# flagcmp NAME MASK GUEST ARG -- OPTIONS...: both tracers run GUEST with
# OPTIONS; MASK (a sed program) turns what varies in what the option adds
# (times, inodes) into fixed text, and moves a leader to the line's end,
# where norm() and drop_execve leave it alone.  Were the option ignored,
# the lines would lack what strace's have.
flagcmp() {
	name=$1 mask=$2 g=$3 arg=$4
	shift 5
	if [ $have_strace = 0 ]; then
		echo "SKIP: $name (strace is missing or cannot trace here)"
		return
	fi
	run strace "$@" -o "$tmp/fs.$name" "./trace-$g" $arg >/dev/null 2>&1
	run "$tool" "$@" -o "$tmp/ft.$name" -- "./trace-$g" $arg >/dev/null 2>&1
	sed -E "$mask" "$tmp/fs.$name" >"$tmp/fs.$name.m"
	sed -E "$mask" "$tmp/ft.$name" >"$tmp/ft.$name.m"
	norm "$tmp/fs.$name.m" | drop_execve >"$tmp/fs.$name.n"
	norm "$tmp/ft.$name.m" >"$tmp/ft.$name.n"
	if [ ! -s "$tmp/ft.$name.n" ]; then
		fail "$name" "tvisor-trace recorded nothing" "$tmp/ft.$name"
		return
	fi
	same "$name" "$tmp/fs.$name.n" "$tmp/ft.$name.n"
}
d=$tmp/dir
# -T: " <0.000012>" after the result, with a precision; -r: the time since
# the line before, "(+ ...)" after -t; -n: "[ 257] " before the name.
# -X: constants of the arguments as numbers, and names in comments; not
# inside structures and arrays, whose lines go.
for g in file mmap misc; do
	flagcmp "xlat-raw-$g" '/[{[]/d' $g "$([ $g = file ] && echo "$d")" -- -X raw
	flagcmp "xlat-verbose-$g" '/[{[]/d' $g "$([ $g = file ] && echo "$d")" -- -X verbose
done
# (strace 6.1 has no --xlat-style: the same as -X.)
run "$tool" -X verbose -o "$tmp/xv1" -- ./trace-misc >/dev/null 2>&1
run "$tool" --xlat-style=verbose -o "$tmp/xv2" -- ./trace-misc >/dev/null 2>&1
norm "$tmp/xv1" >"$tmp/xv1.n"
norm "$tmp/xv2" >"$tmp/xv2.n"
if grep -q ' /\* ' "$tmp/xv2.n"; then
	same xlat-style-long "$tmp/xv1.n" "$tmp/xv2.n"
else
	fail xlat-style-long "no /* NAME */ comment" "$tmp/xv2"
fi
# -v: stat structures in full (their times and inode numbers masked: the
# guest makes its files anew in each run) and the environment of execve.
vmask='s/(st_[amc]time)=[0-9]+ \/\* [^*]* \*\/, (st_[amc]time_nsec)=[0-9]+/\1=T, \2=N/g
	s/(stx_[abcm]time)=\{tv_sec=[0-9]+, tv_nsec=[0-9]+\} \/\* [^*]* \*\//\1=T/g
	s/(st_ino|stx_ino)=[0-9]+/\1=I/g'
flagcmp no-abbrev-file "$vmask" file "$d" -- -v
flagcmp no-abbrev-exec "$vmask" exec "" -- -v -f
flagcmp syscall-times 's/ <[0-9]+\.[0-9]{6}>$/ @T/' file "$d" -- -T
flagcmp syscall-times-ms 's/ <[0-9]+\.[0-9]{3}>$/ @T/' file "$d" -- --syscall-times=ms
flagcmp relative-timestamps 's/^ +[0-9]+\.[0-9]{6} (.*)/\1 @R/' file "$d" -- -r
flagcmp relative-absolute 's/^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] \(\+ +[0-9]+\.[0-9]{6}\) (.*)/\1 @TR/' \
	write "" -- -t -r
flagcmp syscall-number 's/^\[ *([0-9]+)\] (.*)/\2 @\1/' misc "" -- -n
# -z, -Z, -e status=: which lines are shown.
flagcmp successful-only '' file "$d" -- -z
flagcmp failed-only '' file "$d" -- -Z
flagcmp status-failed-unfinished '' file "$d" -- -e status=failed,unfinished
flagcmp status-not-failed '' misc "" -- -e 'status=!failed'
# -x, -xx: strings in hex (kept from norm()'s masking of random bytes).
flagcmp hex-non-ascii 's/\\x/\\X/g' write "" -- -x -s 64 -e trace=write,writev
# (arm64 has no unlink: its libc calls unlinkat.)
ul=unlink
[ "$(uname -m)" = aarch64 ] && ul=unlinkat
flagcmp hex-all 's/\\x/\\X/g' file "$d" -- -xx -e trace=openat,read,write,$ul
flagcmp hex-escapes 's/\\x/\\X/g' write "" -- --strings-in-hex=non-ascii-chars -e trace=write
# -y: paths after descriptors, results and pipe2's too; -yy: sockets'
# protocol (inodes masked).
ino='s/(pipe|socket|UNIX-STREAM|TCP|UDPv6):\[[0-9]+\]/\1:[N]/g'
flagcmp decode-fds '' file "$d" -- -y
flagcmp decode-fds-pipes "$ino" misc "" -- -y
flagcmp decode-fds-all "$ino" misc "" -- -yy
flagcmp decode-fds-socket "$ino" misc "" -- -e decode-fds=socket

# -e inject= and -e fault=, against strace on the same program: the same
# calls tampered with, marked "(INJECTED)" and "(DELAYED)", the same
# "--- SIGUSR2 {..., si_code=SI_KERNEL} ---" lines, and the program sees
# the same results: the same output and status.  Were nothing injected,
# strace's lines would differ, and the last check would fail.
injcmp() {	# injcmp NAME GUEST ARG -- OPTIONS...
	name=$1 g=$2 arg=$3
	shift 4
	if [ $have_strace = 0 ]; then
		echo "SKIP: $name (strace is missing or cannot trace here)"
		return
	fi
	run strace "$@" -o "$tmp/is.$name" "./trace-$g" $arg >"$tmp/is.$name.out" 2>&1
	s_rc=$?
	run "$tool" "$@" -o "$tmp/it.$name" -- "./trace-$g" $arg >"$tmp/it.$name.out" 2>&1
	t_rc=$?
	{ norm "$tmp/is.$name" | drop_execve; notes "$tmp/is.$name"; } >"$tmp/is.$name.n"
	{ norm "$tmp/it.$name"; notes "$tmp/it.$name"; } >"$tmp/it.$name.n"
	if [ $s_rc -ne $t_rc ] || ! cmp -s "$tmp/is.$name.out" "$tmp/it.$name.out"; then
		diff "$tmp/is.$name.out" "$tmp/it.$name.out" >"$tmp/diff"
		fail "$name" "status $t_rc, strace's $s_rc, or the program's output differs" "$tmp/diff"
	elif ! grep -q -e '(INJECTED)' -e '(DELAYED)' -e 'si_code=SI_KERNEL' "$tmp/it.$name"; then
		fail "$name" "nothing was injected" "$tmp/it.$name"
	else
		same "$name" "$tmp/is.$name.n" "$tmp/it.$name.n"
	fi
}
injcmp inject-error file "$d" -- -e inject=openat:error=EACCES:when=2+
injcmp inject-retval misc "" -- -e inject=fcntl:retval=7:when=2..3
injcmp inject-fault-step misc "" -- --fault=close:when=1+2
injcmp inject-class file "$d" -- -e inject=%desc:error=EBADF:when=3..4
injcmp inject-delay write "" -- -e inject=write:delay_enter=500us:delay_exit=1ms
injcmp inject-retval-delay write "" -- -e inject=write:retval=2:delay_exit=0.5ms:when=2
# A signal with the call: the guest's SIGUSR2 handler runs when it
# returns.  (rt_sigreturn's line differs, see the man page; a blocking
# call is not interrupted by it, unlike under strace: not tested here.)
injcmp inject-signal misc "" -- -e 'trace=!rt_sigreturn' -e inject=umask:signal=USR2
injcmp inject-signal-error misc "" -- -e 'trace=!rt_sigreturn' \
	-e inject=socket:signal=SIGUSR2:error=EAFNOSUPPORT
# Bad expressions: strace's status 1 here is the tool's usage status 2,
# with one line that names what is wrong.
for e in inject=write inject=write:error=NOPE inject=write:when=0 inject=write:when=3..2 \
	inject=write:error=EIO:retval=1 inject=write:delay_enter=5m fault=write:retval=1 \
	inject=write:poke_enter=@arg1=00 inject=nosuchcall:error=EIO; do
	name=inject-bad-$(echo "$e" | tr -c 'a-zA-Z0-9\n' '-')
	run "$tool" -e "$e" -- ./trace-write >"$tmp/ib.out" 2>"$tmp/ib.err"
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s "$tmp/ib.out" ] && grep -q '^tvisor-trace: ' "$tmp/ib.err"; then
		pass "$name"
	else
		fail "$name" "status $rc" "$tmp/ib.err"
	fi
done

# -yy on TCP and UDP sockets: the ends, "TCP:[127.0.0.1:P->127.0.0.1:Q]",
# as strace reads them from sock_diag (ports and inodes masked).
py=/usr/bin/python3
# Natively first: the exchange needs loopback networking (the arm64 VM has
# none up).
loopback=0
[ -x $py ] && $py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
socket.create_connection(s.getsockname()).close()' >/dev/null 2>&1 && loopback=1
if [ $have_strace = 1 ] && [ $loopback = 1 ]; then
	cat >"$tmp/sock.py" <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
c = socket.create_connection(s.getsockname())
a, _ = s.accept()
c.send(b"x")
a.recv(1)
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u.bind(("::1", 0))
u.sendto(b"y", u.getsockname())
u.recv(1)
PY
	set=socket,bind,listen,connect,accept4,sendto,recvfrom,getsockname
	run strace -yy -e trace=$set -o "$tmp/ss.sock" $py "$tmp/sock.py" >/dev/null 2>&1
	run "$tool" -yy -e trace=$set -o "$tmp/ts.sock" -- $py "$tmp/sock.py" >/dev/null 2>&1
	for f in ss ts; do
		sed -E 's/:\[[0-9]+\]/:[N]/g; s/:[0-9]+([]>-])/:P\1/g; s/htons\([0-9]+\)/htons(P)/g; s/ +=  ?/ = /' \
			"$tmp/$f.sock" | grep -v '^+++' >"$tmp/$f.sock.n"
	done
	if grep -q 'TCP:\[127\.0\.0\.1:P->127\.0\.0\.1:P\]' "$tmp/ts.sock.n"; then
		same decode-fds-inet "$tmp/ss.sock.n" "$tmp/ts.sock.n"
	else
		fail decode-fds-inet "no TCP endpoints" "$tmp/ts.sock"
	fi
else
	echo "SKIP: decode-fds-inet (needs strace, $py and a loopback TCP connection natively)"
fi

# -e signal=: only the signals of the set have "---" lines, and "+++
# killed by" too; -e quiet=exit: no "+++ exited" lines.  (Only these
# lines: rt_sigreturn and a fork's calls are shown otherwise, see the man
# page.)
for case in 'handled signal=USR2' 'handled signal=!SIGUSR1,chld' 'TERM signal=!TERM' \
	'handled quiet=exit'; do
	how=${case%% *} expr=${case#* }
	name=$(echo "$expr" | tr -c 'a-zA-Z0-9\n' '-')
	if [ $have_strace = 0 ]; then
		echo "SKIP: $name (strace is missing or cannot trace here)"
		continue
	fi
	run strace -f -e "$expr" -o "$tmp/sq" ./trace-signals $how >/dev/null 2>&1
	s_rc=$?
	run "$tool" -f -e "$expr" -o "$tmp/tq" -- ./trace-signals $how >/dev/null 2>&1
	t_rc=$?
	notes "$tmp/sq" >"$tmp/sq.n"
	notes "$tmp/tq" >"$tmp/tq.n"
	if [ $s_rc -ne $t_rc ] || [ ! -s "$tmp/tq" ]; then
		fail "$name" "status $t_rc, strace's $s_rc" "$tmp/tq"
	else
		same "$name" "$tmp/sq.n" "$tmp/tq.n"
	fi
done

# --always-show-pid: the pid before every line even on stderr and with one
# thread, as strace -f -o FILE writes it.
if [ $have_strace = 1 ]; then
	run strace -f -o "$tmp/sp" ./trace-write >/dev/null 2>&1
	run "$tool" --always-show-pid -- ./trace-write >/dev/null 2>"$tmp/tp"
	pid=$(sed -n '1s/ .*//p' "$tmp/tp")
	norm "$tmp/sp" | drop_execve >"$tmp/sp.n"
	grep -v '^to stderr$' "$tmp/tp" >"$tmp/tp.l"
	norm "$tmp/tp.l" >"$tmp/tp.n"
	if [ -n "$pid" ] && [ "$(grep -vc "^$pid  *[a-z+]" "$tmp/tp.l")" = 0 ]; then
		same always-show-pid "$tmp/sp.n" "$tmp/tp.n"
	else
		fail always-show-pid "a line without the pid" "$tmp/tp"
	fi
else
	echo "SKIP: always-show-pid (no strace)"
fi

# --no-vdso (a monitor option, so every tool has it): the program's auxv
# has no AT_SYSINFO_EHDR (33), so its clock reads are system calls the
# tracer sees; without it they go through the vDSO, unseen (by strace too).
py=/usr/bin/python3
if [ -x $py ]; then
	cat >"$tmp/vdso.py" <<'PY'
import struct, time
with open("/proc/self/auxv", "rb") as f:
    types = [t for t, v in struct.iter_unpack("QQ", f.read())]
time.clock_gettime(time.CLOCK_BOOTTIME)
print("vdso" if 33 in types else "no vdso")
PY
	run "$tool" -e trace=clock_gettime -o "$tmp/vd1" -- $py "$tmp/vdso.py" >"$tmp/vd1.out" 2>&1
	run "$tool" --no-vdso -e trace=clock_gettime -o "$tmp/vd2" -- $py "$tmp/vdso.py" >"$tmp/vd2.out" 2>&1
	if [ "$(cat "$tmp/vd1.out")" = vdso ] && ! grep -q BOOTTIME "$tmp/vd1" &&
		[ "$(cat "$tmp/vd2.out")" = "no vdso" ] &&
		grep -q '^clock_gettime(CLOCK_BOOTTIME, {tv_sec=[0-9]*, tv_nsec=[0-9]*}) *= 0$' "$tmp/vd2"; then
		pass no-vdso
	else
		cat "$tmp/vd1.out" "$tmp/vd2.out" "$tmp/vd2" >"$tmp/vd.all" 2>&1
		fail no-vdso "the vDSO's calls are not seen with --no-vdso, or seen without" "$tmp/vd.all"
	fi
else
	echo "SKIP: no-vdso ($py is missing)"
fi

# -c with -Z counts what -Z shows: strace 6.3 and later (6.1 counted every
# call: its NEWS, "Fixed --status filtering when -c option is in use").
if [ $have_strace = 1 ]; then
	run strace -Z -o "$tmp/sz" ./trace-file "$d" >/dev/null 2>&1
	names "$tmp/sz" | sort | uniq -c | awk '{ print $2, $1, $1 }' >"$tmp/sz.t"
	run "$tool" -c -Z -o "$tmp/cz" -- ./trace-file "$d" >/dev/null 2>&1
	table "$tmp/cz" >"$tmp/cz.t"
	same summary-failed-only "$tmp/sz.t" "$tmp/cz.t"
fi

# -o on a full device: the error is reported as strace reports it (once
# here, not for every line), the program's output is untouched, and the
# exit status is not 0 although the program's is (strace's stays 0).
run "$tool" -o /dev/full -- ./trace-write >"$tmp/full.out" 2>"$tmp/full.err"
rc=$?
if [ $rc -ne 0 ] && grep -q '^tvisor-trace: /dev/full: No space left on device$' "$tmp/full.err" &&
	grep -q '^hello, world$' "$tmp/full.out" && [ "$(grep -c 'No space' "$tmp/full.err")" = 1 ]; then
	pass output-write-error
else
	fail output-write-error "status $rc" "$tmp/full.err"
fi
if [ $have_strace = 1 ]; then
	run strace -o /dev/full ./trace-write >/dev/null 2>"$tmp/sfull.err"
	if grep -q '^strace: /dev/full: No space left on device$' "$tmp/sfull.err"; then
		pass output-write-error-strace
	else
		fail output-write-error-strace "strace words it otherwise: the test is stale" "$tmp/sfull.err"
	fi
fi

# -p: no crash, one line that says why and what to do, status 1.
for p in '-p 1' '--attach=1' '-fp1'; do
	name=attach$(echo "$p" | tr -c 'a-zA-Z0-9=\n' '-')
	run "$tool" $p -- ./trace-write >/dev/null 2>"$tmp/p.err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/p.err")" = 1 ] && grep -q 'run it under tvisor-trace' "$tmp/p.err"; then
		pass "$name"
	else
		fail "$name" "status $rc" "$tmp/p.err"
	fi
done

# --help and the man page name every option.
"$tool" --help >"$tmp/help" 2>&1
missing=
for o in -o -e -f -c -C -s -t -tt -ttt -T -r -n -x -xx -y -yy -z -Z -q -qq \
	signal= status= quiet= inject= fault= when= --always-show-pid --no-vdso ' -p'; do
	grep -q -e "$o" "$tmp/help" || missing="$missing $o"
	grep -q -e "$(echo "$o" | sed 's/-/\\\\-/g')" "$src/docs/tvisor-trace.1" || missing="$missing man:$o"
done
if [ -z "$missing" ]; then
	pass help-and-man
else
	fail help-and-man "not mentioned:$missing" "$tmp/help"
fi
