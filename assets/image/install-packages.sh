#!/bin/bash
# install-packages.sh PACKAGE...: installs a role's packages without starting any service.
# APT_PROXY (optional): an http proxy for apt during the build only.
# PostgreSQL's package would create and start a default cluster: createcluster.conf turns that off first.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

# cloud-init may still be running apt at first boot (on a booted machine; not in a chroot)
if [[ -d /run/systemd/system ]]; then
  cloud-init status --wait >/dev/null 2>&1 || true
fi

if [[ -n ${APT_PROXY:-} ]]; then
  printf 'Acquire::http::Proxy "%s";\n' "$APT_PROXY" >@@APT_PROXY_CONF@@
fi

# No service starts during installation: each one waits for its per-node configuration from the seed.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 0755 /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT

# dpkg's fsync after every file is what a build VM spends much of its install on (each one a flush of the
# image file on the host): a build that dies is thrown away whole, and the image is synced when it shuts down
apt=(apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-unsafe-io)
"${apt[@]}" update -q
if printf '%s\n' "$@" | grep -q '^postgresql-[0-9]'; then
  "${apt[@]}" install -y -q --no-install-recommends postgresql-common
  sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  grep -q '^create_main_cluster = false$' /etc/postgresql-common/createcluster.conf
fi
"${apt[@]}" install -y -q --no-install-recommends "$@"
echo "installed: $*"
