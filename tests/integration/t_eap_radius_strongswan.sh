#!/bin/bash
# EAP relayed to RADIUS (seed 004 "AAA-Based Authentication", issue 16):
# strongSwan road warriors authenticate with EAP inside IKEv2 to keygate
# (authentication remote eap query-identity, aaa authentication eap frad),
# which relays every EAP message to a real FreeRADIUS 3.2 and back; the hub
# authenticates itself with its pre-shared key. EAP-MD5 (no MSK) and
# EAP-MSCHAPv2 (MSK from the Access-Accept's MS-MPPE keys, used for AUTH)
# are accepted; the Access-Accept's Framed-IP-Address, Cisco-AVPair
# ipsec:dns-servers and ipsec:addr-pool decide the client's address and DNS;
# a wrong password is refused with
# AUTHENTICATION_FAILED and a log line naming the Access-Reject; the RADIUS
# key never appears in the running-config.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 3

# alice: a RADIUS-managed address and DNS server; bob: the pool RADIUS names.
cat >"$WORK/users" <<'EOU'
alice Cleartext-Password := "alice-md5-pass"
	Framed-IP-Address = 198.18.3.7,
	Cisco-AVPair = "ipsec:dns-servers=198.18.0.99",
	Cisco-AVPair += "ipsec:banner=Welcome alice",
	Cisco-AVPair += "ip:interface-config=ip mtu 1300",
	Cisco-AVPair += "ip:interface-config=ip unnumbered Loopback1",
	Cisco-AVPair += "ip:interface-config=ip ospf cost 5"
bob Cleartext-Password := "bob-mschap-pass"
	Cisco-AVPair = "ipsec:addr-pool=RA-POOL2"
EOU
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

cat >"$WORK/hub.cfg" <<'EOC'
hostname ra-hub
!
aaa new-model
aaa group server radius frad
 server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key
aaa authentication eap frad group frad
aaa authorization network flex_local local
!
crypto ikev2 authorization policy RA
 pool RA-POOL
 dns 198.18.0.53
 route set remote ipv4 203.0.113.0 255.255.255.0
!
crypto ikev2 profile default
 match identity remote fqdn domain example.net
 identity local fqdn ra-hub.example.net
 authentication local pre-share key hub-secret
 authentication remote eap query-identity
 aaa authentication eap frad
 aaa authorization group eap list flex_local RA
 virtual-template 1
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
!
interface Loopback0
 ip address 198.18.0.1 255.255.255.255
!
interface Loopback1
 ip address 203.0.113.1 255.255.255.0
!
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile default
!
ip local pool RA-POOL 198.18.1.10 198.18.1.99
ip local pool RA-POOL2 198.18.2.10 198.18.2.20
EOC
start_keygated "$NSA" "$WORK/hub.cfg"

export SW_LOAD="eap-identity eap-md5 eap-mschapv2 gcrypt resolve" SW_INSTALL_VIP=yes
sw_eap_client "$WORK/c1" 1 eap-md5 alice alice-md5-pass
sw_eap_client "$WORK/c2" 2 eap-mschapv2 bob bob-mschap-pass
sw_eap_client "$WORK/c3" 3 eap-mschapv2 bob not-bobs-pass
for k in 1 2 3; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

# EAP-MD5 through FreeRADIUS.
sw_initiate "$WORK/c1" ra || { cat "$WORK/c1/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "EAP-MD5 client"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "EAP-MD5 client not established"
grep -q "EAP method EAP_MD5 succeeded" "$WORK/c1/charon.log" || fail "strongSwan did not see EAP-MD5 succeed"
grep -q "accepted EAP user alice" "$WORK/keygated-$NSA.log" || fail "keygate did not log the RADIUS accept of alice"
grep -q "Login OK: \[alice" "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "FreeRADIUS did not log alice's login"; }
v1=$(sw_vip "$WORK/c1")
[ "$v1" = 198.18.3.7 ] || { tail -20 "$WORK/keygated-$NSA.log"; fail "EAP-MD5 client got '$v1', not its Framed-IP-Address 198.18.3.7"; }
grep -q "^nameserver 198.18.0.99" "$WORK/c1/resolv.conf" 2>/dev/null ||
  { cat "$WORK/c1/resolv.conf"; fail "alice did not get the DNS server RADIUS named"; }
wait_for "ping_ok ${RA_NS[1]} $v1 203.0.113.1 1" 10 || fail "EAP-MD5 client -> hub LAN"
ping_ok "$NSA" 203.0.113.1 "$v1" 2 || fail "hub LAN -> EAP-MD5 client"
log "EAP-MD5 via FreeRADIUS: alice up with Framed-IP-Address $v1 and DNS 198.18.0.99"

# ip:interface-config on alice's Virtual-Access: VtN is shared by every
# session, so `ip mtu` and `ip unnumbered` become her routes' MTU and source
# address; `ip ospf cost` is refused by name and the session stays up.
r=$(ip -n "$NSA" route show "$v1")
grep -q "dev Vt1 .*src 203.0.113.1 .*mtu lock 1300" <<<"$r" ||
  { echo "$r"; ip -n "$NSA" route; fail "alice's route lacks MTU 1300 / source 203.0.113.1 (Loopback1)"; }
ip -n "$NSA" link show Vt1 | grep -q "mtu 1400 " || fail "the shared Vt1 MTU changed"
ip netns exec "$NSA" ping -c 1 -W 2 -M do -s 1300 "$v1" >"$WORK/ping-big.out" 2>&1 &&
  fail "a 1328-byte DF packet went out on alice's MTU-1300 route"
grep -q "mtu=1300\|mtu = 1300" "$WORK/ping-big.out" || { cat "$WORK/ping-big.out"; fail "no local 'message too long, mtu=1300'"; }
ping_ok "$NSA" 203.0.113.1 "$v1" 1 || fail "hub -> alice after interface-config"
vi=$(kg "$NSA" "show interfaces Virtual-Access1")
grep -q "Using address of Loopback1 (203.0.113.1)" <<<"$vi" && grep -q "MTU 1300 bytes (interface-config)" <<<"$vi" ||
  { echo "$vi"; fail "show interfaces Virtual-Access1 does not show the interface-config"; }
grep -q '%AAA-4-INTERFACE_CONFIG: Virtual-Access1: interface-config "ip ospf cost 5: not supported on a Linux Virtual-Access", not applied' \
  "$WORK/keygated-$NSA.log" || { grep -i "interface-config" "$WORK/keygated-$NSA.log"; fail "no clear log line for the refused interface-config"; }
sw_has_sa "$WORK/c1" || fail "alice's session went down over a refused interface-config"
log "interface-config: route MTU 1300 and source Loopback1 (203.0.113.1) on Virtual-Access1, 'ip ospf cost 5' refused by name"
# ipsec:banner: no standard IKEv2 attribute; sent as Cisco's UNITY_BANNER in
# the CFG_REPLY (strongSwan decodes the type, has no use for it, ignores it).
grep -q "parsed IKE_AUTH response .*CPRP(.*U_BANNER" "$WORK/c1/charon.log" ||
  { grep "CPRP" "$WORK/c1/charon.log"; fail "no UNITY_BANNER in the CFG_REPLY"; }
kg "$NSA" "show crypto session detail" | grep -q "ipsec:banner = Welcome alice" || fail "banner not in show crypto session detail"
log "ipsec:banner sent in the CFG_REPLY (UNITY_BANNER) and shown in show crypto session detail"

# EAP-MSCHAPv2: FreeRADIUS offers MD5 first, strongSwan Naks it; the MSK
# comes back in MS-MPPE keys and both AUTH payloads are made with it.
sw_initiate "$WORK/c2" ra || { cat "$WORK/c2/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "EAP-MSCHAPv2 client"; }
wait_for "sw_has_sa $WORK/c2" 15 || fail "EAP-MSCHAPv2 client not established"
grep -q "EAP method EAP_MSCHAPV2 succeeded, MSK established" "$WORK/c2/charon.log" ||
  { grep -i eap "$WORK/c2/charon.log" | tail; fail "strongSwan did not establish an MSK with EAP-MSCHAPv2"; }
v2=$(sw_vip "$WORK/c2")
[ "$v2" = 198.18.2.10 ] || fail "EAP-MSCHAPv2 client got '$v2', not the first of RA-POOL2 (ipsec:addr-pool)"
wait_for "ping_ok ${RA_NS[2]} $v2 203.0.113.1 1" 10 || fail "EAP-MSCHAPv2 client -> hub LAN"
log "EAP-MSCHAPv2 via FreeRADIUS: bob up with $v2 from RA-POOL2 (AUTH over the RADIUS MSK)"

# A wrong password: Access-Reject -> AUTHENTICATION_FAILED, nothing installed.
sw_initiate "$WORK/c3" ra && fail "wrong password accepted"
sw_has_sa "$WORK/c3" && fail "wrong password has an SA"
wait_for "grep -q 'AUTHENTICATION_FAILED: EAP authentication of 198.51.100.13.*Access-Reject from RADIUS server 127.0.0.1' '$WORK/keygated-$NSA.log'" 5 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no clear log line for the rejected user"; }
log "wrong password: Access-Reject, AUTHENTICATION_FAILED"

! kg "$NSA" "show running-config" | grep -q "kg-radius-key" || fail "RADIUS key in clear in the running-config"
kg "$NSA" "show running-config" | grep -q "server-private 127.0.0.1 auth-port 1812 acct-port 1813 key 6 " ||
  fail "server-private not written back sealed"
! grep -q "kg-radius-key" "$WORK/keygated-$NSA.log" || fail "RADIUS key in the log"
s=$(kg "$NSA" "show aaa servers")
echo "$s" | grep -q "host 127.0.0.1, auth-port 1812, acct-port 1813" || { echo "$s"; fail "show aaa servers"; }
echo "$s" | grep -q "State: current UP" || { echo "$s"; fail "server not UP"; }
echo "$s" | grep -q "Response: accept 2, reject 1" || { echo "$s"; fail "show aaa servers counters"; }
kg "$NSA" "show radius statistics" | grep -q "Bad authenticators dropped: 0" || fail "show radius statistics"
! kg "$NSA" "show aaa servers" | grep -q "kg-radius-key" || fail "key in show aaa servers"
log "PASS"
