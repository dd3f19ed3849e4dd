# AES-CBC + HMAC ESP helpers (source after lib.sh): keygated's transform set
# and strongSwan's esp_proposals each hold one CBC suite, so the CHILD_SA
# comes up only with it; keygated runs it on its crypto engine (the IPsec
# Multi-Buffer library where the CPU allows, KEYGATE_CRYPTO=openssl forces
# OpenSSL).

# cbc_cfg DST "TRANSFORM WORDS": examples/site-a.cfg whose profile uses one
# transform set with those words ("esp-aes 256 esp-sha256-hmac").
cbc_cfg() {
  { cat "$KG_SOURCE_DIR/examples/site-a.cfg"
    cat <<EOC
!
crypto ipsec transform-set CBC $2
!
crypto ipsec profile default
 set transform-set CBC
EOC
  } >"$1"
}

# cbc_check KGNS SWDIR SHOW_WORD SW_ESP_NAME ENGINE: keygated's CHILD_SA has
# transform SHOW_WORD ("esp-256-aes esp-sha256-hmac"), strongSwan's
# SW_ESP_NAME ("AES_CBC-256/HMAC_SHA2_256_128"), and show crypto engine puts
# the cipher under ENGINE ("Intel" or "OpenSSL").
cbc_check() {
  local k=$1 sw=$2 show=$3 swname=$4 engine=$5 ipsec sas cipher eng
  ipsec=$(kg "$k" "show crypto ipsec sa")
  sas=$(swanctl_ "$sw" --list-sas)
  grep -q "transform: $show ," <<<"$ipsec" || { echo "$ipsec"; fail "keygated's CHILD_SA is not $show"; }
  grep -q "ESP:$swname" <<<"$sas" || { echo "$sas"; fail "strongSwan's CHILD_SA is not $swname"; }
  cipher=${show%% *}
  eng=$(kg "$k" "show crypto engine | json" |
    jq -r --arg c "$cipher" '.engines[] | select(.used_for | index($c)) | .name')
  [[ "$eng" == "$engine"* ]] || { kg "$k" "show crypto engine"; fail "$cipher runs on '$eng', want $engine"; }
  log "CHILD_SA $show on $eng; strongSwan $swname"
}

# cbc_run "TRANSFORM WORDS" SHOW_WORD SW_ESP SW_ESP_NAME ENGINE: the whole
# test: keygated (site-a) initiates to strongSwan (site-b), ping and TCP
# both ways through the CBC CHILD_SA, tshark finds no malformed frame, then
# deletes both ways (sw_traffic_and_delete).
cbc_run() {
  local words=$1 show=$2 esp=$3 swname=$4 engine=$5
  lib_init
  ip -n "$NSB" addr add 192.0.2.129/25 dev lo
  SW_ESP=$esp
  SW=$WORK/swb; sw_site_b "$SW"
  start_charon "$NSB" "$SW"
  cbc_cfg "$WORK/site-a-cbc.cfg" "$words"
  capture_start "$NSA" eth0 "$WORK/ike.pcapng"
  start_keygated "$NSA" "$WORK/site-a-cbc.cfg"
  wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "keygated did not bring the tunnel up"
  cbc_check "$NSA" "$SW" "$show" "$swname" "$engine"
  ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
  ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
  tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 || fail "TCP keygate->strongSwan"
  tcp_transfer "$NSA" 192.0.2.1 "$NSB" 192.0.2.129 || fail "TCP strongSwan->keygate"
  local st
  st=$(kg "$NSA" "show crypto ipsec sa")
  grep -q "#pkts decaps: [1-9]" <<<"$st" && grep -q "#pkts encaps: [1-9]" <<<"$st" || { echo "$st"; fail "no ESP counted"; }
  grep -q "#auth failures 0," <<<"$st" || { echo "$st"; fail "ICV failures on a good tunnel"; }
  capture_stop
  tshark_check "$WORK/ike.pcapng" || fail "tshark found malformed frames"
  [ "$N_ESP" -gt 0 ] || fail "tshark saw no ESP"
  sw_traffic_and_delete "$NSA" "$SW"
  log "PASS"
}
