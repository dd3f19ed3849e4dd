#!/bin/bash
# Keys on a token through the crypto key commands (seed 000, issue 15): the
# token is a key storage like the state directory.
#  1. A file key (crypto pki import) authenticates a tunnel to strongSwan;
#     crypto key move rsa LABEL non-exportable storage eToken puts it on the
#     token (pkcs11-tool: a private, sensitive, not extractable object), the
#     sealed file goes, and the trustpoint naming the label signs inside the
#     token: a new IKE SA (clear crypto session) authenticates with it.
#  2. show crypto key mypubkey lists the token's keys with "Storage Device:
#     usbtoken0 (label=eToken)" and "Key is not exportable." (seed 000).
#  3. crypto key storage eToken makes the token the default for crypto key
#     generate without a storage keyword (IOS); storage private-config still
#     picks the state directory.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_token.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
token_init eToken 1234567890 5678
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_leaf "$P" site-a rsa2048 ca site-a.example.net 16
pki_leaf "$P" site-b rsa2048 ca site-b.example.net 17
pki_pem_set "$P" site-a "$P/site-a-pem" file-pass ca
SW=$WORK/swb
sw_site_b_cert "$SW" site-b.crt "O=keygate test, CN=site-a.example.net"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"

cfg=$WORK/site-a.cfg
{
  echo "crypto pki token eToken module $P11_DETACH"
  cat "$KG_SOURCE_DIR/examples/site-a-cert.cfg"
} >"$cfg"
start_keygated "$NSA" "$cfg"
klog=$WORK/keygated-$NSA.log
state=$WORK/kg-$NSA/state
wait_for "grep -q 'TOKENINSERTED: Cryptographic token eToken' '$klog'" 5 || fail "token not seen"
kg_import "$NSA" site-a "$P/site-a-pem" file-pass
[ -f "$state/pki/site-a.key" ] || fail "no sealed key file for site-a"
show=$(kg "$NSA" "show crypto key mypubkey rsa site-a")
grep -q "Storage Device: private-config" <<<"$show" || { echo "$show"; fail "the file key's storage"; }

SW_CHARON_EXTRA="rsa_pss = yes" start_charon "$NSB" "$SW"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || { tail -20 "$klog"; fail "no tunnel with the file key"; }
auths() { grep -c "authentication of 'O=keygate test, CN=site-a.example.net' with .* successful" "$SW/charon.log"; }
n0=$(auths)
[ "$n0" -ge 1 ] || fail "strongSwan did not authenticate site-a with the file key"
log "tunnel up, site-a signing with its key from the state directory"

# 1. Move the key onto the token.
out=$(kg "$NSA" "crypto key move rsa site-a non-exportable storage eToken" 2>&1) && fail "move to a token not logged in succeeded"
grep -q "not logged in" <<<"$out" || { echo "$out"; fail "unclear message for a token not logged in"; }
[ -f "$state/pki/site-a.key" ] || fail "a failed move removed the key file"
out=$(kg "$NSA" "crypto key move rsa site-a storage nosuchtoken" 2>&1) && fail "move to an unknown storage succeeded"
grep -q "Storage nosuchtoken not found" <<<"$out" || { echo "$out"; fail "unclear message for an unknown storage"; }
kg "$NSA" "crypto pki token eToken login 1234567890" | grep -q successful || fail "token login"
out=$(kg "$NSA" $'configure terminal\ncrypto key move rsa site-a non-exportable storage eToken\nend' 2>&1)
grep -q "Key pair site-a moved to eToken, not exportable" <<<"$out" || { echo "$out"; fail "crypto key move"; }
[ -f "$state/pki/site-a.key" ] && fail "the key file stayed in the state directory after the move"
objs=$(p11tool --token-label eToken --login --pin 1234567890 --list-objects --type privkey)
grep -q "label:      site-a" <<<"$objs" || { echo "$objs"; fail "pkcs11-tool does not list the moved key"; }
access=$(grep -A12 "label:      site-a" <<<"$objs" | grep "Access:")
grep -q "sensitive" <<<"$access" || { echo "$objs"; fail "the moved key is not sensitive"; }
grep -qE "(:|,) extractable" <<<"$access" && { echo "$objs"; fail "the non-exportable key is extractable"; }
log "moved: pkcs11-tool lists site-a ($access); the key file is gone"

# 2. show crypto key mypubkey: the token's key, in seed 000's layout.
show=$(kg "$NSA" "show crypto key mypubkey rsa")
grep -A1 "^Key name: site-a$" <<<"$show" >/dev/null || { echo "$show"; fail "site-a not listed"; }
grep -qE "^Storage Device: usbtoken[0-9]+ \(label=eToken\)$" <<<"$show" || { echo "$show"; fail "no Storage Device line for the token"; }
grep -q "^Key is not exportable.$" <<<"$show" || { echo "$show"; fail "exportability"; }
grep -q "^Usage: General Purpose Key$" <<<"$show" || { echo "$show"; fail "usage"; }
[ "$(grep -c '^Key name: site-a$' <<<"$show")" = 1 ] || { echo "$show"; fail "site-a listed twice"; }
log "show crypto key mypubkey rsa: site-a on usbtoken (label=eToken), not exportable"

# The trustpoint keeps its key: a new IKE SA is signed inside the token.
st=$(kg "$NSA" "show crypto pki trustpoints site-a status")
grep -q "matches the certificate" <<<"$st" || { echo "$st"; fail "the trustpoint lost its key after the move"; }
kg "$NSA" "clear crypto session" >/dev/null
wait_for "[ \$(auths) -gt $n0 ]" 20 || { tail -20 "$klog"; fail "no new authentication after the move"; }
wait_for "kg_ready $NSA && sw_has_sa $SW" 15 || fail "no tunnel with the moved key"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping through the tunnel signed by the token"
log "clear crypto session: the new IKE SA authenticated with the key on the token"

# 3. crypto key storage eToken: the default for new keys.
out=$(kg "$NSA" $'configure terminal\ncrypto key storage eToken\ncrypto key generate ec keysize 256 label ec-default\nend' 2>&1)
grep -q "Generating 256 bit EC keys, keys will be non-exportable...\[OK\] (on eToken)" <<<"$out" || { echo "$out"; fail "generate with the default storage"; }
p11tool --token-label eToken --login --pin 1234567890 --list-objects --type privkey | grep -q "label:      ec-default" ||
  fail "ec-default is not on the token"
[ -e "$state/pki/ec-default.key" ] && fail "ec-default went to the state directory"
kg "$NSA" "show crypto key mypubkey ec ec-default" | grep -qE "^Storage Device: usbtoken[0-9]+ \(label=eToken\)$" ||
  fail "show does not list ec-default on the token"
out=$(kg "$NSA" $'configure terminal\ncrypto key generate ec keysize 256 label ec-file storage private-config\nend' 2>&1)
grep -q "\[OK\]" <<<"$out" || { echo "$out"; fail "generate with storage private-config"; }
[ -f "$state/pki/ec-file.key" ] || fail "storage private-config did not use the state directory"
kg "$NSA" "show running-config" | grep -q "^crypto key storage eToken$" || fail "crypto key storage not in the running-config"
log "crypto key storage eToken: new keys go to the token unless storage names another"

# No PIN in the log.
grep -q "1234567890" "$klog" && fail "a PIN is in keygated's log"
log "PASS"
