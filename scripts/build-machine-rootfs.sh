#!/usr/bin/env bash
# Builds the root file system of a container "machine" for the cluster system tests: a Debian stand-in's
# userland plus a role provisioned by the same image scripts the Packer templates run (install-packages.sh,
# configure-services.sh, seal.sh, then hygiene-check.sh on the result), so that what the tests boot is what
# pgha bakes. Only what a container cannot have differs from the VM image: no kernel or boot loader, and a
# cloud-init drop-in (NoCloud seed directory, network left to Docker).
#
# Usage: scripts/build-machine-rootfs.sh ROLE OUTPUT.tar SCRIPTS PACKAGE...      (run as root)
#   SCRIPTS: a folder with the image scripts as a render writes them (DIR/packer/scripts/: assets/image/ filled in).
#   PACKAGE: the role's packages as the flavour lists them (flavors/debian-12.json, debian-13.json).
#   PGHA_SUITE: the Debian release, bookworm (default, the debian-12 flavour) or trixie (debian-13).
#   PGHA_PATRONI_RELEASE with PGHA_ROOTFS_BASE: for the test variant that runs the production target's Patroni,
#     the postgres rootfs PGHA_ROOTFS_BASE (built by this script for the same flavour) with an upstream Patroni
#     release installed over Debian's (scripts/install-vendored-patroni.sh), then checked again: a minute
#     instead of a second mmdebstrap.
# OUTPUT.tar is a tarball for `docker import`; OUTPUT.tar.recipe holds the recipe hash (this script, the
# image scripts, the suite, the packages; for a variant, the base's recipe and the release). When it matches,
# the script prints "rootfs up to date: OUTPUT" and exits 0.
set -euo pipefail

readonly SUITE=${PGHA_SUITE:-bookworm}
readonly PATRONI_RELEASE=${PGHA_PATRONI_RELEASE:-}
readonly ROOTFS_BASE=${PGHA_ROOTFS_BASE:-}
readonly MIRROR=http://deb.debian.org/debian
readonly SECURITY_MIRROR=http://deb.debian.org/debian-security
# The stand-in base image's userland (scripts/build-base-image.sh) without kernel, boot loader, udev, resolved and sshd.
readonly BASE_PACKAGES=(systemd-sysv dbus cloud-init ca-certificates python3 sudo iproute2
  iputils-ping curl gnupg apt-utils less procps)
# Units a container does not need or cannot run: devices are Docker's, and so is the network.
readonly MASKED_UNITS=(systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket
  systemd-udev-trigger.service systemd-udev-settle.service systemd-networkd-wait-online.service
  systemd-timesyncd.service getty@tty1.service console-getty.service
  apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer
  systemd-remount-fs.service sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount)

self=$(readlink -f "${BASH_SOURCE[0]}")

log() { printf '[machine-rootfs] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=scripts/rootfs-lib.sh
. "$(dirname "$self")/rootfs-lib.sh"

# Runs inside mmdebstrap's customize hook: $1 = root of the new system, $2 = role, $3 = the scripts, then the packages.
customize_root() {
  local root=$1 role=$2 scripts=$3
  shift 3
  local build=/var/tmp/pgha-machine-build
  mkdir -p "$root$build"
  cp "$scripts"/*.sh "$root$build/"
  chroot "$root" bash "$build/install-packages.sh" "$@"
  chroot "$root" bash "$build/configure-services.sh" "$role"

  echo 'LANG=C.UTF-8' >"$root/etc/default/locale"
  cat >"$root/etc/cloud/cloud.cfg.d/90-pgha-container.cfg" <<'CFG'
# pgha container machine: the node's seed is in /var/lib/cloud/seed/nocloud; Docker owns the addresses.
datasource_list: [ NoCloud, None ]
network: {config: disabled}
CFG
  chroot "$root" systemctl mask "${MASKED_UNITS[@]}" >/dev/null 2>&1
  chroot "$root" passwd -l root >/dev/null
  chroot "$root" bash "$build/seal.sh"
  rm -rf "$root$build"
  rm -f "$root/var/lib/dbus/machine-id"
  ln -s /etc/machine-id "$root/var/lib/dbus/machine-id"
  bash "$scripts/hygiene-check.sh" --root "$root" --role "$role" -- "$@"
}

# The variant: the base rootfs unpacked, the release installed in it, the hygiene check again, packed.
derive_root() {
  local root=$1 role=$2 scripts=$3
  shift 3
  local build=/var/tmp/pgha-machine-build
  tar -xpf "$ROOTFS_BASE" -C "$root" --numeric-owner
  mkdir -p "$root$build"
  cp "$PATRONI_RELEASE" "$(dirname "$PATRONI_RELEASE")/SHA256SUMS" "$(dirname "$self")/install-vendored-patroni.sh" "$root$build/"
  mount -t proc proc "$root/proc"
  local rc=0
  chroot "$root" bash "$build/install-vendored-patroni.sh" "$build/$(basename "$PATRONI_RELEASE")" >&2 || rc=$?
  umount "$root/proc"
  ((rc == 0)) || die "installing $(basename "$PATRONI_RELEASE") failed"
  rm -rf "$root$build" "$root/root/.cache"
  bash "$scripts/hygiene-check.sh" --root "$root" --role "$role" -- "$@"
}

if [[ ${1:-} == __customize ]]; then
  shift
  customize_root "$@"
  exit 0
fi

usage='usage: build-machine-rootfs.sh ROLE OUTPUT.tar SCRIPTS PACKAGE...'
role=${1:?$usage}
out=${2:?$usage}
scripts=$(cd "${3:?$usage}" && pwd)
shift 3
(($# > 0)) || die "no packages given for role $role"
[[ $out == *.tar ]] || die "output must end in .tar: $out"
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

[[ $SUITE == bookworm || $SUITE == trixie ]] || die "PGHA_SUITE $SUITE: bookworm or trixie"
if [[ -n $PATRONI_RELEASE ]]; then
  [[ $role == postgres && -s $ROOTFS_BASE && -s $ROOTFS_BASE.recipe ]] ||
    die "PGHA_PATRONI_RELEASE needs role postgres and PGHA_ROOTFS_BASE, a postgres rootfs built by this script"
fi
recipe=$( {
  cat "$self" "$(dirname "$self")/rootfs-lib.sh" "$scripts"/*.sh
  printf '%s\n' "$SUITE" "$role" "$@"
  [[ -z $PATRONI_RELEASE ]] || { cat "$ROOTFS_BASE.recipe"; sha256sum "$PATRONI_RELEASE" "$(dirname "$self")/install-vendored-patroni.sh" | cut -d' ' -f1; }
} | sha256sum | cut -d' ' -f1)
begin_build "$out" "$recipe"
tmp=$out.partial
trap 'rm -f "$tmp"' EXIT
start=$SECONDS
if [[ -n $PATRONI_RELEASE ]]; then
  log "building $SUITE $role rootfs (recipe ${recipe:0:12}): $(basename "$ROOTFS_BASE") + $(basename "$PATRONI_RELEASE")"
  work=$(mktemp -d /var/tmp/pgha-machine-derive.XXXXXX)
  # under set -e a failing command in the trap would become the exit status: the umount fails when proc is gone
  trap 'umount "$work/proc" 2>/dev/null || true; mountpoint -q "$work/proc" || rm -rf --one-file-system "$work"; rm -f "$tmp"' EXIT
  derive_root "$work" "$role" "$scripts" "$@"
  tar -C "$work" --numeric-owner -cf "$tmp" .
  finish_build "$tmp" "$out" "$recipe" "$start"
  exit 0
fi
log "building $SUITE $role rootfs (recipe ${recipe:0:12}): ${#BASE_PACKAGES[@]} base packages + $*"
include=$(IFS=,; echo "${BASE_PACKAGES[*]}")
hook="\"$self\" __customize \"\$1\" $role \"$scripts\""
for p in "$@"; do hook+=" $p"; done
mmdebstrap --mode=root --variant=minbase --components=main --include="$include" --format=tar \
  --aptopt='Acquire::Retries "3"' --customize-hook="$hook" \
  "$SUITE" "$tmp" \
  "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main" >&2
finish_build "$tmp" "$out" "$recipe" "$start"
