# Certificate helpers for integration tests (source after lib.sh): a test CA
# made with openssl at test time (no key is committed), keygated's PEM import
# and strongSwan's swanctl credentials.

# pki_key FILE rsa2048|rsa4096|ec256|ec384
pki_key() {
  case $2 in
    rsa*) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"${2#rsa}" -out "$1" 2>/dev/null ;;
    ec256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ;;
    ec384) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1" 2>/dev/null ;;
    *) fail "pki_key: unknown key type $2" ;;
  esac || fail "openssl genpkey $2"
}

# pki_ca DIR NAME KEYTYPE [ISSUER]: DIR/NAME.{key,crt}, a root CA (self-signed)
# or, with ISSUER (a NAME in DIR), an intermediate CA.
pki_ca() {
  local d=$1 n=$2 t=$3 iss=${4:-}
  pki_key "$d/$n.key" "$t"
  printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature\nsubjectKeyIdentifier=hash\n' >"$d/$n.ext"
  if [ -z "$iss" ]; then
    openssl req -x509 -new -key "$d/$n.key" -subj "/O=keygate test/CN=$n" -days 3650 -set_serial 1 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
      -out "$d/$n.crt" 2>/dev/null || fail "openssl: CA $n"
  else
    openssl req -new -key "$d/$n.key" -subj "/O=keygate test/CN=$n" -out "$d/$n.csr" 2>/dev/null &&
      openssl x509 -req -in "$d/$n.csr" -CA "$d/$iss.crt" -CAkey "$d/$iss.key" -set_serial 2 -days 1825 \
        -extfile "$d/$n.ext" -out "$d/$n.crt" 2>/dev/null || fail "openssl: intermediate CA $n"
  fi
}

# pki_leaf DIR NAME KEYTYPE ISSUER CN SERIAL [DAYS]: DIR/NAME.{key,crt} for CN,
# with subjectAltName DNS:CN. DAYS -1 makes a certificate that expired.
pki_leaf() {
  local d=$1 n=$2 t=$3 iss=$4 cn=$5 serial=$6 days=${7:-365}
  pki_key "$d/$n.key" "$t"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nsubjectAltName=DNS:%s\n' "$cn" >"$d/$n.ext"
  openssl req -new -key "$d/$n.key" -subj "/O=keygate test/CN=$cn" -out "$d/$n.csr" 2>/dev/null &&
    openssl x509 -req -in "$d/$n.csr" -CA "$d/$iss.crt" -CAkey "$d/$iss.key" -set_serial "$serial" -days "$days" \
      -extfile "$d/$n.ext" -out "$d/$n.crt" 2>/dev/null || fail "openssl: certificate $n"
}

# pki_pem_set DIR NAME PREFIX PASS CA...: the three files of IOS's
# crypto pki import NAME pem url PREFIX password PASS: PREFIX.ca (the CA
# certificates), PREFIX.crt and PREFIX.prv (the key, encrypted with PASS).
pki_pem_set() {
  local d=$1 n=$2 prefix=$3 pass=$4 ca
  shift 4
  : >"$prefix.ca"
  for ca in "$@"; do cat "$d/$ca.crt" >>"$prefix.ca"; done
  cp "$d/$n.crt" "$prefix.crt"
  openssl pkcs8 -topk8 -v2 aes-256-cbc -in "$d/$n.key" -passout "pass:$pass" -out "$prefix.prv" 2>/dev/null ||
    fail "openssl pkcs8 $n"
}

# kg_import NS TRUSTPOINT PREFIX PASS: crypto pki import in keygated's shell.
kg_import() {
  local out
  out=$(kg "$1" $'configure terminal\n'"crypto pki import $2 pem url file:$3 password $4"$'\nend' 2>&1)
  grep -q "PEM files import succeeded" <<<"$out" || { echo "$out"; fail "crypto pki import $2 in $1"; }
  log "keygated in $1: crypto pki import $2 succeeded"
}

# sw_pki DIR CERT KEY CA...: install strongSwan's own certificate and key
# and the CA certificates it trusts into its swanctl directories.
sw_pki() {
  local sw=$1 crt=$2 key=$3 ca
  shift 3
  mkdir -p "$sw/x509" "$sw/x509ca" "$sw/private"
  rm -f "$sw"/x509/* "$sw"/x509ca/* "$sw"/private/*
  cp "$crt" "$sw/x509/"
  cp "$key" "$sw/private/"
  for ca in "$@"; do cp "$ca" "$sw/x509ca/"; done
}

# sw_site_b_cert DIR LOCAL_CERT_FILE REMOTE_ID: swanctl.conf for strongSwan as
# site-b authenticating with its certificate (conn and child "kg"). SW_LOCAL_ID
# (default site-b.example.net) and SW_FRAGMENTATION override.
sw_site_b_cert() {
  mkdir -p "$1"
  cat >"$1/swanctl.conf" <<EOC
connections {
  kg {
    version = 2
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    encap = yes
    fragmentation = ${SW_FRAGMENTATION:-yes}
    proposals = ${SW_PROPOSALS:-aes256gcm16-prfsha256-ecp256}
    local { auth = pubkey
            certs = $2
            id = ${SW_LOCAL_ID:-site-b.example.net} }
    remote { auth = pubkey
             id = "$3" }
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
EOC
}

# kg_block_initiation NS: drop keygated's own IKE_SA_INIT requests (I flag,
# RFC 7296 §3.1) so that the peer's initiation is the one that completes.
kg_block_initiation() {
  ip netns exec "$1" nft -f - <<'EON' || fail "nft"
table inet kgblock {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,216,8 & 0x08 == 0x08 drop
  }
}
EON
}
kg_unblock_initiation() { ip netns exec "$1" nft delete table inet kgblock 2>/dev/null; }

# sw_ikev1_cert DIR LOCAL_CERT_FILE REMOTE_ID: swanctl.conf for strongSwan in
# NSB as an IKEv1 Main Mode peer of keygate's crypto map (access-list 101:
# 192.0.2.0/25 <-> 192.0.2.128/25) authenticating with its certificate
# (auth = pubkey: rsa-sig, or ECDSA with an EC key). SW_LOCAL_ID (default
# site-b.example.net), SW_FRAGMENTATION and SW_AGGRESSIVE (Aggressive Mode;
# both default no) and SW_PROPOSALS (default aes256-sha256-modp2048) override.
sw_ikev1_cert() {
  mkdir -p "$1"
  cat >"$1/swanctl.conf" <<EOC
connections {
  kg {
    version = 1
    aggressive = ${SW_AGGRESSIVE:-no}
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    encap = yes
    fragmentation = ${SW_FRAGMENTATION:-no}
    proposals = ${SW_PROPOSALS:-aes256-sha256-modp2048}
    local { auth = pubkey
            certs = $2
            id = ${SW_LOCAL_ID:-site-b.example.net} }
    remote { auth = pubkey
             id = "$3" }
    children {
      kg {
        local_ts = 192.0.2.128/25
        remote_ts = 192.0.2.0/25
        esp_proposals = aes128-sha1-modp2048
        start_action = none
      }
    }
  }
}
EOC
}

# kg_ikev1_cert_cfg FILE [EXTRA]: keygated's crypto map configuration with an
# rsa-sig ISAKMP policy, identity dn and trustpoint site-a (its certificate
# and key come from kg_import). EXTRA: more global lines. KG_P1_AUTH
# (default rsa-sig) and KG_P1_HASH (default sha256) override the policy's.
kg_ikev1_cert_cfg() {
  cat >"$1" <<EOC
hostname site-a
!
crypto pki trustpoint site-a
 enrollment terminal pem
 revocation-check none
!
crypto isakmp policy 10
 encr aes 256
 hash ${KG_P1_HASH:-sha256}
 authentication ${KG_P1_AUTH:-rsa-sig}
 group 14
crypto isakmp identity dn
${2:-}
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
 match address 101
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
!
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
!
access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127
EOC
}
