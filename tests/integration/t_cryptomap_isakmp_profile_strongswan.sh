#!/bin/bash
# `set isakmp-profile NAME` in crypto map entries (seed 001), keygated
# against two strongSwan 5.9.8 IKEv1 peers (198.51.100.11 and .12 on one
# segment), each with its own pre-shared key held in its own crypto keyring,
# each keyring in its own ISAKMP profile, each map entry naming one profile;
# no `crypto isakmp key` at all:
#  1. keygated initiates to both (a ping into each LAN): each Main Mode uses
#     its profile's key (the other key would fail), both tunnels carry pings;
#  2. strongSwan peer 1 initiates: keygated as responder finds the key in the
#     keyrings by address, matches profile P1 by identity and accepts the
#     Quick Mode for entry 10 (set isakmp-profile P1);
#  3. entry 10 changed to `set isakmp-profile P2`: peer 1's Quick Mode is
#     refused (logged: the entry needs P2, the SA matched P1) and no IPsec SA
#     comes up, while peer 2's tunnel stays up;
#  4. peer 2, whose identity is the user FQDN site-b@example.net, initiates:
#     P2's `match identity user domain example.net` takes it.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$d/lib_ra.sh" 2>/dev/null || . "$d/../lib_ra.sh"
lib_init
ra_switch 2
P1=${RA_NS[1]}; P2=${RA_NS[2]}
ip -n "$P1" addr add 192.0.2.129/26 dev lo
ip -n "$P2" addr add 192.0.2.193/26 dev lo
KEY1=prof-one-key-81a0; KEY2=prof-two-key-2c77
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
!
crypto keyring KR1
 pre-shared-key address 198.51.100.11 key 0 $KEY1
crypto keyring KR2
 pre-shared-key address 198.51.100.12 key 0 $KEY2
crypto isakmp profile P1
 match identity address 198.51.100.11
 keyring KR1
crypto isakmp profile P2
 match identity user domain example.net
 keyring KR2
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.11
 set transform-set TS
 set pfs group14
 set isakmp-profile P1
 match address 101
crypto map CMAP 20 ipsec-isakmp
 set peer 198.51.100.12
 set transform-set TS
 set pfs group14
 set isakmp-profile P2
 match address 102
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
!
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
!
access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.63
access-list 102 permit ip 192.0.2.0 0.0.0.127 192.0.2.192 0.0.0.63
EOC
SW1=$WORK/sw1; SW2=$WORK/sw2
sw_ikev1_psk "$SW1" "$KEY1" 192.0.2.128/26 192.0.2.0/25 198.51.100.11
SW_LOCAL_ID=site-b@example.net sw_ikev1_psk "$SW2" "$KEY2" 192.0.2.192/26 192.0.2.0/25 198.51.100.12
start_charon "$P1" "$SW1"
start_charon "$P2" "$SW2"
KG_DEBUG=1 start_keygated "$NSA" "$WORK/site-a.cfg"
kg "$NSA" "show running-config" | grep -qx " set isakmp-profile P2" || fail "running-config: set isakmp-profile"

# 1. keygated initiates to both.
# As on IOS, the crypto map's traffic needs a route out (towards each peer).
ip -n "$NSA" route add 192.0.2.128/26 via 198.51.100.11
ip -n "$NSA" route add 192.0.2.192/26 via 198.51.100.12
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered"
for dst in 192.0.2.129 192.0.2.193; do
  wait_for "ping_ok $NSA 192.0.2.1 $dst 1" 20 || { kg "$NSA" "show crypto isakmp sa"; fail "no tunnel to $dst"; }
done
ping_ok "$P1" 192.0.2.129 192.0.2.1 2 || fail "ping peer 1 -> keygate"
ping_ok "$P2" 192.0.2.193 192.0.2.1 2 || fail "ping peer 2 -> keygate"
grep -q "with 198.51.100.11:.* authenticated (initiator, ISAKMP profile P1)" "$WORK/keygated-$NSA.log" || fail "peer 1 not with P1"
grep -q "with 198.51.100.12:.* authenticated (initiator, ISAKMP profile P2)" "$WORK/keygated-$NSA.log" || fail "peer 2 not with P2"
log "keygated -> both peers: each with its profile's key"

# 2. Peer 1 initiates: keygated responds with P1.
kg "$NSA" "clear crypto session" >/dev/null
wait_for "sw_no_sa $SW1" 10 || fail "peer 1 kept its SA after clear crypto session"
sw_initiate "$SW1" kg || { cat "$SW1/initiate.out"; fail "peer 1 could not initiate"; }
grep -q "with 198.51.100.11:.* authenticated (responder, ISAKMP profile P1)" "$WORK/keygated-$NSA.log" || fail "responder: P1 not matched"
ping_ok "$P1" 192.0.2.129 192.0.2.1 2 || fail "ping peer 1 -> keygate (peer 1 initiated)"
log "peer 1 -> keygated: responder matched P1, Quick Mode accepted"

# 3. Entry 10 now wants P2: peer 1's Quick Mode is refused.
kg "$NSA" $'configure terminal\ncrypto map CMAP 10 ipsec-isakmp\n set isakmp-profile P2\nend' || fail "set isakmp-profile P2"
kg "$NSA" "clear crypto session" >/dev/null
wait_for "! swanctl_ $SW1 --list-sas 2>/dev/null | grep -q INSTALLED" 10 || fail "peer 1 kept its IPsec SA"
sw_initiate "$SW1" kg && fail "peer 1's Quick Mode accepted against a map entry with another profile"
grep -q "refused: its crypto map entry (cm-CMAP-10) needs ISAKMP profile P2, ISAKMP SA [0-9]* matched P1" "$WORK/keygated-$NSA.log" ||
  { grep "Quick Mode" "$WORK/keygated-$NSA.log" | tail; fail "no refusal logged"; }
swanctl_ "$SW1" --list-sas 2>/dev/null | grep -q INSTALLED && fail "peer 1 has an IPsec SA"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.193 1" 20 || fail "peer 2's tunnel lost"
log "entry 10 with P2: peer 1 (P1) refused, peer 2 still up"

# 4. Peer 2 initiates as site-b@example.net.
kg "$NSA" "show crypto isakmp profile" | grep -q "^    user domain example.net$" || { kg "$NSA" "show crypto isakmp profile"; fail "show crypto isakmp profile"; }
kg "$NSA" "clear crypto session" >/dev/null
wait_for "sw_no_sa $SW2" 10 || fail "peer 2 kept its SA after clear crypto session"
sw_initiate "$SW2" kg || { cat "$SW2/initiate.out"; fail "peer 2 could not initiate"; }
grep -q "with 198.51.100.12:.* authenticated (responder, ISAKMP profile P2)" "$WORK/keygated-$NSA.log" || fail "responder: P2 not matched by user domain"
ping_ok "$P2" 192.0.2.193 192.0.2.1 2 || fail "ping peer 2 -> keygate (peer 2 initiated)"
log "peer 2 (site-b@example.net) -> keygated: match identity user domain took P2"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
