#!/bin/bash
# compare.sh -- run test cases natively and under a tool; compare the results.
#
# usage: tests/compare.sh TOOL CASES-FILE GUESTS-DIR [FILTER-REGEX]
#
#   TOOL        the tool command, possibly several words split on blanks,
#               e.g. "./tvisor-nop" or "./tvisor-nop --syscalls read,write";
#               each case runs as  TOOL -- COMMAND ARGS...
#   CASES-FILE  one case per line:  NAME<TAB>STDIN<TAB>COMMAND ARGS...
#               Blank lines and lines starting with # are ignored.
#               STDIN is "-" (read /dev/null) or a file, relative to the
#               directory of CASES-FILE unless absolute.
#               COMMAND ARGS... is split into words like a shell command line
#               (quotes and backslashes work; $ is expanded by this script at
#               that point, so protect it with single quotes).  Before that,
#               @GUESTS@ becomes GUESTS-DIR and @TESTS@ the directory of
#               CASES-FILE, both absolute (they must not contain blanks or
#               shell metacharacters).
#   GUESTS-DIR  the built guests (tests/guests.mk), with guests/waitstatus.
#   FILTER      optional extended regex: run only cases whose NAME matches.
#   COMPARE_SKIP, COMPARE_SKIP_WHY (environment): cases whose NAME matches
#               the regex COMPARE_SKIP are not run; each prints a SKIP line
#               with the reason COMPARE_SKIP_WHY (what this TOOL cannot do).
#
# Each case runs twice, natively and under TOOL, with:
#   - the same stdin, the same cwd (the caller's), a fresh environment made
#     of exactly: PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:
#     /sbin:/bin, HOME (the caller's), LC_ALL=C, LANG=C, TZ=UTC,
#     TVISOR_TEST_VAR="from compare.sh";
#   - no core dumps (ulimit -c 0), no inherited file descriptors above 2,
#     all signals at their default action and unblocked (waitstatus resets
#     them in the child, so an ignored SIGPIPE or SIGINT of the caller cannot
#     hide a difference);
#   - a time limit, COMPARE_TIMEOUT seconds (default 60), enforced with
#     timeout --kill-after=5 around the wait-status helper, so the limit
#     never changes the status observed: the helper is the program's (or
#     the tool's) parent and records "exit N" or "signal N core|nocore"
#     (unlike a shell's $?, this tells exit(128+N) from death by signal N).
#     A run that hits the limit is a FAIL with reason "timeout".
# stdout, stderr (byte for byte, nothing ignored) and the status must match.
#
# Output (stdout): one line per case,
#   PASS: SUITE/NAME
#   FAIL: SUITE/NAME (stdout differs, stderr differs, status native=... tool=...)
#   SKIP: SUITE/NAME (PROGRAM not found)   program missing, e.g. no musl-gcc
# where SUITE is CASES-FILE's name without "cases-" and ".txt"; a FAIL is
# followed by at most 20 lines of unified diff, indented.  Nothing else is
# printed on stdout; a count goes to stderr at the end.  Exit status: 0 if
# no case failed, 1 if one did, 2 on usage errors.

set -u

usage() {
	echo "usage: $0 TOOL CASES-FILE GUESTS-DIR [FILTER-REGEX]" >&2
	exit 2
}
if [ $# -lt 3 ] || [ $# -gt 4 ]; then usage; fi

TOOL=$1
CASES=$2
FILTER=${4:-}
TIMEOUT=${COMPARE_TIMEOUT:-60}
DIFF_LINES=20

read -r -a TOOL_WORDS <<<"$TOOL"
[ ${#TOOL_WORDS[@]} -gt 0 ] || { echo "$0: empty TOOL" >&2; exit 2; }
[ -f "$CASES" ] || { echo "$0: $CASES: no such file" >&2; exit 2; }
GUESTS=$(CDPATH="" cd -- "$3" 2>/dev/null && pwd) || { echo "$0: $3: no such directory" >&2; exit 2; }
TESTS=$(CDPATH="" cd -- "$(dirname -- "$CASES")" && pwd)
command -v -- "${TOOL_WORDS[0]}" >/dev/null || { echo "$0: ${TOOL_WORDS[0]}: not found" >&2; exit 2; }
WAITSTATUS=$GUESTS/waitstatus
[ -x "$WAITSTATUS" ] || { echo "$0: $WAITSTATUS missing (make guests)" >&2; exit 2; }
case $GUESTS$TESTS in
*[!A-Za-z0-9_./+,:=@%-]*)
	echo "$0: paths with blanks or shell metacharacters are not supported: $GUESTS $TESTS" >&2
	exit 2 ;;
esac
command -v timeout >/dev/null || { echo "$0: timeout(1) not found" >&2; exit 2; }

SUITE=$(basename "$CASES" .txt)
SUITE=${SUITE#cases-}

CASE_ENV=(
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	"HOME=${HOME:-/}"
	"LC_ALL=C"
	"LANG=C"
	"TZ=UTC"
	"TVISOR_TEST_VAR=from compare.sh"
)

ulimit -c 0

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-compare.XXXXXX") || exit 2
CHILD=
# timeout(1) runs in its own process group, out of reach of a terminal's ^C:
# pass interruptions on to that group.
# shellcheck disable=SC2317 # invoked from the traps
interrupted() {
	[ -n "$CHILD" ] && kill -TERM -- "-$CHILD" 2>/dev/null
	exit "$1"
}
trap 'rm -rf "$WORK"' EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM
trap 'interrupted 129' HUP

# run_case PREFIX STDIN COMMAND... -> PREFIX.out PREFIX.err, and STATUS.
# timeout(1) is the outermost process so that it can kill everything (it
# signals its own process group); waitstatus, inside it, is the direct
# parent of the program or tool and records its exact wait status.  timeout
# exits 124 (or 137 after --kill-after) only when the limit was hit, as
# waitstatus itself only exits 0 or 2.  It runs in the background so that the
# traps above can act while we wait.
run_case() {
	local p=$1 in=$2 rc
	shift 2
	rm -f "$p.out" "$p.err" "$p.status"
	env -i "${CASE_ENV[@]}" timeout --kill-after=5 "$TIMEOUT" \
		"$WAITSTATUS" "$p.status" "$@" <"$in" >"$p.out" 2>"$p.err" &
	CHILD=$!
	wait "$CHILD" 2>/dev/null # no "Killed" job notice
	rc=$?
	CHILD=
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		STATUS=timeout
	elif [ $rc -eq 0 ] && [ -s "$p.status" ]; then
		STATUS=$(cat "$p.status")
	else
		STATUS="runner-error-$rc"
	fi
}

# show_diff LABEL A B: append a labelled unified diff to $WORK/diff
show_diff() {
	diff -u --label "native $1" --label "tool $1" "$2" "$3" >>"$WORK/diff"
}

failed=0
lineno=0
npass=0 nfail=0 nskip=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	case $line in
	'' | '#'*) continue ;;
	esac
	case $line in
	*$'\t'*$'\t'*) ;;
	*)
		echo "$0: $CASES:$lineno: expected NAME<TAB>STDIN<TAB>COMMAND" >&2
		failed=1
		nfail=$((nfail + 1))
		continue ;;
	esac
	name=${line%%$'\t'*}
	rest=${line#*$'\t'}
	stdin=${rest%%$'\t'*}
	cmd=${rest#*$'\t'}
	if [ -n "$FILTER" ] && ! [[ $name =~ $FILTER ]]; then
		continue
	fi
	if [ -n "${COMPARE_SKIP:-}" ] && [[ $name =~ $COMPARE_SKIP ]]; then
		echo "SKIP: $SUITE/$name (${COMPARE_SKIP_WHY:-excluded for this tool})"
		nskip=$((nskip + 1))
		continue
	fi

	cmd=${cmd//@GUESTS@/$GUESTS}
	cmd=${cmd//@TESTS@/$TESTS}
	stdin=${stdin//@GUESTS@/$GUESTS}
	stdin=${stdin//@TESTS@/$TESTS}
	if ! eval "set -- $cmd" 2>/dev/null || [ $# -eq 0 ]; then
		echo "FAIL: $SUITE/$name (bad command line in $CASES:$lineno)"
		failed=1
		nfail=$((nfail + 1))
		continue
	fi
	case $stdin in
	-) stdin=/dev/null ;;
	/*) ;;
	*) stdin=$TESTS/$stdin ;;
	esac
	if [ ! -r "$stdin" ]; then
		echo "FAIL: $SUITE/$name (stdin file $stdin not readable)"
		failed=1
		nfail=$((nfail + 1))
		continue
	fi
	case $1 in
	*/*) prog=$1 ;;
	*) prog=$(PATH=${CASE_ENV[0]#PATH=} command -v -- "$1") || prog=$1 ;;
	esac
	if [ ! -x "$prog" ]; then
		echo "SKIP: $SUITE/$name ($1 not found)"
		nskip=$((nskip + 1))
		continue
	fi

	run_case "$WORK/native" "$stdin" "$@"
	native_status=$STATUS
	if [ "$native_status" = timeout ]; then
		echo "FAIL: $SUITE/$name (timeout native)"
		failed=1
		nfail=$((nfail + 1))
		continue
	fi
	run_case "$WORK/tool" "$stdin" "${TOOL_WORDS[@]}" -- "$@"
	tool_status=$STATUS

	reasons=()
	: >"$WORK/diff"
	if [ "$tool_status" = timeout ]; then
		reasons+=("timeout")
	fi
	if ! cmp -s "$WORK/native.out" "$WORK/tool.out"; then
		reasons+=("stdout differs")
		show_diff stdout "$WORK/native.out" "$WORK/tool.out"
	fi
	if ! cmp -s "$WORK/native.err" "$WORK/tool.err"; then
		reasons+=("stderr differs")
		show_diff stderr "$WORK/native.err" "$WORK/tool.err"
	fi
	if [ "$tool_status" != timeout ] && [ "$native_status" != "$tool_status" ]; then
		reasons+=("status native=$native_status tool=$tool_status")
	fi
	if [ ${#reasons[@]} -eq 0 ]; then
		echo "PASS: $SUITE/$name"
		npass=$((npass + 1))
	else
		failed=1
		nfail=$((nfail + 1))
		r=$(printf '%s, ' "${reasons[@]}")
		echo "FAIL: $SUITE/$name (${r%, })"
		if [ -s "$WORK/diff" ]; then
			head -n "$DIFF_LINES" "$WORK/diff" | cut -c1-200 | sed 's/^/    /'
		fi
	fi
done <"$CASES"

echo "compare.sh: $SUITE: $npass passed, $nfail failed, $nskip skipped" >&2
exit $failed
