#!/bin/bash
# Easy VPN SA rekeys (seed 001's server, examples/ezvpn-server.cfg) with a
# strongSwan 5.9.8 IKEv1 client (XAUTH, mode configuration) whose lifetimes
# are short: its IPsec SA rekeys every 20 s (Quick Mode on the same ISAKMP
# SA, the old SA deleted at 26 s) and its ISAKMP SA every 45 s (strongSwan
# reauthenticates IKEv1: a new Aggressive Mode, XAUTH and mode
# configuration asking for the same virtual IP, then the IPsec SA moves;
# keygated ends the old ISAKMP SA 5 s later, at its lifetime). At 45 s
# an IPsec SA expires 1 s after the reauthentication, while the old ISAKMP
# SA lives: strongSwan deletes it through either. The periods keep the
# reauthentications and the old SAs' ends away from the IPsec SA rekeys:
# strongSwan 5.9.8 does not rekey an IPsec SA whose rekey falls in the
# moment it reauthenticates (the Quick Mode waits on the ISAKMP SA being
# replaced) and lets it expire, its last one (50 s and 20 s met at 100 s).
# A ping every 0.2 s from the client into the hub's LAN for 120 s: no gap
# between answers over 1 s nor after the last one, the virtual IP
# unchanged, at least 4 IPsec SA rekeys and 2 ISAKMP SA reauthentications
# seen in strongSwan's log, one session left on keygated (show crypto
# session), its pool lease one, and the session never down on keygated
# meanwhile (strongSwan deletes expired IPsec SAs through whichever ISAKMP
# SA holds them then: they are the session's, ikev1/xauth_mode_config.cc).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
lib_init
ra_switch 1
KG_DEBUG=1 start_keygated "$NSA" "$KG_SOURCE_DIR/examples/ezvpn-server.cfg"
export SW_INSTALL_VIP=yes SW_LOAD="resolve xauth-generic unity"
SW_CONN_EXTRA="rekey_time = 45s
    over_time = 5s
    rand_time = 0" SW_CHILD_EXTRA="rekey_time = 20s
        life_time = 26s
        rand_time = 0" sw_ez_client "$WORK/c1" 1 alice alice-pass-3141
start_charon "${RA_NS[1]}" "$WORK/c1"
sw_initiate "$WORK/c1" ez || { cat "$WORK/c1/initiate.out"; fail "client initiate"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "client not established"
vip=$(sw_vip "$WORK/c1")
[ -n "$vip" ] || fail "no virtual IP"
wait_for "ping_ok ${RA_NS[1]} $vip 203.0.113.1 1" 10 || fail "client -> hub LAN"
log "client up with virtual IP $vip"

ip netns exec "${RA_NS[1]}" ping -D -n -i 0.2 -W 1 -w 120 -I "$vip" 203.0.113.1 >"$WORK/ping.txt" 2>&1
sent=$(grep -o '[0-9]* packets transmitted' "$WORK/ping.txt" | grep -o '^[0-9]*')
got=$(grep -o '[0-9]* received' "$WORK/ping.txt" | grep -o '^[0-9]*')
gap=$(grep -o '^\[[0-9.]*\] .*icmp_seq' "$WORK/ping.txt" | tr -d '[]' |
      awk 'NR > 1 {g = $1 - p; if (g > m) {m = g; at = $1}} {p = $1} END {printf "%.2f %d", m, at}')
last=$(grep -o 'icmp_seq=[0-9]*' "$WORK/ping.txt" | tail -1 | grep -o '[0-9]*$')
child_rekeys=$(grep -c "CHILD_SA ez{[0-9]*} established" "$WORK/c1/charon.log")
ike_sas=$(grep -c "IKE_SA ez\[[0-9]*\] established" "$WORK/c1/charon.log")
log "120 s of pings: $got of $sent answered, longest gap ${gap% *} s; strongSwan: $ike_sas ISAKMP SAs, $child_rekeys IPsec SAs established"
grep -E "rekeying|reauthenticat|deleting|established|failed|error" "$WORK/c1/charon.log" | tail -40 >"$WORK/c1-events.txt"
[ "$child_rekeys" -ge 5 ] || { cat "$WORK/c1-events.txt"; fail "fewer IPsec SA rekeys than expected"; }
[ "$ike_sas" -ge 3 ] || { cat "$WORK/c1-events.txt"; fail "fewer ISAKMP SA reauthentications than expected"; }
[ "${last:-0}" -ge $((sent - 5)) ] || { cat "$WORK/c1-events.txt"; tail -40 "$WORK/keygated-$NSA.log"; fail "no answer after ping $last of $sent"; }
downs=$(grep -c "Crypto tunnel is DOWN" "$WORK/keygated-$NSA.log")
[ "$downs" -eq 0 ] || { cat "$WORK/c1-events.txt"; grep -E "SESSION_STATUS|reauthenticates|deleted ISAKMP|IPsec SA with" "$WORK/keygated-$NSA.log" | tail -40; fail "keygated took the session down $downs times"; }
[ "$(echo "${gap% *} <= 1.0" | bc)" = 1 ] || { cat "$WORK/c1-events.txt"; tail -40 "$WORK/keygated-$NSA.log"; fail "a ping gap of ${gap% *} s (at ${gap#* })"; }
[ "$(sw_vip "$WORK/c1")" = "$vip" ] || fail "the virtual IP changed"
n=$(kg "$NSA" "show crypto session" | grep -c "UP-ACTIVE")
[ "$n" -eq 1 ] || { kg "$NSA" "show crypto session"; fail "$n sessions on keygated, not 1"; }
leases=$(kg "$NSA" "show ip local pool fred" | grep -c " alice")
[ "$leases" -eq 1 ] || { kg "$NSA" "show ip local pool fred"; fail "$leases leases for alice"; }
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
