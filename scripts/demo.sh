#!/bin/bash
# keygate demo: two sites in network namespaces, joined by a "cable" (veth
# eth0), each running keygated from examples/site-a.cfg / site-b.cfg. The
# daemons build an IKEv2/IPsec tunnel by themselves; we then send pings and a
# TCP transfer from LAN A (192.0.2.1) to LAN B (192.0.2.129) through it and
# show what the IOS-style shell reports. Then site-a keeps its key on a
# SoftHSM2 token: pulled out, the tunnel goes down; reinserted and logged
# in, it comes back. Usage: scripts/demo.sh BUILD_DIR
KG_SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
KG_BUILD_DIR=$(cd "${1:-$KG_SOURCE_DIR/build}" && pwd) || { echo "usage: $0 BUILD_DIR"; exit 2; }
export KG_SOURCE_DIR KG_BUILD_DIR
. "$KG_SOURCE_DIR/tests/integration/lib.sh"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
show() { # show NS "command"
  printf '\n%s# %s\n' "$([ "$1" = "$NSA" ] && echo site-a || echo site-b)" "$2"
  kg "$1" "$2"
}

lib_init
say "Two namespaces ($NSA = site-a, $NSB = site-b) joined by veth 'eth0' (198.51.100.1 <-> .2)."
say "Starting keygated in each, from examples/site-a.cfg and examples/site-b.cfg."
echo "    keygated puts 192.0.2.1/25 (site-a LAN, Loopback0) and 192.0.2.129/25 (site-b LAN)"
echo "    on lo, creates Tunnel0 and routes the other LAN into it."
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"; KGA=$KG_LAST_PID
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"; KGB=$KG_LAST_PID
say "Waiting for the IKEv2 SA (IKE_SA_INIT + IKE_AUTH with the pre-shared key)..."
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "tunnel did not come up within 20 s"
log "tunnel is up"
say "ping from LAN A (192.0.2.1) to LAN B (192.0.2.129): ESP in UDP/4500 on the wire"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping does not pass"
ip netns exec "$NSA" ping -n -c 4 -i 0.3 -I 192.0.2.1 192.0.2.129 || fail "ping failed"
say "TCP transfer of 20 MiB A -> B through the tunnel (byte count and content checked)"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 || fail "TCP transfer failed"
for ns in "$NSA" "$NSB"; do
  say "What $( [ "$ns" = "$NSA" ] && echo site-a || echo site-b ) says"
  show "$ns" "show crypto session"
  show "$ns" "show crypto ikev2 sa"
  show "$ns" "show crypto ipsec sa"
done

# Hardware token (seed 000): site-a's key lives on a SoftHSM2 token, behind
# tools/p11-detach so that the demo can pull it out and put it back.
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_token.sh"
say "Hardware token: site-a's RSA key generated inside a SoftHSM2 token (certificates now)"
kill "$KGA" "$KGB"; wait "$KGA" "$KGB" 2>/dev/null
token_init eToken 1234567890 5678
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_leaf "$P" site-b rsa2048 ca site-b.example.net 65
pki_pem_set "$P" site-b "$WORK/site-b" b-pass ca
{
  echo "crypto pki token eToken module $P11_DETACH"
  echo "crypto pki token eToken removal timeout 1"
  sed 's/^ revocation-check none$/ revocation-check none\n rsakeypair etoken-keys 2048/' "$KG_SOURCE_DIR/examples/site-a-cert.cfg"
} >"$WORK/site-a-token.cfg"
start_keygated "$NSA" "$WORK/site-a-token.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b-cert.cfg"
kg_import "$NSB" site-b "$WORK/site-b" b-pass
show "$NSA" "crypto pki token eToken login 1234567890"
printf '\nsite-a(config)# crypto key generate rsa general-keys label etoken-keys modulus 2048 storage eToken\n'
kg "$NSA" $'configure terminal\ncrypto key generate rsa general-keys label etoken-keys modulus 2048 storage eToken\nend'
token_key_cert "$NSA" eToken etoken-keys "$P" ca site-a.example.net 64 site-a
wait_for "kg_ready $NSA && kg_ready $NSB" 25 || fail "no tunnel with the token's key"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping with the token's key"
show "$NSA" "show crypto pki token eToken"
say "Pulling the token out: after the removal timeout (1 s) the keys and their SAs go"
token_pull eToken
wait_for "! kg_ready $NSA && ! kg_ready $NSB" 5 || fail "the tunnel stayed up without the token"
grep -E 'USB_TOKEN_REMOVED|TOKENREMOVED|TOKENKEY' "$WORK/keygated-$NSA.log"
show "$NSA" "show crypto session"
say "Reinserting it and logging in: the tunnel comes back, no restart"
token_insert eToken
wait_for "kg $NSA 'show crypto pki token eToken' | grep -q 'Inserted: yes'" 5 || fail "reinsertion not seen"
show "$NSA" "crypto pki token eToken login 1234567890"
wait_for "kg_ready $NSA && kg_ready $NSB" 25 || fail "no tunnel after reinsertion and login"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "ping after reinsertion"
show "$NSA" "show crypto session"
say "Done. Cleaning up namespaces and daemons."
