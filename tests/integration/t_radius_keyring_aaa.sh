#!/bin/bash
# keyring aaa (seed 004, "AAA Pre-Shared Keys – Packet Flow", issue 16):
# keygated (site-a) responds to strongSwan (site-b) site-to-site peers whose
# pre-shared keys it learns from a real FreeRADIUS 3.2. After IDi it sends
# an Access-Request for the peer's identity, mangled by `fqdn hostname`
# (User-Name site-b), with IOS's password "cisco"; the Accept's Cisco-AVPairs
# ipsec:ikev2-password-remote (to verify the peer's AUTH) and
# ipsec:ikev2-password-local (for ours) finish IKE_AUTH. Checked:
# - site-b: tunnel up, ping through, FreeRADIUS logged "Login OK: [site-b]";
#   tshark finds no malformed frame in the capture;
# - site-w (RADIUS holds a wrong key for it): AUTHENTICATION_FAILED, a clear
#   "pre-shared key mismatch" line; the site-b tunnel still carries traffic;
# - site-u (unknown to RADIUS): Access-Reject, AUTHENTICATION_FAILED and the
#   %IKEV2-4-AAA_PSK_FAILED line;
# - no key in keygated's log (with debug radius on) or in show output.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo

cat >"$WORK/users" <<'EOU'
site-b Cleartext-Password := "cisco"
	Cisco-AVPair = "ipsec:ikev2-password-local=kg-aaa-site-b-key",
	Cisco-AVPair = "ipsec:ikev2-password-remote=kg-aaa-site-b-key"
site-w Cleartext-Password := "cisco"
	Cisco-AVPair = "ipsec:ikev2-password-local=kg-aaa-site-w-key",
	Cisco-AVPair = "ipsec:ikev2-password-remote=kg-aaa-not-the-peers-key"
site-k Cleartext-Password := "cisco"
	Cisco-AVPair = "ipsec:ikev2-password-local=kg-aaa-a-to-k",
	Cisco-AVPair = "ipsec:ikev2-password-remote=kg-aaa-k-to-a"
198.51.100.1 Cleartext-Password := "cisco"
	Cisco-AVPair = "ipsec:ikev2-password-local=kg-aaa-k-to-a",
	Cisco-AVPair = "ipsec:ikev2-password-remote=kg-aaa-a-to-k"
EOU
# site-k (keygated in NSB, later) asks this FreeRADIUS too, from 198.51.100.2.
RAD_EXTRA_CLIENT=198.51.100.2 start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

cat >"$WORK/site-a.cfg" <<'EOC'
hostname site-a
!
aaa new-model
aaa group server radius frad
 server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key
aaa authorization network AAAlist group frad
!
crypto ikev2 name-mangler host
 fqdn hostname
!
crypto ikev2 profile default
 match identity remote fqdn domain example.net
 identity local fqdn site-a.example.net
 authentication local pre-share
 authentication remote pre-share
 keyring aaa AAAlist name-mangler host
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
!
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
!
interface Tunnel0
 ip address 203.0.113.1 255.255.255.252
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.2
 tunnel protection ipsec profile default
!
ip route 192.0.2.128 255.255.255.128 Tunnel0
EOC
# keygated is the responder here: drop its own IKE requests as original
# initiator (IKE header I bit 0x08, UDP 500), as t_chacha20_strongswan_responder.
ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet kgtest {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,216,8 & 0x08 == 0x08 drop
  }
}
EON
KG_DEBUG=1 start_keygated "$NSA" "$WORK/site-a.cfg"
kg "$NSA" "show running-config" | grep -q "^ keyring aaa AAAlist name-mangler host$" || fail "keyring aaa not written back"
kg "$NSA" "debug radius" | grep -q "Radius protocol debugging is on" || fail "debug radius"

# strongSwan site-b with three identities: site-b (known, right key),
# site-w (RADIUS has a wrong key for it), site-u (unknown to RADIUS).
SW=$WORK/swb
mkdir -p "$SW"
conn() {  # NAME ID
  cat <<EOS
  $1 {
    version = 2
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    encap = yes
    proposals = aes256gcm16-prfsha256-ecp256
    local { auth = psk
            id = $2 }
    remote { auth = psk
             id = site-a.example.net }
    children {
      $1 {
        local_ts = 192.0.2.128/25
        remote_ts = 192.0.2.0/25
        esp_proposals = aes256gcm16
        start_action = none
      }
    }
  }
EOS
}
{
  echo "connections {"; conn kg site-b.example.net; conn wrong site-w.example.net; conn unknown site-u.example.net; echo "}"
  cat <<'EOS'
secrets {
  ike-b { id-a = site-a.example.net
          id-b = site-b.example.net
          secret = "kg-aaa-site-b-key" }
  ike-w { id-a = site-a.example.net
          id-b = site-w.example.net
          secret = "kg-aaa-site-w-key" }
  ike-u { id-a = site-a.example.net
          id-b = site-u.example.net
          secret = "kg-aaa-site-u-key" }
}
EOS
} >"$SW/swanctl.conf"
start_charon "$NSB" "$SW"
SW_PID=${LIB_PIDS[-1]}

capture_start "$NSA" eth0 "$WORK/ike.pcap"
t0=$(date +%s.%N)
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "site-b: strongSwan initiate"; }
t1=$(date +%s.%N)
wait_for "kg_ready $NSA" 10 || fail "keygated shows no READY SA"
grep -q "Login OK: \[site-b\] " "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "no Access-Request for site-b (mangled) at FreeRADIUS"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping site-b -> site-a through the tunnel"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping site-b -> site-a"
log "site-b: keys from FreeRADIUS, tunnel up in $(echo "$t1 - $t0" | bc) s (initiate to established), ping through"
capture_stop
tshark_check "$WORK/ike.pcap" || fail "tshark found malformed frames"
[ "$N_AUTH" -ge 2 ] && [ "$N_ESP" -ge 10 ] || fail "capture: IKE_AUTH=$N_AUTH ESP=$N_ESP"

# site-w: RADIUS answers with a key that is not site-w's.
sw_initiate "$SW" wrong && fail "site-w with the wrong key accepted"
wait_for "grep -q 'AUTHENTICATION_FAILED from 198.51.100.2 Id: site-w.example.net (profile default): pre-shared key mismatch' '$WORK/keygated-$NSA.log'" 5 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no clear log line for the wrong key"; }
grep -q "Login OK: \[site-w\] " "$RAD_LOG" || fail "no Access-Request for site-w"
log "site-w: wrong key in RADIUS -> AUTHENTICATION_FAILED (pre-shared key mismatch)"

# site-u: not known to RADIUS.
sw_initiate "$SW" unknown && fail "site-u (unknown to RADIUS) accepted"
wait_for "grep -q '%IKEV2-4-AAA_PSK_FAILED: AUTHENTICATION_FAILED: no pre-shared key for 198.51.100.2 Id: site-u.example.net from keyring aaa (profile default): user site-u: Access-Reject' '$WORK/keygated-$NSA.log'" 5 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no %IKEV2-4-AAA_PSK_FAILED line for site-u"; }
log "site-u: Access-Reject -> AUTHENTICATION_FAILED with the %-line"
grep -q "AUTHENTICATION_FAILED" "$SW/charon.log" || fail "strongSwan was not told AUTHENTICATION_FAILED"

ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "site-b's tunnel hurt by the refused peers"
[ "$(kg_ready_count "$NSA")" -eq 1 ] || fail "expected exactly site-b's IKE SA"
grep -q "RADIUS: Send Access-Request to 127.0.0.1:1812" "$WORK/keygated-$NSA.log" ||
  { grep RADIUS "$WORK/keygated-$NSA.log" | head; fail "no debug radius lines"; }
grep -q 'Cisco-AVPair "ipsec:ikev2-password-remote=<hidden>"' "$WORK/keygated-$NSA.log" ||
  { grep -i "avpair" "$WORK/keygated-$NSA.log" | head; fail "debug radius does not show the key AV pair hidden"; }
grep -q "keyring aaa: site-b: local key 17 octets, remote key 17 octets" "$WORK/keygated-$NSA.log" ||
  fail "no debug line with the keys' lengths"
shows=$(for c in "show crypto ikev2 sa detailed" "show crypto session detail" "show running-config" "show radius statistics"; do kg "$NSA" "$c"; done)
if grep -q "kg-aaa-\|kg-radius-key" "$WORK/keygated-$NSA.log" || echo "$shows" | grep -q "kg-aaa-\|kg-radius-key"; then
  grep -n "kg-aaa-\|kg-radius-key" "$WORK/keygated-$NSA.log" | head -5
  fail "a key in keygated's log or show output"
fi
log "no key in the log (debug radius on) or in show output"

# site-k: keygated as the initiator, its keys from the same FreeRADIUS by
# site-a's address; asymmetric keys both ways (site-a signs with
# kg-aaa-a-to-k, site-k with kg-aaa-k-to-a).
kill "$SW_PID"; wait "$SW_PID" 2>/dev/null
kg "$NSA" "clear crypto session" >/dev/null
ip -n "$NSB" addr del 192.0.2.129/25 dev lo
sed -e 's/site-b.example.net/site-k.example.net/' -e 's/^hostname site-b/hostname site-k/' \
  -e '/^crypto ikev2 keyring KR/,/^!$/d' -e 's/^ keyring local KR/ keyring aaa AAAlist/' \
  "$KG_SOURCE_DIR/examples/site-b.cfg" >"$WORK/site-k.cfg"
cat >>"$WORK/site-k.cfg" <<'EOC'
aaa new-model
aaa group server radius frad
 server-private 198.51.100.1 auth-port 1812 acct-port 1813 key kg-radius-key
aaa authorization network AAAlist group frad
EOC
grep -q "keyring aaa AAAlist" "$WORK/site-k.cfg" && ! grep -q "pre-shared-key" "$WORK/site-k.cfg" || fail "site-k.cfg"
start_keygated "$NSB" "$WORK/site-k.cfg"
wait_for "kg_ready $NSB" 15 || { tail -20 "$WORK/keygated-$NSB.log"; fail "site-k (keygated, keys from RADIUS) not up"; }
grep -q "Login OK: \[198.51.100.1\] " "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "no Access-Request for 198.51.100.1 (site-k as initiator)"; }
grep -q "Login OK: \[site-k\] " "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "no Access-Request for site-k (site-a as responder)"; }
wait_for "ping_ok $NSB 192.0.2.129 192.0.2.1 1" 10 || fail "ping site-k -> site-a"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping site-k -> site-a"
! grep -q "kg-aaa-" "$WORK/keygated-$NSB.log" "$WORK/keygated-$NSA.log" || fail "a key in site-k's or site-a's log"
log "site-k: keygated initiator and responder both with keys from FreeRADIUS (asymmetric), ping through"
log "PASS"
