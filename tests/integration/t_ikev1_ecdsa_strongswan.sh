#!/bin/bash
# IKEv1 Main Mode with ECDSA signatures (RFC 4754, method 9: P-256) against
# strongSwan 5.9.8 (version = 1, auth = pubkey with an EC key), through a
# crypto map whose ISAKMP policy says `authentication ecdsa-sig`:
#  1. keygated initiates (first ping into access-list 101's networks): it
#     offers method 9 for its P-256 key; CERTREQ, CERT and SIG (r|s) both
#     ways; strongSwan verifies keygated's signature; pings both ways. The
#     policy's hash is sha (SHA-1): HASH_I/HASH_R still use SHA-256, as
#     method 9 says and strongSwan computes them.
#  2. strongSwan initiates, keygated answers: pings both ways.
# show crypto isakmp policy / sa detail name the method; tshark: no
# malformed frame, method 9 in the SA payloads.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca ec256
pki_leaf "$P" site-a ec256 ca site-a.example.net 16
pki_leaf "$P" site-b ec256 ca site-b.example.net 17
pki_pem_set "$P" site-a "$WORK/site-a" pem-pass ca
KG_DN="O=keygate test, CN=site-a.example.net"
SW=$WORK/swb
SW_PROPOSALS=aes256-sha1-modp2048 sw_ikev1_cert "$SW" site-b.crt "$KG_DN"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"
start_charon "$NSB" "$SW"
KG_P1_AUTH=ecdsa-sig KG_P1_HASH=sha kg_ikev1_cert_cfg "$WORK/site-a.cfg"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass
KGLOG=$WORK/keygated-$NSA.log
kg "$NSA" "show running-config" | grep -q "^ authentication ecdsa-sig$" ||
  { kg "$NSA" "show running-config"; fail "running-config lacks authentication ecdsa-sig"; }
kg "$NSA" "show crypto isakmp policy" | grep -q "authentication method:  ECDSA Signature" ||
  { kg "$NSA" "show crypto isakmp policy"; fail "show crypto isakmp policy does not say ECDSA Signature"; }
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2

# 1. keygated initiates on the first matching packet.
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 ||
  { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; tail -30 "$SW/charon.log"; tail -20 "$KGLOG"; fail "no traffic through the crypto map with ecdsa-sig"; }
swanctl_ "$SW" --list-sas | grep -q 'IKEv1' || fail "strongSwan's SA is not IKEv1"
grep -q "authentication of '$KG_DN' with ECDSA.* successful" "$SW/charon.log" ||
  { grep -i "auth\|cert" "$SW/charon.log" | tail; fail "strongSwan did not verify keygated's ECDSA signature and DN"; }
grep -q "received end entity cert \"$KG_DN\"" "$SW/charon.log" || fail "keygated sent no certificate"
grep -q "authentication of 'site-b.example.net' (myself) successful" "$SW/charon.log" || fail "strongSwan did not sign"
kg "$NSA" "show crypto isakmp sa detail" | grep -q "198.51.100.2 .* ACTIVE aes  sha    ecsig 14" ||
  { kg "$NSA" "show crypto isakmp sa detail"; fail "show crypto isakmp sa detail does not say ecsig"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "keygated initiated Main Mode with ecdsa-sig (P-256): strongSwan verified it, pings both ways"
kg "$NSA" "clear crypto isakmp" || fail "clear crypto isakmp"
wait_for "sw_no_sa '$SW'" 5 || fail "strongSwan kept its SAs after clear crypto isakmp"

# 2. strongSwan initiates.
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; tail -20 "$KGLOG"; fail "strongSwan initiate"; }
wait_for "swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || fail "strongSwan-initiated SA not up"
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygated responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygated responder)"
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.1    198.51.100.2    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "keygated is not the responder"; }
kg "$NSA" "show crypto isakmp sa detail" | grep -q "198.51.100.2 .* ACTIVE aes  sha    ecsig 14" ||
  { kg "$NSA" "show crypto isakmp sa detail"; fail "keygated's responder SA does not say ecsig"; }
[ "$(grep -c "authentication of '$KG_DN' with ECDSA.* successful" "$SW/charon.log")" -ge 2 ] ||
  fail "strongSwan did not verify keygated's signature as responder"
log "strongSwan initiated Main Mode with ECDSA, keygated verified its certificate and answered: pings both ways"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate"
wait_for "! kg $NSA 'show crypto isakmp sa' | grep -q QM_IDLE" 5 || fail "keygated kept the SA strongSwan deleted"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
[ "$N_MM" -ge 12 ] && [ "$N_QM" -ge 6 ] || fail "tshark: $N_MM Main Mode and $N_QM Quick Mode frames"
m9=$(tshark -r "$WORK/cap.pcapng" -Y 'isakmp.exchangetype == 2 && isakmp.ike.attr.authentication_method == 9' 2>/dev/null | wc -l)
log "tshark: Main Mode frames with authentication method 9 (ECDSA P-256 SHA-256): $m9"
[ "$m9" -ge 4 ] || fail "tshark: no method 9 in the Main Mode SA payloads"
grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
log "PASS"
