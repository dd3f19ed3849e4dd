#!/bin/bash
# A flood of IKE_SA_INIT from spoofed sources (keygate-ikeflood in a third
# namespace, 198.18.0.0/16) against keygated with cookie-challenge 10: cookies
# engage (show crypto ikev2 stats), the spoofed half-open SAs stay at the
# threshold, and a legitimate strongSwan initiator still connects through the
# cookie exchange (its log and tshark show N(COOKIE)) and passes traffic.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_paths.sh"
FLOOD=$KG_BUILD_DIR/tools/ikeflood/keygate-ikeflood
[ -x "$FLOOD" ] || fail "no $FLOOD"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
NSC=$(add_ns c)
veth_link "$NSA" eth1 198.19.255.1/24 "$NSC" eth0 198.19.255.2/24
ip -n "$NSC" route add default via 198.19.255.1
# Answers to the spoofed sources go back towards the flooder, which drops them.
ip -n "$NSA" route add 198.18.0.0/16 via 198.19.255.2
ip netns exec "$NSA" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0

SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
# keygated only responds here: drop its own IKE requests as original
# initiator (I flag, RFC 7296 §3.1) so strongSwan's initiation is the one.
ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet kgtest {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,216,8 & 0x08 == 0x08 drop
  }
}
EON
CFG=$WORK/site-a-dos.cfg
site_a_with "$CFG" "crypto ikev2 cookie-challenge 10" "crypto ikev2 limit max-in-negotiation-sa 100 incoming"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$CFG"

ip netns exec "$NSC" "$FLOOD" -d 198.51.100.1 -s 198.18.0.0/16 -r 1000 -t 60 >"$WORK/flood.log" 2>&1 &
FLOOD_PID=$!; LIB_PIDS+=($FLOOD_PID)
wait_for "[ \"\$(kg_stat $NSA 'rejected no cookie:')\" -ge 500 ]" 20 ||
  { kg "$NSA" "show crypto ikev2 stats"; fail "cookies did not engage under the flood"; }
log "cookies engaged: $(kg_stat "$NSA" 'rejected no cookie:') spoofed requests answered with N(COOKIE) only"

sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan could not connect during the flood"; }
wait_for "kg_ready $NSA" 15 || { kg "$NSA" "show crypto ikev2 stats"; fail "keygated shows no READY SA"; }
log "strongSwan connected during the flood"
grep -q 'N(COOKIE)' "$SW/charon.log" || fail "strongSwan never saw a COOKIE (was it challenged?)"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping keygate->strongSwan"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping keygate->strongSwan during the flood"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping strongSwan->keygate during the flood"

stats=$(kg "$NSA" "show crypto ikev2 stats")
echo "$stats" | sed -n 1,20p
kill -0 $FLOOD_PID 2>/dev/null || fail "the flood ended before the checks: $(cat "$WORK/flood.log")"
# "accepted:" of the line under "Cookie Challenged Requests" (the same label
# on the Incoming/Outgoing Requests lines comes first).
acc=$(echo "$stats" | awk '/Cookie Challenged Requests/ { getline; for (i = 1; i < NF; i++) if ($i == "accepted:") { print $(i + 1); exit } }')
[ "${acc:-0}" -ge 1 ] || fail "no cookie accepted (strongSwan's retry)"
neg=$(echo "$stats" | grep -o 'Total incoming IKEv2 SA Count: *[0-9]* *active: *[0-9]* *negotiating: [0-9]*' | grep -o '[0-9]*$')
# Ten spoofed half-open SAs made before cookies engaged; none after.
[ "$neg" -le 10 ] || fail "$neg half-open SAs: the flood created state past the cookie threshold"
grep -q "Max in nego(in/out): 100/400" <<<"$stats" || fail "limits not shown"
capture_stop
kill -TERM $FLOOD_PID; wait $FLOOD_PID; cat "$WORK/flood.log"
# On the wire to strongSwan: an IKE_SA_INIT answer carrying only N(COOKIE)
# (notify type 16390) and strongSwan's retry echoing it.
n=$(tshark -r "$WORK/cap.pcapng" -Y 'isakmp.exchangetype == 34 && isakmp.notify.msgtype == 16390' 2>/dev/null | wc -l)
[ "$n" -ge 2 ] || fail "tshark: $n IKE_SA_INIT frames with N(COOKIE) between keygate and strongSwan, want >= 2"
tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
log "PASS"
