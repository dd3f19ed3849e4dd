#!/bin/bash
# IKEv1 NAT keepalives (RFC 3948 §2.3, crypto isakmp nat keepalive 5):
# keygated behind an nftables masquerade NAT brings up a seed 001 crypto map
# to strongSwan 5.9.8's IKEv1 on the public side (NAT-T: Main Mode floats to
# 4500, ESP in UDP); ping passes both ways; while idle keygated sends one-byte
# 0xFF datagrams to 4500 every 5 s (tshark on the public side: their
# spacing), and none while it sends ESP anyway or without the command.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_paths.sh"
lib_init
nat_topology
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
PSK=natka-site-key-0b9e
SW=$WORK/swb
sw_ikev1_psk "$SW" "$PSK" 192.0.2.128/25 192.0.2.0/25
sed -i -e 's/local_addrs = 198.51.100.2/local_addrs = 198.18.1.2/' -e 's/remote_addrs = 198.51.100.1/remote_addrs = %any/' \
  -e 's/id = 198.51.100.2/id = 198.18.1.2/' -e 's/id-b = 198.51.100.2/id-b = 198.18.1.2/' "$SW/swanctl.conf"
start_charon "$NSB" "$SW"
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key 0 $PSK address 198.18.1.2
crypto isakmp nat keepalive 5
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.18.1.2
 set transform-set TS
 set pfs group14
 match address 101
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
!
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
!
access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127
EOC
capture_start "$NSR" eth1 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg "$NSA" "show running-config" | grep -qx "crypto isakmp nat keepalive 5" || fail "running-config: nat keepalive"
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 || { kg "$NSA" "show crypto isakmp sa"; fail "no traffic through the NAT"; }
swanctl_ "$SW" --list-sas | grep -q "$NAT_PUB\[[0-9]*\]" || { swanctl_ "$SW" --list-sas; fail "strongSwan does not see the NAT's address"; }
kg "$NSA" "show crypto ipsec sa" | grep -q "UDP-Encaps" || fail "SA not UDP-encapsulated"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "IKEv1 crypto map up through the NAT (ESP in UDP 4500); pings both ways"
t_busy=$(date +%s.%N)
ip netns exec "$NSA" ping -q -I 192.0.2.1 -i 0.5 -c 24 192.0.2.129 >/dev/null 2>&1 || fail "ping during the busy period"
t_idle=$(date +%s.%N)
sleep 21
ping_ok "$NSB" 192.0.2.129 192.0.2.1 2 || fail "ping strongSwan->keygate after the idle time"
kg "$NSA" $'configure terminal\nno crypto isakmp nat keepalive\nend' || fail "no crypto isakmp nat keepalive"
t_off=$(date +%s.%N)
sleep 12
capture_stop
# Keepalives: UDP from the NAT's public address to 4500 with one byte of payload.
tshark -r "$WORK/cap.pcapng" -T fields -e frame.time_epoch -Y "ip.src == $NAT_PUB && udp.dstport == 4500 && udp.length == 9" \
  2>/dev/null >"$WORK/ka.txt"
busy=$(awk -v a="$t_busy" -v b="$t_idle" '$1 > a + 1 && $1 < b' "$WORK/ka.txt" | wc -l)
idle=$(awk -v a="$t_idle" -v b="$t_off" '$1 > a && $1 < b' "$WORK/ka.txt" | wc -l)
off=$(awk -v a="$t_off" '$1 > a + 1' "$WORK/ka.txt" | wc -l)
gaps=$(awk -v a="$t_idle" -v b="$t_off" '$1 > a && $1 < b { if (p) printf "%.1f ", $1 - p; p = $1 }' "$WORK/ka.txt")
log "keepalives: busy 12 s: $busy, idle 21 s: $idle (gaps: $gaps s), after no ...: $off"
[ "$busy" -eq 0 ] || fail "keepalives while ESP was going out"
[ "$idle" -ge 3 ] && [ "$idle" -le 5 ] || fail "expected about 4 keepalives in 21 idle seconds at 5 s"
for g in $gaps; do [ "$(echo "$g >= 4 && $g <= 7" | bc)" = 1 ] || fail "keepalive gap $g s, configured 5"; done
[ "$off" -eq 0 ] || fail "keepalives after no crypto isakmp nat keepalive"
tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
