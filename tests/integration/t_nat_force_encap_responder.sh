#!/bin/bash
# Two keygated without a NAT between them; only site-a has `nat force-encap`,
# and site-b initiates (site-a's own IKE requests as original initiator are
# dropped, as in t_strongswan_responder). The responder still applies the
# command at IKE_SA_INIT (its faked NAT-D source hash), so both sides put ESP
# in UDP 4500, which tshark sees on the wire. (strongSwan's libipsec always
# uses UDP, so a keygate pair is the peer that can tell the difference.)
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
sed "/^crypto ikev2 profile default/a\\ nat force-encap" "$KG_SOURCE_DIR/examples/site-a.cfg" >"$WORK/site-a.cfg"
ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet kgtest {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,216,8 & 0x08 == 0x08 drop
  }
}
EON
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "Initiator of SA : No" ||
  { kg "$NSA" "show crypto ikev2 sa detailed"; fail "site-a is not the responder"; }
for n in "$NSA" "$NSB"; do
  kg "$n" "show crypto ipsec sa" | grep -q "in use settings ={Tunnel UDP-Encaps, }" ||
    { kg "$n" "show crypto ipsec sa"; fail "$n: ESP not in UDP"; }
done
log "site-b initiated; both sides use ESP in UDP"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A"
capture_stop
n_udp=$(tshark -r "$WORK/cap.pcapng" -Y "udp.port == 4500 && esp" 2>/dev/null | wc -l)
n_raw=$(tshark -r "$WORK/cap.pcapng" -Y "esp && !udp" 2>/dev/null | wc -l)
log "tshark: ESP in UDP 4500: $n_udp, plain ESP: $n_raw"
[ "$n_udp" -ge 4 ] || fail "no ESP in UDP on the wire"
[ "$n_raw" -eq 0 ] || fail "plain ESP on the wire"
log "PASS"
