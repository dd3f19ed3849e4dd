#!/bin/bash
# Easy VPN groups authorized by RADIUS, accounting of Easy VPN sessions and
# a group's crypto aaa attribute list (issue 19 with issue 16). The seed-001
# server of examples/ezvpn-server.cfg with a second ISAKMP profile whose
# `isakmp authorization list radlist` is `aaa authorization network radlist
# group RADGROUP` (FreeRADIUS 3.2) and whose `accounting acctlist` is `aaa
# accounting network acctlist start-stop group RADGROUP`. strongSwan 5.9.8
# IKEv1 clients (xauth-generic, unity):
#  1. group engineering, configured only in FreeRADIUS (User-Name
#     engineering, password "cisco"): its key (ipsec:tunnel-password), pool,
#     DNS and domain come from the Access-Accept; XAUTH alice (local); ping
#     through; an Accounting Start with User-Name alice, Framed-IP-Address,
#     Acct-Session-Id, then a Stop with octets, packets and User-Request.
#  2. group unknown (no such user in FreeRADIUS): Access-Reject, no message
#     2, a log line naming the group and the reject.
#  3. group cisco (local) with `crypto aaa attribute list CISCO-USERS`: the
#     list's DNS server replaces the group's; the group's pool stays.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 3

cat >"$WORK/users" <<'EOU'
engineering Cleartext-Password := "cisco"
	Cisco-AVPair = "ipsec:key-exchange=ike",
	Cisco-AVPair += "ipsec:tunnel-password=eng-group-key-4471",
	Cisco-AVPair += "ipsec:addr-pool=engpool",
	Cisco-AVPair += "ipsec:dns-servers=198.18.0.91 198.18.0.92",
	Cisco-AVPair += "ipsec:default-domain=eng.example.net",
	Cisco-AVPair += "ipsec:split-tunnel-list=199",
	Cisco-AVPair += "ipsec:banner=Engineering only"
EOU
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

sed -e 's|^aaa authorization network grouplist local$|&\naaa group server radius RADGROUP\n server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key\naaa authorization network radlist group RADGROUP\naaa accounting network acctlist start-stop group RADGROUP|' \
  -e 's|^ key cisco-group-key-5821$|&\n crypto aaa attribute list CISCO-USERS|' \
  "$KG_SOURCE_DIR/examples/ezvpn-server.cfg" >"$WORK/hub.cfg"
cat >>"$WORK/hub.cfg" <<'EOC'
!
aaa attribute list CISCO-USERS
 attribute type dns-servers "198.18.0.77"
!
crypto isakmp profile ezrad
 match identity group engineering
 match identity group unknown
 client authentication list userlist
 isakmp authorization list radlist
 client configuration address respond
 accounting acctlist
 virtual-template 1
!
ip local pool engpool 198.18.2.10 198.18.2.20
EOC
grep -q "crypto aaa attribute list CISCO-USERS" "$WORK/hub.cfg" && grep -q "radlist group RADGROUP" "$WORK/hub.cfg" || fail "hub.cfg"

capture_start "$NSA" eth0 "$WORK/cap.pcapng"; CAP_ETH=$CAP_PID
capture_start "$NSA" lo "$WORK/radius.pcapng"
start_keygated "$NSA" "$WORK/hub.cfg"
rc=$(kg "$NSA" "show running-config")
for l in "^ crypto aaa attribute list CISCO-USERS$" "^   accounting acctlist$" "^   isakmp authorization list radlist$"; do
  grep -q "$l" <<<"$rc" || { echo "$rc"; fail "not written back: $l"; }
done

export SW_INSTALL_VIP=yes SW_LOAD="resolve xauth-generic unity"
EZ_GROUP=engineering EZ_KEY=eng-group-key-4471 sw_ez_client "$WORK/c1" 1 alice alice-pass-3141
EZ_GROUP=unknown EZ_KEY=some-key-0000 sw_ez_client "$WORK/c2" 2 bob bob-pass-2718
sw_ez_client "$WORK/c3" 3 bob bob-pass-2718
for k in 1 2 3; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

# 1. A group known only to RADIUS.
sw_initiate "$WORK/c1" ez || { cat "$WORK/c1/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "client 1 initiate"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "client 1 not established"
vip=$(sw_vip "$WORK/c1")
[ "$vip" = 198.18.2.10 ] || { swanctl_ "$WORK/c1" --list-sas; fail "client 1 got '$vip', not 198.18.2.10 (engpool)"; }
grep -q "Login OK: \[engineering/cisco\]\|Login OK: \[engineering\]" "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "FreeRADIUS did not see group engineering"; }
wait_for "grep -q '^nameserver 198.18.0.91' '$WORK/c1/resolv.conf'" 5 || { cat "$WORK/c1/resolv.conf"; fail "client 1 did not install DNS 198.18.0.91"; }
log "client 1: group engineering authorized by FreeRADIUS (its key and attributes), XAUTH alice, virtual IP $vip, DNS 198.18.0.91"
wait_for "ping_ok ${RA_NS[1]} $vip 203.0.113.1 1" 10 || fail "client 1 -> hub LAN"
ping_ok "${RA_NS[1]}" "$vip" 203.0.113.1 5 || fail "client 1 -> hub LAN"
wait_for "[ -n \"\$(rad_acct Start)\" ]" 10 || { tail -20 "$WORK/keygated-$NSA.log"; fail "no Accounting Start in FreeRADIUS's detail file"; }
rad_acct Start | sed 's/^/    /'
sid=$(rad_acct Start Acct-Session-Id)
[ -n "$sid" ] || fail "Start: no Acct-Session-Id"
[ "$(rad_acct Start User-Name)" = alice ] || fail "Start: User-Name '$(rad_acct Start User-Name)', not the XAUTH user alice"
[ "$(rad_acct Start Framed-IP-Address)" = "$vip" ] || fail "Start: Framed-IP-Address"
log "Accounting Start: session $sid, User-Name alice, Framed-IP-Address $vip"

# 2. A group RADIUS does not know.
swanctl_ "$WORK/c2" --initiate --child ez --timeout 4 >/dev/null 2>&1 &
wait_for "grep -q 'Authorization of group unknown for peer 198.51.100.12 failed' '$WORK/keygated-$NSA.log'" 10 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no group authorization failure line"; }
line=$(grep "Authorization of group unknown for peer 198.51.100.12 failed" "$WORK/keygated-$NSA.log" | head -1)
echo "$line"
grep -q "Access-Reject from RADIUS server 127.0.0.1 for unknown" <<<"$line" || fail "the failure line does not name the Access-Reject"
wait $! 2>/dev/null
sw_has_sa "$WORK/c2" && fail "client 2 of an unknown group is established"
log "client 2: group unknown refused (Access-Reject), no SA"

# 3. A local group with a crypto aaa attribute list.
sw_initiate "$WORK/c3" ez || { cat "$WORK/c3/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "client 3 initiate"; }
wait_for "sw_has_sa $WORK/c3" 15 || fail "client 3 not established"
vip3=$(sw_vip "$WORK/c3")
[ "$vip3" = 198.18.1.10 ] || fail "client 3 got '$vip3', not 198.18.1.10 (the group's pool fred)"
wait_for "grep -q '^nameserver 198.18.0.77' '$WORK/c3/resolv.conf'" 5 || { cat "$WORK/c3/resolv.conf"; fail "client 3 did not install the attribute list's DNS 198.18.0.77"; }
grep -q "198.18.0.53" "$WORK/c3/resolv.conf" && fail "client 3 still has the group's DNS 198.18.0.53"
log "client 3: group cisco with crypto aaa attribute list CISCO-USERS: DNS 198.18.0.77 over the group's 198.18.0.53, pool fred $vip3"
rad_acct Start User-Name | grep -qx bob && fail "a session of a profile without accounting was accounted"

# Client 1 leaves: the Stop.
swanctl_ "$WORK/c1" --terminate --ike ez >"$WORK/c1/terminate.out" 2>&1 || { cat "$WORK/c1/terminate.out"; fail "terminate"; }
wait_for "[ -n \"\$(rad_acct Stop)\" ]" 10 || { tail -20 "$WORK/keygated-$NSA.log"; fail "no Accounting Stop"; }
rad_acct Stop | sed 's/^/    /'
[ "$(rad_acct Stop Acct-Session-Id)" = "$sid" ] || fail "Stop: Acct-Session-Id"
[ "$(rad_acct Stop User-Name)" = alice ] || fail "Stop: User-Name"
[ "$(rad_acct Stop Acct-Terminate-Cause)" = User-Request ] || fail "Stop: Acct-Terminate-Cause '$(rad_acct Stop Acct-Terminate-Cause)'"
in=$(rad_acct Stop Acct-Input-Octets) pin=$(rad_acct Stop Acct-Input-Packets) pout=$(rad_acct Stop Acct-Output-Packets)
[ -n "$in" ] && [ "$in" -ge $((6 * 84)) ] && [ "$pin" -ge 6 ] && [ "$pout" -ge 6 ] ||
  fail "Stop counters: input $in octets, $pin packets, output $pout packets (6 pings or more expected)"
log "Accounting Stop: session $sid, $in octets / $pin packets in, $pout packets out, User-Request"

for f in "$WORK/keygated-$NSA.log"; do
  grep -q "eng-group-key-4471" "$f" && fail "the group's key is in $f"
done
kg "$NSA" "show running-config" | grep -q "eng-group-key" && fail "the group's key in show running-config"
capture_stop; CAP_PID=$CAP_ETH; capture_stop
tshark_check "$WORK/cap.pcapng" || fail "malformed ISAKMP"
tshark_check "$WORK/radius.pcapng" || fail "malformed RADIUS"
req=$(tshark -r "$WORK/radius.pcapng" -Y 'radius.code == 1 && radius.User_Name == "engineering"' 2>/dev/null | wc -l)
[ "$req" -ge 1 ] || fail "tshark: no Access-Request for group engineering"
log "tshark: no malformed ISAKMP or RADIUS; $req Access-Request(s) for group engineering"
log "PASS"
