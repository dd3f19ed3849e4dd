#!/bin/bash
# Both sides with the same short lifetimes and PFS (set pfs group19 /
# esp_proposals aes256gcm16-ecp256): either may rekey first, or both at once
# (RFC 7296 §2.8.1). A 50 ms ping sees no gap over 1 s; one SA pair at the end.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb
SW_ESP=aes256gcm16-ecp256 SW_CONN_EXTRA="rekey_time = 18s
    rand_time = 1s" SW_CHILD_EXTRA="rekey_time = 11s
        life_time = 12s
        rand_time = 1s" sw_site_b "$SW"
start_charon "$NSB" "$SW"
kg_cfg "$WORK/a.cfg" site-a "crypto ipsec profile default
 set security-association lifetime seconds 12
 set pfs group19
crypto ikev2 profile default
 lifetime 20"
start_keygated "$NSA" "$WORK/a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
first=$(kg_in_spis "$NSA")
log "tunnel up, inbound SPI $first; both sides rekeying"
ping_bg "$NSA" 192.0.2.1 192.0.2.129 25 "$WORK/ping.out"
wait "$PING_PID"
assert_gap "$WORK/ping.out" 1.0
c=$(kg_stat "$NSA" "CHILD_SA:"); i=$(kg_stat "$NSA" "Rekeys: IKE SA:"); x=$(kg_stat "$NSA" "collisions:")
log "rekeys: CHILD_SA $c, IKE SA $i, collisions $x"
[ "${c:-0}" -ge 2 ] || fail "expected two CHILD_SA rekeys, saw ${c:-0}"
grep -q "(PFS ECP256)" "$WORK/keygated-$NSA.log" || fail "no PFS rekey in keygated's log"
assert_one_fresh_sa "$NSA" "$SW" "$first"
log "PASS"
