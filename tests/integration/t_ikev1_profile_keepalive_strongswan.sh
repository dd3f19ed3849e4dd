#!/bin/bash
# `keepalive SECONDS retry RETRY` in a crypto isakmp profile, and the DPD
# vendor ID (RFC 3706 §5.1), against strongSwan 5.9.8 through a seed 001
# crypto map whose entry has `set isakmp-profile P`:
#  1. write-back of both lines; show crypto isakmp profile;
#  2. keygated's Main Mode carries the DPD vendor ID (strongSwan logs it)
#     and strongSwan's is recognised;
#  3. the profile's 10 s / retry 2 s override the global `crypto isakmp
#     keepalive 60 10`: strongSwan killed (SIGKILL) under traffic, keygated
#     declares it dead within 10 + 10 + 6 x 2 s (+ 2), far below the global
#     60 + 6 x 10 s, after exactly 6 R-U-THERE 2 s apart (tshark).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
KG_DEBUG=1
ikev1_two_sites prof-ka-key-3f61 "crypto isakmp keepalive 60 10
crypto isakmp profile P
 match identity address 198.51.100.2
 keepalive 10 retry 2
crypto map CMAP 10 ipsec-isakmp
 set isakmp-profile P"
kg "$NSA" "show running-config" >"$WORK/run.txt"
grep -qx " *keepalive 10 retry 2" "$WORK/run.txt" || { cat "$WORK/run.txt"; fail "running-config: profile keepalive"; }
grep -qx " set isakmp-profile P" "$WORK/run.txt" || fail "running-config: set isakmp-profile"
kg "$NSA" "show crypto isakmp profile" | grep -q "keepalive: 10 s, retry 2 s" || fail "show crypto isakmp profile"
# 2. The vendor IDs both ways.
grep -q "received DPD vendor ID" "$SW/charon.log" || { grep -i "vendor" "$SW/charon.log"; fail "strongSwan saw no DPD vendor ID"; }
grep -q "sent no DPD vendor ID" "$WORK/keygated-$NSA.log" && fail "keygated missed strongSwan's DPD vendor ID"
grep -q "ISAKMP profile P" "$WORK/keygated-$NSA.log" || fail "the SA does not use profile P"

# 3. The peer killed under traffic.
info_count() { tshark -r "$1" -Y "isakmp.exchangetype == 5 && ip.src == $2" -T fields -e frame.time_epoch 2>/dev/null; }
capture_start "$NSA" eth0 "$WORK/dead.pcapng"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 1 || fail "ping before the kill"
kill -9 "$CHARON"
t_kill=$(date +%s.%N)
log "strongSwan (pid $CHARON) killed"
ip netns exec "$NSA" ping -q -I 192.0.2.1 -i 0.5 -w 50 192.0.2.129 >/dev/null 2>&1 &
PING=$!
LIB_PIDS+=($PING)
wait_for "grep -q 'declared dead' '$WORK/keygated-$NSA.log'" 50 || { kg "$NSA" "show crypto isakmp sa"; fail "peer not declared dead"; }
t_dead=$(date +%s.%N)
took=$(echo "$t_dead - $t_kill" | bc)
log "peer declared dead $took s after the kill (profile: 10 s, retry 2 s; global: 60 s, retry 10 s)"
[ "$(echo "$took <= 10 + 10 + 6 * 2 + 2" | bc)" = 1 ] || fail "death detected too late: the profile's keepalive was not used"
kill "$PING" 2>/dev/null
capture_stop
info_count "$WORK/dead.pcapng" 198.51.100.1 >"$WORK/probes.txt"
probes=$(wc -l <"$WORK/probes.txt")
gap=$(awk 'NR > 1 {g = $1 - p; if (g > m) m = g} {p = $1} END {printf "%.1f", m}' "$WORK/probes.txt")
log "R-U-THERE sent to the dead peer: $probes, at most $gap s apart"
[ "$probes" -eq 6 ] || fail "expected 6 R-U-THERE (first + 5 retries), saw $probes"
[ "$(echo "$gap < 3" | bc)" = 1 ] || fail "retries $gap s apart: not the profile's 2 s"
tshark_check "$WORK/dead.pcapng" || fail "tshark: malformed"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
