#!/bin/bash
# dpd 10 2 on-demand: with traffic flowing, strongSwan is killed (kill -9):
# keygated probes after 10 s without an answer, retries every 2 s and
# declares the peer dead within interval + retries (10 + 5 x 2 s); the IKE SA
# and CHILD_SA go, the line protocol goes down, the tunnel re-initiates.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
CHARON=${LIB_PIDS[-1]}
kg_cfg "$WORK/a.cfg" site-a "crypto ikev2 profile default
 dpd 10 2 on-demand"
start_keygated "$NSA" "$WORK/a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "DPD configured for 10 seconds, retry 2" || fail "show: DPD"
ping_bg "$NSA" 192.0.2.1 192.0.2.129 35 "$WORK/ping.out"  # traffic: on-demand DPD needs it
sleep 2
kill -9 "$CHARON"
t0=$(date +%s.%N)
log "strongSwan (pid $CHARON) killed"
wait_for "grep -q 'declared dead' '$WORK/keygated-$NSA.log'" 30 || fail "keygated did not declare the peer dead"
dt=$(echo "$(date +%s.%N) - $t0" | bc)
log "peer declared dead after $(printf '%.1f' "$dt") s: $(grep -h 'declared dead' "$WORK/keygated-$NSA.log")"
awk -v t="$dt" 'BEGIN { exit !(t >= 9 && t <= 10 + 5 * 2 + 4) }' || fail "declared dead after $dt s, expected 10..24 s"
wait_for "! kg_ready $NSA" 5 || fail "the IKE SA is still READY"
[ -z "$(kg_in_spis "$NSA")" ] || fail "CHILD_SA still installed"
grep -q "Crypto tunnel v2 is DOWN" "$WORK/keygated-$NSA.log" || fail "no session DOWN"
grep -q "Line protocol on Interface Tunnel0, changed state to down" "$WORK/keygated-$NSA.log" || fail "line protocol not down"
grep -q "is dead; re-initiating" "$WORK/keygated-$NSA.log" || fail "the static tunnel did not re-initiate"
kill "$PING_PID" 2>/dev/null
log "PASS"
