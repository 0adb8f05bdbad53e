#!/usr/bin/env bash
# tests/cluster/selftest.sh - checks that the local libvirt test cluster works.
# Needs root. Brings the cluster up (3 nodes), exercises lifecycle, migration,
# extra guests (define-guest --memory, --load mem, --network; define-network),
# freeze/thaw, fail/restart, the test network (nodes' own addresses, host
# names, partition, power-off/power-on, the fence agent), disk leases (a second start of a disk on another
# node refused by virtlockd) and booting a VM from the installer ISO, and leaves
# the cluster up in its standard state (every node running, nI-web and nI-db
# running, nI-spare shut off, no st-* guests or networks).
# Prints PASS/FAIL lines; exits non-zero if anything failed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLUSTER="$HERE/cluster"
DIR="${FERRY_CLUSTER_DIR:-/var/tmp/ferry-cluster}"
FAILS=0
T0=$(date +%s)

[ "$(id -u)" -eq 0 ] || { echo "selftest: needs root (it runs 'cluster up')" >&2; exit 1; }
# The checks reach the nodes as Ferry does: from the admin namespace of the
# test network, which `cluster up` makes.
if [ "${FERRY_SELFTEST_ADMIN:-}" != 1 ]; then
  "$CLUSTER" up 3 >/dev/null
  FERRY_SELFTEST_ADMIN=1 exec "$CLUSTER" admin bash "$0" "$@"
fi

pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
check() { # check DESCRIPTION COMMAND...
  local d="$1"; shift
  if "$@"; then pass "$d"; else fail "$d"; fi
}
# wait_until TIMEOUT COMMAND...: poll every 0.5 s
wait_until() {
  local t="$1" end; shift
  end=$(( $(date +%s) + t ))
  while [ "$(date +%s)" -le "$end" ]; do
    if "$@"; then return 0; fi
    sleep 0.5
  done
  return 1
}
uri() { "$CLUSTER" uri "$1"; }
v() { local n="$1"; shift; timeout 15 virsh -q -c "$(uri "$n")" "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

running_names() { v "$1" list --name 2>/dev/null | sed '/^$/d' | sort | tr '\n' ' '; }
state_is() { [ "$(v "$1" domstate "$2" 2>/dev/null | head -n1)" = "$3" ]; }
answers() { timeout 5 virsh -q -c "$(uri "$1")" version >/dev/null 2>&1; }
not_answers() { ! answers "$1"; }
last_hb() { # last heartbeat number in a serial log (0 if none)
  local f; f="$("$CLUSTER" serial "$1")"
  { grep -a 'FERRY-HEARTBEAT' "$f" 2>/dev/null || true; } | tail -n1 | awk '{ n = $2 } END { print (n == "" ? 0 : n) }'
}
count() { # count GUEST PATTERN: matching lines in the guest's serial log
  local n; n="$(grep -a -c -- "$2" "$("$CLUSTER" serial "$1")" 2>/dev/null || true)"; echo "${n:-0}"
}
hb_lines() { count "$1" 'FERRY-HEARTBEAT'; }
boots() { count "$1" 'FERRY-BOOT'; }
hb_above() { [ "$(last_hb "$1")" -gt "$2" ]; }
hb_lines_above() { [ "$(hb_lines "$1")" -gt "$2" ]; }
boots_above() { [ "$(boots "$1")" -gt "$2" ]; }
serial_has() { grep -a -q -- "$2" "$("$CLUSTER" serial "$1")" 2>/dev/null; }

# ---------------------------------------------------------------- up
t=$(now)
if "$CLUSTER" up 3; then pass "cluster up 3 ($(since "$t") s)"; else fail "cluster up 3"; echo "SELFTEST: FAIL"; exit 1; fi
"$CLUSTER" status

for i in 1 2 3; do
  check "node$i answers on $(uri "$i")" answers "$i"
  check "node$i runs n$i-db n$i-web" wait_until 20 eval '[ "$(running_names '"$i"')" = "n'"$i"'-db n'"$i"'-web " ]'
  check "node$i has n$i-spare shut off" state_is "$i" "n$i-spare" "shut off"
  check "node$i has pools shared+local active" eval '[ "$(v '"$i"' pool-list --name | awk "NF { print \$1 }" | sort | tr "\n" " ")" = "local shared " ]'
done

# ---------------------------------------------------------------- heartbeat
check "n1-web prints heartbeats (booted within 60 s)" wait_until 60 hb_above n1-web 0
hb=$(last_hb n1-web)
check "n1-web heartbeat grows" wait_until 10 hb_above n1-web "$hb"

# ---------------------------------------------------------------- ACPI shutdown / start / reboot
check "n2-db heartbeating before shutdown" wait_until 60 hb_above n2-db 0
b=$(boots n2-db)
t=$(now)
v 2 shutdown n2-db >/dev/null || true
if wait_until 30 state_is 2 n2-db "shut off"; then pass "virsh shutdown n2-db -> shut off in $(since "$t") s"
else fail "virsh shutdown n2-db -> shut off within 30 s"; fi
check "n2-db logged FERRY-ACPI" serial_has n2-db 'FERRY-ACPI power-button'
check "virsh start n2-db" v 2 start n2-db
check "n2-db boots again" wait_until 60 boots_above n2-db "$b"
n=$(hb_lines n2-db)
check "n2-db heartbeat after restart" wait_until 20 hb_lines_above n2-db "$n"
b=$(boots n2-db)
sleep 3
t=$(now)
v 2 reboot n2-db >/dev/null || true
if wait_until 60 boots_above n2-db "$b"; then pass "virsh reboot n2-db -> booted again in $(since "$t") s"
else fail "virsh reboot n2-db -> new FERRY-BOOT within 60 s"; fi
check "n2-db running after reboot" state_is 2 n2-db running

# ---------------------------------------------------------------- keyboard (QEMU input, same path as VNC keys)
check "n1-db heartbeating" wait_until 60 hb_above n1-db 0
# one send-key per key: virsh send-key presses all its keys at once (a chord)
for k in KEY_F KEY_E KEY_R KEY_R KEY_Y KEY_ENTER; do v 1 send-key n1-db "$k" >/dev/null || true; done
check "send-key -> FERRY-KEYCODE on serial" wait_until 10 serial_has n1-db 'FERRY-KEYCODE 33'
check "send-key line -> 'FERRY-KEY ferry' on serial" wait_until 10 serial_has n1-db 'FERRY-KEY ferry'

# ---------------------------------------------------------------- live migration
migrate_check() { # migrate_check GUEST FROM TO
  local g="$1" f="$2" to="$3" hb0 t b0
  hb0=$(last_hb "$g")
  b0=$(boots "$g")
  t=$(now)
  if "$CLUSTER" migrate "$g" "node$f" "node$to"; then pass "migrate $g node$f -> node$to ($(since "$t") s)"
  else fail "migrate $g node$f -> node$to"; return 0; fi
  check "$g running on node$to" state_is "$to" "$g" running
  check "$g absent on node$f" eval '! v '"$f"' dominfo '"$g"' >/dev/null 2>&1'
  check "$g persistent on node$to" eval 'v '"$to"' dominfo '"$g"' | grep "^Persistent: *yes" >/dev/null'
  check "$g heartbeat continues after migration (was $hb0)" wait_until 15 hb_above "$g" "$((hb0 + 2))"
  check "$g did not reboot during migration" eval '[ "$(boots '"$g"')" = '"$b0"' ]'
}
check "n1-web heartbeating before migration" wait_until 60 hb_above n1-web 2
migrate_check n1-web 1 2
migrate_check n1-web 2 1

# ---------------------------------------------------------------- more guests: RAM, memory load, networks
# define-guest --memory/--load mem/--network and define-network; the guests
# and networks are removed again (st-* names; a failed earlier run may have
# left some).
st_cleanup() {
  local i g n
  for i in 1 2 3; do
    # a node that got a guest by migration may not list its volume yet
    v "$i" pool-refresh shared >/dev/null 2>&1 || true
    for g in st-mem st-nic st-bad; do
      v "$i" destroy "$g" >/dev/null 2>&1 || true
      v "$i" undefine "$g" --remove-all-storage >/dev/null 2>&1 || true
      v "$i" vol-delete --pool shared "$g.qcow2" >/dev/null 2>&1 || true
    done
    for n in st-net; do
      v "$i" net-info "$n" >/dev/null 2>&1 && "$CLUSTER" remove-network "node$i" "$n" 2>/dev/null || true
    done
  done
  rm -f "$("$CLUSTER" serial st-mem)" "$("$CLUSTER" serial st-nic)" "$("$CLUSTER" serial st-bad)"
}
loadstat() { # the last rewrite rate a mem-loaded guest reported (-1: none)
  { grep -a 'FERRY-LOADSTAT mem' "$("$CLUSTER" serial "$1")" 2>/dev/null || true; } |
    tail -n1 | tr -d '\r' | awk '{ n = $3 } END { print (n == "" ? -1 : n) }'
}
dirty_mib_s() { # dirty_mib_s NODE GUEST: libvirt's 1 s page-sampling dirty rate
  v "$1" domdirtyrate-calc "$2" --seconds 1 >/dev/null 2>&1 || { echo -1; return 0; }
  sleep 2
  v "$1" domstats "$2" --dirtyrate 2>/dev/null | awk -F= '/megabytes_per_second/ { r = $2 } END { print (r == "" ? -1 : r) }'
}
st_cleanup
check "define-guest node2 st-mem --memory 320 --load mem:100:192 --start" \
  "$CLUSTER" define-guest node2 st-mem --memory 320 --load mem:100:192 --start
check "st-mem has 320 MiB of RAM" eval '[ "$(v 2 dominfo st-mem | awk "/^Max memory:/ { print \$3 }")" = 327680 ]'
check "st-mem prints FERRY-LOAD mem 100 192 (working set filled)" wait_until 90 serial_has st-mem 'FERRY-LOAD mem 100 192'
hb=$(last_hb st-mem)
check "st-mem keeps heartbeating while it rewrites its memory" wait_until 15 hb_above st-mem "$((hb + 5))"
r=$(dirty_mib_s 2 st-mem)
check "libvirt's dirty rate of st-mem over 1 s is 60..200 MiB/s (got $r)" eval '[ "$r" -ge 60 ] && [ "$r" -le 200 ]'
check "st-mem reports its rewrite rate (FERRY-LOADSTAT mem)" wait_until 15 serial_has st-mem 'FERRY-LOADSTAT mem'
r=$(loadstat st-mem)
check "st-mem rewrites at 80..110 MiB/s, asked for 100 (got $r)" eval '[ "$r" -ge 80 ] && [ "$r" -le 110 ]'
check "define-guest refuses a working set that does not fit (--load mem:10:128, 96 MiB)" \
  eval '! "$CLUSTER" define-guest node2 st-bad --load mem:10:128 2>/dev/null && ! v 2 dominfo st-bad >/dev/null 2>&1'

br1=$("$CLUSTER" define-network node1 st-net 2>/dev/null || true)
check "define-network node1 st-net -> bridge '$br1' exists on node1" eval '[[ "$br1" == ferrybr* ]] && "$CLUSTER" node-exec node1 test -e "/sys/class/net/$br1"'
check "st-net is active on node1 only" eval 'v 1 net-info st-net | grep "^Active: *yes" >/dev/null && ! v 2 net-info st-net >/dev/null 2>&1'
check "define-guest node1 st-nic --network st-net --start" "$CLUSTER" define-guest node1 st-nic --network st-net --start
check "st-nic has a NIC on st-net" eval 'v 1 domiflist st-nic | grep " st-net " >/dev/null'
check "st-nic heartbeats" wait_until 60 hb_above st-nic 0
check "define-guest --network st-net on node3 (no st-net) is refused" \
  eval '! "$CLUSTER" define-guest node3 st-bad --network st-net 2>/dev/null && ! v 3 dominfo st-bad >/dev/null 2>&1'
check "migrating st-nic to node2 (no st-net there) fails" eval '! "$CLUSTER" migrate st-nic node1 node2 >/dev/null 2>&1'
check "st-nic still runs on node1 after the refused migration" state_is 1 st-nic running
br2=$("$CLUSTER" define-network node2 st-net 2>/dev/null || true)
check "st-net on node2 gets a bridge of its own ('$br2' vs '$br1')" eval '[[ "$br2" == ferrybr* ]] && [ "$br2" != "$br1" ]'
check "st-nic migrates to node2 once node2 has st-net" eval '"$CLUSTER" migrate st-nic node1 node2 >/dev/null'
check "st-nic runs on node2" state_is 2 st-nic running
st_cleanup
check "st-* guests, volumes and networks removed, bridges gone" \
  eval '! v 1 dominfo st-nic >/dev/null 2>&1 && ! v 2 dominfo st-nic >/dev/null 2>&1 && ! v 2 dominfo st-mem >/dev/null 2>&1 && ! ls "$DIR"/shared/st-*.qcow2 >/dev/null 2>&1 && ! "$CLUSTER" node-exec node1 test -e "/sys/class/net/$br1" && ! "$CLUSTER" node-exec node2 test -e "/sys/class/net/$br2"'

# ---------------------------------------------------------------- the test network
for i in 1 2 3; do
  check "node$i is at 10.77.0.$((10 + i)), in $(uri "$i")" eval '[ "$(uri '"$i"')" = "qemu+tcp://10.77.0.$((10 + i))/system" ]'
  check "node$i's host name is node$i" eval '[ "$(v '"$i"' hostname)" = node'"$i"' ]'
  check "node$i resolves node1..node3 by name" "$CLUSTER" node-exec "node$i" getent hosts node1 node2 node3
done
check "the machine's own namespace has no test address" eval '! nsenter --net=/proc/1/ns/net ip -4 addr | grep -q "10\.77\."'
check "cluster partition node3" "$CLUSTER" partition node3
check "partitioned node3 does not answer" not_answers 3
check "partitioned node3 cannot reach node1" eval '! "$CLUSTER" node-exec node3 timeout 3 virsh -q -c qemu+tcp://node1/system version >/dev/null 2>&1'
check "node2 reaches node1 by name meanwhile" eval '"$CLUSTER" node-exec node2 timeout 5 virsh -q -c qemu+tcp://node1/system version >/dev/null'
check "cluster unpartition node3" "$CLUSTER" unpartition node3
check "node3 answers again" wait_until 10 answers 3
check "node3's guests ran on through the partition" eval '[ "$(running_names 3)" = "n3-db n3-web " ]'
FENCE="$HERE/fence_ferry"
check "fence_ferry monitor" eval 'printf "action=monitor\n" | "$FENCE"'
check "fence_ferry status node3: ON" eval 'printf "action=status\nplug=node3\n" | "$FENCE" | grep -q "Status: ON"'
t=$(now)
if printf 'action=off
plug=node3
' | "$FENCE" >/dev/null; then pass "fence_ferry off node3 ($(since "$t") s)"; else fail "fence_ferry off node3"; fi
check "fenced node3 does not answer" not_answers 3
check "fenced node3: power-status off, no QEMU left" eval '[ "$("$CLUSTER" power-status node3)" = off ] && ! ls "$DIR"/node3/run/qemu/*.pid 2>/dev/null | xargs -r cat | xargs -r -n1 sh -c "[ -d /proc/\$0 ]"'
t=$(now)
if printf 'action=on
plug=node3
' | "$FENCE" >/dev/null; then pass "fence_ferry on node3 ($(since "$t") s)"; else fail "fence_ferry on node3"; fi
check "node3 answers after power-on" wait_until 10 answers 3
check "node3's guests are shut off after the pulled plug" state_is 3 n3-web "shut off"
v 3 start n3-web >/dev/null || true
v 3 start n3-db >/dev/null || true

# ---------------------------------------------------------------- freeze / thaw
check "cluster freeze node3" "$CLUSTER" freeze node3
check "frozen node3: 'timeout 5 virsh list' fails" not_answers 3
check "frozen node3: status says frozen" eval '"$CLUSTER" status | grep -q "^node3 .* frozen "'
check "node1 still answers while node3 frozen" answers 1
check "cluster thaw node3" "$CLUSTER" thaw node3
check "thawed node3 answers again" wait_until 10 answers 3

# ---------------------------------------------------------------- fail / restart
qemu_pids="$(cat "$DIR"/node3/run/qemu/*.pid 2>/dev/null | tr '\n' ' ')"
check "cluster fail node3" "$CLUSTER" fail node3
check "failed node3: status says down" eval '"$CLUSTER" status | grep -q "^node3 .* down "'
check "failed node3 does not answer" not_answers 3
check "failed node3: its QEMUs are gone" eval 'for p in '"$qemu_pids"'; do s=$(awk "{print \$3}" /proc/$p/stat 2>/dev/null || true); [ -z "$s" ] || [ "$s" = Z ] || exit 1; done'
check "node1 fine after node3 failed" eval '[ "$(running_names 1)" = "n1-db n1-web " ]'
check "node2 fine after node3 failed" eval '[ "$(running_names 2)" = "n2-db n2-web " ]'
t=$(now)
if "$CLUSTER" restart node3; then pass "restart node3 ($(since "$t") s)"; else fail "restart node3"; fi
check "restarted node3 answers" answers 3
check "node3 guests are shut off after the crash" state_is 3 n3-web "shut off"
# back to the standard state
v 3 start n3-web >/dev/null || true
v 3 start n3-db >/dev/null || true
check "node3 runs n3-db n3-web again" eval '[ "$(running_names 3)" = "n3-db n3-web " ]'

# ---------------------------------------------------------------- disk leases
# New clusters run virtlockd per node with its lockspace on the shared storage.
# QEMU opens a guest's disks before libvirt takes the leases (when the CPUs
# start), so on this machine QEMU's own image locking refuses a second start of
# the same disk first ('Failed to get "write" lock'). The lease itself is
# checked with a guest without disks that asks for the disk's lease (lockd
# names it after the SHA-256 of the disk's path): the lock manager must refuse
# it ("Lockspace resource ... is locked").
if [ "$(cat "$DIR/leases" 2>/dev/null || echo off)" = on ]; then
  for i in 1 2 3; do
    check "node$i runs virtlockd in its namespace" eval '"$CLUSTER" leases status | grep "^node$i .* virtlockd=[0-9]" >/dev/null'
  done
  check "define-guest node1 st-lease --start" "$CLUSTER" define-guest node1 st-lease --start
  lease_xml="$(mktemp)"
  v 1 dumpxml --inactive st-lease | sed -e 's|<name>st-lease</name>|<name>st-lease2</name>|' -e '/<uuid>/d' > "$lease_xml"
  lease_err="$(v 2 create "$lease_xml" 2>&1 || true)"
  check "a second start of st-lease's disk on node2 is refused ($(grep -q 'Lockspace resource' <<< "$lease_err" && echo 'by the lock manager' || echo "by QEMU's image locking"))" \
    eval '! state_is 2 st-lease2 running && grep -q -e "Lockspace resource" -e "Failed to get \"write\" lock" <<< "$lease_err"'
  lease_key="$(printf '%s' "$DIR/shared/st-lease.qcow2" | sha256sum | cut -c1-64)"
  printf '%s\n' "<domain type='qemu'><name>st-lease3</name><memory unit='MiB'>32</memory><vcpu>1</vcpu>" \
    "<os><type>hvm</type></os><devices><lease><lockspace>.lockspace</lockspace><key>$lease_key</key>" \
    "<target path='$DIR/shared'/></lease><memballoon model='none'/></devices></domain>" > "$lease_xml"
  lease_err="$(v 2 create "$lease_xml" 2>&1 || true)"
  rm -f "$lease_xml"
  check "st-lease's disk lease, asked for on node2 without the disk, is refused by the lock manager" \
    eval '! state_is 2 st-lease3 running && grep -q "Lockspace resource" <<< "$lease_err"'
  v 2 destroy st-lease2 >/dev/null 2>&1 || true
  v 2 destroy st-lease3 >/dev/null 2>&1 || true
  v 1 destroy st-lease >/dev/null 2>&1 || true
  v 1 undefine st-lease --remove-all-storage >/dev/null 2>&1 || true
  rm -f "$DIR/shared/.lockspace/$lease_key"
  check "st-lease removed" eval '! v 1 dominfo st-lease >/dev/null 2>&1 && ! ls "$DIR"/shared/st-lease*.qcow2 >/dev/null 2>&1'
else
  echo "SKIP: disk leases are off in $DIR (cluster leases on + restart the nodes)"
fi

# ---------------------------------------------------------------- boot from the installer ISO
# `cluster up` puts ferry-installer.iso (ISOLINUX, same kernel + initramfs,
# ferry.name=installer) into the shared pool; iso-boot-test defines a VM the way
# Ferry's "New VM" assistant does (SATA CD-ROM, empty qcow2 disk, boot cdrom
# then hd, pty serial), reads its pty with read-serial, and removes it again.
iso_path="$DIR/shared/ferry-installer.iso"
for i in 1 2 3; do
  check "node$i lists ferry-installer.iso in pool shared at $iso_path" \
    eval '[ "$(v '"$i"' vol-path --pool shared ferry-installer.iso 2>/dev/null)" = "$iso_path" ]'
done
t=$(now)
if "$HERE/iso-boot-test" 1 iso-test-selftest 120; then pass "VM iso-test-selftest boots from ferry-installer.iso on node1 ($(since "$t") s incl. define/cleanup)"
else fail "VM iso-test-selftest boots from ferry-installer.iso on node1"; fi
check "iso-test-selftest removed again" eval '! v 1 dominfo iso-test-selftest >/dev/null 2>&1 && ! v 1 vol-info --pool local iso-test-selftest.qcow2 >/dev/null 2>&1'

"$CLUSTER" status
echo "selftest: $(( $(date +%s) - T0 )) s"
if [ "$FAILS" -eq 0 ]; then echo "SELFTEST: PASS"; else echo "SELFTEST: FAIL ($FAILS failures)"; exit 1; fi
