#!/bin/bash
# IKEv1 fragmentation (crypto isakmp fragmentation; Cisco's FRAGMENTATION
# vendor ID and payload 132) against strongSwan 5.9.8 (fragmentation = yes):
# RSA-4096 certificates under a 4096-bit intermediate CA make Main Mode
# messages 5 and 6 about 3-4 kB, over a veth with a 1280-byte MTU on which
# IP fragments are dropped (an nft rule in both namespaces, as on paths
# whose firewalls drop them), so they only pass as IKE fragments.
#  1. keygated initiates: both sides send their message in IKE fragments
#     (keygated's at most 576 bytes as IP datagrams), pings both ways.
#  2. strongSwan initiates, keygated answers: the same.
#  3. no crypto isakmp fragmentation: keygated no longer announces it,
#     strongSwan does not fragment either, the IP fragments of message 5
#     are dropped and Main Mode does not complete.
# tshark: no malformed frame in the capture.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
for n in "$NSA" "$NSB"; do
  ip -n "$n" link set eth0 mtu 1280
  ip netns exec "$n" nft -f - <<'EON' || fail "nft"
table ip kgfrag {
  counter ipfrags { }
  chain pre { type filter hook prerouting priority -500;
    ip frag-off & 0x3fff != 0 counter name ipfrags drop
  }
}
EON
done
ipfrags() { ip netns exec "$1" nft list counter ip kgfrag ipfrags | grep -o 'packets [0-9]*' | awk '{print $2}'; }
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa4096
pki_ca "$P" sub rsa4096 ca
pki_leaf "$P" site-a rsa4096 sub site-a.example.net 16
pki_leaf "$P" site-b rsa4096 sub site-b.example.net 17
pki_pem_set "$P" site-a "$WORK/site-a" pem-pass ca sub
KG_DN="O=keygate test, CN=site-a.example.net"
SW=$WORK/swb
SW_FRAGMENTATION=yes sw_ikev1_cert "$SW" site-b.crt "$KG_DN"
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt" "$P/sub.crt"
start_charon "$NSB" "$SW"
kg_ikev1_cert_cfg "$WORK/site-a.cfg" "crypto isakmp fragmentation"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass
kg "$NSA" "show running-config" | grep -q "^crypto isakmp fragmentation" || fail "running-config lacks crypto isakmp fragmentation"
# As on IOS, the crypto map's traffic needs a route out (towards the peer).
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"

# 1. keygated initiates.
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 25 || { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto isakmp sa"; fail "no tunnel with fragmentation"; }
grep -q "reassembled fragmented IKE message" "$SW/charon.log" || fail "strongSwan reassembled no IKE fragments from keygated"
grep -q "splitting IKE message .* into [0-9]* fragments" "$SW/charon.log" || fail "strongSwan did not fragment its message"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "keygated initiated: $(grep -o 'splitting IKE message .*' "$SW/charon.log" | head -1) (strongSwan), keygated's reassembled by strongSwan; pings both ways"
kg "$NSA" "clear crypto isakmp" || fail "clear crypto isakmp"
wait_for "sw_no_sa '$SW'" 5 || fail "strongSwan kept its SAs after clear crypto isakmp"

# 2. strongSwan initiates.
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate (keygated responder)"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan (keygated responder)"
kg "$NSA" "show crypto isakmp sa" | grep -q "198.51.100.1    198.51.100.2    QM_IDLE" || fail "keygated is not the responder"
log "strongSwan initiated, keygated answered in fragments: pings both ways"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate"
wait_for "! kg $NSA 'show crypto isakmp sa' | grep -q QM_IDLE" 5 || fail "keygated kept the SA strongSwan deleted"
[ "$(ipfrags "$NSA")" = 0 ] && [ "$(ipfrags "$NSB")" = 0 ] || fail "IP fragments were sent while IKE fragmentation was on"

# 3. Without it the certificates do not get through.
kg "$NSA" $'configure terminal\nno crypto isakmp fragmentation\nend' || fail "no crypto isakmp fragmentation"
sw_initiate "$SW" kg && fail "Main Mode completed without IKE fragmentation over a path that drops IP fragments"
dropped=$(( $(ipfrags "$NSA") + $(ipfrags "$NSB") ))
[ "$dropped" -gt 0 ] || fail "no IP fragment was dropped: the test path does not need IKE fragmentation"
kg "$NSA" "show crypto isakmp sa" | grep -q QM_IDLE && fail "an ISAKMP SA without fragmentation"
log "without crypto isakmp fragmentation: $dropped IP fragments dropped, Main Mode does not complete"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
nfrag=$(tshark -r "$WORK/cap.pcapng" -Y 'isakmp.nextpayload == 132' 2>/dev/null | wc -l)
big=$(tshark -r "$WORK/cap.pcapng" -Y 'isakmp.nextpayload == 132 && ip.src == 198.51.100.1 && ip.len > 576' 2>/dev/null | wc -l)
log "tshark: $nfrag frames carry IKE fragments; keygated's over 576 bytes: $big"
[ "$nfrag" -ge 8 ] || fail "tshark: too few IKE fragments"
[ "$big" = 0 ] || fail "keygated sent fragments larger than 576 bytes"
grep -q "AddressSanitizer" "$WORK/keygated-$NSA.log" && fail "ASan in keygated's log"
log "PASS"
