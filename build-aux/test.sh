#!/usr/bin/env bash
# Builds Ferry and runs its whole test suite, as CI does:
#   - installs what is missing (Debian 12 packages),
#   - builds with -Werror, and again with AddressSanitizer + UBSan,
#   - starts a real local cluster of 3 libvirtd nodes (tests/cluster),
#   - runs unit, data, integration and UI tests (UI under Xvfb),
#   - runs unit and integration tests again under the sanitizers,
#   - runs the benchmarks, which print numbers.
# Needs root (it installs packages and starts libvirtd nodes).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" -ne 0 ]; then
  echo "build-aux/test.sh needs root: it installs Debian packages and starts real libvirtd" >&2
  echo "nodes for the integration tests. Run it as root (for example: sudo $0)." >&2
  exit 1
fi

bash build-aux/install-deps.sh

build=_build
asan=_build-asan
setup () {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}
setup "$build" --werror
setup "$asan" --werror -Db_sanitize=address,undefined -Db_lundef=false -Dui_tests=false
ninja -C "$build"
ninja -C "$asan"

cluster=tests/cluster/cluster
logdir="$top/$build/test-logs"
mkdir -p "$logdir"

xvfb_pid=
cleanup () {
  local rc=$?
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  "$cluster" down >/dev/null 2>&1 || true
  exit $rc
}
trap cleanup EXIT INT TERM

# A clean cluster every run: nothing left from an earlier run or demo.
"$cluster" down >/dev/null 2>&1 || true
"$cluster" up 3

# A display of our own for the UI tests and the window bench.
for n in $(seq 90 120); do
  if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=":$n"; break; fi
done
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$logdir/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done 2>/dev/null || sleep 2

export FERRY_REQUIRE_CLUSTER=1
export FERRY_CLUSTER_DIR=${FERRY_CLUSTER_DIR:-/var/tmp/ferry-cluster}

status=0
echo "== tests: $build (unit, data, integration, ui)"
dbus-run-session -- meson test -C "$build" --print-errorlogs --num-processes 2 || status=1
cp "$build/meson-logs/testlog.json" "$logdir/results-build.json"

echo "== tests: $asan (unit, integration under AddressSanitizer + UBSan)"
dbus-run-session -- meson test -C "$asan" --print-errorlogs --suite unit --suite integration || status=1
cp "$asan/meson-logs/testlog.json" "$logdir/results-asan.json"

echo "== benchmarks"
dbus-run-session -- meson test -C "$build" --benchmark --verbose 2>&1 | tee "$logdir/bench.log" | grep -vE "^ *[0-9]+/[0-9]+ |DEBUG" || true

python3 build-aux/summarize-tests.py "$logdir/results-build.json" "$logdir/results-asan.json"
exit $status
