#!/bin/bash
# A strongSwan road warrior (IKEv2, PSK, id alice@example.net) against a
# keygated hub whose keyring peer matches by `identity email domain
# example.net` (one key for the users of a domain, as remote-access hubs use)
# and whose profile has no `identity local`: the hub answers with its address
# (ID_IPV4_ADDR 198.51.100.1), which strongSwan expects. Alice gets a pool
# address and pings the hub's LAN both ways; mallory@example.org, outside
# the domain, is refused and the hub's log says why.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
lib_init
ra_switch 2
cat >"$WORK/hub.cfg" <<'EOC'
hostname ra-hub
aaa new-model
aaa authorization network flex_local local
crypto ikev2 authorization policy RA
 pool RA-POOL
 route set remote ipv4 203.0.113.0 255.255.255.0
crypto ikev2 keyring RA-KEYS
 peer users
  identity email domain example.net
  pre-shared-key users-secret
crypto ikev2 profile default
 match identity remote email domain example.net
 authentication local pre-share
 authentication remote pre-share
 keyring local RA-KEYS
 aaa authorization group psk list flex_local RA
 virtual-template 1
interface eth0
 ip address 198.51.100.1 255.255.255.0
interface Loopback0
 ip address 198.18.0.1 255.255.255.255
interface Loopback1
 ip address 203.0.113.1 255.255.255.0
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile default
ip local pool RA-POOL 198.18.1.10 198.18.1.99
EOC
start_keygated "$NSA" "$WORK/hub.cfg"
grep -E '% (Invalid|Incomplete|line)' "$WORK/keygated-$NSA.log" && fail "hub configuration not accepted"

export SW_INSTALL_VIP=yes
sw_ra_client "$WORK/c1" 1 alice@example.net 198.51.100.1 users-secret  # the hub has no identity local: its address
sw_ra_client "$WORK/c2" 2 mallory@example.org 198.51.100.1 users-secret
start_charon "${RA_NS[1]}" "$WORK/c1"
start_charon "${RA_NS[2]}" "$WORK/c2"

sw_initiate "$WORK/c1" ra || { cat "$WORK/c1/initiate.out"; tail -20 "$WORK/keygated-$NSA.log"; fail "alice: initiate"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "alice not established"
grep -q "IKE_SA ra\[1\] established between 198.51.100.11\[alice@example.net\]...198.51.100.1\[198.51.100.1\]" \
  "$WORK/c1/charon.log" || { grep established "$WORK/c1/charon.log"; fail "alice: hub identity is not its address"; }
vip=$(sw_vip "$WORK/c1")
[ "$vip" = 198.18.1.10 ] || { swanctl_ "$WORK/c1" --list-sas; fail "alice got '$vip', not 198.18.1.10"; }
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "Remote id: alice@example.net" ||
  { kg "$NSA" "show crypto ikev2 sa detailed"; fail "hub does not show alice's identity"; }
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "Local id: 198.51.100.1" || fail "hub's local id is not its address"
wait_for "ping_ok ${RA_NS[1]} 198.18.1.10 203.0.113.1 1" 10 || fail "alice -> hub LAN"
ping_ok "${RA_NS[1]}" 198.18.1.10 203.0.113.1 3 || fail "alice -> hub LAN"
ping_ok "$NSA" 203.0.113.1 198.18.1.10 3 || fail "hub LAN -> alice"
log "alice@example.net: key from keyring peer 'identity email domain example.net', address $vip, traffic both ways"

sw_initiate "$WORK/c2" ra && fail "mallory@example.org was accepted"
sw_has_sa "$WORK/c2" && fail "mallory@example.org has an SA"
wait_for "grep -q 'no ikev2 profile matches peer 198.51.100.12 Id: mallory@example.org' '$WORK/keygated-$NSA.log'" 5 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "hub did not log that mallory was refused"; }
grep -qF "Id: mallory@example.org (email) matches no ikev2 profile: default (wants email domain example.net)" \
  "$WORK/keygated-$NSA.log" || { tail -20 "$WORK/keygated-$NSA.log"; fail "hub did not log what the profile wanted"; }
log "mallory@example.org refused: no profile matches (the log says default wants email domain example.net)"
log "PASS"
