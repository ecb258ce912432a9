#!/bin/bash
# Written by pgha: creates the VM of node patroni1 (postgres) of cluster 16-main.
# Usage: virt-install.sh [--force] [virt-install options such as --dry-run]
#        virt-install.sh --state: prints current (the VM runs this seed on this image), old (it runs, but
#        another seed or image) or down (no such VM, or it is not running); libvirt keeps both SHA-256 in
#        the domain's description.
# Environment: LIBVIRT_DEFAULT_URI (default qemu:///system), PGHA_IMAGE (the role image; default: the one
# pgha bake wrote beside this output), PGHA_POOL_DIR (default /var/lib/libvirt/images),
# PGHA_OS_VARIANT (default ubuntu24.04; older osinfo databases may not know it), PGHA_VIRT_TYPE (default:
# virt-install's choice, KVM where the host has it; qemu: software emulation (TCG), with a translation cache
# of 256 MiB instead of QEMU's 1 GiB per VM).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export LIBVIRT_DEFAULT_URI=${LIBVIRT_DEFAULT_URI:-qemu:///system}
image=${PGHA_IMAGE:-$here/../../images/postgres/pgha-ubuntu-24.04-postgres.qcow2}
pool=${PGHA_POOL_DIR:-'/var/lib/libvirt/images'}
name='pgha-16-main-patroni1'
disk=$pool/$name.qcow2
seed=$pool/$name-seed.iso
force=0
dry_run=0
state=0
args=()
case ${PGHA_VIRT_TYPE:-} in
  '') ;;
  qemu) args+=(--virt-type qemu --xml ./features/tcg/tb-cache=262144) ;;
  *) args+=(--virt-type "$PGHA_VIRT_TYPE") ;;
esac
for a in "$@"; do
  case $a in
    --force) force=1 ;;
    --state) state=1 ;;
    --dry-run) dry_run=1; args+=("$a") ;;
    *) args+=("$a") ;;
  esac
done

[[ -r $image ]] || { echo "virt-install.sh: role image $image not found: run pgha bake, or set PGHA_IMAGE" >&2; exit 1; }
[[ -r $here/seed.iso ]] || { echo "virt-install.sh: $here/seed.iso not found: render the seeds with their ISOs (without --no-iso)" >&2; exit 1; }
image_sha=$(sha256sum "$image" | cut -d' ' -f1)
description="pgha seed sha256:$(sha256sum "$here/seed.iso" | cut -d' ' -f1) image sha256:$image_sha"
if ((state == 1)); then
  if [[ $(virsh domstate "$name" 2>/dev/null) != running* ]]; then
    echo down
  elif [[ $(virsh desc "$name" 2>/dev/null) == "$description" ]]; then
    echo current
  else
    echo old
  fi
  exit 0
fi

if virsh dominfo "$name" >/dev/null 2>&1; then
  if ((force == 0 || dry_run == 1)); then
    echo "virt-install.sh: domain $name exists; pass --force to replace it (its disk is deleted)" >&2
    exit 1
  fi
  virsh destroy "$name" >/dev/null 2>&1 || true
  virsh undefine "$name" >/dev/null
fi
if [[ -e $disk && $force == 0 ]]; then
  echo "virt-install.sh: $disk exists; pass --force to replace it" >&2
  exit 1
fi
if ((dry_run == 1)); then
  # a dry run touches nothing in the pool: its disk and seed live in a temporary folder
  pool=$(mktemp -d)
  trap 'rm -rf -- "$pool"' EXIT
  disk=$pool/$name.qcow2
  seed=$pool/$name-seed.iso
fi

# The role image is copied into the pool (once per content) so that QEMU, which libvirt runs as its own
# user, can read the overlay's backing file; pgha's output folder is private to root.
install -d -m 0755 "$pool"
backing=$pool/$(basename "${image%.qcow2}")-${image_sha:0:12}.qcow2
[[ -e $backing ]] || install -m 0644 "$image" "$backing"
rm -f -- "$disk"
qemu-img create -q -f qcow2 -b "$backing" -F qcow2 "$disk" 20G
install -m 0600 "$here/seed.iso" "$seed"

virt-install \
  --name "$name" \
  --memory 2048 \
  --vcpus 2 \
  --import \
  --disk "path=$disk,format=qcow2,bus=virtio" \
  --disk "path=$seed,device=cdrom,bus=sata" \
  --network 'network=default,mac=52:54:00:45:6a:fe,model=virtio' \
  --os-variant "${PGHA_OS_VARIANT:-ubuntu24.04}" \
  --graphics none \
  --console pty,target_type=serial \
  --noautoconsole \
  --metadata "description=$description" \
  "${args[@]}"
