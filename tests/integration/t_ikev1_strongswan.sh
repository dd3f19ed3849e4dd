#!/bin/bash
# keygated speaks IKEv1 with strongSwan 5.9.8 (swanctl version = 1): a tunnel
# interface whose ipsec profile has no `set ikev2-profile`, with a crypto
# isakmp key for its destination, negotiates Main Mode (pre-shared key,
# crypto isakmp policy 10) and Quick Mode with PFS. keygated initiates, then
# strongSwan does (keygated responding); pings cross the tunnel both ways
# each time (ESP in UDP: strongSwan has encap = yes, RFC 3947 NAT-D makes
# both sides encapsulate); show crypto isakmp sa shows QM_IDLE; clear crypto
# isakmp deletes strongSwan's SAs and strongSwan's DELETE keygated's.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
PSK=ikev1-site-key-41c9
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
!
crypto isakmp key 0 $PSK address 198.51.100.2
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto ipsec profile V1
 set transform-set TS
 set pfs group14
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
!
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
!
interface Tunnel0
 ip address 203.0.113.1 255.255.255.252
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.2
 tunnel protection ipsec profile V1
!
ip route 192.0.2.128 255.255.255.128 Tunnel0
EOC
SW=$WORK/swb
# An IOS static VTI proposes any/any in Quick Mode; strongSwan accepts it,
# installs no routes of its own (install_routes = no: a 0/0 route would take
# its IKE packets too) and the test routes only the far site into ipsec0.
sw_ikev1_psk "$SW" "$PSK" 0.0.0.0/0 0.0.0.0/0
SW_CHARON_EXTRA="install_routes = no" start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg "$NSA" "show running-config" | grep -q "crypto isakmp key 6 " || fail "the isakmp key is not written sealed (type 6)"
kg "$NSA" "show running-config" | grep -q "$PSK" && fail "the isakmp key appears in clear"

wait_for "sw_has_sa '$SW' && swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || { swanctl_ "$SW" --list-sas; fail "no IKEv1 SA from keygated"; }
wait_for "ip -n $NSB link show ipsec0" 5 || fail "no ipsec0 in strongSwan's namespace"
ip -n "$NSB" route add 192.0.2.0/25 dev ipsec0 src 192.0.2.129 2>/dev/null
swanctl_ "$SW" --list-sas | grep -q 'IKEv1' || fail "strongSwan's SA is not IKEv1"
kg "$NSA" "show crypto isakmp sa" >"$WORK/isakmp-sa.txt"
grep -q "198.51.100.2    198.51.100.1    QM_IDLE           1001 ACTIVE" "$WORK/isakmp-sa.txt" || { cat "$WORK/isakmp-sa.txt"; fail "show crypto isakmp sa"; }
kg "$NSA" "show crypto isakmp sa detail" | grep -q "ACTIVE aes  sha256 psk  14 23:59:5. N" || { kg "$NSA" "show crypto isakmp sa detail"; fail "show crypto isakmp sa detail"; }
log "keygated initiated: IKEv1 SA up (QM_IDLE)"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping keygate->strongSwan"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping strongSwan->keygate"
log "pings both ways through the IKEv1 tunnel"
grep -q "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is UP" "$WORK/keygated-$NSA.log" || fail "no SESSION_STATUS UP line"

# clear crypto isakmp: keygated deletes (DELETE for ESP and ISAKMP).
kg "$NSA" "clear crypto isakmp" || fail "clear crypto isakmp"
wait_for "sw_no_sa '$SW'" 5 || { swanctl_ "$SW" --list-sas; fail "strongSwan kept its SAs after clear crypto isakmp"; }
log "clear crypto isakmp: strongSwan's SAs deleted"

# strongSwan initiates, keygated responds: keygated's own Main Mode offers
# (ISAKMP responder cookie 0 to UDP 500) are dropped so strongSwan's wins.
ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet kgtest {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,128,64 0 drop
  }
}
EON
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "sw_has_sa '$SW' && swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || fail "strongSwan-initiated tunnel not up"
swanctl_ "$SW" --list-sas | grep -q '_i\* ' || { swanctl_ "$SW" --list-sas; fail "strongSwan is not the initiator"; }
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.1    198.51.100.2    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "keygated shows no responder SA"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygated responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygated responder)"
log "strongSwan initiated, keygated responded: pings both ways"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate"
wait_for "! kg $NSA 'show crypto isakmp sa' | grep -q QM_IDLE" 5 || fail "keygated kept the SA strongSwan deleted"
log "strongSwan's DELETE removed keygated's SAs"
sleep 1
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed"
[ "$N_MM" -ge 12 ] && [ "$N_QM" -ge 6 ] || fail "tshark: missing exchanges"
log "PASS"
