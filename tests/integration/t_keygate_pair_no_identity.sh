#!/bin/bash
# Two keygated whose profiles have no `identity local` line: as on IOS each
# sends the address of its SA (ID_IPV4_ADDR) and finds the other's key in a
# keyring by address. The tunnel comes up by itself and traffic passes.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
# site CFG ME PEER MYLAN PEERLAN
site() {
  cat >"$1" <<EOC
crypto ikev2 keyring KR
 peer other
  address $3
  pre-shared-key no-identity-secret
!
crypto ikev2 profile default
 match identity remote address $3
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
!
interface eth0
 ip address $2 255.255.255.0
!
interface Loopback0
 ip address $4 255.255.255.128
!
interface Tunnel0
 ip address 203.0.113.${2##*.} 255.255.255.252
 tunnel source eth0
 tunnel destination $3
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile default
!
ip route $5 255.255.255.128 Tunnel0
EOC
}
site "$WORK/a.cfg" 198.51.100.1 198.51.100.2 192.0.2.1 192.0.2.128
site "$WORK/b.cfg" 198.51.100.2 198.51.100.1 192.0.2.129 192.0.2.0
start_keygated "$NSA" "$WORK/a.cfg"
start_keygated "$NSB" "$WORK/b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; tail -5 "$WORK"/keygated-*.log; fail "no READY IKE SA within 20 s"; }
log "IKE SA READY on both sides"
det=$(kg "$NSA" "show crypto ikev2 sa detailed")
for want in "Local id: 198.51.100.1" "Remote id: 198.51.100.2"; do
  grep -qF "$want" <<<"$det" || { echo "$det"; fail "show crypto ikev2 sa detailed lacks '$want'"; }
done
kg "$NSB" "show crypto ikev2 sa detailed" | grep -qF "Remote id: 198.51.100.1" || fail "site b does not see a's address as its identity"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A"
log "PASS"
