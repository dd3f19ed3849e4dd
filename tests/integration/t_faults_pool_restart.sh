#!/bin/bash
# Address-pool leases across a keygated SIGKILL (issue 21). examples/ra-hub.cfg
# with two strongSwan road warriors (DPD every 3 s, dpd_action = restart):
# both hold a pool address when the hub is killed with SIGKILL. The lease
# table is in the state directory (pool-leases, mode 0600), and the
# restarted hub holds both addresses for their users: the pool counts two in
# use before anyone connects. A third client connects at once, before the
# other two notice, and gets a third address, not one the others still use.
# Then each client's DPD finds the hub gone and connects again, and gets its
# own address back. The three end with three different addresses, the hub's
# leases are exactly those, the pool counts three in use, and each client
# reaches the hub's LAN and back.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_ra.sh"
lib_init
ra_switch 3
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/ra-hub.cfg"; HUB=$KG_LAST_PID
export SW_INSTALL_VIP=yes SW_LOAD=resolve
for k in 1 2 3; do
  sw_ra_client "$WORK/c$k" $k
  sed -i -e 's/^    encap = yes$/    encap = yes\n    dpd_delay = 3s/' \
    -e 's/^        start_action = none$/        start_action = none\n        dpd_action = restart/' "$WORK/c$k/swanctl.conf"
  start_charon "${RA_NS[$k]}" "$WORK/c$k"
done
pool_line() { kg "$NSA" "show ip local pool" | awk '/^ RA-POOL/ {print $4, $5}'; }
for k in 1 2; do sw_initiate "$WORK/c$k" ra || { cat "$WORK/c$k/initiate.out"; fail "client $k initiate"; }; done
wait_for "sw_has_sa $WORK/c1 && sw_has_sa $WORK/c2" 15 || fail "clients not established"
v1=$(sw_vip "$WORK/c1"); v2=$(sw_vip "$WORK/c2")
log "before the kill: client 1 $v1, client 2 $v2, pool (free, in use) $(pool_line)"
[ "$(pool_line)" = "88 2" ] || fail "pool before the kill: $(pool_line)"

leases_file=$WORK/kg-$NSA/state/pool-leases
[ "$(stat -c %a "$leases_file" 2>/dev/null)" = 600 ] || fail "no pool-leases file of mode 0600: $(ls -l "$leases_file" 2>&1)"
for v in "$v1" "$v2"; do grep -q -F "	$v	" "$leases_file" || { cat "$leases_file"; fail "$v not in pool-leases"; }; done

kill -KILL "$HUB"; wait "$HUB" 2>/dev/null
rm -f "$WORK/kg-$NSA/sock"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/ra-hub.cfg"; HUB=$KG_LAST_PID
log "hub killed with SIGKILL and restarted"
[ "$(pool_line)" = "88 2" ] || { kg "$NSA" "show ip local pool RA-POOL"; fail "restarted hub: pool $(pool_line), not the two leases held"; }
grep -q "2 pool lease(s) from before the restart held" "$WORK/keygated-$NSA.log" || fail "no log line for the held leases"
sw_initiate "$WORK/c3" ra || { cat "$WORK/c3/initiate.out"; fail "client 3 initiate"; }
wait_for "sw_has_sa $WORK/c3" 15 || fail "client 3 not established"
n3=$(sw_vip "$WORK/c3")
log "client 3 connected to the restarted hub first: $n3"
[ "$n3" != "$v1" ] && [ "$n3" != "$v2" ] || fail "client 3 got $n3, an address held for client 1 ($v1) or 2 ($v2)"
# Each client's DPD (3 s, then strongSwan's retransmits) finds the hub gone
# and dpd_action = restart connects again.
# The pool counts 3 in use from client 3 on (two of them held): wait until
# the hub has a session (a Virtual-Access) on each of the three leases.
sessions() { kg "$NSA" "show ip local pool RA-POOL" | grep -c -E "^    198\.18\.1\.[0-9]+ +Vi"; }
wait_for "[ \"\$(pool_line)\" = '87 3' ] && [ \"\$(sessions)\" = 3 ] && sw_has_sa $WORK/c1 && sw_has_sa $WORK/c2" 90 ||
  { kg "$NSA" "show ip local pool RA-POOL" | head; fail "the clients did not come back to the restarted hub: $(pool_line)"; }
n1=$(sw_vip "$WORK/c1"); n2=$(sw_vip "$WORK/c2")
log "after the restart: client 1 $n1, client 2 $n2, client 3 $n3, pool $(pool_line)"
[ -n "$n1" ] && [ -n "$n2" ] && [ -n "$n3" ] || fail "a client without an address: '$n1' '$n2' '$n3'"
[ "$(printf '%s\n' "$n1" "$n2" "$n3" | sort -u | wc -l)" = 3 ] || fail "duplicate address: '$n1' '$n2' '$n3'"
[ "$n1" = "$v1" ] && [ "$n2" = "$v2" ] || fail "the clients did not get their addresses back: $v1 -> $n1, $v2 -> $n2"
leases=$(kg "$NSA" "show ip local pool RA-POOL" | grep -E "^    198\.18\.1\.[0-9]+ +Vi" | awk '{print $1}' | sort)
[ "$leases" = "$(printf '%s\n' "$n1" "$n2" "$n3" | sort)" ] ||
  { kg "$NSA" "show ip local pool RA-POOL"; fail "hub's leases '$leases' are not the clients' addresses"; }
for k in 1 2 3; do
  v=$(sw_vip "$WORK/c$k")
  wait_for "ping_ok ${RA_NS[$k]} $v 203.0.113.1 1" 10 || fail "client $k ($v) -> hub LAN after the restart"
  ping_ok "$NSA" 203.0.113.1 "$v" 2 || fail "hub LAN -> client $k ($v) after the restart"
done
log "clients 1 and 2 kept their addresses, client 3 got another, each reaches the hub's LAN"
log "PASS"
