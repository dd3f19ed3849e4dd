#!/bin/bash
# keygate AAA demo (seed 004): a FlexVPN remote-access hub in one namespace,
# a private FreeRADIUS 3.2 beside it, and two strongSwan road warriors on the
# hub's segment. Each client authenticates with EAP inside IKEv2; keygated
# relays the EAP conversation to FreeRADIUS and takes the user's address from
# the Access-Accept: alice (EAP-MD5) gets her Framed-IP-Address, bob
# (EAP-MSCHAPv2) an address from the pool RADIUS names (ipsec:addr-pool).
# Both ping the hub's LAN; then alice disconnects, and the
# accounting Start and Stop records FreeRADIUS wrote are printed.
# Usage: scripts/demo_aaa.sh BUILD_DIR
KG_SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
KG_BUILD_DIR=$(cd "${1:-$KG_SOURCE_DIR/build}" && pwd) || { echo "usage: $0 BUILD_DIR"; exit 2; }
export KG_SOURCE_DIR KG_BUILD_DIR
. "$KG_SOURCE_DIR/tests/integration/lib.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_ra.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_radius.sh"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { printf '\nra-hub# %s\n' "$1"; kg "$NSA" "$1"; }

lib_init
ra_switch 2
say "The hub ($NSA, 198.51.100.1) and two clients (.11 alice, .12 bob) on one segment."
say "FreeRADIUS in the hub's namespace, with two users:"
cat >"$WORK/users" <<'EOU'
alice Cleartext-Password := "alice-pass"
	Framed-IP-Address = 198.18.3.7,
	Cisco-AVPair = "ipsec:dns-servers=198.18.0.99"
bob Cleartext-Password := "bob-pass"
	Cisco-AVPair = "ipsec:addr-pool=RA-EMPLOYEES"
EOU
sed 's/^/    /' "$WORK/users"
start_freeradius "$NSA" s3cr3t "$WORK/users"

say "keygated on the hub, from examples/ra-hub-radius.cfg"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/ra-hub-radius.cfg"
show "show aaa servers"

export SW_LOAD="eap-identity eap-md5 eap-mschapv2 gcrypt resolve" SW_INSTALL_VIP=yes
sw_eap_client "$WORK/alice" 1 eap-md5 alice alice-pass
sw_eap_client "$WORK/bob" 2 eap-mschapv2 bob bob-pass
start_charon "${RA_NS[1]}" "$WORK/alice"
start_charon "${RA_NS[2]}" "$WORK/bob"

for u in alice bob; do
  k=$([ $u = alice ] && echo 1 || echo 2)
  say "$u connects (strongSwan, EAP-$([ $u = alice ] && echo MD5 || echo MSCHAPv2) through keygate to FreeRADIUS)"
  sw_initiate "$WORK/$u" ra || { cat "$WORK/$u/initiate.out"; fail "$u could not connect"; }
  wait_for "sw_has_sa $WORK/$u" 15 || fail "$u not established"
  v=$(sw_vip "$WORK/$u")
  echo "    $u's address: $v"
  wait_for "ping_ok ${RA_NS[$k]} $v 203.0.113.1 1" 10 || fail "$u cannot reach the hub's LAN"
  ip netns exec "${RA_NS[$k]}" ping -n -c 3 -i 0.3 -I "$v" 203.0.113.1 || fail "ping from $u"
done
grep -E "Login OK" "$RAD_LOG" | sed 's/^/    FreeRADIUS: /'

show "show crypto session"
show "show aaa servers"

say "alice disconnects (swanctl --terminate): keygate deletes her session and sends RADIUS a Stop"
swanctl_ "$WORK/alice" --terminate --ike ra >/dev/null 2>&1 || fail "alice could not disconnect"
wait_for "! kg $NSA 'show crypto session' | grep -q 198.51.100.11" 10 || fail "alice's session is still on the hub"
wait_for "[ -n \"\$(rad_acct Stop)\" ]" 10 || fail "no accounting Stop"
say "Accounting records in FreeRADIUS's detail file"
echo "--- Start records"; rad_acct Start | sed 's/^/    /'
echo "--- Stop records"; rad_acct Stop | sed 's/^/    /'
show "show crypto session"
say "Done. Cleaning up namespaces, daemons and FreeRADIUS."
