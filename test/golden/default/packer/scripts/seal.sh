#!/bin/bash
# seal.sh: removes what makes an image one machine: cloud-init state, machine-id, SSH host keys, build-time
# network configuration, apt lists and proxy, logs. The build user goes last, in finish.sh.
set -euo pipefail

apt-get clean
rm -rf /var/lib/apt/lists/*
rm -f /etc/apt/apt.conf.d/90pgha-build-proxy

# netplan files written for the build VM's NIC; each clone gets its own from its seed's network-config
rm -f /etc/netplan/50-cloud-init.yaml
rm -f /etc/ssh/ssh_host_*

cloud-init clean --logs
# Empty, not "uninitialized" (what newer `cloud-init clean --machine-id` writes): systemd treats the latter as
# a first boot and its preset-all would enable the role services that must wait for the seed.
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id

journalctl --rotate >/dev/null 2>&1 || true
journalctl --vacuum-time=1s >/dev/null 2>&1 || true
find /var/log -type f -exec truncate -s 0 {} +
find /tmp -mindepth 1 -delete
echo "sealed"
