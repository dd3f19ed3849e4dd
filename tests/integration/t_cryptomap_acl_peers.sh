#!/bin/bash
# A crypto map's access list and peer list as IOS uses them (seed 001),
# keygated against strongSwan 5.9.8's IKEv1:
#  1. fail-over: `set peer 198.51.100.3` (nobody there) comes before `set
#     peer 198.51.100.2` (strongSwan); the first packet starts Main Mode to
#     .3, which does not answer, and keygated moves on to .2: the SAs come
#     up within 30 s of the first packet (timed; Main Mode message 1 goes out
#     3 times, at 0, 2 and 6 s, before the next peer is tried at 14 s).
#  2. one IPsec SA per permit line: the two lines of the ACL (192.0.2.128/26
#     and 192.0.2.192/26) are two Quick Modes and two SA pairs (show crypto
#     ipsec sa, show crypto session, strongSwan's list-sas); a ping into each
#     /26 leaves on its own SA.
#  3. deny: `deny ip ... host 192.0.2.130` before the permit holding it: its
#     traffic is not steered into the map's device (nft `return`); the echo request to it
#     leaves eth0 in clear (tshark). As responder, strongSwan's Quick Mode
#     for 192.0.2.130/32 is refused (INVALID-ID-INFORMATION).
# tshark: no malformed ISAKMP in the capture.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
for a in 192.0.2.129/26 192.0.2.130/32 192.0.2.193/26; do ip -n "$NSB" addr add $a dev lo; done
# site-a's route to site-b's LAN without the map (the path in clear).
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
PSK=cmap-acl-key-52e9
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key 0 $PSK address 198.51.100.0 255.255.255.0
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.3
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
 match address VPN
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
!
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
!
ip access-list extended VPN
 deny ip 192.0.2.0 0.0.0.127 host 192.0.2.130
 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.63
 permit ip 192.0.2.0 0.0.0.127 192.0.2.192 0.0.0.63
EOC
SW=$WORK/swb
mkdir -p "$SW"
cat >"$SW/swanctl.conf" <<EOC
connections {
  kg {
    version = 1
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    encap = yes
    proposals = aes256-sha256-modp2048
    local { auth = psk
            id = 198.51.100.2 }
    remote { auth = psk
             id = 198.51.100.1 }
    children {
      kg { local_ts = 192.0.2.128/25
           remote_ts = 192.0.2.0/25
           esp_proposals = aes128-sha1-modp2048
           start_action = none }
      denied { local_ts = 192.0.2.130/32
               remote_ts = 192.0.2.0/25
               esp_proposals = aes128-sha1-modp2048
               start_action = none }
    }
  }
}
secrets {
  ike-kg { id-a = 198.51.100.1
           id-b = 198.51.100.2
           secret = "$PSK" }
}
EOC
start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
wait_for "kg_steering $NSA CMAP | grep -q 'ip daddr 192.0.2.192/26 counter .* meta mark set'" 5 ||
  { kg_steering "$NSA" CMAP; fail "the second permit line is not steered into cm-CMAP-10"; }
kg_steering "$NSA" CMAP >"$WORK/nft.txt"
grep -q 'ip saddr 192.0.2.0/25 ip daddr 192.0.2.128/26 counter .* meta mark set' "$WORK/nft.txt" || { cat "$WORK/nft.txt"; fail "the first permit line is not steered"; }
grep -q 'ip saddr 192.0.2.0/25 ip daddr 192.0.2.130 counter .* return' "$WORK/nft.txt" || { cat "$WORK/nft.txt"; fail "the deny line is not in the steering"; }
log "steering: both permit lines into cm-CMAP-10, the denied host 192.0.2.130 left out (in clear via eth0)"

# 1. The first peer does not answer; the second comes up.
t0=$(date +%s.%N)
ip netns exec "$NSA" ping -n -c 1 -W 1 -I 192.0.2.1 192.0.2.129 >/dev/null 2>&1
wait_for "swanctl_ '$SW' --list-sas | grep -c INSTALLED | grep -q 2" 40 ||
  { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; tail -30 "$WORK/keygated-$NSA.log"; fail "no SAs with the second peer"; }
t1=$(date +%s.%N)
up=$(echo "$t1 - $t0" | bc)
grep -q "peer 198.51.100.3 did not answer; trying 198.51.100.2" "$WORK/keygated-$NSA.log" ||
  { tail -30 "$WORK/keygated-$NSA.log"; fail "no fail-over log line"; }
(( $(echo "$up < 30" | bc) )) || fail "fail-over took ${up}s (want < 30 s)"
(( $(echo "$up > 10" | bc) )) || fail "up after ${up}s: the first peer was not tried"
log "fail-over: 198.51.100.3 silent, SAs with 198.51.100.2 up ${up}s after the first packet"

# 2. Two permit lines, two SAs.
kg "$NSA" "show crypto ipsec sa" >"$WORK/ipsec.txt"
n=$(grep -c "current outbound spi" "$WORK/ipsec.txt")
[ "$n" -eq 2 ] || { cat "$WORK/ipsec.txt"; fail "show crypto ipsec sa: $n SAs, want 2"; }
grep -q "remote ident (addr/mask/prot/port): (192.0.2.128/255.255.255.192/0/0)" "$WORK/ipsec.txt" &&
  grep -q "remote ident (addr/mask/prot/port): (192.0.2.192/255.255.255.192/0/0)" "$WORK/ipsec.txt" ||
  { cat "$WORK/ipsec.txt"; fail "show crypto ipsec sa: not one SA per permit line"; }
kg "$NSA" "show crypto session" >"$WORK/session.txt"
grep -q "IPSEC FLOW: permit ip 192.0.2.0-192.0.2.127 192.0.2.128-192.0.2.191" "$WORK/session.txt" &&
  grep -q "IPSEC FLOW: permit ip 192.0.2.0-192.0.2.127 192.0.2.192-192.0.2.255" "$WORK/session.txt" ||
  { cat "$WORK/session.txt"; fail "show crypto session: two flows expected"; }
swanctl_ "$SW" --list-sas >"$WORK/sas.txt"
grep -q "local  192.0.2.128/26" "$WORK/sas.txt" && grep -q "local  192.0.2.192/26" "$WORK/sas.txt" ||
  { cat "$WORK/sas.txt"; fail "strongSwan: not one CHILD_SA per permit line"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping into the first /26"
ping_ok "$NSA" 192.0.2.1 192.0.2.193 3 || fail "ping into the second /26"
ping_ok "$NSB" 192.0.2.193 192.0.2.1 3 || fail "ping from the second /26"
kg "$NSA" "show crypto ipsec sa" | grep -o "#pkts encaps: [0-9]*" | awk '{print $3}' >"$WORK/encaps.txt"
[ "$(awk '$1 >= 3' "$WORK/encaps.txt" | wc -l)" -eq 2 ] || { cat "$WORK/encaps.txt"; fail "each SA should carry its /26's pings"; }
log "one SA per permit line: two in show crypto ipsec sa and show crypto session, each carrying its own pings"

# 3. The denied host: in clear as initiator, refused as responder.
ip netns exec "$NSA" ping -n -c 2 -i 0.2 -W 1 -I 192.0.2.1 192.0.2.130 >/dev/null 2>&1
sw_initiate "$SW" denied && { cat "$SW/initiate.out"; fail "strongSwan's Quick Mode for the denied host was accepted"; }
wait_for "grep -q 'are not permitted by the access list' '$WORK/keygated-$NSA.log'" 5 || fail "no refusal logged for 192.0.2.130/32"
log "strongSwan's Quick Mode for 192.0.2.130/32 refused"
sleep 1
capture_stop
clear=$(tshark -r "$WORK/cap.pcapng" -Y 'icmp.type == 8 && ip.dst == 192.0.2.130' 2>/dev/null | wc -l)
leaked=$(tshark -r "$WORK/cap.pcapng" -Y 'icmp && ip.dst == 192.0.2.193' 2>/dev/null | wc -l)
[ "$clear" -ge 2 ] || fail "the echo requests to the denied host are not in clear on eth0 ($clear)"
[ "$leaked" -eq 0 ] || fail "permitted traffic in clear ($leaked)"
log "deny: echo requests to 192.0.2.130 in clear on eth0 ($clear), none to the permitted hosts"
tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
