#!/bin/bash
# Written by pgha: rolls cluster @@CLUSTER@@ onto the role images and seeds beside this output, one VM at a
# time: the etcd members, then the Patroni replicas, then a switchover to an updated replica, then the old
# leader. Before each VM is replaced the cluster must be healthy (pgha status exits 0), and after it the
# script waits until it is healthy again. A VM that already runs its seed on its image is left alone, so the
# script can be run again after an interruption and goes on where it stopped.
# Usage: rollout.sh SPEC [pgha status options such as --secrets FILE]
# Environment: PGHA (the pgha command, default pgha), PGHA_ROLLOUT_TIMEOUT (seconds a VM may take to join,
# default 900), and those of nodes/<name>/virt-install.sh (LIBVIRT_DEFAULT_URI, PGHA_POOL_DIR, ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
nodes=$here/../nodes
(($# >= 1)) || { echo "usage: rollout.sh SPEC [pgha status options such as --secrets FILE]" >&2; exit 2; }
spec=$1
shift
pgha=${PGHA:-pgha}
timeout=${PGHA_ROLLOUT_TIMEOUT:-900}

status() { "$pgha" status "$spec" "$@"; }

# waits until pgha status says healthy; on timeout prints its findings and stops the roll-out
wait_healthy() {
  local what=$1 deadline=$((SECONDS + timeout))
  shift
  until status "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "rollout.sh: the cluster is not healthy after ${timeout} s ($what): stopped; run it again once it is" >&2
      status "$@" >&2 || true
      exit 1
    fi
    sleep 5
  done
}

# replaces one VM unless it is current; a VM that is down is replaced without waiting for a healthy cluster
roll() {
  local node=$1
  shift
  case $("$nodes/$node/virt-install.sh" --state) in
    current) echo "$node: already on its image and seed"; return ;;
    old) wait_healthy "before $node" "$@" ;;
    down) echo "$node: its VM is not running: replaced now" ;;
  esac
  echo "$node: replacing its VM"
  "$nodes/$node/virt-install.sh" --force
  wait_healthy "$node joining" "$@"
  echo "$node: replaced, the cluster is healthy"
}

# the Patroni leader's name, from pgha status's table (whatever its exit code)
leader() { { status "$@" || true; } | awk '$1 == "patroni" && ($4 == "leader" || $4 == "primary" || $4 == "master") { print $2 }'; }

for node in @@ETCD_NODES@@; do roll "$node" "$@"; done
wait_healthy "before the Patroni members" "$@"
old=$(leader "$@")
[[ -n $old ]] || { echo "rollout.sh: pgha status names no Patroni leader: stopped" >&2; exit 1; }
for node in @@POSTGRES_NODES@@; do
  [[ $node == "$old" ]] || roll "$node" "$@"
done
if [[ $("$nodes/$old/virt-install.sh" --state) != current ]]; then
  target=
  for node in @@CANDIDATES@@; do
    if [[ $node != "$old" ]]; then target=$node; break; fi
  done
  [[ -n $target ]] || { echo "rollout.sh: no replica without nofailover to hand the leader role to" >&2; exit 1; }
  wait_healthy "before the switchover" "$@"
  "$pgha" switchover "$spec" --to "$target" --wait "$@"
  roll "$old" "$@"
fi
echo "cluster @@CLUSTER@@: every VM runs its seed on its image"
