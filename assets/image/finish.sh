#!/bin/bash
# finish.sh ROLE PACKAGE...: Packer's shutdown command. Once this SSH session has ended, a transient unit
# removes the build user and the build files, runs the whole hygiene check and powers off only if it passes;
# otherwise the VM stays up and Packer's shutdown timeout fails the build.
set -euo pipefail
role=${1:?role}
shift
here=$(dirname "$(readlink -f "$0")")
cd /
# /run is mounted noexec: the scripts run through bash
install -m 0644 "$here/hygiene-check.sh" /run/pgha-hygiene-check.sh
cat >/run/pgha-finish.sh <<FINAL
set -u
userdel --force --remove @@BUILD_USER@@
rm -f /etc/sudoers.d/90-cloud-init-users
rm -rf -- '$here'
rm -f /etc/ssh/ssh_host_*
find /var/log -type f -exec truncate -s 0 {} +
truncate -s 0 /etc/machine-id
if bash /run/pgha-hygiene-check.sh --role '$role' --build-user @@BUILD_USER@@ -- $*; then
  sync
  systemctl poweroff
else
  echo "pgha: hygiene check failed; not powering off, so the build fails" >/dev/console
fi
FINAL
systemd-run --unit=pgha-finish --on-active=2 --timer-property=AccuracySec=100ms /bin/bash /run/pgha-finish.sh >/dev/null 2>&1
echo "finishing: build user removal, hygiene check, power-off"
