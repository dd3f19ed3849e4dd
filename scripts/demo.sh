#!/bin/bash
# keygate demo: two sites in network namespaces, joined by a "cable" (veth
# eth0), each running keygated from examples/site-a.cfg / site-b.cfg. The
# daemons build an IKEv2/IPsec tunnel by themselves; we then send pings and a
# TCP transfer from LAN A (192.0.2.1) to LAN B (192.0.2.129) through it and
# show what the IOS-style shell reports. Usage: scripts/demo.sh BUILD_DIR
KG_SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
KG_BUILD_DIR=$(cd "${1:-$KG_SOURCE_DIR/build}" && pwd) || { echo "usage: $0 BUILD_DIR"; exit 2; }
export KG_SOURCE_DIR KG_BUILD_DIR
. "$KG_SOURCE_DIR/tests/integration/lib.sh"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { # show NS "command"
  printf '\n%s# %s\n' "$([ "$1" = "$NSA" ] && echo site-a || echo site-b)" "$2"
  kg "$1" "$2"
}

lib_init
say "Two namespaces ($NSA = site-a, $NSB = site-b) joined by veth 'eth0' (198.51.100.1 <-> .2)."
say "Starting keygated in each, from examples/site-a.cfg and examples/site-b.cfg."
echo "    keygated puts 192.0.2.1/25 (site-a LAN, Loopback0) and 192.0.2.129/25 (site-b LAN)"
echo "    on lo, creates Tunnel0 and routes the other LAN into it."
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"
say "Waiting for the IKEv2 SA (IKE_SA_INIT + IKE_AUTH with the pre-shared key)..."
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "tunnel did not come up within 20 s"
log "tunnel is up"
say "ping from LAN A (192.0.2.1) to LAN B (192.0.2.129): ESP in UDP/4500 on the wire"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping does not pass"
ip netns exec "$NSA" ping -n -c 4 -i 0.3 -I 192.0.2.1 192.0.2.129 || fail "ping failed"
say "TCP transfer of 20 MiB A -> B through the tunnel (byte count and content checked)"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 || fail "TCP transfer failed"
for ns in "$NSA" "$NSB"; do
  say "What $( [ "$ns" = "$NSA" ] && echo site-a || echo site-b ) says"
  show "$ns" "show crypto session"
  show "$ns" "show crypto ikev2 sa"
  show "$ns" "show crypto ipsec sa"
done
say "Done. Cleaning up namespaces and daemons."
