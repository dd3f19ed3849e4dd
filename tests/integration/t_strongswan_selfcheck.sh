#!/bin/bash
# strongSwan <-> strongSwan site-to-site over kernel-libipsec (ESP in UDP),
# PSK, IKEv2. Proves the harness (namespaces, charon, traffic, capture) and
# documents the strongSwan configuration the keygate tests build on.
. "$(dirname "$0")/lib.sh"
lib_init

# sw_conf FILE NAME LOCAL_ID REMOTE_ID LOCAL_ADDR REMOTE_ADDR LOCAL_TS REMOTE_TS PSK
sw_conf() {
  cat >"$1" <<EOC
connections {
  $2 {
    version = 2
    local_addrs = $5
    remote_addrs = $6
    encap = yes
    proposals = aes128gcm16-prfsha256-x25519
    local { auth = psk
            id = $3 }
    remote { auth = psk
             id = $4 }
    children {
      $2 {
        local_ts = $7
        remote_ts = $8
        esp_proposals = aes128gcm16
        start_action = none
      }
    }
  }
}
secrets {
  ike-1 { id-a = site-a.example.net
          id-b = site-b.example.net
          secret = "$9" }
}
EOC
}
ip -n "$NSA" addr add 192.0.2.1/25 dev lo
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
mkdir -p "$WORK/swa" "$WORK/swb"
sw_conf "$WORK/swa/swanctl.conf" s2s site-a.example.net site-b.example.net 198.51.100.1 198.51.100.2 192.0.2.0/25 192.0.2.128/25 selfcheck-psk
sw_conf "$WORK/swb/swanctl.conf" s2s site-b.example.net site-a.example.net 198.51.100.2 198.51.100.1 192.0.2.128/25 192.0.2.0/25 selfcheck-psk

capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_charon "$NSA" "$WORK/swa"
start_charon "$NSB" "$WORK/swb"
sw_initiate "$WORK/swa" s2s || { cat "$WORK/swa/initiate.out"; fail "initiate"; }
wait_for "sw_has_sa '$WORK/swb'" 10 || fail "no SA at responder"
log "tunnel up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping through tunnel"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping B->A"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 || fail "TCP A->B"
capture_stop
tshark_check "$WORK/cap.pcapng" || fail "tshark found malformed frames"
[ "$N_INIT" -ge 2 ] && [ "$N_AUTH" -ge 2 ] && [ "$N_ESP" -ge 10 ] || fail "expected IKE_SA_INIT, IKE_AUTH and ESP frames"
log "PASS"
