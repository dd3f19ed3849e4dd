#!/bin/bash
# keygated (site-a) initiates and authenticates with EAP-MD5 (RFC 7296 §2.16,
# `authentication local eap md5 username alice password ...`) to strongSwan
# (site-b) as the EAP server: IDi without AUTH, strongSwan's PSK AUTH with
# EAP-Identity, keygate's identity, MD5-Challenge, Success, then both AUTHs
# keyed with SK_pi/SK_pr (EAP-MD5 makes no MSK). Traffic both ways.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb
mkdir -p "$SW"
cat >"$SW/swanctl.conf" <<'EOC'
connections {
  kg {
    version = 2
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    encap = yes
    proposals = aes256gcm16-prfsha256-ecp256
    local { auth = psk
            id = site-b.example.net }
    remote { auth = eap-md5
             id = site-a.example.net
             eap_id = %any }
    children {
      kg {
        local_ts = 192.0.2.128/25
        remote_ts = 192.0.2.0/25
        esp_proposals = aes256gcm16
        start_action = none
      }
    }
  }
}
secrets {
  ike-kg { id-a = site-a.example.net
           id-b = site-b.example.net
           secret = "cisco123" }
  eap-alice { id = alice
              secret = "wonder1and" }
}
EOC
SW_LOAD="eap-md5 eap-identity" start_charon "$NSB" "$SW"
sed 's/^ authentication local pre-share$/ authentication local eap md5 username alice password wonder1and/' \
  "$KG_SOURCE_DIR/examples/site-a.cfg" >"$WORK/site-a-eap.cfg"
grep -q "authentication local eap md5" "$WORK/site-a-eap.cfg" || fail "config not rewritten"
start_keygated "$NSA" "$WORK/site-a-eap.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "no IKE SA with EAP-MD5"
grep -q "EAP method EAP_MD5 succeeded" "$SW/charon.log" || { tail -40 "$SW/charon.log"; fail "strongSwan did not see EAP-MD5 succeed"; }
kg "$NSA" "show crypto ikev2 sa" | grep -q "Auth sign: EAP" || fail "show crypto ikev2 sa: local method not EAP"
! kg "$NSA" "show running-config" | grep -q wonder1and || fail "the EAP password is in the running-config"
log "IKE SA up with EAP-MD5 (keygated the EAP peer, strongSwan the server)"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
log "PASS"
