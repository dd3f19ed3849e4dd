#!/bin/bash
# ChaCha20-Poly1305 (RFC 7634) for IKE and ESP: strongSwan (site-b,
# chacha20poly1305 only) initiates; keygated (site-a, chacha only) responds.
# Traffic both ways, then clean deletes in both directions.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_chacha.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
chacha_sw_env
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
# keygated also initiates by itself: drop its IKE requests as original
# initiator (IKE header flags, RFC 7296 §3.1, I bit 0x08; UDP 500) so
# strongSwan's initiation is the one that completes (as t_strongswan_responder).
ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet kgtest {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,216,8 & 0x08 == 0x08 drop
  }
}
EON
chacha_cfg "$WORK/site-a-chacha.cfg"
start_keygated "$NSA" "$WORK/site-a-chacha.cfg"
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "kg_ready $NSA" 10 || fail "keygated shows no READY SA"
swanctl_ "$SW" --list-sas | grep -q '_i\* ' || { swanctl_ "$SW" --list-sas; fail "strongSwan is not the initiator of the IKE SA"; }
log "tunnel up (strongSwan initiated)"
chacha_check "$NSA" "$SW"
sw_traffic_and_delete "$NSA" "$SW"
log "PASS"
