#!/bin/bash
# Hardware token (seed 000's eToken, here SoftHSM2 behind tools/p11-detach):
# the site's RSA key is generated inside the token (pkcs11-tool lists it
# private, sensitive, never extractable) and a tunnel to strongSwan
# authenticates with it. Pulling the token out deactivates the keys after the
# removal timeout: the SAs are deleted (strongSwan logs the DELETE) within
# timeout + 1 s and no new one is made. Reinsertion plus login brings the
# tunnel back; with user-pin it comes back alone; removal timeout 0 acts at
# once.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_token.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
token_init eToken 1234567890 5678
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_leaf "$P" site-b rsa2048 ca site-b.example.net 17
SW=$WORK/swb
sw_site_b_cert "$SW" site-b.crt "O=keygate test, CN=site-a.example.net"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"

cfg=$WORK/site-a.cfg
{
  echo "crypto pki token eToken module $P11_DETACH"
  echo "crypto pki token eToken removal timeout 1"
  sed 's/^ revocation-check none$/ revocation-check none\n rsakeypair etoken-keys 2048/' "$KG_SOURCE_DIR/examples/site-a-cert.cfg"
} >"$cfg"
start_keygated "$NSA" "$cfg"
klog=$WORK/keygated-$NSA.log
wait_for "grep -q '%CRYPTO-6-TOKENINSERTED: Cryptographic token eToken inserted in usbtoken' '$klog'" 5 ||
  fail "no TOKENINSERTED line at start"

# 1. Log in and generate the key inside the token.
out=$(kg "$NSA" "crypto pki token eToken login 1234567890") || { echo "$out"; fail "token login"; }
grep -qE '^Token login to usbtoken[0-9]+\(eToken\) successful' <<<"$out" || { echo "$out"; fail "login message"; }
out=$(kg "$NSA" $'configure terminal\ncrypto key generate rsa general-keys label etoken-keys modulus 2048 storage eToken\nend')
grep -q "Generating 2048 bit RSA keys, keys will be non-exportable...\[OK\]" <<<"$out" || { echo "$out"; fail "key generation"; }
objs=$(p11tool --token-label eToken --login --pin 1234567890 --list-objects --type privkey)
grep -q "label:      etoken-keys" <<<"$objs" || { echo "$objs"; fail "pkcs11-tool does not list the key"; }
grep -q "Access:.*sensitive.*never extractable" <<<"$objs" || { echo "$objs"; fail "the key is not sensitive/never extractable"; }
grep -q "Private Key Object" <<<"$objs" || fail "not a private key object"
log "key generated inside the token: private, sensitive, never extractable (pkcs11-tool)"

# 2. A certificate for the token's public key (the private key never leaves).
token_key_cert "$NSA" eToken etoken-keys "$P" ca site-a.example.net 16 site-a
st=$(kg "$NSA" "show crypto pki trustpoints site-a status")
grep -q "matches the certificate" <<<"$st" || { echo "$st"; fail "the token key does not serve the trustpoint"; }

SW_CHARON_EXTRA="rsa_pss = yes" start_charon "$NSB" "$SW"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || { kg "$NSA" "show crypto ikev2 sa"; tail -20 "$klog"; fail "no tunnel with the token key"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping through the tunnel"
grep -qF '198.51.100.1[O=keygate test, CN=site-a.example.net]' "$SW/charon.log" || fail "strongSwan did not authenticate site-a"
show=$(kg "$NSA" "show crypto pki token eToken")
grep -q "Keys: active" <<<"$show" && grep -q "etoken-keys (RSA 2048)" <<<"$show" || { echo "$show"; fail "show crypto pki token"; }
log "tunnel to strongSwan authenticated with the key on the token"

# 3. Pull the token mid-traffic: keys deactivated after 1 s, SAs deleted.
ip netns exec "$NSA" ping -q -i 0.2 -I 192.0.2.1 192.0.2.129 >/dev/null 2>&1 &
LIB_PIDS+=($!)
n=$(grep -c 'received DELETE for IKE_SA' "$SW/charon.log")
pull_at=$(date +%s.%N)
token_pull eToken
wait_for "[ \$(grep -c 'received DELETE for IKE_SA' '$SW/charon.log') -gt $n ]" 4 || { tail -20 "$klog"; fail "strongSwan got no DELETE"; }
gone_at=$(date +%s.%N)
took=$(echo "$gone_at - $pull_at" | bc)
log "SAs deleted $took s after the pull (removal timeout 1 s)"
(( $(echo "$took <= 2.0" | bc) )) || fail "the SAs went $took s after the pull, more than timeout + 1 s"
for l in '%USB_TOKEN_FILESYS-6-USB_TOKEN_REMOVED: USB Token device removed: usbtoken' \
         '%CRYPTO-6-TOKENREMOVED: Cryptographic token eToken removed from usbtoken' \
         '%CRYPTO-4-TOKENKEYTIMEOUT: RSA keypairs for token eToken and associated IPSEC sessions will be deactivated in 1 seconds' \
         '%CRYPTO-4-TOKENKEYSDEACTIVATED: RSA keypairs from token eToken and associated IPSEC sessions being deactivated now'; do
  grep -qF "$l" "$klog" || fail "no log line: $l"
done
sleep 3
sw_has_sa "$SW" && fail "a new SA came up without the token"
kg_ready "$NSA" && fail "keygated has an SA without the token"
log "token pulled: keys deactivated, SAs deleted, no new SA"

# 4. Reinsert: nothing until the PIN; then the tunnel is back.
token_insert eToken
wait_for "[ \$(grep -c 'TOKENINSERTED' '$klog') -ge 2 ]" 3 || fail "reinsertion not seen"
sleep 1
sw_has_sa "$SW" && fail "a tunnel came up before the login"
kg "$NSA" "crypto pki token eToken login 1234567890" | grep -q "successful" || fail "login after reinsertion"
wait_for "kg_ready $NSA && sw_has_sa $SW" 15 || fail "no tunnel after reinsertion and login"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping after reinsertion"
log "reinserted and logged in: tunnel back without a restart"

# 5. user-pin: reinsertion alone brings it back; removal timeout 0 acts at once.
kg "$NSA" $'configure terminal\ncrypto pki token eToken user-pin 1234567890\ncrypto pki token eToken removal timeout 0\nend' >/dev/null ||
  fail "configuring user-pin"
kg "$NSA" "show running-config" | grep -q "1234567890" && fail "the user PIN is in show running-config"
n=$(grep -c 'received DELETE for IKE_SA' "$SW/charon.log")
pull_at=$(date +%s.%N)
token_pull eToken
wait_for "[ \$(grep -c 'received DELETE for IKE_SA' '$SW/charon.log') -gt $n ]" 3 || fail "no DELETE with removal timeout 0"
took=$(echo "$(date +%s.%N) - $pull_at" | bc)
(( $(echo "$took <= 1.0" | bc) )) || fail "removal timeout 0 took $took s"
grep -qF 'will be deactivated in 0 seconds' "$klog" || fail "no TOKENKEYTIMEOUT for 0 seconds"
log "removal timeout 0: SAs deleted $took s after the pull"
token_insert eToken
wait_for "kg_ready $NSA && sw_has_sa $SW" 15 || fail "user-pin did not bring the tunnel back"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping after auto-login"
grep -q "1234567890" "$klog" && fail "a PIN is in keygated's log"
log "user-pin: reinsertion alone brought the tunnel back"
log "PASS"
