#!/bin/bash
# keygated <-> keygated, plain ESP through AF_XDP at both ends (KEYGATE_ESP_SOCKET=xdp):
#  - XDP is attached to each eth0 while keygated runs, and gone when it ends
#    (the BPF link dies with the process);
#  - ping and TCP both ways; each end's AF_XDP socket carried ESP both ways;
#  - the kernel forgets site A's neighbours (ip neigh flush): site A's
#    packets go through the raw socket while the MAC is unknown (which
#    makes the kernel ask, ARP), and AF_XDP takes over again; no ping is lost.
# (tshark's check of the frames AF_XDP builds is in t_esp_plain, where the
# other end captures them.)
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
export KEYGATE_ESP_SOCKET=xdp
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"; pa=$KG_LAST_PID
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
for n in "$NSA" "$NSB"; do
  ip -n "$n" link show eth0 | grep -q 'prog/xdp' || { ip -n "$n" link show eth0; fail "$n: no XDP program on eth0"; }
done
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping B->A"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 2M || fail "TCP A->B"
tcp_transfer "$NSA" 192.0.2.1 "$NSB" 192.0.2.129 2M || fail "TCP B->A"
# xdp NS: "IN OUT RAW" from show crypto engine's plain ESP line.
xdp() { kg "$1" "show crypto engine" | sed -n 's/.*packets in \([0-9]*\), out \([0-9]*\), out through the raw socket \([0-9]*\).*/\1 \2 \3/p'; }
for n in "$NSA" "$NSB"; do
  read -r i o r < <(xdp "$n")
  log "$n: AF_XDP in ${i:-?}, out ${o:-?}, through the raw socket ${r:-?}"
  [ "${i:-0}" -ge 100 ] && [ "${o:-0}" -ge 100 ] || { kg "$n" "show crypto engine"; fail "$n: AF_XDP carried too little"; }
done
read -r _ o0 r0 < <(xdp "$NSA")
ip -n "$NSA" neigh flush dev eth0
sleep 1.2  # the cached MAC expires after a second
ping_ok "$NSA" 192.0.2.1 192.0.2.129 10 || fail "ping after the neighbour flush"
read -r _ o1 r1 < <(xdp "$NSA")
log "after ip neigh flush: AF_XDP out $o0 -> $o1, raw socket $r0 -> $r1"
# The kernel may learn the MAC again before our cache entry expires (IKE on
# UDP makes it ask too): then no packet needs the raw socket.
[ "$r1" -gt "$r0" ] || log "note: the kernel knew site B's MAC again before a packet needed the raw socket"
[ "$o1" -gt "$o0" ] || fail "AF_XDP did not take over again"
ip -n "$NSA" neigh show 198.51.100.2 | grep -q lladdr || fail "the kernel did not learn site B's MAC again"
kill "$pa"; wait "$pa" 2>/dev/null
wait_for "! ip -n $NSA link show eth0 | grep -q prog/xdp" 5 || { ip -n "$NSA" link show eth0; ps -ef | grep -v grep | grep keygate; fail "XDP still attached after keygated ended"; }
log "PASS"
