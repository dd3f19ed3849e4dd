#!/bin/bash
# keygate as the FlexVPN client with EAP (seed 004 "authentication local
# eap", issue 16) against a keygate hub that relays EAP to FreeRADIUS 3.2
# (authentication remote eap query-identity, aaa authentication eap frad):
# - EAP-MSCHAPv2: FreeRADIUS proposes MD5 first, the client Naks it for
#   MSCHAPv2, checks the server's authenticator response, and both sides key
#   their AUTH payloads with the MSK (the client's from RFC 3079, the hub's
#   from the Access-Accept's MS-MPPE keys): Tunnel0 up, ping to the hub LAN;
# - EAP-GTC (FreeRADIUS's gtc with PAP) and EAP-MD5 likewise (no MSK);
# - a profile without a method answers whichever the server proposes;
# - a wrong MSCHAPv2 password: AUTHENTICATION_FAILED with a clear log line on
#   both sides, no tunnel.
# No password appears in either side's log or running-config.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 5

cat >"$WORK/users" <<'EOU'
bob Cleartext-Password := "bob-mschap-pass"
carol Cleartext-Password := "carol-gtc-pass"
alice Cleartext-Password := "alice-md5-pass"
dave Cleartext-Password := "dave-any-pass"
EOU
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

cat >"$WORK/hub.cfg" <<'EOC'
hostname ra-hub
!
aaa new-model
aaa group server radius frad
 server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key
aaa authentication eap frad group frad
aaa authorization network flex_local local
!
crypto ikev2 authorization policy RA
 pool RA-POOL
 route set remote ipv4 203.0.113.0 255.255.255.0
!
crypto ikev2 profile default
 match identity remote fqdn domain example.net
 identity local fqdn ra-hub.example.net
 authentication local pre-share key hub-secret
 authentication remote eap query-identity
 aaa authentication eap frad
 aaa authorization group eap list flex_local RA
 virtual-template 1
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
!
interface Loopback0
 ip address 198.18.0.1 255.255.255.255
!
interface Loopback1
 ip address 203.0.113.1 255.255.255.0
!
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile default
!
ip local pool RA-POOL 198.18.1.10 198.18.1.99
EOC
start_keygated "$NSA" "$WORK/hub.cfg"

# client K "EAP LINE": a keygate FlexVPN client in RA_NS[K] (198.51.100.1K).
client_cfg() {
  cat >"$WORK/client$1.cfg" <<EOC
hostname client$1
!
aaa new-model
aaa authorization network default local
!
crypto ikev2 authorization policy default
 route accept any
!
crypto ikev2 profile default
 match identity remote fqdn ra-hub.example.net
 identity local fqdn client$1.example.net
 $2
 authentication remote pre-share key hub-secret
 aaa authorization group psk list default default
!
crypto ikev2 client flexvpn default
 peer 1 198.51.100.1
 client connect Tunnel0
!
interface eth0
 ip address 198.51.100.1$1 255.255.255.0
!
interface Tunnel0
 ip address negotiated
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel destination dynamic
 tunnel protection ipsec profile default
EOC
}
client_cfg 1 "authentication local eap mschapv2 username bob password bob-mschap-pass"
client_cfg 2 "authentication local eap gtc username carol password carol-gtc-pass"
client_cfg 3 "authentication local eap md5 username alice password alice-md5-pass"
client_cfg 4 "authentication local eap username dave password dave-any-pass"
client_cfg 5 "authentication local eap mschapv2 username bob password not-bobs-pass"
for k in 1 2 3 4 5; do start_keygated "${RA_NS[$k]}" "$WORK/client$k.cfg"; done

flex() { kg "${RA_NS[$1]}" "show crypto ikev2 client flexvpn default"; }
tunnel_addr() { flex "$1" | awk '/^Tunnel0 :/ {print $3}'; }
# up K USER METHOD: client K's Tunnel0 is up through the hub and pings its LAN.
up() {
  local k=$1 user=$2 method=$3 a
  wait_for "flex $k | grep -q 'Current state:Tunnel0 up' && flex $k | grep -q 'Tunnel0 : 198.18.1.'" 30 ||
    { flex "$k"; tail -20 "$WORK/keygated-${RA_NS[$k]}.log"; tail -20 "$WORK/keygated-$NSA.log"; fail "client $k ($method) not up"; }
  grep -q "IKEv2: EAP user $user authenticated by 198.51.100.1 with $method" "$WORK/keygated-${RA_NS[$k]}.log" ||
    { grep EAP "$WORK/keygated-${RA_NS[$k]}.log"; fail "client $k did not log $method success"; }
  grep -q "accepted EAP user $user" "$WORK/keygated-$NSA.log" || fail "hub did not log the RADIUS accept of $user"
  grep -q "Login OK: \[$user" "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "FreeRADIUS did not log $user's login"; }
  a=$(tunnel_addr "$k")
  wait_for "ping_ok ${RA_NS[$k]} $a 203.0.113.1 1" 10 || fail "client $k ($method) -> hub LAN"
  ping_ok "$NSA" 203.0.113.1 "$a" 2 || fail "hub LAN -> client $k ($method)"
  log "$method: $user up with $a, pings both ways"
}
up 1 bob EAP-MSCHAPv2
grep -q -i "eap_mschapv2" "$RAD_LOG" "$WORK/freeradius-$NSA.out" ||
  { tail -40 "$RAD_LOG"; fail "FreeRADIUS did not run EAP-MSCHAPv2 for bob"; }
up 2 carol EAP-GTC
up 3 alice EAP-MD5
up 4 dave EAP-MD5   # no method configured: FreeRADIUS's default (md5) is answered

# The wrong password: Access-Reject, AUTHENTICATION_FAILED on both sides.
wait_for "grep -q 'AUTHENTICATION_FAILED.*EAP user bob (EAP-MSCHAPv2' '$WORK/keygated-${RA_NS[5]}.log' ||
          grep -q 'AUTHENTICATION_FAILED: EAP Failure from 198.51.100.1 for user bob (EAP-MSCHAPv2' '$WORK/keygated-${RA_NS[5]}.log'" 20 ||
  { tail -20 "$WORK/keygated-${RA_NS[5]}.log"; fail "client 5: no clear AUTHENTICATION_FAILED line"; }
grep -q "AUTHENTICATION_FAILED: EAP authentication of 198.51.100.15.*Access-Reject from RADIUS server 127.0.0.1" \
  "$WORK/keygated-$NSA.log" || { tail -20 "$WORK/keygated-$NSA.log"; fail "hub: no clear log line for the rejected user"; }
flex 5 | grep -q "Current state:Tunnel0 up" && fail "wrong password: Tunnel0 up"
log "wrong password: $(grep -o 'AUTHENTICATION_FAILED.*bob.*' "$WORK/keygated-${RA_NS[5]}.log" | head -1)"

for k in 1 2 3 4 5; do
  run=$(kg "${RA_NS[$k]}" "show running-config")
  echo "$run" | grep -q " authentication local eap .*password 6 " || { echo "$run"; fail "client $k: password not sealed"; }
done
for f in "$WORK"/keygated-*.log; do
  ! grep -q -E "bob-mschap-pass|carol-gtc-pass|alice-md5-pass|dave-any-pass|not-bobs-pass|kg-radius-key" "$f" ||
    fail "a password in $(basename "$f")"
done
kg "$NSA" "show aaa servers" | grep -q "Response: accept 4, reject 1" || { kg "$NSA" "show aaa servers"; fail "hub counters"; }
log "PASS"
