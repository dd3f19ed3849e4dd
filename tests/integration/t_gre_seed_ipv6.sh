#!/bin/bash
# Seed 004's "IPv6 over IPv4 tunneling" site-to-site example between two
# keygated (examples/seed-ipv6-over-ipv4-r{1,2}.cfg): Tunnel0 has no
# `tunnel mode` line, so it is GRE/IP as on IOS (GRE in user space: this
# kernel has none) inside IPsec. The CHILD_SA protects the GRE flow, ping6
# and TCP over IPv6 pass between the two LANs both ways, and
# show running-config prints no tunnel mode line (the default).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/seed-ipv6-over-ipv4-r1.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/seed-ipv6-over-ipv4-r2.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
log "IKE SA READY on both sides"
sa=$(kg "$NSA" "show crypto ipsec sa")
grep -q "local  ident (addr/mask/prot/port): (198.51.100.1/255.255.255.255/47/0)" <<<"$sa" &&
  grep -q "remote ident (addr/mask/prot/port): (198.51.100.2/255.255.255.255/47/0)" <<<"$sa" ||
  { echo "$sa"; fail "selectors are not the GRE flow: Tunnel0 without tunnel mode is not GRE"; }
wait_for "ping_ok $NSA 2001:db8:cafe::1 2001:db8:beef::1 1" 10 || fail "first ping6 r1 -> r2"
ping_ok "$NSA" 2001:db8:cafe::1 2001:db8:beef::1 5 || fail "ping6 r1 -> r2 through GRE over IPsec"
ping_ok "$NSB" 2001:db8:beef::1 2001:db8:cafe::1 5 || fail "ping6 r2 -> r1 through GRE over IPsec"
tcp_transfer "$NSB" 2001:db8:beef::1 "$NSA" 2001:db8:cafe::1 1M || fail "TCP over IPv6 r1 -> r2"
for n in "$NSA" "$NSB"; do
  [ "$(kg_pkts "$n" encaps)" -gt 0 ] && [ "$(kg_pkts "$n" decaps)" -gt 0 ] || { kg "$n" "show crypto ipsec sa"; fail "zero ESP counters in $n"; }
done
kg "$NSA" "show running-config" | grep -q "tunnel mode" && fail "running-config prints the default tunnel mode"
log "PASS"
