#!/bin/bash
# A strongSwan peer and keygated restart each other's way (issue 21):
#  1. keygated is killed (SIGKILL) and started again from its configuration:
#     it initiates with N(INITIAL_CONTACT) (RFC 7296 §2.4), strongSwan drops
#     the stale IKE SA and CHILD_SA and is left with exactly one of each;
#  2. strongSwan is killed and started again and does not initiate: keygated
#     notices with DPD (dpd 10 2 periodic), deletes its stale SAs and
#     re-establishes the tunnel itself.
# (strongSwan restarting and initiating itself is t_initial_contact.)
# Traffic both ways after each, one IKE SA on each side.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"; CHARON=${LIB_PIDS[-1]}
kg_cfg "$WORK/a.cfg" site-a "crypto ikev2 profile default
 dpd 10 2 periodic"
start_keygated "$NSA" "$WORK/a.cfg"; KGD=$KG_LAST_PID
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
both_ways() {
  ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B $1"
  ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A $1"
}
old_ids=$(sw_ike_ids "$SW" | tr '\n' ' ')

# 1. keygated restarts.
kill -KILL "$KGD"; wait "$KGD" 2>/dev/null
log "keygated killed with SIGKILL; strongSwan holds IKE SA ${old_ids}"
rm -f "$WORK/kg-$NSA/sock"
start_keygated "$NSA" "$WORK/a.cfg"; KGD=$KG_LAST_PID
sw_one() { [ "$(sw_ike_count "$SW")" = 1 ] && [ "$(sw_child_count "$SW")" = 1 ]; }
wait_for "kg_ready $NSA && sw_one && ! sw_ike_ids $SW | grep -qxF '${old_ids% }'" 30 ||
  { swanctl_ "$SW" --list-sas; fail "strongSwan did not end with one fresh IKE SA and CHILD_SA"; }
both_ways "after keygated's restart"
log "keygated restarted: strongSwan dropped IKE SA ${old_ids}, holds $(sw_ike_ids "$SW" | tr '\n' ' ')"

# 2. strongSwan restarts and waits; keygated's DPD finds out.
stale=$(kg "$NSA" "show crypto ikev2 sa detailed" | awk '/Local spi:/ {print $3; exit}')
kill -9 "$CHARON"; wait "$CHARON" 2>/dev/null
rm -f "$SW/charon.vici"
start_charon "$NSB" "$SW"; CHARON=${LIB_PIDS[-1]}
log "strongSwan restarted (no initiation); keygated still holds IKE SA $stale"
wait_for "sw_has_sa $SW && kg_ready $NSA && ! kg $NSA 'show crypto ikev2 sa detailed' | grep -q 'Local spi: $stale'" 60 ||
  { kg "$NSA" "show crypto ikev2 sa detailed"; fail "keygated did not re-establish after strongSwan's restart"; }
[ "$(kg_ready_count "$NSA")" = 1 ] || { kg "$NSA" "show crypto ikev2 sa"; fail "keygated: not exactly one IKE SA"; }
[ "$(kg_in_spis "$NSA" | wc -l)" = 1 ] || { kg "$NSA" "show crypto ipsec sa"; fail "keygated: stale CHILD_SA left"; }
both_ways "after strongSwan's restart"
log "strongSwan restarted: keygated's DPD replaced IKE SA $stale, one SA each side"
log "PASS"
