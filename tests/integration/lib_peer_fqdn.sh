# A keygated (NSA) whose crypto map peer is `crypto isakmp peer fqdn NAME`
# (seed 001), against strongSwan 5.9.8 (NSB) as Aggressive Mode responder,
# for t_ikev1_peer_fqdn_strongswan and t_ikev1_peer_ip_host_strongswan:
#   peer_fqdn_start PSK [LINES]   keygated's namespace gets its own /etc/hosts
#                                 (localhost only) and a resolv.conf that
#                                 refuses at once (/etc/netns/NSA/, removed on
#                                 exit); LINES go before the fqdn entry; starts
#                                 strongSwan, the capture and keygated (KGPID,
#                                 KGLOG, SW, NAME, HOSTS_DIR)
#   peer_fqdn_tunnel_up WHAT      the first packet into crypto map CMAP, then
#                                 pings both ways over an IKEv1 Aggressive
#                                 Mode SA with the entry's client-endpoint
#   peer_fqdn_finish              tshark: Aggressive and Quick Mode, no Main
#                                 Mode, nothing malformed; no ASan report
NAME=hub-b.example.net
peer_fqdn_start() {
  local psk=$1 lines=${2:-}
  HOSTS_DIR=/etc/netns/$NSA
  trap 'rc=$?; rm -rf "$HOSTS_DIR"; (exit $rc); lib_cleanup' EXIT
  mkdir -p "$HOSTS_DIR" && printf '127.0.0.1 localhost\n' >"$HOSTS_DIR/hosts" &&
    printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' >"$HOSTS_DIR/resolv.conf" ||
    fail "cannot write $HOSTS_DIR"
  ip -n "$NSB" addr add 192.0.2.129/25 dev lo
  cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
!
${lines}crypto isakmp peer fqdn $NAME
 description site B hub
 set aggressive-mode password $psk
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
  SW_AGGRESSIVE=yes SW_REMOTE_ID=site-a@example.net sw_ikev1_psk "$SW" "$psk" 192.0.2.128/25 192.0.2.0/25
  SW_CHARON_EXTRA="i_dont_care_about_security_and_use_aggressive_mode_psk = yes" start_charon "$NSB" "$SW"
  capture_start "$NSA" eth0 "$WORK/cap.pcapng"
  start_keygated "$NSA" "$WORK/site-a.cfg"
  KGPID=$KG_LAST_PID
  KGLOG=$WORK/keygated-$NSA.log
}
peer_fqdn_tunnel_up() {
  local t0
  t0=$(date +%s)
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 30 ||
    { swanctl_ "$SW" --list-sas; tail -20 "$KGLOG"; tail -20 "$SW/charon.log"; fail "no tunnel $1"; }
  log "tunnel up $(( $(date +%s) - t0 )) s $1"
  grep -q "198.51.100.1.* is initiating a Aggressive Mode" "$SW/charon.log" || fail "strongSwan did not see an Aggressive Mode"
  swanctl_ "$SW" --list-sas >"$WORK/sas.txt"
  grep -q "IKEv1" "$WORK/sas.txt" && grep -q "remote 'site-a@example.net' @ 198.51.100.1" "$WORK/sas.txt" ||
    { cat "$WORK/sas.txt"; fail "strongSwan's SA is not IKEv1 with the fqdn entry's client-endpoint"; }
  ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
  ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
}
peer_fqdn_finish() {
  capture_stop
  tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
  [ "$N_AM" -ge 3 ] && [ "$N_QM" -ge 3 ] || fail "tshark: $N_AM Aggressive Mode and $N_QM Quick Mode frames"
  [ "$N_MM" -eq 0 ] || fail "tshark: $N_MM Main Mode frames"
  grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
  log "PASS"
}
