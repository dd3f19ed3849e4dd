#!/bin/bash
# Two keygated configured with IOS port names (issue 14, part 5): site A says
# GigabitEthernet0/0, site B `int e0/0` (Ethernet0/0), each mapped to the
# namespace's eth0 by `platform interface-map`. The addresses lib_init put on
# eth0 are removed first, so the tunnel comes up only if keygated put the
# mapped port's address on eth0 and found the tunnel source through the map.
# An unmapped port is warned about with its line number and never shown up.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
for n in "$NSA" "$NSB"; do ip -n "$n" addr flush dev eth0; done
cat >"$WORK/a.cfg" <<'EOC'
hostname site-a
platform interface-map GigabitEthernet0/0 eth0
crypto ikev2 keyring KR
 peer site-b
  address 198.51.100.2
  pre-shared-key cisco123
crypto ikev2 profile default
 match identity remote fqdn site-b.example.net
 identity local fqdn site-a.example.net
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
interface GigabitEthernet0/0
 ip address 198.51.100.1 255.255.255.0
interface GigabitEthernet0/1
 ip address 203.0.113.65 255.255.255.192
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
interface Tunnel0
 ip address 203.0.113.1 255.255.255.252
 tunnel source GigabitEthernet0/0
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.2
 tunnel protection ipsec profile default
ip route 192.0.2.128 255.255.255.128 Tunnel0
ip route 198.18.7.0 255.255.255.0 GigabitEthernet0/1
EOC
cat >"$WORK/b.cfg" <<'EOC'
hostname site-b
platform interface-map Ethernet0/0 eth0
crypto ikev2 keyring KR
 peer site-a
  address 198.51.100.1
  pre-shared-key cisco123
crypto ikev2 profile default
 match identity remote fqdn site-a.example.net
 identity local fqdn site-b.example.net
 authentication local pre-share
 authentication remote pre-share
 keyring local KR
int e0/0
 ip address 198.51.100.2 255.255.255.0
interface Loopback0
 ip address 192.0.2.129 255.255.255.128
interface Tunnel0
 ip address 203.0.113.2 255.255.255.252
 tunnel source e0/0
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.1
 tunnel protection ipsec profile default
ip route 192.0.2.0 255.255.255.128 Tunnel0
EOC
start_keygated "$NSA" "$WORK/a.cfg"
start_keygated "$NSB" "$WORK/b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; cat "$WORK/keygated-$NSA.log"; fail "no READY IKE SA within 20 s"; }
log "IKE SA READY on both sides"
ip -n "$NSA" -4 addr show dev eth0 | grep -q "198.51.100.1/24" || fail "GigabitEthernet0/0's address is not on eth0"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A"
# The unmapped port: warned with its line number, kept, never up.
grep -q "% line 15: Warning: GigabitEthernet0/1 is not mapped to a Linux device" "$WORK/keygated-$NSA.log" ||
  { cat "$WORK/keygated-$NSA.log"; fail "no load warning for the unmapped GigabitEthernet0/1"; }
grep -qi "libnl\|Object not found" "$WORK/keygated-$NSA.log" && { cat "$WORK/keygated-$NSA.log"; fail "libnl error in the log"; }
out=$(kg "$NSA" "show interfaces GigabitEthernet0/1")
grep -q "^GigabitEthernet0/1 is down, line protocol is down" <<<"$out" || { echo "$out"; fail "show interfaces: unmapped port not down"; }
out=$(kg "$NSA" "show interfaces Gi0/0")
grep -q "^GigabitEthernet0/0 is up, line protocol is up" <<<"$out" && grep -q "Linux device eth0" <<<"$out" ||
  { echo "$out"; fail "show interfaces Gi0/0"; }
out=$(kg "$NSA" "show ip interface brief")
echo "$out"
grep -Eq "^GigabitEthernet0/1 +203.0.113.65 .* down +down" <<<"$out" || { echo "$out"; fail "brief: unmapped port not down"; }
grep -Eq "^GigabitEthernet0/0 +198.51.100.1 .* up +up" <<<"$out" || { echo "$out"; fail "brief: mapped port"; }
grep -Eq "^eth0 " <<<"$out" && { echo "$out"; fail "brief lists eth0 besides GigabitEthernet0/0"; }
out=$(kg "$NSA" "show ip route")
grep -q "directly connected, GigabitEthernet0/0" <<<"$out" || { echo "$out"; fail "show ip route: eth0 not named GigabitEthernet0/0"; }
# Mapping GigabitEthernet0/1 later (a device that appeared): its address goes
# on that device; moving the map moves the address; unmapping takes it off.
ip -n "$NSA" link add kglan0 type veth peer name kglan1 || fail "veth kglan"
kg "$NSA" $'configure terminal\nplatform interface-map GigabitEthernet0/1 kglan0\nend' || fail "map Gi0/1"
wait_for "ip -n $NSA -4 addr show dev kglan0 | grep -q 203.0.113.65/26" 5 || { ip -n "$NSA" addr; fail "Gi0/1's address not on kglan0 after mapping"; }
kg "$NSA" "show interfaces GigabitEthernet0/1" | grep -q "Linux device kglan0" || fail "show interfaces after mapping"
kg "$NSA" $'configure terminal\nno platform interface-map GigabitEthernet0/1 kglan0\nplatform interface-map Gi0/1 kglan1\nend' || fail "remap Gi0/1"
wait_for "ip -n $NSA -4 addr show dev kglan1 | grep -q 203.0.113.65/26" 5 || { ip -n "$NSA" addr; fail "Gi0/1's address not on kglan1 after remapping"; }
ip -n "$NSA" -4 addr show dev kglan0 | grep -q 203.0.113.65 && fail "Gi0/1's address left on kglan0"
ip -n "$NSA" link set kglan1 up
kg "$NSA" $'configure terminal\nip route 198.18.8.0 255.255.255.0 Gi0/1\nend' || fail "route via Gi0/1"
wait_for "ip -n $NSA route show 198.18.8.0/24 | grep -q 'dev kglan1'" 5 || { ip -n "$NSA" route; fail "ip route ... Gi0/1 is not on kglan1"; }
kg "$NSA" $'configure terminal\nno platform interface-map Gi0/1 kglan1\nend' || fail "unmap Gi0/1"
ip -n "$NSA" -4 addr show dev kglan1 | grep -q 203.0.113.65 && fail "Gi0/1's address left on kglan1 after unmapping"
kg "$NSA" "show interfaces GigabitEthernet0/1" | grep -q "^GigabitEthernet0/1 is down" || fail "unmapped again: not down"
out=$(kg "$NSB" "show running-config")
grep -q "^platform interface-map Ethernet0/0 eth0$" <<<"$out" && grep -q "^interface Ethernet0/0$" <<<"$out" &&
  grep -q "^ tunnel source Ethernet0/0$" <<<"$out" || { echo "$out"; fail "running-config of site B"; }
log "PASS"
