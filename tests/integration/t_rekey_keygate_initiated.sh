#!/bin/bash
# keygated rekeys: its CHILD_SA lifetime is 12 s and its IKE SA lifetime 20 s,
# strongSwan's are long. A 50 ms ping runs through two CHILD_SA rekeys and an
# IKE SA rekey: no gap over 1 s; afterwards one SA pair with new SPIs.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb
SW_CONN_EXTRA="rekey_time = 300s" SW_CHILD_EXTRA="rekey_time = 300s" sw_site_b "$SW"
start_charon "$NSB" "$SW"
kg_cfg "$WORK/a.cfg" site-a "crypto ipsec profile default
 set security-association lifetime seconds 12
crypto ikev2 profile default
 lifetime 20"
start_keygated "$NSA" "$WORK/a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
first=$(kg_in_spis "$NSA")
log "tunnel up, inbound SPI $first; pinging through the rekeys"
ping_bg "$NSA" 192.0.2.1 192.0.2.129 24 "$WORK/ping.out"
wait "$PING_PID"
assert_gap "$WORK/ping.out" 1.0
c=$(kg_stat "$NSA" "CHILD_SA:"); i=$(kg_stat "$NSA" "Rekeys: IKE SA:")
log "keygate rekeys: CHILD_SA $c, IKE SA $i"
[ "${c:-0}" -ge 2 ] || fail "expected two CHILD_SA rekeys, saw ${c:-0}"
[ "${i:-0}" -ge 1 ] || fail "expected an IKE SA rekey, saw ${i:-0}"
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "Rekeyed [1-9][0-9]* times" || fail "show crypto ikev2 sa detailed: no rekey count"
kg "$NSA" "show crypto ipsec sa" | grep -q "remaining key lifetime (k/sec)" || fail "show crypto ipsec sa: no sa timing"
assert_one_fresh_sa "$NSA" "$SW" "$first"
swanctl_ "$SW" --list-sas | grep -q "_r\*" || fail "keygate is no longer the initiator of the IKE SA it rekeyed"
log "PASS"
