#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock for the cluster system tests: installs Debian's
# docker.io when missing and starts dockerd when none runs (overlay2 first, then vfs where overlay2 cannot
# mount). Prints the storage driver in use. Run as root.
set -euo pipefail
log=${PGHA_DOCKERD_LOG:-/var/log/pgha-dockerd.log}

if ! command -v dockerd >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi

if docker info --format '{{.Driver}}' >/dev/null 2>&1; then
  docker info --format 'docker engine running, storage driver {{.Driver}}'
  exit 0
fi

start() {
  local driver=$1
  # setsid: the daemon outlives this script and the test run that started it
  setsid dockerd --storage-driver="$driver" >>"$log" 2>&1 </dev/null &
  local pid=$! i
  for ((i = 0; i < 60; i++)); do
    if docker info >/dev/null 2>&1; then
      echo "docker engine started (pid $pid), storage driver $driver"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  return 1
}

start overlay2 || start vfs || { tail -n 20 "$log" >&2; echo "dockerd did not start (log: $log)" >&2; exit 1; }
