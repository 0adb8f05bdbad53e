#!/usr/bin/env bash
# tests/cluster/fence-selftest.sh - checks tests/cluster/fence_ferry against a
# fake cluster script (no root, no daemons, no real cluster).
#
# The fake keeps each node's power state in a file, records every call, and is
# told to misbehave by flag files (off-fails, stuck-on, status-hangs, ...).
# Every action is run with name=value lines on stdin (as fenced runs agents)
# and with command-line options. Prints TAP; exits non-zero if a test failed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AGENT="$HERE/fence_ferry"
T="$(mktemp -d "${TMPDIR:-/tmp}/fence-selftest.XXXXXX")"
trap 'rm -rf "$T"' EXIT
S="$T/state"
FAKE="$T/fake-cluster"
mkdir -p "$S/power" "$T/empty"

# ------------------------------------------------------------ fake harness
{
  echo '#!/usr/bin/env bash'
  echo 'set -euo pipefail'
  printf 'S=%q\n' "$S"
  cat <<'EOF'
printf '%s\n' "$*" >>"$S/calls"
cmd="${1:-}" node="${2:-}"
flag() { [ -e "$S/$1" ]; }
case "$cmd" in
  power-off)
    if flag off-fails; then echo "power-off: broken" >&2; exit 3; fi
    flag stuck-on || echo off >"$S/power/$node"
    echo "pulled the plug of $node" ;;
  power-on)
    if flag on-fails; then echo "power-on: broken" >&2; exit 3; fi
    flag stuck-off || echo on >"$S/power/$node" ;;
  power-status)
    if flag status-fails; then echo "power-status: broken" >&2; exit 3; fi
    if flag status-hangs; then sleep 30; fi
    if flag status-garbage; then echo "maybe"; exit 0; fi
    cat "$S/power/$node" ;;
  nodes-list)
    if flag list-fails; then echo "nodes-list: broken" >&2; exit 3; fi
    printf 'node1\nnode2\nnode3\n' ;;
  *) echo "fake cluster: unknown command $cmd" >&2; exit 64 ;;
esac
EOF
} >"$FAKE"
chmod +x "$FAKE"

# ------------------------------------------------------------ TAP helpers
N=0 FAILED=0 WHY=() DESC=""
RC=0 OUT="" ERR="" ELAPSED=0

reset_state() {
  rm -f "$S"/calls "$S"/*-fails "$S"/stuck-* "$S"/status-hangs "$S"/status-garbage "$T/pwned"
  : >"$S/calls"
  local i
  for i in 1 2 3; do echo on >"$S/power/node$i"; done
}
begin() { DESC="$1"; WHY=(); reset_state; }
flag() { : >"$S/$1"; }
power_of() { echo off >"$S/power/$1"; }
end_test() {
  N=$((N + 1))
  if [ "${#WHY[@]}" -eq 0 ]; then
    echo "ok $N - $DESC"
  else
    FAILED=$((FAILED + 1))
    echo "not ok $N - $DESC"
    local w
    for w in "${WHY[@]}"; do printf '#   %s\n' "$w"; done
    printf '#   rc=%s stdout=%q stderr=%q calls=%q\n' "$RC" "$OUT" "$ERR" "$(calls)"
  fi
}

now_ms() { local t="${EPOCHREALTIME//[!0-9]/}"; echo $((10#$t / 1000)); }
_run() { # _run INPUT-FILE ARGS...: the agent, results in RC OUT ERR ELAPSED
  local in="$1" t0; shift
  t0="$(now_ms)"
  RC=0
  "$AGENT" "$@" <"$in" >"$T/out" 2>"$T/err" || RC=$?
  ELAPSED=$(($(now_ms) - t0))
  OUT="$(cat "$T/out")"
  ERR="$(cat "$T/err")"
}
run_in() { # run_in LINES: the agent with LINES on stdin
  printf '%s' "$1" >"$T/in"
  _run "$T/in"
}
run_args() { # run_args ARGS...: the agent with command-line options
  _run /dev/null "$@"
}
calls() { cat "$S/calls"; }

want_rc() { [ "$RC" -eq "$1" ] || WHY+=("exit status $RC, wanted $1"); }
want_out() { [ "$OUT" = "$1" ] || WHY+=("stdout is not $(printf '%q' "$1")"); }
want_out_has() { [[ "$OUT" == *"$1"* ]] || WHY+=("stdout lacks $(printf '%q' "$1")"); }
want_err_has() { [[ "$ERR" == *"$1"* ]] || WHY+=("stderr lacks $(printf '%q' "$1")"); }
want_err_lacks() { [[ "$ERR" != *"$1"* ]] || WHY+=("stderr has $(printf '%q' "$1")"); }
want_calls() { [ "$(calls)" = "$1" ] || WHY+=("calls are not $(printf '%q' "$1")"); }
want_no_calls() { [ ! -s "$S/calls" ] || WHY+=("the cluster script was run"); }
want_called() { grep -qxF -- "$1" "$S/calls" || WHY+=("no call '$1'"); }
want_not_called() { ! grep -qF -- "$1" "$S/calls" || WHY+=("a call '$1' was made"); }
want_power() { [ "$(cat "$S/power/$1")" = "$2" ] || WHY+=("$1 is $(cat "$S/power/$1"), wanted $2"); }
want_ms_between() { # want_ms_between MIN MAX
  { [ "$ELAPSED" -ge "$1" ] && [ "$ELAPSED" -le "$2" ]; } ||
    WHY+=("took ${ELAPSED} ms, wanted ${1}..${2} ms")
}
want_ok_metadata() {
  local py
  py="$(cat <<'EOF'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parseString(sys.stdin.read())
ra = doc.documentElement
assert ra.tagName == "resource-agent", ra.tagName
assert ra.getAttribute("name") == "fence_ferry"
assert ra.getAttribute("shortdesc")
for tag in ("longdesc", "vendor-url", "parameters", "actions"):
    assert ra.getElementsByTagName(tag), "no <%s>" % tag
params = {p.getAttribute("name"): p for p in ra.getElementsByTagName("parameter")}
for name in ("action", "plug", "port", "nodename", "cluster_script", "delay",
             "power_timeout", "verbose"):
    assert name in params, "no parameter " + name
    assert params[name].getElementsByTagName("getopt"), "no getopt for " + name
    assert params[name].getElementsByTagName("content"), "no content for " + name
assert params["plug"].getAttribute("obsoletes") == "port"
assert params["port"].getAttribute("deprecated") == "1"
actions = {a.getAttribute("name") for a in ra.getElementsByTagName("action")}
want = {"on", "off", "reboot", "status", "list", "monitor", "metadata", "validate-all"}
assert want <= actions, "missing actions: %s" % sorted(want - actions)
EOF
)"
  local msg
  if ! msg="$(printf '%s' "$OUT" | python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parseString(sys.stdin.read())' 2>&1)"; then
    WHY+=("metadata is not XML: ${msg##*$'\n'}")
  elif ! msg="$(printf '%s' "$OUT" | python3 -c "$py" 2>&1)"; then
    WHY+=("metadata: ${msg##*$'\n'}")
  fi
}

C="cluster_script=$FAKE"
CS="--cluster-script=$FAKE"

# ------------------------------------------------------------ stdin
begin "stdin: off powers node2 off and confirms it"
run_in $'action=off\nport=node2\n'"$C"$'\n'
want_rc 0; want_out "Success: Powered OFF"; want_power node2 off; want_power node1 on
want_calls $'power-off node2\npower-status node2'
end_test

begin "stdin: status of a node that is off: exit 2, Status: OFF"
power_of node2
run_in $'action=status\nplug=node2\n'"$C"$'\n'
want_rc 2; want_out "Status: OFF"; want_calls "power-status node2"
end_test

begin "stdin: status of a node that is on: exit 0, Status: ON"
run_in $'action=status\nplug=node2\n'"$C"$'\n'
want_rc 0; want_out "Status: ON"
end_test

begin "stdin: on powers node2 on and confirms it"
power_of node2
run_in $'action=on\nplug=node2\n'"$C"$'\n'
want_rc 0; want_out "Success: Powered ON"; want_power node2 on
want_calls $'power-on node2\npower-status node2'
end_test

begin "stdin: reboot is off, confirm, on, confirm"
run_in $'action=reboot\nport=node3\n'"$C"$'\n'
want_rc 0; want_out "Success: Rebooted"; want_power node3 on
want_calls $'power-off node3\npower-status node3\npower-on node3\npower-status node3'
end_test

begin "stdin: reboot succeeds once off is confirmed even if on fails"
flag on-fails
run_in $'action=reboot\nport=node3\npower_timeout=2\n'"$C"$'\n'
want_rc 0; want_out "Success: Rebooted"; want_power node3 off; want_called "power-on node3"
want_err_has "did not come back on"
end_test

begin "stdin: reboot whose off never confirms fails and does not power on"
flag stuck-on
run_in $'action=reboot\nport=node3\npower_timeout=1\n'"$C"$'\n'
want_rc 1; want_not_called "power-on"; want_err_has "timed out"
end_test

begin "stdin: the default action is reboot"
run_in $'port=node1\n'"$C"$'\n'
want_rc 0; want_out "Success: Rebooted"; want_called "power-off node1"; want_called "power-on node1"
end_test

begin "stdin: nodename is the target when there is no port/plug"
run_in $'action=off\nnodename=node3\n'"$C"$'\n'
want_rc 0; want_power node3 off; want_calls $'power-off node3\npower-status node3'
end_test

begin "stdin: port wins over nodename"
run_in $'nodename=node3\naction=off\nport=node1\n'"$C"$'\n'
want_rc 0; want_power node1 off; want_power node3 on
end_test

begin "stdin: option= is the legacy alias of action="
run_in $'option=off\nport=node2\n'"$C"$'\n'
want_rc 0; want_power node2 off
end_test

begin "stdin: the action is case-insensitive; the last value of a name wins"
run_in $'action=reboot\naction=OFF\nport=node1\nport=node2\n'"$C"$'\n'
want_rc 0; want_power node2 off; want_power node1 on; want_not_called "power-on"
end_test

begin "stdin: comments, blank lines, leading blanks, CRLF and no final newline"
run_in $'# a comment\n\n   action=status\r\n\t# another\n  port=node2\r\n'"$C"
want_rc 0; want_out "Status: ON"
end_test

begin "stdin: unknown parameters are ignored and not logged (even verbose)"
run_in $'agent=fence_ferry\nname=ferry-fence\npasswd=s3cr3t-value\nipaddr=10.0.0.1\npcmk_host_list=node1 node2\naction=off\nport=node2\nverbose=1\nnoequals\n'"$C"$'\n'
want_rc 0; want_power node2 off; want_err_lacks "s3cr3t"; want_err_lacks "10.0.0.1"
end_test

begin "stdin: verbose says what is done on stderr"
run_in $'action=off\nport=node2\nverbose=1\n'"$C"$'\n'
want_rc 0; want_err_has "power-off node2"; want_err_has "node2 is off"
end_test

begin "stdin: not verbose: nothing on stderr"
run_in $'action=off\nport=node2\n'"$C"$'\n'
want_rc 0; [ -z "$ERR" ] || WHY+=("stderr not empty")
end_test

begin "stdin: delay waits before off"
run_in $'action=off\nport=node2\ndelay=1\n'"$C"$'\n'
want_rc 0; want_power node2 off; want_ms_between 1000 5000
end_test

begin "stdin: a power-off that never confirms fails within power_timeout"
flag stuck-on
run_in $'action=off\nport=node2\npower_timeout=2\n'"$C"$'\n'
want_rc 1; want_ms_between 1900 4000; want_err_has "timed out"; want_called "power-off node2"
[ "$(grep -c '^power-status node2$' "$S/calls")" -ge 2 ] || WHY+=("power-status was not polled")
end_test

begin "stdin: a power-status that hangs still fails within power_timeout"
flag stuck-on; flag status-hangs
run_in $'action=off\nport=node2\npower_timeout=2\n'"$C"$'\n'
want_rc 1; want_ms_between 1500 5000
end_test

begin "stdin: a power-status that prints neither on nor off never confirms"
flag status-garbage
run_in $'action=off\nport=node2\npower_timeout=1\n'"$C"$'\n'
want_rc 1; want_ms_between 900 4000
end_test

begin "stdin: a failing power-off fails at once"
flag off-fails
run_in $'action=off\nport=node2\n'"$C"$'\n'
want_rc 1; want_calls "power-off node2"; want_err_has "power-off node2 failed"
end_test

begin "stdin: an on that never confirms fails"
power_of node2; flag stuck-off
run_in $'action=on\nport=node2\npower_timeout=1\n'"$C"$'\n'
want_rc 1; want_err_has "timed out"
end_test

begin "stdin: status when power-status fails: exit 1"
flag status-fails
run_in $'action=status\nport=node2\n'"$C"$'\n'
want_rc 1; [ -z "$OUT" ] || WHY+=("stdout not empty")
end_test

begin "stdin: monitor: exit 0 when nodes-list works"
run_in $'action=monitor\n'"$C"$'\n'
want_rc 0; want_calls "nodes-list"
end_test

begin "stdin: monitor: exit 0 when nodes-list fails but power-status works"
flag list-fails
run_in $'action=monitor\nport=node1\n'"$C"$'\n'
want_rc 0; want_called "power-status node1"
end_test

begin "stdin: monitor: without a node, power-status node1 is tried"
flag list-fails
run_in $'action=monitor\n'"$C"$'\n'
want_rc 0; want_calls $'nodes-list\npower-status node1'
end_test

begin "stdin: monitor: exit 1 when the cluster script does not answer"
flag list-fails; flag status-fails
run_in $'action=monitor\nnodename=node1\n'"$C"$'\n'
want_rc 1
end_test

begin "stdin: monitor: exit 1 when the cluster script is missing"
run_in $'action=monitor\ncluster_script='"$T"$'/no-such-script\n'
want_rc 1; want_err_has "not an executable file"
end_test

begin "stdin: list prints nodeN,nodeN per node"
run_in $'action=list\n'"$C"$'\n'
want_rc 0; want_out $'node1,node1\nnode2,node2\nnode3,node3'; want_calls "nodes-list"
end_test

begin "stdin: list fails when nodes-list fails"
flag list-fails
run_in $'action=list\n'"$C"$'\n'
want_rc 1
end_test

begin "stdin: metadata is fence-agent XML with every action"
run_in $'action=metadata\n'
want_rc 0; want_ok_metadata; want_no_calls
META="$OUT"
end_test

begin "stdin: validate-all accepts good parameters"
run_in $'action=validate-all\nport=node2\ndelay=3\npower_timeout=30\nverbose=0\n'"$C"$'\n'
want_rc 0; want_no_calls
end_test

begin "stdin: validate-all without a node is fine (fenced validates devices)"
run_in $'action=validate-all\n'"$C"$'\n'
want_rc 0; want_no_calls
end_test

begin "stdin: validate-all refuses a bad delay, power_timeout or cluster_script"
run_in $'action=validate-all\nport=node2\ndelay=1;true\n'"$C"$'\n'
want_rc 1; want_err_has "invalid delay"
run_in $'action=validate-all\nport=node2\npower_timeout=soon\n'"$C"$'\n'
want_rc 1; want_err_has "invalid power_timeout"
run_in $'action=validate-all\nport=node2\ncluster_script='"$T"$'/nope\n'
want_rc 1; want_err_has "not an executable file"
run_in $'action=validate-all\nport=node2\ncluster_script='"$T"$'\n'
want_rc 1
want_no_calls
end_test

begin "stdin: an unknown action is refused"
run_in $'action=explode\nport=node2\n'"$C"$'\n'
want_rc 1; want_err_has "unknown action"; want_no_calls
end_test

begin "stdin: off without any node is refused"
run_in $'action=off\n'"$C"$'\n'
want_rc 1; want_err_has "no node"; want_no_calls
end_test

# shellcheck disable=SC2016 # these values must reach the agent unexpanded
for bad in "node2;touch $T/pwned" '../x' 'node2 node3' '$(touch '"$T"'/pwned)' '`touch '"$T"'/pwned`' 'Node2' 'node' '-node2' 'node2/..' '*'; do
  begin "stdin: the plug $(printf '%q' "${bad//"$T"/T}") is refused without running anything"
  run_in "action=off"$'\n'"port=$bad"$'\n'"$C"$'\n'
  want_rc 1; want_err_has "invalid plug"; want_no_calls
  [ ! -e "$T/pwned" ] || WHY+=("the value was run as shell code")
  end_test
done

begin "stdin: a bad nodename is refused when it is the target"
run_in "action=reboot"$'\n'"nodename=node1;touch $T/pwned"$'\n'"$C"$'\n'
want_rc 1; want_err_has "invalid nodename"; want_no_calls
[ ! -e "$T/pwned" ] || WHY+=("the value was run as shell code")
end_test

begin "stdin: cluster_script without a slash is not looked up in PATH"
printf 'action=list\ncluster_script=ls\n' >"$T/in"
RC=0; (cd "$T/empty" && "$AGENT" <"$T/in" >"$T/out" 2>"$T/err") || RC=$?
OUT="$(cat "$T/out")"; ERR="$(cat "$T/err")"
want_rc 1; want_err_has "not an executable file"; [ -z "$OUT" ] || WHY+=("ls ran")
end_test

begin "default cluster_script: the cluster script next to the agent"
mkdir -p "$T/bin" "$T/link"
cp "$AGENT" "$T/bin/fence_ferry"; cp "$FAKE" "$T/bin/cluster"
printf 'action=off\nport=node2\n' >"$T/in"
RC=0; "$T/bin/fence_ferry" <"$T/in" >"$T/out" 2>"$T/err" || RC=$?
OUT="$(cat "$T/out")"; ERR="$(cat "$T/err")"
want_rc 0; want_power node2 off
end_test

begin "default cluster_script: found through a symlinked agent"
ln -sf "$T/bin/fence_ferry" "$T/link/fence_ferry"
printf 'action=status\nport=node2\n' >"$T/in"
RC=0; "$T/link/fence_ferry" <"$T/in" >"$T/out" 2>"$T/err" || RC=$?
OUT="$(cat "$T/out")"; ERR="$(cat "$T/err")"
want_rc 0; want_out "Status: ON"
end_test

# ------------------------------------------------------------ command line
begin "args: -o off -n node2"
run_args -o off -n node2 "$CS"
want_rc 0; want_out "Success: Powered OFF"; want_power node2 off
want_calls $'power-off node2\npower-status node2'
end_test

begin "args: --action=status --plug=node2 (off: exit 2)"
power_of node2
run_args --action=status --plug=node2 "$CS"
want_rc 2; want_out "Status: OFF"
end_test

begin "args: --action status --plug node2 --cluster_script PATH (on: exit 0)"
run_args --action status --plug node2 --cluster_script "$FAKE"
want_rc 0; want_out "Status: ON"
end_test

begin "args: -oon -nnode2"
power_of node2
run_args -oon -nnode2 "$CS"
want_rc 0; want_out "Success: Powered ON"; want_power node2 on
end_test

begin "args: --action=reboot --port=node3 --delay=0 --power-timeout=5"
run_args --action=reboot --port=node3 --delay=0 --power-timeout=5 "$CS"
want_rc 0; want_out "Success: Rebooted"
want_calls $'power-off node3\npower-status node3\npower-on node3\npower-status node3'
end_test

begin "args: --nodename=node3 -o off"
run_args --nodename=node3 -o off "$CS"
want_rc 0; want_power node3 off
end_test

begin "args: -o list"
run_args -o list "$CS"
want_rc 0; want_out $'node1,node1\nnode2,node2\nnode3,node3'
end_test

begin "args: --action=monitor"
run_args --action=monitor "$CS"
want_rc 0
end_test

begin "args: --action=monitor when the harness is broken"
flag list-fails; flag status-fails
run_args --action=monitor -n node1 "$CS"
want_rc 1
end_test

begin "args: -o metadata is the same XML as on stdin"
run_args -o metadata
want_rc 0; want_ok_metadata; [ "$OUT" = "$META" ] || WHY+=("differs from stdin's")
end_test

begin "args: --action=validate-all, and a bad --power-timeout"
run_args --action=validate-all -n node1 "$CS"
want_rc 0
run_args --action=validate-all -n node1 --power-timeout=-1 "$CS"
want_rc 1; want_err_has "invalid power_timeout"; want_no_calls
end_test

begin "args: unknown options are ignored"
run_args --bogus=1 --ipaddr=10.0.0.1 --ssl -x -o off -n node2 "$CS" -v
want_rc 0; want_power node2 off; want_err_lacks "10.0.0.1"
end_test

begin "args: a power-off that never confirms fails within --power-timeout"
flag stuck-on
run_args -o off -n node2 --power-timeout 2 "$CS"
want_rc 1; want_ms_between 1900 4000
end_test

begin "args: -v says what is done"
run_args -v -o off -n node2 "$CS"
want_rc 0; want_err_has "power-off node2"
end_test

begin "args: stdin is not read when options are given"
printf 'action=off\nport=node1\n' >"$T/in"
_run "$T/in" -o status -n node2 "$CS"
want_rc 0; want_out "Status: ON"; want_power node1 on; want_calls "power-status node2"
end_test

for bad in "node2;touch $T/pwned" '../x' $'node2\nnode3' ''; do
  begin "args: --plug=$(printf '%q' "${bad//"$T"/T}") is refused without running anything"
  run_args -o off "--plug=$bad" "$CS"
  want_rc 1; want_no_calls
  [ ! -e "$T/pwned" ] || WHY+=("the value was run as shell code")
  end_test
done

begin "args: -n with a hostile value is refused"
run_args -o reboot -n "node2;touch $T/pwned" "$CS"
want_rc 1; want_err_has "invalid plug"; want_no_calls
[ ! -e "$T/pwned" ] || WHY+=("the value was run as shell code")
end_test

begin "args: an option without its value is refused"
run_args -o off -n node2 "$CS" --delay
want_rc 1; want_err_has "needs a value"; want_no_calls
end_test

begin "args: --help prints usage"
run_args --help
want_rc 0; want_out_has "Usage:"; want_no_calls
end_test

echo "1..$N"
if [ "$FAILED" -gt 0 ]; then
  echo "# $FAILED of $N failed"
  exit 1
fi
echo "# all $N passed"
