#!/bin/bash
# RADIUS fail-over (issue 16): the group's first server does not answer
# (nothing listens on its port); keygate retransmits within
# radius-server timeout x (retransmit + 1), marks it dead
# (%RADIUS-4-RADIUS_DEAD), moves the EAP conversation to the second server
# (a real FreeRADIUS 3.2), and the strongSwan road warrior gets in. While the
# first stays dead, the next client goes straight to the second; the dead
# one is probed with Status-Server meanwhile, and marked alive again once
# FreeRADIUS answers a probe.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 2
printf 'alice Cleartext-Password := "alice-md5-pass"\n' >"$WORK/users"
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

cat >"$WORK/hub.cfg" <<'EOC'
hostname ra-hub
aaa new-model
aaa group server radius frad
 server name DEAD
 server name LIVE
radius server DEAD
 address ipv4 127.0.0.1 auth-port 1822 acct-port 1823
 key kg-radius-key
radius server LIVE
 address ipv4 127.0.0.1 auth-port 1812 acct-port 1813
 key kg-radius-key
radius-server timeout 1
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

for k in 1 2; do sw_eap_client "$WORK/c$k" "$k" eap-md5 alice alice-md5-pass; done
export SW_LOAD="eap-identity eap-md5" SW_INSTALL_VIP=yes
for k in 1 2; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

t0=$(date +%s.%N)
sw_initiate "$WORK/c1" ra || { grep -E "CHILD|TS|vip|virtual|CP|fail" "$WORK/c1/initiate.out" | tail -20; fail "client 1 (fail-over)"; }
t1=$(date +%s.%N)
wait_for "sw_has_sa $WORK/c1" 10 || fail "client 1 not established after fail-over"
grep -q "%RADIUS-4-RADIUS_DEAD: RADIUS server 127.0.0.1:1822,1823 is not responding" "$WORK/keygated-$NSA.log" ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no RADIUS_DEAD for the first server"; }
grep -q "Login OK: \[alice" "$RAD_LOG" || fail "FreeRADIUS did not authenticate alice"
took=$(echo "$t1 - $t0" | bc)
# The dead server's budget is 2 s (timeout 1 x 2 transmissions); the rest
# is the handshake itself.
[ "$(echo "$took < 6" | bc)" = 1 ] || fail "fail-over took ${took}s"
log "fail-over to the second server: client 1 up after ${took}s"

s=$(kg "$NSA" "show aaa servers")
echo "$s" | grep -A3 "name DEAD" | grep -q "State: current DEAD" || { echo "$s"; fail "DEAD server not shown dead"; }
echo "$s" | grep -A4 "name DEAD" | grep -q "timeouts 1, retransmissions 1" || { echo "$s"; fail "DEAD server counters"; }
echo "$s" | grep -A3 "name LIVE" | grep -q "State: current UP" || { echo "$s"; fail "LIVE server not UP"; }

# The next client is not held up by the dead server.
t0=$(date +%s.%N)
sw_initiate "$WORK/c2" ra || fail "client 2"
t1=$(date +%s.%N)
took=$(echo "$t1 - $t0" | bc)
[ "$(echo "$took < 1.5" | bc)" = 1 ] || fail "client 2 waited ${took}s: the dead server was not skipped"
wait_for "kg $NSA 'show aaa servers' | grep -A6 'name DEAD' | grep -Eq 'Status-Server: probes [1-9]'" 5 ||
  { kg "$NSA" "show aaa servers"; fail "the dead server is not probed"; }
log "client 2 up in ${took}s (dead server skipped, probed with Status-Server)"

# The dead server "comes back": its address now points at the FreeRADIUS
# that answers. It stays dead until it answers a Status-Server probe
# (RFC 5997, with a Message-Authenticator FreeRADIUS checks), then is UP.
kg "$NSA" $'configure terminal\nradius server DEAD\naddress ipv4 127.0.0.1 auth-port 1812 acct-port 1813\nend' >/dev/null ||
  fail "readdress DEAD"
wait_for "grep -q '%RADIUS-6-RADIUS_ALIVE: RADIUS server 127.0.0.1:1812,1813 is being marked alive' '$WORK/keygated-$NSA.log'" 5 ||
  { kg "$NSA" "show aaa servers"; grep -i -B2 -A12 "status-server" "$RAD_LOG" | tail -40; fail "the server was not brought back by Status-Server"; }
s=$(kg "$NSA" "show aaa servers")
echo "$s" | grep -A6 "name DEAD" | grep -Eq "Status-Server: probes [1-9][0-9]*, answered [1-9]" || { echo "$s"; fail "probe answer not counted"; }
echo "$s" | grep -A3 "name DEAD" | grep -q "State: current UP" || { echo "$s"; fail "DEAD server not UP again"; }
log "Status-Server answered by FreeRADIUS: the first server is UP again"
log "PASS"
