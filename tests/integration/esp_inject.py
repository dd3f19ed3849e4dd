#!/usr/bin/env python3
"""Re-sends a captured plain ESP packet, as is or with a forged sequence number.

  esp_inject.py PCAP DST MODE

PCAP: a classic pcap file (Ethernet) of ESP frames; the last one is used.
MODE: "replay" sends its ESP packet again unchanged (the receiver has seen
its sequence number: RFC 4303 §3.4.3 replay drop); "badicv" sends it with
the sequence number moved 100000 ahead (inside no window yet, so the
receiver checks the ICV, which covers the sequence number: ICV failure).
Sent through a raw IP protocol 50 socket to DST (run inside the sender's
network namespace).
"""
import socket
import struct
import sys

path, dst, mode = sys.argv[1:4]
data = open(path, "rb").read()
magic = struct.unpack("<I", data[:4])[0]
endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
off, last = 24, None
while off + 16 <= len(data):
    incl = struct.unpack(endian + "IIII", data[off:off + 16])[2]
    last = data[off + 16:off + 16 + incl]
    off += 16 + incl
if last is None:
    sys.exit("no frame in " + path)
ihl = (last[14] & 0x0F) * 4
total = struct.unpack(">H", last[16:18])[0]
esp = bytearray(last[14 + ihl:14 + total])
if mode == "badicv":
    seq = struct.unpack(">I", esp[4:8])[0]
    esp[4:8] = struct.pack(">I", (seq + 100000) & 0xFFFFFFFF)
elif mode != "replay":
    sys.exit("mode: replay or badicv")
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)
s.sendto(bytes(esp), (dst, 0))
spi, seq = struct.unpack(">II", esp[:8])
print(f"sent {mode}: spi 0x{spi:08x} seq {seq} ({len(esp)} bytes)")
