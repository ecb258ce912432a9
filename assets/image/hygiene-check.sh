#!/bin/bash
# hygiene-check.sh [--root DIR] --role ROLE [--build-user NAME|''] [--secret VALUE]... -- PACKAGE...
# --build-user '' skips the checks of what only the build user's removal takes away (the user, its sudoers
# file, the build files): the in-build check before the shutdown command.
# Checks a finished image: run as the last build step (root /) and again from outside on the mounted image.
# No SSH host keys, an empty machine-id, no cloud-init instance data, no build user, the role's
# packages installed, its services disabled, no cluster configuration or secret.
set -euo pipefail
root=/
role=
build_user=@@BUILD_USER@@
secrets=()
while (($# > 0)); do
  case $1 in
    --root) root=$2; shift 2 ;;
    --role) role=$2; shift 2 ;;
    --build-user) build_user=$2; shift 2 ;;
    --secret) secrets+=("$2"); shift 2 ;;
    --) shift; break ;;
    *) echo "hygiene-check.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
packages=("$@")
r=${root%/}
problems=0
fail() { echo "HYGIENE: $*"; problems=$((problems + 1)); }

compgen -G "$r/etc/ssh/ssh_host_*" >/dev/null && fail "SSH host keys present: $(echo "$r"/etc/ssh/ssh_host_*)"
# empty, not "uninitialized": that would be a first boot to systemd, whose preset-all re-enables role services
[[ -e $r/etc/machine-id && ! -s $r/etc/machine-id ]] || fail "/etc/machine-id is not an empty file ($(cat "$r/etc/machine-id" 2>/dev/null || echo missing))"
[[ -e $r/var/lib/cloud/instances || -e $r/var/lib/cloud/instance ]] && fail "cloud-init instance data present"
if [[ -n $build_user ]]; then
  grep -q "^$build_user:" "$r/etc/passwd" && fail "build user $build_user exists"
  [[ -e $r/home/$build_user ]] && fail "/home/$build_user exists"
  [[ -e $r/etc/sudoers.d/90-cloud-init-users ]] && fail "build-time sudoers file present"
  [[ -e $r@@BUILD_DIR@@ ]] && fail "build files present under @@BUILD_DIR@@"
fi

for p in "${packages[@]}"; do
  status=$(dpkg-query --admindir="$r/var/lib/dpkg" -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [[ $status == ii* ]] || fail "package $p not installed"
done

case $role in
  etcd) units=(@@ETCD_UNITS@@) ;;
  postgres) units=(@@POSTGRES_UNITS@@ @@POSTGRES_PACKAGE_UNIT@@ @@PGBACKREST_PACKAGE_UNIT@@) ;;
  *) echo "hygiene-check.sh: unknown role $role" >&2; exit 2 ;;
esac
for u in "${units[@]}"; do
  state=$(systemctl --root="$r/" is-enabled "$u" 2>/dev/null || true)
  [[ $state == enabled* ]] && fail "$u is $state"
done

for f in @@SEED_PATHS@@; do
  [[ -e $r/$f ]] && fail "/$f present: per-node configuration belongs in the seed"
done
grep -qs '^ETCD_INITIAL_CLUSTER_TOKEN=' "$r@@ETCD_ENV@@" && fail "@@ETCD_ENV@@ holds a cluster token"
[[ -n $(find "$r@@ETCD_HOME@@" -mindepth 2 2>/dev/null) ]] && fail "etcd data present under @@ETCD_HOME@@"
[[ -n $(find "$r@@PG_DATA_ROOT@@" -regextype posix-extended -regex "$r@@PG_DATA_ROOT@@/[0-9]+/.+" 2>/dev/null) ]] && fail "PostgreSQL data present under @@PG_DATA_ROOT@@"
[[ -e $r@@APT_PROXY_CONF@@ ]] && fail "build-time apt proxy configuration present"
# the backup repository's keys belong in the seed's conf.d file, never in an image
if grep -rqsE '^[[:space:]]*repo[0-9]+-(s3-key|s3-key-secret|cipher-pass)[[:space:]]*=' "$r@@PGBACKREST_ETC@@"*; then
  fail "a backup repository key (repo*-s3-key, repo*-s3-key-secret, repo*-cipher-pass) is under @@PGBACKREST_ETC@@*"
fi

for s in "${secrets[@]}"; do
  if grep -rqsF --exclude-dir=proc --exclude-dir=sys -- "$s" "$r/etc" "$r/var" "$r/home" "$r/root" "$r/opt" "$r/usr/local" 2>/dev/null; then
    fail "a cluster secret was found in the image"
  fi
done

if ((problems > 0)); then
  echo "hygiene check failed: $problems problem(s)"
  exit 1
fi
echo "hygiene check passed ($role, ${#packages[@]} packages)"
