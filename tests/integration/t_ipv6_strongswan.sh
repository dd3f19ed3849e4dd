#!/bin/bash
# keygated (examples/site-a-ipv6.cfg, tunnel mode ipsec ipv6) against
# strongSwan 5.9.8 over IPv6: IKE and ESP on 2001:db8:100::/64 (ESP in UDP:
# kernel-libipsec needs encap = yes, which keygate follows), IPv6 inside
# between 2001:db8:a::/64 and 2001:db8:b::/64. keygated initiates first, then
# strongSwan initiates after a delete; ping6 and TCP both ways each time;
# tshark sees IKE and ESP over IPv6 only.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_ipv6.sh"
lib_init
ipv6_outer
ip -n "$NSB" addr add 2001:db8:b::1/64 dev lo
SW=$WORK/swb
SW_LOCAL_TS=2001:db8:b::/64 SW_REMOTE_TS=2001:db8:a::/64 sw_site_b "$SW"
sed -i -e 's/local_addrs = 198.51.100.2/local_addrs = 2001:db8:100::2/' \
       -e 's/remote_addrs = 198.51.100.1/remote_addrs = 2001:db8:100::1/' "$SW/swanctl.conf"
start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a-ipv6.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || { swanctl_ "$SW" --list-sas; fail "no tunnel within 20 s"; }
swanctl_ "$SW" --list-sas | grep -q "2001:db8:100::1\[" || { swanctl_ "$SW" --list-sas; fail "strongSwan's SA is not over IPv6"; }
log "tunnel up over IPv6 (keygated initiated)"
traffic() {
  wait_for "ping_ok $NSA 2001:db8:a::1 2001:db8:b::1 1" 10 || fail "first ping6 keygate->strongSwan"
  ping_ok "$NSA" 2001:db8:a::1 2001:db8:b::1 3 || fail "ping6 keygate->strongSwan"
  ping_ok "$NSB" 2001:db8:b::1 2001:db8:a::1 3 || fail "ping6 strongSwan->keygate"
  tcp_transfer "$NSB" 2001:db8:b::1 "$NSA" 2001:db8:a::1 2M || fail "TCP keygate->strongSwan"
  tcp_transfer "$NSA" 2001:db8:a::1 "$NSB" 2001:db8:b::1 2M || fail "TCP strongSwan->keygate"
}
traffic
kg "$NSA" "show crypto ipsec sa" | grep -q "in use settings ={Tunnel UDP-Encaps, }" || fail "SA not UDP-encapsulated"
kg "$NSA" "show crypto ipsec sa" | grep -q "remote ident (addr/prefixlen/prot/port): (2001:db8:b::/64/" ||
  { kg "$NSA" "show crypto ipsec sa"; fail "selectors not narrowed to the IPv6 LAN"; }
# Re-established: strongSwan initiates (unless keygated's own retry is first).
kg "$NSA" "clear crypto session"
wait_for "sw_no_sa $SW" 10 || fail "strongSwan kept its SA after clear crypto session"
sw_initiate "$SW" kg || grep -q "existing duplicate" "$SW/initiate.out" || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "kg_ready $NSA && sw_has_sa $SW" 15 || fail "tunnel not re-established"
traffic
capture_stop
ipv6_wire_check "$WORK/cap.pcapng"
log "PASS"
