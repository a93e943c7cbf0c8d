#!/bin/sh
# tvisor-fs: a guest sees a directory as "/" (--root), starts in --cwd, sees
# host paths bound in (--bind).  Usage: tests/t-fs.sh SRCDIR BUILDDIR
#
# A small root file system is built in a temporary directory: busybox, a
# static probe program (tests/guests/fs-probe.c: one line of output per
# command, errors as errno names), and the dynamic /bin/ls with its
# libraries and ELF interpreter.  Then:
#   - the seed demo: --cwd /anydir -- ./getcwd prints /anydir;
#   - the same probe commands under tvisor-fs and under `proot -r -w -b`
#     must print the same lines;
#   - and under the kernel's own chroot(8), which is the reference for
#     errors, link limits and the dynamic ls;
#   - escape attempts (.., absolute links, links to ../../.., dirfds on
#     the root then .., /proc/self/{cwd,root,fd}, chroot, a working
#     directory replaced by a link) must stay inside: a decoy "secret"
#     inside the root says "inside", the real one outside says HOSTSECRET;
#   - /proc/self links read as guest paths; PT_INTERP and #! come from the
#     root;
#   - issue 12 (tests/fs/*.c): io_uring is refused; a directory swapped for
#     a link to the host while another thread uses it, and structures the
#     monitor cannot read, reach nothing outside; a vfork child's chdir
#     and chroot are its own; a chroot survives exec; execveat's
#     AT_SYMLINK_NOFOLLOW judges the guest's file;
#   - issue 13: -k against proot -k; -0 and -i run as uid 65534 (setpriv)
#     against proot -0 and -i (ids, stat of the user's files, chown's
#     status), and against root natively (set*id rules, tar xpf: owners
#     and modes remembered across processes and programs; --state keeps
#     them for the next session); -l against the kernel's hard links.
# Prints PASS:/FAIL:/SKIP: lines (tests/run.sh counts them).
set -u
build=$2
fs=$build/tvisor-fs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tmp=$(cd "$tmp" && pwd -P)

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 ($2)"; }
skip() { echo "SKIP: $1 ($2)"; }

if [ ! -x "$fs" ]; then
	fail build "no $fs"
	exit 1
fi

# ---- the probe (tests/guests/fs-probe.c, built by make) -------------------
if [ ! -x "$build/guests/fs-probe" ]; then
	fail probe-build "$build/guests/fs-probe is not built"
	exit 1
fi
cp "$build/guests/fs-probe" "$tmp/probe"

# ---- the root file system ------------------------------------------------
R=$tmp/root
mkdir -p "$R/bin" "$R/etc" "$R/home/u" "$R/tmp" "$R/mnt" "$R/proc"
cp /bin/busybox "$R/bin/busybox"
cp "$tmp/probe" "$R/probe"
echo guestpasswd >"$R/etc/passwd"
echo HOSTSECRET >"$tmp/secret"
echo inside >"$R/secret"
ln -s ../secret "$R/esc1"
ln -s "$tmp/secret" "$R/esc2"
ln -s ../../../../.. "$R/home/u/up"
ln -s / "$R/home/u/root"
ln -s loop "$R/loop"
i=1
while [ $i -le 41 ]; do
	ln -s "l$((i + 1))" "$R/l$i"
	i=$((i + 1))
done
ln -s /secret "$R/l42"
printf '#!/bin/busybox sh\necho "script: $0 $1"\n' >"$R/script.sh"
chmod +x "$R/script.sh"
# The dynamic ls: its libraries and interpreter where ldd finds them, and
# the links on the way (Debian's /lib64 -> usr/lib64 and so on).
have_ls=1
# (Where /bin/ls is busybox or ldd is missing, as in the arm64 VM, there
# is no dynamic ls to check.)
ldd /bin/ls >/dev/null 2>&1 || have_ls=0
cp /bin/ls "$R/bin/ls" || have_ls=0
for lib in $(ldd /bin/ls 2>/dev/null | grep -o '/[^ ]*'); do
	real=$(readlink -f "$lib")
	mkdir -p "$R$(dirname "$real")"
	cp "$real" "$R$real" || have_ls=0
	if [ "$real" != "$lib" ] && [ ! -e "$R$lib" ]; then
		mkdir -p "$R$(dirname "$lib")"
		ln -s "$real" "$R$lib"
	fi
done
# A host directory to bind.
H=$tmp/host
mkdir -p "$H/sub"
echo hostfile >"$H/hf"
ln -s "$H/hf" "$H/hl"		# an absolute host path inside the bind
ln -s "$tmp/secret" "$H/hout"	# a host path the guest cannot see
reset_tmp() { rm -rf "$R/tmp" "$R/newdir"; mkdir "$R/tmp"; }

# ---- the seed demo ---------------------------------------------------------
cp "$tmp/probe" "$tmp/getcwd"
out=$(cd "$tmp" && "$fs" --cwd /anydir -- ./getcwd 2>&1)
[ "$out" = /anydir ] && pass seed-demo || fail seed-demo "got '$out'"
out=$(cd "$tmp" && "$fs" -- ./getcwd 2>&1)
[ "$out" = "$tmp" ] && pass default-cwd || fail default-cwd "got '$out', want $tmp"
out=$(cd "$tmp" && "$fs" -w /anydir -- ./getcwd cat x cd .. cwd 2>&1)
want="cat x: ENOENT
cd ..: ok
cwd: /"
[ "$out" = "$want" ] && pass missing-cwd || fail missing-cwd "got '$out'"
out=$(cd "$R/home" && "$fs" -r "$R" -- ./u/../../probe cwd 2>&1)
[ "$out" = "cwd: /" ] && pass relative-program || fail relative-program "got '$out'"

# ---- the same commands under proot, and under the kernel's chroot ---------
# Each case: NAME, then the working directory, then probe commands.
cases() {
	cat <<EOF
basics	/home/u	cwd cd /home cwd cd u cwd cat ../../secret ls / stat /home lstat /home/u/up readlink /home/u/up access /etc/passwd cat /etc/passwd
links	/	cat /esc1 cat /esc2 readlink /esc2 cat /home/u/up/secret cat /home/u/root/../secret stat /home/u/up/etc lstat /esc1
errors	/	cat /nothere/x cat /secret/x cd /secret cd /nothere cat /secret/ stat /etc/passwd/.. mkdir /home unlink /home rmdir /nothere mkdir /nothere/x
create	/tmp	write /tmp/f hello cat f symlink /../../.. /tmp/l cat /tmp/l/secret link f g rename g h ls /tmp unlink h mkdir d cd d cwd cd .. rmdir d excl f excl l ls /tmp
dirfd	/home/u	dir /home/u catat ../../secret catat up/secret fchdir cwd dir / catat ../secret catat /secret fchdir cwd cat ../secret
dotdot	/	cd .. cwd cd ../../.. cwd cat ../../../../../../../../secret cd /home/u/../../.. cwd
sockets	/tmp	sock /tmp/s sock s2
EOF
}
kernel_cases() {
	cat <<EOF
loops	/	stat /loop lstat /loop cat /loop/x stat /l1 stat /l2 stat /l3 cat /l2
dots	/	mkdir /home/. rmdir /home/. rmdir /home/.. unlink /home/. rename /home/. /x mkdir /tmp/d/ rmdir /tmp/d/ lstat /home/u/up/ lstat /home/u/root/. stat /esc1/
chroot	/home/u	chroot /home cwd cat /../secret cat /../../etc/passwd ls / cd / cwd ls /
EOF
}

run_fs() {	# run_fs CWD COMMANDS...: the probe under tvisor-fs
	d=$1
	shift
	(cd "$tmp" && "$fs" -r "$R" -w "$d" -- /probe "$@" 2>&1)
}

compare_with() {	# compare_with ORACLE-NAME RUNNER CASE-LINES
	oracle=$1 runner=$2
	printf '%s\n' "$3" | while IFS='	' read -r name dir cmds; do
		[ -n "$name" ] || continue
		reset_tmp
		# shellcheck disable=SC2086
		mine=$(run_fs "$dir" $cmds)
		reset_tmp
		# shellcheck disable=SC2086
		theirs=$($runner "$dir" $cmds)
		if [ "$mine" = "$theirs" ]; then
			pass "$oracle-$name"
		else
			fail "$oracle-$name" "differs"
			printf '%s\n' "$mine" >"$tmp/mine"
			printf '%s\n' "$theirs" >"$tmp/theirs"
			diff "$tmp/mine" "$tmp/theirs" | head -10
		fi
	done
}

run_proot() {
	d=$1
	shift
	(cd "$tmp" && proot -r "$R" -w "$d" /probe "$@" 2>&1)
}

run_chroot() {	# the kernel: chroot(8) starts in /, the probe's cd moves
	d=$1
	shift
	(cd "$tmp" && chroot "$R" /probe cd "$d" "$@" 2>&1 | sed 1d)
}

if command -v proot >/dev/null 2>&1 && [ "$(run_proot / cwd)" = "cwd: /" ]; then
	compare_with proot run_proot "$(cases)"
	# Binds: the same host directory under proot -b.
	# The mount point /mnt/h exists in the root, as for mount --bind; the
	# host path's own directories do not (they are "glue": paths below
	# them work, listings do not show them, unlike proot's).
	mkdir -p "$R/mnt/h"
	for b in "$H:/mnt/h" "$H"; do
		g=${b#*:}
		[ "$g" = "$b" ] && g=$H
		cmds="ls $g cat $g/hf readlink $g/hl cat $g/hl cat $g/hout cat $g/../../secret cd $g cwd cat hf cd sub cd ../.. cwd"
		[ "$g" = /mnt/h ] && cmds="$cmds ls $g/.."
		# shellcheck disable=SC2086
		mine=$(cd "$tmp" && "$fs" -r "$R" -w / -b "$b" -- /probe $cmds 2>&1)
		# shellcheck disable=SC2086
		theirs=$(cd "$tmp" && proot -r "$R" -w / -b "$b" /probe $cmds 2>&1)
		n=proot-bind-${g##*/}
		if [ "$mine" = "$theirs" ]; then
			pass "$n"
		else
			fail "$n" "differs"
			printf '%s\n' "$mine" >"$tmp/mine"
			printf '%s\n' "$theirs" >"$tmp/theirs"
			diff "$tmp/mine" "$tmp/theirs" | head -10
		fi
	done
else
	skip proot "proot is missing or does not run here"
fi

if [ "$(run_chroot / cwd 2>/dev/null)" = "cwd: /" ]; then
	compare_with kernel run_chroot "$(cases | grep -v '^sockets')
$(kernel_cases)"
	# A path too long for the kernel, and a name too long for the file
	# system.
	long=$(awk 'BEGIN { for (i = 0; i < 4200; i++) printf "a" }')
	name=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "n" }')
	deep=$(awk 'BEGIN { for (i = 0; i < 1000; i++) printf "home/../" }')
	compare_with kernel run_chroot "toolong	/	cat /$long cat /tmp/$name stat /${deep}etc/passwd"
	if [ "$have_ls" = 1 ]; then
		reset_tmp
		mine=$(cd "$tmp" && "$fs" -r "$R" -- /bin/ls -laR / 2>&1)
		theirs=$(cd "$tmp" && chroot "$R" /bin/ls -laR / 2>&1)
		[ "$mine" = "$theirs" ] && pass kernel-dynamic-ls || fail kernel-dynamic-ls "differs"
	else
		skip kernel-dynamic-ls "no dynamic /bin/ls with ldd to find its libraries"
	fi
	for applet in "find /home /etc" "readlink -f /home/u/up/etc/passwd" "realpath /lib64" \
		"du -s /home" "stat -c %n:%s:%F /esc1 /home/u/up/secret"; do
		# shellcheck disable=SC2086
		mine=$(cd "$tmp" && "$fs" -r "$R" -- /bin/busybox $applet 2>&1)
		# shellcheck disable=SC2086
		theirs=$(cd "$tmp" && chroot "$R" /bin/busybox $applet 2>&1)
		n=kernel-busybox-${applet%% *}
		[ "$mine" = "$theirs" ] && pass "$n" || fail "$n" "got '$mine', want '$theirs'"
	done
else
	skip kernel "chroot(8) does not work here"
fi

# ---- escapes: everything must stay inside the root ------------------------
escape() {	# escape NAME OPTIONS -- PROBE COMMANDS: no HOSTSECRET, some "inside"
	name=$1
	shift
	reset_tmp
	out=$(cd "$tmp" && "$fs" -r "$R" "$@" 2>&1)
	if printf '%s\n' "$out" | grep -q HOSTSECRET; then
		fail "escape-$name" "$(printf '%s\n' "$out" | grep HOSTSECRET | head -3)"
	elif ! printf '%s\n' "$out" | grep -q '\[inside\]'; then
		fail "escape-$name" "no access inside: $(printf '%s' "$out" | head -c 300)"
	else
		pass "escape-$name"
	fi
}
ups=$(awk 'BEGIN { for (i = 0; i < 300; i++) printf "../" }')
escape dotdot -w /home/u -- /probe cat ../../../../secret cat /../secret cat "${ups}secret" \
	cat "$tmp/secret" cat "/..$tmp/secret"
escape abs-link -- /probe cat /esc2 cat /home/u/root/../secret cat /home/u/root/../../secret
escape up-link -- /probe cat /esc1 cat /home/u/up/secret cat /home/u/up/../secret \
	symlink ../../../../../../.. /tmp/l cat /tmp/l/secret symlink "$tmp" /tmp/t cat /tmp/t/secret
escape dirfd-root -- /probe dir / catat ../secret catat ../../../secret fchdir cat ../secret \
	dir /home/u/up catat ../secret
escape chroot -w /home/u -- /probe mkdir /tmp/x write /tmp/x/secret inside chroot /tmp/x \
	cd ../../../.. cat secret cat ../../../secret cwd chroot .. cat /../secret cat "$tmp/secret"
escape proc -b /proc -w /home -- /probe cat /proc/self/cwd/../../secret cat /proc/self/root/../secret \
	dir / cat /proc/self/fd/3/../secret cat /proc/thread-self/root/secret
escape cwd-replaced-by-link -- /probe mkdir /tmp/c cd /tmp/c rename /tmp/c /tmp/c2 \
	symlink "$tmp" /tmp/c cat secret cat ../secret cat /secret
escape inherited-dirfd -- /probe usefd 5 catat secret catat ../secret fchdir cat secret 5<"$tmp"
out=$(cd "$tmp" && "$fs" -r "$R" -- /probe usefd 5 catat secret fchdir 5<"$tmp" 2>&1)
want="catat secret: EACCES
fchdir : EACCES"
[ "$out" = "$want" ] && pass inherited-dirfd-refused || fail inherited-dirfd-refused "got '$out'"
escape bind -b "$H:/mnt/h" -- /probe cat /mnt/h/hout cat /mnt/h/../../secret cat /mnt/h/../../../secret \
	cd /mnt/h cat ../../secret

# ---- /proc links read as guest paths ---------------------------------------
out=$(cd "$tmp" && "$fs" -r "$R" -b /proc -w /home/u -- /probe readlink /proc/self/exe \
	readlink /proc/self/cwd readlink /proc/self/root dir /home readlink /proc/self/fd/3 \
	cd /tmp readlink /proc/self/cwd 2>&1)
want="readlink /proc/self/exe: /probe
readlink /proc/self/cwd: /home/u
readlink /proc/self/root: /
dir /home: ok
readlink /proc/self/fd/3: /home
cd /tmp: ok
readlink /proc/self/cwd: /tmp"
[ "$out" = "$want" ] && pass proc-links || fail proc-links "got '$out'"

# ---- the loader finds everything inside the root ---------------------------
if [ "$have_ls" = 1 ]; then
	R2=$tmp/root2
	mkdir -p "$R2/bin"
	cp /bin/ls "$R2/bin/ls"
	out=$(cd "$tmp" && "$fs" -r "$R2" -- /bin/ls / 2>&1)
	rc=$?
	if [ $rc -ge 126 ] && printf '%s' "$out" | grep -q 'interpreter\|No such'; then
		pass interp-from-root
	else
		fail interp-from-root "status $rc, '$out' (the host's ld.so was used?)"
	fi
	out=$(cd "$tmp" && "$fs" -r "$R" -- /bin/ls /lib64 2>&1)
	[ -n "$out" ] && [ $? -eq 0 ] && pass dynamic-in-root || fail dynamic-in-root "'$out'"
fi
out=$(cd "$tmp" && "$fs" -r "$R" -- /script.sh arg 2>&1)
[ "$out" = "script: /script.sh arg" ] && pass script-in-root || fail script-in-root "got '$out'"
# execve: the core runs the new program under a new monitor with our
# options; the view, and the working directory the guest had, stay.
out=$(cd "$tmp" && "$fs" -r "$R" -w /home/u -- /bin/busybox sh -c \
	'cd /tmp; exec /probe cwd cat ../secret cat "$0"' "$tmp/secret" 2>&1)
want="cwd: /tmp
cat ../secret: [inside]
cat $tmp/secret: ENOENT"
[ "$out" = "$want" ] && pass exec-keeps-view || fail exec-keeps-view "got '$out'"
out=$(cd "$tmp" && "$fs" -r "$R" -- /bin/busybox sh -c 'exec ./nothere' 2>&1)
[ $? -eq 127 ] && pass exec-missing || fail exec-missing "'$out'"
out=$(cd "$tmp" && "$fs" -r "$R" -- /nothere 2>&1)
[ $? -eq 127 ] && pass missing-program || fail missing-program "'$out'"

# ---- unix sockets whose host path is longer than sun_path ------------------
D=$tmp/$(awk 'BEGIN { for (i = 0; i < 120; i++) printf "d" }')/root
mkdir -p "$D/tmp"
cp "$tmp/probe" "$D/probe"
out=$(cd "$tmp" && "$fs" -r "$D" -w /tmp -- /probe sock /tmp/s sock rel 2>&1 | grep -v getsockname)
want="bind /tmp/s: ok
connect /tmp/s: ok
bind rel: ok
connect rel: ok"
[ "$out" = "$want" ] && pass long-socket-path || fail long-socket-path "got '$out'"

# ---- issue 12: what went around the view ----------------------------------
# Each check compares with the kernel's chroot(8) (or the program run
# natively) where both can run it; the guests are tests/fs/*.c.
for g in uring race spawn efault dents; do
	if [ ! -x "$build/guests/fs-$g" ]; then
		fail "fs-$g-build" "$build/guests/fs-$g is not built"
		exit 1
	fi
	cp "$build/guests/fs-$g" "$R/fs-$g"
done
same() {	# same NAME MINE THEIRS
	[ "$2" = "$3" ] && pass "$1" || fail "$1" "got '$2', want '$3'"
}

# io_uring runs its openat inside the kernel, past the filter: refused, as
# on a kernel without it.
out=$(cd "$tmp" && "$fs" -r "$R" -- /fs-uring "$tmp/secret" 2>&1)
same io-uring-refused "$out" "io_uring_setup: ENOSYS"

# A thread swaps a directory with a link to a host directory while the
# other uses paths through it: nothing reaches the host, by reading or
# by writing (tests/fs/race.c).
chmod 644 "$tmp/secret"
ino=$(stat -c %i "$tmp/secret")
race_host() {	# what the race wrote on the host, if anything
	ls "$tmp" | grep -E '^[mc][0-9]+$' | head -3
	[ -e "$tmp/victim" ] || echo "victim unlinked"
	[ "$(stat -c %a "$tmp/secret")" = 644 ] || echo "secret chmod'ed"
}
race() {	# race NAME DIR RUNNER...: the race guest must stay inside
	name=$1 dir=$2
	shift 2
	touch "$tmp/victim"
	out=$(cd "$tmp" && "$@" /fs-race "$dir" 1.5 "$tmp" "$ino" 2>"$tmp/race.err")
	host=$(race_host)
	if [ "$out" = "ops many: stayed" ] && [ -z "$host" ]; then
		pass "$name"
	else
		fail "$name" "$out $host $(cat "$tmp/race.err")"
	fi
}
mkdir -p "$tmp/bindrace" "$R/mnt/race"
race symlink-race-kernel /tmp/race-k chroot "$R"
race symlink-race "/tmp/race-fs" "$fs" -r "$R" --
race symlink-race-pair "/tmp/race-pair" "$fs" --pair -r "$R" --
race symlink-race-bind "/mnt/race/r" "$fs" -r "$R" -b "$tmp/bindrace:/mnt/race" --

# A guest's open_how or sockaddr the monitor cannot read (a thread makes
# its page unreadable now and then) fails the call, rather than letting
# the kernel have the untranslated path (tests/fs/efault.c).
out=$(cd "$tmp" && "$fs" -r "$R" -- /fs-efault 1.5 "$tmp/secret" "$tmp" 2>"$tmp/efault.err")
if [ "$out" = "ops many: stayed" ] && [ ! -e "$tmp/sock" ]; then
	pass efault-fails-closed
else
	fail efault-fails-closed "$out $(ls "$tmp/sock" 2>/dev/null) $(cat "$tmp/efault.err")"
fi

# A vfork child's chdir and chroot (posix_spawn's addchdir, Python's
# subprocess cwd=) are its own, not its parent's.
mkdir -p "$R/jail/bin" "$R/jail/etc" "$R/jail/inner/bin" "$R/jail/inner/etc" "$R/etc"
echo outer >"$R/etc/secret"
echo jail >"$R/jail/etc/secret"
echo inner >"$R/jail/inner/etc/secret"
echo jailsecret >"$R/jail/secret"
for d in jail jail/inner; do
	ln -f "$R/bin/busybox" "$R/$d/bin/busybox"
	for a in cat sh chroot; do ln -sf busybox "$R/$d/bin/$a"; done
done
for c in "spawn /tmp /bin/busybox true" "vfork /jail /secret"; do
	# shellcheck disable=SC2086
	mine=$(cd "$tmp" && "$fs" -r "$R" -- /fs-spawn $c 2>&1)
	# shellcheck disable=SC2086
	theirs=$(cd "$tmp" && chroot "$R" /fs-spawn $c 2>&1)
	same "vfork-child-${c%% *}" "$mine" "$theirs"
done
if command -v python3 >/dev/null 2>&1; then
	py='import os, subprocess
r = subprocess.run(["pwd"], cwd="/", capture_output=True, text=True)
print(r.stdout.strip(), os.getcwd())'
	mine=$(cd "$tmp" && "$fs" -- python3 -c "$py" 2>&1)
	theirs=$(cd "$tmp" && python3 -c "$py" 2>&1)
	same python-subprocess-cwd "$mine" "$theirs"
else
	skip python-subprocess-cwd "no python3"
fi

# The guest's chroot survives exec, as the kernel's does, also nested and
# through a shell's exec.
for c in "chroot /jail cat /etc/secret" \
	"chroot /jail sh -c 'cd /inner; exec chroot . cat /etc/secret'" \
	"sh -c 'cd /jail; chroot . sh -c \"exec cat /secret /etc/secret\"'"; do
	mine=$(cd "$tmp" && eval "\"\$fs\" -r \"\$R\" -- /bin/busybox $c" 2>&1)
	theirs=$(cd "$tmp" && eval "chroot \"\$R\" /bin/busybox $c" 2>&1)
	same "chroot-exec-$(printf '%s' "$c" | tr -cd 'a-z' | head -c 24)" "$mine" "$theirs"
done

# A relative --root (and --bind) names a directory from where tvisor-fs
# started, also for a program run after the guest moved elsewhere.
mine=$(cd "$tmp" && "$fs" -r root -b host:/mnt -- /bin/busybox sh -c \
	'cd /etc; /bin/busybox cat passwd /secret /mnt/hf; /bin/busybox pwd' 2>&1)
theirs=$(printf 'guestpasswd\ninside\nhostfile\n/etc')
same relative-root-exec "$mine" "$theirs"

# execveat(AT_SYMLINK_NOFOLLOW) judges the file the guest names, not the
# host's at the same path.
ln -sf /bin/busybox "$R/lnk"
for c in "/lnk echo run" "/bin/busybox echo run"; do
	# shellcheck disable=SC2086
	mine=$(cd "$tmp" && "$fs" -r "$R" -- /fs-spawn nofollow $c 2>&1)
	# shellcheck disable=SC2086
	theirs=$(cd "$tmp" && chroot "$R" /fs-spawn nofollow $c 2>&1)
	same "execveat-nofollow${c%% *}" "$mine" "$theirs"
done

# ---- issue 13: -0, -i and -k, as proot has them ---------------------------
# -k: uname shows the release, as under proot -k.
if command -v proot >/dev/null 2>&1; then
	mine=$(cd "$tmp" && "$fs" -k 9.8.7-tv -r "$R" -w / -- /bin/busybox uname -srm 2>&1)
	theirs=$(cd "$tmp" && proot -k 9.8.7-tv -r "$R" -w / /bin/busybox uname -srm 2>&1)
	case $mine in
	*" 9.8.7-tv "*) same proot-kernel-release "$mine" "$theirs" ;;
	*) fail proot-kernel-release "got '$mine'" ;;
	esac
else
	skip proot-kernel-release "no proot"
fi
long=$(awk 'BEGIN { for (i = 0; i < 65; i++) printf "9" }')
"$fs" -k "$long" -- /probe >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && pass kernel-release-too-long || fail kernel-release-too-long "status $rc"

# -l: hard links made of symbolic links.  The same commands natively
# (chroot(8): real hard links) and under -l: link counts (ls -l, stat),
# what is written through one name read through another, unlink of the
# first name, rename within and across directories and over a name,
# link's errors, cp -a and tar of hard links (readdir does not list the
# hidden files), and the hidden file gone with the last name.  Without
# -l, link(2) is the kernel's, as natively.  On the host, -l's names are
# symbolic links to one hidden file; without -l, a real link.
if chroot "$R" /bin/busybox true 2>/dev/null; then
	L=$tmp/l2s
	mkdir -p "$L/bin" "$L/w"
	cp /bin/busybox "$L/bin/busybox"
	for a in sh cat ls ln rm mv mkdir stat readlink sed awk cp tar [ wc; do ln -s busybox "$L/bin/$a"; done
	cat >"$L/scen" <<'END'
cd "${1:-/w}" || exit 1
echo hello >a
ln a b; echo "ln $?"
ls -l a b | awk '{ print $1, $2, $NF }'
stat -c '%h %F %s %n' a b
echo more >>b
cat a
readlink b; echo "readlink $?"
rm a
cat b
stat -c '%h %F %n' b
ln b c && ln c d; stat -c '%h %n' b c d
rm c; stat -c '%h %n' b d
mv d e; cat e; stat -c '%h %n' b e
mkdir sub; ln b sub/x; cat sub/x; stat -c '%h %n' b sub/x e
mv e sub/y; cat sub/y; stat -c '%h %n' sub/y
mv sub/y b; stat -c '%h %n' b sub/x; ls
ln b b 2>&1 | sed 's/.*: //'; ln nothere z 2>&1 | sed 's/.*: //'
ln sub q 2>&1 | sed 's/.*: //'
echo z >z; ln z z2; echo w >w1; mv w1 z2; stat -c '%h %n' z z2; cat z2
rm b sub/x; ls sub; rm sub/y z z2; ls -A
mkdir t; echo x >t/a; ln t/a t/b; cp -a t t2; stat -c '%h %n' t2/a t2/b
tar cf x.tar t; mkdir u; tar xf x.tar -C u; stat -c '%h %n' u/t/a u/t/b; cat u/t/b
ls -A t; rm -r t t2 u x.tar; ls -A
END
	theirs=$(cd "$tmp" && chroot "$L" /bin/sh /scen 2>&1)
	for o in -l ""; do
		rm -rf "$L/w" && mkdir "$L/w"
		# shellcheck disable=SC2086
		mine=$(cd "$tmp" && "$fs" $o -r "$L" -- /bin/sh /scen 2>&1)
		same "kernel-link${o:-"-without-l"}" "$mine" "$theirs"
		same "link-host-clean${o:-"-without-l"}" "$(ls -A "$L/w")" sub
	done
	# Reads of the directory that return hidden names alone (a buffer of
	# one or two records, tests/fs/dents.c) do not end the listing early.
	cp "$build/guests/fs-dents" "$L/fs-dents"
	cmds='cd /w && mkdir d e && i=1 && while [ $i -le 40 ]; do echo $i >d/f$i;
	ln d/f$i e/f$i; rm d/f$i; i=$((i + 1)); done; echo >d/zz; /fs-dents /w/d;
	ls e | wc -l; rm -r e; /fs-dents /w/d'
	rm -rf "$L/w" && mkdir "$L/w"
	theirs=$(cd "$tmp" && chroot "$L" /bin/sh -c "$cmds" 2>&1)
	rm -rf "$L/w" && mkdir "$L/w"
	mine=$(cd "$tmp" && "$fs" -l -r "$L" -- /bin/sh -c "$cmds" 2>&1)
	same kernel-link2symlink-dents "$mine" "$theirs"
	# The host's programs (coreutils' ls, stat, mv's same-file check),
	# without --root.
	mkdir "$tmp/l2s-n" "$tmp/l2s-h"
	theirs=$(sh "$L/scen" "$tmp/l2s-n" 2>&1)
	mine=$("$fs" -l -- sh "$L/scen" "$tmp/l2s-h" 2>&1)
	same host-link2symlink "$mine" "$theirs"
	for o in -l ""; do
		rm -rf "$L/w" && mkdir "$L/w"
		# shellcheck disable=SC2086
		"$fs" $o -r "$L" -- /bin/sh -c 'cd /w && echo x >p && ln p q' >/dev/null 2>&1
		mine=$(cd "$L/w" && stat -c '%h %F %n' p q && ls -A | grep -c '^\.l2s\.[0-9]*$')
		case $o in
		-l) want="1 symbolic link p
1 symbolic link q
1" ;;
		*) want="2 regular file p
2 regular file q
0" ;;
		esac
		same "link-host${o:-"-without-l"}" "$mine" "$want"
	done
	# The calls themselves, by a program of the host, without --root:
	# fstat of an open name, lstat, O_NOFOLLOW, readlink's error, samefile,
	# rename of one name over another of the same file, linkat with
	# AT_SYMLINK_FOLLOW through a symbolic link.
	if command -v python3 >/dev/null 2>&1; then
		py='import os, stat
open("a", "w").write("x")
os.link("a", "b")
fd = os.open("b", os.O_RDONLY | os.O_NOFOLLOW)
print(os.stat("b").st_nlink, os.lstat("b").st_nlink, os.fstat(fd).st_nlink,
      stat.S_ISREG(os.lstat("b").st_mode), os.path.samefile("a", "b"))
try:
    os.readlink("b")
except OSError as e:
    print("readlink", e.strerror)
os.rename("a", "b")
print(sorted(n for n in os.listdir(".") if not n.startswith(".")), os.stat("b").st_nlink)
os.symlink("b", "s")
os.link("s", "c", src_dir_fd=os.open(".", os.O_RDONLY), follow_symlinks=True)
print(os.lstat("c").st_nlink, os.path.islink("c"), open("c").read())
os.unlink("b"); os.unlink("a"); os.unlink("s")
print(os.stat("c").st_nlink, os.fstat(fd).st_nlink)'
		mkdir "$tmp/l2s-native" "$tmp/l2s-py"
		theirs=$(cd "$tmp/l2s-native" && python3 -c "$py" 2>&1)
		mine=$(cd "$tmp/l2s-py" && "$fs" -l -- python3 -c "$py" 2>&1)
		same kernel-link2symlink-calls "$mine" "$theirs"
	else
		skip kernel-link2symlink-calls "no python3"
	fi
else
	skip kernel-link2symlink "chroot(8) does not work here"
fi

# -0 and -i run as an unprivileged user (uid 65534) on a copy of the root
# that it owns: what proot -0 and -i show, and where proot does not go so
# far (the ids set*id sets, chown and chmod remembered) what root sees
# natively.
# (busybox's setpriv, in the arm64 VM, cannot change ids: python3 can.)
become='import os, sys
os.setgroups([]); os.setgid(65534); os.setuid(65534); os.execvp(sys.argv[1], sys.argv[1:])'
asuser() {
	if [ "$as" = setpriv ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else
		python3 -c "$become" "$@"
	fi
}
as=
if [ "$(id -u)" = 0 ]; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
		as=setpriv
	elif python3 -c "$become" true 2>/dev/null; then
		as=python3
	fi
fi
if [ -z "$as" ]; then
	skip fake-ids "needs root, and setpriv(1) or python3 to run as an unprivileged user"
else
	U=$tmp/uroot
	reset_tmp
	cp -a "$R" "$U"
	chown -R 65534:65534 "$U"
	chmod 755 "$tmp"
	# Ids and the owners of the user's files, and whether chown succeeds.
	if command -v proot >/dev/null 2>&1; then
		for o in -0 "-i 1000:1001"; do
			cmds='id; stat -c "%u:%g %a %n" / /etc/passwd /bin/busybox; cd /tmp;
			echo x >f; chown 0:0 f; echo "chown $?"; chgrp 7 f; echo "chgrp $?";
			chmod 640 f; echo "chmod $?"; chown 1000 f; echo "chown $?"'
			# shellcheck disable=SC2086
			mine=$(cd / && asuser "$fs" $o -r "$U" -- /bin/busybox sh -c "$cmds" 2>&1)
			rm -f "$U/tmp/f"
			# shellcheck disable=SC2086
			theirs=$(cd / && asuser proot $o -r "$U" /bin/busybox sh -c "$cmds" 2>&1)
			rm -f "$U/tmp/f"
			same "proot-ids${o%% *}" "$mine" "$theirs"
		done
	else
		skip proot-ids "no proot"
	fi
	# set*id and setgroups change what get*id say, by the kernel's rules:
	# as root natively.  (proot -0 does the same but for getgroups.)
	if command -v python3 >/dev/null 2>&1; then
		py='import os
os.setgroups([4, 5]); os.setresgid(7, 8, 9); print(os.getresgid(), os.getgroups())
os.setresuid(1, 2, 0); print(os.getresuid(), os.geteuid())
for f in (lambda: os.setuid(55), lambda: os.setresuid(-1, 0, -1), lambda: os.setuid(3),
          lambda: os.setuid(0), lambda: os.setgroups([1])):
    try:
        f(); print(os.getresuid())
    except OSError as e:
        print(e)'
		mine=$(cd / && asuser "$fs" -0 -- python3 -c "$py" 2>&1)
		theirs=$(cd / && python3 -c "$py" 2>&1)
		same kernel-setids "$mine" "$theirs"
		# The table crosses fork and exec, also when the program closes
		# every descriptor it does not know first (close, close_range,
		# dup2 over them), as Python's subprocess does.
		py='import os, subprocess
open("x", "w").close(); os.chown("x", 5, 6)
st = ["stat", "-c", "%u:%g %n", "x"]
print(subprocess.run(st, capture_output=True, text=True).stdout.strip())
for fd in range(3, 2000):
    try:
        os.close(fd)
    except OSError:
        pass
os.closerange(3, 100000)
for fd in (1023, 1024, 4000):
    os.dup2(1, fd)
print(subprocess.run(st, capture_output=True, text=True).stdout.strip(), flush=True)
os.execvp("stat", st)'
		mkdir "$tmp/native"
		mine=$(cd "$U/tmp" && asuser "$fs" -0 -- python3 -c "$py" 2>&1)
		theirs=$(cd "$tmp/native" && python3 -c "$py" 2>&1)
		same kernel-fake-ids-exec "$mine" "$theirs"
	else
		skip kernel-setids "no python3"
	fi
	# tar xpf of root's files: the owners, modes and set-id bits it sets
	# are what stat shows afterwards, in other processes and programs,
	# as for root; a directory without write permission can be written
	# (root may).  On the host the files stay the user's, without set-id
	# bits.
	A=$tmp/tarsrc
	mkdir -p "$A/d/ro" "$A/d/sub"
	echo a >"$A/d/suid" && chown 0:0 "$A/d/suid" && chmod 4755 "$A/d/suid"
	echo b >"$A/d/other" && chown 5:6 "$A/d/other" && chmod 640 "$A/d/other"
	echo c >"$A/d/sub/none" && chown 7:0 "$A/d/sub/none" && chmod 0 "$A/d/sub/none"
	chown 0:5 "$A/d/ro" && chmod 555 "$A/d/ro"
	ln -s suid "$A/d/link"
	chown -h 9:9 "$A/d/link"
	tar -C "$A" -cf "$R/a.tar" d
	cp "$R/a.tar" "$U/a.tar"
	cmds='cd /tmp && busybox tar -xpf /a.tar && echo y >d/ro/new && echo wrote;
	busybox find d | busybox sort | busybox xargs busybox stat -c "%n %u:%g %a %F";
	busybox sh -c "busybox ls -ln d/suid"; chmod u-s d/suid; busybox stat -c "%n %u:%g %a" d/suid'
	mine=$(cd / && asuser "$fs" -0 -r "$U" -- /bin/busybox sh -c "$cmds" 2>&1)
	reset_tmp
	theirs=$(cd / && chroot "$R" /bin/busybox sh -c "$cmds" 2>&1)
	same kernel-tar-xp "$mine" "$theirs"
	host=$(find "$U/tmp/d" ! -user 65534 -o -perm -4000 -o -perm -2000 2>&1)
	[ -z "$host" ] && pass fake-ids-host-untouched || fail fake-ids-host-untouched "$host"
	# A removed file's entry goes with it: a new file that gets its inode
	# shows its own owner (as does one renamed over it); a hard link keeps
	# the entry.
	cmds='mkdir /tmp/rm && cd /tmp/rm && echo a >a && chown 5:6 a && chmod 4711 a;
	busybox stat -c "%n %u:%g %a" a; rm a; echo b >b; busybox stat -c "%n %u:%g %a" b;
	echo c >c; chown 7 c; mv b c; busybox stat -c "%n %u:%g %a" c;
	echo d >d; ln d e; chown 9 d; rm d; busybox stat -c "%n %u:%g %a" e'
	mine=$(cd / && asuser "$fs" -0 -r "$U" -- /bin/busybox sh -c "$cmds" 2>&1)
	theirs=$(cd / && chroot "$R" /bin/busybox sh -c "$cmds" 2>&1)
	same kernel-fake-ids-unlink "$mine" "$theirs"
	# The table is the session's: a new one starts empty.
	mine=$(cd / && asuser "$fs" -0 -r "$U" -- /bin/busybox stat -c "%u:%g %a" /tmp/d/other 2>&1)
	same fake-ids-session "$mine" "0:0 640"
	# --state FILE: what chown, chmod and mknod set in one session is
	# what stat shows in the next (a new tvisor-fs process); without the
	# file it is gone.  A second session while one runs, and a file that
	# is not a state file (its header or its size), get one line and
	# status 2.
	S=$U/state
	mkdir "$U/st"
	chown 65534 "$U/st"
	cmds='umask 022; echo s >s && chown 123:45 s && chmod 4711 s && mknod p p && chown 7:8 p &&
	echo done'
	st='stat -c "%n %u:%g %a %F" s p'
	mine=$(cd "$U/st" && asuser "$fs" -0 --state "$S" -- sh -c "$cmds" 2>&1)
	same state-session1 "$mine" done
	mine=$(cd "$U/st" && asuser "$fs" -0 --state "$S" -- sh -c "$st" 2>&1)
	same state-session2 "$mine" "s 123:45 4711 regular file
p 7:8 644 fifo"
	mine=$(cd "$U/st" && asuser "$fs" -0 -- sh -c "$st" 2>&1)
	same state-without "$mine" "s 0:0 711 regular file
p 0:0 644 fifo"
	mkfifo "$U/ready" "$U/go"
	chown 65534 "$U/ready" "$U/go"
	(cd / && asuser "$fs" -0 --state "$S" -- sh -c "echo >$U/ready; read x <$U/go" \
		>/dev/null 2>&1 &)
	read -r x <"$U/ready"
	mine=$(cd / && asuser "$fs" -0 --state "$S" -- true 2>&1; echo "status $?")
	echo >"$U/go"
	same state-in-use "$mine" "tvisor-fs: --state '$S': in use by another session
status 2"
	cp "$S" "$U/bad"
	printf 'XXXX' | dd of="$U/bad" conv=notrunc 2>/dev/null
	cp "$S" "$U/short"
	truncate -s 4096 "$U/short"
	chown 65534 "$U/bad" "$U/short"
	for f in bad short; do
		mine=$(cd / && asuser "$fs" -0 --state "$U/$f" -- true 2>&1; echo "status $?")
		same "state-$f" "$mine" "tvisor-fs: --state '$U/$f': not a tvisor-fs state file \
(wrong size or header)
status 2"
	done
	mine=$(cd / && "$fs" --state "$S" -- true 2>&1; echo "status $?")
	same state-needs-ids "$mine" "tvisor-fs: --state needs -0 or -i
status 2"
fi
out=$("$fs" --help 2>&1)
missing=
for o in "-r, --root" "-w, --cwd" "-b, --bind" "-0, --root-id" "-i, --change-id" \
	"-k, --kernel-release" "--state FILE" "-l, --link2symlink"; do
	printf '%s\n' "$out" | grep -q -- "$o" || missing="$missing '$o'"
done
[ -z "$missing" ] && pass help-options || fail help-options "--help lacks$missing"
"$fs" -i 5 -- /probe >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && pass change-id-bad || fail change-id-bad "status $rc"

# ---- usage errors ------------------------------------------------------------
"$fs" -r "$tmp/nothere" -- /probe >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "root" "$tmp/err" && pass bad-root || fail bad-root "status $rc"
"$fs" -r "$tmp/secret" -- /probe >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && pass root-not-dir || fail root-not-dir "status $rc"
"$fs" -b "$tmp/nothere:/x" -- /probe >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && pass bad-bind || fail bad-bind "status $rc"
"$fs" --root >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && pass option-needs-value || fail option-needs-value "status $rc"
exit 0
