#!/bin/bash
# Aggressive Mode with ECDSA signatures (RFC 4754, method 9: P-256) against
# strongSwan 5.9.8 (version = 1, aggressive = yes, auth = pubkey with an EC
# key), both roles; keygated's ISAKMP policy says `authentication ecdsa-sig`:
#  1. keygated initiates (crypto map CMAP's `set isakmp-profile AM` with
#     `initiate mode aggressive`): CERTREQ in message 1, CERT and SIG (r|s,
#     64 octets) in messages 2 and 3; pings both ways.
#  2. strongSwan initiates Aggressive Mode, keygated answers with its
#     certificate and checks strongSwan's: pings both ways.
# tshark: Aggressive Mode frames with method 9, none malformed, SIG of 64
# octets in the clear message 2, no Main Mode.
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
SW_AGGRESSIVE=yes sw_ikev1_cert "$SW" site-b.crt "$KG_DN"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"
start_charon "$NSB" "$SW"
KG_P1_AUTH=ecdsa-sig kg_ikev1_cert_cfg "$WORK/site-a.cfg" "crypto isakmp profile AM
 match identity host site-b.example.net
 initiate mode aggressive
crypto map CMAP 10 ipsec-isakmp
 set isakmp-profile AM"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass
KGLOG=$WORK/keygated-$NSA.log
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"

# 1. keygated initiates on the first matching packet.
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 ||
  { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; tail -30 "$SW/charon.log"; tail -20 "$KGLOG"; fail "no traffic through the crypto map"; }
grep -q "198.51.100.1.* is initiating a Aggressive Mode IKE_SA" "$SW/charon.log" || fail "strongSwan did not see an Aggressive Mode"
grep -q "authentication of '$KG_DN' with ECDSA.* successful" "$SW/charon.log" ||
  { grep -i "auth\|cert" "$SW/charon.log" | tail; fail "strongSwan did not verify keygated's ECDSA signature and DN"; }
kg "$NSA" "show crypto isakmp sa detail" | grep -q "198.51.100.2 .* ACTIVE aes  sha256 ecsig 14" ||
  { kg "$NSA" "show crypto isakmp sa detail"; fail "show crypto isakmp sa detail does not say ecsig"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "keygated initiated Aggressive Mode with ecdsa-sig: strongSwan verified it, pings both ways"
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
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.1    198.51.100.2    QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "keygated is not the responder"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygated responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygated responder)"
[ "$(grep -c "authentication of '$KG_DN' with ECDSA.* successful" "$SW/charon.log")" -ge 2 ] ||
  fail "strongSwan did not verify keygated's signature as responder"
log "strongSwan initiated Aggressive Mode with ECDSA, keygated verified its certificate and answered: pings both ways"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate"
wait_for "! kg $NSA 'show crypto isakmp sa' | grep -q QM_IDLE" 5 || fail "keygated kept the SA strongSwan deleted"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
[ "$N_AM" -ge 6 ] && [ "$N_QM" -ge 6 ] || fail "tshark: $N_AM Aggressive Mode and $N_QM Quick Mode frames"
[ "$N_MM" -eq 0 ] || fail "tshark: $N_MM Main Mode frames"
m9=$(tshark -r "$WORK/cap.pcapng" -Y 'isakmp.exchangetype == 4 && isakmp.ike.attr.authentication_method == 9' 2>/dev/null | wc -l)
# Message 2 is in the clear: its SIG payload (type 9) holds r|s, 64 octets
# for P-256, plus its 4-octet generic header.
sig=$(tshark -r "$WORK/cap.pcapng" -Y 'isakmp.exchangetype == 4' -T fields -e isakmp.sig 2>/dev/null | awk 'length($1) > 0 { print length($1) / 2 }' | sort -u | tr '\n' ' ')
log "tshark: Aggressive Mode frames with method 9: $m9; SIG lengths: $sig"
[ "$m9" -ge 4 ] || fail "tshark: no method 9 in the Aggressive Mode SA payloads"
[ "$sig" = "64 " ] || fail "tshark: SIG of $sig octets, not 64 (r|s for P-256)"
grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
log "PASS"
