#!/bin/bash
# Seed 001's identity hostname example with strongSwan 5.9.8 (IKEv1 Main
# Mode, pre-shared key): keygated's key for the peer is `crypto isakmp key K
# hostname site-b.example.net`, found in Main Mode through `ip host
# site-b.example.net 198.51.100.2` (there is no address key); the tunnel
# comes up and pings cross it. Then `no crypto isakmp enable`: keygated
# answers no ISAKMP packet (strongSwan's Main Mode times out) while
# `crypto isakmp enable` brings the tunnel back.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
PSK=sharedkeystring-5e1d
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key $PSK hostname site-b.example.net
ip host site-b.example.net 198.51.100.2
crypto ipsec transform-set TS esp-aes esp-sha-hmac
crypto ipsec profile V1
 set transform-set TS
 set pfs group14
interface eth0
 ip address 198.51.100.1 255.255.255.0
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
interface Tunnel0
 ip address 203.0.113.1 255.255.255.252
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.2
 tunnel protection ipsec profile V1
ip route 192.0.2.128 255.255.255.128 Tunnel0
EOC
SW=$WORK/swb
sw_ikev1_psk "$SW" "$PSK" 0.0.0.0/0 0.0.0.0/0
SW_CHARON_EXTRA="install_routes = no" start_charon "$NSB" "$SW"
start_keygated "$NSA" "$WORK/site-a.cfg"
rc=$(kg "$NSA" "show running-config")
grep -q "^crypto isakmp key 6 .* hostname site-b.example.net$" <<<"$rc" || { echo "$rc"; fail "hostname key not written sealed"; }
grep -q "$PSK" <<<"$rc" && fail "the key appears in clear"
grep -qx "ip host site-b.example.net 198.51.100.2" <<<"$rc" || fail "ip host not in running-config"

wait_for "sw_has_sa '$SW' && swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || { swanctl_ "$SW" --list-sas; tail -20 "$WORK/keygated-$NSA.log"; fail "no IKEv1 SA with the hostname key"; }
wait_for "ip -n $NSB link show ipsec0" 5 || fail "no ipsec0 in strongSwan's namespace"
ip -n "$NSB" route add 192.0.2.0/25 dev ipsec0 src 192.0.2.129 2>/dev/null
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "Main Mode with crypto isakmp key ... hostname through ip host: tunnel up, pings both ways"

# no crypto isakmp enable: strongSwan's new Main Mode gets no answer.
kg "$NSA" $'configure terminal\nno crypto isakmp enable\nend' >/dev/null || fail "no crypto isakmp enable"
kg "$NSA" "show running-config" | grep -qx "no crypto isakmp enable" || fail "no crypto isakmp enable not written"
kg "$NSA" "clear crypto isakmp" >/dev/null 2>&1
wait_for "! sw_has_sa '$SW'" 10 || fail "strongSwan's SA not gone after clear crypto isakmp"
swanctl_ "$SW" --initiate --child kg --timeout 4 >/dev/null 2>&1
sw_has_sa "$SW" && fail "IKEv1 answered under no crypto isakmp enable"
log "no crypto isakmp enable: strongSwan's Main Mode is not answered"
kg "$NSA" $'configure terminal\ncrypto isakmp enable\nend' >/dev/null || fail "crypto isakmp enable"
swanctl_ "$SW" --initiate --child kg --timeout 10 >/dev/null 2>&1
wait_for "sw_has_sa '$SW'" 20 || fail "no IKEv1 SA after crypto isakmp enable"
log "crypto isakmp enable: tunnel up again"
log "PASS"
