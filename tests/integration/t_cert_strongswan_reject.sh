#!/bin/bash
# Certificates keygated must refuse: strongSwan (initiating) presents a
# certificate from another CA, then an expired one. keygated answers
# AUTHENTICATION_FAILED and says why in its log, in IOS's words plus
# OpenSSL's reason.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca ec256
pki_ca "$P" other-ca ec256
pki_leaf "$P" site-a ec256 ca site-a.example.net 48
pki_leaf "$P" foreign ec256 other-ca site-b.example.net 49
pki_leaf "$P" expired ec256 ca site-b.example.net 50 -1
pki_pem_set "$P" site-a "$WORK/site-a" p ca
sed -e 's/rsa-sig/ecdsa-sig/' -e 's/identity local dn/identity local fqdn site-a.example.net/' \
  "$KG_SOURCE_DIR/examples/site-a-cert.cfg" >"$WORK/site-a.cfg"
SW=$WORK/swb
sw_site_b_cert "$SW" foreign.crt site-a.example.net
sw_pki "$SW" "$P/foreign.crt" "$P/foreign.key" "$P/ca.crt"
start_charon "$NSB" "$SW"
kg_block_initiation "$NSA"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg_import "$NSA" site-a "$WORK/site-a" p
KL=$WORK/keygated-$NSA.log

# 1. A certificate from a CA keygated does not trust.
sw_initiate "$SW" kg
wait_for "grep -q 'AUTHENTICATION_FAILED from 198.51.100.2' '$KL'" 10 || { tail -20 "$KL"; fail "keygated did not refuse the foreign certificate"; }
grep -q "%PKI-3-CERTIFICATE_INVALID: Certificate chain validation has failed.  The certificate (SN: 31, o=keygate test,cn=site-b.example.net): unable to get local issuer certificate" "$KL" ||
  { tail -20 "$KL"; fail "no %PKI-3-CERTIFICATE_INVALID with the reason"; }
grep -q "failed validation against trustpoint site-a: unable to get local issuer certificate" "$KL" || fail "no IKEv2 failure line"
grep -q "received AUTHENTICATION_FAILED" "$SW/charon.log" || { tail -20 "$SW/charon.log"; fail "strongSwan was not told AUTHENTICATION_FAILED"; }
! kg_ready "$NSA" || fail "keygated has an SA with the foreign certificate"
log "certificate from another CA refused: $(grep -o 'unable to get local issuer certificate' "$KL" | head -1)"

# 2. An expired certificate from the right CA.
sw_site_b_cert "$SW" expired.crt site-a.example.net
sw_pki "$SW" "$P/expired.crt" "$P/expired.key" "$P/ca.crt"
swanctl_ "$SW" --load-all --clear --file "$SW/swanctl.conf" >"$SW/reload.out" 2>&1 || { cat "$SW/reload.out"; fail "swanctl reload"; }
sw_initiate "$SW" kg
wait_for "grep -q 'CERTIFICATE_INVALID_EXPIRED' '$KL'" 10 || { tail -20 "$KL"; tail -20 "$SW/charon.log"; fail "keygated did not refuse the expired certificate"; }
grep -q "%PKI-3-CERTIFICATE_INVALID_EXPIRED: Certificate chain validation has failed.  The certificate (SN: 32, o=keygate test,cn=site-b.example.net) has expired.    Validity period ended on " "$KL" ||
  { grep PKI "$KL"; fail "IOS expiry message"; }
grep -q "failed validation against trustpoint site-a: certificate has expired" "$KL" || fail "no 'certificate has expired' reason"
! kg_ready "$NSA" || fail "keygated has an SA with the expired certificate"
log "expired certificate refused"
log "PASS"
