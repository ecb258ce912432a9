#!/usr/bin/env bash
# install-vendored-patroni.sh TARBALL: for the test machines only. Run as root inside a Debian system whose role
# packages are installed (Debian's patroni and python3-etcd): installs the Python package of an upstream Patroni
# release (a `git archive` of its tag, e.g. ../shared/vendor/patroni-3.2.2.tar.gz, checked against the
# SHA256SUMS beside it) into /usr/local/lib/python3.X/dist-packages, which comes before Debian's on sys.path.
# Debian's /usr/bin/patroni and patronictl (entry-point scripts), its systemd unit and every dependency (Debian
# packages, no PyPI) stay as they are and run the release's code; no file of the package changes.
set -euo pipefail
tarball=$(readlink -f "${1:?usage: install-vendored-patroni.sh TARBALL}")
sums=$(dirname "$tarball")/SHA256SUMS
[[ -e $sums ]] || { echo "install-vendored-patroni: no SHA256SUMS beside $tarball" >&2; exit 1; }
(cd "$(dirname "$tarball")" && grep " $(basename "$tarball")\$" SHA256SUMS | sha256sum -c --quiet -) ||
  { echo "install-vendored-patroni: $tarball does not match its SHA256SUMS" >&2; exit 1; }
for p in patroni python3-etcd; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || { echo "install-vendored-patroni: $p is not installed" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xzf "$tarball" -C "$tmp"
src=$(find "$tmp" -mindepth 2 -maxdepth 2 -name setup.py -printf '%h\n' | head -n1)
[[ -n $src && -f $src/patroni/version.py ]] || { echo "install-vendored-patroni: no patroni package in $tarball" >&2; exit 1; }
version=$(sed -n "s/^__version__ = '\(.*\)'$/\1/p" "$src/patroni/version.py")

dest=$(python3 -c 'import sys; print(f"/usr/local/lib/python{sys.version_info.major}.{sys.version_info.minor}/dist-packages")')
install -d -m 0755 "$dest"
rm -rf "$dest/patroni" "$dest"/patroni-*.dist-info
cp -r "$src/patroni" "$dest/patroni"
# a dist-info of the same name shadows Debian's egg-info for importlib.metadata: the entry points are the release's
info=$dest/patroni-$version.dist-info
install -d -m 0755 "$info"
printf 'Metadata-Version: 2.1\nName: patroni\nVersion: %s\n' "$version" >"$info/METADATA"
python3 - "$src/setup.py" "$info/entry_points.txt" <<'PY'
import ast, sys
tree = ast.parse(open(sys.argv[1]).read())
scripts = next(ast.literal_eval(n.value) for n in ast.walk(tree)
               if isinstance(n, ast.Assign) and any(getattr(t, 'id', None) == 'CONSOLE_SCRIPTS' for t in n.targets))
open(sys.argv[2], 'w').write('[console_scripts]\n' + ''.join(s.replace(' ', '').replace('=', ' = ', 1) + '\n' for s in scripts))
PY
chmod -R u=rwX,go=rX "$dest/patroni" "$info"
# compiled now by root: the service user cannot write __pycache__ here
python3 -m compileall -q "$dest/patroni"
[[ $(patroni --version) == "patroni $version" ]] || { echo "install-vendored-patroni: patroni --version is not $version" >&2; exit 1; }
echo "installed Patroni $version into $dest"
