#!/usr/bin/env python3
# fake-rfb.py — a tiny RFB 3.8 server for the console tests (stdlib only)
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   fake-rfb.py [--width W] [--height H]
#
# Listens on an ephemeral port of 127.0.0.1, prints "LISTEN <port>", and
# serves one client: RFB 3.8, no authentication, a 32 bpp true-colour
# framebuffer holding a known pattern (four quadrants: red, green, blue,
# #123456). It logs every client message on stdout, one line each:
#   CLIENT-INIT shared=1
#   SET-PIXEL-FORMAT bpp=32 depth=24 big-endian=0 true-colour=1 max=255,255,255 shift=16,8,0
#   SET-ENCODINGS 7,16,...
#   UPDATE-REQUEST incremental=1 x=0 y=0 w=320 h=200
#   KEY down=1 keysym=0x61
#   QEMU-KEY down=1 keysym=0x61 keycode=0x1e      (QEMU's extended key event)
#   POINTER mask=0x01 x=10 y=20
#   CUT-TEXT <hex of the Latin-1 bytes>
# and what it sends: "SENT update rects=N (...)", "SENT bell", ...
#
# The test drives it with commands on stdin, one per line:
#   pattern          the whole framebuffer, Raw, with the next update
#   pattern-split    the same as four rectangles in one update
#   rect X Y W H RRGGBB  a solid rectangle (Raw), drawn into the pattern
#   cursor           a 16x16 rich cursor (-239), hotspot 3,5: red, with a
#                    transparent top-right corner (8x8)
#   cursor-empty     a 0x0 cursor (the guest hides its pointer)
#   bell             a Bell message
#   cut TEXT         ServerCutText with TEXT in Latin-1
#   resize W H       a DesktopSize (-223) rectangle, then the pattern
#   format bgr|16    a WMVi rectangle switching the pixels the server sends
#                    to 32 bpp BGR or 16 bpp RGB565, then the pattern
#   quit
# Rectangles go out with a FramebufferUpdate only when the client has an
# update request pending, as a real server does; Bell and ServerCutText go
# out at once. QEMU's extended key event is acknowledged (a -258
# rectangle) when the client lists it in SetEncodings, as QEMU does.

import argparse
import os
import selectors
import socket
import struct
import sys

QUADRANTS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (0x12, 0x34, 0x56)]


def log(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class PixelFormat:
    def __init__(self, bpp=32, depth=24, big_endian=0, true_colour=1,
                 maxes=(255, 255, 255), shifts=(16, 8, 0)):
        self.bpp = bpp
        self.depth = depth
        self.big_endian = big_endian
        self.true_colour = true_colour
        self.maxes = maxes
        self.shifts = shifts

    @classmethod
    def unpack(cls, data):
        bpp, depth, big, tc, rm, gm, bm, rs, gs, bs = struct.unpack(">BBBBHHHBBB", data[:13])
        return cls(bpp, depth, big, tc, (rm, gm, bm), (rs, gs, bs))

    def pack(self):
        return struct.pack(">BBBBHHHBBB3x", self.bpp, self.depth, self.big_endian,
                           self.true_colour, *self.maxes, *self.shifts)

    def describe(self):
        return ("bpp=%d depth=%d big-endian=%d true-colour=%d max=%d,%d,%d shift=%d,%d,%d"
                % (self.bpp, self.depth, self.big_endian, self.true_colour,
                   *self.maxes, *self.shifts))

    def pixel(self, rgb):
        value = 0
        for component, cmax, shift in zip(rgb, self.maxes, self.shifts):
            value |= (component * cmax // 255) << shift
        size = self.bpp // 8
        return value.to_bytes(size, "big" if self.big_endian else "little")


class Server:
    def __init__(self, width, height):
        self.width = width
        self.height = height
        self.fmt = PixelFormat()
        self.queue = []          # rectangles for the next FramebufferUpdate
        self.rects = []          # solid rectangles drawn over the pattern
        self.requested = False   # an update request is pending
        self.sock = None
        self.inbuf = b""
        self.encodings = []

    # -- sending ----------------------------------------------------------

    def send(self, data):
        self.sock.sendall(data)

    def rect(self, x, y, w, h, encoding, payload=b"", what=""):
        self.queue.append((struct.pack(">HHHHi", x, y, w, h, encoding) + payload,
                           what or str(encoding)))

    def pattern_pixels(self, x0, y0, w, h):
        pixels = [self.fmt.pixel(c) for c in QUADRANTS]
        size = self.fmt.bpp // 8
        rows = []
        for y in range(y0, y0 + h):
            bottom = 2 if y >= self.height // 2 else 0
            left = pixels[bottom] * max(0, min(x0 + w, self.width // 2) - x0)
            right = pixels[bottom + 1] * max(0, x0 + w - max(x0, self.width // 2))
            row = bytearray(left + right)
            for (rx, ry, rw, rh, rgb) in self.rects:
                if ry <= y < ry + rh:
                    a, b = max(rx, x0), min(rx + rw, x0 + w)
                    if a < b:
                        row[(a - x0) * size:(b - x0) * size] = self.fmt.pixel(rgb) * (b - a)
            rows.append(bytes(row))
        return b"".join(rows)

    def queue_pattern(self, split=False):
        if not split:
            self.rect(0, 0, self.width, self.height, 0,
                      self.pattern_pixels(0, 0, self.width, self.height), "pattern")
            return
        hw, hh = self.width // 2, self.height // 2
        for (x, y, w, h) in [(0, 0, hw, hh), (hw, 0, self.width - hw, hh),
                             (0, hh, hw, self.height - hh),
                             (hw, hh, self.width - hw, self.height - hh)]:
            self.rect(x, y, w, h, 0, self.pattern_pixels(x, y, w, h), "pattern-part")

    def queue_cursor(self, empty=False):
        if empty:
            self.rect(0, 0, 0, 0, -239, b"", "cursor-empty")
            return
        w = h = 16
        red = self.fmt.pixel((255, 0, 0))
        pixels = red * (w * h)
        mask = b""
        for y in range(h):
            bits = 0
            for x in range(w):
                if not (y < 8 and x >= 8):
                    bits |= 0x8000 >> x
            mask += struct.pack(">H", bits)
        self.rect(3, 5, w, h, -239, pixels + mask, "cursor")

    def flush_updates(self):
        if not self.requested or not self.queue:
            return
        self.requested = False
        rects, self.queue = self.queue, []
        self.send(struct.pack(">BxH", 0, len(rects)) + b"".join(r for r, _ in rects))
        log("SENT update rects=%d (%s)" % (len(rects), " ".join(w for _, w in rects)))

    # -- commands -----------------------------------------------------------

    def command(self, line):
        words = line.split(" ", 1)
        cmd = words[0]
        arg = words[1] if len(words) > 1 else ""
        if cmd == "pattern":
            self.queue_pattern()
        elif cmd == "pattern-split":
            self.queue_pattern(split=True)
        elif cmd == "rect":
            x, y, w, h, colour = arg.split()
            x, y, w, h = int(x), int(y), int(w), int(h)
            rgb = tuple(bytes.fromhex(colour))
            self.rects.append((x, y, w, h, rgb))
            self.rect(x, y, w, h, 0, self.pattern_pixels(x, y, w, h), "rect")
        elif cmd == "cursor":
            self.queue_cursor()
        elif cmd == "cursor-empty":
            self.queue_cursor(empty=True)
        elif cmd == "bell":
            self.send(b"\x02")
            log("SENT bell")
        elif cmd == "cut":
            text = arg.encode("latin-1")
            self.send(struct.pack(">B3xI", 3, len(text)) + text)
            log("SENT cut %s" % text.hex())
        elif cmd == "resize":
            w, h = (int(v) for v in arg.split())
            self.width, self.height = w, h
            self.rects = []
            self.rect(0, 0, w, h, -223, b"", "desktop-size")
            self.queue_pattern()
        elif cmd == "format":
            if arg == "bgr":
                self.fmt = PixelFormat(shifts=(0, 8, 16))
            elif arg == "16":
                self.fmt = PixelFormat(bpp=16, depth=16, maxes=(31, 63, 31), shifts=(11, 5, 0))
            else:
                log("ERROR unknown format %s" % arg)
                return
            self.rect(0, 0, self.width, self.height, 0x574D5669, self.fmt.pack(), "wmvi")
            self.queue_pattern()
        elif cmd == "quit":
            raise SystemExit(0)
        else:
            log("ERROR unknown command %r" % line)
            return
        self.flush_updates()

    # -- receiving ----------------------------------------------------------

    def take(self, n):
        if len(self.inbuf) < n:
            return None
        data, self.inbuf = self.inbuf[:n], self.inbuf[n:]
        return data

    def need(self, n):
        return len(self.inbuf) >= n

    def client_message(self):
        """Parses one message from inbuf; False when it is incomplete."""
        if not self.inbuf:
            return False
        msg = self.inbuf[0]
        if msg == 0:
            if not self.need(20):
                return False
            data = self.take(20)
            self.fmt = PixelFormat.unpack(data[4:])
            log("SET-PIXEL-FORMAT " + self.fmt.describe())
        elif msg == 2:
            if not self.need(4):
                return False
            (n,) = struct.unpack(">H", self.inbuf[2:4])
            if not self.need(4 + 4 * n):
                return False
            data = self.take(4 + 4 * n)
            self.encodings = list(struct.unpack(">%di" % n, data[4:]))
            log("SET-ENCODINGS " + ",".join(str(e) for e in self.encodings))
            if -258 in self.encodings:
                self.rect(0, 0, self.width, self.height, -258, b"", "ext-key-ack")
        elif msg == 3:
            if not self.need(10):
                return False
            _, inc, x, y, w, h = struct.unpack(">BBHHHH", self.take(10))
            log("UPDATE-REQUEST incremental=%d x=%d y=%d w=%d h=%d" % (inc, x, y, w, h))
            self.requested = True
            if not inc:
                self.queue_pattern()
            self.flush_updates()
        elif msg == 4:
            if not self.need(8):
                return False
            _, down, keysym = struct.unpack(">BB2xI", self.take(8))
            log("KEY down=%d keysym=0x%x" % (down, keysym))
        elif msg == 5:
            if not self.need(6):
                return False
            _, mask, x, y = struct.unpack(">BBHH", self.take(6))
            log("POINTER mask=0x%02x x=%d y=%d" % (mask, x, y))
        elif msg == 6:
            if not self.need(8):
                return False
            (length,) = struct.unpack(">i", self.inbuf[4:8])
            length = abs(length)
            if not self.need(8 + length):
                return False
            data = self.take(8 + length)
            log("CUT-TEXT " + data[8:].hex())
        elif msg == 255:
            if not self.need(2):
                return False
            sub = self.inbuf[1]
            if sub == 0:
                if not self.need(12):
                    return False
                _, _, down, keysym, keycode = struct.unpack(">BBHII", self.take(12))
                log("QEMU-KEY down=%d keysym=0x%x keycode=0x%x" % (down, keysym, keycode))
            elif sub == 1:
                if not self.need(4):
                    return False
                (op,) = struct.unpack(">H", self.inbuf[2:4])
                size = 10 if op == 2 else 4
                if not self.need(size):
                    return False
                self.take(size)
                log("QEMU-AUDIO op=%d" % op)
            else:
                log("ERROR unknown QEMU message %d" % sub)
                raise SystemExit(1)
        else:
            log("ERROR unknown client message %d" % msg)
            raise SystemExit(1)
        return True

    def read_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise SystemExit(0)
            data += chunk
        return data

    def handshake(self):
        self.send(b"RFB 003.008\n")
        version = self.read_exact(12)
        log("CLIENT-VERSION " + version.decode("ascii", "replace").strip())
        self.send(b"\x01\x01")                       # one security type: None
        chosen = self.read_exact(1)[0]
        if chosen != 1:
            log("ERROR the client chose security type %d" % chosen)
            raise SystemExit(1)
        self.send(struct.pack(">I", 0))              # SecurityResult: OK
        shared = self.read_exact(1)[0]
        log("CLIENT-INIT shared=%d" % shared)
        name = b"fake-rfb"
        self.send(struct.pack(">HH", self.width, self.height) + self.fmt.pack()
                  + struct.pack(">I", len(name)) + name)

    def serve(self, listener):
        self.sock, _ = listener.accept()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        log("CONNECTED")
        self.handshake()
        sel = selectors.DefaultSelector()
        sel.register(self.sock, selectors.EVENT_READ, "client")
        sel.register(sys.stdin, selectors.EVENT_READ, "stdin")
        stdin_buf = b""
        while True:
            for key, _ in sel.select():
                if key.data == "client":
                    data = self.sock.recv(65536)
                    if not data:
                        log("DISCONNECTED")
                        return
                    self.inbuf += data
                    while self.client_message():
                        pass
                else:
                    data = os.read(sys.stdin.fileno(), 4096)
                    if not data:
                        return
                    stdin_buf += data
                    while b"\n" in stdin_buf:
                        line, stdin_buf = stdin_buf.split(b"\n", 1)
                        line = line.decode("utf-8").rstrip("\r")
                        if line:
                            self.command(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=200)
    args = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    log("LISTEN %d" % listener.getsockname()[1])
    try:
        Server(args.width, args.height).serve(listener)
    except (BrokenPipeError, ConnectionResetError):
        log("DISCONNECTED")


if __name__ == "__main__":
    main()
