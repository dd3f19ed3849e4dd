#!/bin/bash
# ChaCha20-Poly1305 (RFC 7634) for IKE and ESP: keygated (site-a, chacha
# only) initiates by itself; strongSwan (site-b, chacha20poly1305 only)
# responds. tshark sees transform ENCR 28 without a Key Length attribute
# (RFC 7634 §3) in IKE_SA_INIT both ways; traffic both ways, then clean
# deletes in both directions.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_chacha.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
chacha_sw_env
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
chacha_cfg "$WORK/site-a-chacha.cfg"
capture_start "$NSA" eth0 "$WORK/ike.pcapng"
start_keygated "$NSA" "$WORK/site-a-chacha.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "keygated did not bring the tunnel up"
swanctl_ "$SW" --list-sas | grep -q '_r\*' || { swanctl_ "$SW" --list-sas; fail "keygated is not the initiator of the IKE SA"; }
log "tunnel up (keygated initiated)"
chacha_check "$NSA" "$SW"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
capture_stop
tshark_check "$WORK/ike.pcapng" || fail "tshark found malformed frames"
n=$(tshark -r "$WORK/ike.pcapng" -Y 'isakmp.exchangetype == 34 && isakmp.tf.id.encr == 28' 2>/dev/null | wc -l)
[ "$n" -ge 2 ] || fail "tshark: IKE_SA_INIT with ENCR_CHACHA20_POLY1305 in $n frames, want request and response"
n=$(tshark -r "$WORK/ike.pcapng" -Y 'isakmp.exchangetype == 34 && isakmp.ike.attr.key_length' 2>/dev/null | wc -l)
[ "$n" -eq 0 ] || fail "tshark: $n IKE_SA_INIT frames carry a Key Length attribute"
[ "$N_ESP" -gt 0 ] || fail "tshark saw no ESP"
log "tshark: ENCR 28 both ways, no Key Length attribute, ESP=$N_ESP"
sw_traffic_and_delete "$NSA" "$SW"
log "PASS"
