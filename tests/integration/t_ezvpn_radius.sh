#!/bin/bash
# Easy VPN server with XAUTH through RADIUS (issue 19 with issue 16): the
# seed-001 server of examples/ezvpn-server.cfg, its login list moved to a
# FreeRADIUS 3.2 group (aaa authentication login userlist group RADGROUP).
# strongSwan 5.9.8 IKEv1 clients (xauth-generic, unity): the right password
# gets an Access-Accept, an address from pool fred and a ping through the
# tunnel; a wrong one an Access-Reject, XAUTH STATUS 0 and a log line naming
# the reject. The PAP request carries the NAS attributes; the password is in
# no log; keygate's event loop keeps answering while the server thinks
# (FreeRADIUS delays its reject by a second, its reject_delay).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 2

cat >"$WORK/users" <<'EOU'
alice Cleartext-Password := "alice-radius-7302"
EOU
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

# The example, with the login list through RADIUS.
sed -e 's|^aaa authentication login userlist local$|aaa group server radius RADGROUP\n server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key\naaa authentication login userlist group RADGROUP|' \
  "$KG_SOURCE_DIR/examples/ezvpn-server.cfg" >"$WORK/hub.cfg"
grep -q "login userlist group RADGROUP" "$WORK/hub.cfg" || fail "hub.cfg"

capture_start "$NSA" eth0 "$WORK/cap.pcapng"; CAP_ETH=$CAP_PID
capture_start "$NSA" lo "$WORK/radius.pcapng"
start_keygated "$NSA" "$WORK/hub.cfg"
kg "$NSA" "show running-config" | grep -q "^aaa authentication login userlist group RADGROUP$" ||
  { kg "$NSA" "show running-config" | grep "^aaa"; fail "the login list is not written back"; }
kg "$NSA" "show running-config" | grep -q "kg-radius-key" && fail "the RADIUS key appears in clear"

export SW_INSTALL_VIP=yes SW_LOAD="resolve xauth-generic unity"
sw_ez_client "$WORK/c1" 1 alice alice-radius-7302
sw_ez_client "$WORK/c2" 2 alice wrong-radius-pass
for k in 1 2; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

# Client 1: the right password, checked by FreeRADIUS.
t0=$(date +%s.%N)
sw_initiate "$WORK/c1" ez || { cat "$WORK/c1/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "client 1 initiate"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "client 1 not established"
t1=$(date +%s.%N)
vip=$(sw_vip "$WORK/c1")
[ "$vip" = 198.18.1.10 ] || { swanctl_ "$WORK/c1" --list-sas; fail "client 1 got '$vip', not 198.18.1.10"; }
grep -q "Login OK: \[alice\]" "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "FreeRADIUS did not accept alice"; }
grep -q "XAUTH user alice from 198.51.100.11 (group cisco) authenticated by RADIUS server 127.0.0.1" "$WORK/keygated-$NSA.log" ||
  { grep XAUTH "$WORK/keygated-$NSA.log"; fail "no XAUTH line naming the RADIUS server"; }
log "client 1: XAUTH alice accepted by FreeRADIUS, virtual IP $vip ($(echo "$t1 - $t0" | bc | awk '{printf "%.2f", $1}') s to ESTABLISHED)"
wait_for "ping_ok ${RA_NS[1]} 198.18.1.10 203.0.113.1 1" 10 || fail "client 1 -> hub LAN"
ping_ok "${RA_NS[1]}" 198.18.1.10 203.0.113.1 3 || fail "client 1 -> hub LAN"
ping_ok "$NSA" 203.0.113.1 198.18.1.10 3 || fail "hub LAN -> client 1"
log "ping both ways through the Easy VPN tunnel"

# Client 2: a wrong password. FreeRADIUS holds its Access-Reject a second;
# meanwhile keygated answers its shell (the event loop is not blocked).
swanctl_ "$WORK/c2" --initiate --child ez --timeout 3 >/dev/null 2>&1 &
wait_for "grep -q 'Login incorrect' '$RAD_LOG'" 10 || { tail -20 "$RAD_LOG"; fail "FreeRADIUS saw no wrong password"; }
wait_for "grep -q 'XAUTH failed for user alice from 198.51.100.12' '$WORK/keygated-$NSA.log'" 10 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no XAUTH failure line"; }
line=$(grep "XAUTH failed for user alice from 198.51.100.12" "$WORK/keygated-$NSA.log" | head -1)
echo "$line"
grep -q "Access-Reject from RADIUS server 127.0.0.1" <<<"$line" || fail "the failure line does not name the Access-Reject"
wait $! 2>/dev/null
sleep 1
sw_has_sa "$WORK/c2" && { swanctl_ "$WORK/c2" --list-sas; fail "client 2 with a wrong password is established"; }
# What strongSwan made of the SET(STATUS 0):
grep -i "xauth\|destroying" "$WORK/c2/charon.log" | tail -3
log "client 2: wrong password refused (Access-Reject, XAUTH STATUS 0)"
for f in "$WORK/keygated-$NSA.log"; do
  grep -q "alice-radius-7302\|wrong-radius-pass" "$f" && fail "a password is in $f"
done
sw_has_sa "$WORK/c1" || fail "client 1 lost its SA"

capture_stop; CAP_PID=$CAP_ETH; capture_stop
tshark_check "$WORK/cap.pcapng" || fail "malformed ISAKMP"
tshark_check "$WORK/radius.pcapng" || fail "malformed RADIUS"
# The Access-Requests as FreeRADIUS's dictionary reads them: PAP, with the
# NAS attributes and the client's address.
req=$(tshark -r "$WORK/radius.pcapng" -Y 'radius.code == 1' -T fields -e radius.User_Name -e radius.Service_Type \
  -e radius.NAS_Port_Type -e radius.Calling_Station_Id -e radius.NAS_Identifier 2>/dev/null | sort -u)
echo "$req"
grep -qP "^alice\t1\t5\t198\.51\.100\.11\tezvpn-hub$" <<<"$req" || fail "Access-Request attributes"
n=$(tshark -r "$WORK/radius.pcapng" -Y 'radius.code == 1 && radius.avp.type == 2' 2>/dev/null | wc -l)
[ "$n" -ge 2 ] || fail "tshark: $n Access-Requests with User-Password"
log "tshark: no malformed ISAKMP or RADIUS; $n PAP Access-Requests with User-Name, Service-Type Login, NAS-Port-Type Virtual, Calling-Station-Id"
log "PASS"
