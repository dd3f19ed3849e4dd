#!/bin/bash
# Remote access (seed 004, examples/ra-hub.cfg): strongSwan road warriors
# (vips = 0.0.0.0, PSK) get an address and DNS from keygate's pool, each its
# own Virtual-Access cloned from Virtual-Template1; they reach the hub's LAN
# and the hub reaches them; addresses return to the pool when they leave.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
lib_init
ra_switch 3
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/ra-hub.cfg"
export SW_INSTALL_VIP=yes SW_LOAD=resolve
for k in 1 2 3; do sw_ra_client "$WORK/c$k" $k; start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

pool_line() { kg "$NSA" "show ip local pool" | awk '/^ RA-POOL/ {print $4, $5}'; }
[ "$(pool_line)" = "90 0" ] || fail "pool before any client: $(pool_line)"

# Client 1: address, DNS, Virtual-Access1, kernel route, traffic both ways.
sw_initiate "$WORK/c1" ra || { cat "$WORK/c1/initiate.out"; fail "client 1 initiate"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "client 1 not established"
vip=$(sw_vip "$WORK/c1")
[ "$vip" = 198.18.1.10 ] || { swanctl_ "$WORK/c1" --list-sas; fail "client 1 got '$vip', not 198.18.1.10"; }
grep -q "^nameserver 198.18.0.53" "$WORK/c1/resolv.conf" 2>/dev/null || { cat "$WORK/c1/resolv.conf"; fail "client 1 did not install DNS 198.18.0.53"; }
log "client 1: virtual IP $vip, DNS 198.18.0.53"
kg "$NSA" "show crypto session" | grep -q "^Interface: Virtual-Access1" || { kg "$NSA" "show crypto session"; fail "no Virtual-Access1 session"; }
ip -n "$NSA" route show 198.18.1.10 | grep -q "dev Vt1" || { ip -n "$NSA" route; fail "hub has no route to 198.18.1.10 via Vt1"; }
wait_for "ping_ok ${RA_NS[1]} 198.18.1.10 203.0.113.1 1" 10 || fail "client 1 -> hub LAN"
ping_ok "${RA_NS[1]}" 198.18.1.10 203.0.113.1 3 || fail "client 1 -> hub LAN"
ping_ok "$NSA" 203.0.113.1 198.18.1.10 3 || fail "hub LAN -> client 1"

# Clients 2 and 3 at once: their own addresses and Virtual-Access interfaces.
sw_initiate "$WORK/c2" ra & p2=$!; sw_initiate "$WORK/c3" ra; wait $p2
wait_for "sw_has_sa $WORK/c2 && sw_has_sa $WORK/c3" 15 || fail "clients 2/3 not established"
v2=$(sw_vip "$WORK/c2"); v3=$(sw_vip "$WORK/c3")
[ "$(printf '%s\n' "$v2" "$v3" | sort | tr '\n' ' ')" = "198.18.1.11 198.18.1.12 " ] || fail "clients 2/3 got '$v2' '$v3'"
for k in 2 3; do
  v=$(sw_vip "$WORK/c$k")
  wait_for "ping_ok ${RA_NS[$k]} $v 203.0.113.1 1" 10 || fail "client $k -> hub LAN"
  ping_ok "$NSA" 203.0.113.1 "$v" 2 || fail "hub LAN -> client $k ($v)"
done
s=$(kg "$NSA" "show crypto session")
for va in Virtual-Access1 Virtual-Access2 Virtual-Access3; do
  echo "$s" | grep -q "^Interface: $va" || { echo "$s"; fail "no session on $va"; }
done
[ "$(pool_line)" = "87 3" ] || fail "pool with 3 clients: $(pool_line)"
kg "$NSA" "show ip local pool RA-POOL" | grep -E "^    198.18.1.1[0-2] +Vi[1-3] +client[1-3].example.net" | wc -l | grep -qx 3 ||
  { kg "$NSA" "show ip local pool RA-POOL" | head -20; fail "in-use addresses not listed"; }
j=$(kg "$NSA" "show ip local pool RA-POOL | json") || fail "show ip local pool | json"
[ "$(jq '.pools[0].leases | length' <<<"$j")" = 3 ] || fail "pool json leases: $j"
j=$(kg "$NSA" "show interfaces Virtual-Access1 | json") || fail "show interfaces Vi1 | json"
jq -e '.interfaces[0] | select(.name=="Virtual-Access1" and .line_protocol=="up" and (.assigned_address | startswith("198.18.1.")))' \
  <<<"$j" >/dev/null || fail "interfaces json: $j"
kg "$NSA" "show interfaces Virtual-Access1" | grep -q "Virtual-Access1 is up, line protocol is up" ||
  { kg "$NSA" "show interfaces Virtual-Access1"; fail "show interfaces Virtual-Access1"; }
log "3 clients: 198.18.1.10-12 on Virtual-Access1-3, traffic both ways"

# Client 2 leaves: its address returns to the pool, the others keep working.
swanctl_ "$WORK/c2" --terminate --ike ra >/dev/null 2>&1 || fail "terminate client 2"
wait_for "[ \"\$(pool_line)\" = '88 2' ]" 10 || fail "pool after client 2 left: $(pool_line)"
kg "$NSA" "show ip local pool RA-POOL" | grep -A1 "^Available addresses" | grep -q "$v2" || fail "$v2 not available again"
ip -n "$NSA" route show "$v2" | grep -q . && fail "route to $v2 left behind"
ping_ok "${RA_NS[1]}" 198.18.1.10 203.0.113.1 2 || fail "client 1 after client 2 left"
# All leave: every address is back.
for k in 1 3; do swanctl_ "$WORK/c$k" --terminate --ike ra >/dev/null 2>&1; done
wait_for "[ \"\$(pool_line)\" = '90 0' ]" 10 || fail "pool after all left: $(pool_line)"
kg "$NSA" "show crypto session" | grep -q "Virtual-Access" && fail "Virtual-Access sessions left behind"
log "addresses returned to RA-POOL"
log "PASS"
