#!/bin/bash
# request platform software system shell (seed 003) through a real terminal.
# Refused before any authorization; after a full keygate-consent round trip
# the warning is asked, 'n' opens nothing, 'y' opens a shell on the host
# through the keygate shell: a command runs in it, the terminal's size
# reaches it (stty size, also after a resize), `exit` returns to the keygate
# prompt and the shell opens again while authorized (also from a script:
# keygate -c ... -c y < input). The session log is in
# the state directory (0600) and listed by show consent-token. terminate-auth
# closes an open shell with a message and refuses the next; a level-1 user is
# refused (by the command's level, and by the shell's own check when a
# privilege line lowers it); a keygate that goes away ends its shell; an
# authorization that expires closes the shell.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$(dirname "$0")/lib_tmux.sh"
. "$(dirname "$0")/lib_consent.sh"

# The shell keygated opens is the host's bash -i, with keygated's
# environment: give it a HOME of its own, so the machine's ~/.bashrc does not
# run in it. A shell this test closes could die inside that file's `pyenv
# init` (a rehash), leaving pyenv's lock behind: every interactive bash on the
# machine then waited 60 s for it, this test's next shells too (CI run of
# 143a5ac).
mkdir -p "$WORK/home"
export HOME=$WORK/home
cfg=$WORK/hub.cfg
{ echo "hostname hub"; consent_keygen "$WORK/tac.key"; echo "username op secret 0 op-Pass-1"; } >"$cfg"
start_keygated "$NSA" "$cfg"
sock=$(kg_sock "$NSA")
klog=$WORK/keygated-$NSA.log
state=$WORK/kg-$NSA/state

# open_shell: the command, the warning, 'y', and a shell that answers.
open_shell() {
  clear_screen
  type_ "request platform software system shell"; keys Enter
  expect_screen '^Are you sure you want to continue\? \[y/n\]' "no [y/n] question"
  type_ "y"; keys Enter
  type_ 'echo ready-$((2+3))'; keys Enter
  expect_screen '^ready-5 *$' "the system shell did not open"
}
# respawn CMD: window 0 runs CMD instead (same tmux server), on a clean screen.
respawn() { tmux_ respawn-pane -k -t 0 "$1" || fail "respawn-pane"; tmux_ clear-history -t 0; }
prompt_back() { wait_for '[ "$(last_line)" = "hub#" ]' 5 || { screen | tail -20; fail "$1"; }; }

tmux_start "$KEYGATE -S $sock; sleep 120" 120 40
expect_screen '^hub#' "no prompt"

type_ "request platform software system shell"; keys Enter
expect_screen '^% System shell refused: no shell-access authorization' "the shell was not refused before authorization"
screen | grep -q 'Are you sure' && fail "the question was asked without authorization"
log "refused before any authorization, with the reason"

consent_authorize "$NSA" shell-access 900
clear_screen
type_ "request platform software system shell"; keys Enter
expect_screen '^Activity within this shell can jeopardize the functioning of the system\.$' "no warning"
expect_screen '^Are you sure you want to continue\? \[y/n\] $' "no [y/n] question"
type_ "n"; keys Enter
expect_screen '^% System shell not opened: the answer was not .y.$' "the answer n was not refused"
prompt_back "no prompt after 'n'"
grep -q 'System shell opened' "$klog" && fail "a shell was opened after 'n'"
log "warning asked; 'n' opens nothing"

open_shell
type_ 'echo $((6*7))'; keys Enter
expect_screen '^42 *$' "a command in the system shell did not run"
type_ 'stty size'; keys Enter
expect_screen '^40 120 *$' "the terminal size did not reach the shell"
tmux_ resize-window -t 0 -x 100 -y 30
sleep 0.5
type_ 'stty size'; keys Enter
expect_screen '^30 100 *$' "the new terminal size did not reach the shell"
grep -q '%CTOKEN-5-SHELL: System shell opened for root (pid [0-9]*, session log .*/shell-sessions/[0-9-]*-root.log)' "$klog" ||
  fail "no shell open log line"
kg "$NSA" "show consent-token" | grep -qE '^  .* UTC  root  open    .*/shell-sessions/.*-root\.log$' ||
  fail "show consent-token does not list the open session: $(kg "$NSA" "show consent-token")"
type_ "exit"; keys Enter
prompt_back "exit did not return to the keygate prompt"
grep -q 'System shell closed for root (pid [0-9]*): the shell exited' "$klog" || fail "no shell close log line"
kg "$NSA" "show consent-token" | grep -qE '^shell-access +authorized' || fail "leaving the shell ended the authorization"
log "shell opened, ran a command, took the terminal size and a resize; exit returned to keygate"

open_shell
type_ 'echo again-$((1+1))'; keys Enter
expect_screen '^again-2 *$' "the second shell did not run a command"
type_ "exit"; keys Enter
prompt_back "the second exit did not return"
logs=("$state"/shell-sessions/*-root*.log)
[ "${#logs[@]}" -ge 2 ] || fail "expected two session logs, found ${#logs[@]}"
for f in "${logs[@]}"; do [ "$(stat -c %a "$f")" = 600 ] || fail "$f is not mode 600"; done
# What the shell printed: the echoed command and its answer (not in the command).
grep -qaF 'echo $((6*7))' "${logs[@]}" && grep -qa '42' "${logs[@]}" ||
  fail "the session log does not hold the shell's output"
[ "$(stat -c %a "$state/shell-sessions")" = 700 ] || fail "the session log directory is not 700"
log "shell opened again while authorized; session logs 0600 hold the output"

# From a script: -c answers the question, standard input is typed into the
# shell and its end ends the shell.
out=$(echo 'echo piped-$((40+2))' | timeout 20 "$KEYGATE" -S "$sock" -c "request platform software system shell" -c y) ||
  fail "the system shell from a script did not end: $out"
echo "$out" | tr -d '\r' | grep -q 'piped-42$' || fail "a script in the system shell: $out"
log "a script's standard input runs in the system shell"

# terminate-auth while a shell is open: the shell closes and says why.
open_shell
kg "$NSA" "request consent-token terminate-auth" >/dev/null || fail "terminate-auth"
expect_screen '^% System shell closed: the shell-access authorization was terminated' "the open shell was not closed by terminate-auth"
prompt_back "no prompt after the shell was closed"
clear_screen
type_ "request platform software system shell"; keys Enter
expect_screen '^% System shell refused: the shell-access authorization was terminated' "the shell was not refused after terminate-auth"
log "terminate-auth closed the open shell and refuses the next"

# A level-1 user: the command is level 15; lowered by a privilege line, the
# shell's own check still says no.
# A keygate that goes away with a shell open takes the shell with it.
consent_authorize "$NSA" shell-access 900
open_shell
pid=$(grep -o 'System shell opened for root (pid [0-9]*' "$klog" | tail -1 | grep -o '[0-9]*$')
kill -0 "$pid" 2>/dev/null || fail "no shell process $pid"
chmod 755 "$WORK" "$WORK/kg-$NSA"
respawn "setpriv --reuid=65534 --regid=65534 --clear-groups $KEYGATE -S $sock; sleep 60"
expect_screen '^Username: ' "no Username: prompt"
wait_for "! kill -0 $pid" 5 || fail "the shell $pid outlived its keygate session"
# Which end keygated notices first depends on the scheduling: the client's
# hang-up, or the shell ending once its pty is hung up.
grep -qE "System shell closed for root \(pid $pid\): (the keygate session went away|the shell exited)" "$klog" ||
  fail "no close line for a hang-up"
log "a keygate session that goes away ends its shell"
type_ "op"; keys Enter
expect_screen '^Password: ' "no Password: prompt"
type_ "op-Pass-1"; keys Enter
expect_screen '^hub>$' "no level-1 prompt"
type_ "request platform software system shell"; keys Enter
expect_screen 'Invalid input detected at' "a level-1 user ran the level-15 command"
kg "$NSA" $'configure terminal\nprivilege exec level 1 request platform software system shell\nend' || fail "privilege line"
clear_screen
type_ "request platform software system shell"; keys Enter
expect_screen '^% System shell refused: privilege level 1; the system shell needs level 15' "a level-1 user was not refused"
grep -q 'System shell opened for op' "$klog" && fail "a shell was opened for a level-1 user"
log "a level-1 user is refused, and told why"

# Expiry closes an open shell (the shortest authorization is a minute).
kg "$NSA" "request consent-token terminate-auth" >/dev/null
consent_authorize "$NSA" shell-access 1
respawn "$KEYGATE -S $sock; sleep 120"
expect_screen '^hub#' "no prompt"
open_shell
expect_screen '^% System shell closed: the shell-access authorization has expired' "an expired authorization left the shell open" 75
prompt_back "no prompt after expiry"
grep -q 'Consent Token Update (authorization expired: Shell access 0)\.' "$klog" || fail "no expiry log line"
log "expiry closed the open shell"
log "PASS"
