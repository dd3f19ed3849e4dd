#!/bin/bash
# keygated (examples/site-a-gre.cfg, tunnel mode gre ip) against strongSwan
# 5.9.8: strongSwan's CHILD_SA is host-to-host for GRE only (198.51.100.2[gre]
# <-> 198.51.100.1[gre], tunnel mode, ESP in UDP). This kernel has no GRE
# device, so strongSwan's side of GRE is gre_endpoint.py (a TUN and a raw
# protocol 47 socket). kernel-libipsec routes the peer's own address into its
# TUN only with allow_peer_ts, and charon's IKE/ESP socket is marked (fwmark
# 0x42) so that its own packets bypass that route. Ping and TCP through GRE
# both ways; tshark on the wire sees ESP only, no GRE.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
ip netns exec "$NSB" python3 "$KG_SOURCE_DIR/tests/integration/gre_endpoint.py" gre0 198.51.100.2 198.51.100.1 \
  >"$WORK/gre.log" 2>&1 &
LIB_PIDS+=($!)
wait_for "grep -q 'gre endpoint up' '$WORK/gre.log'" 5 || fail "gre_endpoint.py did not start: $(cat "$WORK/gre.log")"
ip -n "$NSB" addr add 203.0.113.2/30 dev gre0
ip -n "$NSB" link set gre0 mtu 1376 up
ip -n "$NSB" route add 192.0.2.0/25 dev gre0
SW=$WORK/swb
SW_LOCAL_TS='198.51.100.2/32[gre]' SW_REMOTE_TS='198.51.100.1/32[gre]' sw_site_b "$SW"
SW_CHARON_EXTRA='plugins { kernel-libipsec { allow_peer_ts = yes }
  socket-default { fwmark = 0x42 }
  kernel-netlink { fwmark = !0x42 } }' start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a-gre.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || { swanctl_ "$SW" --list-sas; fail "no tunnel within 20 s"; }
sas=$(swanctl_ "$SW" --list-sas)
grep -q "local  198.51.100.2/32\[gre\]" <<<"$sas" && grep -q "remote 198.51.100.1/32\[gre\]" <<<"$sas" ||
  { swanctl_ "$SW" --list-sas; fail "strongSwan's CHILD_SA is not the GRE flow"; }
log "tunnel up, selectors: the GRE flow"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping keygate->strongSwan through GRE"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 1M || fail "TCP keygate->strongSwan"
tcp_transfer "$NSA" 192.0.2.1 "$NSB" 192.0.2.129 1M || fail "TCP strongSwan->keygate"
capture_stop
tshark -r "$WORK/cap.pcapng" -T fields -E occurrence=f -e ip.proto -e udp.port -e esp.spi -e gre.proto -Y 'ip' 2>/dev/null >"$WORK/frames.txt"
n_esp=$(awk -F'\t' '$3 != ""' "$WORK/frames.txt" | wc -l)
n_gre=$(awk -F'\t' '$1 == 47 || $4 != ""' "$WORK/frames.txt" | wc -l)
log "tshark: $n_esp ESP frames, $n_gre GRE frames in clear"
[ "$n_esp" -ge 10 ] || fail "too few ESP frames ($n_esp)"
[ "$n_gre" -eq 0 ] || fail "GRE visible on the wire"
log "PASS"
