#!/bin/bash
# crypto isakmp peer fqdn NAME (seed 001's {ip-address A | fqdn NAME} form)
# against strongSwan 5.9.8 as Aggressive Mode responder. keygated's
# namespace has its own /etc/hosts and resolv.conf (/etc/netns/NS/, which
# `ip netns exec` bind-mounts over /etc; made and removed here):
#  1. write-back: the fqdn entry, its description, the password sealed;
#  2. the name is not in hosts yet: the first packet into crypto map CMAP
#     waits for the lookup, then keygated logs that the name does not
#     resolve, keeps running and sends no phase 1 (no other key for the peer);
#  3. the name added to hosts: within the 10 s retry the next packet starts
#     Aggressive Mode to the address it resolves to, with the entry's
#     client-endpoint and password; pings both ways;
#  4. `... vrf NAME` is refused at the marker (keygate has no VRFs).
# tshark: Aggressive Mode, no Main Mode, nothing malformed.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$d/lib_peer_fqdn.sh"
PSK=fqdn-peer-password-9b3e
peer_fqdn_start "$PSK"
# 1. Write-back.
kg "$NSA" "show running-config" >"$WORK/rc.txt"
grep -qx "crypto isakmp peer fqdn $NAME" "$WORK/rc.txt" && grep -qx " description site B hub" "$WORK/rc.txt" &&
  grep -q "^ set aggressive-mode password 6 " "$WORK/rc.txt" ||
  { cat "$WORK/rc.txt"; fail "running-config lacks the crypto isakmp peer fqdn entry"; }
grep -q "$PSK" "$WORK/rc.txt" && fail "the aggressive-mode password appears in clear"

# 2. The name does not resolve yet.
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
ip netns exec "$NSA" ping -c 2 -i 0.5 -W 1 -I 192.0.2.1 192.0.2.129 >/dev/null 2>&1 && fail "traffic passed with no peer"
wait_for "grep -q 'crypto isakmp peer fqdn $NAME does not resolve; asking again in 10 s' '$KGLOG'" 10 ||
  { tail -20 "$KGLOG"; fail "no log line for the unresolvable name"; }
grep -q "waits for a crypto isakmp peer fqdn lookup" "$KGLOG" || fail "the first initiation did not wait for the lookup"
kill -0 "$KGPID" || fail "keygated died on an unresolvable name"
sw_no_sa "$SW" || fail "an SA although the name does not resolve"
log "unresolvable: $(grep -o 'crypto isakmp peer fqdn .*does not resolve.*' "$KGLOG" | head -1)"

# 3. The name resolves: the next lookup (10 s on) finds it.
printf '198.51.100.2 %s\n' "$NAME" >>"$HOSTS_DIR/hosts"
peer_fqdn_tunnel_up "once the name resolves"
grep -q "crypto isakmp peer fqdn $NAME resolves to 198.51.100.2" "$KGLOG" || fail "no 'resolves to' line"
grep -q "$PSK" "$KGLOG" && fail "the password is in keygated's log"

# 4. No VRFs: the marker, nothing changes.
out=$(kg "$NSA" $'configure terminal\ncrypto isakmp peer address 198.51.100.9 vrf RED\nend' 2>&1)
echo "$out" | grep -q "% Invalid input detected at '^' marker." || { echo "$out"; fail "vrf not refused at the marker"; }
kg "$NSA" "show running-config" | grep -q "198.51.100.9" && fail "the vrf line changed the configuration"
peer_fqdn_finish
