#!/bin/bash
# A passphrase-protected key (crypto key encrypt) after a restart is LOCKED:
# the certificate tunnel to strongSwan does not come up and the log says the
# key pair is locked; crypto key unlock with the passphrase brings it up.
# The key is also exported and re-imported under another label (it came
# from crypto pki import, so it is not exportable: the export is refused).
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
start_charon "$NSB" "$SW"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a-cert.cfg"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "no tunnel with certificates"
log "tunnel up with the imported key"

out=$(kg "$NSA" "crypto key export rsa site-a pem terminal aes x-pass" 2>&1)
grep -q "% RSA keypair site-a is not exportable." <<<"$out" || { echo "$out"; fail "export of an imported key not refused"; }
out=$(kg "$NSA" "crypto key encrypt rsa label site-a passphrase lock-pass-7" 2>&1)
grep -q "now protected" <<<"$out" || { echo "$out"; fail "crypto key encrypt"; }
out=$(kg "$NSA" "write memory" 2>&1)
grep -q OK <<<"$out" || { echo "$out"; fail "write memory"; }

# Restart: the key is locked, so the tunnel cannot come up, and the log says why.
kill "$KG_LAST_PID"; wait "$KG_LAST_PID" 2>/dev/null
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1
start_keygated "$NSA" "$WORK/kg-$NSA/state/startup-config"
out=$(kg "$NSA" "show crypto key mypubkey rsa site-a" 2>&1)
grep -q "protected and LOCKED" <<<"$out" || { echo "$out"; fail "not LOCKED after restart"; }
wait_for "grep -q 'RSA key pair site-a is locked' '$WORK/keygated-$NSA.log'" 30 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "the log does not say the key is locked"; }
kg_ready "$NSA" && fail "a tunnel came up with a locked key"
log "locked key: no tunnel, the log says so"

out=$(kg "$NSA" "crypto key unlock rsa name site-a passphrase wrong-pass" 2>&1)
grep -q "Wrong passphrase" <<<"$out" || { echo "$out"; fail "wrong passphrase not refused"; }
out=$(kg "$NSA" "crypto key unlock rsa name site-a passphrase lock-pass-7" 2>&1)
grep -q "is unlocked" <<<"$out" || { echo "$out"; fail "unlock"; }
wait_for "kg_ready $NSA && sw_has_sa $SW" 60 || { kg "$NSA" "show crypto ikev2 sa"; fail "no tunnel after unlock"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping after unlock"
log "unlocked: tunnel up"
for f in $(find "$WORK/kg-$NSA/state" -type f) "$WORK/keygated-$NSA.log"; do
  grep -q 'PRIVATE KEY' "$f" && fail "a clear private key in $f"
  grep -q 'lock-pass-7' "$f" && fail "the passphrase in $f"
done
log "PASS"
