#!/usr/bin/env bash
# Builds Ferry, starts a live local demo cluster (3 real libvirtd nodes with
# small running guests, tests/cluster) and opens Ferry connected to it.
# Needs root: it installs Debian packages and starts libvirtd and QEMU.
#
#   build-aux/demo.sh [FERRY-OPTIONS…]   the demo (the cluster stays up; stop
#                                        it with tests/cluster/cluster down)
#   build-aux/demo.sh --check            all of the demo's set-up, then Ferry
#       on a virtual display until every demo VM is listed (seen through its
#       accessibility tree), a screenshot (_build/demo-check.png), exit 0;
#       otherwise non-zero with the reason. CI runs it after the tests.
set -eEuo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

check=0
if [ "${1:-}" = --check ]; then check=1; shift; fi

if [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<TXT
The demo needs root: it installs Debian packages (apt-get) and starts three
libvirtd daemons with QEMU guests on this machine, each in its own mount
namespace. Run it as root, keeping your display, for example:

  sudo --preserve-env=DISPLAY,WAYLAND_DISPLAY,XDG_RUNTIME_DIR,XAUTHORITY $0

TXT
  exit 1
fi

step="starting"
trap 'echo "demo.sh: failed while $step (exit $?, line $LINENO: $BASH_COMMAND)" >&2' ERR

step="installing the dependencies (build-aux/install-deps.sh)"
bash build-aux/install-deps.sh
# shellcheck source=build-aux/setup-build.sh
. build-aux/setup-build.sh
step="configuring _build"; setup_build _build
step="building _build (ninja)"; ninja -C _build

export FERRY_CLUSTER_DIR=${FERRY_CLUSTER_DIR:-/var/tmp/ferry-cluster}
cluster=tests/cluster/cluster
was_up=0
[ -s "$FERRY_CLUSTER_DIR/nodes" ] && was_up=1
step="starting the demo cluster (tests/cluster/cluster up 3)"
"$cluster" up 3
# A cluster left by something else is put back as `up` made it.
[ "$was_up" = 0 ] || { step="resetting the demo cluster"; "$cluster" reset; }

# The demo's own saved connections (your real ones are left alone): each
# node by name, with its address on the test network as its migration address.
step="writing the demo's connections"
config="$FERRY_CLUSTER_DIR/ferry-demo.ini"
{
  echo "[Ferry]"
  echo "version=1"
  while read -r name uri _socket address _netns; do
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

if [ "$check" = 1 ]; then
  step="checking the demo (build-aux/demo-check.py)"
  rc=0
  FERRY_EXE="$top/_build/app/ferry" "$cluster" admin dbus-run-session -- /usr/bin/python3 build-aux/demo-check.py || rc=$?
  # What --check started, it stops.
  [ "$was_up" = 1 ] || "$cluster" down >/dev/null 2>&1 || true
  if [ "$rc" != 0 ]; then
    echo "demo.sh --check: failed (exit $rc): Ferry did not show the demo cluster (reason above)" >&2
    exit "$rc"
  fi
  echo "demo.sh --check: passed in $SECONDS s"
  exit 0
fi

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
# Ferry runs in the demo cluster's admin network namespace, on the test
# network with the nodes. A session bus on an abstract socket cannot be
# reached from there: Ferry then gets a bus of its own.
run=("$cluster" admin)
case "${DBUS_SESSION_BUS_ADDRESS:-}" in
  ""|*abstract=*) run+=(dbus-run-session --) ;;
esac
# Without an accessibility bus GTK only complains; don't let it.
export NO_AT_BRIDGE=${NO_AT_BRIDGE:-1}

echo "Opening Ferry on the demo cluster after $SECONDS s of set-up (stop the cluster later with: tests/cluster/cluster down)"
step="running Ferry"
"${run[@]}" "$top/_build/app/ferry" "$@"
