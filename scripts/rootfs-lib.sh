# shellcheck shell=bash
# Sourced by build-machine-rootfs.sh and build-quickstart-rootfs.sh (which define log and die): the cache
# check of a rootfs tarball against its recipe, root with mmdebstrap, the build lock and the finished
# tarball. The builders put this file in their recipes.

# Exits 0 with "rootfs up to date" when OUT was built from RECIPE (PGHA_ROOTFS_FORCE=1 builds anyway).
exit_if_current() {
  local out=$1 recipe=$2
  if [[ ${PGHA_ROOTFS_FORCE:-0} != 1 && -s $out && $(cat "$out.recipe" 2>/dev/null) == "$recipe" ]]; then
    echo "rootfs up to date: $out"
    exit 0
  fi
}

# Root, and mmdebstrap (installed from the mirror when missing).
need_mmdebstrap() {
  [[ $(id -u) == 0 ]] || die "must run as root (mmdebstrap --mode=root)"
  command -v mmdebstrap >/dev/null || {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends mmdebstrap debian-archive-keyring >/dev/null
  }
}

# Before a build of OUT from RECIPE: exits 0 when OUT is current, else makes sure of root and mmdebstrap and
# takes OUT's lock (fd 9, held until the builder exits), then looks again: another build may have made OUT
# while this one waited for the lock.
begin_build() {
  local out=$1 recipe=$2
  exit_if_current "$out" "$recipe"
  need_mmdebstrap
  exec 9>"$out.lock"
  flock 9
  exit_if_current "$out" "$recipe"
}

# After a build: TMP becomes OUT with its RECIPE beside it; says its size and the seconds since START.
finish_build() {
  local tmp=$1 out=$2 recipe=$3 start=$4
  mv -f "$tmp" "$out"
  echo "$recipe" >"$out.recipe"
  log "rootfs $out ($(du -h "$out" | cut -f1)) in $((SECONDS - start))s"
  echo "$out"
}
