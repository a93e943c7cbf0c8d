#!/bin/bash
# ci/deps-aarch64.sh — install and fetch what the arm64 qemu harness needs.
#
# Idempotent; safe to run again (it only downloads what changed). Needs root for
# the apt-get install step (skipped when everything is already installed).
#
#   host packages   gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
#                   qemu-user qemu-user-static cpio   (apt-get install
#                   --no-install-recommends; qemu-user-static for tvisor-fs -q)
#   arm64 .debs     linux-image-<abi>-cloud-arm64 (the one the metapackage
#                   linux-image-cloud-arm64 points to), busybox-static, musl,
#                   musl-dev — fetched with `apt-get download` into the cache and
#                   unpacked there with dpkg-deb -x (never installed on the host)
#
# Environment:
#   TVISOR_CI_CACHE       cache dir (default /var/cache/tvisor-ci)
#   TVISOR_CI_KERNEL_PKG  use this kernel package instead of the metapackage's
#   TVISOR_CI_NO_MUSL=1   skip the musl arm64 packages
#
# Output: KEY=VALUE lines on stdout (also written to $TVISOR_CI_CACHE/env.sh,
# which ci/qemu-aarch64.sh and ci/selftest-aarch64.sh source). Progress goes to
# stderr.
set -eu

CACHE=${TVISOR_CI_CACHE:-/var/cache/tvisor-ci}
HOST_PKGS="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm qemu-user qemu-user-static cpio"

log() { printf 'deps-aarch64: %s\n' "$*" >&2; }
die() { printf 'deps-aarch64: error: %s\n' "$*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
APT_OPTS="-q -y -o Dpkg::Use-Pty=0"

is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=0
apt_update() {
    [ "$apt_updated" = 0 ] || return 0
    is_root || die "apt-get update needs root (run as root, or install the packages by hand)"
    log "apt-get update"
    apt-get $APT_OPTS update >&2 || die "apt-get update failed"
    apt_updated=1
}

# 1. arm64 as a foreign architecture (needed to see the :arm64 packages)
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    is_root || die "dpkg --add-architecture arm64 needs root"
    log "dpkg --add-architecture arm64"
    dpkg --add-architecture arm64
    apt_update
fi

# candidates PKG... — print "PKG VERSION" for each package apt has a candidate for
# (one apt-cache call: each costs about a second)
candidates() {
    apt-cache policy "$@" 2>/dev/null | awk '
        /^[^ ].*:$/ { p = substr($0, 1, length($0) - 1); next }
        /^ *Candidate: / { if ($2 != "(none)") print p, $2 }'
}
ARM64_PKGS="linux-image-cloud-arm64:arm64 busybox-static:arm64 musl:arm64 musl-dev:arm64"
cands=$(candidates $ARM64_PKGS)
if ! printf '%s\n' "$cands" | grep -q '^busybox-static:arm64 ' ||
   ! printf '%s\n' "$cands" | grep -q '^linux-image-cloud-arm64:arm64 '; then
    apt_update
    cands=$(candidates $ARM64_PKGS)
fi
has_candidate() { [ -n "$(candidates "$1")" ]; }

# 2. host packages
missing=""
for p in $HOST_PKGS; do
    st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    case "$st" in ii*) ;; *) missing="$missing $p" ;; esac
done
if [ -n "$missing" ]; then
    is_root || die "missing host packages:$missing (apt-get install needs root)"
    for p in $missing; do has_candidate "$p" || { apt_update; break; }; done
    log "apt-get install --no-install-recommends$missing"
    apt-get $APT_OPTS install --no-install-recommends $missing >&2 ||
        die "apt-get install failed for:$missing"
fi
for t in aarch64-linux-gnu-gcc qemu-system-aarch64 qemu-aarch64 cpio gzip dpkg-deb; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found after install"
done

# 3. arm64 packages: download + extract into the cache
mkdir -p "$CACHE/debs" "$CACHE/root" || die "cannot create $CACHE (set TVISOR_CI_CACHE)"

candidate() {   # candidate PKG:ARCH — print the candidate version
    v=$(printf '%s\n' "$cands" | awk -v p="$1" '$1 == p { print $2; exit }')
    [ -n "$v" ] || v=$(candidates "$1" | awk '{ print $2; exit }')
    printf '%s\n' "$v"
}

# fetch PKG:arm64 → prints the extraction dir. Re-uses a .deb/extraction of the
# same version. If the registry cannot be reached, falls back to any cached
# version of the package (with a warning).
fetch() {
    pkg=$1; name=${pkg%%:*}
    ver=$(candidate "$pkg")
    if [ -z "$ver" ]; then
        apt_update
        cands=$(candidates $ARM64_PKGS "$pkg")
        ver=$(candidate "$pkg")
    fi
    [ -n "$ver" ] || return 1
    fver=$(printf '%s' "$ver" | sed 's/:/%3a/g')
    deb="$CACHE/debs/${name}_${fver}_arm64.deb"
    dest="$CACHE/root/$name"
    if [ -f "$dest/.tvisor-version" ] && [ "$(cat "$dest/.tvisor-version")" = "$ver" ]; then
        printf '%s\n' "$dest"; return 0
    fi
    if [ ! -s "$deb" ]; then
        log "apt-get download $name:arm64=$ver"
        if ! (cd "$CACHE/debs" && apt-get -q -o APT::Sandbox::User=root download "$name:arm64=$ver" >&2); then
            # the mirror may have dropped an old version: refresh the lists once
            if [ "$apt_updated" = 0 ] && is_root; then
                apt_update
                cands=$(candidates $ARM64_PKGS "$pkg")
                fetch "$pkg"; return $?
            fi
            if [ -f "$dest/.tvisor-version" ]; then
                log "warning: download of $name failed; using cached $(cat "$dest/.tvisor-version")"
                printf '%s\n' "$dest"; return 0
            fi
            return 1
        fi
    fi
    [ -s "$deb" ] || { log "expected $deb after download"; return 1; }
    log "extracting $(basename "$deb")"
    rm -rf "$dest.tmp" && mkdir -p "$dest.tmp"
    dpkg-deb -x "$deb" "$dest.tmp" || { rm -rf "$dest.tmp"; return 1; }
    printf '%s\n' "$ver" > "$dest.tmp/.tvisor-version"
    rm -rf "$dest" && mv "$dest.tmp" "$dest"
    # drop older .debs of this package
    for old in "$CACHE/debs/${name}_"*_arm64.deb; do
        [ "$old" = "$deb" ] || rm -f "$old"
    done
    printf '%s\n' "$dest"
}

# the kernel: the dependency of the metapackage linux-image-cloud-arm64
kpkg=${TVISOR_CI_KERNEL_PKG:-}
if [ -z "$kpkg" ]; then
    kpkg=$(apt-cache show --no-all-versions linux-image-cloud-arm64:arm64 2>/dev/null |
           sed -n 's/^Depends: //p' | tr ',' '\n' |
           sed -n 's/^ *\(linux-image-[0-9][^ ]*-cloud-arm64\).*/\1/p' | head -n1)
    if [ -z "$kpkg" ]; then
        # no lists (offline?) — reuse what is cached
        kpkg=$(ls -d "$CACHE"/root/linux-image-*-cloud-arm64 2>/dev/null | sed 's|.*/||' | sort -V | tail -n1)
    fi
    [ -n "$kpkg" ] || die "cannot resolve the kernel package behind linux-image-cloud-arm64:arm64 (try: apt-get update; apt-cache search linux-image cloud-arm64)"
fi
kroot=$(fetch "$kpkg:arm64") || die "cannot download/extract $kpkg:arm64"
vmlinuz=$(ls "$kroot"/boot/vmlinuz-* 2>/dev/null | head -n1)
[ -n "$vmlinuz" ] && [ -f "$vmlinuz" ] || die "no /boot/vmlinuz-* in $kpkg"
kver=$(cat "$kroot/.tvisor-version")
kconfig=$(ls "$kroot"/boot/config-* 2>/dev/null | head -n1)
if [ -n "$kconfig" ]; then
    grep -q '^CONFIG_SECCOMP_FILTER=y' "$kconfig" || die "$kpkg has no CONFIG_SECCOMP_FILTER"
    grep -q '^CONFIG_SERIAL_AMBA_PL011_CONSOLE=y' "$kconfig" || die "$kpkg has no built-in PL011 console"
fi

bbroot=$(fetch busybox-static:arm64) || die "cannot download/extract busybox-static:arm64"
busybox="$bbroot/bin/busybox"
[ -x "$busybox" ] || die "no bin/busybox in busybox-static:arm64"

# musl for arm64. Debian 12 has no musl cross package (no musl-*-arm64-cross);
# musl-dev:arm64 is Multi-Arch: same and its own aarch64-linux-musl-gcc wrapper
# drives the host's aarch64-linux-gnu-gcc with a specs file. Unpacked here, the
# specs' absolute paths are rewritten to the cache dir.
musl_root=""; musl_gcc=""; musl_ldso=""
if [ "${TVISOR_CI_NO_MUSL:-0}" != 1 ]; then
    if mroot=$(fetch musl:arm64) && mdevroot=$(fetch musl-dev:arm64); then
        musl_root="$CACHE/musl-aarch64"
        stamp="$(cat "$mroot/.tvisor-version") $(cat "$mdevroot/.tvisor-version")"
        if [ ! -f "$musl_root/.tvisor-version" ] || [ "$(cat "$musl_root/.tvisor-version")" != "$stamp" ]; then
            log "setting up the musl arm64 cross wrapper in $musl_root"
            rm -rf "$musl_root" && mkdir -p "$musl_root/bin" "$musl_root/include"
            cp -a "$mroot/." "$mdevroot/." "$musl_root/"
            rm -f "$musl_root/usr/bin/musl-gcc" "$musl_root/usr/bin/aarch64-linux-musl-gcc"
            # kernel UAPI headers (linux/, asm/, asm-generic/) from linux-libc-dev-arm64-cross;
            # musl's specs use -nostdinc, so they are linked into an include dir of their own
            for h in linux asm asm-generic mtd rdma scsi sound video xen misc drm; do
                [ -d "/usr/aarch64-linux-gnu/include/$h" ] &&
                    ln -s "/usr/aarch64-linux-gnu/include/$h" "$musl_root/include/$h"
            done
            sed -e "s|/usr/include/aarch64-linux-musl|$musl_root/usr/include/aarch64-linux-musl -isystem $musl_root/include|g" \
                -e "s|/usr/lib/aarch64-linux-musl|$musl_root/usr/lib/aarch64-linux-musl|g" \
                "$mdevroot/usr/lib/aarch64-linux-musl/musl-gcc.specs" > "$musl_root/musl-gcc.specs"
            cat > "$musl_root/bin/aarch64-linux-musl-gcc" <<EOF
#!/bin/sh
# generated by ci/deps-aarch64.sh: aarch64 musl cross compiler (static or dynamic;
# dynamic binaries need /lib/ld-musl-aarch64.so.1 on the target)
exec "\${REALGCC:-aarch64-linux-gnu-gcc}" "\$@" -specs "$musl_root/musl-gcc.specs"
EOF
            chmod +x "$musl_root/bin/aarch64-linux-musl-gcc"
            printf '%s\n' "$stamp" > "$musl_root/.tvisor-version"
        fi
        musl_gcc="$musl_root/bin/aarch64-linux-musl-gcc"
        musl_ldso="$musl_root/lib/aarch64-linux-musl/libc.so"
    else
        log "warning: musl:arm64/musl-dev:arm64 not available; no musl cross compiler"
    fi
fi

glibc_lib=/usr/aarch64-linux-gnu/lib
[ -f "$glibc_lib/ld-linux-aarch64.so.1" ] || die "$glibc_lib/ld-linux-aarch64.so.1 missing (libc6-arm64-cross)"

env_file="$CACHE/env.sh"
env_text=$(
    printf '# generated by ci/deps-aarch64.sh\n'
    printf "TVISOR_CI_KERNEL_PKG='%s'\n" "$kpkg"
    printf "TVISOR_CI_KERNEL_VERSION='%s'\n" "$kver"
    printf "TVISOR_CI_VMLINUZ='%s'\n" "$vmlinuz"
    printf "TVISOR_CI_BUSYBOX='%s'\n" "$busybox"
    printf "TVISOR_CI_GLIBC_LIB='%s'\n" "$glibc_lib"
    printf "TVISOR_CI_MUSL_GCC='%s'\n" "$musl_gcc"
    printf "TVISOR_CI_MUSL_LDSO='%s'\n" "$musl_ldso"
)
if [ ! -f "$env_file" ] || [ "$(cat "$env_file")" != "$env_text" ]; then
    { printf '%s\n' "$env_text" > "$env_file.tmp" && mv "$env_file.tmp" "$env_file"; } 2>/dev/null ||
        die "cannot write $env_file (run as root, or set TVISOR_CI_CACHE to a writable dir)"
fi
printf '%s\n' "$env_text" | grep -v '^#'
log "ok: $env_file"
