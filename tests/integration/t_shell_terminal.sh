#!/bin/bash
# The interactive shell in a real terminal (tmux), as an engineer types:
# '?' answers at once and keeps the line, Tab completes, `do` and output
# modifiers work, `terminal length` pages with --More--, and a block pasted
# under a rejected line is not applied. Parser tests alone once passed while
# '?' was typed into the line in a real terminal.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$(dirname "$0")/lib_tmux.sh"

cfg=$WORK/hub.cfg
{
  echo "hostname hub"
  for i in $(seq 1 30); do echo "crypto ikev2 proposal P$i"; echo " encryption aes-gcm-256"; echo " group 19"; done
} >"$cfg"
start_keygated "$NSA" "$cfg"
sock=$(kg_sock "$NSA")

tmux_start "$KEYGATE -S $sock"

expect_screen '^hub#' "no prompt"

# '?' after a word and a space: the next words with their help, and the line stays.
type_ "show "; type_ "?"
expect_screen '^  running-config +Current operating configuration' "'show ?' listed no help"
expect_screen '^hub#show $' "'show ?' did not keep the line"
[ "$(last_line)" = "hub#show" ] || fail "the line after '?' is '$(last_line)', not 'hub#show ' ('?' typed into it?)"
log "'show ?' lists help and keeps the line"

# '?' inside a word: the completions of that word.
clear_screen
type_ "sh"; type_ "?"
expect_screen '^show +$|^show  ' "'sh?' did not list 'show'"
expect_screen '^hub#sh$' "'sh?' did not keep the line"

# Tab completes a unique word and adds a space.
clear_screen
type_ "sh"; keys Tab; type_ "run"; keys Tab
expect_screen '^hub#show running-config $' "Tab did not complete 'sh run'"
keys C-u

# Configuration mode: '?' on a partial keyword, and `do`.
clear_screen
type_ "configure terminal"; keys Enter
expect_screen '^hub\(config\)#$' "no config prompt"
type_ "crypto ikev2 pro"; type_ "?"
expect_screen '^profile +proposal|^proposal +profile' "'crypto ikev2 pro?' did not list proposal/profile"
expect_screen '^hub\(config\)#crypto ikev2 pro$' "'crypto ikev2 pro?' did not keep the line"
keys C-u
type_ "?"
expect_screen '^  do +To run exec commands in config mode' "'?' in config mode does not offer do"
clear_screen
type_ "do show running-config | include ^hostname"; keys Enter
expect_screen '^hostname hub$' "'do show running-config | include' printed nothing"
expect_screen '^hub\(config\)#$' "'do' left configuration mode"
log "config mode: '?', do, output modifiers"

# A pasted block under a rejected parent: children reported, nothing applied.
clear_screen
keys C-u
tmux_ set-buffer $'crypto gdoi group CM\n set peer 198.51.100.2\n set pfs group2\n'
tmux_ paste-buffer -t 0
expect_screen 'Not applied: it is indented under the rejected line "crypto gdoi group CM"' "pasted children were not rejected"
type_ "end"; keys Enter
kg "$NSA" "show running-config" >"$WORK/rc.txt" || fail "show running-config"
grep -qE 'set peer|group2' "$WORK/rc.txt" && fail "a child of the rejected line was applied"
log "pasted block under a rejected line: rejected, nothing applied"

# Paging: 10 lines a screen, --More--, space for the next screen, q to stop.
clear_screen
type_ "terminal length 10"; keys Enter
type_ "show running-config"; keys Enter
expect_screen '^ --More-- ' "no --More-- after 9 lines"
[ "$(screen | grep -c 'crypto ikev2 proposal')" -le 9 ] || fail "more than one screen before --More--"
keys Space
expect_screen 'proposal P12$' "space did not show the next screen"
keys q
expect_screen '^hub#$' "q did not end the output"
screen | grep -q 'proposal P30' && fail "q did not stop the output"
clear_screen
type_ "terminal length 0"; keys Enter
type_ "show running-config | count proposal"; keys Enter
expect_screen '^Number of lines which match regexp = 30$' "| count"
log "terminal length pages with --More--; terminal length 0 does not"

type_ "exit"; keys Enter
wait_for "! tmux -S '$TMUX_SOCK' has-session 2>/dev/null" 5 || fail "exit did not end the shell"
log "PASS"
