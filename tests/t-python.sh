#!/bin/sh
# Python's own regression tests for signals and processes, natively and
# under tvisor-nop: test.test_signal, test.test_threadsignals, and the
# POSIX process-creation and run() parts of test.test_subprocess
# (POSIXProcessTestCase, RunFuncTestCase).  Needs Debian's
# libpython3.11-testsuite (ci/deps.sh installs it); without it every group
# is a SKIP.
#
# Each group runs twice, sequentially, with a time limit: natively, then as
# `tvisor-nop -- /usr/bin/python3 ...`.  A small unittest runner records one
# line per test as it finishes (so a run that dies or hangs still reports
# what it did).  Per test:
#   PASS  ok (or an expected failure) in both runs, or skipped in both;
#   FAIL  ok natively, anything else under tvisor (failed, error, skipped,
#         or no result because the run died or timed out);
#   SKIP  the test fails or is skipped natively: listed, not counted
#         against tvisor.
# Plus one line per group for the run itself (its exit status must agree).
# Usage: tests/t-python.sh SRCDIR BUILDDIR
set -u
build=$(cd "${2:?builddir}" && pwd)
tool=$build/tvisor-nop
python=/usr/bin/python3
[ -x "$tool" ] || { echo "FAIL: tool ($tool missing)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-python.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/runner.py" <<'EOF'
# runner.py OUT SPEC...: run unittest test names (SPEC: dotted name), write
# "STATUS TEST-ID" to OUT as each test ends.
# runner.py --classes SPEC...: list the test classes, one a line.
import sys, unittest
listing = sys.argv[1] == "--classes"
out = None if listing else open(sys.argv[1], "w", buffering=1)
status = {}
def rec(test, st):
    tid = test.id()
    if status.get(tid) in ("FAIL", "ERROR"):
        return
    status[tid] = st
    out.write("%s %s\n" % (st, tid))
class Result(unittest.TextTestResult):
    def addSuccess(self, t):
        super().addSuccess(t); rec(t, "ok")
    def addFailure(self, t, e):
        super().addFailure(t, e); rec(t, "FAIL")
    def addError(self, t, e):
        super().addError(t, e); rec(t, "ERROR")
    def addSkip(self, t, r):
        super().addSkip(t, r); rec(t, "skipped")
    def addExpectedFailure(self, t, e):
        super().addExpectedFailure(t, e); rec(t, "ok")
    def addUnexpectedSuccess(self, t):
        super().addUnexpectedSuccess(t); rec(t, "FAIL")
    def addSubTest(self, t, s, e):
        super().addSubTest(t, s, e)
        if e is not None:
            rec(t, "FAIL" if issubclass(e[0], t.failureException) else "ERROR")
def flat(s):
    for t in s:
        if isinstance(t, unittest.TestSuite):
            yield from flat(t)
        else:
            yield t
suite = unittest.TestSuite()
for name in sys.argv[2:]:
    suite.addTests(unittest.defaultTestLoader.loadTestsFromName(name))
if listing:
    seen = []
    for t in flat(suite):
        c = t.id().rsplit(".", 1)[0]
        if c not in seen:
            seen.append(c)
    print("\n".join(seen))
    sys.exit(0)
unittest.TextTestRunner(stream=sys.stderr, resultclass=Result, verbosity=0).run(suite)
out.close()
EOF

if ! "$python" -I -c 'import test.support, test.test_signal, test.test_subprocess' 2>/dev/null; then
	echo "SKIP: all (python3 test suite not installed: apt-get install libpython3.11-testsuite)"
	exit 0
fi

# group NAME LIMIT SPEC...: each test class of SPEC in a process of its
# own (one that dies or hangs takes only its class with it), natively and
# under the tool; LIMIT seconds per class and run.
group() {
	name=$1 limit=$2
	shift 2
	classes=$("$python" -I "$tmp/runner.py" --classes "$@" 2>/dev/null)
	if [ -z "$classes" ]; then
		echo "FAIL: $name/list (cannot load $*)"
		return
	fi
	for class in $classes; do
		for how in native tool; do
			out=$tmp/$class.$how
			: >"$out"
			mkdir -p "$tmp/cwd.$class.$how"
			if [ $how = native ]; then
				runner="$python"
			else
				runner="$tool -- $python"
			fi
			# shellcheck disable=SC2086 # runner is one or three words
			(cd "$tmp/cwd.$class.$how" && ulimit -c 0 &&
				exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
					HOME="${HOME:-/}" LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC \
					timeout --kill-after=5 "$limit" $runner -I "$tmp/runner.py" "$out" "$class" \
					</dev/null >"$tmp/$class.$how.log" 2>&1)
			echo $? >"$tmp/$class.$how.rc"
		done
		report "$name" "$class" "$limit"
	done
}

# why LOG TEST: the exception that ended TEST in a unittest log, if any.
why() {
	awk -v t="$2" '
		index($0, "FAIL: " t " (") == 1 || index($0, "ERROR: " t " (") == 1 { f = 1; next }
		f && /^(=+|-+)$/ && last != "" { exit }
		f && /^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception|Interrupt|Exit)(:|$)/ { last = $0 }
		END { print substr(last, 1, 200) }' "$1"
}

report() {	# report NAME CLASS LIMIT
	name=$1 class=$2 limit=$3
	nrc=$(cat "$tmp/$class.native.rc") trc=$(cat "$tmp/$class.tool.rc")
	# Every test the native run reported, in its order.
	while read -r nst id; do
		short=${id#test.}
		tst=$(awk -v id="$id" '$2 == id { print $1; exit }' "$tmp/$class.tool")
		case $nst in
		ok)
			if [ "$tst" = ok ]; then
				echo "PASS: $name/$short"
			elif [ -z "$tst" ]; then
				echo "FAIL: $name/$short (no result under tvisor-nop: the run ended early, exit status $trc)"
			else
				why=$(why "$tmp/$class.tool.log" "${id##*.}")
				echo "FAIL: $name/$short (native ok, tvisor-nop $tst${why:+: $why})"
			fi ;;
		skipped)
			echo "SKIP: $name/$short (skipped natively; tvisor-nop: ${tst:-no result})" ;;
		*)
			echo "SKIP: $name/$short (fails natively: $nst; tvisor-nop: ${tst:-no result})" ;;
		esac
	done <"$tmp/$class.native"
	# Tests only the tool's run reported (should not happen).
	awk 'NR == FNR { seen[$2] = 1; next } !($2 in seen) { print "FAIL: '"$name"'/" substr($2, 6) " (reported only under tvisor-nop: " $1 ")" }' \
		"$tmp/$class.native" "$tmp/$class.tool"
	short=${class#test.}
	if [ "$nrc" = 124 ] || [ "$nrc" = 137 ]; then
		echo "SKIP: $name/$short.run (the native run hit the ${limit}s limit)"
	elif [ "$trc" = "$nrc" ]; then
		echo "PASS: $name/$short.run"
	elif [ "$trc" = 124 ] || [ "$trc" = 137 ]; then
		echo "FAIL: $name/$short.run (timeout: the tvisor-nop run hit the ${limit}s limit; native exit status $nrc)"
	else
		echo "FAIL: $name/$short.run (exit status native $nrc, tvisor-nop $trc; last lines: $(tail -n 3 "$tmp/$class.tool.log" | tr '\n' '|' | cut -c1-300))"
	fi
}

group signal 90 test.test_signal
group threadsignals 60 test.test_threadsignals
group subprocess 90 test.test_subprocess.POSIXProcessTestCase test.test_subprocess.RunFuncTestCase
exit 0
