#!/bin/bash
# keygated (site-a) behind an nftables masquerade NAT, keygated (site-b) on
# the public side: NAT detected inside on A and outside on B, IKE floats to
# UDP 4500, ESP in UDP, traffic both ways; A sends NAT keepalives when idle
# (crypto ikev2 nat keepalive 5, seen by tshark); when the NAT's mapping
# changes, B follows A to the new port (RFC 7296 §2.23) and traffic goes on.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_paths.sh"
lib_init
nat_topology
site_a_behind_nat "$WORK/a.cfg" "crypto ikev2 nat keepalive 5"
site_b_public "$WORK/b.cfg"
no_own_initiation "$NSB"  # B cannot reach A behind the NAT anyway
capture_start "$NSR" eth1 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/a.cfg"
start_keygated "$NSB" "$WORK/b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "NAT-T is detected inside" || fail "A: NAT not detected inside"
kg "$NSB" "show crypto ikev2 sa detailed" | grep -q "NAT-T is detected outside" || fail "B: NAT not detected outside"
kg "$NSA" "show crypto ipsec sa" | grep -q "in use settings ={Tunnel UDP-Encaps, }" || fail "A: SA not UDP-encapsulated"
p1=$(ipsec_peer_port "$NSB")
log "NAT detected on the right sides; B sends ESP to the NAT's mapping $NAT_PUB:$p1"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 2M || fail "TCP A->B through the NAT"

# Idle: A (behind the NAT) keeps the mapping alive; B (public) sends none.
ka0=$(kg_stat "$NSA" 'NAT keepalives in: *[0-9]* *out:')
wait_for "[ \"\$(kg_stat $NSA 'NAT keepalives in: *[0-9]* *out:')\" -gt $ka0 ]" 12 ||
  { kg "$NSA" "show crypto ikev2 stats"; fail "A sent no NAT keepalive while idle"; }
[ "$(kg_stat "$NSB" 'NAT keepalives in: *[0-9]* *out:')" = 0 ] || fail "B (not behind a NAT) sent keepalives"
log "A sent NAT keepalives while idle"

# The NAT forgets the mapping: short UDP timeouts, one packet to refresh the
# entry with it, silence until it expires, normal timeouts again. A's next
# packet gets a new (random) port.
ct() { ip netns exec "$NSR" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$1 net.netfilter.nf_conntrack_udp_timeout_stream=$1; }
ct 1; ping_ok "$NSA" 192.0.2.1 192.0.2.129 1 >/dev/null; sleep 3; ct 120
ping_ok "$NSA" 192.0.2.1 192.0.2.129 2 || fail "ping A->B after the NAT mapping changed"
p2=$(ipsec_peer_port "$NSB")
[ -n "$p2" ] && [ "$p2" != "$p1" ] || { kg "$NSB" "show crypto ipsec sa"; fail "B did not follow A's new mapping ($p1 -> $p2)"; }
kg "$NSB" "show crypto ikev2 sa" | grep -q "$NAT_PUB/$p2" || { kg "$NSB" "show crypto ikev2 sa"; fail "B's IKE SA did not follow"; }
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A after the mapping change"
log "NAT mapping changed $p1 -> $p2: B's CHILD_SA and IKE SA followed, traffic both ways"
capture_stop
tshark -r "$WORK/cap.pcapng" -T fields -e udp.srcport -e udp.dstport -e udp.length -e isakmp.exchangetype \
  -Y udp 2>/dev/null >"$WORK/frames.txt"
n_auth4500=$(awk '$4 == 35 && ($1 == 4500 || $2 == 4500)' "$WORK/frames.txt" | wc -l)
n_auth500=$(awk '$4 == 35 && ($1 == 500 || $2 == 500)' "$WORK/frames.txt" | wc -l)
n_ka=$(awk '$2 == 4500 && $3 == 9' "$WORK/frames.txt" | wc -l)
n_espudp=$(awk '($1 == 4500 || $2 == 4500) && $3 > 9 && $4 == ""' "$WORK/frames.txt" | wc -l)
log "tshark (public side): IKE_AUTH on 4500: $n_auth4500, on 500: $n_auth500, keepalives: $n_ka, ESP in UDP: $n_espudp"
[ "$n_auth4500" -ge 2 ] && [ "$n_auth500" -eq 0 ] || fail "IKE_AUTH did not float to 4500"
[ "$n_ka" -ge 1 ] || fail "no NAT keepalive on the wire"
[ "$n_espudp" -ge 20 ] || fail "too little ESP in UDP"
log "PASS"
