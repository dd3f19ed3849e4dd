#!/bin/bash
# crypto logging ezvpn [group NAME] (seed 001) with strongSwan 5.9.8 IKEv1
# Easy VPN clients against examples/ezvpn-server.cfg: with the command, each
# session's coming up and going down is logged as IOS words it
# (%CRYPTO-6-EZVPN_CONNECTION_UP/DOWN: (Server) User= Group=
# Client_public_addr= Server_public_addr= Assigned_client_addr=); without it
# nothing; with `group other` only that group's sessions (not cisco's); the
# XAUTH password never reaches the log.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$(dirname "${BASH_SOURCE[0]}")/lib_ra.sh"
lib_init
ra_switch 2

LOG="$WORK/keygated-$NSA.log"
start_keygated "$NSA" "$KG_SOURCE_DIR/examples/ezvpn-server.cfg"
export SW_INSTALL_VIP=yes SW_LOAD="resolve xauth-generic unity"
sw_ez_client "$WORK/c1" 1 alice alice-pass-3141
sw_ez_client "$WORK/c2" 2 bob bob-pass-2718
for k in 1 2; do start_charon "${RA_NS[$k]}" "$WORK/c$k"; done
ups() { grep -c "%CRYPTO-6-EZVPN_CONNECTION_UP" "$LOG"; }
downs() { grep -c "%CRYPTO-6-EZVPN_CONNECTION_DOWN" "$LOG"; }

# Not configured: sessions come and go without the lines.
sw_initiate "$WORK/c1" ez || { cat "$WORK/c1/initiate.out"; fail "client 1 initiate"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "client 1 not established"
swanctl_ "$WORK/c1" --terminate --ike ez >/dev/null 2>&1
leased() { kg "$NSA" "show ip local pool fred" | grep -Eq "^ +$1 +"; }  # a lease line, not the range's
wait_for "! leased 198.18.1.10" 10 || { kg "$NSA" "show ip local pool fred"; fail "client 1's address not returned"; }
[ "$(ups)" = 0 ] && [ "$(downs)" = 0 ] || { grep EZVPN "$LOG"; fail "EZVPN lines without crypto logging ezvpn"; }
log "without crypto logging ezvpn: no EZVPN_CONNECTION lines"

# crypto logging ezvpn: both lines, with the XAUTH user, the group, both
# public addresses and the address mode configuration gave.
kg "$NSA" $'configure terminal\ncrypto logging ezvpn\nend' >/dev/null || fail "crypto logging ezvpn"
kg "$NSA" "show running-config" | grep -qx "crypto logging ezvpn" || fail "crypto logging ezvpn not in running-config"
sw_initiate "$WORK/c1" ez || { cat "$WORK/c1/initiate.out"; fail "client 1 initiate (logging)"; }
wait_for "sw_has_sa $WORK/c1" 15 || fail "client 1 not established (logging)"
want="%CRYPTO-6-EZVPN_CONNECTION_UP: (Server) User=alice Group=cisco Client_public_addr=198.51.100.11 Server_public_addr=198.51.100.1 Assigned_client_addr=198.18.1.10"
wait_for "grep -qF '$want' '$LOG'" 10 || { grep -E "EZVPN|SESSION_STATUS" "$LOG"; fail "no line: $want"; }
grep -F "EZVPN_CONNECTION_UP" "$LOG" | tail -1
swanctl_ "$WORK/c1" --terminate --ike ez >/dev/null 2>&1
want="${want/CONNECTION_UP/CONNECTION_DOWN}"
wait_for "grep -qF '$want' '$LOG'" 10 || { grep -E "EZVPN|SESSION_STATUS" "$LOG"; fail "no line: $want"; }
grep -F "EZVPN_CONNECTION_DOWN" "$LOG" | tail -1
log "crypto logging ezvpn: UP and DOWN lines as IOS words them"

# crypto logging ezvpn group other: cisco's sessions are not logged.
kg "$NSA" $'configure terminal\nno crypto logging ezvpn\ncrypto logging ezvpn group other\nend' >/dev/null || fail "group other"
n_up=$(ups)
sw_initiate "$WORK/c2" ez || { cat "$WORK/c2/initiate.out"; fail "client 2 initiate"; }
wait_for "sw_has_sa $WORK/c2" 15 || fail "client 2 not established"
sleep 1
[ "$(ups)" = "$n_up" ] || { grep EZVPN "$LOG"; fail "group cisco logged under crypto logging ezvpn group other"; }
swanctl_ "$WORK/c2" --terminate --ike ez >/dev/null 2>&1
wait_for "! leased '198.18.1.1[01]'" 10 || { kg "$NSA" "show ip local pool fred"; fail "client 2's address not returned"; }

# crypto logging ezvpn group cisco: logged again.
kg "$NSA" $'configure terminal\ncrypto logging ezvpn group cisco\nend' >/dev/null || fail "group cisco"
sw_initiate "$WORK/c2" ez || { cat "$WORK/c2/initiate.out"; fail "client 2 initiate (group cisco)"; }
wait_for "sw_has_sa $WORK/c2" 15 || fail "client 2 not established (group cisco)"
wait_for "grep -q 'EZVPN_CONNECTION_UP: (Server) User=bob Group=cisco Client_public_addr=198.51.100.12 ' '$LOG'" 10 ||
  { grep EZVPN "$LOG"; fail "no UP line for bob under crypto logging ezvpn group cisco"; }
log "crypto logging ezvpn group NAME: only that group's sessions"
grep -qE "alice-pass|bob-pass" "$LOG" && fail "an XAUTH password is in the log"
log "PASS"
