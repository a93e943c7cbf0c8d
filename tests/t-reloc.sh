#!/bin/sh
# The monitor places itself (core/place.c): at an eighth of the user
# address space by default, where TVISOR_IMAGE_BASE says otherwise (here
# below 2^39, as on a board whose kernel has a 39-bit address space), the
# same place after the guest's execve, and a one-line error with exit
# status 127 where it does not fit.  Guests see their native environment
# and behave as natively there, the rewrite tier and the signal paths
# included.
set -u
src=$1 build=$2
tool=$build/tvisor-nop
guests=$build/guests
low=0x1000000000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 ($2)"; }

# The top of the address space, from a native process's stack, and the
# default place, an eighth of it.
stack_end=$(sed -n 's/^[0-9a-f]*-\([0-9a-f]*\) .*\[stack\]$/\1/p' /proc/self/maps)
top=$((1 << 32))
while [ "$top" -le "$((0x$stack_end))" ]; do top=$((top * 2)); done
auto=$(printf '0x%x' $((top / 8)))

# where NAME BASE COMMAND...: the guest's /proc/self/maps shows the tool's
# binary mapped at BASE.
where() {
	name=$1 base=$2
	shift 2
	"$@" >"$tmp/maps" 2>"$tmp/err"
	rc=$?
	want=$(printf '%x' "$base")
	if [ $rc -eq 0 ] && grep -q "^$want-.* r..p 00000000 .*/tvisor-" "$tmp/maps"; then
		pass "$name"
	else
		fail "$name" "status $rc, no tvisor- mapping at $want: $(grep tvisor- "$tmp/maps" | head -1)$(head -c 200 "$tmp/err")"
	fi
}

where default-place "$auto" "$tool" cat /proc/self/maps
where low-place "$low" env TVISOR_IMAGE_BASE=$low "$tool" cat /proc/self/maps
# After execve the new monitor must be where the filter allows its calls:
# a shell that runs cat, under the tool that traps every call as well.
where low-place-after-exec "$low" env TVISOR_IMAGE_BASE=$low "$tool" sh -c 'cat /proc/self/maps'
where low-place-trace "$low" env TVISOR_IMAGE_BASE=$low "$build/tvisor-trace" -f -o "$tmp/trace" \
	sh -c 'cat /proc/self/maps'
where low-place-fs "$low" env TVISOR_IMAGE_BASE=$low "$build/tvisor-fs" sh -c 'cat /proc/self/maps'

# The variable is the monitor's: the guest's environment is the native one.
env TVISOR_IMAGE_BASE=$low "$tool" sh -c env >"$tmp/env" 2>&1
if grep -q TVISOR_IMAGE_BASE "$tmp/env"; then
	fail env-dropped "the guest sees TVISOR_IMAGE_BASE"
else
	pass env-dropped
fi

# no_room NAME WANT_PATTERN COMMAND...: one line, exit status 127.
no_room() {
	name=$1 pattern=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 127 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$pattern" "$tmp/err"; then
		pass "$name"
	else
		fail "$name" "status $rc, want 127; stderr: $(head -c 200 "$tmp/err")"
	fi
}

no_room above-top "no room for the monitor at $(printf '0x%x' "$top"): above the top" \
	env TVISOR_IMAGE_BASE="$(printf '0x%x' "$top")" "$tool" true
no_room no-arena "no room for its arena" \
	env TVISOR_IMAGE_BASE="$(printf '0x%x' $((top - 0x40000000)))" "$tool" true
no_room unaligned "not page-aligned" env TVISOR_IMAGE_BASE=0x1000000800 "$tool" true
no_room not-a-number "is not a number" env TVISOR_IMAGE_BASE=lots "$tool" true
# A monitor as the guest of another finds its default place taken.
no_room taken "no room for the monitor at $auto: the place is taken" "$tool" "$tool" true
if [ "$(env TVISOR_IMAGE_BASE=$low "$tool" "$tool" sh -c 'echo nested')" = nested ]; then
	pass nested-elsewhere
else
	fail nested-elsewhere "a monitor at $low could not run another at $auto"
fi

# Guests behave as natively with the monitor below 2^39: a few of each
# kind, the rewrite tier's stub path (eager) and the signal trampolines.
# The cases go into lists of their own, so that their names say the mode.
pick() {	# pick SUITE REGEX LIST...: those cases, in $tmp/cases-SUITE.txt
	suite=$1 regex=$2
	shift 2
	cat "$@" | grep -E "$regex" | sed "s|@TESTS@|$src/tests|g" >"$tmp/cases-$suite.txt"
	echo "$tmp/cases-$suite.txt"
}
lowtool="env TVISOR_IMAGE_BASE=$low $tool"
bash "$src/tests/compare.sh" "$lowtool" \
	"$(pick low '^((hello|auxv|threads|sigbasic|mem|rwsite|execchain|forks|brkplace)\.|busybox-sh\s)' \
		"$src/tests/cases-core.txt" "$src/tests/cases-process.txt")" "$guests"
bash "$src/tests/compare.sh" "$lowtool --rewrite=eager" \
	"$(pick low-eager '^(rwsite|threads|sigmore|sigctx|sigstack|sigfault)\.' \
		"$src/tests/cases-core.txt" "$src/tests/cases-signals.txt")" "$guests"
exit 0
