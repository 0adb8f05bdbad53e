#!/usr/bin/env bash
# Builds Ferry and runs its whole test suite, as CI does:
#   - installs what is missing (Debian 12 packages, and once the test guests'
#     kernel: build-aux/install-deps.sh) and checks every program it runs,
#   - builds with -Werror, and again with AddressSanitizer + UBSan,
#   - starts a real local cluster of 3 libvirtd nodes (tests/cluster),
#   - runs unit, data, integration and UI tests (UI under Xvfb),
#   - runs unit and integration tests again under the sanitizers,
#   - runs the benchmarks, which print numbers.
# Needs root (it installs packages and starts libvirtd nodes). Every failure
# ends in a line "test.sh: …" that says what failed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "$(id -u)" -ne 0 ]; then
  echo "build-aux/test.sh needs root: it installs Debian packages and starts real libvirtd" >&2
  echo "nodes for the integration tests. Run it as root (for example: sudo $0)." >&2
  exit 1
fi

step="starting"
trap 'echo "test.sh: failed while $step (exit $?, line $LINENO: $BASH_COMMAND)" >&2' ERR

# Where the time goes, said at the end (the README quotes it).
phases=()
mark=$SECONDS
took () { phases+=("$1 $((SECONDS - mark)) s"); mark=$SECONDS; }

step="installing the dependencies (build-aux/install-deps.sh)"
bash build-aux/install-deps.sh
took install

build=_build
asan=_build-asan
# shellcheck source=build-aux/setup-build.sh
. build-aux/setup-build.sh
step="configuring $build"; setup_build "$build" --werror
step="configuring $asan"; setup_build "$asan" --werror -Db_sanitize=address,undefined -Db_lundef=false -Dui_tests=false
step="building $build (ninja)"; ninja -C "$build"
step="building $asan (ninja)"; ninja -C "$asan"
took build

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
step="stopping an earlier cluster"
"$cluster" down >/dev/null 2>&1 || true
step="starting the local cluster (tests/cluster/cluster up 3)"
"$cluster" up 3
took cluster

# A display of our own for the UI tests and the window bench.
step="starting Xvfb"
for n in $(seq 90 120); do
  if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=":$n"; break; fi
done
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$logdir/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=$display
ready=0
for _ in $(seq 100); do xdpyinfo >/dev/null 2>&1 && { ready=1; break; }; sleep 0.1; done
[ "$ready" = 1 ] || { cat "$logdir/xvfb.log" >&2; echo "test.sh: Xvfb did not start on $display (log above)" >&2; exit 1; }

export FERRY_REQUIRE_CLUSTER=1
export FERRY_CLUSTER_DIR=${FERRY_CLUSTER_DIR:-/var/tmp/ferry-cluster}

# Tests and benchmarks run in the cluster's admin network namespace, on the
# test network with the nodes (`cluster admin`); the display's socket is a
# file, so Xvfb is reached from there too.
# run_tests DIR RESULTS [MESON-TEST-ARGS…]: DIR's tests in meson's order or,
# with FERRY_TEST_ORDER=shuffle, one at a time in a random order
# (FERRY_TEST_SEED replays one): no test may depend on what ran before it.
# meson's results go to RESULTS (testlog.json lines).
run_tests () {
  local dir=$1 results=$2 rc=0 line suite name seed
  shift 2
  if [ "${FERRY_TEST_ORDER:-}" != shuffle ]; then
    "$cluster" admin dbus-run-session -- meson test -C "$dir" --print-errorlogs "$@" || rc=1
    cp "$dir/meson-logs/testlog.json" "$results"
    return $rc
  fi
  seed=${FERRY_TEST_SEED:-$RANDOM$RANDOM}
  echo "== $dir, one test at a time in a random order (FERRY_TEST_SEED=$seed replays it)"
  : > "$results"
  exec 3< <(meson test -C "$dir" --no-rebuild --list "$@" 2>/dev/null | grep ' / ' |
            shuf --random-source=<(yes "$seed"))
  while read -r -u 3 line; do
    suite=${line#*:}; suite=${suite%% / *}; name=${line##* / }
    "$cluster" admin dbus-run-session -- meson test -C "$dir" --no-rebuild --print-errorlogs --suite "$suite" "$name" || rc=1
    cat "$dir/meson-logs/testlog.json" >> "$results"
  done
  exec 3<&-
  return $rc
}

status=0
failed=()
step="testing $build"
echo "== tests: $build (unit, data, integration, ui)"
run_tests "$build" "$logdir/results-build.json" --num-processes 2 || { status=1; failed+=("$build"); }

step="testing $asan"
echo "== tests: $asan (unit, integration under AddressSanitizer + UBSan)"
run_tests "$asan" "$logdir/results-asan.json" --suite unit --suite integration || { status=1; failed+=("$asan"); }
took tests

step="running the benchmarks"
echo "== benchmarks"
"$cluster" admin dbus-run-session -- meson test -C "$build" --benchmark --verbose 2>&1 | tee "$logdir/bench.log" | grep -vE "^ *[0-9]+/[0-9]+ |DEBUG" || true
took benchmarks
echo "test.sh: $SECONDS s in all ($(IFS=,; echo "${phases[*]}" | sed 's/,/, /g'))"

step="summing up"
python3 build-aux/summarize-tests.py "$logdir/results-build.json" "$logdir/results-asan.json" || status=1
if [ "$status" != 0 ]; then
  echo "test.sh: tests failed in ${failed[*]:-the summary} (failures listed above; logs in $build/meson-logs and $asan/meson-logs)" >&2
fi
exit $status
