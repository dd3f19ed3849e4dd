#!/usr/bin/env python3
# A user-space GRE (RFC 2784) endpoint for the strongSwan side of the GRE
# tests: this kernel has no GRE device (ip link add type gre: "Unknown device
# type"). Packets routed into TUN device NAME leave as GRE (protocol type
# from the IP version) to REMOTE through a raw IP protocol 47 socket; GRE from
# REMOTE to LOCAL comes back out of the TUN. Everything else is dropped.
#   gre_endpoint.py NAME LOCAL REMOTE       (IPv4 endpoints)
import fcntl, os, select, socket, struct, sys

name, local, remote = sys.argv[1], sys.argv[2], sys.argv[3]
TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454CA, 0x0001, 0x1000
tun = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(tun, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
raw.bind((local, 0))
print("gre endpoint up", flush=True)
while True:
    r, _, _ = select.select([tun, raw], [], [])
    if tun in r:
        pkt = os.read(tun, 65535)
        if pkt:
            proto = 0x86DD if pkt[0] >> 4 == 6 else 0x0800
            raw.sendto(struct.pack("!HH", 0, proto) + pkt, (remote, 0))
    if raw in r:
        pkt, (src, _) = raw.recvfrom(65535)
        ihl = (pkt[0] & 0x0F) * 4
        gre = pkt[ihl:]
        if src != remote or len(gre) < 4:
            continue
        flags, proto = struct.unpack("!HH", gre[:4])
        if flags != 0 or proto not in (0x0800, 0x86DD):
            continue
        os.write(tun, gre[4:])
