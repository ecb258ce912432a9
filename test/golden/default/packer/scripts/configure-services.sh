#!/bin/bash
# configure-services.sh ROLE: leaves every role service stopped and disabled, and its data empty, until the
# node's seed brings its configuration (cloud-init/pgha-node starts them at first boot).
set -euo pipefail
role=${1:?usage: configure-services.sh etcd|postgres}

stop_disable() {
  for unit in "$@"; do
    if systemctl list-unit-files "$unit" >/dev/null 2>&1; then
      systemctl disable --now "$unit" >/dev/null 2>&1 || systemctl disable "$unit"
    fi
  done
}

case $role in
  etcd)
    stop_disable etcd.service
    # the package's first start (if any) created a one-member cluster here
    find /var/lib/etcd -mindepth 1 -delete
    install -d -o etcd -g etcd -m 0700 /var/lib/etcd/default
    ;;
  postgres)
    stop_disable patroni.service haproxy.service keepalived.service postgresql.service pgbackrest.service
    # pg_dropcluster --stop waits for the server to stop before removing its data
    pg_lsclusters --no-header | while read -r version name _; do
      pg_dropcluster --stop "$version" "$name"
    done
    find /var/lib/postgresql -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' -exec find {} -mindepth 1 -delete \;
    find /etc/postgresql -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' -exec find {} -mindepth 1 -delete \;
    ;;
  *)
    echo "configure-services.sh: unknown role $role" >&2
    exit 2
    ;;
esac
echo "services of role $role stopped and disabled"
