#!/bin/bash
# EAP-TLS relayed to RADIUS (issue 16): a strongSwan road warrior proves
# itself with its client certificate inside EAP-TLS; keygate's hub
# (authentication remote eap query-identity, authentication local rsa-sig)
# signs with its own certificate and relays every EAP message unchanged to
# FreeRADIUS 3.2, whose eap module does the TLS handshake against the test
# CA. EAP-TLS messages are large (FreeRADIUS sends ~1 KB fragments, each
# several EAP-Message attributes; the client's certificate flight arrives
# in several IKE_AUTH requests); the hub's IKE_AUTH with its certificate
# is carried in IKE fragments (RFC 7383). The client gets its address from
# the pool FreeRADIUS names and pings the hub's LAN; a client certificate
# from another CA is refused with AUTHENTICATION_FAILED.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_pki.sh"
lib_init
ra_switch 2

P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_ca "$P" otherca rsa2048
# RSA-4096 for the hub and client1: a certificate and an AUTH of 512 bytes
# make the hub's first IKE_AUTH response larger than the fragment MTU.
pki_leaf "$P" hub rsa4096 ca ra-hub.example.net 20
# FreeRADIUS's own certificate names the hub: strongSwan checks the EAP-TLS
# server against the IKE identity of the peer (no aaa_id).
pki_leaf "$P" radius rsa2048 ca ra-hub.example.net 21
pki_leaf "$P" client1 rsa4096 ca client1.example.net 22
pki_leaf "$P" client2 rsa2048 otherca client2.example.net 23
pki_pem_set "$P" hub "$WORK/hub" pem-pass ca

# client1 (the test CA): the pool RA-POOL2, named by FreeRADIUS.
cat >"$WORK/users" <<'EOU'
client1.example.net
	Cisco-AVPair = "ipsec:addr-pool=RA-POOL2"
EOU
# FreeRADIUS's EAP-TLS fragments of 1400 bytes (stock 1024): each is six
# EAP-Message attributes and, in IKE, larger than the hub's fragment MTU.
RAD_PREPARE="rad_eap_tls $P/radius.crt $P/radius.key $P/ca.crt 1400" start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

cat >"$WORK/hub.cfg" <<'EOC'
hostname ra-hub
!
aaa new-model
aaa group server radius frad
 server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key
aaa authentication eap frad group frad
aaa authorization network flex_local local
!
crypto ikev2 fragmentation mtu 1280
!
crypto pki trustpoint hub
 enrollment terminal pem
 revocation-check none
!
crypto ikev2 authorization policy RA
 pool RA-POOL
 route set remote ipv4 203.0.113.0 255.255.255.0
!
crypto ikev2 profile default
 match identity remote fqdn domain example.net
 identity local fqdn ra-hub.example.net
 authentication local rsa-sig
 authentication remote eap query-identity
 pki trustpoint hub
 aaa authentication eap frad
 aaa authorization group eap list flex_local RA
 virtual-template 1
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
!
interface Loopback0
 ip address 198.18.0.1 255.255.255.255
!
interface Loopback1
 ip address 203.0.113.1 255.255.255.0
!
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile default
!
ip local pool RA-POOL 198.18.1.10 198.18.1.99
ip local pool RA-POOL2 198.18.2.10 198.18.2.20
EOC
start_keygated "$NSA" "$WORK/hub.cfg"
kg_import "$NSA" hub "$WORK/hub" pem-pass

# sw_tls_client DIR K: road warrior K with EAP-TLS as clientK.example.net;
# it trusts the test CA for both the hub's certificate (IKE) and FreeRADIUS's
# (inside EAP-TLS).
sw_tls_client() {
  mkdir -p "$1"
  cat >"$1/swanctl.conf" <<EOS
connections {
  ra {
    version = 2
    local_addrs = 198.51.100.1$2
    remote_addrs = 198.51.100.1
    encap = yes
    fragmentation = yes
    vips = 0.0.0.0
    proposals = aes256gcm16-prfsha256-ecp256
    local { auth = eap-tls
            certs = client$2.crt
            id = client$2.example.net
            eap_id = client$2.example.net }
    remote { auth = pubkey
             id = ra-hub.example.net }
    children {
      ra {
        remote_ts = 203.0.113.0/24
        esp_proposals = aes256gcm16
        start_action = none
      }
    }
  }
}
EOS
}
# strongSwan's own EAP-TLS fragments of 1400 bytes too (its default is 1024).
export SW_LOAD="eap-identity eap-tls" SW_INSTALL_VIP=yes SW_CHARON_EXTRA="plugins { eap-tls { fragment_size = 1400 } }"
for k in 1 2; do
  sw_tls_client "$WORK/c$k" "$k"
  sw_pki "$WORK/c$k" "$P/client$k.crt" "$P/client$k.key" "$P/ca.crt"
  start_charon "${RA_NS[$k]}" "$WORK/c$k"
done

# 1. EAP-TLS with a certificate from the test CA, RADIUS and IKE captured.
capture_start "$NSA" any "$WORK/eap-tls.pcap"
sw_initiate "$WORK/c1" ra || { cat "$WORK/c1/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "EAP-TLS client"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "EAP-TLS client not established"
grep -q "EAP method EAP_TLS succeeded, MSK established" "$WORK/c1/charon.log" ||
  { grep -i "eap\|tls" "$WORK/c1/charon.log" | tail; fail "strongSwan did not establish an MSK with EAP-TLS"; }
grep -q "Login OK: \[client1.example.net" "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "FreeRADIUS did not log client1's login"; }
grep -q "accepted EAP user client1.example.net" "$WORK/keygated-$NSA.log" || fail "keygate did not log the RADIUS accept"
v1=$(sw_vip "$WORK/c1")
[ "$v1" = 198.18.2.10 ] || { tail -20 "$WORK/keygated-$NSA.log"; fail "EAP-TLS client got '$v1', not the first of RA-POOL2"; }
wait_for "ping_ok ${RA_NS[1]} $v1 203.0.113.1 1" 10 || fail "EAP-TLS client -> hub LAN"
ping_ok "$NSA" 203.0.113.1 "$v1" 2 || fail "hub LAN -> EAP-TLS client"
capture_stop
log "EAP-TLS via FreeRADIUS: client1 up with $v1 from RA-POOL2"
# RADIUS: EAP-TLS messages of more than 253 bytes travel as several
# EAP-Message attributes, both ways (RFC 3579 §3.1).
tshark_check "$WORK/eap-tls.pcap" || fail "malformed packets in the capture"
# Per RADIUS packet: its code, how many EAP-Message attributes (79), its size.
tshark -r "$WORK/eap-tls.pcap" -Y radius -T fields -e radius.code -e radius.avp.type -e udp.length 2>/dev/null |
  awk '{ n = split($2, t, ","); c = 0; for (i = 1; i <= n; i++) c += t[i] == 79; print $1, c, $3 }' >"$WORK/radius-eap.txt"
req=$(awk '$1 == 1 && $2 >= 4' "$WORK/radius-eap.txt" | wc -l)
chal=$(awk '$1 == 11 && $2 >= 4' "$WORK/radius-eap.txt" | wc -l)
big=$(awk '{ print $3 }' "$WORK/radius-eap.txt" | sort -n | tail -1)
[ "$req" -ge 1 ] && [ "$chal" -ge 2 ] ||
  { cat "$WORK/radius-eap.txt"; fail "EAP-Message fragmentation not seen ($req Access-Requests, $chal Access-Challenges with >= 4 EAP-Messages)"; }
log "RADIUS: $req Access-Request(s) and $chal Access-Challenge(s) carried 4-6 EAP-Message attributes (largest datagram $big bytes)"
# IKE: the hub's IKE_AUTH responses over its 1280-byte MTU went as
# encrypted fragments (RFC 7383) and strongSwan reassembled them; its own
# 1400-byte EAP-TLS responses came to the hub in fragments too.
fr=$(grep -c "received fragment #" "$WORK/c1/charon.log")
fs=$(grep -c "generating IKE_AUTH request .* \[ EF(" "$WORK/c1/charon.log")
[ "$fr" -ge 2 ] || { grep -i "fragment" "$WORK/c1/charon.log" | head; fail "strongSwan received no IKE fragments from the hub"; }
log "IKE fragmentation: strongSwan reassembled $fr fragments from the hub and sent $fs fragments of its own"

# 2. A client certificate from another CA: FreeRADIUS refuses the TLS
# handshake, keygate answers AUTHENTICATION_FAILED.
sw_initiate "$WORK/c2" ra && fail "a client certificate from another CA was accepted"
sw_has_sa "$WORK/c2" && fail "foreign client certificate has an SA"
grep -q "received AUTHENTICATION_FAILED notify" "$WORK/c2/charon.log" ||
  { grep -i "eap\|tls\|notify" "$WORK/c2/charon.log" | tail; fail "strongSwan did not get AUTHENTICATION_FAILED"; }
wait_for "grep -q 'AUTHENTICATION_FAILED: EAP authentication of 198.51.100.12.*Access-Reject from RADIUS server 127.0.0.1' '$WORK/keygated-$NSA.log'" 5 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no clear log line for the refused certificate"; }
log "client certificate from another CA: Access-Reject, AUTHENTICATION_FAILED"
log "PASS"
