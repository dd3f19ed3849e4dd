#!/bin/bash
# Aggressive Mode with RSA signatures (RFC 2409 §5.1) against strongSwan
# 5.9.8 (version = 1, aggressive = yes, auth = pubkey), both roles:
#  1. keygated initiates: crypto map CMAP's `set isakmp-profile AM`, whose
#     profile says `initiate mode aggressive`; its identity is its
#     certificate's DN (crypto isakmp identity dn), CERTREQ in message 1,
#     CERT and SIG in messages 2 and 3; pings both ways.
#  2. strongSwan initiates Aggressive Mode, keygated answers with its
#     certificate and checks strongSwan's: pings both ways.
#  3. strongSwan presents a certificate from a CA keygated does not trust:
#     refused with %CRYPTO-5-IKMP_INVAL_CERT.
# tshark: Aggressive Mode frames, none malformed, no Main Mode.
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
SW_AGGRESSIVE=yes sw_ikev1_cert "$SW" site-b.crt "$KG_DN"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"
start_charon "$NSB" "$SW"
kg_ikev1_cert_cfg "$WORK/site-a.cfg" "crypto isakmp profile AM
 match identity host site-b.example.net
 initiate mode aggressive
crypto map CMAP 10 ipsec-isakmp
 set isakmp-profile AM"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass
KGLOG=$WORK/keygated-$NSA.log
kg "$NSA" "show running-config" >"$WORK/rc.txt"
grep -q "^   initiate mode aggressive$" "$WORK/rc.txt" && grep -q "^ set isakmp-profile AM$" "$WORK/rc.txt" ||
  { cat "$WORK/rc.txt"; fail "running-config lacks initiate mode aggressive / set isakmp-profile AM"; }

# As on IOS, the crypto map's traffic needs a route out (towards the peer).
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
# 1. keygated initiates on the first matching packet.
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 ||
  { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; tail -30 "$SW/charon.log"; fail "no traffic through the crypto map"; }
grep -q "198.51.100.1.* is initiating a Aggressive Mode IKE_SA" "$SW/charon.log" || fail "strongSwan did not see an Aggressive Mode"
grep -q "authentication of '$KG_DN' with RSA.* successful" "$SW/charon.log" ||
  { grep -i "auth\|cert" "$SW/charon.log" | tail; fail "strongSwan did not verify keygated's RSA signature and DN"; }
grep -q "received end entity cert \"$KG_DN\"" "$SW/charon.log" || fail "keygated sent no certificate"
kg "$NSA" "show crypto isakmp sa detail" | grep -q "198.51.100.2 .* ACTIVE aes  sha256 rsig 14" ||
  { kg "$NSA" "show crypto isakmp sa detail"; fail "show crypto isakmp sa detail does not say rsig"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "keygated initiated Aggressive Mode with rsa-sig (identity dn): strongSwan verified it, pings both ways"
kg "$NSA" "clear crypto isakmp" || fail "clear crypto isakmp"
wait_for "sw_no_sa '$SW'" 5 || fail "strongSwan kept its SAs after clear crypto isakmp"

# 2. strongSwan initiates Aggressive Mode. keygated's own offers (ISAKMP
# responder cookie 0 to UDP 500) are dropped so that strongSwan's wins.
ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet kgtest {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,128,64 0 drop
  }
}
EON
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; tail -20 "$KGLOG"; fail "strongSwan initiate"; }
wait_for "swanctl_ '$SW' --list-sas | grep -q INSTALLED" 20 || fail "strongSwan-initiated SA not up"
grep -q "initiating Aggressive Mode IKE_SA kg" "$SW/charon.log" || fail "strongSwan did not initiate Aggressive Mode"
grep -q "authentication of 'site-b.example.net' (myself) successful" "$SW/charon.log" || fail "strongSwan did not sign"
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.1    198.51.100.2    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "keygated is not the responder"; }
kg "$NSA" "show crypto isakmp sa detail" | grep -q "198.51.100.2 .* ACTIVE aes  sha256 rsig 14" ||
  { kg "$NSA" "show crypto isakmp sa detail"; fail "keygated's responder SA does not say rsig"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygated responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygated responder)"
log "strongSwan initiated Aggressive Mode with rsa-sig, keygated verified its certificate and answered: pings both ways"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate"
wait_for "! kg $NSA 'show crypto isakmp sa' | grep -q QM_IDLE" 5 || fail "keygated kept the SA strongSwan deleted"

# 3. A certificate from a CA keygated does not trust.
sw_pki "$SW" "$P/evil/site-b.crt" "$P/evil/site-b.key" "$P/ca.crt"
swanctl_ "$SW" --load-creds --clear --file "$SW/swanctl.conf" >"$SW/creds.out" 2>&1 || { cat "$SW/creds.out"; fail "swanctl --load-creds"; }
sw_initiate "$SW" kg && fail "strongSwan came up with a certificate from an untrusted CA"
wait_for "grep -q 'IKMP_INVAL_CERT.*Certificate received from 198.51.100.2 failed validation' '$KGLOG'" 5 ||
  { tail -20 "$KGLOG"; fail "no %CRYPTO-5-IKMP_INVAL_CERT for the untrusted certificate"; }
kg "$NSA" "show crypto isakmp sa" | grep -q QM_IDLE && fail "an SA with the untrusted certificate"
log "Aggressive Mode with a certificate from an untrusted CA refused"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
[ "$N_AM" -ge 9 ] && [ "$N_QM" -ge 6 ] || fail "tshark: $N_AM Aggressive Mode and $N_QM Quick Mode frames"
[ "$N_MM" -eq 0 ] || fail "tshark: $N_MM Main Mode frames"
grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
log "PASS"
