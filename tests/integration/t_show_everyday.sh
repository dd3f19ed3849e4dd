#!/bin/bash
# The everyday exec commands of issue 14 through the real `keygate -c` CLI,
# against keygated running examples/site-a.cfg opposite site-b.cfg:
# show version, show clock, show ip route / show ipv6 route (connected veth
# subnet, local addresses, the tunnel route), show ip interface brief (a
# configured interface the kernel lacks is never up), ping (answered, through
# the tunnel, unanswered; the daemon keeps answering while a ping waits),
# logging buffered / show logging / clear logging.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSA" addr add 2001:db8:100::1/64 dev eth0 nodad
ip -n "$NSB" addr add 2001:db8:100::2/64 dev eth0 nodad
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
log "IKE SA READY on both sides"
# want TEXT REGEX WHAT: TEXT has a line matching the extended REGEX.
want() { grep -qE "$2" <<<"$1" || { echo "$1"; fail "$3: no line matching '$2'"; }; }
wont() { ! grep -qE "$2" <<<"$1" || { echo "$1"; fail "$3: a line matches '$2'"; }; }

v=$(kg "$NSA" "show version") || fail "show version"
want "$v" '^keygate Software \(keygated\), Version [0-9]+\.[0-9]+\.[0-9]+' "show version"
want "$v" '^site-a uptime is [0-9]+ (minute|minutes)$' "show version uptime"
want "$v" "^Linux kernel $(uname -r) " "show version kernel"
want "$v" '^Configuration register is 0x2102$' "show version"
log "show version: $(head -n 1 <<<"$v")"

c=$(kg "$NSA" "show clock") || fail "show clock"
want "$c" '^\*?[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3} UTC (Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [1-9][0-9]? [0-9]{4}$' "show clock"
[ "$(awk '{print $NF}' <<<"$c")" = "$(date -u +%Y)" ] || fail "show clock year: $c"
log "show clock: $c"

r=$(kg "$NSA" "show ip route") || fail "show ip route"
want "$r" '^Codes: L - local, C - connected, S - static' "show ip route"
want "$r" '^Gateway of last resort is not set$' "show ip route"
want "$r" '^C +198\.51\.100\.0/24 is directly connected, eth0$' "show ip route (connected veth subnet)"
want "$r" '^L +198\.51\.100\.1/32 is directly connected, eth0$' "show ip route (local address)"
want "$r" '^S +192\.0\.2\.128/25 is directly connected, Tunnel0$' "show ip route (tunnel route)"
want "$r" '^C +192\.0\.2\.0/25 is directly connected, Loopback0$' "show ip route (loopback)"
want "$r" '^C +203\.0\.113\.0/30 is directly connected, Tunnel0$' "show ip route (tunnel subnet)"
wont "$r" '127\.0\.0\.' "show ip route (host loopback net)"
log "show ip route: connected, local, loopback and tunnel routes"
r6=$(kg "$NSA" "show ipv6 route") || fail "show ipv6 route"
want "$r6" '^IPv6 Routing Table - default - [0-9]+ entries$' "show ipv6 route"
want "$r6" '^C   2001:DB8:100::/64 \[0/0\]$' "show ipv6 route (connected)"
want "$r6" '^L   2001:DB8:100::1/128 \[0/0\]$' "show ipv6 route (local)"
wont "$r6" '^.   FE80' "show ipv6 route (link-local)"

b=$(kg "$NSA" "show ip interface brief") || fail "show ip interface brief"
want "$b" '^Interface +IP-Address +OK\? Method Status +Protocol$' "show ip interface brief"
want "$b" '^eth0 +198\.51\.100\.1 +YES NVRAM +up +up$' "brief eth0"
want "$b" '^Tunnel0 +203\.0\.113\.1 +YES NVRAM +up +up$' "brief Tunnel0"
want "$b" '^Loopback0 +192\.0\.2\.1 +YES NVRAM +up +up$' "brief Loopback0"

# logging buffered: a daemon log line lands in the buffer.
kg "$NSA" $'configure terminal\nlogging buffered 8192 debugging\nend' || fail "logging buffered"
kg "$NSA" "show running-config" | grep -qx "logging buffered 8192 debugging" || fail "running-config lacks logging buffered"
# An interface the kernel does not have: warned about (a log line), never up.
kg "$NSA" $'configure terminal\ninterface eth7\n ip address 198.18.0.1 255.255.255.0\nend' || fail "interface eth7"
b=$(kg "$NSA" "show ip interface brief")
want "$b" '^eth7 +198\.18\.0\.1 +YES NVRAM +down +down$' "brief: eth7 (not in the kernel)"
wont "$b" '^eth7 .* up' "brief: eth7 shown up"
l=$(kg "$NSA" "show logging") || fail "show logging"
want "$l" '^Syslog logging: enabled' "show logging"
want "$l" '^    Buffer logging:  level debugging, [1-9][0-9]* messages logged' "show logging"
want "$l" '^Log Buffer \(8192 bytes\):$' "show logging"
want "$l" '^\*[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}\.[0-9]{3}: interface eth7: ' "show logging (daemon line)"
wont "$l" 'cisco123' "show logging (a secret)"
log "show logging: $(grep -c '^\*' <<<"$l") buffered line(s), e.g. $(grep -m1 'eth7' <<<"$l")"
cl=$(kg "$NSA" "clear logging") || fail "clear logging"
want "$cl" 'cleared' "clear logging"
l=$(kg "$NSA" "show logging")
want "$l" '^Log Buffer \(8192 bytes\):$' "show logging after clear"
wont "$l" '^\*' "show logging after clear"
kg "$NSA" $'configure terminal\nno logging buffered\nend' || fail "no logging buffered"
want "$(kg "$NSA" "show logging")" '^    Buffer logging:  disabled' "show logging after no logging buffered"
kg "$NSA" "show running-config" | grep -q "^logging" && fail "running-config keeps logging buffered"
log "logging buffered, show logging, clear logging, no logging buffered"

p=$(kg "$NSA" "ping 198.51.100.2") || fail "ping"
want "$p" '^Type escape sequence to abort\.$' "ping"
want "$p" '^Sending 5, 100-byte ICMP Echos to 198\.51\.100\.2, timeout is 2 seconds:$' "ping"
want "$p" '^!!!!!$' "ping peer"
want "$p" '^Success rate is 100 percent \(5/5\), round-trip min/avg/max = [0-9]+/[0-9]+/[0-9]+ ms$' "ping peer"
log "ping 198.51.100.2: $(tail -n 1 <<<"$p")"
# Through the tunnel from the gateway itself: the data path must run while
# the ping waits for its replies.
p=$(kg "$NSA" "ping 192.0.2.129 source Loopback0 repeat 10 size 1000") || fail "ping through the tunnel"
want "$p" '^Packet sent with a source address of 192\.0\.2\.1$' "ping source"
want "$p" '^!!!!!!!!!!$' "ping through the tunnel"
want "$p" '^Success rate is 100 percent \(10/10\)' "ping through the tunnel"
log "ping 192.0.2.129 source Loopback0: $(tail -n 1 <<<"$p")"
p=$(kg "$NSA" "ping 2001:db8:100::2 repeat 3") || fail "ping IPv6"
want "$p" '^!!!$' "ping IPv6"
# An address that answers nothing (NSB does not forward): each echo times out.
ip -n "$NSA" route add 203.0.113.96/28 via 198.51.100.2
t0=$(date +%s.%N)
kg "$NSA" "ping 203.0.113.99 timeout 1" >"$WORK/ping-lost.out" 2>&1 &
pid=$!
sleep 1
# The daemon answers other commands while that ping waits (blocked, it would
# take the ~4 s left of the ping; 2.5 s leaves room for a loaded machine).
s0=$(date +%s.%N)
kg "$NSA" "show clock" >/dev/null || fail "show clock during a ping"
s1=$(date +%s.%N)
wait $pid || { cat "$WORK/ping-lost.out"; fail "ping 203.0.113.99"; }
t1=$(date +%s.%N)
p=$(cat "$WORK/ping-lost.out")
want "$p" '^\.\.\.\.\.$' "ping of an unused address"
want "$p" '^Success rate is 0 percent \(0/5\)$' "ping of an unused address"
[ "$(echo "$s1 - $s0 < 2.5" | bc)" = 1 ] || fail "show clock took $(echo "$s1 - $s0" | bc) s during a ping"
[ "$(echo "$t1 - $t0 >= 4.5" | bc)" = 1 ] || fail "ping 203.0.113.99 timeout 1 returned after $(echo "$t1 - $t0" | bc) s, not ~5 s"
log "ping 203.0.113.99: $(tail -n 1 <<<"$p") in $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s; show clock meanwhile took $(printf '%.3f' "$(echo "$s1 - $s0" | bc)") s"
e=$(kg "$NSA" "ping 203.0.113.99 source eth9" 2>&1) && fail "ping with a missing source interface succeeded"
want "$e" 'Invalid source interface' "ping source eth9"
# `| json` (NX-OS): the same facts as documents a script can read.
j=$(kg "$NSA" "show version | json") || fail "show version | json"
[ "$(jq -r .hostname <<<"$j")" = site-a ] || fail "show version | json: $j"
j=$(kg "$NSA" "show crypto ikev2 sa | json") || fail "show crypto ikev2 sa | json"
[ "$(jq -r '.ikev2_sas[0].status' <<<"$j")" = READY ] || fail "show crypto ikev2 sa | json: $j"
[ "$(jq -r '.ikev2_sas[0].remote_id' <<<"$j")" = site-b.example.net ] || fail "ikev2 sa json remote_id: $j"
[ "$(jq '.ikev2_sas[0].child_sas | length' <<<"$j")" -ge 1 ] || fail "ikev2 sa json children: $j"
j=$(kg "$NSA" "show crypto ipsec sa | json") || fail "show crypto ipsec sa | json"
[ "$(jq '[.ipsec_sas[] | select(.interface=="Tunnel0")] | length' <<<"$j")" -ge 1 ] || fail "ipsec sa json: $j"
[ "$(jq '[.ipsec_sas[].pkts_encaps] | add' <<<"$j")" -gt 0 ] || fail "ipsec sa json counters: $j"
j=$(kg "$NSA" "show crypto ikev2 stats | json") || fail "show crypto ikev2 stats | json"
[ "$(jq '.sas.out_total + .sas.in_total' <<<"$j")" -ge 1 ] || fail "ikev2 stats json: $j"
j=$(kg "$NSA" "show interfaces | json") || fail "show interfaces | json"
[ "$(jq -r '.interfaces[] | select(.name=="Tunnel0") | .line_protocol' <<<"$j")" = up ] || fail "interfaces json: $j"
j=$(kg "$NSA" "show ip interface brief | json") || fail "show ip interface brief | json"
[ "$(jq -r '.interfaces[] | select(.interface=="Tunnel0") | .protocol' <<<"$j")" = up ] || fail "brief json: $j"
j=$(kg "$NSA" "show ip route | json") || fail "show ip route | json"
jq -e '.routes[] | select(.prefix=="198.51.100.0/24" and .code=="C")' <<<"$j" >/dev/null || fail "route json: $j"
out=$(kg "$NSA" "show running-config | json" 2>&1) && fail "show running-config | json succeeded"
grep -q "JSON output is not available" <<<"$out" || fail "json on a text-only command: $out"
log "| json answers with documents"
log "PASS"
