#!/usr/bin/env python3
"""Type text into a test guest over VNC (RFB 3.8, no auth), loopback only.

usage: vnc-type.py PORT TEXT [--enter]
   e.g. vnc-type.py 6200 'hello' --enter
The guest echoes every key press as "FERRY-KEYCODE <code>" and each line
(after Enter) as "FERRY-KEY <line>" on its serial log (cluster serial NAME).
Find the port with: virsh -c URI vncdisplay NAME  (port = 5900 + display).
"""
import socket
import struct
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    port, text = int(sys.argv[1]), sys.argv[2]
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.recv(12)
    s.sendall(b"RFB 003.008\n")
    n = s.recv(1)[0]
    if 1 not in s.recv(n):
        sys.exit("vnc-type: server wants authentication")
    s.sendall(b"\x01")
    if struct.unpack(">I", s.recv(4))[0] != 0:
        sys.exit("vnc-type: security handshake failed")
    s.sendall(b"\x01")  # ClientInit, shared
    hdr = s.recv(24)
    s.recv(struct.unpack(">I", hdr[20:24])[0])
    keys = [ord(c) for c in text] + ([0xFF0D] if "--enter" in sys.argv[3:] else [])
    for ks in keys:
        for down in (1, 0):
            s.sendall(struct.pack(">BBxxI", 4, down, ks))
            time.sleep(0.03)
    time.sleep(0.3)
    s.close()


if __name__ == "__main__":
    main()
