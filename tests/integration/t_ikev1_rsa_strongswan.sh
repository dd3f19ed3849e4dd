#!/bin/bash
# IKEv1 Main Mode with RSA signatures (RFC 2409 §5.1) against strongSwan
# 5.9.8 (version = 1, auth = pubkey), through a crypto map:
#  1. keygated initiates (first ping into access-list 101's networks):
#     CERTREQ, CERT and SIG both ways, keygated's identity is its
#     certificate's DN (crypto isakmp identity dn), strongSwan's an FQDN in
#     its certificate; pings both ways.
#  2. strongSwan initiates, keygated answers: pings both ways.
#  3. strongSwan presents a certificate from a CA keygated does not trust:
#     refused with %PKI-3-CERTIFICATE_INVALID and %CRYPTO-5-IKMP_INVAL_CERT.
# tshark: no malformed frame in the capture.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
P=$WORK/pki; mkdir -p "$P" "$P/evil"
pki_ca "$P" ca rsa2048
pki_leaf "$P" site-a rsa2048 ca site-a.example.net 16
pki_leaf "$P" site-b rsa2048 ca site-b.example.net 17
pki_ca "$P/evil" evil rsa2048
pki_leaf "$P/evil" site-b rsa2048 evil site-b.example.net 18
pki_pem_set "$P" site-a "$WORK/site-a" pem-pass ca
KG_DN="O=keygate test, CN=site-a.example.net"
SW=$WORK/swb
sw_ikev1_cert "$SW" site-b.crt "$KG_DN"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"
start_charon "$NSB" "$SW"
kg_ikev1_cert_cfg "$WORK/site-a.cfg"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass
kg "$NSA" "show running-config" | grep -q "^crypto isakmp identity dn" || fail "running-config lacks crypto isakmp identity dn"
# As on IOS, the crypto map's traffic needs a route out (towards the peer).
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2

# 1. keygated initiates on the first matching packet.
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 || { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; fail "no traffic through the crypto map with rsa-sig"; }
swanctl_ "$SW" --list-sas | grep -q 'IKEv1' || fail "strongSwan's SA is not IKEv1"
grep -q "authentication of '$KG_DN' with RSA.* successful" "$SW/charon.log" ||
  { grep -i "auth\|cert" "$SW/charon.log" | tail; fail "strongSwan did not verify keygated's RSA signature and DN"; }
grep -q "received end entity cert \"$KG_DN\"" "$SW/charon.log" || fail "keygated sent no certificate"
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.2    198.51.100.1    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "show crypto isakmp sa"; }
kg "$NSA" "show crypto isakmp sa detail" | grep -q "198.51.100.2 .* ACTIVE aes  sha256 rsig 14" ||
  { kg "$NSA" "show crypto isakmp sa detail"; fail "show crypto isakmp sa detail does not say rsig"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "keygated initiated Main Mode with rsa-sig (identity dn): strongSwan verified it, pings both ways"
kg "$NSA" "clear crypto isakmp" || fail "clear crypto isakmp"
wait_for "sw_no_sa '$SW'" 5 || fail "strongSwan kept its SAs after clear crypto isakmp"

# 2. strongSwan initiates.
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || fail "strongSwan-initiated SA not up"
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygated responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygated responder)"
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.1    198.51.100.2    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "keygated is not the responder"; }
log "strongSwan initiated, keygated verified its certificate and answered: pings both ways"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate"
wait_for "! kg $NSA 'show crypto isakmp sa' | grep -q QM_IDLE" 5 || fail "keygated kept the SA strongSwan deleted"

# 3. A certificate from a CA keygated does not trust.
sw_pki "$SW" "$P/evil/site-b.crt" "$P/evil/site-b.key" "$P/ca.crt"
swanctl_ "$SW" --load-creds --clear --file "$SW/swanctl.conf" >"$SW/creds.out" 2>&1 || { cat "$SW/creds.out"; fail "swanctl --load-creds"; }
sw_initiate "$SW" kg && fail "strongSwan came up with a certificate from an untrusted CA"
KGLOG=$WORK/keygated-$NSA.log
wait_for "grep -q 'IKMP_INVAL_CERT.*Certificate received from 198.51.100.2 failed validation' '$KGLOG'" 5 ||
  { tail -20 "$KGLOG"; fail "no %CRYPTO-5-IKMP_INVAL_CERT for the untrusted certificate"; }
grep -q "PKI-3-CERTIFICATE_INVALID.*cn=site-b.example.net): unable to get local issuer certificate" "$KGLOG" || fail "no %PKI-3-CERTIFICATE_INVALID line"
grep -q "rsa-sig authentication of 198.51.100.2 failed: certificate .* does not validate" "$KGLOG" || fail "no reason in the log"
kg "$NSA" "show crypto isakmp sa" | grep -q QM_IDLE && fail "an SA with the untrusted certificate"
log "certificate from an untrusted CA refused: $(grep -o 'PKI-3-CERTIFICATE_INVALID.*' "$KGLOG" | head -1)"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
mm=$(tshark -r "$WORK/cap.pcapng" -Y 'isakmp.exchangetype == 2' 2>/dev/null | wc -l)
log "tshark: Main Mode frames=$mm"
[ "$mm" -ge 12 ] || fail "tshark: missing Main Mode frames"
grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
log "PASS"
