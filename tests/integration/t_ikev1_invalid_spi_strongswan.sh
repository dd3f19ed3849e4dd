#!/bin/bash
# IKEv1 invalid-SPI recovery (crypto isakmp invalid-spi-recovery, seed 001)
# against strongSwan 5.9.8 through a seed 001 crypto map. keygated is killed
# and restarted: strongSwan keeps its SAs and goes on sending ESP that
# keygated cannot decrypt.
#  - reference, recovery off (the default): strongSwan's pings get no answer
#    for 15 s;
#  - `crypto isakmp invalid-spi-recovery`: the first such packet makes
#    keygated log %CRYPTO-4-RECVD_PKT_INV_SPI, start Main Mode to the static
#    peer (its INITIAL-CONTACT makes strongSwan drop the stale SAs), send
#    INVALID-SPI and run Quick Mode for the map's entry (strongSwan's
#    kernel-libipsec cannot trap its own traffic into a new SA); pings pass
#    again. The log line comes at most once per 10 s.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ikev1_two_sites ispi-site-key-77d0
log "tunnel up"

restart_keygated() {
  kill -9 "$KG_LAST_PID"; wait "$KG_LAST_PID" 2>/dev/null
  cp "$WORK/keygated-$NSA.log" "$WORK/keygated-$NSA.log.$1"
  rm -f "$WORK/kg-$NSA/sock"
  start_keygated "$NSA" "$WORK/site-a.cfg"
}

# Reference: recovery off.
restart_keygated 1
sw_has_sa "$SW" || fail "strongSwan lost its SA with keygated's restart"
ip netns exec "$NSB" ping -q -I 192.0.2.129 -i 0.5 -w 15 192.0.2.1 >"$WORK/ping-off.txt" 2>&1
got_off=$(grep -o '[0-9]* received' "$WORK/ping-off.txt" | grep -o '^[0-9]*')
log "recovery off: $got_off of 30 pings answered in 15 s"
[ "$got_off" -eq 0 ] || fail "strongSwan recovered without invalid-spi-recovery: the reference does not hold"
grep -q RECVD_PKT_INV_SPI "$WORK/keygated-$NSA.log" && fail "RECVD_PKT_INV_SPI while off"

# Recovery on.
echo "crypto isakmp invalid-spi-recovery" >>"$WORK/site-a.cfg"
restart_keygated 2
kg "$NSA" "show running-config" | grep -qx "crypto isakmp invalid-spi-recovery" || fail "running-config"
t0=$(date +%s.%N)
ip netns exec "$NSB" ping -I 192.0.2.129 -i 0.5 -w 30 192.0.2.1 >"$WORK/ping-on.txt" 2>&1 &
PING=$!; LIB_PIDS+=($PING)
wait_for "grep -q 'icmp_seq' '$WORK/ping-on.txt'" 25 || { kg "$NSA" "show crypto isakmp sa"; swanctl_ "$SW" --list-sas; fail "no recovery"; }
t1=$(date +%s.%N)
log "recovery on: first answer $(echo "$t1 - $t0" | bc) s after strongSwan's first stale packet"
wait "$PING"
got_on=$(grep -o '[0-9]* received' "$WORK/ping-on.txt" | grep -o '^[0-9]*')
n_log=$(grep -c "RECVD_PKT_INV_SPI" "$WORK/keygated-$NSA.log")
grep -m1 "RECVD_PKT_INV_SPI" "$WORK/keygated-$NSA.log"
log "recovery on: $got_on of 60 pings answered in 30 s; RECVD_PKT_INV_SPI logged $n_log times"
[ "$got_on" -ge 45 ] || fail "too few pings after recovery"
[ "$n_log" -ge 1 ] && [ "$n_log" -le 4 ] || fail "RECVD_PKT_INV_SPI $n_log times in 30 s (rate limit 10 s)"
grep -q "received INVALID_SPI error notify" "$SW/charon.log" || { grep -i "notify" "$SW/charon.log" | tail; fail "strongSwan did not get INVALID-SPI"; }
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
