#!/bin/bash
# Two keygated from examples/site-{a,b}-ipv6.cfg: tunnel mode ipsec ipv6,
# IKE and plain ESP (IP protocol 50) over IPv6 between 2001:db8:100::1 and
# ::2, IPv6 inside between 2001:db8:a::/64 and 2001:db8:b::/64: ping6 and
# TCP both ways; tshark sees IKE and ESP over IPv6 only.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_ipv6.sh"
lib_init
ipv6_outer
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a-ipv6.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b-ipv6.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
log "IKE SA READY on both sides"
wait_for "ping_ok $NSA 2001:db8:a::1 2001:db8:b::1 1" 10 || fail "first ping6 A->B"
ping_ok "$NSA" 2001:db8:a::1 2001:db8:b::1 5 || fail "ping6 A->B"
ping_ok "$NSB" 2001:db8:b::1 2001:db8:a::1 5 || fail "ping6 B->A"
ping_ok "$NSA" 2001:db8:ffff::1 2001:db8:ffff::2 3 || fail "ping6 across the tunnel subnet"
tcp_transfer "$NSB" 2001:db8:b::1 "$NSA" 2001:db8:a::1 2M || fail "TCP A->B"
tcp_transfer "$NSA" 2001:db8:a::1 "$NSB" 2001:db8:b::1 2M || fail "TCP B->A"
capture_stop
sa=$(kg "$NSA" "show crypto ipsec sa")
grep -q "current_peer 2001:db8:100::2" <<<"$sa" || { echo "$sa"; fail "show crypto ipsec sa: no IPv6 peer"; }
grep -q "in use settings ={Tunnel, }" <<<"$sa" || { echo "$sa"; fail "SA not plain ESP"; }
[ "$(kg_pkts "$NSA" encaps)" -gt 0 ] && [ "$(kg_pkts "$NSA" decaps)" -gt 0 ] || fail "zero ESP counters"
kg "$NSA" "show running-config" | grep -q "tunnel mode ipsec ipv6" || fail "running-config lacks tunnel mode ipsec ipv6"
ipv6_wire_check "$WORK/cap.pcapng"
[ "$N6_ESP50" -ge 10 ] || fail "ESP not sent as IPv6 next header 50 ($N6_ESP50 frames)"
log "PASS"
