#!/bin/bash
# Session limits and Class of Easy VPN groups authorized by RADIUS (issue 19,
# seed 001 "Session Monitoring and Limiting for Easy VPN Clients": the
# Access-Accept's Cisco-AVPair ipsec:max-users=N and ipsec:max-logins=N act as
# the group's max-users / max-logins commands; RFC 2865 §5.25: its Class is
# echoed in the session's Accounting-Requests). The seed-001 server of
# examples/ezvpn-server.cfg with an ISAKMP profile whose groups and XAUTH users
# live in FreeRADIUS 3.2 (isakmp authorization list radlist, client
# authentication list radlogin, accounting acctlist). strongSwan 5.9.8 IKEv1
# clients (xauth-generic, unity) in three namespaces:
#  1. group limited (ipsec:max-users=1): alice comes up; Accounting Start with
#     Class "user-alice" (her XAUTH Accept) and "grp-limited" (the group's);
#  2. bob in group limited is refused at Aggressive Mode message 1 with
#     %CRYPTO-4-EZVPN_MAX_USERS, as the local command refuses;
#  3. group solo (ipsec:max-logins=1): carol comes up (alice of the other
#     group is not counted);
#  4. carol again from a second client: XAUTH STATUS 0 with
#     %CRYPTO-4-EZVPN_XAUTH_FAILED ... max-logins limit of 1;
#  5. alice leaves: the Stop carries the same Class values; then bob gets in;
#  6. carol's client renews its ISAKMP SA (strongSwan reauthenticates): the
#     same login, not refused.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 3

cat >"$WORK/users" <<'EOU'
limited Cleartext-Password := "cisco"
	Class := "grp-limited",
	Cisco-AVPair = "ipsec:key-exchange=ike",
	Cisco-AVPair += "ipsec:tunnel-password=lim-group-key-5150",
	Cisco-AVPair += "ipsec:addr-pool=engpool",
	Cisco-AVPair += "ipsec:max-users=1"
solo Cleartext-Password := "cisco"
	Class := "grp-solo",
	Cisco-AVPair = "ipsec:key-exchange=ike",
	Cisco-AVPair += "ipsec:tunnel-password=solo-group-key-6262",
	Cisco-AVPair += "ipsec:addr-pool=engpool",
	Cisco-AVPair += "ipsec:max-logins=1"
alice Cleartext-Password := "alice-radius-7302"
	Class := "user-alice"
bob Cleartext-Password := "bob-radius-2718"
carol Cleartext-Password := "carol-radius-1618"
EOU
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

sed -e 's|^aaa authorization network grouplist local$|&\naaa group server radius RADGROUP\n server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key\naaa authentication login radlogin group RADGROUP\naaa authorization network radlist group RADGROUP\naaa accounting network acctlist start-stop group RADGROUP|' \
  "$KG_SOURCE_DIR/examples/ezvpn-server.cfg" >"$WORK/hub.cfg"
cat >>"$WORK/hub.cfg" <<'EOC'
!
crypto isakmp profile ezrad
 match identity group limited
 match identity group solo
 client authentication list radlogin
 isakmp authorization list radlist
 client configuration address respond
 accounting acctlist
 virtual-template 1
!
ip local pool engpool 198.18.2.10 198.18.2.20
EOC
grep -q "radlist group RADGROUP" "$WORK/hub.cfg" || fail "hub.cfg"

capture_start "$NSA" lo "$WORK/radius.pcapng"
start_keygated "$NSA" "$WORK/hub.cfg"
KLOG=$WORK/keygated-$NSA.log

export SW_INSTALL_VIP=yes SW_LOAD="resolve xauth-generic unity"
EZ_GROUP=limited EZ_KEY=lim-group-key-5150 sw_ez_client "$WORK/c1" 1 alice alice-radius-7302
EZ_GROUP=limited EZ_KEY=lim-group-key-5150 sw_ez_client "$WORK/c2" 2 bob bob-radius-2718
# Client 3 renews its ISAKMP SA after 15 s (strongSwan reauthenticates).
SW_CONN_EXTRA="rekey_time = 15s
    over_time = 10s
    rand_time = 0" EZ_GROUP=solo EZ_KEY=solo-group-key-6262 sw_ez_client "$WORK/c3" 3 carol carol-radius-1618
for k in 1 2 3; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

hex() { printf %s "$1" | od -An -tx1 | tr -d ' \n' | sed 's/^/0x/'; }
# acct_of STATUS USER FIELD: FIELD's values in USER's records of that status.
acct_of() {
  cat "$RAD_DIR"/log/radacct/127.0.0.1/detail-* 2>/dev/null |
    awk -v RS= -v st="$1" -v u="$2" -v f="$3" '$0 ~ "Acct-Status-Type = " st "\n" && $0 ~ "\tUser-Name = \"" u "\"\n" {
      n = split($0, l, "\n"); for (i = 1; i <= n; i++) if (l[i] ~ "^\t" f " = ") { sub("^\t" f " = ", "", l[i]); print l[i] } }'
}
# classes_ok STATUS USER: the record carries Class user-alice and grp-limited.
classes_ok() {
  local c; c=$(acct_of "$1" "$2" Class)
  grep -qx "$(hex user-alice)" <<<"$c" && grep -qx "$(hex grp-limited)" <<<"$c"
}

# 1. Group limited, alice.
sw_initiate "$WORK/c1" ez || { cat "$WORK/c1/initiate.out"; tail -30 "$KLOG"; fail "client 1 initiate"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "client 1 not established"
vip=$(sw_vip "$WORK/c1")
log "client 1: group limited (RADIUS, ipsec:max-users=1), XAUTH alice by FreeRADIUS, virtual IP $vip"
wait_for "[ -n \"\$(acct_of Start alice Acct-Session-Id)\" ]" 10 || { tail -20 "$KLOG"; fail "no Accounting Start for alice"; }
acct_of Start alice Class | sed 's/^/    Start Class = /'
classes_ok Start alice || { rad_acct Start; fail "Start: Class user-alice and grp-limited expected"; }
log "Accounting Start for alice echoes Class $(hex user-alice) (XAUTH Accept) and $(hex grp-limited) (group Accept)"

# 2. bob in the same group: refused at message 1 (max-users 1).
swanctl_ "$WORK/c2" --initiate --child ez --timeout 4 >/dev/null 2>&1 &
wait_for "grep -q 'Group limited has reached its max-users limit of 1: connection from 198.51.100.12 refused' '$KLOG'" 10 ||
  { tail -20 "$KLOG"; fail "no max-users line for client 2"; }
grep "EZVPN_MAX_USERS" "$KLOG" | head -1
wait $! 2>/dev/null
sw_has_sa "$WORK/c2" && fail "client 2 is established despite ipsec:max-users=1"
grep -q "Login OK: \[bob" "$RAD_LOG" && fail "bob was asked of RADIUS although his group is full"
log "client 2: bob refused, group limited has its one user (ipsec:max-users=1)"

# 3. Group solo, carol (alice of group limited is no login of solo's).
sw_initiate "$WORK/c3" ez || { cat "$WORK/c3/initiate.out"; tail -30 "$KLOG"; fail "client 3 initiate"; }
wait_for "sw_has_sa $WORK/c3" 15 || fail "client 3 not established"
log "client 3: group solo (ipsec:max-logins=1), carol, virtual IP $(sw_vip "$WORK/c3")"

# 4. carol again from client 2: refused at XAUTH (max-logins 1).
EZ_GROUP=solo EZ_KEY=solo-group-key-6262 sw_ez_client "$WORK/c2" 2 carol carol-radius-1618
swanctl_ "$WORK/c2" --load-all --file "$WORK/c2/swanctl.conf" >/dev/null 2>&1
swanctl_ "$WORK/c2" --initiate --child ez --timeout 4 >/dev/null 2>&1 &
want="XAUTH failed for user carol from 198.51.100.12 (group solo): user has reached the group's max-logins limit of 1"
wait_for "grep -qF \"$want\" '$KLOG'" 10 || { tail -20 "$KLOG"; fail "no max-logins line for client 2"; }
grep -F "$want" "$KLOG" | head -1
wait $! 2>/dev/null
sleep 1
sw_has_sa "$WORK/c2" && fail "carol's second login is established despite ipsec:max-logins=1"
sw_has_sa "$WORK/c3" || fail "client 3 lost its SA"
log "client 2: carol's second login refused (ipsec:max-logins=1); client 3 keeps its session"

# 5. alice leaves: the Stop echoes the Class values; bob gets the free place.
swanctl_ "$WORK/c1" --terminate --ike ez >"$WORK/c1/terminate.out" 2>&1 || { cat "$WORK/c1/terminate.out"; fail "terminate"; }
wait_for "[ -n \"\$(acct_of Stop alice Acct-Session-Id)\" ]" 10 || { tail -20 "$KLOG"; fail "no Accounting Stop for alice"; }
[ "$(acct_of Stop alice Acct-Session-Id)" = "$(acct_of Start alice Acct-Session-Id)" ] || fail "Stop: Acct-Session-Id"
classes_ok Stop alice || { rad_acct Stop; fail "Stop: Class user-alice and grp-limited expected"; }
[ -z "$(acct_of Start carol Class | grep -v "$(hex grp-solo)")" ] && [ -n "$(acct_of Start carol Class)" ] ||
  fail "carol's Start: Class grp-solo only expected, got '$(acct_of Start carol Class | tr '\n' ' ')'"
log "Accounting Stop for alice echoes both Class values; carol's Start only grp-solo (her Accept has none)"
wait_for "! kg $NSA 'show crypto isakmp sa' | grep -q 198.51.100.11" 10 || true
EZ_GROUP=limited EZ_KEY=lim-group-key-5150 sw_ez_client "$WORK/c2" 2 bob bob-radius-2718
swanctl_ "$WORK/c2" --load-all --file "$WORK/c2/swanctl.conf" >/dev/null 2>&1
sw_initiate "$WORK/c2" ez || { cat "$WORK/c2/initiate.out"; tail -30 "$KLOG"; fail "client 2 (bob) initiate after alice left"; }
wait_for "sw_has_sa $WORK/c2" 15 || fail "client 2 (bob) not established after alice left"
log "client 2: bob comes up in group limited once alice has left"

# 6. Client 3's renewal (Aggressive Mode and XAUTH again while its old SA
# is up) is the same login, not a second one over ipsec:max-logins=1.
wait_for "grep -q 'user carol reauthenticates ISAKMP SA' '$KLOG'" 30 ||
  { grep -i "carol\|198.51.100.13" "$KLOG" | tail -10; fail "client 3 did not renew its ISAKMP SA"; }
grep "user carol reauthenticates" "$KLOG" | head -1
grep -q "XAUTH failed for user carol from 198.51.100.13" "$KLOG" && fail "client 3's renewal was refused as a second login"
log "client 3: ISAKMP SA renewed by reauthentication under ipsec:max-logins=1, not refused"

for f in "$KLOG"; do
  grep -q "lim-group-key-5150\|solo-group-key-6262\|radius-7302\|radius-1618" "$f" && fail "a key or password is in $f"
done
capture_stop
tshark_check "$WORK/radius.pcapng" || fail "malformed RADIUS"
cls=$(tshark -r "$WORK/radius.pcapng" -Y 'radius.code == 4 && radius.Class' 2>/dev/null | wc -l)
[ "$cls" -ge 2 ] || fail "tshark: $cls Accounting-Requests with Class"
log "tshark: no malformed RADIUS; $cls Accounting-Requests carry Class"
log "PASS"
