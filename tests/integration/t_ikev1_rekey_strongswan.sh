#!/bin/bash
# IKEv1 rekeys under traffic against strongSwan 5.9.8: a seed 001 crypto map
# with `crypto isakmp policy 10 / lifetime 60` and `set security-association
# lifetime seconds 120`. keygated rekeys the ISAKMP SA at 90% of its
# lifetime (a new Main Mode without INITIAL-CONTACT, the IPsec SAs handed
# over, the old ISAKMP SA deleted; strongSwan adopts its CHILD_SA the same
# way) and the IPsec SA with a new Quick Mode; `ping -i 0.2` runs for 135 s
# through two phase-1 rekeys and one phase-2 rekey: no gap over 1 s (the lost
# pings are counted).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
PSK=rekey-site-key-3a8f
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
 lifetime 60
crypto isakmp key 0 $PSK address 198.51.100.2
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
 set security-association lifetime seconds 120
 match address 101
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
!
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
!
access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127
EOC
SW=$WORK/swb
sw_ikev1_psk "$SW" "$PSK" 192.0.2.128/25 192.0.2.0/25
start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
# As on IOS, the crypto map's traffic needs a route out (towards the peer).
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 || { kg "$NSA" "show crypto isakmp sa"; fail "no traffic through the crypto map"; }
conn0=$(kg "$NSA" "show crypto isakmp sa" | awk '/QM_IDLE/ {print $4}')
spi0=$(kg "$NSA" "show crypto ipsec sa" | grep -m1 -o "current outbound spi: 0x[0-9A-Fa-f]*")
log "up: ISAKMP conn-id $conn0, $spi0; pinging every 0.2 s for 135 s"
ip netns exec "$NSA" ping -I 192.0.2.1 -i 0.2 -w 135 192.0.2.129 >"$WORK/ping.txt" 2>&1
sent=$(grep -o '[0-9]* packets transmitted' "$WORK/ping.txt" | grep -o '^[0-9]*')
got=$(grep -o '[0-9]* received' "$WORK/ping.txt" | grep -o '^[0-9]*')
# The longest run of missing sequence numbers, in pings (0.2 s each).
gap=$(grep -o 'icmp_seq=[0-9]*' "$WORK/ping.txt" | cut -d= -f2 | awk 'NR > 1 && $1 - p - 1 > m { m = $1 - p - 1 } { p = $1 } END { print m + 0 }')
log "ping: $sent sent, $got received, $((sent - got)) lost; longest gap $gap pings ($(echo "$gap * 0.2" | bc) s)"
kg "$NSA" "show crypto isakmp sa" >"$WORK/isa.txt"
conn1=$(awk '/QM_IDLE/ {print $4}' "$WORK/isa.txt")
spi1=$(kg "$NSA" "show crypto ipsec sa" | grep -m1 -o "current outbound spi: 0x[0-9A-Fa-f]*")
adopted=$(grep -c "adopting [0-9]* children" "$SW/charon.log")
log "after: ISAKMP conn-id $conn1, $spi1; strongSwan adopted CHILD_SAs $adopted times"
[ "$(grep -c QM_IDLE "$WORK/isa.txt")" -eq 1 ] || { cat "$WORK/isa.txt"; fail "expected one ISAKMP SA"; }
[ -n "$conn1" ] && [ "$conn1" -ge $((conn0 + 2)) ] || fail "the ISAKMP SA was not rekeyed twice ($conn0 -> $conn1)"
[ "$spi1" != "$spi0" ] || fail "the IPsec SA was not rekeyed"
[ "$adopted" -ge 2 ] || { grep -i "IKE_SA\|delet" "$SW/charon.log" | tail -20; fail "strongSwan did not adopt the CHILD_SA on the new ISAKMP SA"; }
[ "$gap" -le 5 ] || fail "a gap of $gap pings (> 1 s)"
sw_has_sa "$SW" || fail "strongSwan lost its SA"
swanctl_ "$SW" --list-sas | grep -c "ESTABLISHED" | grep -qx 1 || { swanctl_ "$SW" --list-sas; fail "strongSwan keeps more than one IKE SA"; }
capture_stop
tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed"
[ "$N_MM" -ge 18 ] && [ "$N_QM" -ge 6 ] || fail "tshark: expected 3 Main Modes and 2 Quick Modes"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
