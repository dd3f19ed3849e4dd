#!/bin/bash
# A token pulled in the middle of a signature (issue 15): keygated signs
# IKE_AUTH with a key on the token while another tunnel authenticates with a
# key from the state directory. tools/p11-detach makes the token's C_Sign
# slow (P11_DETACH_SIGN_DELAY_MS, test use only) and the token is pulled
# while the signature runs: the log says why that tunnel did not come up,
# keygated neither crashes nor stalls (its shell answers during the
# signature), and the other tunnel keeps carrying traffic. Reinsertion and
# login bring the token's tunnel up.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_token.sh"
lib_init
ip -n "$NSB" addr add 198.51.100.3/24 dev eth0
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
ip -n "$NSB" addr add 198.18.2.1/24 dev lo
token_init eToken 1234567890 5678
p11tool --token-label eToken --login --pin 1234567890 --keypairgen --key-type rsa:2048 --label etoken-keys --id 01 \
  >/dev/null || fail "pkcs11-tool --keypairgen"
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_leaf "$P" site-a rsa2048 ca site-a.example.net 16
pki_leaf "$P" site-b rsa2048 ca site-b.example.net 17
pki_leaf "$P" site-c rsa2048 ca site-c.example.net 18
pki_pem_set "$P" site-a "$P/site-a-pem" file-pass ca

SW=$WORK/swb
sw_pki "$SW" "$P/site-b.crt" "$P/site-b.key" "$P/ca.crt"
cp "$P/site-c.crt" "$SW/x509/"; cp "$P/site-c.key" "$SW/private/"
sw_conn() {  # NAME LOCAL-ADDR CERT LOCAL-ID REMOTE-ID LOCAL-TS REMOTE-TS
  cat <<EOC
  $1 {
    version = 2
    local_addrs = $2
    remote_addrs = 198.51.100.1
    encap = yes
    proposals = aes256gcm16-prfsha256-ecp256
    local { auth = pubkey
            certs = $3
            id = $4 }
    remote { auth = pubkey
             id = "$5" }
    children { $1 { local_ts = $6
                    remote_ts = $7
                    esp_proposals = aes256gcm16
                    start_action = none } }
  }
EOC
}
{
  echo "connections {"
  sw_conn tok 198.51.100.2 site-b.crt site-b.example.net "O=keygate test, CN=site-t.example.net" 192.0.2.128/25 192.0.2.0/25
  sw_conn file 198.51.100.3 site-c.crt site-c.example.net "O=keygate test, CN=site-a.example.net" 198.18.2.0/24 198.18.1.0/24
  echo "}"
} >"$SW/swanctl.conf"

cfg=$WORK/site-a.cfg
cat >"$cfg" <<EOC
hostname site-a
crypto pki token eToken module $P11_DETACH
crypto pki trustpoint site-a
 enrollment terminal pem
 revocation-check none
crypto pki trustpoint tok
 enrollment terminal pem
 revocation-check none
 rsakeypair etoken-keys 2048
crypto ikev2 profile tok-prof
 match identity remote fqdn site-b.example.net
 identity local dn
 authentication local rsa-sig
 authentication remote rsa-sig
 pki trustpoint tok
crypto ikev2 profile file-prof
 match identity remote fqdn site-c.example.net
 identity local dn
 authentication local rsa-sig
 authentication remote rsa-sig
 pki trustpoint site-a
crypto ipsec transform-set GCM esp-gcm 256
 mode tunnel
crypto ipsec profile ipsec-tok
 set transform-set GCM
 set ikev2-profile tok-prof
crypto ipsec profile ipsec-file
 set transform-set GCM
 set ikev2-profile file-prof
interface eth0
 ip address 198.51.100.1 255.255.255.0
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
interface Loopback1
 ip address 198.18.1.1 255.255.255.0
interface Tunnel0
 ip address 203.0.113.1 255.255.255.252
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.2
 tunnel protection ipsec profile ipsec-tok
interface Tunnel1
 ip address 203.0.113.5 255.255.255.252
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.3
 tunnel protection ipsec profile ipsec-file
ip route 192.0.2.128 255.255.255.128 Tunnel0
ip route 198.18.2.0 255.255.255.0 Tunnel1
EOC
# Every C_Sign through p11-detach takes 2.5 s.
P11_DETACH_SIGN_DELAY_MS=2500 start_keygated "$NSA" "$cfg"
klog=$WORK/keygated-$NSA.log
wait_for "grep -q 'TOKENINSERTED: Cryptographic token eToken' '$klog'" 5 || fail "token not seen"
kg_import "$NSA" site-a "$P/site-a-pem" file-pass
token_key_cert "$NSA" eToken etoken-keys "$P" ca site-t.example.net 20 tok

SW_CHARON_EXTRA="rsa_pss = yes" start_charon "$NSB" "$SW"
wait_for "ping_ok $NSA 198.18.1.1 198.18.2.1 1" 20 || { tail -20 "$klog"; fail "no tunnel with the file key"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 1 && fail "the token's tunnel is up before the token login"
log "file-key tunnel up; the token's tunnel waits for the login"

# Traffic on the file-key tunnel through all that follows.
ip netns exec "$NSA" ping -n -i 0.2 -c 60 -I 198.18.1.1 198.18.2.1 >"$WORK/ping-file.log" 2>&1 &
ping_pid=$!; LIB_PIDS+=($ping_pid)

kg "$NSA" "crypto pki token eToken login 1234567890" | grep -q successful || fail "token login"
sleep 1  # the login made keygated initiate; its IKE_AUTH signature is now in C_Sign
t0=$(date +%s.%N)
token_pull eToken
out=$(kg "$NSA" "show crypto ikev2 sa") || fail "keygated's shell does not answer during the signature"
took=$(echo "$(date +%s.%N) - $t0" | bc)
(( $(echo "$took < 1.5" | bc) )) || fail "keygated's shell took $took s to answer during the signature"
log "token pulled during the signature; the shell answered in $took s"
wait_for "grep -qE 'signature failed: .*(CKR_DEVICE_REMOVED|not active)' '$klog'" 8 ||
  { tail -30 "$klog"; fail "no log line for the failed signature"; }
log "log: $(grep -E 'signature failed: ' "$klog" | head -1 | cut -c1-200)"
kill -0 "$KG_LAST_PID" || fail "keygated died"
grep -qE 'AddressSanitizer|runtime error' "$klog" && fail "sanitizer report in keygated's log"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 1 && fail "the token's tunnel came up without the token"
ping_ok "$NSA" 198.18.1.1 198.18.2.1 1 || fail "the file-key tunnel stopped"
wait "$ping_pid"
recv=$(grep -o '[0-9]* received' "$WORK/ping-file.log" | grep -o '^[0-9]*')
log "file-key tunnel: ${recv:-0}/60 pings answered across the pull"
[ "${recv:-0}" -ge 54 ] || fail "the file-key tunnel lost pings while the token was pulled"

# Back in and logged in: the token's tunnel comes up (slow signature and all).
n=$(grep -c 'TOKENINSERTED' "$klog")
token_insert eToken
wait_for "[ \$(grep -c 'TOKENINSERTED' '$klog') -gt $n ]" 3 || fail "reinsertion not seen"
kg "$NSA" "crypto pki token eToken login 1234567890" | grep -q successful || fail "login after reinsertion"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 25 || { tail -20 "$klog"; fail "no token tunnel after reinsertion"; }
log "reinserted and logged in: the token's tunnel is up"
log "PASS"
