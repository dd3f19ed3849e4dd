#!/bin/bash
# Fifteen wrong admin (SO) PINs make a token unusable (seed 002 §5), which
# keygate enforces itself (SoftHSM never blocks a PIN): each wrong admin PIN
# is counted with the attempts left, a correct one resets the counter, and at
# fifteen neither the admin PIN nor the user PIN opens the token any more,
# also after a daemon restart (the counters are in the state directory).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_token.sh"
lib_init
token_init eToken 1234567890 5678
cfg=$WORK/spoke.cfg
printf 'hostname spoke\ncrypto pki token eToken module %s\n' "$P11_DETACH" >"$cfg"
start_keygated "$NSA" "$cfg"
klog=$WORK/keygated-$NSA.log
wait_for "grep -q 'TOKENINSERTED: Cryptographic token eToken' '$klog'" 5 || fail "token not seen"

# A correct admin PIN resets the counter.
for i in 1 2 3; do kg "$NSA" "crypto pki token eToken admin login 000$i" >/dev/null 2>&1 && fail "wrong admin PIN accepted"; done
kg "$NSA" "crypto pki token eToken admin login 5678" | grep -q "successful" || fail "admin login"
kg "$NSA" "crypto pki token eToken admin logout" >/dev/null || fail "admin logout"
grep -q "Admin PIN: 0 failed attempts, 15 left" <<<"$(kg "$NSA" "show crypto pki token eToken")" ||
  fail "a correct admin PIN did not reset the counter"
log "three wrong admin PINs, then the right one: counter back to 0"

# Fifteen wrong ones.
for i in $(seq 1 15); do
  out=$(kg "$NSA" "crypto pki token eToken admin login 99$i" 2>&1) && fail "wrong admin PIN $i accepted"
  grep -q "wrong admin PIN ($i failed attempt.*, $((15 - i)) left)" <<<"$out" || { echo "$out"; fail "message for wrong admin PIN $i"; }
done
grep -q "TOKEN_ADMIN_PIN_BLOCKED" "$klog" || fail "no log line when the token became unusable"
check_unusable() {
  local out
  out=$(kg "$NSA" "crypto pki token eToken admin login 5678" 2>&1) && fail "$1: the right admin PIN opened an unusable token"
  grep -q "is unusable: 15 wrong admin PINs" <<<"$out" || { echo "$out"; fail "$1: admin login message"; }
  out=$(kg "$NSA" "crypto pki token eToken login 1234567890" 2>&1) && fail "$1: the user PIN opened an unusable token"
  grep -q "is unusable" <<<"$out" || { echo "$out"; fail "$1: user login message"; }
  grep -q "Admin PIN: 15 failed attempts, 0 left" <<<"$(kg "$NSA" "show crypto pki token eToken")" ||
    fail "$1: show crypto pki token"
}
check_unusable "after 15 wrong admin PINs"
log "fifteen wrong admin PINs: neither the admin nor the user PIN opens the token"

kill "$KG_LAST_PID"; wait "$KG_LAST_PID" 2>/dev/null
start_keygated "$NSA" "$cfg"
wait_for "kg $NSA 'show crypto pki token eToken' | grep -q 'Inserted: yes'" 5 || fail "token after restart"
check_unusable "after a restart"
log "still unusable after a restart"
grep -qE '1234567890|5678' "$klog" && fail "a PIN is in keygated's log"
log "PASS"
