#!/usr/bin/env bash
# Builds the root file system of a fresh Debian 12 machine for the README quick-start test
# (test/system/quick-start.test.ts): mmdebstrap's minbase (no sudo, no xorriso, empty apt lists, as a fresh
# container has) plus this machine's Node.js and npm, copied in as they are installed here.
#
# Usage: scripts/build-quickstart-rootfs.sh OUTPUT.tar      (run as root)
# OUTPUT.tar is a tarball for `docker import`; OUTPUT.tar.recipe holds the recipe hash (this script and the
# Node.js and npm versions). When it matches, the script prints "rootfs up to date: OUTPUT" and exits 0.
set -euo pipefail

readonly SUITE=bookworm
readonly MIRROR=http://deb.debian.org/debian
readonly SECURITY_MIRROR=http://deb.debian.org/debian-security

self=$(readlink -f "${BASH_SOURCE[0]}")
log() { printf '[quickstart-rootfs] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=scripts/rootfs-lib.sh
. "$(dirname "$self")/rootfs-lib.sh"

node=$(command -v node) || die "no node on PATH"
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
[[ -f $npm_dir/package.json ]] || die "npm's folder not found from $(command -v npm)"

# Runs inside mmdebstrap's customize hook: $1 = root of the new system.
if [[ ${1:-} == __customize ]]; then
  root=$2
  install -m 0755 "$node" "$root/usr/bin/node"
  mkdir -p "$root/usr/lib/node_modules"
  cp -a "$npm_dir" "$root/usr/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/bin/npx"
  chroot "$root" node --version >/dev/null
  exit 0
fi

out=${1:?usage: build-quickstart-rootfs.sh OUTPUT.tar}
[[ $out == *.tar ]] || die "output must end in .tar: $out"
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

recipe=$( { cat "$self" "$(dirname "$self")/rootfs-lib.sh"; "$node" --version; cat "$npm_dir/package.json"; } | sha256sum | cut -d' ' -f1)
begin_build "$out" "$recipe"
tmp=$out.partial
trap 'rm -f "$tmp"' EXIT
start=$SECONDS
log "building the quick-start rootfs (recipe ${recipe:0:12}) with Node.js $("$node" --version)"
mmdebstrap --mode=root --variant=minbase --components=main --format=tar --aptopt='Acquire::Retries "3"' \
  --customize-hook="\"$self\" __customize \"\$1\"" \
  "$SUITE" "$tmp" \
  "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main" >&2
finish_build "$tmp" "$out" "$recipe" "$start"
