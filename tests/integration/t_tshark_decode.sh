#!/bin/bash
# tshark independently decodes a keygated <-> strongSwan setup and ESP-in-UDP
# traffic on eth0: IKE_SA_INIT, IKE_AUTH and ESP present, nothing malformed.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_charon "$NSB" "$SW"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 10 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 10 || fail "ping strongSwan->keygate"
capture_stop
tshark_check "$WORK/cap.pcapng" || fail "tshark found malformed frames or expert errors"
[ "$N_INIT" -ge 2 ] || fail "no IKE_SA_INIT exchange decoded"
[ "$N_AUTH" -ge 2 ] || fail "no IKE_AUTH exchange decoded"
[ "$N_ESP" -ge 20 ] || fail "too few ESP-in-UDP frames ($N_ESP)"
log "PASS"
