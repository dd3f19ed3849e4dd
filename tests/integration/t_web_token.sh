#!/bin/bash
# Seed 000's Cisco Virtual Office flow in a browser (issue 18): site-a's key is
# on a token (SoftHSM2 behind tools/p11-detach); after the token was pulled
# and put back the tunnel to strongSwan stays down until a level-1 user opens
# the router's page, types the PIN (a wrong one first: refused, attempts left
# shown) and sees the tunnel come up; then the user changes the PIN, and the
# new PIN is the one the token takes. The token has seed 002's pin-policy:
# the page shows it and refuses a weak PIN; the new PIN holds spaces, '|' and
# '?'. No PIN reaches keygated's log.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_token.sh"
lib_init
NODE_MODULES=${KG_NODE_MODULES:-/opt/keygate-test-node/node_modules}
[ -d "$NODE_MODULES/playwright-core" ] || fail "playwright-core is not in $NODE_MODULES (make setup installs it)"
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
  echo "crypto pki token eToken removal timeout 0"
  echo "crypto pki token eToken pin-policy etoken"
  sed 's/^ revocation-check none$/ revocation-check none\n rsakeypair etoken-keys 2048/' "$KG_SOURCE_DIR/examples/site-a-cert.cfg"
  cat <<'EOC'
username alice privilege 1 secret 0 Alice-Pass-1
privilege exec level 1 show crypto session
privilege exec level 1 show crypto pki token
privilege exec level 1 crypto pki token eToken login
privilege exec level 1 crypto pki token eToken change-pin
ip http authentication local
ip http secure-server
ip http secure-port 8443
EOC
} >"$cfg"
start_keygated "$NSA" "$cfg"
kgd=$KG_LAST_PID
chmod 755 "$WORK" "$WORK/kg-$NSA"   # keygate-web runs as nobody and connects to the socket
chmod -R a+rX "$WORK/softhsm" "$WORK/p11ctl"
klog=$WORK/keygated-$NSA.log
kg "$NSA" "crypto pki token eToken login 1234567890" | grep -q successful || fail "token login"
kg "$NSA" $'configure terminal\ncrypto key generate rsa general-keys label etoken-keys modulus 2048 storage eToken\nend' |
  grep -q '\[OK\]' || fail "key generation on the token"
token_key_cert "$NSA" eToken etoken-keys "$P" ca site-a.example.net 16 site-a
SW_CHARON_EXTRA="rsa_pss = yes" start_charon "$NSB" "$SW"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "no tunnel with the token key"
log "tunnel up with the key on the token"

# The remote worker's morning: the token was pulled and put back (or the
# router restarted): keys deactivated, the tunnel down until the PIN.
token_pull eToken
wait_for "! kg_ready $NSA" 5 || fail "the tunnel stayed up without the token"
token_insert eToken
wait_for "[ \$(grep -c 'TOKENINSERTED' '$klog') -ge 2 ]" 5 || fail "reinsertion not seen"
sleep 1
kg_ready "$NSA" && fail "the tunnel came up before the PIN"
wait_for "ip netns exec $NSA ss -ltn | grep -q ':8443 '" 20 || fail "keygate-web is not listening"
log "token reinserted; tunnel down until the PIN"

NEW_PIN='New pin|7 ok?'
# TMPDIR: Chromium's own files (org.chromium.Chromium.*) go with $WORK even
# when the browser dies with the test.
wait_for "no_tentative $NSB" 10 || fail "IPv6 DAD still running in $NSB"
ip netns exec "$NSB" env TMPDIR="$WORK" NODE_PATH="$NODE_MODULES" timeout 150 node "$KG_SOURCE_DIR/tests/integration/web/web_token.js" \
  https://198.51.100.1:8443 alice Alice-Pass-1 eToken 1234567890 "$NEW_PIN" "$KG_BUILD_DIR/test-output/web" ||
  fail "the browser flow failed"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no traffic through the tunnel the page brought up"
grep -qE '1234567890|New pin|000000|abcdefgh|Alice-Pass-1' "$klog" && fail "a PIN or password in keygated's log"
# The token takes the new PIN (and no longer the old one).
p11tool --token-label eToken --login --pin "$NEW_PIN" --list-objects --type privkey | grep -q etoken-keys ||
  fail "the token does not take the new PIN"
p11tool --token-label eToken --login --pin 1234567890 --list-objects --type privkey | grep -q etoken-keys &&
  fail "the token still takes the old PIN"
# keygate-web goes with keygated, even when keygated is killed outright.
web=$(ps -o pid=,comm= --ppid "$kgd" | awk '$2 == "keygate-web" {print $1; exit}')
[ -n "$web" ] || fail "no keygate-web child of keygated"
kill -9 "$kgd"
wait_for "! kill -0 $web 2>/dev/null || grep -q '^State:.*Z' /proc/$web/status" 5 || fail "keygate-web $web outlived keygated"
log "keygate-web ended with a SIGKILLed keygated"
log "PASS"
