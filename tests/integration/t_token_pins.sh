#!/bin/bash
# Hardware-token PINs (seeds 000 and 002) on a SoftHSM2 token, which itself
# never blocks a PIN: keygate blocks the token after max-retries wrong user
# PINs (10 by default), keeps it blocked across a restart, and the admin PIN
# unblocks it (C_InitPIN); wrong PINs and a missing module give clear
# messages and no crash; no PIN reaches the log. A level-1 user, through a
# real terminal, may log in to the token and change its PIN (privilege exec
# level 1 crypto pki token eToken login|change-pin) and nothing else. Seed
# 002's composition rule (pin-policy etoken) refuses a weak new PIN, from the
# admin's reset-pin and the user's change-pin alike, naming the rule broken;
# a PIN with spaces, '|' and '?' works, typed at keygated's secret prompts.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_token.sh"
lib_init
. "$(dirname "$0")/lib_tmux.sh"
token_init eToken 1234567890 5678

cfg=$WORK/spoke.cfg
cat >"$cfg" <<EOC
hostname spoke
crypto pki token eToken module $P11_DETACH
crypto pki token eToken pin-policy etoken
crypto pki token missing module /nonexistent/libnothing.so
username etoken privilege 1 secret 0 eToken-Pass1
privilege exec level 1 crypto pki token eToken login
privilege exec level 1 crypto pki token eToken change-pin
EOC
start_keygated "$NSA" "$cfg"
klog=$WORK/keygated-$NSA.log
wait_for "grep -q 'TOKENINSERTED: Cryptographic token eToken' '$klog'" 5 || fail "token not seen"
grep -q "cannot load PKCS#11 module /nonexistent/libnothing.so" "$klog" || fail "no message for the missing module"
out=$(kg "$NSA" "crypto pki token missing login 1234" 2>&1) && fail "login to a token of a missing module succeeded"
grep -q "Token missing not found" <<<"$out" || { echo "$out"; fail "unclear message for the missing token"; }
log "missing module: a warning at start, a clear message at login"

# 1. Ten wrong user PINs block the token; the right one is then refused too.
for i in $(seq 1 10); do
  out=$(kg "$NSA" "crypto pki token eToken login 000$i" 2>&1) && fail "wrong PIN $i accepted"
  left=$((10 - i))
  grep -q "wrong PIN ($i failed attempt.*, $left left)" <<<"$out" || { echo "$out"; fail "message for wrong PIN $i"; }
done
out=$(kg "$NSA" "crypto pki token eToken login 1234567890" 2>&1) && fail "the right PIN was accepted on a blocked token"
grep -q "is blocked after 10 wrong PINs" <<<"$out" || { echo "$out"; fail "no blocked message"; }
grep -q "User PIN: 10 failed attempts, 0 left (blocked)" <<<"$(kg "$NSA" "show crypto pki token eToken")" ||
  fail "show does not say blocked"
log "ten wrong user PINs: token blocked, the right PIN refused"

# 2. Still blocked after a restart.
kill "$KG_LAST_PID"; wait "$KG_LAST_PID" 2>/dev/null
start_keygated "$NSA" "$cfg"
wait_for "kg $NSA 'show crypto pki token eToken' | grep -q 'Inserted: yes'" 5 || fail "token after restart"
out=$(kg "$NSA" "crypto pki token eToken login 1234567890" 2>&1) && fail "blocked token unblocked by a restart"
grep -q "is blocked" <<<"$out" || { echo "$out"; fail "not blocked after restart"; }
log "still blocked after a restart"

# 3. The admin unblocks it with a new user PIN; a wrong admin PIN is counted.
out=$(kg "$NSA" "crypto pki token eToken admin login 9999" 2>&1) && fail "wrong admin PIN accepted"
grep -q "wrong admin PIN (1 failed attempt, 14 left)" <<<"$out" || { echo "$out"; fail "wrong admin PIN message"; }
kg "$NSA" "crypto pki token eToken admin login 5678" | grep -q "admin login to usbtoken[0-9]*(eToken) successful" ||
  fail "admin login"
out=$(kg "$NSA" "crypto pki token eToken admin reset-pin 24681357" 2>&1) && fail "a digits-only PIN passed pin-policy etoken"
grep -q "refused by pin-policy etoken: The new PIN uses 1 of the 4 character classes; it needs at least 3" <<<"$out" ||
  { echo "$out"; fail "unclear pin-policy message"; }
# kgs LINE ANSWER...: a command and the answers to its secret prompts (-c each).
kgs() { local a=() x; for x in "$@"; do a+=(-c "$x"); done; timeout 10 "$KEYGATE" -S "$(kg_sock "$NSA")" "${a[@]}"; }
out=$(kgs "crypto pki token eToken admin reset-pin" "Reset-Pin 2468" "Reset-Pin 2469" 2>&1) && fail "a mismatched confirmation reset the PIN"
grep -q "confirmation differ" <<<"$out" || { echo "$out"; fail "no message for the mismatch"; }
kgs "crypto pki token eToken admin reset-pin" "Reset-Pin 2468" "Reset-Pin 2468" | grep -q "the token is unblocked" ||
  fail "admin reset-pin with the PIN asked"
kg "$NSA" "crypto pki token eToken admin logout" >/dev/null || fail "admin logout"
kgs "crypto pki token eToken login" "Reset-Pin 2468" | grep -q "successful" || fail "login with the reset PIN"
kg "$NSA" "crypto pki token eToken logout" | grep -q "logout from" || fail "logout"
grep -q "User PIN: 0 failed attempts, 10 left" <<<"$(kg "$NSA" "show crypto pki token eToken")" || fail "counter not reset"
log "admin reset the user PIN: token unblocked, counter back to 0"

# 4. A level-1 user through a real terminal: login and change-pin, nothing else.
sock=$(kg_sock "$NSA")
chmod 755 "$WORK" "$WORK/kg-$NSA"
tmux_start "setpriv --reuid=65534 --regid=65534 --clear-groups $KEYGATE -S $sock; sleep 30"
expect_screen '^Username: ' "no Username: prompt"
type_ "etoken"; keys Enter
expect_screen '^Password: ' "no Password: prompt"
type_ "eToken-Pass1"; keys Enter
expect_screen '^spoke>$' "no level-1 prompt"
type_ "crypto pki token eToken login"; keys Enter
expect_screen '^Enter PIN: ' "no PIN prompt"
type_ "Reset-Pin 2468"; keys Enter
expect_screen 'Token login to usbtoken[0-9]+\(eToken\) successful' "level-1 login to the token failed"
# change-pin asks all three PINs without echo; pin-policy refuses a weak one.
change_pin() {
  clear_screen
  type_ "crypto pki token eToken change-pin"; keys Enter
  expect_screen '^Current PIN: ' "no current-PIN prompt"
  type_ "$1"; keys Enter
  expect_screen '^New PIN: ' "no new-PIN prompt"
  type_ "$2"; keys Enter
  expect_screen '^Confirm new PIN: ' "no confirmation prompt"
  type_ "$2"; keys Enter
}
change_pin "Reset-Pin 2468" "short1"
expect_screen 'refused by pin-policy etoken: The new PIN has 6 characters; it needs at least 8' "weak PIN not refused"
change_pin "Reset-Pin 2468" "My PIN|is ok?7"
expect_screen 'Token PIN change on usbtoken[0-9]+\(eToken\) successful' "level-1 PIN change failed"
type_ "crypto pki token eToken logout"; keys Enter
expect_screen 'Invalid input detected at' "logout ran at level 1"
clear_screen
type_ "crypto pki token eToken admin login 5678"; keys Enter
expect_screen 'Invalid input detected at' "admin login ran at level 1"
clear_screen
type_ "show running-config"; keys Enter
expect_screen 'Invalid input detected at' "show running-config ran at level 1"
screen | grep -qE 'Reset-Pin 2468|is ok|short1' && fail "a PIN was echoed on the terminal"
# C-p (emacs previous-history) walks back to the oldest line kept: only
# show running-config, none of the token lines.
clear_screen
keys C-p; sleep 0.2; keys C-p; sleep 0.2; keys C-p
expect_screen 'spoke>show running-config' "the history lost show running-config" 3
last_line | grep -q "crypto pki token" && fail "a token command (with its PIN) is in the history"
keys C-u
log "level-1 user: token login and change-pin only; PINs not echoed, not in the history"
kg "$NSA" "crypto pki token eToken logout" >/dev/null
kgs "crypto pki token eToken login" "My PIN|is ok?7" | grep -q "successful" ||
  fail "the PIN the level-1 user set (spaces, | and ?) does not work"
grep -qE '1234567890|24681357|Reset-Pin|is ok|short1' "$klog" && fail "a PIN is in keygated's log"
log "PASS"
