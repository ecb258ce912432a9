#!/usr/bin/env bash
# Builds a bootable Debian 12 (bookworm) or, with PGHA_SUITE=trixie, Debian 13 amd64 cloud image in qcow2
# with mmdebstrap, from Debian's mirror: the local stand-ins for the Ubuntu 24.04 cloud image. It behaves like a cloud image:
# cloud-init with the NoCloud datasource, networking rendered by netplan for systemd-networkd
# (DHCP on the first NIC when no network-config is given), openssh-server whose host keys are made
# at first boot, growpart/resize2fs for a disk that Packer enlarges, and no per-machine identity
# (empty /etc/machine-id, no SSH host keys, no /var/lib/cloud, no users, root password locked).
#
# Disk: 2 GiB, one MBR (msdos) partition, ext4 root mounted by UUID, extlinux as the boot loader
# (it boots the /vmlinuz and /initrd.img links, so kernel upgrades need no boot loader update),
# kernel command line with console=tty0 console=ttyS0. Boots under QEMU (-machine pc or q35) with a
# virtio disk; virtio and ext4 modules are forced into the initramfs.
#
# Usage: scripts/build-base-image.sh [OUTPUT.qcow2]      (run as root)
#   OUTPUT defaults to <repo>/.cache/base/debian-12-base.qcow2 (debian-13-base.qcow2 for trixie). Written beside it:
#     OUTPUT.sha256   sha256sum format (sha256sum -c from that directory)
#     OUTPUT.recipe   recipe hash (sha256 of this script and the package list); when it matches and
#                     OUTPUT exists, the script prints "base image up to date: OUTPUT" and exits 0.
#   PGHA_BASE_FORCE=1 rebuilds even when up to date.
# The image is built under a temporary name and renamed at the end; loop devices and mounts are
# released on every exit path.
#
# Host packages it installs with apt-get when missing (checked with dpkg-query first):
#   mmdebstrap debian-archive-keyring qemu-utils extlinux syslinux-common e2fsprogs fdisk util-linux mount
set -euo pipefail

readonly SUITE=${PGHA_SUITE:-bookworm}
readonly MIRROR=http://deb.debian.org/debian
readonly SECURITY_MIRROR=http://deb.debian.org/debian-security
readonly DISK_SIZE=2G
readonly FS_LABEL=cloudimg-rootfs
readonly GUEST_PACKAGES=(
  systemd-sysv systemd-resolved udev dbus kmod
  linux-image-cloud-amd64 initramfs-tools extlinux
  cloud-init cloud-guest-utils e2fsprogs fdisk
  openssh-server sudo netplan.io ca-certificates python3
  iproute2 iputils-ping curl gnupg apt-utils less procps zstd
)
readonly HOST_PACKAGES=(mmdebstrap debian-archive-keyring qemu-utils extlinux syslinux-common e2fsprogs fdisk util-linux mount)

self=$(readlink -f "${BASH_SOURCE[0]}")
readonly self

log() { printf '[base-image] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# Runs inside mmdebstrap's customize hook (chroot has /proc, /sys and /dev mounted):
# $1 = root of the new system, $2 = UUID of the root file system.
customize_root() {
  local root=$1 uuid=$2
  [[ -d $root/etc && -n $uuid ]] || die "customize: bad arguments"

  cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF

  printf 'UUID=%s / ext4 defaults,errors=remount-ro 0 1\n' "$uuid" >"$root/etc/fstab"
  echo localhost >"$root/etc/hostname"
  cat >"$root/etc/hosts" <<'EOF'
127.0.0.1 localhost
::1 localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
EOF
  ln -sfn ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"
  echo 'LANG=C.UTF-8' >"$root/etc/default/locale"

  # Boot loader configuration (extlinux itself is installed from the host after mmdebstrap).
  mkdir -p "$root/boot/extlinux"
  local append="root=UUID=$uuid ro console=tty0 console=ttyS0,115200n8"
  cat >"$root/boot/extlinux/extlinux.conf" <<EOF
SERIAL 0 115200
DEFAULT debian
PROMPT 0
TIMEOUT 10
LABEL debian
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND $append
LABEL debian-old
  LINUX /vmlinuz.old
  INITRD /initrd.img.old
  APPEND $append
EOF

  # initramfs: one built in a chroot cannot detect the target's hardware or the root device, so
  # take most modules, name the virtio/ext4 ones explicitly, and name the root file system type
  # (else the fsck hook, which cannot resolve UUID= without udev, leaves fsck out).
  cat >"$root/etc/initramfs-tools/conf.d/pgha-base.conf" <<'EOF'
MODULES=most
FSTYPE=ext4
RESUME=none
EOF
  local m
  for m in virtio_pci virtio_blk virtio_scsi virtio_net ext4; do
    grep -qx "$m" "$root/etc/initramfs-tools/modules" || echo "$m" >>"$root/etc/initramfs-tools/modules"
  done
  chroot "$root" update-initramfs -u -k all >/dev/null

  # cloud-init: NoCloud only, netplan -> systemd-networkd, keep our http sources.list.
  cat >"$root/etc/cloud/cloud.cfg.d/90-pgha-base.cfg" <<'EOF'
# pgha base image: NoCloud seed (cidata) only; network rendered by netplan for systemd-networkd.
datasource_list: [ NoCloud, None ]
system_info:
  network:
    renderers: [ netplan, networkd ]
    activators: [ netplan, networkd ]
ssh_genkeytypes: [ rsa, ecdsa, ed25519 ]
apt:
  preserve_sources_list: true
EOF

  # sshd needs host keys: cloud-init's ssh module makes them before ssh.service starts; this
  # fallback makes any that are still missing (e.g. if cloud-init is disabled later).
  mkdir -p "$root/etc/systemd/system/ssh.service.d"
  cat >"$root/etc/systemd/system/ssh.service.d/pgha-hostkeys.conf" <<'EOF'
[Service]
ExecStartPre=-/usr/bin/ssh-keygen -A
EOF

  # cloud-init's package enables its own units (their names changed in cloud-init 24.3).
  chroot "$root" systemctl enable systemd-networkd.service systemd-resolved.service ssh.service >/dev/null
  chroot "$root" passwd -l root >/dev/null
}

# Identity scrub and checks on the finished tree (after mmdebstrap's own cleanup).
finalize_root() {
  local root=$1
  : >"$root/etc/machine-id"
  rm -f "$root/var/lib/dbus/machine-id"
  mkdir -p "$root/var/lib/dbus"
  ln -s /etc/machine-id "$root/var/lib/dbus/machine-id"
  rm -f "$root"/etc/ssh/ssh_host_* "$root/var/lib/systemd/random-seed" "$root/root/.bash_history"
  rm -rf "$root/var/lib/cloud" "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/tmp/* "$root"/var/tmp/*
  find "$root/var/log" -type f -exec truncate -s 0 {} +

  # Checks: fail the build rather than ship an image with identity in it.
  [[ ! -s $root/etc/machine-id ]] || die "/etc/machine-id is not empty"
  if compgen -G "$root/etc/ssh/ssh_host_*" >/dev/null; then die "SSH host keys left in the image"; fi
  [[ ! -e $root/var/lib/cloud/instances ]] || die "/var/lib/cloud/instances left in the image"
  local users
  users=$(awk -F: '$3 >= 1000 && $3 != 65534 { print $1 }' "$root/etc/passwd")
  [[ -z $users ]] || die "non-system users in the image: $users"
  awk -F: '$1 == "root" && $2 !~ /^[!*]/ { bad = 1 } END { exit bad }' "$root/etc/shadow" || die "root password is not locked"
  [[ -e $root/vmlinuz && -e $root/initrd.img ]] || die "missing /vmlinuz or /initrd.img link"
  [[ -x $root/usr/bin/cloud-init && -x $root/usr/sbin/sshd && -x $root/usr/sbin/netplan ]] || die "cloud-init, sshd or netplan missing"
  [[ -e $root/etc/systemd/system/cloud-init.target.wants/cloud-final.service ]] || die "cloud-init's units are not enabled"
}

if [[ ${1:-} == __customize ]]; then
  customize_root "$2" "$3"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
repo_root=$(cd "$(dirname "$self")/.." && pwd)
case $SUITE in
  bookworm) release=12 ;;
  trixie) release=13 ;;
  *) die "PGHA_SUITE $SUITE: bookworm or trixie" ;;
esac
out=${1:-$repo_root/.cache/base/debian-$release-base.qcow2}
[[ $out == *.qcow2 ]] || die "output must end in .qcow2: $out"
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
recipe_file=$out.recipe
sum_file=$out.sha256

recipe=$( { cat "$self"; printf '%s\n' "$SUITE" "${GUEST_PACKAGES[@]}"; } | sha256sum | cut -d' ' -f1)

up_to_date() {
  [[ ${PGHA_BASE_FORCE:-0} != 1 && -s $out && -s $sum_file && -s $recipe_file ]] &&
    [[ $(cat "$recipe_file") == "$recipe" ]]
}
if up_to_date; then
  echo "base image up to date: $out"
  exit 0
fi

[[ $(id -u) == 0 ]] || die "must run as root (mmdebstrap, loop devices, mounts)"
[[ $(dpkg --print-architecture) == amd64 ]] || die "host must be amd64"

# One build at a time per output; a run that waited may find the image built meanwhile.
exec 9>"$out.lock"
flock 9
if up_to_date; then
  echo "base image up to date: $out"
  exit 0
fi

missing=()
for p in "${HOST_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  log "installing host packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work='' mnt='' loop='' child=''

# Long steps run as their own process group in the background, so that a signal to this script
# is handled at once (bash defers traps while a foreground child runs) and ends the whole step
# (mmdebstrap with its apt, dpkg and maintainer scripts) before the mounts are released.
# $1 = file for the step's output, "-" to keep it on this script's output.
run_step() {
  local out_file=$1
  shift
  if [[ $out_file == - ]]; then
    setsid -w "$@" &
  else
    setsid -w "$@" >"$out_file" 2>&1 &
  fi
  child=$!
  wait "$child"
  local rc=$?
  child=
  return "$rc"
}

cleanup() {
  local rc=$?
  set +e
  trap - INT TERM HUP
  if [[ -n $child ]]; then
    kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  if [[ -n $mnt ]] && mountpoint -q "$mnt"; then
    umount -R "$mnt" 2>/dev/null || umount -R -l "$mnt"
  fi
  [[ -n $loop ]] && losetup -d "$loop" 2>/dev/null
  [[ -n $work ]] && rm -rf "$work"
  ((rc == 0)) || log "build failed (exit $rc); nothing was written to $out"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

work=$(mktemp -d "$(dirname "$out")/.build-base.XXXXXX")
raw=$work/disk.raw
mnt=$work/root
tmp_qcow=$work/image.qcow2

t_all=$(now)
log "building $out (recipe ${recipe:0:12})"

# Disk: one bootable Linux partition from 1 MiB to the end, ext4 with a fresh UUID. The partition
# is attached as its own loop device at its offset (partition scanning, losetup -P, does not work
# in every container); extlinux reads that offset from the loop device for the boot sector.
truncate -s "$DISK_SIZE" "$raw"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$raw"
part_offset=$((2048 * 512))
part_bytes=$(($(stat -c %s "$raw") - part_offset))
loop=$(losetup -f --show -o "$part_offset" --sizelimit "$part_bytes" "$raw")
part=$loop
uuid=$(cat /proc/sys/kernel/random/uuid)
mkfs.ext4 -q -L "$FS_LABEL" -U "$uuid" "$part"
mkdir -p "$mnt"
mount "$part" "$mnt"

t=$(now)
log "mmdebstrap: $SUITE with ${#GUEST_PACKAGES[@]} packages"
include=$(IFS=,; echo "${GUEST_PACKAGES[*]}")
run_step "$work/mmdebstrap.log" mmdebstrap --mode=root --variant=minbase --components=main --include="$include" \
  --aptopt='Acquire::Retries "3"' \
  --customize-hook="\"$self\" __customize \"\$1\" $uuid" \
  "$SUITE" "$mnt" \
  "deb $MIRROR $SUITE main" \
  "deb $MIRROR $SUITE-updates main" \
  "deb $SECURITY_MIRROR $SUITE-security main" || { tail -n 40 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed"; }
finalize_root "$mnt"
log "mmdebstrap done in $(elapsed "$t") (kernel $(basename "$(readlink "$mnt/vmlinuz")"))"

t=$(now)
extlinux --install "$mnt/boot/extlinux" >/dev/null 2>&1 || die "extlinux --install failed"
dd if=/usr/lib/EXTLINUX/mbr.bin of="$raw" bs=440 count=1 conv=notrunc status=none
fstrim "$mnt" 2>/dev/null || log "fstrim not supported here; the image may be larger"
umount "$mnt"
e2fsck -f -y "$part" >/dev/null 2>&1 || true
fsck_out=$(e2fsck -f -n "$part" 2>&1) || { printf '%s\n' "$fsck_out" >&2; die "file system check failed"; }
losetup -d "$loop"
loop=
log "bootloader done in $(elapsed "$t")"

t=$(now)
run_step - qemu-img convert -c -m 2 -O qcow2 "$raw" "$tmp_qcow"
log "conversion done in $(elapsed "$t")"

hash=$(sha256sum "$tmp_qcow" | cut -d' ' -f1)
printf '%s  %s\n' "$hash" "$(basename "$out")" >"$work/sum"
mv -f "$tmp_qcow" "$out"
mv -f "$work/sum" "$sum_file"
echo "$recipe" >"$recipe_file"
log "image: $out ($(du -h --apparent-size "$out" | cut -f1), virtual $DISK_SIZE), total $(elapsed "$t_all")"
echo "$out"
