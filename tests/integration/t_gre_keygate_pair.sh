#!/bin/bash
# Two keygated from examples/site-{a,b}-gre.cfg: tunnel mode gre ip (GRE over
# IPsec, RFC 2784 inside ESP). The CHILD_SA's selectors are the GRE flow
# (IP protocol 47, 198.51.100.1 <-> .2); IPv4 and IPv6 ride in GRE: ping and
# TCP both ways, ping6 both ways. On the wire tshark sees ESP only: no GRE.
# Then both sides switch their transform set to `mode transport`: the new
# SA is negotiated with N(USE_TRANSPORT_MODE) ("in use settings
# ={Transport, }", ESP carries GRE without the outer IP header) and traffic
# passes again.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a-gre.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b-gre.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
log "IKE SA READY on both sides"
sa=$(kg "$NSA" "show crypto ipsec sa")
grep -q "local  ident (addr/mask/prot/port): (198.51.100.1/255.255.255.255/47/0)" <<<"$sa" &&
  grep -q "remote ident (addr/mask/prot/port): (198.51.100.2/255.255.255.255/47/0)" <<<"$sa" ||
  { echo "$sa"; fail "selectors are not the GRE flow"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping B->A"
ping_ok "$NSA" 203.0.113.1 203.0.113.2 3 || fail "ping across the tunnel subnet"
ping_ok "$NSA" 2001:db8:a::1 2001:db8:b::1 3 || fail "ping6 A->B through GRE"
ping_ok "$NSB" 2001:db8:b::1 2001:db8:a::1 3 || fail "ping6 B->A through GRE"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 2M || fail "TCP A->B"
tcp_transfer "$NSA" 192.0.2.1 "$NSB" 192.0.2.129 2M || fail "TCP B->A"
tcp_transfer "$NSB" 2001:db8:b::1 "$NSA" 2001:db8:a::1 1M || fail "TCP over IPv6 A->B"
capture_stop
[ "$(kg_pkts "$NSA" encaps)" -gt 0 ] && [ "$(kg_pkts "$NSA" decaps)" -gt 0 ] || fail "zero ESP counters"
# tunnel mode gre ip is IOS's default: show running-config does not print it.
kg "$NSA" "show running-config" | grep -q "tunnel mode" && fail "running-config prints the default tunnel mode gre ip"
tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
# GRE in clear would show as IP protocol 47 or a gre layer.
n_gre=$(tshark -r "$WORK/cap.pcapng" -Y 'ip.proto == 47 || gre' 2>/dev/null | wc -l)
log "tshark: $n_gre GRE frames in clear"
[ "$N_ESP" -ge 20 ] || fail "too few ESP frames ($N_ESP)"
[ "$n_gre" -eq 0 ] || fail "GRE visible on the wire"
# ESP transport mode for the GRE flow.
for n in "$NSA" "$NSB"; do
  kg "$n" $'configure terminal\ncrypto ipsec transform-set TR esp-gcm 256\nmode transport\nexit\ncrypto ipsec profile default\nset transform-set TR\nend' >/dev/null ||
    fail "transport mode configuration in $n"
done
kg "$NSA" "clear crypto session"
wait_for "kg \"$NSA\" 'show crypto ipsec sa' | grep -q 'in use settings ={Transport, }'" 20 ||
  { kg "$NSA" "show crypto ipsec sa"; fail "no transport-mode SA after the change"; }
kg "$NSB" "show crypto ipsec sa" | grep -q "in use settings ={Transport, }" || fail "peer has no transport-mode SA"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B in transport mode"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A in transport mode"
ping_ok "$NSA" 2001:db8:a::1 2001:db8:b::1 3 || fail "ping6 A->B in transport mode"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 1M || fail "TCP A->B in transport mode"
log "transport mode: traffic passes"
log "PASS"
