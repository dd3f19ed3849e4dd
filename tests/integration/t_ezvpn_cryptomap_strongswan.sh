#!/bin/bash
# Easy VPN through a dynamic crypto map with no ISAKMP profile (seed 001's
# crypto map NAME client authentication list / isakmp authorization list /
# client configuration address) against strongSwan 5.9.8 IKEv1 clients
# (xauth-generic, unity): the map's client authentication list makes
# keygated run XAUTH against the local users (a wrong password is refused
# with the log line, the right one gets the tunnel), its client
# configuration address respond hands out an address from the group's pool.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
lib_init
ra_switch 2

cat >"$WORK/hub.cfg" <<'EOC'
hostname ezvpn-map
aaa new-model
aaa authentication login userlist local
aaa authorization network grouplist local
username alice secret alice-pass-3141
username bob secret bob-pass-2718
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp client configuration group cisco
 key cisco-group-key-5821
 dns 198.18.0.53
 pool fred
crypto ipsec transform-set TS esp-aes 256 esp-sha256-hmac
crypto dynamic-map DYN 10
 set transform-set TS
crypto map CMAP client authentication list userlist
crypto map CMAP isakmp authorization list grouplist
crypto map CMAP client configuration address respond
crypto map CMAP 65535 ipsec-isakmp dynamic DYN
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
interface Loopback1
 ip address 203.0.113.1 255.255.255.0
ip local pool fred 198.18.1.10 198.18.1.99
EOC
LOG="$WORK/keygated-$NSA.log"
start_keygated "$NSA" "$WORK/hub.cfg"
rc=$(kg "$NSA" "show running-config")
for l in "crypto map CMAP client authentication list userlist" "crypto map CMAP isakmp authorization list grouplist" \
         "crypto map CMAP client configuration address respond"; do
  grep -qx "$l" <<<"$rc" || { echo "$rc"; fail "'$l' not in running-config"; }
done

export SW_INSTALL_VIP=yes SW_LOAD="resolve xauth-generic unity"
sw_ez_client "$WORK/c1" 1 bob wrong-password
sw_ez_client "$WORK/c2" 2 alice alice-pass-3141
for k in 1 2; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

# The map's client authentication list: XAUTH, a wrong password refused.
swanctl_ "$WORK/c1" --initiate --child ez --timeout 3 >/dev/null 2>&1
wait_for "grep -q 'XAUTH failed for user bob' '$LOG'" 10 || { tail -30 "$LOG"; fail "no XAUTH failure line (map's client authentication list)"; }
sw_has_sa "$WORK/c1" && fail "client 1 with a wrong password is established"
grep -q "wrong-password" "$LOG" && fail "the XAUTH password is in the log"
log "crypto map CMAP client authentication list: XAUTH asked, wrong password refused"

# The right password: the tunnel, an address from pool fred.
sw_initiate "$WORK/c2" ez || { cat "$WORK/c2/initiate.out"; tail -40 "$WORK/c2/charon.log"; fail "client 2 initiate"; }
wait_for "sw_has_sa $WORK/c2" 15 || { tail -30 "$LOG"; fail "client 2 not established"; }
vip=$(sw_vip "$WORK/c2")
[ "$vip" = 198.18.1.10 ] || { swanctl_ "$WORK/c2" --list-sas; fail "client 2 got '$vip', not 198.18.1.10"; }
grep -q "EZVPN_XAUTH_OK: XAUTH user alice from 198.51.100.12" "$LOG" || fail "no XAUTH for client 2 (alice)"
log "crypto map CMAP client configuration address respond: client 2 (alice) got $vip from pool fred"
log "PASS"
