#!/bin/bash
# strongSwan rekeys: its CHILD_SA rekey_time is 6 s and IKE SA rekey_time
# 14 s; keygated's lifetimes are long. keygated answers CREATE_CHILD_SA of
# both kinds; a 50 ms ping sees no gap over 1 s; one SA pair at the end.
# (With 8 s the second CHILD_SA rekey fell due when the IKE SA was being
# rekeyed (seen once in CI rehearsal): strongSwan 5.9.8 then looks the CHILD_SA
# up under the old IKE SA, logs "CHILD_SA ... not found for rekey" and
# never retries it. At 5-6 s the second falls at 10-12 s, before the IKE
# rekey at 13-14 s.)
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb
SW_CONN_EXTRA="rekey_time = 14s
    rand_time = 1s" SW_CHILD_EXTRA="rekey_time = 6s
        life_time = 30s
        rand_time = 1s" sw_site_b "$SW"
start_charon "$NSB" "$SW"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
first=$(kg_in_spis "$NSA")
log "tunnel up, inbound SPI $first; pinging through strongSwan's rekeys"
ping_bg "$NSA" 192.0.2.1 192.0.2.129 22 "$WORK/ping.out"
wait "$PING_PID"
assert_gap "$WORK/ping.out" 1.0
c=$(kg_stat "$NSA" "CHILD_SA:"); i=$(kg_stat "$NSA" "Rekeys: IKE SA:")
log "rekeys seen by keygate: CHILD_SA $c, IKE SA $i"
[ "${c:-0}" -ge 2 ] || fail "expected two CHILD_SA rekeys, saw ${c:-0}"
[ "${i:-0}" -ge 1 ] || fail "expected an IKE SA rekey, saw ${i:-0}"
grep -q "rekeyed by 198.51.100.2" "$WORK/keygated-$NSA.log" || fail "no CHILD_SA rekey by strongSwan in keygated's log"
assert_one_fresh_sa "$NSA" "$SW" "$first"
log "PASS"
