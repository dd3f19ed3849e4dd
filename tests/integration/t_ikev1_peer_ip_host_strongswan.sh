#!/bin/bash
# crypto isakmp peer fqdn NAME whose name is in keygate's static host table
# (`ip host NAME A...`), against strongSwan 5.9.8 as Aggressive Mode
# responder. IOS consults `ip host` before DNS: no /etc/hosts entry and no
# resolver exist for the name in keygated's namespace (its own /etc/hosts
# and a resolv.conf that refuses at once, /etc/netns/NS/, made and removed
# here), yet
#  1. write-back: the ip host line with both addresses, the fqdn entry;
#  2. the first packet into crypto map CMAP starts Aggressive Mode at once
#     (no lookup to wait for) to the entry's first address, with the fqdn
#     entry's client-endpoint and password; pings both ways;
#  3. keygated logs that the name resolves through ip host, never that it
#     waits for a lookup or that the name does not resolve.
# tshark: Aggressive Mode, no Main Mode, nothing malformed.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
HOSTS_DIR=/etc/netns/$NSA
trap 'rc=$?; rm -rf "$HOSTS_DIR"; (exit $rc); lib_cleanup' EXIT
mkdir -p "$HOSTS_DIR" && printf '127.0.0.1 localhost\n' >"$HOSTS_DIR/hosts" &&
  printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$HOSTS_DIR/resolv.conf" || fail "cannot write $HOSTS_DIR"
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
PSK=ip-host-peer-password-4c1d
NAME=hub-b.example.net
# The second address answers nothing: IOS tries the first one first.
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
ip host $NAME 198.51.100.2 198.51.100.9
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
!
crypto isakmp peer fqdn $NAME
 description site B hub
 set aggressive-mode password $PSK
 set aggressive-mode client-endpoint user-fqdn site-a@example.net
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
SW=$WORK/swb
SW_AGGRESSIVE=yes SW_REMOTE_ID=site-a@example.net sw_ikev1_psk "$SW" "$PSK" 192.0.2.128/25 192.0.2.0/25
SW_CHARON_EXTRA="i_dont_care_about_security_and_use_aggressive_mode_psk = yes" start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
KGLOG=$WORK/keygated-$NSA.log
# The namespace really cannot resolve the name.
ip netns exec "$NSA" getent ahostsv4 "$NAME" && fail "$NAME resolves in $NSA without ip host"

# 1. Write-back.
kg "$NSA" "show running-config" >"$WORK/rc.txt"
grep -qx "ip host $NAME 198.51.100.2 198.51.100.9" "$WORK/rc.txt" && grep -qx "crypto isakmp peer fqdn $NAME" "$WORK/rc.txt" ||
  { cat "$WORK/rc.txt"; fail "running-config lacks the ip host line or the fqdn entry"; }

# 2. The first packet starts Aggressive Mode to the table's first address.
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
t0=$(date +%s)
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 ||
  { swanctl_ "$SW" --list-sas; tail -20 "$KGLOG"; tail -20 "$SW/charon.log"; fail "no tunnel to the ip host address"; }
log "tunnel up $(( $(date +%s) - t0 )) s after the first packet"
grep -q "198.51.100.1.* is initiating a Aggressive Mode" "$SW/charon.log" || fail "strongSwan did not see an Aggressive Mode"
swanctl_ "$SW" --list-sas >"$WORK/sas.txt"
grep -q "IKEv1" "$WORK/sas.txt" && grep -q "remote 'site-a@example.net' @ 198.51.100.1" "$WORK/sas.txt" ||
  { cat "$WORK/sas.txt"; fail "strongSwan's SA is not IKEv1 with the fqdn entry's client-endpoint"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"

# 3. The log: ip host, no lookup.
grep -q "crypto isakmp peer fqdn $NAME resolves to 198.51.100.2 (ip host)" "$KGLOG" ||
  { tail -20 "$KGLOG"; fail "no 'resolves to ... (ip host)' line"; }
grep -q "waits for a crypto isakmp peer fqdn lookup" "$KGLOG" && fail "the initiation waited for a lookup"
grep -q "does not resolve" "$KGLOG" && fail "keygated looked the name up"
grep -q "$PSK" "$KGLOG" && fail "the password is in keygated's log"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
[ "$N_AM" -ge 3 ] && [ "$N_QM" -ge 3 ] || fail "tshark: $N_AM Aggressive Mode and $N_QM Quick Mode frames"
[ "$N_MM" -eq 0 ] || fail "tshark: $N_MM Main Mode frames"
grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
log "PASS"
