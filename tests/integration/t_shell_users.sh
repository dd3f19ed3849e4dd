#!/bin/bash
# Users and privilege levels through a real terminal: a local user who is not
# root connects to keygated's control socket, logs in with a keygate username
# and type 9 secret, gets a level-1 shell ('>' prompt) that sees and runs only
# what `privilege exec level 1` granted, and `enable` asks for the enable
# secret. A wrong password is refused and logged without the password. Root
# connects at level 15 without a login. While no `username` exists the socket
# is root's alone.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$(dirname "$0")/lib_tmux.sh"

cfg=$WORK/hub.cfg
cat >"$cfg" <<'EOC'
hostname hub
EOC
start_keygated "$NSA" "$cfg"
sock=$(kg_sock "$NSA")
chmod 755 "$WORK" "$WORK/kg-$NSA"
[ "$(stat -c %a "$sock")" = 600 ] || fail "socket is $(stat -c %a "$sock") with no local users"

kg "$NSA" $'configure terminal\nusername op secret 0 op-Pass-1\nusername admin privilege 15 secret 0 adm1n-Pass\nenable secret 0 en-Pass-2\nprivilege exec level 1 show crypto session\nend' ||
  fail "configuring users"
[ "$(stat -c %a "$sock")" = 666 ] || fail "socket is $(stat -c %a "$sock") with local users"
kg "$NSA" "show running-config" >"$WORK/rc.txt"
grep -qE 'op-Pass-1|adm1n-Pass|en-Pass-2' "$WORK/rc.txt" && fail "a clear secret in show running-config"
grep -q '^username op secret 9 \$9\$' "$WORK/rc.txt" || fail "no type 9 secret in show running-config"
grep -q '^privilege exec level 1 show crypto session$' "$WORK/rc.txt" || fail "no privilege line"
log "users configured; secrets shown only as type 9"

as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
tmux_start "$as_nobody $KEYGATE -S $sock; sleep 30"

# A wrong password: refused, logged without the password.
expect_screen '^Username: ' "no Username: prompt for a non-root user"
type_ "op"; keys Enter
expect_screen '^Password: ' "no Password: prompt"
type_ "wrong-Secret-9"; keys Enter
expect_screen '^% Login invalid' "a wrong password was not refused"
screen | grep -q 'wrong-Secret-9' && fail "the password was echoed"
grep -q '%SEC_LOGIN-4-LOGIN_FAILED: Login failed \[user: op\] \[Source: local uid 65534\]' "$WORK/keygated-$NSA.log" ||
  fail "no LOGIN_FAILED log line"
grep -q 'wrong-Secret-9' "$WORK/keygated-$NSA.log" && fail "the wrong password is in the log"
log "wrong password refused and logged without it"

# The right one: a level-1 shell.
type_ "op"; keys Enter
expect_screen '^Password: ' "no second Password: prompt"
type_ "op-Pass-1"; keys Enter
expect_screen '^hub>$' "no level-1 prompt after login"
grep -q '%SEC_LOGIN-5-LOGIN_SUCCESS: Login Success \[user: op\]' "$WORK/keygated-$NSA.log" || fail "no LOGIN_SUCCESS log line"
type_ "show "; type_ "?"
expect_screen '^  crypto ' "'show ?' at level 1 does not offer the granted command"
screen | grep -qE '^  running-config' && fail "'show ?' at level 1 offers running-config"
keys C-u; type_ "show crypto session"; keys Enter
expect_screen '^hub>$' "show crypto session did not return"
screen | grep -q "Invalid input" && { screen | tail; fail "the granted command was refused"; }
type_ "show running-config"; keys Enter
expect_screen 'Invalid input detected at' "show running-config ran at level 1"
type_ "configure terminal"; keys Enter
wait_for "[ \$(screen | grep -c \"Invalid input\") -ge 2 ]" 5 || fail "configure terminal ran at level 1"
log "level 1: runs the granted command only"

# enable with the enable secret, then disable.
type_ "enable"; keys Enter
expect_screen '^Password: ' "enable did not ask for the secret"
type_ "en-Pass-2"; keys Enter
expect_screen '^hub#$' "enable did not reach level 15"
type_ "show running-config | include ^hostname"; keys Enter
expect_screen '^hostname hub$' "show running-config after enable"
type_ "disable"; keys Enter
expect_screen '^hub>$' "disable did not return to level 1"
type_ "exit"; keys Enter
log "enable/disable"

# Root: level 15 at once.
[ "$(kg "$NSA" "show privilege")" = "Current privilege level is 15" ] || fail "root is not at level 15"
# A level-15 user logs in through a script on standard input (no terminal).
out=$(printf 'admin\nadm1n-Pass\nshow privilege\n' | $as_nobody "$KEYGATE" -S "$sock" 2>&1)
echo "$out" | grep -q "Current privilege level is 15" || fail "admin via a script: $out"
log "root and a level-15 user at level 15"

kg "$NSA" $'configure terminal\nno username op\nno username admin\nend' || fail "removing users"
[ "$(stat -c %a "$sock")" = 600 ] || fail "socket still open with no local users"
log "PASS"
