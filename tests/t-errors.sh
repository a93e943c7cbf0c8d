#!/bin/sh
# Bad programs and bad usage: a clear one-line message on stderr and the
# shell's exit codes (127 not found, 126 cannot execute, 2 usage), never a
# crash.
set -u
src=$1 build=$2
tool=$build/tvisor-nop
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# check NAME WANT_STATUS WANT_STDERR_PATTERN -- COMMAND...
	name=$1 want=$2 pattern=$3
	shift 4
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ $rc -eq "$want" ] && { [ -z "$pattern" ] || grep -q -- "$pattern" "$tmp/err"; } &&
		[ "$lines" -le 2 ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name (status $rc, want $want; stderr: $(head -c 200 "$tmp/err"))"
	fi
}

# Patch bytes of a copy of FILE at OFFSET with HEX (two digits a byte);
# dash's printf knows only octal escapes.
patch() {
	cp "$1" "$4"
	octal=
	for x in $(echo "$3" | sed 's/../& /g'); do
		octal="$octal$(printf '\\%03o' "0x$x")"
	done
	printf "$octal" | dd of="$4" bs=1 seek="$2" conv=notrunc status=none
	chmod +x "$4"
}

# The ELF files are made from a dynamic guest built for the target, so
# that the same checks hold on x86_64 and aarch64 (whose VM's /bin/true is
# busybox).
elf=$build/guests/hello.dyn
printf 'hello\n' >"$tmp/text"; chmod +x "$tmp/text"
cp "$elf" "$tmp/noexec"; chmod -x "$tmp/noexec"
head -c 40 "$elf" >"$tmp/trunc"; chmod +x "$tmp/trunc"
head -c 3000 "$elf" >"$tmp/trunc2"; chmod +x "$tmp/trunc2"
# e_machine: the other arch's (EM_X86_64 62 = 0x3e, EM_AARCH64 183 = 0xb7).
if [ "$(od -An -tu1 -j18 -N1 "$elf" | tr -d ' ')" = 62 ]; then foreign=b700; else foreign=3e00; fi
patch "$elf" 18 $foreign "$tmp/machine"
patch "$elf" 16 0100 "$tmp/reloc"		# e_type = ET_REL
patch "$elf" 4 01 "$tmp/class32"		# ELFCLASS32
# PT_INTERP names a loader that does not exist (same length: nothing moves).
sed 's|/ld-linux-|/ld-linuz-|' "$elf" >"$tmp/nointerp"
chmod +x "$tmp/nointerp"
printf '#!\n' >"$tmp/emptyshebang"; chmod +x "$tmp/emptyshebang"
printf '#!/nonexistent/interp\n' >"$tmp/badshebang"; chmod +x "$tmp/badshebang"
printf '#!%s\n' "$tmp/loop" >"$tmp/loop"; chmod +x "$tmp/loop"

check usage-no-program 2 "no PROGRAM" -- "$tool"
check usage-bad-option 2 "unknown option" -- "$tool" --frobnicate -- /bin/true
check usage-help 0 "" -- "$tool" --help
check not-found 127 "No such file" -- "$tool" -- "$tmp/missing"
check not-in-path 127 "not found" -- "$tool" -- tvisor-no-such-command
check directory 126 "Is a directory" -- "$tool" -- "$tmp"
check not-executable 126 "Permission denied" -- "$tool" -- "$tmp/noexec"
check text-file 126 "Exec format error\|not an ELF" -- "$tool" -- "$tmp/text"
check truncated-header 126 "truncated\|ELF" -- "$tool" -- "$tmp/trunc"
check truncated-segments 126 "truncated\|ELF" -- "$tool" -- "$tmp/trunc2"
check wrong-machine 126 "machine" -- "$tool" -- "$tmp/machine"
check wrong-type 126 "executable" -- "$tool" -- "$tmp/reloc"
check wrong-class 126 "class\|64" -- "$tool" -- "$tmp/class32"
check missing-interpreter 126 "interpreter" -- "$tool" -- "$tmp/nointerp"
check empty-shebang 126 "" -- "$tool" -- "$tmp/emptyshebang"
check missing-shebang-interpreter 127 "No such file" -- "$tool" -- "$tmp/badshebang"
check shebang-loop 126 "Too many" -- "$tool" -- "$tmp/loop"
