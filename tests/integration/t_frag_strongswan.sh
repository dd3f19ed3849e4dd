#!/bin/bash
# IKE fragmentation (RFC 7383): keygated (examples/site-a-cert.cfg plus
# crypto ikev2 fragmentation mtu 1280) and strongSwan (fragmentation = yes)
# with RSA-4096 certificates from an intermediate CA on both sides, over a
# veth path whose MTU is 1280. keygated initiates, then strongSwan does;
# IKE_AUTH goes as SKF fragments both ways, nothing is IP-fragmented, traffic
# passes.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_frag.sh"
lib_init
frag_path_mtu 1280
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
P=$WORK/pki; mkdir -p "$P"
frag_pki "$P"
pki_pem_set "$P" site-a "$WORK/site-a" pem-pass ca sub
SW=$WORK/swb
SW_FRAGMENTATION=yes sw_site_b_cert "$SW" site-b.crt "O=keygate test, CN=site-a.example.net"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt" "$P/sub.crt"
start_charon "$NSB" "$SW"
frag_cfg "$KG_SOURCE_DIR/examples/site-a-cert.cfg" "$WORK/site-a.cfg" 1280
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg "$NSA" "show running-config" | grep -q "^crypto ikev2 fragmentation mtu 1280$" || fail "running-config lacks the fragmentation line"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass

# 1. keygated initiates.
wait_for "kg_ready $NSA && sw_has_sa $SW" 30 || { kg "$NSA" "show crypto ikev2 sa"; tail -30 "$SW/charon.log"; fail "no tunnel through fragments"; }
swanctl_ "$SW" --list-sas | grep -q '_r\*' || { swanctl_ "$SW" --list-sas; fail "keygated is not the initiator"; }
grep -q "received fragment #" "$SW/charon.log" || { grep -i frag "$SW/charon.log" | tail; fail "strongSwan did not receive fragments"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "keygated initiated through IKE fragments; traffic both ways"

# 2. strongSwan initiates and keygated responds.
kg_block_initiation "$NSA"
kg "$NSA" "clear crypto session" >/dev/null
wait_for "! sw_has_sa $SW && ! kg_ready $NSA" 15 || fail "SAs not cleared"
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "strongSwan's initiation did not complete"
swanctl_ "$SW" --list-sas | grep -q '_i\* ' || { swanctl_ "$SW" --list-sas; fail "strongSwan is not the initiator"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygate responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygate responder)"
log "strongSwan initiated through IKE fragments, keygated responded"
capture_stop
frag_check_capture "$WORK/cap.pcapng"
frag_check_stats "$NSA"
log "PASS"
