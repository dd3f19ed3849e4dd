#!/bin/bash
# Easy VPN server (seed 001, examples/ezvpn-server.cfg) with strongSwan 5.9.8
# IKEv1 clients (xauth-generic, unity): Aggressive Mode with the group name as
# ID_KEY_ID and the group key, XAUTH against local users, mode configuration
# from pool fred with DNS and the split network (Cisco Unity); ping through
# the tunnel. Then: a wrong XAUTH password fails with a log line; max-users 2
# refuses a third client; crypto isakmp aggressive-mode disable refuses
# Aggressive Mode with the seed's log line. The group's extended acl 199, its
# split-dns and firewall are-u-there reach the client (Cisco Unity); tshark,
# given client 1's IKEv1 key, decodes every XAUTH and mode-configuration
# message with no malformed attribute.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
lib_init
ra_switch 3

capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/ezvpn-server.cfg"
kg "$NSA" "show running-config" | grep -q "cisco-group-key-5821" && fail "the group key appears in clear"
kg "$NSA" "show running-config" | grep -q "^ key 6 " || fail "the group key is not written sealed (type 6)"
kg "$NSA" "show crypto isakmp profile" | grep -q "^    group cisco" || { kg "$NSA" "show crypto isakmp profile"; fail "show crypto isakmp profile"; }

export SW_INSTALL_VIP=yes SW_LOAD="resolve xauth-generic unity"
sw_ez_client "$WORK/c1" 1 alice alice-pass-3141
sw_ez_client "$WORK/c2" 2 bob wrong-password
sw_ez_client "$WORK/c3" 3 bob bob-pass-2718
SW_CHARON_EXTRA=$(sw_ikev1_keylog "$WORK/c1") start_charon "${RA_NS[1]}" "$WORK/c1"
for k in 2 3; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

# Client 1: Aggressive Mode, XAUTH, address from pool fred, DNS, split network.
sw_initiate "$WORK/c1" ez || { cat "$WORK/c1/initiate.out"; tail -40 "$WORK/c1/charon.log"; fail "client 1 initiate"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "client 1 not established"
vip=$(sw_vip "$WORK/c1")
[ "$vip" = 198.18.1.10 ] || { swanctl_ "$WORK/c1" --list-sas; fail "client 1 got '$vip', not 198.18.1.10"; }
grep -q "^nameserver 198.18.0.53" "$WORK/c1/resolv.conf" 2>/dev/null || { cat "$WORK/c1/resolv.conf"; fail "client 1 did not install DNS 198.18.0.53"; }
grep -q "UNITY_SPLIT_INCLUDE" "$WORK/c1/charon.log" || fail "client 1 got no UNITY_SPLIT_INCLUDE"
swanctl_ "$WORK/c1" --list-sas | grep -q "remote 203.0.113.0/24" ||
  { swanctl_ "$WORK/c1" --list-sas; fail "client 1's IPsec SA is not narrowed to the split network 203.0.113.0/24"; }
log "client 1: Aggressive Mode + XAUTH alice, virtual IP $vip, DNS 198.18.0.53, split 203.0.113.0/24 (extended acl 199)"
UAT1=$(sw_ikev1_uat "$WORK/c1" ez) || fail "client 1's IKEv1 key is not in its log"
wait_for "ping_ok ${RA_NS[1]} 198.18.1.10 203.0.113.1 1" 10 || fail "client 1 -> hub LAN"
ping_ok "${RA_NS[1]}" 198.18.1.10 203.0.113.1 3 || fail "client 1 -> hub LAN"
ping_ok "$NSA" 203.0.113.1 198.18.1.10 3 || fail "hub LAN -> client 1"
kg "$NSA" "show crypto isakmp sa" | grep -q "QM_IDLE" || { kg "$NSA" "show crypto isakmp sa"; fail "no QM_IDLE ISAKMP SA"; }
ip -n "$NSA" route show 198.18.1.10 | grep -q "dev Vt1" || { ip -n "$NSA" route; fail "hub has no route to 198.18.1.10 via Vt1"; }
kg "$NSA" "show ip local pool fred" | grep -Eq "^ +198.18.1.10 +Vi1 +alice" || { kg "$NSA" "show ip local pool fred"; fail "198.18.1.10 not leased to alice on Vi1"; }
log "ping both ways through the Easy VPN tunnel"

# Client 2: wrong XAUTH password.
swanctl_ "$WORK/c2" --initiate --child ez --timeout 3 >/dev/null 2>&1
wait_for "grep -q 'XAUTH failed for user bob' '$WORK/keygated-$NSA.log'" 10 || { tail -20 "$WORK/keygated-$NSA.log"; fail "no XAUTH failure line"; }
grep "XAUTH failed for user bob" "$WORK/keygated-$NSA.log" | head -1
grep -q "wrong-password" "$WORK/keygated-$NSA.log" && fail "the XAUTH password is in the log"
sleep 1
sw_has_sa "$WORK/c2" && { swanctl_ "$WORK/c2" --list-sas; fail "client 2 with a wrong password is established"; }
log "client 2: wrong XAUTH password refused"

# Client 3 (bob, right password): the second of max-users 2 comes up...
sw_initiate "$WORK/c3" ez || { cat "$WORK/c3/initiate.out"; fail "client 3 initiate"; }
wait_for "sw_has_sa $WORK/c3" 15 || fail "client 3 not established"
[ "$(sw_vip "$WORK/c3")" = 198.18.1.11 ] || fail "client 3 got '$(sw_vip "$WORK/c3")'"
# ...and client 2 with the right password is the third: refused.
sw_ez_client "$WORK/c2" 2 bob bob-pass-2718
swanctl_ "$WORK/c2" --load-all --file "$WORK/c2/swanctl.conf" >/dev/null 2>&1
swanctl_ "$WORK/c2" --initiate --child ez --timeout 3 >/dev/null 2>&1
wait_for "grep -q 'max-users limit of 2' '$WORK/keygated-$NSA.log'" 10 || fail "no max-users line"
grep "max-users limit" "$WORK/keygated-$NSA.log" | head -1
sw_has_sa "$WORK/c2" && fail "a third client is established despite max-users 2"
log "max-users 2 refuses the third client"

# Client 3 leaves: its address returns to the pool.
swanctl_ "$WORK/c3" --terminate --ike ez >/dev/null 2>&1
wait_for "! kg $NSA 'show ip local pool fred' | grep -q '198.18.1.11 '" 10 || { kg "$NSA" "show ip local pool fred"; fail "198.18.1.11 not returned to the pool"; }

# client configuration address initiate: the server pushes (SET/ACK) to a
# client that does not ask (strongSwan pull = no).
kg "$NSA" $'configure terminal\ncrypto isakmp profile ezvpn\nclient configuration address initiate\nend' >/dev/null || fail "address initiate"
sw_ez_client "$WORK/c3" 3 bob bob-pass-2718 no
swanctl_ "$WORK/c3" --load-all --file "$WORK/c3/swanctl.conf" >/dev/null 2>&1
sw_initiate "$WORK/c3" ez || { cat "$WORK/c3/initiate.out"; fail "client 3 (pushed configuration) initiate"; }
wait_for "sw_has_sa $WORK/c3" 15 || fail "client 3 (pushed configuration) not established"
[ "$(sw_vip "$WORK/c3")" = 198.18.1.11 ] || { swanctl_ "$WORK/c3" --list-sas; fail "client 3 was pushed '$(sw_vip "$WORK/c3")'"; }
wait_for "ping_ok ${RA_NS[3]} 198.18.1.11 203.0.113.1 1" 10 || fail "client 3 (pushed) -> hub LAN"
swanctl_ "$WORK/c3" --terminate --ike ez >/dev/null 2>&1
log "client configuration address initiate: address pushed to client 3, ping"

# aggressive-mode disable: refused with the seed's line.
kg "$NSA" $'configure terminal\ncrypto isakmp aggressive-mode disable\nend' >/dev/null || fail "crypto isakmp aggressive-mode disable"
swanctl_ "$WORK/c3" --initiate --child ez --timeout 3 >/dev/null 2>&1
wait_for "grep -q 'Unable to initiate or respond to Aggressive Mode while disabled' '$WORK/keygated-$NSA.log'" 10 ||
  fail "no 'Unable to initiate or respond to Aggressive Mode while disabled' line"
sw_has_sa "$WORK/c3" && fail "Aggressive Mode accepted while disabled"
log "aggressive-mode disable: refused with the seed's log line"

capture_stop
tshark_check "$WORK/cap.pcapng" || fail "malformed frames"
# Client 1's transaction exchanges decrypted (its ISAKMP SA's key): every
# attribute well formed, and what the group pushes.
tshark_check "$WORK/cap.pcapng" -o "$UAT1" || fail "malformed frames in client 1's decrypted exchanges"
tshark -r "$WORK/cap.pcapng" -o "$UAT1" -Y 'ip.src == 198.51.100.1 && isakmp.cfg.type == 2' -V 2>/dev/null >"$WORK/reply.txt"
grep -q "INTERNAL_IP4_ADDRESS" "$WORK/reply.txt" || fail "tshark cannot read client 1's mode-configuration REPLY"
# tshark names 28675 UNITY_SPLIT_DOMAIN; each attribute is followed by its
# format, type, length and value lines.
attr() { grep -A4 "(t=$1," "$WORK/reply.txt" | sed -n 's/^ *Value: //p' | head -1; }
want=$(printf '%s' example.net,corp.example.net | od -An -tx1 | tr -d ' \n')
[ "$(attr 28675)" = "$want" ] || fail "UNITY_SPLITDNS_NAME is '$(attr 28675)', not example.net,corp.example.net ($want)"
[ "$(attr 28680)" = 800100018002000180030002 ] || fail "UNITY_FW_TYPE is '$(attr 28680)', not (1 Cisco, 2 product 1, 3 Are-You-There)"
[ "$(attr 28676)" = cb007100ffffff00000000000000 ] || fail "UNITY_SPLIT_INCLUDE is '$(attr 28676)', not 203.0.113.0/24"
for a in UNITY_SPLIT_INCLUDE UNITY_SPLITDNS_NAME UNITY_FW_TYPE; do
  grep -q "processing $a attribute" "$WORK/c1/charon.log" || fail "strongSwan did not process $a"
done
log "tshark (client 1 decrypted): REPLY has UNITY_SPLIT_INCLUDE 203.0.113.0/24, UNITY_SPLITDNS_NAME example.net,corp.example.net, UNITY_FW_TYPE (Cisco, Are-You-There); no malformed attribute"
n=$(tshark -r "$WORK/cap.pcapng" -Y 'ip.src == 198.51.100.1 && isakmp.exchangetype == 4' 2>/dev/null | wc -l)
t=$(tshark -r "$WORK/cap.pcapng" -Y 'ip.src == 198.51.100.1 && isakmp.exchangetype == 6' 2>/dev/null | wc -l)
[ "$n" -ge 3 ] && [ "$t" -ge 6 ] || fail "tshark: $n Aggressive Mode and $t transaction packets"
log "tshark: keygate sent $n Aggressive Mode and $t transaction (XAUTH, mode config) packets, none malformed"
log "PASS"
