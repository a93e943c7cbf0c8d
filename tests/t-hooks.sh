#!/bin/sh
# The lifecycle hooks of struct tv_tool (include/tvisor.h), as a tool sees
# them: guests/tvisor-hooks (tests/tools/hooks.c) logs each hook, and
# guests/hooks makes a thread that ends by exit, a fork child (status 3), a
# vfork child (status 4) and an execve of itself (status 7).  Each hook
# must come once, on the thread and in the process it names, with every
# signal blocked where the header says so, in the order the header
# promises; with --pair too (the hooks stay on the guest threads).
# Usage: tests/t-hooks.sh SRCDIR BUILDDIR; prints PASS:/FAIL: lines.
set -u
build=$2
tool=$build/guests/tvisor-hooks guest=$build/guests/hooks
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in "$tool" "$guest"; do
	if [ ! -x "$f" ]; then
		echo "FAIL: built ($f is missing)"
		exit 1
	fi
done
cp "$guest" "$tmp/hooks"
cd "$tmp" || exit 1

# pids and tids named A, B, ... in the order they first appear; where the
# header leaves the signal mask to the guest (start, fork_parent, exec),
# it is not compared.
names() {
	awk '{
		for (i = 1; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] ~ /^(pid|tid|parent|ptid|child)$/ && kv[2] != 0) {
				if (!(kv[2] in name))
					name[kv[2]] = sprintf("%c", 64 + ++n)
				$i = kv[1] "=" name[kv[2]]
			}
			if (kv[1] == "blocked" && $1 ~ /^(start|fork_parent|exec)$/)
				$i = "blocked=?"
		}
		print
	}' "$1"
}

# The order of the first fork's two sides is the scheduler's; the rest
# is fixed (a vfork parent resumes after its child's hooks).
cat >"$tmp/want" <<'WANT'
start pid=A tid=0 reexec=0 self=1 blocked=?
thread_start pid=A tid=B self=1 blocked=1
thread_exit pid=A tid=B status=0 self=1 blocked=1
fork_child pid=C tid=C parent=A ptid=A child=C vm=0 vfork=0 self=1 blocked=1
fork_parent pid=A tid=A parent=A ptid=A child=C vm=0 vfork=0 self=1 blocked=?
process_exit pid=C tid=0 status=3 self=1 blocked=1
fork_child pid=D tid=D parent=A ptid=A child=D vm=1 vfork=1 self=1 blocked=1
process_exit pid=D tid=0 status=4 self=1 blocked=1
fork_parent pid=A tid=A parent=A ptid=A child=D vm=1 vfork=1 self=1 blocked=?
exec pid=A tid=A path=./hooks self=1 blocked=?
start pid=A tid=0 reexec=1 self=1 blocked=?
process_exit pid=A tid=0 status=7 self=1 blocked=1
WANT
for mode in "" --pair; do
	name=hooks${mode:+$mode}
	rm -f "$tmp/log"
	"$tool" $mode --log "$tmp/log" -- ./hooks >/dev/null 2>&1
	rc=$?
	names "$tmp/log" >"$tmp/got"
	# The first fork's parent side may come anywhere before the vfork.
	grep -v '^fork_parent .* vm=0' "$tmp/got" >"$tmp/got.o"
	grep -v '^fork_parent .* vm=0' "$tmp/want" >"$tmp/want.o"
	fp=$(grep -n '^fork_parent .* vm=0' "$tmp/got" | cut -d: -f1)
	fc=$(grep -n '^fork_child .* vm=1' "$tmp/got" | cut -d: -f1)
	if [ $rc -ne 7 ]; then
		echo "FAIL: $name (status $rc, want 7)"
	elif ! cmp -s "$tmp/want.o" "$tmp/got.o" || ! grep -qx "$(grep '^fork_parent .* vm=0' "$tmp/want")" "$tmp/got" ||
		[ "$(wc -l <"$tmp/got")" != 12 ] || [ "$fp" -ge "$fc" ]; then
		echo "FAIL: $name (not the hooks the header promises)"
		diff "$tmp/want" "$tmp/got" | sed 's/^/    /'
	else
		echo "PASS: $name"
	fi
done
