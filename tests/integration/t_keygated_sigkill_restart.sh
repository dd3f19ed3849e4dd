#!/bin/bash
# keygated killed with SIGKILL and started again, each side in turn (issue 21):
# the restarted daemon comes back from its state directory's startup-config
# (a change saved by write memory is there), the tunnel comes back by itself,
# and the surviving peer is left with exactly one IKE SA (the restarted side
# sends INITIAL_CONTACT, RFC 7296 §2.4), carrying traffic both ways.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
declare -A PID
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"; PID[$NSA]=$KG_LAST_PID
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"; PID[$NSB]=$KG_LAST_PID
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no IKE SA"

# restart NS: SIGKILL, then keygated again from its state directory only.
restart() {
  local ns=$1 dir=$WORK/kg-$1
  kill -KILL "${PID[$ns]}"; wait "${PID[$ns]}" 2>/dev/null
  log "keygated in $ns (pid ${PID[$ns]}) killed with SIGKILL"
  rm -f "$dir/sock"  # left behind by the killed daemon
  ip netns exec "$ns" "$KEYGATED" -S "$dir/sock" -d "$dir/state" >>"$WORK/keygated-$ns.log" 2>&1 &
  LIB_PIDS+=($!); PID[$ns]=$!
  wait_for "[ -S '$dir/sock' ]" 10 || fail "keygated in $ns: no socket after the restart"
}
one_sa() { [ "$(kg_ready_count "$1")" = 1 ] && [ "$(kg "$1" "show crypto ikev2 sa" | grep -c -E 'READY|DELETE|IN-NEG')" = 1 ]; }

for pair in "$NSA $NSB site-a" "$NSB $NSA site-b"; do
  read -r victim survivor host <<<"$pair"
  kg "$victim" "configure terminal
hostname $host-saved
end
write memory" >/dev/null || fail "write memory in $victim"
  restart "$victim"
  prompt=$(kg "$victim" "show running-config | include ^hostname")
  [ "$prompt" = "hostname $host-saved" ] || fail "$victim came back without its saved startup-config: '$prompt'"
  wait_for "kg_ready $victim && one_sa $survivor" 30 ||
    { kg "$survivor" "show crypto ikev2 sa"; fail "$survivor: not exactly one IKE SA after $victim's restart"; }
  ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B after $victim's restart"
  ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A after $victim's restart"
  log "$victim restarted from its startup-config; $survivor holds one IKE SA; traffic flows"
done
log "PASS"
