#!/bin/bash
# A RADIUS fail-over longer than the IKE engine's own patience (issue 16):
# three servers of the group do not answer (nothing listens on their ports),
# each gets radius-server timeout 11 x 2 transmissions = 22 s, so the EAP
# conversation's first Access-Request reaches the fourth, a real FreeRADIUS
# 3.2, 66 s after it was sent. The exchange waiting for it must not give up
# first: keygated makes the engine's wait follow the RADIUS timing (the
# largest group's servers x timeout x transmissions, here 89 s, above the
# 60 s floor), and the responder's 30 s half-open limit does not count the
# time spent waiting for RADIUS. The strongSwan road warrior (EAP-MD5)
# keeps retransmitting IKE_AUTH meanwhile and gets in.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 1
printf 'alice Cleartext-Password := "alice-md5-pass"\n' >"$WORK/users"
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

cat >"$WORK/hub.cfg" <<'EOC'
hostname ra-hub
aaa new-model
aaa group server radius frad
 server name DEAD1
 server name DEAD2
 server name DEAD3
 server name LIVE
radius server DEAD1
 address ipv4 127.0.0.1 auth-port 1822 acct-port 1823
 key kg-radius-key
radius server DEAD2
 address ipv4 127.0.0.1 auth-port 1832 acct-port 1833
 key kg-radius-key
radius server DEAD3
 address ipv4 127.0.0.1 auth-port 1842 acct-port 1843
 key kg-radius-key
radius server LIVE
 address ipv4 127.0.0.1 auth-port 1812 acct-port 1813
 key kg-radius-key
radius-server timeout 11
radius-server retransmit 1
aaa authentication eap frad group frad
aaa authorization network flex_local local
crypto ikev2 authorization policy RA
 pool RA-POOL
 route set remote ipv4 203.0.113.0 255.255.255.0
crypto ikev2 profile default
 match identity remote fqdn domain example.net
 identity local fqdn ra-hub.example.net
 authentication local pre-share key hub-secret
 authentication remote eap query-identity
 aaa authentication eap frad
 aaa authorization group eap list flex_local RA
 virtual-template 1
interface eth0
 ip address 198.51.100.1 255.255.255.0
interface Loopback0
 ip address 198.18.0.1 255.255.255.255
interface Loopback1
 ip address 203.0.113.1 255.255.255.0
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile default
ip local pool RA-POOL 198.18.1.10 198.18.1.99
EOC
start_keygated "$NSA" "$WORK/hub.cfg"
grep -q "IKEv2: an exchange waits up to 89 s for slow work (RADIUS: 4 servers x 11 s x 2 transmissions)" "$WORK/keygated-$NSA.log" ||
  { grep "waits up to" "$WORK/keygated-$NSA.log"; fail "the wait limit does not follow the RADIUS timing"; }

sw_eap_client "$WORK/c1" 1 eap-md5 alice alice-md5-pass
# The client's patience: IKE_AUTH retransmitted for about 136 s (1 s x
# 1.8^k, 7 tries), and swanctl waits for it.
export SW_LOAD="eap-identity eap-md5" SW_INSTALL_VIP=yes SW_RETRANSMIT_TRIES=7
start_charon "${RA_NS[1]}" "$WORK/c1"
t0=$(date +%s.%N)
STRONGSWAN_CONF=$WORK/c1/strongswan.conf timeout 120 swanctl --initiate --child ra --uri "unix://$WORK/c1/charon.vici" \
  >"$WORK/c1/initiate.out" 2>&1 || { tail -20 "$WORK/keygated-$NSA.log"; fail "client (fail-over through three dead servers)"; }
t1=$(date +%s.%N)
wait_for "sw_has_sa $WORK/c1" 10 || fail "client not established after the fail-over"
took=$(echo "$t1 - $t0" | bc)
for p in 1822 1832 1842; do
  grep -q "%RADIUS-4-RADIUS_DEAD: RADIUS server 127.0.0.1:$p," "$WORK/keygated-$NSA.log" || fail "no RADIUS_DEAD for port $p"
done
grep -q "Login OK: \[alice" "$RAD_LOG" || fail "FreeRADIUS did not authenticate alice"
! grep -q "half-open IKE SA\|no EAP within" "$WORK/keygated-$NSA.log" || fail "the engine gave up while RADIUS failed over"
# 3 x 22 s of dead servers, then the handshake itself.
[ "$(echo "$took >= 66 && $took < 80" | bc)" = 1 ] || fail "fail-over took ${took}s (expected 66-80 s)"
wait_for "ping_ok ${RA_NS[1]} $(sw_vip "$WORK/c1") 203.0.113.1 1" 10 || fail "no traffic through the tunnel"
log "three dead servers (66 s of RADIUS fail-over): client up after ${took}s, traffic through"
log "PASS"
