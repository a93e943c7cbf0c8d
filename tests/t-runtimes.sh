#!/bin/sh
# Language runtimes as guests, natively and under each tool: node (worker
# threads, signals, child processes), the JVM (keytool: a keystore read,
# an RSA key pair made and stored, with the JIT, the GC and the VM's own
# SIGSEGV handling at work) and a Go program (tests/runtimes/goprog.go:
# goroutines on several threads, asynchronous preemption by SIGURG,
# os/signal, os/exec, timers), each compared by tests/compare.sh under
# tvisor-nop (default, --rewrite=eager, --pair --rewrite=off),
# tvisor-trace -f and tvisor-fs.  A runtime that is not installed is a
# SKIP line (ci/deps.sh installs nodejs, openjdk-17-jre-headless and
# golang-go).
# Usage: tests/t-runtimes.sh SRCDIR BUILDDIR; prints PASS:/FAIL:/SKIP: lines.
set -u
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cases=$tmp/cases-runtimes.txt
: >"$cases"
if command -v node >/dev/null 2>&1; then
	printf 'node\t-\t/bin/sh -c %s\n' \
		"'d=\$(mktemp -d); node $src/tests/runtimes/nodeprog.js \$d/out; s=\$?; rm -rf \$d; exit \$s'" \
		>>"$cases"
else
	echo "SKIP: node (not installed: ci/deps.sh installs nodejs)"
fi
if command -v keytool >/dev/null 2>&1; then
	printf 'java-keytool\t-\t/bin/sh -c %s\n' \
		"'d=\$(mktemp -d); keytool -list -cacerts -storepass changeit | head -n 2; keytool -genkeypair -keystore \$d/ks.p12 -storepass secret12 -alias a -dname CN=tvisor -keyalg RSA -keysize 2048 && keytool -list -keystore \$d/ks.p12 -storepass secret12 | grep -c PrivateKeyEntry; s=\$?; rm -rf \$d; exit \$s'" \
		>>"$cases"
else
	echo "SKIP: java (no keytool: ci/deps.sh installs openjdk-17-jre-headless)"
fi
if command -v go >/dev/null 2>&1; then
	if (cd "$tmp" && cp "$src/tests/runtimes/goprog.go" . &&
		GOCACHE=$tmp/gocache GOPATH=$tmp/gopath GO111MODULE=off go build -o goprog goprog.go) \
		>"$tmp/go.log" 2>&1; then
		printf 'go\t-\t%s\n' "$tmp/goprog" >>"$cases"
	else
		echo "FAIL: go (cannot build tests/runtimes/goprog.go)"
		sed 's/^/    /' "$tmp/go.log" | head -n 10
	fi
else
	echo "SKIP: go (not installed: ci/deps.sh installs golang-go)"
fi
[ -s "$cases" ] || exit 0

# Each mode's lines as MODE/CASE.
for mode in nop nop-eager nop-pair trace fs; do
	case $mode in
	nop) tool=$build/tvisor-nop ;;
	nop-eager) tool="$build/tvisor-nop --rewrite=eager" ;;
	nop-pair) tool="$build/tvisor-nop --pair --rewrite=off" ;;
	trace) tool="$build/tvisor-trace -f -o /dev/null" ;;
	fs) tool=$build/tvisor-fs ;;
	esac
	COMPARE_TIMEOUT=120 bash "$src/tests/compare.sh" "$tool" "$cases" "$build/guests" 2>/dev/null |
		sed -E "s#^(PASS|FAIL|SKIP): runtimes/#\\1: $mode/#"
done
