#!/usr/bin/env bash
# tests/integration/sasl-node.sh — a libvirtd that wants a user name and a
# password (SASL DIGEST-MD5 over TCP), for the credential tests.
#
#   sasl-node.sh start DIR PORT USER PASSWORD [TLS_PORT]
#                                  start it, wait until it answers
#   sasl-node.sh stop DIR          stop it (by its pid file)
#
# With TLS_PORT (and certtool, from gnutls-bin), it also listens for TLS
# there, with a certificate issued to "ferry-test.invalid" by a CA of its
# own (DIR/etc/pki), and leaves client certificate sets for the tests:
#   DIR/client-pki          CA, client certificate and key (for pkipath=)
#   DIR/client-pki-expired  the same with a client certificate that expired
#   DIR/client-pki-no-ca    a client certificate and key, no CA
#
# Like tests/cluster's nodes, it runs in a mount namespace of its own
# (unshare --mount --propagation private) with private bind mounts over
# libvirt's directories, and Cyrus SASL reads the "libvirt" application's
# mechanisms from DIR/sasl2 (SASL_CONF_PATH: nothing in /etc, which on a
# fresh machine has no /etc/sasl2 to mount over), so it shares no
# state with the machine's libvirt or with the cluster. Its state lives in
# DIR, nowhere else; a new start rewrites its configuration and user
# database but keeps DIR/cache (libvirtd's QEMU capabilities, seconds to
# probe). The password goes to saslpasswd2 on stdin, never on a command
# line. Listens on 127.0.0.1 only. Needs root.
#
# DIGEST-MD5 because libvirtd refuses a SASL mechanism without a security
# layer on plain TCP (SCRAM and PLAIN have none); test nodes only.
set -eu

usage() {
  echo "usage: $0 start DIR PORT USER PASSWORD | stop DIR" >&2
  exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2

stop() {
  pid=$(cat "$dir/libvirtd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && [ -d "/proc/$pid" ] &&
     [ "$(basename "$(readlink "/proc/$pid/exe" 2>/dev/null || true)")" = libvirtd ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
    [ -d "/proc/$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/libvirtd.pid"
}

case "$cmd" in
  stop)
    stop
    exit 0
    ;;
  start)
    [ $# -eq 5 ] || [ $# -eq 6 ] || usage
    ;;
  *)
    usage
    ;;
esac

port=$3
user=$4
password=$5
tls_port=${6:-}

if [ "$(id -u)" -ne 0 ]; then
  echo "sasl-node: needs root (a private mount namespace)" >&2
  exit 77
fi
for p in /usr/sbin/libvirtd /usr/sbin/saslpasswd2 unshare virsh; do
  command -v "$p" >/dev/null 2>&1 || { echo "sasl-node: $p is missing (build-aux/install-deps.sh)" >&2; exit 77; }
done
[ -e /usr/lib/x86_64-linux-gnu/sasl2/libdigestmd5.so ] || [ -n "$(find /usr/lib -name 'libdigestmd5.so*' -print -quit 2>/dev/null)" ] ||
  { echo "sasl-node: the DIGEST-MD5 SASL module is missing (libsasl2-modules)" >&2; exit 77; }

stop
mkdir -p "$dir"/run "$dir"/lib "$dir"/etc "$dir"/log "$dir"/cache "$dir"/sasl2
chmod 700 "$dir"

cat > "$dir/etc/libvirtd.conf" <<EOF
# Ferry credential-test node (tests/integration/sasl-node.sh)
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$port"
auth_tcp = "sasl"
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_group = "root"
unix_sock_ro_perms = "0700"
unix_sock_rw_perms = "0700"
host_uuid = "$(cat /proc/sys/kernel/random/uuid)"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
if [ -n "$tls_port" ] && command -v certtool >/dev/null 2>&1; then
  pki="$dir/etc/pki"
  mkdir -p "$pki" "$dir/client-pki" "$dir/client-pki-expired" "$dir/client-pki-no-ca"
  cert() { # cert NAME TEMPLATE-LINES… : a key and a certificate signed by the CA
    local name=$1; shift
    printf '%s\n' "$@" > "$pki/$name.info"
    certtool --generate-privkey --bits=2048 --outfile "$pki/$name-key.pem" >/dev/null 2>&1
    certtool --generate-certificate --load-privkey "$pki/$name-key.pem" \
      --load-ca-certificate "$pki/cacert.pem" --load-ca-privkey "$pki/ca-key.pem" \
      --template "$pki/$name.info" --outfile "$pki/$name-cert.pem" >/dev/null 2>&1
  }
  printf '%s\n' 'cn = "Ferry test CA"' 'ca' 'cert_signing_key' 'expiration_days = 30' > "$pki/ca.info"
  certtool --generate-privkey --bits=2048 --outfile "$pki/ca-key.pem" >/dev/null 2>&1
  certtool --generate-self-signed --load-privkey "$pki/ca-key.pem" --template "$pki/ca.info" \
    --outfile "$pki/cacert.pem" >/dev/null 2>&1
  # Issued to another name than the 127.0.0.1 the tests connect to.
  cert server 'organization = "Ferry tests"' 'cn = "ferry-test.invalid"' 'dns_name = "ferry-test.invalid"' \
    'tls_www_server' 'encryption_key' 'signing_key' 'expiration_days = 30'
  cert client 'organization = "Ferry tests"' 'cn = "ferry-client"' \
    'tls_www_client' 'encryption_key' 'signing_key' 'expiration_days = 30'
  cert expired 'organization = "Ferry tests"' 'cn = "ferry-client-expired"' \
    'tls_www_client' 'encryption_key' 'signing_key' \
    'activation_date = "2020-01-01 00:00:00"' 'expiration_date = "2020-02-01 00:00:00"'
  cp "$pki/cacert.pem" "$dir/client-pki/cacert.pem"
  cp "$pki/client-cert.pem" "$dir/client-pki/clientcert.pem"
  cp "$pki/client-key.pem" "$dir/client-pki/clientkey.pem"
  cp "$pki/cacert.pem" "$dir/client-pki-expired/cacert.pem"
  cp "$pki/expired-cert.pem" "$dir/client-pki-expired/clientcert.pem"
  cp "$pki/expired-key.pem" "$dir/client-pki-expired/clientkey.pem"
  cp "$pki/client-cert.pem" "$dir/client-pki-no-ca/clientcert.pem"
  cp "$pki/client-key.pem" "$dir/client-pki-no-ca/clientkey.pem"
  sed -i '/^listen_tls = 0$/d' "$dir/etc/libvirtd.conf"
  cat >> "$dir/etc/libvirtd.conf" <<EOF
listen_tls = 1
tls_port = "$tls_port"
auth_tls = "none"
ca_file = "/etc/libvirt/pki/cacert.pem"
cert_file = "/etc/libvirt/pki/server-cert.pem"
key_file = "/etc/libvirt/pki/server-key.pem"
EOF
fi
cat > "$dir/etc/qemu.conf" <<EOF
security_driver = "none"
stdio_handler = "file"
user = "root"
group = "root"
EOF
# Cyrus SASL reads libvirt.conf from $SASL_CONF_PATH (set for this daemon
# only, below) instead of /etc/sasl2.
cat > "$dir/sasl2/libvirt.conf" <<EOF
mech_list: digest-md5
sasldb_path: /etc/libvirt/passwd.db
EOF
rm -f "$dir/etc/passwd.db"
printf '%s' "$password" | /usr/sbin/saslpasswd2 -p -a libvirt -f "$dir/etc/passwd.db" -c "$user"

: > "$dir/log/start.log"
unshare --mount --propagation private -- /bin/sh -euc '
  d="$1"
  mount --bind "$d/run" /run/libvirt
  mount --bind "$d/lib" /var/lib/libvirt
  mount --bind "$d/etc" /etc/libvirt
  mount --bind "$d/log" /var/log/libvirt
  mount --bind "$d/cache" /var/cache/libvirt
  export SASL_CONF_PATH="$d/sasl2"
  exec /usr/sbin/libvirtd --daemon --listen --config /etc/libvirt/libvirtd.conf --pid-file "$d/libvirtd.pid"
' sasl-node "$dir" >> "$dir/log/start.log" 2>&1 ||
  { cat "$dir/log/start.log" >&2; exit 1; }

# Answers once the TCP port is open (virsh without credentials fails with an
# authentication error, which proves the daemon is up and asking).
for _ in $(seq 1 150); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "sasl-node: libvirtd pid $(cat "$dir/libvirtd.pid") on 127.0.0.1:$port"
    exit 0
  fi
  pid=$(cat "$dir/libvirtd.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && [ ! -d "/proc/$pid" ]; then
    tail -n 20 "$dir/log/libvirtd.log" >&2 || true
    echo "sasl-node: libvirtd exited during startup" >&2
    exit 1
  fi
  sleep 0.1
done
tail -n 20 "$dir/log/libvirtd.log" >&2 || true
echo "sasl-node: libvirtd does not listen on 127.0.0.1:$port after 15 s" >&2
stop
exit 1
