#!/bin/bash
# Consent Token (seed 003) end to end through the real shell in a terminal:
# keygate-consent makes the authority's key, the administrator generates a
# challenge in the keygate shell, the authority signs it (after a declined
# first attempt, both in the audit log), the response opens shell-access,
# show consent-token says so, and the %CTOKEN-6-AUTH_UPDATE lines are logged.
# Then the rejections a real operator can hit: the same response again, a
# response signed by another key, terminate-auth, and a response presented
# after keygated restarted (the device serial stays).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$(dirname "$0")/lib_tmux.sh"
CONSENT=$KG_BUILD_DIR/src/consent/keygate-consent
[ -x "$CONSENT" ] || fail "no keygate-consent at $CONSENT"

"$CONSENT" keygen --key "$WORK/tac.key" --name tac >"$WORK/keygen.out" || fail "keygen"
[ "$(stat -c %a "$WORK/tac.key")" = 600 ] || fail "the private key file is not mode 600"
"$CONSENT" keygen --key "$WORK/rogue.key" --name tac >/dev/null || fail "keygen (rogue)"
cfg=$WORK/hub.cfg
{ echo "hostname hub"; grep -v '^!' "$WORK/keygen.out"; } >"$cfg"
grep -q '^ public-key ed25519 MCowBQYDK2VwAyEA' "$cfg" || fail "keygen printed no config block: $(cat "$WORK/keygen.out")"
start_keygated "$NSA" "$cfg"
sock=$(kg_sock "$NSA")
klog=$WORK/keygated-$NSA.log
kg "$NSA" "show running-config" | grep -q '^consent-token authority tac$' || fail "authority not in the running-config"
serial=$(kg "$NSA" "show consent-token | json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["serial"])')
[ -n "$serial" ] && [ "$(cat "$WORK/kg-$NSA/state/consent-serial")" = "$serial" ] || fail "device serial not kept in the state directory"
log "authority configured; device serial $serial"

tmux_start "$KEYGATE -S $sock; sleep 60" 200 50
expect_screen '^hub#' "no prompt"
type_ "request consent-token generate-challenge shell-access auth-timeout 900"; keys Enter
expect_screen '^S0dDVA' "no challenge printed"
challenge=$(screen | grep -o '^S0dDVA[A-Za-z0-9+/=]*' | tail -1)
grep -q 'CTOKEN-6-AUTH_UPDATE: Consent Token Update (challenge generation attempt: Shell access 0)\.' "$klog" ||
  fail "no challenge generation log line"
kg "$NSA" "show consent-token" | grep -q '^shell-access  challenge pending' || fail "show consent-token: no pending challenge"

# The authority looks, declines once, then signs.
"$CONSENT" show "$challenge" >"$WORK/show.out" || fail "keygate-consent show"
grep -q "^Device: *hub (serial $serial)" "$WORK/show.out" && grep -q '^Privilege: *shell-access' "$WORK/show.out" &&
  grep -q '^Timeout: *900 minutes' "$WORK/show.out" || fail "keygate-consent show: $(cat "$WORK/show.out")"
echo n | "$CONSENT" sign --key "$WORK/tac.key" --audit "$WORK/audit.log" "$challenge" >"$WORK/declined.out" &&
  fail "signed although declined"
"$CONSENT" sign --key "$WORK/tac.key" --audit "$WORK/audit.log" --yes "$challenge" >"$WORK/sign.out" || fail "sign"
response=$(grep -o '^S0dDUg[A-Za-z0-9+/=]*' "$WORK/sign.out")
[ -n "$response" ] || fail "no response printed: $(cat "$WORK/sign.out")"
grep -q "decision=declined .*serial=$serial privilege=shell-access" "$WORK/audit.log" &&
  grep -q "decision=signed .*granted=900 authority=tac challenge-sha256=" "$WORK/audit.log" || fail "audit log: $(cat "$WORK/audit.log")"
log "keygate-consent showed, declined and signed; both decisions audited"

type_ "request consent-token accept-response shell-access $response"; keys Enter
expect_screen '^% Consent token authorization success' "response not accepted"
grep -q 'Consent Token Update (authentication success: Shell access 0)\.' "$klog" || fail "no success log line"
kg "$NSA" "show consent-token" >"$WORK/ct.txt"
grep -qE '^shell-access  authorized +tac +root +in 14h59m' "$WORK/ct.txt" || fail "show consent-token: $(cat "$WORK/ct.txt")"
grep -qE '^debug-keys +locked' "$WORK/ct.txt" || fail "debug-keys is not locked: $(cat "$WORK/ct.txt")"
log "shell-access authorized through the shell"

clear_screen
type_ "request consent-token accept-response shell-access $response"; keys Enter
expect_screen 'already been used' "a reused response was not refused"
grep -q 'Consent Token Update (authentication failure: Shell access 0)\.' "$klog" || fail "no failure log line"

# Another key signs a fresh challenge: refused, and the challenge is gone.
c2=$(kg "$NSA" "request consent-token generate-challenge shell-access auth-timeout 60")
r2=$("$CONSENT" sign --key "$WORK/rogue.key" --audit "$WORK/audit.log" --yes "$c2" | grep -o '^S0dDUg.*')
out=$(kg "$NSA" "request consent-token accept-response shell-access $r2" 2>&1)
echo "$out" | grep -q 'Bad signature' || fail "rogue signature: $out"
log "reused response and another key's signature refused"

clear_screen
type_ "request consent-token terminate-auth"; keys Enter
expect_screen '^% Consent token authorization termination success' "terminate-auth"
grep -q 'Consent Token Update (terminate authentication: Shell access 0)\.' "$klog" || fail "no terminate log line"
kg "$NSA" "show consent-token" | grep -qE '^shell-access +locked' || fail "still authorized after terminate-auth"
keys C-u; type_ "exit"; keys Enter

# A response presented after a restart grants nothing; the serial stays.
c3=$(kg "$NSA" "request consent-token generate-challenge debug-keys auth-timeout 30")
r3=$("$CONSENT" sign --key "$WORK/tac.key" --audit "$WORK/audit.log" --yes "$c3" | grep -o '^S0dDUg.*')
kill "$KG_LAST_PID"; wait "$KG_LAST_PID" 2>/dev/null
rm -f "$sock"
sleep 1  # the challenge's creation second must be before the new start
start_keygated "$NSA" "$cfg"
out=$(kg "$NSA" "request consent-token accept-response debug-keys $r3" 2>&1)
echo "$out" | grep -q 'before keygated restarted' || fail "response after restart: $out"
[ "$(kg "$NSA" "show consent-token | json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["serial"])')" = "$serial" ] ||
  fail "the device serial changed across a restart"
log "response after a restart refused; device serial kept"
log "PASS"
