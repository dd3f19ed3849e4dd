#!/bin/bash
# Reordering (issue 21; the kernel has no netem, so a user-space relay,
# reorder_relay.py, sits between the two keygated and reorders site-a's ESP):
#  1. every pair of ESP packets swapped: no ping lost, no replay failure on
#     site-b (RFC 4303 §3.4.3: the window accepts packets that come late
#     within its size);
#  2. one packet held back behind 30 later ones (inside the 64-packet
#     window): accepted, no replay failure;
#  3. one packet held back behind 100 (outside the window): dropped and
#     counted as exactly one replay failure; the tunnel goes on.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_paths.sh"
lib_init
# NSA 198.51.100.1 - relay NSR 198.51.100.254 | 198.18.1.254 - NSB 198.18.1.2
ip -n "$NSA" link del eth0 || fail "del eth0"
NSR=$(add_ns r)
veth_link "$NSA" eth0 198.51.100.1/24 "$NSR" eth0 198.51.100.254/24
veth_link "$NSR" eth1 198.18.1.254/24 "$NSB" eth0 198.18.1.2/24
echo pass >"$WORK/mode"
ip netns exec "$NSR" python3 "$d/reorder_relay.py" 198.51.100.254 198.18.1.254 198.18.1.2 \
  "$WORK/mode" "$WORK/relay.stats" >"$WORK/relay.log" 2>&1 &
LIB_PIDS+=($!)
sed -e 's/address 198.51.100.2$/address 198.51.100.254/' -e 's/tunnel destination 198.51.100.2/tunnel destination 198.51.100.254/' \
  "$KG_SOURCE_DIR/examples/site-a.cfg" >"$WORK/a.cfg"
site_b_public "$WORK/b.cfg"
start_keygated "$NSA" "$WORK/a.cfg"
start_keygated "$NSB" "$WORK/b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { cat "$WORK/relay.log"; fail "no IKE SA through the relay"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
# Both ends start the tunnel at once: when their IKE SAs cross, one goes a
# moment later with its CHILD_SA, and what site-b counted on it goes too. So
# count only once each end has one IKE SA and one CHILD_SA, for a second.
# (Counting earlier came up short by 1 to 25 of 100 in a run of ten.)
one_each() {
  local ns
  for ns in "$NSA" "$NSB"; do
    [ "$(kg_ready_count "$ns")" = 1 ] && [ "$(kg "$ns" "show crypto ipsec sa" | grep -c "inbound esp sas:")" = 1 ] || return 1
  done
}
wait_for "one_each && sleep 1 && one_each" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "not one SA on each end"; }
kg "$NSB" "show crypto ipsec sa" | grep -q "window size 64" || fail "site-b's replay window is not 64"

# sa_sum "#replay failures": that counter of site-b's SAs, summed.
sa_sum() { kg "$NSB" "show crypto ipsec sa" | grep -o "$1 [0-9]*" | awk '{s += $NF} END {print s + 0}'; }
replay_failures() { sa_sum "#replay failures"; }
# Decapsulated or dropped by the selectors (site-a's Tunnel0 also sends the
# odd IPv6 packet): ESP that passed the replay and ICV checks.
accepted() { echo $(($(sa_sum "#pkts decaps:") + $(sa_sum "#policy drops"))); }
stat() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' "$WORK/relay.stats"; }
# burst MODE N [DROPS]: N pings, 20 ms apart, from site-a with the relay in
# MODE; then compares what the relay passed on with what site-b accepted and
# counted as replayed. Prints "esp E accepted A replay R" (the increments).
# DROPS: how many packets the step means site-b to drop (default 0).
burst() {
  local e0 d0 r0 drops=${3:-0}
  e0=$(stat esp); d0=$(accepted); r0=$(replay_failures)
  echo "$1" >"$WORK/mode.new"; mv "$WORK/mode.new" "$WORK/mode"
  ip netns exec "$NSA" ping -n -q -i 0.02 -W 1 -c "$2" -I 192.0.2.1 192.0.2.129 >/dev/null
  echo pass >"$WORK/mode.new"; mv "$WORK/mode.new" "$WORK/mode"
  sleep 1  # a packet the relay still holds leaves after 0.5 s
  # Read until two readings agree and site-b has taken every packet the
  # relay passed on but DROPS, for up to 10 s: a packet just passed on (a
  # late one on a loaded machine, or site-a's odd IPv6 packet) may still wait
  # in site-b's socket for keygated's turn; a dropped one never arrives.
  local now last="" esp acc end=$(($(date +%s) + 10))
  while :; do
    esp=$(($(stat esp) - e0)) acc=$(($(accepted) - d0))
    now="esp $esp accepted $acc replay $(($(replay_failures) - r0))"
    echo "$(date +%T.%N) d0 $d0 e0 $e0 $now" >>"$WORK/readings"
    [ "$now" = "$last" ] && [ "$acc" -ge $((esp - drops)) ] && break
    [ "$(date +%s)" -ge "$end" ] && break
    last=$now; sleep 0.3
  done
  echo "$now"
}
field() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' <<<"$2"; }

s0=$(stat reordered)
r=$(burst swap 100)
log "swap: $(($(stat reordered) - s0)) pairs swapped; $r"
[ $(($(stat reordered) - s0)) -ge 40 ] || fail "the relay swapped too few packets"
[ "$(field esp "$r")" -ge 100 ] && [ "$(field accepted "$r")" = "$(field esp "$r")" ] && [ "$(field replay "$r")" = 0 ] ||
  { tail -3 "$WORK/readings"; cat "$WORK/relay.stats"; kg "$NSB" "show crypto ipsec sa" | grep -E "decaps|policy"; kg "$NSB" "show crypto ikev2 stats" | grep -i "data path"; ip netns exec "$NSB" nstat -az | grep -Ei "udp|drop|err" | grep -v " 0 "; ip netns exec "$NSR" nstat -az | grep -Ei "udp|drop|err" | grep -v " 0 "; fail "swapped packets were dropped"; }

r=$(burst "late 30" 60)
log "late 30: $r"
[ "$(stat late)" = 1 ] || fail "the relay did not hold a packet back"
[ "$(field accepted "$r")" = "$(field esp "$r")" ] && [ "$(field replay "$r")" = 0 ] ||
  { kg "$NSB" "show crypto ipsec sa"; kg "$NSB" "show crypto ikev2 stats"; fail "a packet 30 late (inside the window) was dropped"; }

r=$(burst "late 100" 130 1)
log "late 100: $r"
[ "$(stat late)" = 2 ] || fail "the relay did not hold a packet back"
[ "$(field accepted "$r")" = $(($(field esp "$r") - 1)) ] && [ "$(field replay "$r")" = 1 ] ||
  fail "a packet 100 late (outside the window): not exactly one replay drop"

echo pass >"$WORK/mode"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping after the reordering"
log "PASS"
