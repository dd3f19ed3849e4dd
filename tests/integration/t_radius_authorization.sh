#!/bin/bash
# RADIUS authorization and seed 004's "Attributes – Merging" against a real
# FreeRADIUS 3.2 (issue 16): a strongSwan road warrior authenticates with
# EAP-MD5 as alice@eng.example.net (relayed to FreeRADIUS, whose Access-Accept gives the
# cached user attributes), then keygate asks FreeRADIUS for the explicit user
# attributes of "alice" and the group attributes of "eng.example.net", both names made by
# a crypto ikev2 name-mangler from the EAP identity (prefix/suffix delimiter
# @), with IOS's authorization password "cisco". Expected, as the slide:
# Framed-IP-Address from the explicit user (over the cached one and the
# group's), DNS from the cached attributes, banner and domain from the group.
# With `aaa authorization group override`, a second user gets the group's
# Framed-IP-Address. `show crypto session detail` names each source.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_radius.sh"
lib_init
ra_switch 3

cat >"$WORK/users" <<'EOU'
alice@eng.example.net Cleartext-Password := "alice-md5-pass"
	Framed-IP-Address = 198.18.3.101,
	Cisco-AVPair = "ipsec:dns-servers=198.18.0.22"
bob@eng.example.net Cleartext-Password := "bob-md5-pass"
	Cisco-AVPair = "ipsec:dns-servers=198.18.0.23"
alice Cleartext-Password := "cisco"
	Framed-IP-Address = 198.18.3.102,
	Cisco-AVPair = "ipsec:max-logins=1"
bob Cleartext-Password := "cisco"
	Framed-IP-Address = 198.18.3.150
eng.example.net Cleartext-Password := "cisco"
	Framed-IP-Address = 198.18.3.200,
	Cisco-AVPair = "ipsec:banner=Welcome !",
	Cisco-AVPair = "ipsec:default-domain=eng.example.net",
	Cisco-AVPair = "ipsec:route-set=prefix 203.0.113.0/24"
EOU
start_freeradius "$NSA" "kg-radius-key" "$WORK/users"

cat >"$WORK/hub.cfg" <<'EOC'
hostname ra-hub
!
aaa new-model
aaa group server radius frad
 server-private 127.0.0.1 auth-port 1812 acct-port 1813 key kg-radius-key
aaa authentication eap frad group frad
aaa authorization network frad group frad
!
crypto ikev2 name-mangler user
 eap prefix delimiter @
crypto ikev2 name-mangler grp
 eap suffix delimiter @
!
crypto ikev2 profile default
 match identity remote fqdn domain example.net
 identity local fqdn ra-hub.example.net
 authentication local pre-share key hub-secret
 authentication remote eap query-identity
 aaa authentication eap frad
 aaa authorization user eap cached
 aaa authorization user eap list frad name-mangler user
 aaa authorization group eap list frad name-mangler grp
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
EOC
start_keygated "$NSA" "$WORK/hub.cfg"
kg "$NSA" "show running-config" | grep -q "^ aaa authorization user eap list frad name-mangler user" ||
  fail "aaa authorization user ... name-mangler not written back"
kg "$NSA" "show running-config" | grep -q "^ eap prefix delimiter @" || fail "name-mangler not written back"

export SW_LOAD="eap-identity eap-md5 gcrypt resolve" SW_INSTALL_VIP=yes
sw_eap_client "$WORK/c1" 1 eap-md5 alice@eng.example.net alice-md5-pass
sw_eap_client "$WORK/c2" 2 eap-md5 bob@eng.example.net bob-md5-pass
sw_eap_client "$WORK/c3" 3 eap-md5 alice@eng.example.net alice-md5-pass
for k in 1 2 3; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done

sw_initiate "$WORK/c1" ra || { cat "$WORK/c1/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "alice"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "alice not established"
grep -q "Login OK: \[alice\] " "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "no explicit user authorization of alice at FreeRADIUS"; }
grep -q "Login OK: \[eng.example.net\] " "$RAD_LOG" || { tail -20 "$RAD_LOG"; fail "no group authorization of eng at FreeRADIUS"; }
v1=$(sw_vip "$WORK/c1")
[ "$v1" = 198.18.3.102 ] || { tail -20 "$WORK/keygated-$NSA.log"; fail "alice got '$v1', not the explicit user's 198.18.3.102"; }
grep -q "^nameserver 198.18.0.22" "$WORK/c1/resolv.conf" 2>/dev/null ||
  { cat "$WORK/c1/resolv.conf"; fail "alice did not get the cached DNS server"; }
wait_for "ping_ok ${RA_NS[1]} $v1 203.0.113.1 1" 10 || fail "alice -> hub LAN (group route-set)"
s=$(kg "$NSA" "show crypto session detail")
for want in "User: alice@eng.example.net" \
  "Framed-IP-Address = 198.18.3.102  (user alice, RADIUS group frad)" \
  "ipsec:dns-servers = 198.18.0.22  (cached user alice@eng.example.net, RADIUS)" \
  "ipsec:banner = Welcome !  (group eng.example.net, RADIUS group frad)" \
  "ipsec:default-domain = eng.example.net  (group eng.example.net, RADIUS group frad)"; do
  echo "$s" | grep -qF "$want" || { echo "$s"; fail "show crypto session detail lacks: $want"; }
done
log "merge: Framed-IP-Address from the explicit user, DNS cached, banner/domain/route from the group"

# ipsec:max-logins=1: alice's second session (another client) is refused.
sw_initiate "$WORK/c3" ra && fail "alice's second login accepted"
wait_for "grep -q 'AAA-4-LIMIT: authorization of 198.51.100.13 Id: alice@eng.example.net refused: ipsec:max-logins 1 reached' '$WORK/keygated-$NSA.log'" 5 ||
  { tail -20 "$WORK/keygated-$NSA.log"; fail "no clear log line for max-logins"; }
ping_ok "${RA_NS[1]}" "$v1" 203.0.113.1 1 || fail "alice's first session hurt by the refused second"
log "ipsec:max-logins 1: a second session of alice refused, the first one still up"

# group override: the group's attributes win over the merged user's.
kg "$NSA" $'configure terminal\ncrypto ikev2 profile default\naaa authorization group override eap list frad name-mangler grp\nend' ||
  fail "group override line refused"
sw_initiate "$WORK/c2" ra || { cat "$WORK/c2/initiate.out"; tail -30 "$WORK/keygated-$NSA.log"; fail "bob"; }
wait_for "sw_has_sa $WORK/c2" 15 || fail "bob not established"
v2=$(sw_vip "$WORK/c2")
[ "$v2" = 198.18.3.200 ] || { tail -20 "$WORK/keygated-$NSA.log"; fail "bob got '$v2', not the group's 198.18.3.200 (override over his own 198.18.3.150)"; }
grep -q "^nameserver 198.18.0.23" "$WORK/c2/resolv.conf" 2>/dev/null ||
  { cat "$WORK/c2/resolv.conf"; fail "bob lost his cached DNS server (the group has none)"; }
log "group override: bob got the group's Framed-IP-Address $v2"

! grep -q "kg-radius-key\|cisco" "$WORK/keygated-$NSA.log" || fail "a secret in the log"
log "PASS"
