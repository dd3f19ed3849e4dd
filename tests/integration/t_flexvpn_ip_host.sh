#!/bin/bash
# A FlexVPN client's `peer 1 fqdn NAME` whose name is in keygate's static
# host table (`ip host NAME A`), keygate on both sides (seed 004, examples/
# flexvpn-hub1.cfg and flexvpn-spoke1.cfg with peer 1 given by name). IOS
# consults `ip host` before DNS: the spoke's namespace has no /etc/hosts
# entry and no resolver for the name (its own /etc/hosts and a resolv.conf
# that refuses at once, /etc/netns/NS/, made and removed here), yet the
# client connects Tunnel0 to hub 1 at the table's address, gets its address
# from hub 1's pool and traffic flows LAN to LAN; the spoke never looks the
# name up.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
HUB1=$NSA SPOKE=$NSB
HOSTS_DIR=/etc/netns/$SPOKE
trap 'rc=$?; rm -rf "$HOSTS_DIR"; (exit $rc); lib_cleanup' EXIT
mkdir -p "$HOSTS_DIR" && printf '127.0.0.1 localhost\n' >"$HOSTS_DIR/hosts" &&
  printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$HOSTS_DIR/resolv.conf" || fail "cannot write $HOSTS_DIR"
NAME=hub1.example.net
# The example's peers by address become one peer by name, found in ip host.
sed -e "s/^hostname spoke1$/&\n!\nip host $NAME 198.51.100.1/" -e "s/^ peer 1 198.51.100.1$/ peer 1 fqdn $NAME/" \
  -e '/^ peer 2 /d' -e '/^ peer reactivate$/d' "$KG_SOURCE_DIR/examples/flexvpn-spoke1.cfg" >"$WORK/spoke.cfg"
grep -qx " peer 1 fqdn $NAME" "$WORK/spoke.cfg" && grep -qx "ip host $NAME 198.51.100.1" "$WORK/spoke.cfg" ||
  { cat "$WORK/spoke.cfg"; fail "the spoke's configuration was not rewritten"; }
ip netns exec "$SPOKE" getent ahostsv4 "$NAME" && fail "$NAME resolves in $SPOKE without ip host"
start_keygated "$HUB1" "$KG_SOURCE_DIR/examples/flexvpn-hub1.cfg"
start_keygated "$SPOKE" "$WORK/spoke.cfg"
SPOKELOG=$WORK/keygated-$SPOKE.log

client() { kg "$SPOKE" "show crypto ikev2 client flexvpn default"; }
wait_for "client | grep -q 'Current state:Tunnel0 up' && client | grep -q 'Tunnel0 : 198.18.1.'" 30 ||
  { client; kg "$SPOKE" "show crypto ikev2 sa"; tail -20 "$SPOKELOG"; fail "spoke not connected to hub 1 within 30 s"; }
client | grep -q "Peer : 198.51.100.1" || { client; fail "not connected to peer 1 at its ip host address"; }
client
kg "$SPOKE" "show running-config" | grep -qx "ip host $NAME 198.51.100.1" || fail "ip host not in the spoke's running-config"
grep -q "connecting to peer 1 198.51.100.1" "$SPOKELOG" || fail "no 'connecting to peer 1 198.51.100.1' line"
grep -q "does not resolve" "$SPOKELOG" && fail "the spoke looked $NAME up"
wait_for "ping_ok $SPOKE 192.0.2.1 203.0.113.1 1" 10 || fail "first ping spoke LAN -> hub 1 LAN"
ping_ok "$SPOKE" 192.0.2.1 203.0.113.1 3 || fail "ping spoke LAN -> hub 1 LAN"
ping_ok "$HUB1" 203.0.113.1 192.0.2.1 3 || fail "ping hub 1 LAN -> spoke LAN"
for l in "$SPOKELOG" "$WORK/keygated-$HUB1.log"; do
  grep -q "AddressSanitizer" "$l" && { grep -A5 "AddressSanitizer" "$l" | head; fail "ASan in $l"; }
done
log "PASS"
