#!/bin/bash
# crypto key pubkey-chain rsa against strongSwan with a raw RSA public key
# (swanctl pubkeys, auth = pubkey, no certificate): keygated verifies
# strongSwan's rsa-sig AUTH with the key-string of its named-key, then of its
# addressed-key; a wrong key is refused and the log says why. keygated itself
# signs with its certificate (site-a-cert.cfg), which strongSwan validates.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_leaf "$P" site-a rsa2048 ca site-a.example.net 16
pki_pem_set "$P" site-a "$WORK/site-a" pem-pass ca
pki_key "$P/site-b.key" rsa2048
pki_key "$P/other.key" rsa2048
openssl pkey -in "$P/site-b.key" -pubout -out "$P/site-b.pub" 2>/dev/null || fail "openssl pkey -pubout"

# key-string lines as IOS writes them: eight groups of eight hex digits.
key_string() {
  openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | od -An -tx1 -v | tr -d ' \n' | tr a-f A-F |
    fold -w 64 | sed 's/\(........\)/\1 /g; s/ $//; s/^/   /'
  echo  # fold leaves the last line without its newline
}

SW=$WORK/swb
mkdir -p "$SW/pubkey" "$SW/private" "$SW/x509ca"
cp "$P/site-b.pub" "$SW/pubkey/"
cp "$P/site-b.key" "$SW/private/"
cp "$P/ca.crt" "$SW/x509ca/"
cat >"$SW/swanctl.conf" <<EOC
connections {
  kg {
    version = 2
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    encap = yes
    proposals = aes256gcm16-prfsha256-ecp256
    local { auth = pubkey
            pubkeys = site-b.pub
            id = site-b.example.net }
    remote { auth = pubkey
             id = "O=keygate test, CN=site-a.example.net" }
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
start_charon "$NSB" "$SW"

cfg=$WORK/site-a.cfg
{ cat "$KG_SOURCE_DIR/examples/site-a-cert.cfg"
  echo "crypto key pubkey-chain rsa"
  echo " named-key site-b.example.net"
  echo "  key-string"
  key_string "$P/other.key"
  echo "  quit"
} >"$cfg"
start_keygated "$NSA" "$cfg"
grep -q "^%" "$WORK/keygated-$NSA.log" && { cat "$WORK/keygated-$NSA.log"; fail "the configuration did not load cleanly"; }
kg_block_initiation "$NSA"
kg_import "$NSA" site-a "$WORK/site-a" pem-pass

# 1. A wrong named-key: strongSwan's signature is refused, the log says why.
sw_initiate "$SW" kg && fail "strongSwan authenticated against the wrong public key"
wait_for "grep -q 'does not verify with its crypto key pubkey-chain key' '$WORK/keygated-$NSA.log'" 10 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no log line for the wrong raw key"; }
log "wrong named-key refused"

# 2. The right named-key (replaced in a running shell): the tunnel comes up.
{ echo "configure terminal"; echo "crypto key pubkey-chain rsa"; echo " named-key site-b.example.net"; echo "  key-string"
  key_string "$P/site-b.key"; echo "  quit"; echo "end"; } >"$WORK/named.txt"
out=$("$KEYGATE" -S "$(kg_sock "$NSA")" <"$WORK/named.txt" 2>&1)
rc=$(kg "$NSA" "show running-config" 2>&1)
grep -q "named-key site-b.example.net" <<<"$rc" || { echo "$out"; echo "$rc" | tail -20; fail "named-key not configured"; }
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; tail -20 "$WORK/keygated-$NSA.log"; fail "strongSwan with its raw key (named-key)"; }
wait_for "kg_ready $NSA && sw_has_sa $SW" 10 || fail "no tunnel with the named-key"
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping strongSwan->keygate"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
log "strongSwan authenticated with its raw RSA key against named-key; traffic both ways"

# 3. addressed-key wins over named-key: with only the right key under the
# address (named-key wrong again), the tunnel still comes up.
kg "$NSA" "clear crypto session" >/dev/null
wait_for "! sw_has_sa $SW && ! kg_ready $NSA" 10 || fail "SAs not cleared"
{ echo "configure terminal"; echo "crypto key pubkey-chain rsa"
  echo " named-key site-b.example.net"; echo "  key-string"; key_string "$P/other.key"; echo "  quit"; echo " exit"
  echo " addressed-key 198.51.100.2"; echo "  key-string"; key_string "$P/site-b.key"; echo "  quit"; echo "end"; } >"$WORK/addr.txt"
out=$("$KEYGATE" -S "$(kg_sock "$NSA")" <"$WORK/addr.txt" 2>&1)
rc=$(kg "$NSA" "show running-config" 2>&1)
grep -q "addressed-key 198.51.100.2" <<<"$rc" || { echo "$out"; fail "addressed-key not configured"; }
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; tail -20 "$WORK/keygated-$NSA.log"; fail "strongSwan with its raw key (addressed-key)"; }
wait_for "kg_ready $NSA && sw_has_sa $SW" 10 || fail "no tunnel with the addressed-key"
log "addressed-key: tunnel up"
log "PASS"
