#!/bin/bash
# Accounting of pre-shared-key sessions and why they ended (seed 004
# "Accounting", issue 16), against a real FreeRADIUS 3.2: seed 004's
# ra-hub with `aaa accounting psk acct` in its profile and DPD on.
# - a strongSwan road warrior with a PSK gets a Start (User-Name its IKE
#   identity); `clear crypto session` ends it: the Stop says Admin-Reset and
#   disc-cause-ext=Admin Reset;
# - it connects again and its charon is killed (kill -9): DPD declares the
#   peer dead and the Stop says Idle-Timeout, with counters.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 1

: >"$WORK/users"
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

sed -e 's/^aaa new-model$/aaa new-model\naaa group server radius frad\n server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key\naaa accounting network acct start-stop group frad/' \
    -e 's/^ aaa authorization group psk list flex_local RA$/&\n aaa accounting psk acct\n dpd 10 2 periodic/' \
    "$KG_SOURCE_DIR/examples/ra-hub.cfg" >"$WORK/hub.cfg"
grep -q "aaa accounting psk acct" "$WORK/hub.cfg" && grep -q "server-private 127.0.0.1" "$WORK/hub.cfg" || fail "hub.cfg not built"
start_keygated "$NSA" "$WORK/hub.cfg"

C=$WORK/c1
sw_ra_client "$C" 1
export SW_INSTALL_VIP=yes
start_charon "${RA_NS[1]}" "$C"
CHARON=${LIB_PIDS[-1]}
sw_initiate "$C" ra || { cat "$C/initiate.out"; fail "PSK client"; }
wait_for "[ -n \"\$(rad_acct Start)\" ]" 10 || { tail -20 "$WORK/keygated-$NSA.log"; fail "no Start for a PSK session"; }
[ "$(rad_acct Start User-Name)" = client1.example.net ] || fail "Start: User-Name '$(rad_acct Start User-Name)'"
log "PSK session accounted (aaa accounting psk): Start for client1.example.net"

kg "$NSA" "clear crypto session"
wait_for "[ -n \"\$(rad_acct Stop)\" ]" 10 || fail "no Stop after clear crypto session"
[ "$(rad_acct Stop Acct-Terminate-Cause)" = Admin-Reset ] || fail "clear crypto session: cause '$(rad_acct Stop Acct-Terminate-Cause)'"
rad_acct Stop Cisco-AVPair | grep -qx "disc-cause-ext=Admin Reset" || fail "no disc-cause-ext=Admin Reset"
log "clear crypto session: Stop with Admin-Reset"

wait_for "! sw_has_sa $C" 10 || fail "client kept its SA"
sw_initiate "$C" ra || { cat "$C/initiate.out"; fail "PSK client again"; }
wait_for "[ \$(rad_acct Start | grep -c Start) -ge 2 ]" 10 || fail "no second Start"
v=$(sw_vip "$C")
ip netns exec "${RA_NS[1]}" ping -n -q -c 5 -i 0.2 -I "$v" 203.0.113.1 >/dev/null 2>&1 || fail "ping through the session"
kill -9 "$CHARON"
log "strongSwan killed; DPD (10 s, retry 2 s) is to notice"
wait_for "[ \$(rad_acct Stop Acct-Session-Id | wc -l) -ge 2 ]" 40 || { tail -20 "$WORK/keygated-$NSA.log"; fail "no Stop after the peer died"; }
[ "$(rad_acct Stop Acct-Terminate-Cause | tail -1)" = Idle-Timeout ] || fail "DPD: cause '$(rad_acct Stop Acct-Terminate-Cause | tail -1)'"
rad_acct Stop Cisco-AVPair | grep -qx "disc-cause-ext=Idle Timeout" || fail "no disc-cause-ext=Idle Timeout"
[ "$(rad_acct Stop Acct-Input-Packets | tail -1)" -ge 5 ] || fail "Stop counters: $(rad_acct Stop Acct-Input-Packets | tail -1) packets in"
log "peer dead (DPD): Stop with Idle-Timeout and its counters"
log "PASS"
