#!/bin/bash
# keygated (site-a) responds; strongSwan plays site-b and initiates.
# Traffic both ways, then clean deletes in both directions.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
# keygated also initiates by itself (after 0-1 s of jitter); to test it as a
# responder, drop its IKE requests as original initiator (IKE header flags
# byte, RFC 7296 §3.1, I bit 0x08; UDP 500, no non-ESP marker) so strongSwan's
# initiation is the one that completes.
ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet kgtest {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,216,8 & 0x08 == 0x08 drop
  }
}
EON
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "kg_ready $NSA" 10 || fail "keygated shows no READY SA"
# "_i*" marks strongSwan's own SPI as the initiator's.
swanctl_ "$SW" --list-sas | grep -q '_i\* ' || { swanctl_ "$SW" --list-sas; fail "strongSwan is not the initiator of the IKE SA"; }
log "tunnel up (strongSwan initiated)"
sw_traffic_and_delete "$NSA" "$SW"
log "PASS"
