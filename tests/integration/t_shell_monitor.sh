#!/bin/bash
# terminal monitor with debug crypto ikev2 packet / debug crypto ipsec, in a
# real terminal: while a tunnel comes up, the IOS-worded packet and SA lines
# stream into the shell that asked for them (above the line being typed, which
# stays), not into another shell, and undebug all stops them.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$(dirname "$0")/lib_tmux.sh"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
sock=$(kg_sock "$NSA")

tmux_start "$KEYGATE -S $sock" 200 60
tmux_window "$KEYGATE -S $sock"   # a second shell, no monitor

expect_screen '^site-a#' "no prompt"
type_ "terminal monitor"; keys Enter
type_ "debug crypto ikev2 packet"; keys Enter
expect_screen '^IKEv2 packet debugging is on' "debug crypto ikev2 packet"
type_ "debug crypto ipsec"; keys Enter
expect_screen '^Crypto IPSEC debugging is on' "debug crypto ipsec"
type_ "show debugging"; keys Enter
expect_screen '^  Crypto IPSEC debugging is on' "show debugging"
type_ "show ver"   # left on the line while the lines come
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"
wait_for "kg_ready $NSA" 20 || fail "no IKE SA"
expect_screen 'IKEv2:Received Packet \[From 198\.51\.100\.2:500/To 198\.51\.100\.1:500\] Initiator SPI : [0-9A-F]{16} - Responder SPI : [0-9A-F]{16} Message id: [0-9]+ IKEv2 IKE_(SA_INIT|AUTH) Exchange (REQUEST|RESPONSE)' \
  "no received-packet debug line"
expect_screen 'IKEv2:Sending Packet \[To 198\.51\.100\.2:500/From 198\.51\.100\.1:500\]' "no sent-packet debug line"
expect_screen 'IPSEC\(create_sa\): sa created, \(sa\) sa_dest= 198\.51\.100\.2, sa_proto= 50, sa_spi= 0x[0-9A-F]{8}' \
  "no create_sa debug line"
[ "$(last_line)" = "site-a#show ver" ] ||
  { screen | tail -5; fail "the line being typed was not kept below the monitor lines"; }
screen 1 | grep -q 'IKEv2:' && fail "a shell without terminal monitor got debug lines"
grep -q 'IKEv2:Received Packet' "$WORK/keygated-$NSA.log" && fail "debug lines reached the log without -v"
log "debug lines stream to the monitoring shell only"

keys C-u; type_ "undebug all"; keys Enter
expect_screen '^All possible debugging has been turned off' "undebug all"
# Debug lines only: log lines ("IKEv2: ..." at info level) still reach a
# monitoring shell after undebug all, as on IOS with logging monitor.
dbg='IKEv2:(Received|Sending) Packet|IPSEC\('
n=$(screen | grep -cE "$dbg")
kg "$NSA" "clear crypto session" >/dev/null
wait_for "kg_ready $NSA" 20 || fail "no IKE SA after clear"
sleep 1
[ "$(screen | grep -cE "$dbg")" = "$n" ] || { screen | grep -E "$dbg" | tail -n +$((n + 1)); fail "debug lines after undebug all"; }
log "undebug all stops them"
log "PASS"
