#!/bin/bash
# RADIUS accounting of remote-access sessions (seed 004 "Accounting", issue
# 16) against a real FreeRADIUS 3.2: a strongSwan road warrior authenticated
# with EAP-MD5 through FreeRADIUS under a profile with `aaa accounting eap
# acct` gets an Accounting-Request Start in FreeRADIUS's detail file
# (User-Name, Framed-IP-Address, NAS-IP-Address, Acct-Session-Id, Cisco-AVPair
# isakmp-phase1-id / isakmp-initiator-ip). FreeRADIUS is then stopped: the
# session keeps running and carries a known amount of traffic (ICMP of a
# known size); the client leaves while the server is down, so the Stop waits
# in keygated's spool (a 0600 file under the state directory); FreeRADIUS
# comes back and the Stop arrives with the same Acct-Session-Id, counters
# that match the traffic sent, and an Acct-Delay-Time for its wait.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 1

cat >"$WORK/users" <<'EOU'
alice Cleartext-Password := "alice-md5-pass"
	Framed-IP-Address = 198.18.3.7,
	Class = "acct-class-alice"
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
radius-server timeout 1
radius-server retransmit 1
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
start_keygated "$NSA" "$WORK/hub.cfg"

C=$WORK/c1
sw_eap_client "$C" 1 eap-md5 alice alice-md5-pass
export SW_LOAD="eap-identity eap-md5 gcrypt resolve" SW_INSTALL_VIP=yes
start_charon "${RA_NS[1]}" "$C"

sw_initiate "$C" ra || { cat "$C/initiate.out"; fail "EAP-MD5 client"; }
wait_for "sw_has_sa $C" 15 || fail "client not established"
v=$(sw_vip "$C")
[ "$v" = 198.18.3.7 ] || fail "client got '$v', not its Framed-IP-Address"

# Start.
wait_for "[ -n \"\$(rad_acct Start)\" ]" 10 || { tail -20 "$WORK/keygated-$NSA.log"; fail "no Accounting Start in FreeRADIUS's detail file"; }
start=$(rad_acct Start)
echo "$start" | sed 's/^/    /'
sid=$(rad_acct Start Acct-Session-Id)
[ -n "$sid" ] || fail "Start without Acct-Session-Id"
[ "$(rad_acct Start User-Name)" = alice ] || fail "Start: User-Name"
[ "$(rad_acct Start Framed-IP-Address)" = 198.18.3.7 ] || fail "Start: Framed-IP-Address"
[ "$(rad_acct Start NAS-IP-Address)" = 198.51.100.1 ] || fail "Start: NAS-IP-Address"
[ "$(rad_acct Start Class)" = "0x$(printf acct-class-alice | od -An -tx1 | tr -d ' \n')" ] ||
  [ "$(rad_acct Start Class)" = acct-class-alice ] || fail "Start: Class not echoed ($(rad_acct Start Class))"
rad_acct Start Cisco-AVPair | grep -qx "isakmp-phase1-id=client1.example.net" || fail "Start: isakmp-phase1-id"
rad_acct Start Cisco-AVPair | grep -qx "isakmp-initiator-ip=198.51.100.11" || fail "Start: isakmp-initiator-ip"
log "Start arrived: session $sid, alice, 198.18.3.7"
# No `aaa accounting system default`: as on IOS, no Accounting-On.
[ -z "$(rad_acct Accounting-On)" ] || fail "Accounting-On sent without aaa accounting system default"

# The server goes away; the session does not notice.
stop_freeradius
N=20 SIZE=1000
ip netns exec "${RA_NS[1]}" ping -n -q -c $N -i 0.2 -W 2 -s $SIZE -I "$v" 203.0.113.1 >"$WORK/ping.out" 2>&1 ||
  { cat "$WORK/ping.out"; fail "traffic through the session while FreeRADIUS is down"; }
sleep 3
sw_has_sa "$C" || fail "session dropped while FreeRADIUS is down"
kg "$NSA" "show crypto session" | grep -q "^Interface: Virtual-Access1" || { kg "$NSA" "show crypto session"; fail "keygate dropped the session"; }
log "FreeRADIUS down: $N pings of $SIZE octets through the session, still up"

# The client leaves while the server is down: the Stop waits on disk.
swanctl_ "$C" --terminate --ike ra >"$C/terminate.out" 2>&1 || { cat "$C/terminate.out"; fail "terminate"; }
spool=$WORK/kg-$NSA/state/radacct
wait_for "ls $spool/*.acct" 10 || { ls -la "$spool"; fail "no Stop record kept in the spool"; }
sleep 3  # its transmissions run out
[ -z "$(rad_acct Stop)" ] || fail "a Stop arrived while FreeRADIUS was down?"
for f in "$spool"/*.acct; do
  [ "$(stat -c %a "$f")" = 600 ] || fail "spool file $f is mode $(stat -c %a "$f")"
done
[ "$(stat -c %a "$spool")" = 700 ] || fail "spool directory mode $(stat -c %a "$spool")"
! grep -q kg-radius-key "$spool"/*.acct || fail "RADIUS key in the spool"
log "Stop kept in $(ls "$spool" | wc -l) spool file(s), mode 600"

restart_freeradius "$NSA"
wait_for "[ -n \"\$(rad_acct Stop)\" ]" 60 || { tail -20 "$WORK/keygated-$NSA.log"; fail "the Stop never arrived"; }
rad_acct Stop | sed 's/^/    /'
[ "$(rad_acct Stop Acct-Session-Id)" = "$sid" ] || fail "Stop: Acct-Session-Id '$(rad_acct Stop Acct-Session-Id)', Start had '$sid'"
[ "$(rad_acct Stop User-Name)" = alice ] || fail "Stop: User-Name"
[ "$(rad_acct Stop Framed-IP-Address)" = 198.18.3.7 ] || fail "Stop: Framed-IP-Address"
in=$(rad_acct Stop Acct-Input-Octets) out=$(rad_acct Stop Acct-Output-Octets)
pin=$(rad_acct Stop Acct-Input-Packets) pout=$(rad_acct Stop Acct-Output-Packets)
delay=$(rad_acct Stop Acct-Delay-Time)
# Each echo request and reply is an IP packet of SIZE+28 octets; a few
# other packets may have gone through (none expected): allow 10 of 100 octets.
want=$(( N * (SIZE + 28) ))
for x in "$in" "$out"; do
  [ -n "$x" ] && [ "$x" -ge "$want" ] && [ "$x" -le $(( want + 1000 )) ] ||
    fail "Stop octets in=$in out=$out, expected $want (+1000)"
done
[ "$pin" -ge $N ] && [ "$pin" -le $(( N + 10 )) ] && [ "$pout" -ge $N ] && [ "$pout" -le $(( N + 10 )) ] ||
  fail "Stop packets in=$pin out=$pout, expected $N"
[ -n "$delay" ] && [ "$delay" -ge 3 ] || fail "Stop: Acct-Delay-Time '$delay' does not show its wait"
wait_for "! ls $spool/*.acct" 10 || fail "acknowledged Stop still in the spool"
! grep -q kg-radius-key "$WORK/keygated-$NSA.log" || fail "RADIUS key in the log"
log "Stop arrived after the outage: session $sid, $in/$out octets (sent $want each way), delay ${delay}s"
log "PASS"
