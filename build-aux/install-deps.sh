#!/usr/bin/env bash
# Installs, from Debian 12's packages, everything Ferry needs to build, run its
# tests and run the local demo cluster. Idempotent; needs root.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: installing packages needs root (run with sudo, or as root)." >&2
  exit 1
fi

pkgs=(
  # build
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev
  libvirt-dev libvirt-glib-1.0-dev libgvnc-1.0-dev
  # saved passwords in the keyring (the Secret Service)
  libsecret-1-dev
  # the VNC console's keymap is generated from <linux/input-event-codes.h>
  linux-libc-dev python3
  desktop-file-utils appstream
  # tests/data/check-flatpak.py reads the Flatpak manifest (YAML)
  python3-yaml
  # real libvirt nodes and guests (tests/cluster)
  libvirt-daemon libvirt-daemon-driver-qemu
  libvirt-clients qemu-system-x86 qemu-utils busybox-static cpio gzip iproute2 util-linux procps
  # tests/cluster: guest helper (static C), shared-pool FUSE view, kernel extraction
  libc6-dev gcc bindfs dpkg
  # tests/cluster: the bootable installer ISO (ferry-installer.iso)
  isolinux syslinux-common xorriso
  # desktop testing
  xvfb xauth x11-utils xdotool imagemagick dbus dbus-x11 at-spi2-core fonts-cantarell adwaita-icon-theme
  # tests/ui/test-a11y.py: Ferry driven through AT-SPI (at-spi2-core above runs the bus)
  python3-pyatspi
  # tests/bench/bench-stats: the program Ferry's statistics are compared with
  virt-manager
  # tests/bench/bench-console: the VNC viewer the console is compared with
  virt-viewer
  # tests/integration/test-console: ssh tunnels to the VNC consoles (sshd runs as a plain process)
  openssh-server openssh-client
  # tests/integration/test-credentials: a libvirtd that wants a password (SASL DIGEST-MD5),
  # a Secret Service on a private bus (gnome-keyring), TLS certificates (certtool)
  sasl2-bin libsasl2-modules gnome-keyring gnutls-bin
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
