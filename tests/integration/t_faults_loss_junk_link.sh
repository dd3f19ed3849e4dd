#!/bin/bash
# Faults around a keygated pair (issue 21), one after another on the same
# tunnel, with CHILD_SA rekeys every ~30 s and an IKE SA rekey:
#  1. 15% of IKE datagrams (UDP 500/4500) lost both ways from the start
#     (nftables numgen): the tunnel comes up and keeps rekeying through it;
#  2. junk (random datagrams to 500 and 4500, random raw ESP) at site-a for
#     a few seconds: dropped and counted, nothing else changes;
#  3. site-a's link down for 4 s and up again: the tunnel carries traffic again.
# At the end: one IKE SA and one CHILD_SA pair on each side, ping both ways.
# (No reordering: the kernel here has no netem.)
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
kg_cfg "$WORK/a.cfg" site-a "crypto ipsec profile default
 set security-association lifetime seconds 30
crypto ikev2 profile default
 lifetime 45"
kg_cfg "$WORK/b.cfg" site-b "crypto ipsec profile default
 set security-association lifetime seconds 33"
ip netns exec "$NSB" nft -f - <<'EOF2' || fail "nft"
table inet kgloss {
  chain in  { type filter hook input priority 0; udp dport { 500, 4500 } numgen random mod 100 < 15 drop; }
  chain out { type filter hook output priority 0; udp sport { 500, 4500 } numgen random mod 100 < 15 drop; }
}
EOF2
start_keygated "$NSA" "$WORK/a.cfg"; A_PID=$KG_LAST_PID
start_keygated "$NSB" "$WORK/b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 60 || fail "no IKE SA within 60 s at 15% loss"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 || fail "first ping at 15% loss"
log "tunnel up at 15% IKE loss"
# 65 s, two CHILD_SA rekeys: a rekey has 10% of the lifetime for its
# retransmissions (0.5 s doubling), 3 s here. With 10 s lifetimes (1 s, two
# tries) about one rekey in ten missed at this loss and its SA expired
# first, which failed the test in one run of three.
ping_bg "$NSA" 192.0.2.1 192.0.2.129 65 "$WORK/ping.out"
wait "$PING_PID"
r=$(ping_gap "$WORK/ping.out") || fail "ping during lossy rekeys: $r"
rekeys=$(kg_stat "$NSA" "CHILD_SA:")
log "65 s at 15% IKE loss: $rekeys CHILD_SA rekeys on site-a; ping $r"
[ "${rekeys:-0}" -ge 2 ] || fail "fewer than two CHILD_SA rekeys at 15% loss"
ip netns exec "$NSB" nft delete table inet kgloss

before=$(kg "$NSA" "show crypto ikev2 stats")
ip netns exec "$NSB" python3 - <<'EOF2' || fail "junk sender"
import os, random, socket, time
random.seed(7)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
end = time.time() + 3
n = 0
while time.time() < end:
    b = os.urandom(random.randint(0, 1400))
    u.sendto(b, ("198.51.100.1", random.choice((500, 4500))))
    if random.random() < 0.5:
        # Also junk that looks like ESP in UDP (non-zero marker) and IKE (zero marker).
        u.sendto(random.choice((b"\0\0\0\0", b"")) + b, ("198.51.100.1", 4500))
    raw.sendto(os.urandom(random.randint(8, 1400)), ("198.51.100.1", 0))
    n += 1
    if n % 200 == 0:
        time.sleep(0.01)
print(n, "rounds of junk")
EOF2
kill -0 "$A_PID" || fail "keygated died under junk"
after=$(kg "$NSA" "show crypto ikev2 stats")
grep "dropped" <<<"$after" | sed 's/^/  /'
[ "$before" != "$after" ] || fail "junk left no trace in show crypto ikev2 stats"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping after the junk"
log "junk dropped and counted; the tunnel is untouched"

ip -n "$NSA" link set eth0 down
sleep 4
ip -n "$NSA" link set eth0 up
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 40 ||
  { kg "$NSA" "show crypto ikev2 sa"; fail "no traffic 40 s after the link came back"; }
log "traffic again after the link was down for 4 s"

wait_for "[ \$(kg_ready_count $NSA) -eq 1 ] && [ \$(kg_ready_count $NSB) -eq 1 ] && [ \$(kg_in_spis $NSA | wc -l) -eq 1 ] && [ \$(kg_in_spis $NSB | wc -l) -eq 1 ]" 30 ||
  { kg "$NSA" "show crypto ikev2 sa"; kg "$NSB" "show crypto ikev2 sa"; fail "not one IKE SA and one CHILD_SA pair on each side"; }
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A at the end"
log "PASS"
