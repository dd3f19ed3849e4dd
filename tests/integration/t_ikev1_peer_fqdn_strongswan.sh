#!/bin/bash
# crypto isakmp peer fqdn NAME (seed 001's {ip-address A | fqdn NAME} form)
# against strongSwan 5.9.8 as Aggressive Mode responder. keygated's
# namespace has its own /etc/hosts and resolv.conf (/etc/netns/NS/, which
# `ip netns exec` bind-mounts over /etc; made and removed here):
#  1. write-back: the fqdn entry, its description, the password sealed;
#  2. the name is not in hosts yet: the first packet into crypto map CMAP
#     waits for the lookup, then keygated logs that the name does not
#     resolve, keeps running and sends no phase 1 (no other key for the peer);
#  3. the name added to hosts: within the 10 s retry the next packet starts
#     Aggressive Mode to the address it resolves to, with the entry's
#     client-endpoint and password; pings both ways;
#  4. `... vrf NAME` is refused at the marker (keygate has no VRFs).
# tshark: Aggressive Mode, no Main Mode, nothing malformed.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
HOSTS_DIR=/etc/netns/$NSA
trap 'rc=$?; rm -rf "$HOSTS_DIR"; (exit $rc); lib_cleanup' EXIT
# A private resolv.conf too: DNS refused at once inside the namespace,
# whatever the machine's resolver is.
mkdir -p "$HOSTS_DIR" && printf '127.0.0.1 localhost\n' >"$HOSTS_DIR/hosts" &&
  printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$HOSTS_DIR/resolv.conf" || fail "cannot write $HOSTS_DIR"
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
PSK=fqdn-peer-password-9b3e
NAME=hub-b.example.net
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
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
KGPID=$KG_LAST_PID
KGLOG=$WORK/keygated-$NSA.log
# 1. Write-back.
kg "$NSA" "show running-config" >"$WORK/rc.txt"
grep -qx "crypto isakmp peer fqdn $NAME" "$WORK/rc.txt" && grep -qx " description site B hub" "$WORK/rc.txt" &&
  grep -q "^ set aggressive-mode password 6 " "$WORK/rc.txt" ||
  { cat "$WORK/rc.txt"; fail "running-config lacks the crypto isakmp peer fqdn entry"; }
grep -q "$PSK" "$WORK/rc.txt" && fail "the aggressive-mode password appears in clear"

# 2. The name does not resolve yet.
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
ip netns exec "$NSA" ping -c 2 -i 0.5 -W 1 -I 192.0.2.1 192.0.2.129 >/dev/null 2>&1 && fail "traffic passed with no peer"
wait_for "grep -q 'crypto isakmp peer fqdn $NAME does not resolve; asking again in 10 s' '$KGLOG'" 10 ||
  { tail -20 "$KGLOG"; fail "no log line for the unresolvable name"; }
grep -q "waits for a crypto isakmp peer fqdn lookup" "$KGLOG" || fail "the first initiation did not wait for the lookup"
kill -0 "$KGPID" || fail "keygated died on an unresolvable name"
sw_no_sa "$SW" || fail "an SA although the name does not resolve"
log "unresolvable: $(grep -o 'crypto isakmp peer fqdn .*does not resolve.*' "$KGLOG" | head -1)"

# 3. The name resolves: the next lookup (10 s on) finds it.
printf '198.51.100.2 %s\n' "$NAME" >>"$HOSTS_DIR/hosts"
t0=$(date +%s)
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 30 ||
  { swanctl_ "$SW" --list-sas; tail -20 "$KGLOG"; tail -20 "$SW/charon.log"; fail "no traffic once the name resolves"; }
log "tunnel up $(( $(date +%s) - t0 )) s after the name was added"
grep -q "crypto isakmp peer fqdn $NAME resolves to 198.51.100.2" "$KGLOG" || fail "no 'resolves to' line"
grep -q "198.51.100.1.* is initiating a Aggressive Mode" "$SW/charon.log" || fail "strongSwan did not see an Aggressive Mode"
swanctl_ "$SW" --list-sas >"$WORK/sas.txt"
grep -q "IKEv1" "$WORK/sas.txt" && grep -q "remote 'site-a@example.net' @ 198.51.100.1" "$WORK/sas.txt" ||
  { cat "$WORK/sas.txt"; fail "strongSwan's SA is not IKEv1 with the fqdn entry's client-endpoint"; }
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
grep -q "$PSK" "$KGLOG" && fail "the password is in keygated's log"

# 4. No VRFs: the marker, nothing changes.
out=$(kg "$NSA" $'configure terminal\ncrypto isakmp peer address 198.51.100.9 vrf RED\nend' 2>&1)
echo "$out" | grep -q "% Invalid input detected at '^' marker." || { echo "$out"; fail "vrf not refused at the marker"; }
kg "$NSA" "show running-config" | grep -q "198.51.100.9" && fail "the vrf line changed the configuration"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
[ "$N_AM" -ge 3 ] && [ "$N_QM" -ge 3 ] || fail "tshark: $N_AM Aggressive Mode and $N_QM Quick Mode frames"
[ "$N_MM" -eq 0 ] || fail "tshark: $N_MM Main Mode frames"
grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
log "PASS"
