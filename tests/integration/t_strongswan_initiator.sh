#!/bin/bash
# keygated (site-a) initiates by itself; strongSwan (site-b) responds.
# Traffic both ways, then clean deletes in both directions.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "keygated did not bring the tunnel up"
swanctl_ "$SW" --list-sas | grep -q '_r\*' || { swanctl_ "$SW" --list-sas; fail "keygated is not the initiator of the IKE SA"; }
log "tunnel up (keygated initiated)"
sw_traffic_and_delete "$NSA" "$SW"
log "PASS"
