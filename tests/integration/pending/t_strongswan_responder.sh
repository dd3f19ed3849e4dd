#!/bin/bash
# keygated (site-a) responds; strongSwan plays site-b and initiates.
# Traffic both ways, then clean deletes in both directions.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "kg_ready $NSA" 10 || fail "keygated shows no READY SA"
log "tunnel up (strongSwan initiated)"
sw_traffic_and_delete "$NSA" "$SW"
log "PASS"
