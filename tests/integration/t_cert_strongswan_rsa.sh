#!/bin/bash
# Certificates, RSA: keygated (examples/site-a-cert.cfg, identity local dn)
# and strongSwan (site-b) with RSA-2048 certificates from a CA made here.
# keygated initiates, then strongSwan initiates (signing RSASSA-PSS); traffic
# both ways each time; show commands name the methods; write memory and a
# restart keep the certificates and the sealed key.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_leaf "$P" site-a rsa2048 ca site-a.example.net 16
pki_leaf "$P" site-b rsa2048 ca site-b.example.net 17
pki_pem_set "$P" site-a "$WORK/site-a" pem-pass ca
SW=$WORK/swb
sw_site_b_cert "$SW" site-b.crt "O=keygate test, CN=site-a.example.net"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"
SW_CHARON_EXTRA="rsa_pss = yes" start_charon "$NSB" "$SW"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a-cert.cfg"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass

# 1. keygated initiates as soon as it has its certificate.
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no tunnel with certificates"; }
swanctl_ "$SW" --list-sas | grep -q '_r\*' || { swanctl_ "$SW" --list-sas; fail "keygated is not the initiator"; }
det=$(kg "$NSA" "show crypto ikev2 sa detailed")
grep -q "Auth sign: RSA, Auth verify: RSA" <<<"$det" || { echo "$det"; fail "show crypto ikev2 sa lacks the RSA methods"; }
grep -q "Local id: o=keygate test,cn=site-a.example.net" <<<"$det" || { echo "$det"; fail "local DN identity"; }
grep -q "Remote id: site-b.example.net" <<<"$det" || fail "remote identity"
wait_for "grep -qF '198.51.100.1[O=keygate test, CN=site-a.example.net]' '$SW/charon.log'" 5 || { grep -i "auth\|cert" "$SW/charon.log" | tail; fail "strongSwan did not see keygate's DN"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping keygate->strongSwan"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
# strongSwan signed with RSASSA-PSS (rsa_pss = yes, RFC 7427) and keygated verified it.
grep -q "(myself) with RSA_EMSA_PSS_SHA2_256" "$SW/charon.log" || fail "strongSwan did not sign with RSASSA-PSS"
log "keygated initiated with RSA certificates (strongSwan answered with RSASSA-PSS), traffic both ways"
certs=$(kg "$NSA" "show crypto pki certificates site-a")
grep -q "    Name: site-a.example.net" <<<"$certs" && grep -q "CA Certificate" <<<"$certs" || { echo "$certs"; fail "show crypto pki certificates"; }

# 2. strongSwan initiates and keygated responds.
kg_block_initiation "$NSA"
kg "$NSA" "clear crypto session" >/dev/null
wait_for "! sw_has_sa $SW && ! kg_ready $NSA" 10 || fail "SAs not cleared"
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "kg_ready $NSA && sw_has_sa $SW" 10 || fail "strongSwan's initiation did not complete"
swanctl_ "$SW" --list-sas | grep -q '_i\* ' || { swanctl_ "$SW" --list-sas; fail "strongSwan is not the initiator"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygate responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygate responder)"
log "strongSwan initiated, keygated responded"

# 3. write memory and restart: certificates from the startup-config, the key
# from the sealed file; nothing secret in the texts.
kg "$NSA" "write memory" | grep -q OK || fail "write memory"
cfg=$WORK/kg-$NSA/state/startup-config
grep -q "crypto pki certificate chain site-a" "$cfg" || fail "startup-config lacks the certificate chain"
! grep -q "PRIVATE" "$cfg" "$WORK/keygated-$NSA.log" || fail "a private key is in the startup-config or the log"
! grep -q "PRIVATE" "$WORK/kg-$NSA/state/pki/site-a.key" || fail "the key file is not sealed"
kill "$KG_LAST_PID"; wait "$KG_LAST_PID" 2>/dev/null
kg_unblock_initiation "$NSA"
start_keygated "$NSA" "$cfg"
kg "$NSA" "show crypto pki trustpoints site-a status" | grep -q "matches the certificate" || fail "key not back after restart"
wait_for "kg_ready $NSA" 20 || fail "no tunnel after restart"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping after restart"
log "restart from write memory: tunnel up with the saved certificate and key"
log "PASS"
