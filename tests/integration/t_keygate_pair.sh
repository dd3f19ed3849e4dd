#!/bin/bash
# Two keygated from examples/site-a.cfg and site-b.cfg: tunnel comes up by
# itself, LAN-to-LAN ping and TCP pass, ESP counters move.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
log "IKE SA READY on both sides"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping B->A"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 || fail "TCP A->B"
tcp_transfer "$NSA" 192.0.2.1 "$NSB" 192.0.2.129 || fail "TCP B->A"
for n in "$NSA" "$NSB"; do
  e=$(kg_pkts "$n" encaps); d=$(kg_pkts "$n" decaps)
  log "$n: #pkts encaps $e, decaps $d"
  [ "$e" -gt 0 ] && [ "$d" -gt 0 ] || { kg "$n" "show crypto ipsec sa"; fail "zero ESP counters in $n"; }
done
# TCP sent into the TUN comes as TSO packets; each is read in place into its
# wire buffers (io/tso_scatter.h) unless the stream's segment size changed
# (copied back): show interfaces says how many of each.
itf=$(kg "$NSA" "show interfaces Tunnel0")
read -r large segs inplace copied < <(sed -n 's/^ *\([0-9]*\) large packets input (\([0-9]*\) segments), \([0-9]*\) read in place, \([0-9]*\) copied back$/\1 \2 \3 \4/p' <<<"$itf")
log "Tunnel0: $large large packets in, $segs segments, $inplace read in place, $copied copied back"
[ -n "$large" ] && [ "$large" -gt 0 ] && [ "$segs" -gt "$large" ] || { echo "$itf"; fail "no TSO packets read from the TUN"; }
[ "$inplace" -gt $((copied * 4)) ] || { echo "$itf"; fail "TSO packets mostly copied back, not read in place"; }
grep -q " merged writes, 0 malformed, 0 too big" <<<"$itf" || { echo "$itf"; fail "offload drops in show interfaces"; }
# show crypto ikev2 sa detailed / ipsec sa peer: identities, SPIs, message IDs, peer filter.
det=$(kg "$NSA" "show crypto ikev2 sa detailed")
for want in "Remote id: site-b.example.net" "Local id: site-a.example.net" "Local spi: " "Local next msg id: " \
            "NAT-T is not detected" "Initiator of SA : "; do
  grep -qF "$want" <<<"$det" || { echo "$det"; fail "show crypto ikev2 sa detailed lacks '$want'"; }
done
kg "$NSA" "show crypto ikev2 sa remote 198.51.100.2 detailed" | grep -q "Remote id: site-b" || fail "sa remote filter"
kg "$NSA" "show crypto ipsec sa peer 198.51.100.2" | grep -q "current_peer 198.51.100.2" || fail "ipsec sa peer"
kg "$NSA" "show crypto ipsec sa peer 198.51.100.9" | grep -q "No IPsec SAs for peer" || fail "ipsec sa peer (none)"
log "PASS"
