#!/bin/bash
# finish.sh ROLE PACKAGE...: Packer's shutdown command. Removes the build user and the build files, runs the
# hygiene check on the finished system and powers off only if it passes (otherwise the build fails).
set -euo pipefail
role=${1:?role}
shift
build_user=pgha-build
here=$(dirname "$(readlink -f "$0")")

install -m 0755 "$here/hygiene-check.sh" /run/pgha-hygiene-check.sh
userdel --force --remove "$build_user" 2>/dev/null || true
rm -f /etc/sudoers.d/90-cloud-init-users
rm -rf -- "$here"
rm -f /etc/ssh/ssh_host_*
find /var/log -type f -exec truncate -s 0 {} +
truncate -s 0 /etc/machine-id

/run/pgha-hygiene-check.sh --role "$role" --build-user "$build_user" -- "$@"
rm -f /run/pgha-hygiene-check.sh
sync
# power off once this SSH session has returned
systemd-run --on-active=2 --timer-property=AccuracySec=100ms /bin/systemctl poweroff >/dev/null
