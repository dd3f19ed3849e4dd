#!/bin/bash
# ip:interface-config=ip access-group (seed 004: "interface Virtual-Access3
# / ip access-group home-office-users", issue 16) from a real FreeRADIUS 3.2
# to strongSwan road warriors (EAP-MD5): alice's Access-Accept names the
# hub's extended list HOME in, which permits ICMP to 203.0.113.1 only; bob
# gets no access group. Checked:
# - alice pings 203.0.113.1; her ping to 203.0.113.2 and her TCP SYN to
#   203.0.113.1 are dropped (no answer), while bob's TCP SYN to the same
#   port is answered (a reset: the port is closed), so the drop is alice's
#   list, not the path;
# - keygate's nftables are one table, inet keygate, with a chain for alice's
#   session only; a table of someone else's is left as it was;
# - RFC 5176 CoA-Requests from radclient: bob's session gets HOME in
#   directly (Cisco-AVPair ip:interface-config) and is filtered from then
#   on, and an Acct-Interim-Interval of 2 s (Interim-Updates follow); a pool
#   change is NAKed 406 Unsupported-Extension; alice's
#   subscriber:command=reauthenticate is ACKed and her authorization asked
#   again (FreeRADIUS answers the non-EAP request with WEB in and a
#   Session-Timeout), after which TCP to port 9 is let through (reset) and
#   ICMP no longer is;
# - a Disconnect-Request (radclient) ends alice's session and her chain and
#   map elements go; keygated's clean stop removes the table.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 2

cat >"$WORK/users" <<'EOU'
alice EAP-Message !* ANY, Cleartext-Password := "cisco"
	Session-Timeout = 300,
	Cisco-AVPair = "ip:interface-config=ip access-group WEB in"
alice Cleartext-Password := "alice-md5-pass"
	Cisco-AVPair = "ip:interface-config=ip access-group HOME in"
bob Cleartext-Password := "bob-md5-pass"
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
aaa accounting network acct start-stop group frad
aaa server radius dynamic-author
 client 127.0.0.1 server-key kg-da-key
!
ip access-list extended HOME
 permit icmp any host 203.0.113.1
ip access-list extended WEB
 permit tcp any host 203.0.113.1 eq 9
!
crypto ikev2 authorization policy RA
 pool RA-POOL
 route set remote ipv4 203.0.113.0 255.255.255.0
!
crypto ikev2 profile default
 match identity remote fqdn domain example.net
 identity local fqdn ra-hub.example.net
 authentication local pre-share key hub-secret
 authentication remote eap query-identity
 aaa authentication eap frad
 aaa authorization group eap list flex_local RA
 aaa accounting eap acct
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
EOC
ip -n "$NSA" addr add 203.0.113.2/32 dev lo
# Someone else's rules in the hub's namespace: keygate must leave them be.
ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet other {
  chain c { type filter hook input priority 10; policy accept; counter; }
}
EON
other_before=$(ip netns exec "$NSA" nft list table inet other | grep -v counter)
KG_DEBUG=1 start_keygated "$NSA" "$WORK/hub.cfg"
KG_PID=$KG_LAST_PID

# tcp_state NS SRC DST PORT: open, refused (a reset came back) or timeout.
tcp_state() {
  ip netns exec "$1" perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(LocalAddr => $ARGV[0], PeerAddr => $ARGV[1], PeerPort => $ARGV[2],
                                  Proto => "tcp", Timeout => 2);
    print $s ? "open" : ($!{ECONNREFUSED} ? "refused" : "timeout");' "$2" "$3" "$4"
}

sw_eap_client "$WORK/c1" 1 eap-md5 alice alice-md5-pass
sw_eap_client "$WORK/c2" 2 eap-md5 bob bob-md5-pass
export SW_LOAD="eap-identity eap-md5" SW_INSTALL_VIP=yes
for k in 1 2; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done
for k in 1 2; do
  sw_initiate "$WORK/c$k" ra || { cat "$WORK/c$k/initiate.out"; tail -20 "$WORK/keygated-$NSA.log"; fail "client $k"; }
  wait_for "sw_has_sa $WORK/c$k" 10 || fail "client $k not established"
done
va=$(sw_vip "$WORK/c1"); vb=$(sw_vip "$WORK/c2")
[ -n "$va" ] && [ -n "$vb" ] || fail "no virtual IPs ($va, $vb)"
grep -q "ip access-group HOME in applied" "$WORK/keygated-$NSA.log" ||
  { grep -i "access-group\|INTERFACE_CONFIG" "$WORK/keygated-$NSA.log"; fail "no line saying alice's access group is applied"; }

vaa=$(grep -o "Virtual-Access[0-9]*: ip access-group HOME in applied" "$WORK/keygated-$NSA.log" | head -1 | cut -d: -f1)
kg "$NSA" "show interfaces $vaa" | grep -q "^  Inbound  access list is HOME$" ||
  { kg "$NSA" "show interfaces $vaa"; fail "show interfaces $vaa does not show the access group"; }
wait_for "ping_ok ${RA_NS[1]} $va 203.0.113.1 1" 10 || fail "alice -> 203.0.113.1 (ICMP permitted)"
ping_ok "${RA_NS[1]}" "$va" 203.0.113.2 2 && fail "alice -> 203.0.113.2 got through (only 203.0.113.1 is permitted)"
s=$(tcp_state "${RA_NS[1]}" "$va" 203.0.113.1 9)
[ "$s" = timeout ] || fail "alice's TCP SYN to 203.0.113.1:9: $s, expected dropped (timeout)"
s=$(tcp_state "${RA_NS[2]}" "$vb" 203.0.113.1 9)
[ "$s" = refused ] || fail "bob's TCP SYN to 203.0.113.1:9: $s, expected a reset (no access group)"
ping_ok "${RA_NS[2]}" "$vb" 203.0.113.2 1 || fail "bob -> 203.0.113.2"
log "alice ($va): ICMP to 203.0.113.1 only, TCP dropped; bob ($vb): unfiltered"

rules=$(ip netns exec "$NSA" nft list table inet keygate)
[ "$(echo "$rules" | grep -c '^	chain va[0-9]*_in')" = 1 ] || { echo "$rules"; fail "expected one session chain"; }
echo "$rules" | grep -q "\"Vt1\" . $va : jump va[0-9]*_in" || { echo "$rules"; fail "alice's address not in va_in"; }
! echo "$rules" | grep -q "$vb" || { echo "$rules"; fail "bob's address in keygate's table"; }
echo "$rules" | grep -q "ip protocol icmp ip daddr 203.0.113.1 accept" || { echo "$rules"; fail "HOME's entry"; }

# CoA (RFC 5176) from radclient.
coa() {  # coa ATTRS OUT: radclient's output in OUT
  echo "$1" | ip netns exec "$NSA" radclient -x -t 2 -r 1 127.0.0.1:3799 coa kg-da-key >"$2" 2>&1
}
coa "User-Name = \"bob\"
Cisco-AVPair = \"ip:interface-config=ip access-group HOME in\"
Acct-Interim-Interval = 2" "$WORK/coa1.out"
grep -q "Received CoA-ACK" "$WORK/coa1.out" || { cat "$WORK/coa1.out"; fail "no CoA-ACK for bob's access group"; }
s=$(tcp_state "${RA_NS[2]}" "$vb" 203.0.113.1 9)
[ "$s" = timeout ] || fail "bob's TCP SYN after the CoA: $s, expected dropped"
ping_ok "${RA_NS[2]}" "$vb" 203.0.113.1 1 || fail "bob -> 203.0.113.1 (ICMP permitted by HOME)"
nft_table "$NSA" inet keygate | grep -q "\"Vt1\" . $vb : jump va[0-9]*_in" || { nft_table "$NSA" inet keygate; fail "bob not in va_in after the CoA"; }
wait_for "rad_acct Interim-Update User-Name | grep -qx bob" 6 || fail "no Interim-Update for bob after Acct-Interim-Interval 2"
log "CoA: bob filtered by HOME from now on (ACK), Interim-Updates every 2 s"

coa "User-Name = \"bob\"
Cisco-AVPair = \"ipsec:addr-pool=OTHER\"" "$WORK/coa2.out"
grep -q "Received CoA-NAK" "$WORK/coa2.out" && grep -q "Unsupported-Extension" "$WORK/coa2.out" ||
  { cat "$WORK/coa2.out"; fail "no NAK 406 for a pool change"; }
log "CoA: a pool change NAKed with Unsupported-Extension"

coa "User-Name = \"alice\"
Cisco-AVPair = \"subscriber:command=reauthenticate\"" "$WORK/coa3.out"
grep -q "Received CoA-ACK" "$WORK/coa3.out" || { cat "$WORK/coa3.out"; fail "no CoA-ACK for reauthenticate"; }
wait_for "grep -q 'CoA reauthenticate of alice: applied ip access-group, Session-Timeout 300s' '$WORK/keygated-$NSA.log'" 5 ||
  { grep -i "reauth\|RADIUS" "$WORK/keygated-$NSA.log" | tail; fail "alice not reauthorized"; }
s=$(tcp_state "${RA_NS[1]}" "$va" 203.0.113.1 9)
[ "$s" = refused ] || fail "alice's TCP SYN to port 9 after reauthentication: $s, expected a reset (WEB permits it)"
ping_ok "${RA_NS[1]}" "$va" 203.0.113.1 2 && fail "alice's ICMP still permitted after reauthentication (WEB has no ICMP)"
log "CoA reauthenticate: alice's new authorization (WEB in, Session-Timeout 300) applied live"

ca=$(ip netns exec "$NSA" nft list table inet keygate | grep -o "\"Vt1\" . $va : jump va[0-9]*_in" | grep -o 'va[0-9]*_in$')
[ -n "$ca" ] || fail "alice's chain not found"
echo "User-Name = \"alice\"" | ip netns exec "$NSA" radclient -x -t 2 -r 1 127.0.0.1:3799 disconnect kg-da-key >"$WORK/dis.out" 2>&1
grep -q "Received Disconnect-ACK" "$WORK/dis.out" || { cat "$WORK/dis.out"; fail "no Disconnect-ACK"; }
wait_for "! sw_has_sa $WORK/c1" 10 || fail "alice's SA still up"
wait_for "! nft_table $NSA inet keygate | grep -q 'chain $ca '" 5 ||
  { ip netns exec "$NSA" nft list table inet keygate; fail "alice's chain left after her session ended"; }
! nft_table "$NSA" inet keygate | grep -q "$va" || fail "alice's map element left"
sw_has_sa "$WORK/c2" && ping_ok "${RA_NS[2]}" "$vb" 203.0.113.1 1 || fail "bob hurt by alice's disconnect"
nft_table "$NSA" inet keygate | grep -q "$vb" || fail "bob's filter went with alice's session"
log "Disconnect-Request: alice's chain and map elements gone"

kill -TERM "$KG_PID"; wait "$KG_PID" 2>/dev/null
! ip netns exec "$NSA" nft list table inet keygate >/dev/null 2>&1 || fail "table inet keygate left after keygated stopped"
[ "$(ip netns exec "$NSA" nft list table inet other | grep -v counter)" = "$other_before" ] || fail "someone else's table changed"
log "clean stop: keygate's table gone, the other table untouched"
for s in kg-radius-key kg-da-key alice-md5-pass; do ! grep -q "$s" "$WORK/keygated-$NSA.log" || fail "secret '$s' in the log"; done
log "PASS"
