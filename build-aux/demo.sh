#!/usr/bin/env bash
# Builds Ferry, starts a live local demo cluster (3 real libvirtd nodes with
# small running guests, tests/cluster) and opens Ferry connected to it.
# Needs root: it installs Debian packages and starts libvirtd and QEMU.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<TXT
The demo needs root: it installs Debian packages (apt-get) and starts three
libvirtd daemons with QEMU guests on this machine, each in its own mount
namespace. Run it as root, keeping your display, for example:

  sudo --preserve-env=DISPLAY,WAYLAND_DISPLAY,XDG_RUNTIME_DIR,XAUTHORITY $0

TXT
  exit 1
fi

bash build-aux/install-deps.sh
if [ -f _build/build.ninja ]; then meson setup --reconfigure _build >/dev/null; else meson setup _build >/dev/null; fi
ninja -C _build

export FERRY_CLUSTER_DIR=${FERRY_CLUSTER_DIR:-/var/tmp/ferry-cluster}
tests/cluster/cluster up 3

# The demo's own saved connections (your real ones are left alone): each
# node by name, with 127.0.0.1 as its migration address.
config="$FERRY_CLUSTER_DIR/ferry-demo.ini"
{
  echo "[Ferry]"
  echo "version=1"
  while read -r name uri _socket address; do
    [ -n "$name" ] || continue
    echo
    echo "[Node demo-$name]"
    echo "uri=$uri"
    echo "name=$name"
    echo "migration-address=$address"
  done < "$FERRY_CLUSTER_DIR/nodes"
} > "$config.tmp"
mv "$config.tmp" "$config"
export FERRY_CONFIG=$config
export GSETTINGS_SCHEMA_DIR="$top/_build/data"

run=()
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  for n in $(seq 50 80); do
    if [ ! -e "/tmp/.X$n-lock" ]; then display=":$n"; break; fi
  done
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  export DISPLAY=$display
  sleep 1
  echo "No display found: Ferry runs on the virtual display $display."
  echo "See it with: import -window root -display $display ferry.png"
fi
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  run=(dbus-run-session --)
fi
# Without an accessibility bus GTK only complains; don't let it.
export NO_AT_BRIDGE=${NO_AT_BRIDGE:-1}

echo "Opening Ferry on the demo cluster (stop the cluster later with: tests/cluster/cluster down)"
"${run[@]}" "$top/_build/app/ferry" "$@"
