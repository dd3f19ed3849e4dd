#!/bin/bash
# Aggressive Mode as initiator (seed 001: crypto isakmp peer address A with
# set aggressive-mode password and client-endpoint) against strongSwan 5.9.8
# as responder (version = 1, aggressive = yes, charon's
# i_dont_care_about_security_and_use_aggressive_mode_psk): the first ping
# into crypto map CMAP's networks starts Aggressive Mode with the identity
# user-fqdn site-a@example.net and the peer entry's password (no crypto
# isakmp key anywhere), then Quick Mode; pings both ways; the password is
# written sealed. Then `crypto isakmp aggressive-mode disable`: keygated
# refuses to initiate, with seed 001's log line, and sends nothing (no Main
# Mode either). tshark: Aggressive Mode frames, none malformed, no Main Mode.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
PSK=am-tunnel-password-5e17
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
!
crypto isakmp peer address 198.51.100.2
 set aggressive-mode password $PSK
 set aggressive-mode client-endpoint user-fqdn site-a@example.net
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
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
SW_AGGRESSIVE=yes SW_REMOTE_ID=site-a@example.net sw_ikev1_psk "$SW" "$PSK" 192.0.2.128/25 192.0.2.0/25
SW_CHARON_EXTRA="i_dont_care_about_security_and_use_aggressive_mode_psk = yes" start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
KGLOG=$WORK/keygated-$NSA.log
kg "$NSA" "show running-config" >"$WORK/rc.txt"
grep -q "^crypto isakmp peer address 198.51.100.2$" "$WORK/rc.txt" &&
  grep -q "^ set aggressive-mode password 6 " "$WORK/rc.txt" &&
  grep -q "^ set aggressive-mode client-endpoint user-fqdn site-a@example.net$" "$WORK/rc.txt" ||
  { cat "$WORK/rc.txt"; fail "running-config lacks the crypto isakmp peer entry"; }
grep -q "$PSK" "$WORK/rc.txt" && fail "the aggressive-mode password appears in clear"

# As on IOS, the crypto map's traffic needs a route out (towards the peer).
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
# 1. The first packet into the map starts Aggressive Mode.
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 ||
  { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; tail -20 "$SW/charon.log"; fail "no traffic through the crypto map"; }
grep -q "198.51.100.1.* is initiating a Aggressive Mode IKE_SA" "$SW/charon.log" ||
  { grep -i "initiating" "$SW/charon.log"; fail "strongSwan did not see an Aggressive Mode"; }
swanctl_ "$SW" --list-sas >"$WORK/sas.txt"
grep -q "IKEv1" "$WORK/sas.txt" && grep -q "remote 'site-a@example.net' @ 198.51.100.1" "$WORK/sas.txt" ||
  { cat "$WORK/sas.txt"; fail "strongSwan's SA is not IKEv1 with keygated's client-endpoint identity"; }
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.2    198.51.100.1    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "show crypto isakmp sa"; }
kg "$NSA" "show crypto isakmp sa detail" | grep -q "198.51.100.2 .* ACTIVE aes  sha256 psk  14" ||
  { kg "$NSA" "show crypto isakmp sa detail"; fail "show crypto isakmp sa detail"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
grep -q "$PSK" "$KGLOG" && fail "the password is in keygated's log"
log "keygated initiated Aggressive Mode as site-a@example.net with the peer entry's password: pings both ways"

# 2. aggressive-mode disable: no initiation at all.
kg "$NSA" "clear crypto isakmp" || fail "clear crypto isakmp"
wait_for "sw_no_sa '$SW'" 5 || { swanctl_ "$SW" --list-sas; fail "strongSwan kept its SAs after clear crypto isakmp"; }
kg "$NSA" $'configure terminal\ncrypto isakmp aggressive-mode disable\nend' >/dev/null || fail "crypto isakmp aggressive-mode disable"
ip netns exec "$NSA" ping -c 3 -i 0.3 -W 1 -I 192.0.2.1 192.0.2.129 >/dev/null 2>&1 && fail "traffic passed while Aggressive Mode is disabled"
wait_for "grep -q 'IKMP_AG_MODE_DISABLED: Unable to initiate or respond to Aggressive Mode while disabled (peer 198.51.100.2)' '$KGLOG'" 5 ||
  { tail -20 "$KGLOG"; fail "no 'Unable to initiate or respond to Aggressive Mode while disabled' line"; }
sleep 1
sw_no_sa "$SW" || { swanctl_ "$SW" --list-sas; fail "an SA while Aggressive Mode is disabled"; }
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.2" && fail "keygated has an ISAKMP SA while Aggressive Mode is disabled"
grep -c "is initiating a Aggressive Mode" "$SW/charon.log" | grep -qx 1 || fail "strongSwan saw another Aggressive Mode after disable"
log "aggressive-mode disable: $(grep -o 'IKMP_AG_MODE_DISABLED.*' "$KGLOG" | head -1)"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
[ "$N_AM" -ge 3 ] && [ "$N_QM" -ge 3 ] || fail "tshark: $N_AM Aggressive Mode and $N_QM Quick Mode frames"
[ "$N_MM" -eq 0 ] || fail "tshark: $N_MM Main Mode frames (keygated fell back to Main Mode)"
grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
log "PASS"
