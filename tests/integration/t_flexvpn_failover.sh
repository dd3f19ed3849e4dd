#!/bin/bash
# FlexVPN hub and spoke with keygate on both sides (seed 004, examples/
# flexvpn-hub1.cfg, flexvpn-hub2.cfg, flexvpn-spoke1.cfg): the spoke's
# FlexVPN client connects Tunnel0 to peer 1 (hub 1), gets its address from
# hub 1's pool, advertises its LAN (route set interface Loopback1) and
# installs the hub's LAN; the hub installs the spoke's LAN into its
# Virtual-Access; traffic flows LAN to LAN both ways. Hub 1 is killed
# (SIGKILL: no Delete): DPD declares it dead, the client moves to peer 2
# (hub 2, another namespace on the same segment), gets an address from hub 2's
# pool and traffic flows again. Hub 1 comes back: with peer reactivate the
# client's IKE_SA_INIT probe finds it answering, and the client returns to
# peer 1 (hub 2's session deleted, its address back in the pool).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_paths.sh"
lib_init
# NSA is hub 1 (198.51.100.1); NSB becomes the segment's switch; the spoke
# (198.51.100.2) and hub 2 (198.51.100.3) hang off it. The configurations
# put the addresses on eth0 and lo.
ip -n "$NSB" addr flush dev eth0
ip -n "$NSB" link add br0 type bridge || fail "bridge"
ip -n "$NSB" link set eth0 master br0
ip -n "$NSB" link set br0 up
# attach TAG: a namespace on the switch, in ATTACHED (not in a $(...)
# subshell: lib.sh's cleanup list must see it).
attach() {
  local ns t=kgf$RANDOM short
  short=$(basename "$0" .sh); short=${short#t_}; short=${short:0:20}
  ns=kg-$short-$1-$BASHPID
  ip netns add "$ns" || fail "netns add $ns"
  LIB_NETNS+=("$ns")
  ip -n "$ns" link set lo up
  ip link add "${t}a" netns "$ns" type veth peer name "${t}b" netns "$NSB" || fail "veth $ns"
  ip -n "$ns" link set "${t}a" name eth0
  ip -n "$ns" link set eth0 up
  ip -n "$NSB" link set "${t}b" master br0
  ip -n "$NSB" link set "${t}b" up
  ATTACHED=$ns
}
HUB1=$NSA
attach s; SPOKE=$ATTACHED
attach h2; HUB2=$ATTACHED
ip -n "$HUB1" addr flush dev eth0
# DPD periodic 10 s / retry 2 s on the spoke: hub 1 is declared dead at most
# 10 + 5 x 2 s after it stops answering.
{ cat "$KG_SOURCE_DIR/examples/flexvpn-spoke1.cfg"; printf 'crypto ikev2 profile default\n dpd 10 2 periodic\n'; } >"$WORK/spoke.cfg"
start_keygated "$HUB1" "$KG_SOURCE_DIR/examples/flexvpn-hub1.cfg"; HUB1_PID=$KG_LAST_PID
start_keygated "$HUB2" "$KG_SOURCE_DIR/examples/flexvpn-hub2.cfg"
start_keygated "$SPOKE" "$WORK/spoke.cfg"

client() { kg "$SPOKE" "show crypto ikev2 client flexvpn default"; }
wait_for "client | grep -q 'Current state:Tunnel0 up' && client | grep -q 'Tunnel0 : 198.18.1.'" 30 ||
  { client; kg "$SPOKE" "show crypto ikev2 sa"; fail "spoke not connected to hub 1 within 30 s"; }
client | grep -q "Peer : 198.51.100.1" || { client; fail "not connected to peer 1"; }
client
addr1=$(client | awk '/^Tunnel0 :/ {print $3}')
ip -n "$SPOKE" -4 addr show dev Tunnel0 | grep -q "inet $addr1/" || { ip -n "$SPOKE" addr show dev Tunnel0; fail "Tunnel0 lacks $addr1"; }
j=$(kg "$SPOKE" "show crypto ikev2 client flexvpn | json") || fail "show crypto ikev2 client flexvpn | json"
[ "$(jq -r '.flexvpn_clients[0] | "\(.tunnel_up) \(.peer) \(.assigned_address)"' <<<"$j")" = "true 198.51.100.1 $addr1" ] ||
  fail "flexvpn client json: $j"
kg "$HUB1" "show ip local pool SPOKES" | grep -q "$addr1 *Vi1 *spoke1.example.net" ||
  { kg "$HUB1" "show ip local pool SPOKES"; fail "hub 1 pool does not show the lease"; }
# IKEv2 routing both ways: the hub's LAN on the spoke, the spoke's LAN on the hub.
ip -n "$SPOKE" route show 203.0.113.0/24 | grep -q "dev Tunnel0" || { ip -n "$SPOKE" route; fail "spoke has no route to the hub LAN"; }
ip -n "$HUB1" route show 192.0.2.0/25 | grep -q "dev Vt1" || { ip -n "$HUB1" route; fail "hub 1 has no route to the spoke LAN"; }
log "spoke on hub 1 with $addr1; routes: spoke 203.0.113.0/24 -> Tunnel0, hub 192.0.2.0/25 -> Vt1"
wait_for "ping_ok $SPOKE 192.0.2.1 203.0.113.1 1" 10 || fail "first ping spoke LAN -> hub 1 LAN"
ping_ok "$SPOKE" 192.0.2.1 203.0.113.1 3 || fail "ping spoke LAN -> hub 1 LAN"
ping_ok "$HUB1" 203.0.113.1 192.0.2.1 3 || fail "ping hub 1 LAN -> spoke LAN"
grep -q "%FLEXVPN-6-FLEXVPN_CONNECTION_UP: FlexVPN(default) Client_public_addr = 198.51.100.2 Server_public_addr = 198.51.100.1" \
  "$WORK/keygated-$SPOKE.log" || fail "no FLEXVPN_CONNECTION_UP log line"

# Hub 1 dies without a word.
kill -KILL "$HUB1_PID"; wait "$HUB1_PID" 2>/dev/null
t_kill=$(date +%s)
log "hub 1 (pid $HUB1_PID) killed"
wait_for "client | grep -q 'Peer : 198.51.100.3' && client | grep -q 'Current state:Tunnel0 up' && client | grep -q 'Tunnel0 : 198.18.2.'" 45 ||
  { client; kg "$SPOKE" "show crypto ikev2 sa"; fail "spoke did not move to hub 2 within 45 s"; }
t_up=$(date +%s)
client
grep -q "did not answer DPD after 5 tries: declared dead" "$WORK/keygated-$SPOKE.log" || fail "DPD did not declare hub 1 dead"
grep -q "%FLEXVPN-6-FLEXVPN_CONNECTION_DOWN: FlexVPN(default) Client_public_addr = 198.51.100.2 Server_public_addr = 198.51.100.1" \
  "$WORK/keygated-$SPOKE.log" || fail "no FLEXVPN_CONNECTION_DOWN log line"
addr2=$(client | awk '/^Tunnel0 :/ {print $3}')
ip -n "$SPOKE" -4 addr show dev Tunnel0 | grep -q "inet $addr2/" || { ip -n "$SPOKE" addr show dev Tunnel0; fail "Tunnel0 lacks $addr2"; }
ip -n "$SPOKE" -4 addr show dev Tunnel0 | grep -q "inet $addr1/" && fail "Tunnel0 still has hub 1's $addr1"
ip -n "$HUB2" route show 192.0.2.0/25 | grep -q "dev Vt1" || { ip -n "$HUB2" route; fail "hub 2 has no route to the spoke LAN"; }
log "spoke on hub 2 with $addr2, $((t_up - t_kill)) s after hub 1 died"
wait_for "ping_ok $SPOKE 192.0.2.1 203.0.113.1 1" 10 || fail "first ping spoke LAN -> hub 2 LAN"
ping_ok "$SPOKE" 192.0.2.1 203.0.113.1 3 || fail "ping spoke LAN -> hub 2 LAN"
ping_ok "$HUB2" 203.0.113.1 192.0.2.1 3 || fail "ping hub 2 LAN -> spoke LAN"

# Hub 1 comes back (a new keygated in its namespace).
rm -rf "$WORK/kg-$HUB1"; mv "$WORK/keygated-$HUB1.log" "$WORK/keygated-$HUB1-first.log"
start_keygated "$HUB1" "$KG_SOURCE_DIR/examples/flexvpn-hub1.cfg"
t_back=$(date +%s)
wait_for "client | grep -q 'Peer : 198.51.100.1' && client | grep -q 'Current state:Tunnel0 up' && client | grep -q 'Tunnel0 : 198.18.1.'" 40 ||
  { client; kg "$SPOKE" "show crypto ikev2 sa"; fail "spoke did not return to hub 1 within 40 s (peer reactivate)"; }
log "spoke back on hub 1 $(( $(date +%s) - t_back )) s after it restarted"
grep -q "peer 1 198.51.100.1 answers again; returning to it (peer reactivate)" "$WORK/keygated-$SPOKE.log" ||
  fail "no peer reactivate log line"
wait_for "kg $HUB2 'show ip local pool SPOKES' | grep -q -E '^ SPOKES .* 90 +0 '" 15 ||
  { kg "$HUB2" "show ip local pool SPOKES"; fail "hub 2 kept the spoke's address"; }
wait_for "ping_ok $SPOKE 192.0.2.1 203.0.113.1 1" 10 || fail "first ping spoke LAN -> hub 1 LAN after the return"
ping_ok "$HUB1" 203.0.113.1 192.0.2.1 3 || fail "ping hub 1 LAN -> spoke LAN after the return"
log "PASS"
