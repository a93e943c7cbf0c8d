#!/bin/sh
# ci/test-aarch64.sh [SRCDIR] — the aarch64 test suite on a real arm64 kernel.
#
# Cross-configures and builds tvisor for aarch64-linux-gnu (tvisor-nop, the
# unit tests with the cross compiler, the test guests: glibc dynamic, static
# and static-pie, musl static and dynamic with ci/deps-aarch64.sh's wrapper),
# packs a payload and runs the same tests/run.sh as the x86_64 suite inside
# Debian's arm64 kernel under qemu-system-aarch64 (ci/qemu-aarch64.sh; qemu's
# user mode has no seccomp).  Prints the PASS/FAIL/SKIP lines with an
# "aarch64/" prefix on the names, and ends with "N passed, N failed".  Exit
# status 0 iff nothing failed (a build failure, a crash of the VM, a time-out
# or a missing end marker is a FAIL line, never a silent pass).
#
# The VM's userland is busybox: tests/compare.sh needs bash, so Debian's
# bash-static:arm64 goes into the payload (/bin/bash in the VM); the unit
# test of the filter generator links the target's libseccomp
# (libseccomp-dev:arm64, static).  Both are fetched with apt-get download
# into the ci cache, like ci/deps-aarch64.sh does; without them the compare
# suite is a SKIP and unit/test_filter is not built.
#
# Environment (and everything ci/qemu-aarch64.sh reads):
#   TVISOR_AARCH64_BUILD      build directory (default SRCDIR/build-aarch64)
#   TVISOR_AARCH64_CONFIGURE  extra configure arguments, e.g.
#                             "--image-base=0x1000000000" (the monitor's
#                             place; by default it finds one itself)
#   TVISOR_AARCH64_CPU_MAX=0  no second boot on qemu's "max" CPU (SVE, PAC, BTI, MTE)
#   TVISOR_AARCH64_MAX_CPU    its -cpu (default max,pauth-impdef=on)
#   TVISOR_AARCH64_MAIN=0     no main run (to work on the -cpu max one)
#   TVISOR_AARCH64_EAGER_LISTS  which case lists the --rewrite=eager run takes
#                             (a regex; default core|signals, '.' for all)
#   TVISOR_AARCH64_RUN        a command the VM runs instead of the suite (in
#                             /payload: src/, build/), e.g. one compare.sh
#                             case list with a filter, to debug quickly
#   TVISOR_QEMU_TIMEOUT       per boot, default 3600 s here
#   TVISOR_CI_CACHE           ci cache (default /var/cache/tvisor-ci)
#   MAKEFLAGS, JOBS           make parallelism (default: the number of CPUs)
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "${1:-$here/..}" 2>/dev/null && pwd) || { echo "FAIL: aarch64/setup (no source dir '${1:-}')"; echo "0 passed, 1 failed"; exit 1; }
build=${TVISOR_AARCH64_BUILD:-$src/build-aarch64}
CACHE=${TVISOR_CI_CACHE:-/var/cache/tvisor-ci}
export TVISOR_CI_CACHE="$CACHE"
triple=aarch64-linux-gnu
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

log() { printf 'test-aarch64: %s\n' "$*" >&2; }
# A failure before the VM ran: one FAIL line and the summary.
abort() {
	echo "FAIL: aarch64/$1 ($2)"
	echo "0 passed, 1 failed"
	exit 1
}

t_start=$(date +%s)

# --- host dependencies ---------------------------------------------------------
if [ ! -f "$CACHE/env.sh" ]; then
	"$here/deps-aarch64.sh" >/dev/null || abort deps "ci/deps-aarch64.sh failed"
fi
# shellcheck disable=SC1091
. "$CACHE/env.sh"
command -v "$triple-gcc" >/dev/null || abort deps "$triple-gcc not installed: run ci/deps-aarch64.sh"

# fetch_deb PKG:arm64 -> prints the directory it is unpacked in, in the cache.
# Reuses what the cache holds (offline runs work); a new download only when
# the package is not there yet.
fetch_deb() {
	name=${1%%:*}
	dest=$CACHE/root/$name
	if [ -f "$dest/.tvisor-version" ]; then
		printf '%s\n' "$dest"
		return 0
	fi
	mkdir -p "$CACHE/debs" "$CACHE/root" 2>/dev/null || return 1
	( cd "$CACHE/debs" && apt-get download -q "$1" ) >/dev/null 2>&1 ||
		{ apt-get update -q >/dev/null 2>&1 && ( cd "$CACHE/debs" && apt-get download -q "$1" ) >/dev/null 2>&1; } ||
		return 1
	deb=$(ls -t "$CACHE/debs/${name}_"*_arm64.deb 2>/dev/null | head -n1)
	[ -n "$deb" ] || return 1
	rm -rf "$dest.tmp" && mkdir -p "$dest.tmp" && dpkg-deb -x "$deb" "$dest.tmp" || return 1
	basename "$deb" .deb | sed 's/^[^_]*_//; s/_arm64$//' > "$dest.tmp/.tvisor-version"
	rm -rf "$dest" && mv "$dest.tmp" "$dest" && printf '%s\n' "$dest"
}

bash_bin=
if d=$(fetch_deb bash-static:arm64) && [ -x "$d/bin/bash-static" ]; then
	bash_bin=$d/bin/bash-static
else
	log "warning: no bash-static:arm64: tests/compare.sh cannot run in the VM"
fi
test_cc=$triple-gcc
if d=$(fetch_deb libseccomp-dev:arm64) && [ -f "$d/usr/lib/$triple/libseccomp.a" ]; then
	# only the static library, so that the unit test needs nothing at run time
	mkdir -p "$d/static-lib" && ln -sf "../usr/lib/$triple/libseccomp.a" "$d/static-lib/libseccomp.a"
	test_cc="$triple-gcc -I$d/usr/include -L$d/static-lib"
else
	log "warning: no libseccomp-dev:arm64: unit/test_filter is not built"
fi
musl_cc=
[ -n "${TVISOR_CI_MUSL_GCC:-}" ] && [ -x "$TVISOR_CI_MUSL_GCC" ] && musl_cc=$TVISOR_CI_MUSL_GCC
# perl and python3 for the cases that run them (the test suite of python,
# t-python, is too slow under emulation and stays a SKIP), and strace, the
# reference of t-trace (proot:arm64 5.1.0 dies of SIGSEGV in the VM, so
# t-fs compares with the kernel's chroot only): Debian's arm64 packages and
# the libraries they load, unpacked into one tree that the VM copies into
# its root.
vm_pkgs="perl-base libcrypt1 python3-minimal python3.11-minimal libpython3.11-minimal
libpython3.11-stdlib libexpat1 zlib1g libffi8 libbz2-1.0 liblzma5 libuuid1 libssl3
strace"
vm_root=$build.vm-root
rm -rf "$vm_root" && mkdir -p "$vm_root" || abort setup "cannot create $vm_root"
for pk in $vm_pkgs; do
	if d=$(fetch_deb "$pk:arm64"); then
		cp -a "$d/." "$vm_root/"
	else
		log "warning: no $pk:arm64: cases that need it are SKIP lines"
	fi
done
rm -rf "$vm_root/.tvisor-version" "$vm_root/usr/share/doc" "$vm_root/usr/share/man" \
	"$vm_root/usr/share/lintian"
# In the initramfs usr/lib/aarch64-linux-gnu is a link to lib/'s.
if [ -d "$vm_root/usr/lib/$triple" ]; then
	mkdir -p "$vm_root/lib/$triple" &&
		cp -a "$vm_root/usr/lib/$triple/." "$vm_root/lib/$triple/" &&
		rm -rf "$vm_root/usr/lib/$triple" || abort setup "cannot merge the VM's libraries"
fi

# --- build ------------------------------------------------------------------------
# What `make check` builds: the tools, the unit tests and every guest.  make
# -k: a guest that does not build is one FAIL, the rest still runs.
mkdir -p "$build" || abort build "cannot create $build"
blog=$build.log
log "building in $build (log: $blog)"
mk_var() { make -s --no-print-directory --eval 'tv-print-%: ; @echo $($*)' "tv-print-$1"; }
(
	cd "$build" &&
	# shellcheck disable=SC2086
	"$src/configure" --target=$triple MUSLCC="$musl_cc" TEST_CC="$test_cc" \
		${TVISOR_AARCH64_CONFIGURE:-} >"$blog" 2>&1
) || { tail -n 30 "$blog" | sed 's/^/    /'; abort build "configure failed, see $blog"; }
unit_tests=$(cd "$build" && mk_var UNIT_TESTS) || abort build "make cannot read the Makefile, see $blog"
arch_unit_tests=$(cd "$build" && mk_var ARCH_UNIT_TESTS)
guests=$(cd "$build" && mk_var GUESTS)
build_failed=
# shellcheck disable=SC2086
( cd "$build" && make -k -j"$jobs" all $unit_tests $guests ) >>"$blog" 2>&1 || build_failed=1
[ -x "$build/tvisor-nop" ] || { tail -n 30 "$blog" | sed 's/^/    /'; abort build "no tvisor-nop, see $blog"; }
t_built=$(date +%s)

# Unit tests that cannot run on arm64 as they are written: NAME:REASON lines.
# Each is one SKIP line instead (remove the line once the test is portable).
unit_skip='test_elf:its real-file checks assume an x86_64 host (/bin/ls, /lib64/ld-linux-x86-64.so.2, EM_X86_64, /usr/lib/x86_64-linux-gnu): its 100 parser checks pass on arm64, its 14 host checks and a sweep of /usr/bin (busybox, EM_AARCH64) fail'

# --- payload ---------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/tvisor-test-aarch64.XXXXXX") || abort setup "mktemp failed"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
p=$work/payload
mkdir -p "$p/bin" "$p/src" "$p/build" || abort setup "mkdir failed"

# The build outputs the tests use: the tools, and the directories of unit
# tests and guests (their debug info stripped: a third of the size).
for f in "$build"/*; do
	n=${f##*/}
	case $n in obj|gen|fuzz|gen-*|Makefile|config.mak|*.a|*.pc|*.log) continue ;; esac
	if [ -d "$f" ]; then
		mkdir -p "$p/build/$n"
		for g in "$f"/*; do
			[ -f "$g" ] || continue
			"$triple-strip" --strip-debug -o "$p/build/$n/${g##*/}" "$g" 2>/dev/null ||
				cp -p "$g" "$p/build/$n/"
		done
	elif [ -f "$f" ]; then
		cp -p "$f" "$p/build/"
	fi
done
cp -a "$vm_root" "$p/root"
# The tests themselves, as in the source tree.
cp -R "$src/tests" "$p/src/" || abort payload "cannot copy $src/tests"
# The man pages, which tests check the tools' options against.
cp -R "$src/docs" "$p/src/" || abort payload "cannot copy $src/docs"
# busybox's timeout knows -k but not GNU's --kill-after= (GNU takes both).
for f in "$src"/tests/*.sh; do
	[ -f "$f" ] && grep -q 'timeout --kill-after=' "$f" &&
		sed 's/timeout --kill-after=\([0-9][0-9]*\)/timeout -k \1/g' "$f" > "$p/src/tests/${f##*/}"
done
skips=
if [ -n "$bash_bin" ]; then
	cp "$bash_bin" "$p/bin/bash"
else
	for c in "$p"/src/tests/cases-*.txt; do
		[ -e "$c" ] || continue
		rm -f "$c"
		c=${c##*/cases-}
		skips="${skips}SKIP: nop/${c%.txt} (no bash in the VM for tests/compare.sh)
"
	done
fi
run_units=
for u in $unit_tests; do
	reason=$(printf '%s\n' "$unit_skip" | sed -n "s/^${u##*/}://p")
	if [ -n "$reason" ]; then
		skips="${skips}SKIP: ${u##*/} ($reason)
"
	else
		run_units="$run_units $u"
	fi
done
# Scripts that build programs (a C compiler, make, pkg-config) cannot run
# in the VM, which has none: one SKIP line each instead.
for t in "$p"/src/tests/t-*.sh; do
	[ -e "$t" ] || continue
	need=$(grep -v '^[[:space:]]*#' "$t" | grep -oE '(^|[^A-Za-z0-9_./-])(make|cc|gcc|\$\{?CC\}?|pkg-config)[[:space:]]' |
		sed -E 's/^[^A-Za-z$]*//; s/[[:space:]]+$//; s/^\$\{?CC\}?$/cc/' | sort -u | tr '\n' ' ')
	[ -n "$need" ] || continue
	rm -f "$t"
	n=${t##*/t-}
	skips="${skips}SKIP: ${n%.sh} (needs ${need% } to build its programs: not in the arm64 VM)
"
done

# Scripts whose subject is not in the VM: NAME:REASON lines, one SKIP each.
# (No apostrophes: run.sh prints them inside single quotes.)
vm_script_skip='python:the CPython test suite takes hours under emulation (the python3 cases of the case lists do run here)
rootfs:the Debian root file system of ci/rootfs.sh is an x86_64 one, built on the host'
printf '%s\n' "$vm_script_skip" | while IFS=: read -r n reason; do
	[ -e "$p/src/tests/t-$n.sh" ] && rm -f "$p/src/tests/t-$n.sh" && echo "SKIP: $n ($reason)"
done > "$work/script-skips"
skips="$skips$(cat "$work/script-skips")
"

# The VM's setup, shared by both boots' run.sh.
cat > "$p/vm-setup.sh" <<'EOF'
# Generated by ci/test-aarch64.sh: sourced by run.sh in the VM.
cd /payload
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# LeakSanitizer's stop-the-world at every exit takes minutes per unit test
# under TCG (test_script execs itself hundreds of times): the x86_64 run
# checks leaks, this one the rest of ASan and UBSan.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
[ -x /payload/bin/bash ] && ln -sf /payload/bin/bash /bin/bash
# perl, python3 and their libraries (ci/test-aarch64.sh's vm_pkgs).
[ -d /payload/root ] && cp -a /payload/root/. / && rm -rf /payload/root
# ci/mkinitramfs-aarch64.sh links usr/bin/APPLET to ../bin/busybox, which
# resolves to /usr/bin/busybox: busybox's ash finds its applets anyway,
# but bash and env(1) need the links.  Repair the dangling ones.
for l in /usr/bin/* /usr/sbin/*; do
	[ -e "$l" ] || ln -sf /bin/busybox "$l"
done
# Debian 12 has a merged /usr, and the cases name /usr/bin/busybox,
# /usr/bin/gzip...: every /bin and /sbin program is in /usr too.
for l in /bin/* /sbin/*; do
	u=/usr${l%/*}/${l##*/}
	[ -e "$u" ] || ln -s "$l" "$u"
done
echo "kernel: $(uname -r) $(uname -m), $(grep -c ^processor /proc/cpuinfo) cpus, stack at $(sed -n 's/ .*\[stack\].*//p' /proc/self/maps)"
EOF
# Emulation is slow: the eager-rewrite run covers core and signals here
# (TVISOR_AARCH64_EAGER_LISTS='.' for every list), x86_64 runs it on all.
suite="EAGER_LISTS='${TVISOR_AARCH64_EAGER_LISTS:-core|signals}' UNIT_TESTS=\"$(echo $run_units)\" sh /payload/src/tests/run.sh /payload/src /payload/build"
if [ -n "${TVISOR_AARCH64_RUN:-}" ]; then
	suite=$TVISOR_AARCH64_RUN
	skips=
fi
cat > "$p/run.sh" <<EOF
#!/bin/sh
# Generated by ci/test-aarch64.sh: runs tests/run.sh as on x86_64.
. /payload/vm-setup.sh
printf '%s' '$skips'
$suite
rc=\$?
echo "TVISOR-AARCH64-SUITE-END rc=\$rc"
exit \$rc
EOF

# --- run ---------------------------------------------------------------------------
pass=0 fail=0 skip=0

# run_vm PAYLOAD NAME: boots PAYLOAD (its run.sh ends with the suite-end
# marker), prints its PASS/FAIL/SKIP lines with NAME/ in front of the test
# names, and adds them to the counts; a run without the end marker, or with
# a failing status but no FAIL line, is one FAIL more.
run_vm() {
	{ "$here/qemu-aarch64.sh" "$1"; echo $? > "$work/qemu.rc"; } | awk -v counts="$work/counts" -v pfx="$2/" '
		/^(PASS|FAIL|SKIP): / {
			i = index($0, ": ")
			kind = substr($0, 1, i - 1)
			print kind ": " pfx substr($0, i + 2)
			n[kind]++
			fflush()
			next
		}
		/^[0-9]+ passed, [0-9]+ failed/ { next }	# the summary comes at the end
		/^TVISOR-AARCH64-SUITE-END rc=/ { done = 1; sub(/.*rc=/, ""); rc = $0; next }
		{ print; fflush() }
		END {
			printf "%d %d %d %d %s\n", n["PASS"], n["FAIL"], n["SKIP"], done, (done ? rc : "-") > counts
		}'
	qemu_rc=$(cat "$work/qemu.rc" 2>/dev/null || echo "?")
	read -r p_ f_ s_ done_ rc_ < "$work/counts" || { p_=0 f_=0 s_=0 done_=0 rc_=-; }
	if [ "$done_" != 1 ]; then
		echo "FAIL: $2/suite (no end marker from the VM: crash, panic or time-out; qemu-aarch64.sh status $qemu_rc)"
		f_=$((f_ + 1))
	elif [ "$qemu_rc" != 0 ] && [ "$f_" = 0 ]; then
		echo "FAIL: $2/suite (the payload exited with $rc_, qemu-aarch64.sh with $qemu_rc, without a FAIL line)"
		f_=$((f_ + 1))
	fi
	if [ "$p_" = 0 ] && [ "$f_" = 0 ]; then
		echo "FAIL: $2/suite (no test ran)"
		f_=1
	fi
	pass=$((pass + p_)) fail=$((fail + f_)) skip=$((skip + s_))
}

if [ -n "$build_failed" ]; then
	echo "FAIL: aarch64/build (make -k failed; what was built runs; see $blog)"
	grep -E 'error|Error|No rule' "$blog" | head -n 5 | sed 's/^/    /'
	fail=$((fail + 1))
fi

# The sanitizer runtimes of the unit tests go into the initramfs too; the
# suite can take longer than qemu-aarch64.sh's default limit.
export TVISOR_INITRAMFS_SANITIZERS="${TVISOR_INITRAMFS_SANITIZERS:-1}"
export TVISOR_QEMU_TIMEOUT="${TVISOR_QEMU_TIMEOUT:-3600}"
if [ "${TVISOR_AARCH64_MAIN:-1}" = 1 ]; then
	log "payload $(du -sh "$p" | cut -f1), booting the arm64 kernel (cortex-a57)"
	run_vm "$p" aarch64
fi
t_main=$(date +%s)

# A second, short boot on qemu's "max" CPU: SVE (vectors up to 2048 bits,
# whose signal frames need an extra_context), pointer authentication, BTI
# and MTE.  The arch unit tests, and the core guests that trap, make
# threads and take signals.  TVISOR_AARCH64_CPU_MAX=0 leaves it out.
if [ "${TVISOR_AARCH64_CPU_MAX:-1}" = 1 ]; then
	p2=$work/payload-max
	mkdir -p "$p2" && { cp -al "$p/." "$p2/" 2>/dev/null || cp -a "$p/." "$p2/"; }
	rm -f "$p2/run.sh"
	max_units=
	for u in $arch_unit_tests; do
		[ -f "$p2/build/$u" ] && max_units="$max_units $u"
	done
	{
		printf '#!/bin/sh\n# Generated by ci/test-aarch64.sh: the -cpu max subset.\n. /payload/vm-setup.sh\n'
		cat <<EOF
echo "cpu: \$(sed -n 's/^Features[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
rc=0
for u in $max_units; do
	out=\$(/payload/build/\$u 2>&1) || rc=1
	printf '%s\n' "\$out" | sed -n -E "s@^(PASS|FAIL|SKIP): @\\1: \${u##*/}/@p"
	printf '%s\n' "\$out" | grep -vE '^(PASS|FAIL|SKIP): ' | sed 's/^/    /'
done
if [ -x /payload/bin/bash ] && [ -f src/tests/cases-core.txt ]; then
	bash src/tests/compare.sh build/tvisor-nop src/tests/cases-core.txt build/guests \\
		'^(hello|threads|churn|sigbasic|sigmore|sigintr|cancel)\\.(dyn|static|musl)\$' > /tmp/compare.out
	[ \$? = 0 ] || rc=1
	sed -E 's@^(PASS|FAIL|SKIP): @\\1: nop/@' /tmp/compare.out
fi
echo "TVISOR-AARCH64-SUITE-END rc=\$rc"
exit \$rc
EOF
	} > "$p2/run.sh"
	log "booting again with -cpu ${TVISOR_AARCH64_MAX_CPU:-max,pauth-impdef=on}"
	TVISOR_QEMU_CPU=${TVISOR_AARCH64_MAX_CPU:-max,pauth-impdef=on} run_vm "$p2" aarch64/cpu-max
fi
t_end=$(date +%s)

log "build $((t_built - t_start))s; payload, boot and suite $((t_main - t_built))s; -cpu max run $((t_end - t_main))s"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
