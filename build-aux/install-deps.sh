#!/usr/bin/env bash
# Installs, from Debian 12's packages, everything Ferry needs to build, run its
# tests and benchmarks and run the local demo cluster, and downloads (once,
# into /var/cache/ferry-cluster) the Debian kernel the test guests boot, so
# that nothing is downloaded later: the tests run without a network.
# Idempotent; needs root and, the first time, the network.
#
# The programs that Ferry, its tests and the demo run, and their packages, are
# in build-aux/programs.txt (checked at the end); the libraries and headers
# the build needs are listed here.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: installing packages needs root (run with sudo, or as root)." >&2
  exit 1
fi

libs=(
  libglib2.0-dev libgtk-4-dev libadwaita-1-dev
  # libvirt-glib-1.0-dev for libvirt-gconfig: domain, pool and network XML
  libvirt-dev libvirt-glib-1.0-dev libgvnc-1.0-dev libxml2-dev
  # saved passwords in the keyring (the Secret Service)
  libsecret-1-dev
  # the VNC console's keymap is generated from <linux/input-event-codes.h>
  linux-libc-dev
  # what libvirtd's QEMU driver needs beside the daemon
  libvirt-daemon-driver-qemu
  # the UI's fonts and icons, as on a desktop
  fonts-cantarell adwaita-icon-theme
)
mapfile -t tools < <(bash "$here/check-programs.sh" --packages)

missing=()
for p in "${libs[@]}" "${tools[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

export DEBIAN_FRONTEND=noninteractive
updated=0
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  apt-get update -q
  updated=1
  apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    { echo "install-deps: apt-get install failed (packages: ${missing[*]})" >&2; exit 1; }
fi

# The test guests' kernel: a Debian kernel package, downloaded here (the
# tests never download anything) and kept in /var/cache/ferry-cluster.
if ! bash "$here/../tests/cluster/cluster" fetch --check 2>/dev/null; then
  [ "$updated" = 1 ] || apt-get update -q
  bash "$here/../tests/cluster/cluster" fetch ||
    { echo "install-deps: could not download the test guests' kernel (tests/cluster/cluster fetch)" >&2; exit 1; }
fi

bash "$here/check-programs.sh" ||
  { echo "install-deps: programs above are still missing after the install" >&2; exit 1; }
echo "install-deps: everything Ferry's build, tests and demo need is installed"
