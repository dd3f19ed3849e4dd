#!/bin/bash
# INITIAL_CONTACT (RFC 7296 §2.4): strongSwan is killed and restarted while
# keygated (no DPD) still holds the IKE SA; the restarted strongSwan connects
# with N(INITIAL_CONTACT) and keygated removes the stale SAs; the new SA
# carries the traffic.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
CHARON=${LIB_PIDS[-1]}
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
stale=$(kg "$NSA" "show crypto ikev2 sa detailed" | awk '/Local spi:/ {print $3; exit}')
stale_child=$(kg_in_spis "$NSA")
kill -9 "$CHARON"; wait "$CHARON" 2>/dev/null
log "strongSwan killed; keygated still holds IKE SA $stale"
rm -f "$SW/charon.vici"
start_charon "$NSB" "$SW"
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "restarted strongSwan could not connect"; }
# keygated keeps its own SA for 5 s in case the peer settles a crossing
# (an SA that keygated initiated on the same tunnel), then drops it.
wait_for "grep -q 'INITIAL_CONTACT from 198.51.100.2.*deleting stale' '$WORK/keygated-$NSA.log'" 15 ||
  fail "keygated did not act on INITIAL_CONTACT"
log "$(grep -h 'INITIAL_CONTACT from' "$WORK/keygated-$NSA.log")"
[ "$(kg_ready_count "$NSA")" -eq 1 ] || { kg "$NSA" "show crypto ikev2 sa"; fail "expected exactly one IKE SA"; }
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "Local spi: $stale" && fail "the stale IKE SA is still there"
kg_in_spis "$NSA" | grep -qx "$stale_child" && fail "the stale CHILD_SA is still installed"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "no traffic over the new SA"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "no traffic over the new SA (from strongSwan)"
kg "$NSA" "show interfaces Tunnel0" | grep -q "line protocol is up" || fail "line protocol flapped down"
log "PASS"
