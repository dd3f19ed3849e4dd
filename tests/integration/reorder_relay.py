#!/usr/bin/env python3
"""A UDP relay between two keygated that reorders ESP-in-UDP (no netem here).

  reorder_relay.py LEFT_ADDR RIGHT_ADDR RIGHT_PEER MODE_FILE STATS_FILE

Listens on LEFT_ADDR and RIGHT_ADDR, ports 500 and 4500. A datagram from the
left side to LEFT_ADDR:P leaves RIGHT_ADDR:P for RIGHT_PEER:P; an answer from
RIGHT_PEER to RIGHT_ADDR:P goes back to the last left sender on port P. Both
keygated see a NAT (the relay is one), so ESP runs in UDP 4500.

ESP from left to right (port 4500, not a keepalive, not the non-ESP marker)
is reordered as MODE_FILE says (read for every packet):
  pass     as it comes
  swap     pairs exchanged: 2 1 4 3 ... (each packet one place late or early)
  late N   one packet held back and sent after N later ones, then pass
A held packet also leaves after half a second without ESP (the end of a burst).
Counts go to STATS_FILE as "esp N reordered N late N" after every packet.
"""
import os
import selectors
import socket
import sys

left_addr, right_addr, right_peer, mode_file, stats_file = sys.argv[1:6]
sel = selectors.DefaultSelector()
left_of = {}  # port -> last left sender
socks = {}
for side, addr in (("L", left_addr), ("R", right_addr)):
    for port in (500, 4500):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        socks[(side, port)] = s
        sel.register(s, selectors.EVENT_READ, (side, port))

held = None      # (data) waiting for its turn
held_after = 0   # packets still to pass before it
stats = {"esp": 0, "reordered": 0, "late": 0}
late_done = None  # the mode line whose single late packet was sent


def mode():
    try:
        with open(mode_file) as f:
            return f.read().split() or ["pass"]
    except OSError:
        return ["pass"]


def write_stats():
    with open(stats_file + ".tmp", "w") as f:
        f.write("esp %(esp)d reordered %(reordered)d late %(late)d\n" % stats)
    os.replace(stats_file + ".tmp", stats_file)


def to_right(port, data):
    socks[("R", port)].sendto(data, (right_peer, port))


def esp_right(data):
    global held, held_after, late_done
    stats["esp"] += 1
    m = mode()
    if held is not None:
        to_right(4500, data)
        held_after -= 1
        if held_after <= 0:
            to_right(4500, held)
            held = None
            stats["reordered"] += 1
    elif m[0] == "swap":
        held, held_after = data, 1
    elif m[0] == "late" and late_done != m:
        held, held_after, late_done = data, int(m[1]), m
        stats["late"] += 1
    else:
        to_right(4500, data)
    write_stats()


write_stats()
while True:
    events = sel.select(timeout=0.5 if held is not None else None)
    if not events and held is not None:
        to_right(4500, held)
        held = None
        stats["reordered"] += 1
        write_stats()
    for key, _ in events:
        side, port = key.data
        data, src = key.fileobj.recvfrom(65535)
        if side == "L":
            left_of[port] = src
            is_esp = port == 4500 and len(data) > 8 and data[:4] != b"\0\0\0\0"
            if is_esp:
                esp_right(data)
            else:
                to_right(port, data)
        elif port in left_of:
            socks[("L", port)].sendto(data, left_of[port])
