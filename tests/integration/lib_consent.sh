# Consent Token helpers: the authority's tool and a whole authorization.
#   CONSENT                          keygate-consent (the test fails without it)
#   consent_keygen KEYFILE           a key pair for authority `tac`; prints its config block
#   consent_authorize NS PRIV MIN    generate-challenge, sign with $WORK/tac.key, accept
CONSENT=$KG_BUILD_DIR/src/consent/keygate-consent
[ -x "$CONSENT" ] || fail "no keygate-consent at $CONSENT"
consent_keygen() {
  "$CONSENT" keygen --key "$1" --name tac >"$1.out" || fail "keygate-consent keygen"
  grep -v '^!' "$1.out"
}
consent_authorize() {
  local c r
  c=$(kg "$1" "request consent-token generate-challenge $2 auth-timeout $3") || fail "generate-challenge $2"
  r=$("$CONSENT" sign --key "$WORK/tac.key" --audit "$WORK/audit.log" --yes "$c" | grep -o '^S0dDUg.*')
  [ -n "$r" ] || fail "keygate-consent printed no response"
  kg "$1" "request consent-token accept-response $2 $r" | grep -q '^% Consent token authorization success' ||
    fail "$2 response not accepted"
}
