#!/usr/bin/env bash
# Debian packages the system tests need: the programs that read pgha's output (cloud-init, HAProxy,
# Keepalived, Patroni with PostgreSQL 15, etcd), shellcheck for the node scripts, iproute2/util-linux for namespaces,
# Packer 1.6.6 with QEMU and ISO tools for the image builds and seed ISOs, virt-install for the launch scripts,
# Docker (the engine is started by scripts/start-docker.sh) and mmdebstrap for the container machines of the cluster tests.
set -euo pipefail
packages=(cloud-init haproxy keepalived patroni postgresql-15 etcd-server etcd-client python3-yaml shellcheck iproute2 util-linux
  packer qemu-system-x86 qemu-utils xorriso genisoimage openssh-client virtinst libvirt-clients iptables
  docker.io mmdebstrap debian-archive-keyring)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
