#!/bin/bash
# Two keygated with certificates (examples/site-a-cert.cfg and site-b-cert.cfg:
# DN identity and a certificate map on one side, FQDN on the other), each
# importing its PEM files; the tunnel comes up by itself, traffic passes.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
lib_init
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_leaf "$P" site-a rsa2048 ca site-a.example.net 64
pki_leaf "$P" site-b rsa2048 ca site-b.example.net 65
pki_pem_set "$P" site-a "$WORK/site-a" a-pass ca
pki_pem_set "$P" site-b "$WORK/site-b" b-pass ca
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a-cert.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b-cert.cfg"
kg_import "$NSA" site-a "$WORK/site-a" a-pass
kg_import "$NSB" site-b "$WORK/site-b" b-pass
wait_for "kg_ready $NSA && kg_ready $NSB" 25 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA"; }
for n in "$NSA" "$NSB"; do
  kg "$n" "show crypto ikev2 sa" | grep -q "Auth sign: RSA, Auth verify: RSA" || { kg "$n" "show crypto ikev2 sa"; fail "$n: methods"; }
done
kg "$NSB" "show crypto ikev2 sa detailed" | grep -q "Remote id: o=keygate test,cn=site-a.example.net" || fail "site-b sees site-a's DN"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 2M || fail "TCP A->B"
log "PASS"
