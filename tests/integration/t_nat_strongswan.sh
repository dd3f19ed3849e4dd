#!/bin/bash
# keygated (site-a) behind an nftables masquerade NAT initiates to strongSwan
# (site-b) on the public side: keygate detects the NAT in front of itself,
# floats IKE to UDP 4500, sends ESP in UDP and NAT keepalives while idle
# (crypto ikev2 nat keepalive 5); ping and TCP pass both ways.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_paths.sh"
lib_init
nat_topology
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
sed -i -e 's/local_addrs = 198.51.100.2/local_addrs = 198.18.1.2/' -e 's/remote_addrs = 198.51.100.1/remote_addrs = %any/' \
  "$SW/swanctl.conf"
start_charon "$NSB" "$SW"
site_a_behind_nat "$WORK/a.cfg" "crypto ikev2 nat keepalive 5"
capture_start "$NSR" eth1 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel through the NAT did not come up"
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "NAT-T is detected inside" || fail "keygate: NAT not detected inside"
swanctl_ "$SW" --list-sas | grep -q "$NAT_PUB\[[0-9]*\]" || { swanctl_ "$SW" --list-sas; fail "strongSwan does not see the NAT's address"; }
kg "$NSA" "show crypto ipsec sa" | grep -q "in use settings ={Tunnel UDP-Encaps, }" || fail "SA not UDP-encapsulated"
log "tunnel up through the NAT, NAT detected inside"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping keygate->strongSwan"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping keygate->strongSwan"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping strongSwan->keygate"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 2M || fail "TCP keygate->strongSwan"
tcp_transfer "$NSA" 192.0.2.1 "$NSB" 192.0.2.129 2M || fail "TCP strongSwan->keygate"
ka0=$(kg_stat "$NSA" 'NAT keepalives in: *[0-9]* *out:')
wait_for "[ \"\$(kg_stat $NSA 'NAT keepalives in: *[0-9]* *out:')\" -gt $ka0 ]" 12 ||
  { kg "$NSA" "show crypto ikev2 stats"; fail "keygate sent no NAT keepalive while idle"; }
ping_ok "$NSB" 192.0.2.129 192.0.2.1 2 || fail "ping strongSwan->keygate after the idle time"
capture_stop
tshark -r "$WORK/cap.pcapng" -T fields -e ip.src -e udp.srcport -e udp.dstport -e udp.length -e isakmp.exchangetype \
  -Y udp 2>/dev/null >"$WORK/frames.txt"
n_auth4500=$(awk '$5 == 35 && ($2 == 4500 || $3 == 4500)' "$WORK/frames.txt" | wc -l)
n_ka=$(awk -v nat="$NAT_PUB" '$1 == nat && $3 == 4500 && $4 == 9' "$WORK/frames.txt" | wc -l)
log "tshark (public side): IKE_AUTH on 4500: $n_auth4500, keepalives from keygate's NAT: $n_ka"
[ "$n_auth4500" -ge 2 ] || fail "IKE_AUTH did not float to 4500"
[ "$n_ka" -ge 1 ] || fail "no NAT keepalive from keygate on the wire"
log "PASS"
