#!/bin/bash
# A seed 001 site-to-site crypto map (IKEv1 Main Mode PSK + Quick Mode PFS,
# no tunnel interface) against strongSwan 5.9.8 (version = 1, local_ts /
# remote_ts = the ACL's networks):
#  1. keygated initiates on demand: the first ping into 192.0.2.128/25
#     (steered by keygated into the map's TUN cm-CMAP-10) starts Main Mode;
#     the Quick Mode identities are access-list 101's networks; pings and
#     TCP both ways; show crypto map / show access-lists; clear crypto isakmp.
#  2. strongSwan initiates to the same static entry: pings both ways.
#  3. the static entry is removed and `crypto map CMAP 65535 ipsec-isakmp
#     dynamic DYN` answers strongSwan (crypto isakmp key ... 0.0.0.0
#     0.0.0.0): keygated routes the networks strongSwan negotiated into
#     cm-CMAP-65535 while the SA is up; pings both ways; the route goes with
#     the SA.
# tshark: no malformed ISAKMP in the whole capture.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
# As on IOS, traffic for the map needs a route out (here towards the peer):
# the router's own packets get one before the steering sees them. A /24 so
# that the dynamic entry's /25 routes below stand apart from it.
ip -n "$NSA" route add 192.0.2.0/24 via 198.51.100.2
PSK=cmap-site-key-7d21
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key 0 $PSK address 198.51.100.2
crypto isakmp key 0 $PSK address 0.0.0.0 0.0.0.0
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto dynamic-map DYN 10
 set transform-set TS
 set pfs group14
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
 set security-association lifetime seconds 3600
 match address 101
crypto map CMAP 65535 ipsec-isakmp dynamic DYN
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
wait_for "kg_steering $NSA CMAP | grep -q 'ip saddr 192.0.2.0/25 ip daddr 192.0.2.128/25 counter .* meta mark set'" 5 ||
  { kg_steering "$NSA" CMAP; fail "access-list 101 is not steered into cm-CMAP-10"; }
sw_no_sa "$SW" || fail "an SA before any traffic (the map is on demand)"

# 1. keygated initiates on the first matching packet.
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 || { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; fail "no traffic through the crypto map"; }
swanctl_ "$SW" --list-sas >"$WORK/sas.txt"
grep -q 'IKEv1' "$WORK/sas.txt" || { cat "$WORK/sas.txt"; fail "strongSwan's SA is not IKEv1"; }
grep -q 'local  192.0.2.128/25' "$WORK/sas.txt" && grep -q 'remote 192.0.2.0/25' "$WORK/sas.txt" ||
  { cat "$WORK/sas.txt"; fail "the Quick Mode identities are not the ACL's networks"; }
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.2    198.51.100.1    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "show crypto isakmp sa"; }
log "keygated initiated on demand: IKEv1 SA with access-list 101's networks"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping strongSwan->keygate"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 4M || fail "TCP keygate->strongSwan"
tcp_transfer "$NSA" 192.0.2.1 "$NSB" 192.0.2.129 4M || fail "TCP strongSwan->keygate"
kg "$NSA" "show crypto map" >"$WORK/map.txt"
grep -q 'Crypto Map IPv4 "CMAP" 10 ipsec-isakmp' "$WORK/map.txt" && grep -q 'Peer = 198.51.100.2' "$WORK/map.txt" &&
  grep -q 'access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127' "$WORK/map.txt" &&
  grep -q -A1 'Interfaces using crypto map CMAP:' "$WORK/map.txt" || { cat "$WORK/map.txt"; fail "show crypto map"; }
kg "$NSA" "show access-lists" | grep -q "10 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127" || fail "show access-lists"
kg "$NSA" "show crypto session" >"$WORK/session.txt"
grep -q "Interface: eth0" "$WORK/session.txt" && grep -q "Session status: UP-ACTIVE" "$WORK/session.txt" &&
  grep -q "IKEv1 SA: local 198.51.100.1/[0-9]* remote 198.51.100.2/[0-9]* Active" "$WORK/session.txt" &&
  grep -q "IPSEC FLOW: permit ip 192.0.2.0-192.0.2.127 192.0.2.128-192.0.2.255" "$WORK/session.txt" ||
  { cat "$WORK/session.txt"; fail "show crypto session"; }
log "pings and TCP both ways through the crypto map; show crypto map, show access-lists, show crypto session"
kg "$NSA" "clear crypto isakmp" || fail "clear crypto isakmp"
wait_for "sw_no_sa '$SW'" 5 || { swanctl_ "$SW" --list-sas; fail "strongSwan kept its SAs after clear crypto isakmp"; }

# 2. strongSwan initiates to the static entry.
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || fail "strongSwan-initiated SA not up"
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygated responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygated responder)"
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.1    198.51.100.2    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "keygated is not the responder"; }
log "strongSwan initiated, keygated's static entry answered: pings both ways"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate"
wait_for "! kg $NSA 'show crypto isakmp sa' | grep -q QM_IDLE" 5 || fail "keygated kept the SA strongSwan deleted"

# 3. Only the dynamic map is left: it answers, and routes what was negotiated.
kg "$NSA" $'configure terminal\nno crypto map CMAP 10\nend' || fail "no crypto map CMAP 10"
wait_for "! ip -n $NSA link show cm-CMAP-10" 5 || fail "cm-CMAP-10 still there"
wait_for "! kg_steering $NSA CMAP" 5 || fail "the steering table outlived the static entry"
ip -n "$NSA" route show 192.0.2.128/25 | grep -q . && fail "a route for 192.0.2.128/25 before the dynamic SA"
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate (dynamic map)"; }
wait_for "swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || fail "dynamic-map SA not up"
wait_for "ip -n $NSA route show 192.0.2.128/25 | grep -q cm-CMAP-65535" 5 || { ip -n "$NSA" route; fail "no route into the dynamic entry's device"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (dynamic map)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (dynamic map)"
log "dynamic map: strongSwan's networks routed into cm-CMAP-65535; pings both ways"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate (dynamic)"
wait_for "! ip -n $NSA route show 192.0.2.128/25 | grep -q ." 5 || fail "the dynamic route outlived its SA"
log "the route went with the SA"
sleep 1
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed"
[ "$N_MM" -ge 18 ] && [ "$N_QM" -ge 9 ] || fail "tshark: missing exchanges"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
