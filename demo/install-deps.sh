#!/bin/sh
# `make demo` prerequisites from Debian: PowerDNS with its sqlite3 backend, and the sqlite3 command that
# creates the demo's database. Installs them when run as root; otherwise prints the exact apt-get line
# and fails, so the newcomer knows what to type instead of seeing a stack trace later.
set -eu
PACKAGES="pdns-server pdns-backend-sqlite3 sqlite3"
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "make demo needs Debian packages that are not installed:$missing" >&2
  echo "Install them as root, then run make demo again:" >&2
  echo "  sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends$missing'" >&2
  exit 1
fi
echo "installing Debian packages:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
