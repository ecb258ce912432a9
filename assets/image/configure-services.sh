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
    stop_disable @@ETCD_UNITS@@
    # the package's first start (if any) created a one-member cluster here
    find @@ETCD_HOME@@ -mindepth 1 -delete
    install -d -o @@ETCD_USER@@ -g @@ETCD_USER@@ -m 0700 @@ETCD_DATA_DIR@@
    ;;
  postgres)
    stop_disable @@POSTGRES_UNITS@@ @@POSTGRES_PACKAGE_UNIT@@ @@PGBACKREST_PACKAGE_UNIT@@
    # pg_dropcluster --stop waits for the server to stop before removing its data
    pg_lsclusters --no-header | while read -r version name _; do
      pg_dropcluster --stop "$version" "$name"
    done
    find @@PG_DATA_ROOT@@ -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' -exec find {} -mindepth 1 -delete \;
    find @@PG_CONFIG_ROOT@@ -mindepth 1 -maxdepth 1 -type d -regex '.*/[0-9]+' -exec find {} -mindepth 1 -delete \;
    ;;
  *)
    echo "configure-services.sh: unknown role $role" >&2
    exit 2
    ;;
esac
echo "services of role $role stopped and disabled"
