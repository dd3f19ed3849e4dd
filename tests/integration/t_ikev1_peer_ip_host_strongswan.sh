#!/bin/bash
# crypto isakmp peer fqdn NAME whose name is in keygate's static host table
# (`ip host NAME A...`), against strongSwan 5.9.8 as Aggressive Mode
# responder. IOS consults `ip host` before DNS: no /etc/hosts entry and no
# resolver exist for the name in keygated's namespace (its own /etc/hosts
# and a resolv.conf that refuses at once, /etc/netns/NS/, made and removed
# here), yet
#  1. write-back: the ip host line with both addresses, the fqdn entry;
#  2. the first packet into crypto map CMAP starts Aggressive Mode at once
#     (no lookup to wait for) to the entry's first address, with the fqdn
#     entry's client-endpoint and password; pings both ways;
#  3. keygated logs that the name resolves through ip host, never that it
#     waits for a lookup or that the name does not resolve.
# tshark: Aggressive Mode, no Main Mode, nothing malformed.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$d/lib_peer_fqdn.sh"
PSK=ip-host-peer-password-4c1d
# The second address answers nothing: IOS tries the first one first.
peer_fqdn_start "$PSK" "ip host $NAME 198.51.100.2 198.51.100.9
!
"
# The namespace really cannot resolve the name.
ip netns exec "$NSA" getent ahostsv4 "$NAME" && fail "$NAME resolves in $NSA without ip host"

# 1. Write-back.
kg "$NSA" "show running-config" >"$WORK/rc.txt"
grep -qx "ip host $NAME 198.51.100.2 198.51.100.9" "$WORK/rc.txt" && grep -qx "crypto isakmp peer fqdn $NAME" "$WORK/rc.txt" ||
  { cat "$WORK/rc.txt"; fail "running-config lacks the ip host line or the fqdn entry"; }

# 2. The first packet starts Aggressive Mode to the table's first address.
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
peer_fqdn_tunnel_up "to the ip host address, after the first packet"

# 3. The log: ip host, no lookup.
grep -q "crypto isakmp peer fqdn $NAME resolves to 198.51.100.2 (ip host)" "$KGLOG" ||
  { tail -20 "$KGLOG"; fail "no 'resolves to ... (ip host)' line"; }
grep -q "waits for a crypto isakmp peer fqdn lookup" "$KGLOG" && fail "the initiation waited for a lookup"
grep -q "does not resolve" "$KGLOG" && fail "keygated looked the name up"
grep -q "$PSK" "$KGLOG" && fail "the password is in keygated's log"
peer_fqdn_finish
