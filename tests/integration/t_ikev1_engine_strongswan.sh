#!/bin/bash
# The IKEv1 engine (src/ikev1, on real sockets through tools/ikev1peer)
# against strongSwan 5.9.8's IKEv1: Main Mode with a pre-shared key and Quick
# Mode with PFS, in both directions; strongSwan has encap = yes (its
# libipsec data path only does ESP in UDP), so NAT-D must make both sides
# choose UDP-encapsulated tunnel mode (RFC 3947). Checks: strongSwan shows
# the IKEv1 SA and the CHILD_SA with the SPIs our engine installed; ESP that
# strongSwan sends (a ping into the tunnel) decrypts to the ICMP echo and
# carries ICVs that tshark verifies with the keys our engine derived (the
# ikev1peer tool has no data path of its own: the daemon does not serve
# IKEv1 yet); DELETE from either side removes the other's
# SAs; tshark decodes every ISAKMP frame without malformed fields.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
PEER=$KG_BUILD_DIR/tools/ikev1peer/ikev1peer
[ -x "$PEER" ] || fail "no ikev1peer at $PEER"
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
PSK=ikev1-test-key-7f3a
SW=$WORK/swb
sw_ikev1_psk "$SW" "$PSK" 192.0.2.128/25 192.0.2.0/25
start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"

# peer_run OUT [args]: ikev1peer in NSA, in the background.
peer_run() {
  local out=$1; shift
  ip netns exec "$NSA" "$PEER" --local 198.51.100.1 --remote 198.51.100.2 --psk "$PSK" \
    --local-net 192.0.2.0/25 --remote-net 192.0.2.128/25 --pfs 14 --esp aes-cbc-128 --integ sha1 \
    --ike aes-cbc-256:sha256:14 --keys "$WORK/esp_sa" "$@" >"$out" 2>"$out.log" &
  LIB_PIDS+=($!); PEER_PID=$!
}
check_direction() {
  local out=$1 who=$2
  wait_for "grep -q INSTALLED '$out'" 15 || { cat "$out" "$out.log" | tail -30; fail "$who: our engine installed no SA"; }
  wait_for "swanctl_ '$SW' --list-sas | grep -q INSTALLED" 10 || fail "$who: strongSwan has no CHILD_SA"
  swanctl_ "$SW" --list-sas >"$WORK/sas-$who.txt"
  grep -q 'IKEv1' "$WORK/sas-$who.txt" || { cat "$WORK/sas-$who.txt"; fail "$who: strongSwan's SA is not IKEv1"; }
  local ours_in ours_out
  ours_in=$(sed -n 's/.*INSTALLED spi_in=\([0-9a-f]*\) spi_out=\([0-9a-f]*\).*/\1/p' "$out" | head -1)
  ours_out=$(sed -n 's/.*INSTALLED spi_in=\([0-9a-f]*\) spi_out=\([0-9a-f]*\).*/\2/p' "$out" | head -1)
  grep -q "in  *$ours_out" "$WORK/sas-$who.txt" || { cat "$WORK/sas-$who.txt"; fail "$who: strongSwan's inbound SPI is not our outbound $ours_out"; }
  grep -q "out *$ours_in" "$WORK/sas-$who.txt" || { cat "$WORK/sas-$who.txt"; fail "$who: strongSwan's outbound SPI is not our inbound $ours_in"; }
  grep -q "udp_encap=1" "$out" || fail "$who: no UDP encapsulation negotiated"
  log "$who: IKEv1 SA and CHILD_SA up, SPIs ours in=$ours_in out=$ours_out match strongSwan's"
}

# 1. Our engine initiates; strongSwan responds. Then ESP from strongSwan, then our DELETE.
peer_run "$WORK/peer1.out" --initiate --seconds 14 --delete-after 8
check_direction "$WORK/peer1.out" "keygate-initiated"
ip netns exec "$NSB" ping -n -c 3 -i 0.3 -W 1 -I 192.0.2.129 192.0.2.1 >/dev/null 2>&1  # no answer: ikev1peer has no data path
wait_for "sw_no_sa '$SW'" 12 || { swanctl_ "$SW" --list-sas; fail "our DELETE did not remove strongSwan's SAs"; }
grep -q "SESSION DOWN" "$WORK/peer1.out" || fail "no session down after our delete"
log "keygate-initiated: our DELETE removed strongSwan's IKEv1 and IPsec SAs"
wait "$PEER_PID" 2>/dev/null

# 2. strongSwan initiates; our engine responds; strongSwan deletes.
peer_run "$WORK/peer2.out" --seconds 14
sleep 0.5
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan initiate"; }
check_direction "$WORK/peer2.out" "strongswan-initiated"
swanctl_ "$SW" --terminate --ike kg >/dev/null 2>&1 || fail "swanctl --terminate"
wait_for "grep -q 'SESSION DOWN' '$WORK/peer2.out'" 10 || { cat "$WORK/peer2.out"; fail "strongSwan's DELETE did not remove our SAs"; }
log "strongswan-initiated: strongSwan's DELETE removed our SAs"
wait "$PEER_PID" 2>/dev/null
capture_stop

# tshark: every ISAKMP frame decodes; Main Mode (2), Quick Mode (32) and
# informational (5) frames in both directions.
tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed ISAKMP"
[ "$N_MM" -ge 12 ] && [ "$N_QM" -ge 6 ] && [ "$N_INFO1" -ge 2 ] || fail "tshark: missing exchanges"

# ESP from strongSwan, checked with the keys our engine derived: tshark
# decrypts it and verifies the HMAC-SHA1-96 ICV of each packet.
good=$(tshark -r "$WORK/cap.pcapng" -o "esp.enable_encryption_decode:TRUE" -o "esp.enable_authentication_check:TRUE" \
  -o "uat:esp_sa:$(head -1 "$WORK/esp_sa" | tr -d '\n')" -Y 'esp.icv_good == 1 && icmp.type == 8' 2>/dev/null | wc -l)
esp=$(tshark -r "$WORK/cap.pcapng" -Y 'esp' 2>/dev/null | wc -l)
log "tshark: ESP frames=$esp, ICV good with our inbound keys=$good"
[ "$esp" -ge 3 ] || fail "no ESP from strongSwan captured"
[ "$good" -ge 3 ] || fail "strongSwan's ESP does not verify with the keys our engine derived"
grep -q "malformed=0 auth=0" "$WORK/peer1.out" || { tail -1 "$WORK/peer1.out"; fail "our engine dropped packets"; }
log "PASS"
