#!/bin/bash
# IKEv1 dead peer detection (RFC 3706, crypto isakmp keepalive, seed 001)
# against strongSwan 5.9.8 through a seed 001 crypto map:
#  1. on-demand (the default), idle after traffic strongSwan started (its
#     pings, keygated's echo replies): no R-U-THERE in 25 s (our replies
#     are no traffic of ours after the keepalive interval of silence);
#  2. `keepalive 10 2 periodic`, idle: one R-U-THERE per 10 s, each
#     answered by strongSwan (tshark counts the informational exchanges);
#  3. on-demand again, strongSwan killed (SIGKILL by its pid) while keygated
#     keeps pinging into the map: keygated probes, declares the peer dead
#     within 10 + 6 x 2 s of the last packet it received (+ 1 interval to
#     notice) and removes the ISAKMP and IPsec SAs (show crypto isakmp sa,
#     show crypto session, show crypto ipsec sa).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ikev1_two_sites dpd-site-key-51c3 "crypto isakmp keepalive 10"
kg "$NSA" "show running-config" | grep -qx "crypto isakmp keepalive 10" || fail "running-config: keepalive line"

# Informational exchanges (5) from A to B in a capture.
info_count() { tshark -r "$1" -Y "isakmp.exchangetype == 5 && ip.src == $2" 2>/dev/null | wc -l; }

# 1. On-demand and idle after the peer's own traffic: nothing to ask.
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
capture_start "$NSA" eth0 "$WORK/ondemand.pcapng"
sleep 25
capture_stop
od=$(info_count "$WORK/ondemand.pcapng" 198.51.100.1)
log "on-demand, idle 25 s after strongSwan's pings: $od R-U-THERE from keygated"
[ "$od" -eq 0 ] || fail "on-demand DPD probed an idle peer"

# 2. Periodic: every 10 s of silence, answered.
kg "$NSA" $'configure terminal\ncrypto isakmp keepalive 10 2 periodic\nend' || fail "keepalive periodic"
kg "$NSA" "show running-config" | grep -qx "crypto isakmp keepalive 10 periodic" || fail "running-config: periodic"
capture_start "$NSA" eth0 "$WORK/periodic.pcapng"
sleep 31
capture_stop
pa=$(info_count "$WORK/periodic.pcapng" 198.51.100.1)
pb=$(info_count "$WORK/periodic.pcapng" 198.51.100.2)
log "periodic 10 s, idle 31 s: $pa R-U-THERE from keygated, $pb answers from strongSwan"
[ "$pa" -ge 2 ] && [ "$pa" -le 4 ] || fail "periodic DPD: $pa probes in 31 s"
[ "$pb" -eq "$pa" ] || { grep -i "dpd\|R_U_THERE" "$SW/charon.log" | tail; fail "strongSwan answered $pb of $pa"; }
kg "$NSA" "show crypto isakmp sa" | grep -q "QM_IDLE" || fail "the answered probes lost the SA"
tshark_check "$WORK/periodic.pcapng" || fail "tshark: malformed"

# 3. On-demand, the peer killed under traffic.
kg "$NSA" $'configure terminal\ncrypto isakmp keepalive 10 2 on-demand\nend' || fail "keepalive on-demand"
kg "$NSA" "show running-config" | grep -qx "crypto isakmp keepalive 10" || fail "running-config: on-demand is not written"
capture_start "$NSA" eth0 "$WORK/dead.pcapng"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 1 || fail "ping before the kill"
kill -9 "$CHARON"
t_kill=$(date +%s.%N)
log "strongSwan (pid $CHARON) killed"
ip netns exec "$NSA" ping -q -I 192.0.2.1 -i 0.5 -w 45 192.0.2.129 >/dev/null 2>&1 &
PING=$!
LIB_PIDS+=($PING)
wait_for "grep -q 'declared dead' '$WORK/keygated-$NSA.log'" 45 || { kg "$NSA" "show crypto isakmp sa"; fail "peer not declared dead"; }
t_dead=$(date +%s.%N)
took=$(echo "$t_dead - $t_kill" | bc)
log "peer declared dead $took s after the kill (on-demand 10 s, retry 2 s)"
[ "$(echo "$took <= 10 + 10 + 6 * 2 + 2" | bc)" = 1 ] || fail "death detected too late"
kg "$NSA" "show crypto isakmp sa" >"$WORK/isa.txt"
grep -q "QM_IDLE" "$WORK/isa.txt" && { cat "$WORK/isa.txt"; fail "the ISAKMP SA outlived the peer"; }
kg "$NSA" "show crypto session" >"$WORK/session.txt"
grep -q "UP-ACTIVE" "$WORK/session.txt" && { cat "$WORK/session.txt"; fail "show crypto session still UP-ACTIVE"; }
kg "$NSA" "show crypto ipsec sa" | grep -q "inbound esp sas:" && kg "$NSA" "show crypto ipsec sa" | grep -A1 "inbound esp sas:" | grep -q "spi:" &&
  { kg "$NSA" "show crypto ipsec sa"; fail "IPsec SAs outlived the peer"; }
grep -q "%CRYPTO-5-SESSION_STATUS: Crypto tunnel is DOWN" "$WORK/keygated-$NSA.log" || fail "no SESSION_STATUS DOWN"
kill "$PING" 2>/dev/null
capture_stop
probes=$(info_count "$WORK/dead.pcapng" 198.51.100.1)
log "R-U-THERE sent to the dead peer: $probes"
[ "$probes" -eq 6 ] || fail "expected 6 R-U-THERE (first + 5 retries), saw $probes"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
