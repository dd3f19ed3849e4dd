#!/bin/bash
# Certificates, ECDSA: keygated as site-a with a P-256 certificate (fqdn
# identity, authentication ecdsa-sig) and strongSwan as site-b with a P-384
# one, both from a P-256 CA made here. strongSwan initiates, then keygated;
# traffic both ways each time.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca ec256
pki_leaf "$P" site-a ec256 ca site-a.example.net 32
pki_leaf "$P" site-b ec384 ca site-b.example.net 33
pki_pem_set "$P" site-a "$WORK/site-a" ec-pass ca
sed -e 's/rsa-sig/ecdsa-sig/' -e 's/identity local dn/identity local fqdn site-a.example.net/' \
  "$KG_SOURCE_DIR/examples/site-a-cert.cfg" >"$WORK/site-a.cfg"
SW=$WORK/swb
sw_site_b_cert "$SW" site-b.crt site-a.example.net
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"
start_charon "$NSB" "$SW"
kg_block_initiation "$NSA"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg_import "$NSA" site-a "$WORK/site-a" ec-pass

# 1. strongSwan initiates, keygated responds.
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; tail -30 "$SW/charon.log"; fail "strongSwan initiate"; }
wait_for "kg_ready $NSA && sw_has_sa $SW" 10 || fail "no tunnel (strongSwan initiating)"
swanctl_ "$SW" --list-sas | grep -q '_i\* ' || fail "strongSwan is not the initiator"
kg "$NSA" "show crypto ikev2 sa" | grep -q "Auth sign: ECDSA, Auth verify: ECDSA" || { kg "$NSA" "show crypto ikev2 sa"; fail "ECDSA methods not shown"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
log "strongSwan initiated with ECDSA certificates, keygated responded"

# 2. keygated initiates. Its initiation stays blocked until strongSwan's SA
# is gone: unblocked earlier, a retransmitted IKE_SA_INIT of keygated's could
# set up a second IKE SA beside strongSwan's, whose INITIAL_CONTACT made
# strongSwan drop its own silently, and the terminate below then took
# keygated's (a failure seen once in make test).
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1
wait_for "sw_no_sa $SW" 10 || fail "strongSwan kept its SA"
kg "$NSA" "clear crypto session" >/dev/null
kg_unblock_initiation "$NSA"
wait_for "kg_ready $NSA && sw_has_sa $SW" 25 || { kg "$NSA" "show crypto ikev2 sa"; fail "keygated did not initiate"; }
swanctl_ "$SW" --list-sas | grep -q '_r\*' || { swanctl_ "$SW" --list-sas; fail "keygated is not the initiator"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping keygate->strongSwan (keygate initiator)"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate (keygate initiator)"
log "keygated initiated with ECDSA certificates"
log "PASS"
