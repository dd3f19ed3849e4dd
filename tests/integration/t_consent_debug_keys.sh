#!/bin/bash
# Consent-token debug-keys: a keygated <-> strongSwan tunnel is captured;
# without authorization `show crypto ikev2 sa detailed keys` and `crypto
# export wireshark-keys` are refused (root, level 15) and tshark decrypts
# nothing. With a debug-keys authorization signed by keygate-consent, the
# exported ikev2_decryption_table and esp_sa (mode 600) let tshark decrypt
# the IKE_AUTH exchange and the ICMP inside ESP. After terminate-auth the
# export is refused again.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$(dirname "$0")/lib_consent.sh"
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
cfg=$WORK/site-a.cfg
{ cat "$KG_SOURCE_DIR/examples/site-a.cfg"; consent_keygen "$WORK/tac.key"; } >"$cfg"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_charon "$NSB" "$SW"
start_keygated "$NSA" "$cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping keygate->strongSwan"
capture_stop

mkdir -p "$WORK/xdg/wireshark"
out=$(kg "$NSA" "show crypto ikev2 sa detailed keys" 2>&1)
echo "$out" | grep -q 'only with a consent-token debug-keys authorization' || fail "keys shown without authorization: $out"
out=$(kg "$NSA" "crypto export wireshark-keys file:$WORK/xdg/wireshark" 2>&1)
echo "$out" | grep -q 'only with a consent-token debug-keys authorization' || fail "export without authorization: $out"
[ -e "$WORK/xdg/wireshark/esp_sa" ] && fail "a key file was written without authorization"
kg "$NSA" "show crypto ikev2 sa detailed" >/dev/null || fail "show crypto ikev2 sa detailed broke"

decrypted() {  # prints "AUTH-frames ICMP-frames" tshark decrypts with the exported tables
  local a i
  a=$(XDG_CONFIG_HOME=$WORK/xdg tshark -r "$WORK/cap.pcapng" -o esp.enable_encryption_decode:TRUE \
        -Y 'isakmp.auth.method' 2>/dev/null | wc -l)
  i=$(XDG_CONFIG_HOME=$WORK/xdg tshark -r "$WORK/cap.pcapng" -o esp.enable_encryption_decode:TRUE \
        -Y 'esp && icmp' 2>/dev/null | wc -l)
  echo "$a $i"
}
read -r a i <<<"$(decrypted)"
[ "$a" = 0 ] && [ "$i" = 0 ] || fail "tshark decrypted without keys ($a AUTH, $i ICMP)"
log "refused without authorization; tshark sees nothing inside"

consent_authorize "$NSA" debug-keys 30
kg "$NSA" "show crypto ikev2 sa detailed keys" >"$WORK/keys.txt" || fail "show ... keys: $(cat "$WORK/keys.txt")"
grep -q 'SK_ei [0-9a-f]\{72\}' "$WORK/keys.txt" || fail "no SK_ei (AES-256-GCM: 36 bytes) in $(cat "$WORK/keys.txt")"
grep -q 'inbound  spi 0x' "$WORK/keys.txt" || fail "no ESP keys in $(cat "$WORK/keys.txt")"
kg "$NSA" "crypto export wireshark-keys file:$WORK/xdg/wireshark" || fail "export"
for f in ikev2_decryption_table esp_sa; do
  [ "$(stat -c %a "$WORK/xdg/wireshark/$f")" = 600 ] || fail "$f is not mode 600"
done
grep -q ',"AES-GCM-256 with 16 octet ICV \[RFC5282\]",,,"NONE \[RFC4306\]"' "$WORK/xdg/wireshark/ikev2_decryption_table" ||
  fail "ikev2_decryption_table: $(cat "$WORK/xdg/wireshark/ikev2_decryption_table")"
[ "$(grep -c '^"IPv4"' "$WORK/xdg/wireshark/esp_sa")" = 2 ] || fail "esp_sa: $(cat "$WORK/xdg/wireshark/esp_sa")"
read -r a i <<<"$(decrypted)"
log "tshark with the exported keys: $a IKE frames with AUTH decrypted, $i ICMP frames inside ESP"
[ "$a" -ge 2 ] || fail "tshark did not decrypt IKE_AUTH"
[ "$i" -ge 10 ] || fail "tshark did not decrypt the ESP traffic"
grep -q 'CTOKEN-5-KEYS_EXPORTED' "$WORK/keygated-$NSA.log" || fail "no KEYS_EXPORTED log line"

kg "$NSA" "request consent-token terminate-auth" >/dev/null
out=$(kg "$NSA" "crypto export wireshark-keys file:$WORK" 2>&1)
echo "$out" | grep -q 'only with a consent-token debug-keys authorization' || fail "export after terminate-auth: $out"
log "PASS"
