#!/bin/bash
# Crypto map steering by the whole ACL line (crypto_map_steering.h), keygated
# as a router between a LAN (203.0.113.0/24, namespace C) and strongSwan
# 5.9.8's IKEv1 (site-b 192.0.2.128/25). The map's ACL permits only TCP to
# port 5001, except from the host 203.0.113.11 (a deny line before it):
#  1. keygated's nft table (ip keygate-cm-CMAP), its policy rule (fwmark
#     0x4b470001) and the table holding `default dev cm-CMAP-10` exist;
#  2. TCP 203.0.113.10 -> 192.0.2.129:5001 (forwarded by site-a) starts the
#     SA on demand and crosses it as ESP; the Quick Mode identities carry
#     protocol 6 and port 5001 (show crypto ipsec sa, strongSwan's list-sas);
#  3. what the ACL does not permit goes in clear, routed as without the map:
#     ping (ICMP), TCP to port 5002, and TCP to 5001 from the denied host;
#     tshark sees them in clear on eth0, and keygated's encaps count stays;
#     tshark sees no permitted packet in clear;
#  4. show crypto map still shows the ACL;
#  5. clean-up: `no crypto map` under the interface removes the table, the
#     rule and the device; applied again, they come back; keygated exiting
#     (SIGTERM) removes them; after a SIGKILL, the next keygated removes
#     what the killed one left.
# strongSwan has no crypto ACL with deny lines: its side of the deny line,
# ICMP and port 5002 is mirrored by policy rules of its own (to main before
# its table 220).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_paths.sh"
lib_init
NSC=$(add_ns c)
veth_link "$NSA" eth1 203.0.113.1/24 "$NSC" eth0 203.0.113.10/24
ip -n "$NSC" addr add 203.0.113.11/24 dev eth0
ip -n "$NSC" route add default via 203.0.113.1
ip netns exec "$NSA" sysctl -qw net.ipv4.ip_forward=1
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
# The paths in clear, without the map.
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
ip -n "$NSB" route add 203.0.113.0/24 via 198.51.100.1
ip -n "$NSB" rule add pref 100 to 203.0.113.11 lookup main
ip -n "$NSB" rule add pref 101 ipproto icmp lookup main
ip -n "$NSB" rule add pref 102 ipproto tcp sport 5002 lookup main
PSK=cmap-steer-key-31c8
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key 0 $PSK address 198.51.100.2
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
 match address STEER
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
!
ip access-list extended STEER
 deny tcp host 203.0.113.11 192.0.2.128 0.0.0.127 eq 5001
 permit tcp 203.0.113.0 0.0.0.255 192.0.2.128 0.0.0.127 eq 5001
EOC
SW=$WORK/swb
sw_ikev1_psk "$SW" "$PSK" "192.0.2.128/25[tcp/5001]" "203.0.113.0/24[tcp]"
start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"

# 1. The steering.
steered() {  # the table, the rule and the route into the device
  kg_steering "$NSA" CMAP | grep -q 'meta mark set 0x4b470001 accept' &&
    kg_steer_rules "$NSA" | grep -q 'from all fwmark 0x4b470001 lookup 1262944257' &&
    ip -n "$NSA" route show table 1262944257 | grep -q 'default dev cm-CMAP-10'
}
wait_for steered 5 || { kg_steering "$NSA" CMAP; ip -n "$NSA" rule; ip -n "$NSA" route show table all; fail "no steering for crypto map CMAP"; }
kg_steering "$NSA" CMAP >"$WORK/nft.txt"
grep -q 'ip saddr 203.0.113.11 ip daddr 192.0.2.128/25 tcp dport 5001 counter packets 0 bytes 0 return' "$WORK/nft.txt" &&
  grep -q 'ip saddr 203.0.113.0/24 ip daddr 192.0.2.128/25 tcp dport 5001 counter packets 0 bytes 0 meta mark set 0x4b470001 accept' "$WORK/nft.txt" ||
  { cat "$WORK/nft.txt"; fail "the nft table does not hold the ACL's lines"; }
ip -n "$NSA" route show 192.0.2.128/25 | grep -q 'via 198.51.100.2' || fail "the main table's route changed"
log "steering: nft table ip keygate-cm-CMAP with the ACL's lines, ip rule fwmark 0x4b470001, default dev cm-CMAP-10 in its table"

# 2. Permitted: TCP to 5001 from the LAN starts the SA and crosses it.
ip netns exec "$NSC" timeout 2 bash -c 'echo >/dev/tcp/192.0.2.129/5001' 2>/dev/null
wait_for "swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; fail "no SA after TCP to port 5001"; }
swanctl_ "$SW" --list-sas >"$WORK/sas.txt"
grep -q 'local  192.0.2.128/25\[tcp/5001\]' "$WORK/sas.txt" && grep -q 'remote 203.0.113.0/24\[tcp\]' "$WORK/sas.txt" ||
  { cat "$WORK/sas.txt"; fail "strongSwan: the Quick Mode identities lack protocol and port"; }
kg "$NSA" "show crypto ipsec sa" >"$WORK/ipsec.txt"
grep -q "remote ident (addr/mask/prot/port): (192.0.2.128/255.255.255.128/6/5001)" "$WORK/ipsec.txt" &&
  grep -q "local  ident (addr/mask/prot/port): (203.0.113.0/255.255.255.0/6/0)" "$WORK/ipsec.txt" ||
  { cat "$WORK/ipsec.txt"; fail "show crypto ipsec sa: identities"; }
TCPXFER_PORT=5001 tcp_transfer "$NSB" 192.0.2.129 "$NSC" 203.0.113.10 2M || fail "TCP to port 5001 through the map"
enc=$(kg_pkts "$NSA" encaps)
[ "$enc" -ge 100 ] || { kg "$NSA" "show crypto ipsec sa"; fail "TCP to 5001 did not cross the SA (encaps $enc)"; }
log "TCP 203.0.113.10 -> 192.0.2.129:5001 through the SA (encaps $enc); identities with protocol 6 and port 5001"

# 3. Not permitted: in clear.
ping_ok "$NSC" 203.0.113.10 192.0.2.129 3 || fail "ping in clear"
TCPXFER_PORT=5002 tcp_transfer "$NSB" 192.0.2.129 "$NSC" 203.0.113.10 256K || fail "TCP to port 5002 in clear"
TCPXFER_PORT=5001 tcp_transfer "$NSB" 192.0.2.129 "$NSC" 203.0.113.11 256K || fail "TCP to 5001 from the denied host in clear"
enc2=$(kg_pkts "$NSA" encaps)
[ "$enc2" -eq "$enc" ] || { kg "$NSA" "show crypto ipsec sa"; fail "traffic outside the ACL entered the SA (encaps $enc -> $enc2)"; }
kg_steering "$NSA" CMAP | grep -q 'tcp dport 5001 counter packets [1-9][0-9]* bytes [0-9]* return' || { kg_steering "$NSA" CMAP; fail "the deny line's counter did not count"; }
log "ping, TCP to 5002 and the denied host's TCP to 5001 went in clear (encaps still $enc2)"

# 4. show crypto map.
kg "$NSA" "show crypto map" >"$WORK/map.txt"
grep -q 'deny tcp host 203.0.113.11 192.0.2.128 0.0.0.127 eq 5001' "$WORK/map.txt" &&
  grep -q 'permit tcp 203.0.113.0 0.0.0.255 192.0.2.128 0.0.0.127 eq 5001' "$WORK/map.txt" || { cat "$WORK/map.txt"; fail "show crypto map: the ACL"; }
capture_stop
tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed"
[ "$N_ESP" -ge 100 ] || fail "tshark: only $N_ESP ESP packets"
icmp=$(tshark -r "$WORK/cap.pcapng" -Y 'icmp.type == 8 && ip.src == 203.0.113.10' 2>/dev/null | wc -l)
p5002=$(tshark -r "$WORK/cap.pcapng" -Y 'tcp.dstport == 5002 && ip.src == 203.0.113.10' 2>/dev/null | wc -l)
denied=$(tshark -r "$WORK/cap.pcapng" -Y 'tcp.dstport == 5001 && ip.src == 203.0.113.11' 2>/dev/null | wc -l)
leaked=$(tshark -r "$WORK/cap.pcapng" -Y 'tcp.port == 5001 && ip.addr == 203.0.113.10' 2>/dev/null | wc -l)
[ "$icmp" -ge 3 ] && [ "$p5002" -ge 10 ] && [ "$denied" -ge 10 ] ||
  fail "tshark: in clear: ICMP $icmp, TCP 5002 $p5002, denied host $denied (each expected)"
[ "$leaked" -eq 0 ] || fail "tshark: $leaked permitted packets in clear"
log "tshark: ESP=$N_ESP; in clear: ICMP $icmp, TCP 5002 $p5002, denied host $denied; permitted in clear: none"

# 5. Clean-up.
gone() { ! kg_steering "$NSA" CMAP >/dev/null && ! kg_steer_rules "$NSA" >/dev/null && ! ip -n "$NSA" link show cm-CMAP-10 >/dev/null 2>&1; }
kg "$NSA" $'configure terminal\ninterface eth0\nno crypto map CMAP\nend' || fail "no crypto map CMAP"
wait_for gone 5 || { kg_steering "$NSA" CMAP; ip -n "$NSA" rule; fail "steering left after no crypto map"; }
ip -n "$NSA" route show table all | grep -q 'cm-CMAP' && fail "a route into cm-CMAP-10 is left"
kg "$NSA" $'configure terminal\ninterface eth0\ncrypto map CMAP\nend' || fail "crypto map CMAP again"
wait_for steered 5 || fail "steering not back after crypto map CMAP"
log "no crypto map: table, rule and device removed; crypto map CMAP: back"
kill -TERM "$KG_LAST_PID"
wait_for "! kill -0 $KG_LAST_PID" 10 || fail "keygated did not exit"
gone || { kg_steering "$NSA" CMAP; ip -n "$NSA" rule; fail "steering left after keygated exited"; }
start_keygated "$NSA" "$WORK/site-a.cfg"
wait_for steered 5 || fail "no steering after restart"
kill -KILL "$KG_LAST_PID"; wait "$KG_LAST_PID" 2>/dev/null
kg_steering "$NSA" CMAP >/dev/null || fail "a SIGKILL removed the table?"
grep -v ' crypto map CMAP$' "$WORK/site-a.cfg" >"$WORK/site-a-nomap.cfg"
rm -f "$WORK/kg-$NSA/sock"
start_keygated "$NSA" "$WORK/site-a-nomap.cfg"
wait_for gone 5 || { kg_steering "$NSA" CMAP; ip -n "$NSA" rule; fail "what the killed keygated left was not removed"; }
log "keygated exiting removes the steering; after a SIGKILL the next keygated removes what was left"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
