#!/bin/bash
# RFC 5176 dynamic authorization and the accounting around it (seed 004,
# issue 16), against a real FreeRADIUS 3.2 and its radclient:
# - keygated sends its RADIUS packets from eth0's address (ip radius
#   source-interface), so FreeRADIUS files them under radacct/198.51.100.1;
#   Accounting-On arrives when keygated starts (aaa accounting system
#   default start-stop group frad: IOS system accounting);
# - a strongSwan road warrior (EAP-MD5 through FreeRADIUS) gets a Start with
#   connect-progress, then Interim-Updates (aaa accounting update, a 5-second
#   period through the hidden periodic-seconds form);
# - show aaa sessions lists it; radclient's Disconnect-Request by
#   Acct-Session-Id gets a Disconnect-ACK, the client's SA is gone and the
#   Stop says Admin-Reset (Cisco-AVPair disc-cause-ext=Admin Reset);
# - the same request again (a new one: no longer a retransmission) is NAKed
#   with Error-Cause Session-Context-Not-Found; one with a wrong key gets no
#   answer and is counted; a client not configured is dropped;
# - the client comes back; a CoA-Request with Session-Timeout = 3 gets a
#   CoA-ACK and the session ends 3 s later, its Stop saying Session-Timeout;
# - debug radius lines are in the log, and neither the RADIUS keys nor the
#   user's password ever are; a clean stop of keygated sends Accounting-Off.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 1

cat >"$WORK/users" <<'EOU'
alice Cleartext-Password := "alice-md5-pass"
	Framed-IP-Address = 198.18.3.7
EOU
RAD_EXTRA_CLIENT=198.51.100.1 start_freeradius "$NSA" "kg-radius-key" "$WORK/users"
export RAD_ACCT_CLIENT=198.51.100.1

cat >"$WORK/hub.cfg" <<'EOC'
hostname ra-hub
!
aaa new-model
aaa group server radius frad
 server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key
aaa authentication eap frad group frad
aaa authorization network flex_local local
aaa accounting network acct start-stop group frad
aaa accounting update periodic-seconds 5
aaa accounting system default start-stop group frad
aaa server radius dynamic-author
 client 127.0.0.1 server-key kg-da-key
radius-server timeout 1
radius-server retransmit 1
ip radius source-interface eth0
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
KG_DEBUG=1 start_keygated "$NSA" "$WORK/hub.cfg"
KG_PID=$KG_LAST_PID
kg "$NSA" "debug radius" | grep -q "Radius protocol debugging is on" || fail "debug radius"
kg "$NSA" "show running-config" | grep -A1 "^aaa server radius dynamic-author" | grep -q "client 127.0.0.1 server-key 6 " ||
  { kg "$NSA" "show running-config" | grep -A3 dynamic-author; fail "dynamic-author not written back sealed"; }
kg "$NSA" "show running-config" | grep -qx "aaa accounting system default start-stop group frad" ||
  fail "aaa accounting system default not written back"

wait_for "[ -n \"\$(rad_acct Accounting-On)\" ]" 10 || { ls -R "$RAD_DIR/log/radacct"; fail "no Accounting-On (from 198.51.100.1)"; }
log "Accounting-On arrived from the source interface's address"

C=$WORK/c1
sw_eap_client "$C" 1 eap-md5 alice alice-md5-pass
export SW_LOAD="eap-identity eap-md5 gcrypt resolve" SW_INSTALL_VIP=yes
start_charon "${RA_NS[1]}" "$C"
sw_initiate "$C" ra || { cat "$C/initiate.out"; fail "EAP-MD5 client"; }
wait_for "sw_has_sa $C" 15 || fail "client not established"

wait_for "[ -n \"\$(rad_acct Start)\" ]" 10 || { tail -20 "$WORK/keygated-$NSA.log"; fail "no Accounting Start"; }
sid=$(rad_acct Start Acct-Session-Id)
rad_acct Start Cisco-AVPair | grep -qx "connect-progress=No Progress" || fail "Start: no connect-progress"
wait_for "[ -n \"\$(rad_acct Interim-Update)\" ]" 12 || fail "no Interim-Update within 12 s (period 5 s)"
[ "$(rad_acct Interim-Update Acct-Session-Id | head -1)" = "$sid" ] || fail "Interim-Update of another session"
[ -n "$(rad_acct Interim-Update Acct-Session-Time | head -1)" ] || fail "Interim-Update without Acct-Session-Time"
log "Start and Interim-Update for session $sid"

kg "$NSA" "show aaa sessions" >"$WORK/sessions.out"
grep -q "User Name: alice" "$WORK/sessions.out" && grep -q "IP Address: 198.18.3.7" "$WORK/sessions.out" &&
  grep -q "Acct-Session-Id: $sid" "$WORK/sessions.out" || { cat "$WORK/sessions.out"; fail "show aaa sessions"; }

# radclient in keygated's namespace: Disconnect-Request by Acct-Session-Id.
da() {  # da CODE KEY ATTRS: radclient's output
  echo "$3" | ip netns exec "$NSA" radclient -x -t 2 -r 1 127.0.0.1:3799 "$1" "$2" 2>&1
}
da disconnect kg-da-key "Acct-Session-Id = \"$sid\"" >"$WORK/dis1.out"
grep -q "Received Disconnect-ACK" "$WORK/dis1.out" || { cat "$WORK/dis1.out"; fail "no Disconnect-ACK"; }
wait_for "! sw_has_sa $C" 10 || fail "client still has its SA after the Disconnect-ACK"
wait_for "[ -n \"\$(rad_acct Stop)\" ]" 10 || fail "no Stop after the Disconnect"
[ "$(rad_acct Stop Acct-Session-Id)" = "$sid" ] || fail "Stop of another session"
[ "$(rad_acct Stop Acct-Terminate-Cause)" = Admin-Reset ] || fail "Stop cause '$(rad_acct Stop Acct-Terminate-Cause)', not Admin-Reset"
rad_acct Stop Cisco-AVPair | grep -qx "disc-cause-ext=Admin Reset" || fail "Stop: disc-cause-ext"
log "Disconnect-Request: ACK, client's SA gone, Stop with Admin-Reset"

da disconnect kg-da-key "Acct-Session-Id = \"$sid\"" >"$WORK/dis2.out"
grep -q "Received Disconnect-NAK" "$WORK/dis2.out" && grep -q "Session-Context-Not-Found" "$WORK/dis2.out" ||
  { cat "$WORK/dis2.out"; fail "no NAK 503 for a session that is gone"; }
da disconnect wrong-key "User-Name = \"alice\"" >"$WORK/dis3.out"
! grep -q "Received Disconnect" "$WORK/dis3.out" || { cat "$WORK/dis3.out"; fail "answered a request with a wrong key"; }
kg "$NSA" "show radius statistics" >"$WORK/stats.out"
grep -q "Dropped, bad authenticator: 1" "$WORK/stats.out" && grep -q "Disconnect-ACK / NAK:       1 / 1" "$WORK/stats.out" ||
  { cat "$WORK/stats.out"; fail "show radius statistics"; }
log "gone session: NAK Session-Context-Not-Found; wrong key: dropped and counted"

# CoA: Session-Timeout on the session of a returning client.
sw_initiate "$C" ra || { cat "$C/initiate.out"; fail "client again"; }
wait_for "sw_has_sa $C" 15 || fail "client not established again"
wait_for "[ \$(rad_acct Start Acct-Session-Id | wc -l) -ge 2 ]" 10 || fail "no second Start"
sid2=$(rad_acct Start Acct-Session-Id | tail -1)
[ "$sid2" != "$sid" ] || fail "same Acct-Session-Id twice"
da coa kg-da-key "Acct-Session-Id = \"$sid2\"
Session-Timeout = 3" >"$WORK/coa.out"
grep -q "Received CoA-ACK" "$WORK/coa.out" || { cat "$WORK/coa.out"; fail "no CoA-ACK"; }
sw_has_sa "$C" || fail "CoA ended the session at once"
wait_for "! sw_has_sa $C" 10 || fail "session outlived its Session-Timeout"
wait_for "[ \$(rad_acct Stop Acct-Session-Id | wc -l) -ge 2 ]" 10 || fail "no Stop after the Session-Timeout"
[ "$(rad_acct Stop Acct-Terminate-Cause | tail -1)" = Session-Timeout ] || fail "Stop cause '$(rad_acct Stop Acct-Terminate-Cause | tail -1)'"
da coa kg-da-key "Acct-Session-Id = \"$sid2\"
Filter-Id = \"nope\"" >"$WORK/coa2.out"
grep -q "Received CoA-NAK" "$WORK/coa2.out" || { cat "$WORK/coa2.out"; fail "no CoA-NAK"; }
log "CoA Session-Timeout: ACK, session ended 3 s later with Session-Timeout; Filter-Id: NAK"

grep -q "RADIUS: Send Access-Request to 127.0.0.1:1812" "$WORK/keygated-$NSA.log" ||
  { grep RADIUS "$WORK/keygated-$NSA.log" | head; fail "no debug radius lines"; }
grep -q "Disconnect-Request from 127.0.0.1" "$WORK/keygated-$NSA.log" || fail "no debug line for the Disconnect-Request"
for s in kg-radius-key kg-da-key alice-md5-pass; do
  ! grep -q "$s" "$WORK/keygated-$NSA.log" || fail "secret '$s' in keygated's log"
done

kill -TERM "$KG_PID"
wait_for "[ -n \"\$(rad_acct Accounting-Off)\" ]" 10 || fail "no Accounting-Off at keygated's clean stop"
wait "$KG_PID" 2>/dev/null
log "Accounting-Off at the clean stop"
log "PASS"
