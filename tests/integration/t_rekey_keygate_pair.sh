#!/bin/bash
# Two keygated with short lifetimes and PFS (site-a: CHILD_SA 12 s, IKE SA
# 20 s; site-b: CHILD_SA 14 s): rekeys from both sides under a 50 ms ping, no
# gap over 1 s, one SA pair left.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
kg_cfg "$WORK/a.cfg" site-a "crypto ipsec profile default
 set security-association lifetime seconds 12
 set pfs group19
crypto ikev2 profile default
 lifetime 20"
kg_cfg "$WORK/b.cfg" site-b "crypto ipsec profile default
 set security-association lifetime seconds 14
 set pfs group19"
start_keygated "$NSA" "$WORK/a.cfg"
start_keygated "$NSB" "$WORK/b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no READY IKE SA within 20 s"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
first=$(kg_in_spis "$NSA")
ping_bg "$NSA" 192.0.2.1 192.0.2.129 23 "$WORK/ping.out"
wait "$PING_PID"
assert_gap "$WORK/ping.out" 1.0
for n in "$NSA" "$NSB"; do
  log "$n: CHILD_SA rekeys $(kg_stat "$n" "CHILD_SA:"), IKE SA $(kg_stat "$n" "Rekeys: IKE SA:"), collisions $(kg_stat "$n" "collisions:")"
done
[ "$(kg_stat "$NSA" "CHILD_SA:")" -ge 2 ] || fail "expected two CHILD_SA rekeys"
[ "$(kg_stat "$NSA" "Rekeys: IKE SA:")" -ge 1 ] || fail "expected an IKE SA rekey"
wait_for "[ \$(kg_in_spis $NSA | wc -l) -eq 1 ] && [ \$(kg_in_spis $NSB | wc -l) -eq 1 ]" 10 ||
  { kg "$NSA" "show crypto ipsec sa"; fail "old CHILD_SAs were not removed"; }
[ "$(kg_ready_count "$NSA")" -eq 1 ] && [ "$(kg_ready_count "$NSB")" -eq 1 ] || fail "more than one IKE SA"
kg_in_spis "$NSA" | grep -qx "$first" && fail "still the first SPI"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A after the rekeys"
log "PASS"
