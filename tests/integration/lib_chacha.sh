# ChaCha20-Poly1305 (RFC 7634) helpers (source after lib.sh): keygated and
# strongSwan are each configured with ChaCha20-Poly1305 only, for IKE and
# ESP, so a tunnel comes up only if it is negotiated.

# chacha_sw_env: strongSwan's proposals (its openssl plugin implements
# ChaCha20-Poly1305; chapoly, from libstrongswan-extra-plugins, too).
chacha_sw_env() {
  SW_PROPOSALS=chacha20poly1305-prfsha256-x25519
  SW_ESP=chacha20poly1305
  SW_LOAD="${SW_LOAD:-} chapoly"
}

# chacha_cfg DST: examples/site-a.cfg whose policy offers one proposal
# (chacha20-poly1305, PRF SHA-256, X25519) and whose profile one transform set.
chacha_cfg() {
  { cat "$KG_SOURCE_DIR/examples/site-a.cfg"
    cat <<'EOC'
!
crypto ikev2 proposal CHACHA
 encryption chacha20-poly1305
 prf sha256
 group 31
!
crypto ikev2 policy default
 no proposal default
 proposal CHACHA
!
crypto ipsec transform-set CHACHA esp-chacha20-poly1305
!
crypto ipsec profile default
 set transform-set CHACHA
EOC
  } >"$1"
}

# chacha_check KGNS SWDIR: both ends say the IKE SA and the CHILD_SA run
# ChaCha20-Poly1305.
chacha_check() {
  local k=$1 sw=$2 ike ipsec sas
  ike=$(kg "$k" "show crypto ikev2 sa detailed")
  ipsec=$(kg "$k" "show crypto ipsec sa")
  sas=$(swanctl_ "$sw" --list-sas)
  grep -q "Encr: CHACHA20-POLY1305, keysize: 256" <<<"$ike" || { echo "$ike"; fail "keygated's IKE SA is not ChaCha20-Poly1305"; }
  grep -q "transform: esp-chacha20-poly1305 ," <<<"$ipsec" || { echo "$ipsec"; fail "keygated's CHILD_SA is not ChaCha20-Poly1305"; }
  grep -q "CHACHA20_POLY1305/PRF_HMAC_SHA2_256/CURVE_25519" <<<"$sas" || { echo "$sas"; fail "strongSwan's IKE SA is not ChaCha20-Poly1305"; }
  grep -q "ESP:CHACHA20_POLY1305" <<<"$sas" || { echo "$sas"; fail "strongSwan's CHILD_SA is not ChaCha20-Poly1305"; }
  log "ChaCha20-Poly1305 for IKE and ESP on both ends"
}
