#!/bin/bash
# package-versions.sh FILE: the image's installed packages and versions (name<TAB>version), for the manifest.
set -euo pipefail
dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Version}\n' | awk -F'\t' '$1 ~ /^ii/ {print $2 "\t" $3}' | sort >"${1:?file}"
echo "$(wc -l <"$1") packages listed in $1"
