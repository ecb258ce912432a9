#!/bin/bash
# Written by pgha: creates the cluster network (if missing) and every VM of cluster @@CLUSTER@@.
# Arguments go to each node's virt-install.sh (--force, --dry-run).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export LIBVIRT_DEFAULT_URI=${LIBVIRT_DEFAULT_URI:-qemu:///system}
network=@@NETWORK_NAME_WORD@@
if ! virsh net-info "$network" >/dev/null 2>&1; then
  virsh net-define "$here/network.xml"
  virsh net-autostart "$network"
fi
if [[ $(virsh net-info "$network" | awk '/^Active:/ {print $2}') != yes ]]; then
  virsh net-start "$network"
fi
@@NODE_COMMANDS@@
