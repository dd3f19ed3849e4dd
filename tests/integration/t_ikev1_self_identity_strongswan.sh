#!/bin/bash
# self-identity in a crypto isakmp profile (IOS: the identity the profile's
# ISAKMP SAs send, over crypto isakmp identity) against strongSwan 5.9.8,
# whose connection accepts keygated only as user-fqdn site-a@example.net
# (remote id), through a seed 001 crypto map with `set isakmp-profile P`:
#  1. write-back; show crypto isakmp profile;
#  2. Main Mode, keygated initiating (ping): IDii is P's self-identity;
#  3. Main Mode, strongSwan initiating: keygated matches P by strongSwan's
#     address identity and answers with P's self-identity as IDir;
#  4. Aggressive Mode, strongSwan initiating (keygated responds on message
#     1's identity, before it is proven);
#  5. Aggressive Mode, keygated initiating (P's `initiate mode aggressive`).
# Without the profile's identity strongSwan refuses every one (IDir/IDii
# 198.51.100.1 does not match). tshark: nothing malformed.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
PSK=self-id-key-71c2
ID=site-a@example.net
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
SW_REMOTE_ID=$ID SW_CHARON_EXTRA="i_dont_care_about_security_and_use_aggressive_mode_psk = yes" \
  ikev1_two_sites "$PSK" "crypto isakmp identity hostname
crypto isakmp profile P
 match identity address 198.51.100.2 255.255.255.255
 self-identity user-fqdn $ID
crypto map CMAP 10 ipsec-isakmp
 set isakmp-profile P"
KGLOG=$WORK/keygated-$NSA.log
# 1. Write-back.
kg "$NSA" "show running-config" >"$WORK/run.txt"
grep -qx "   self-identity user-fqdn $ID" "$WORK/run.txt" || { cat "$WORK/run.txt"; fail "running-config: self-identity"; }
kg "$NSA" "show crypto isakmp profile" | grep -q "Self identity: user-fqdn $ID" || fail "show crypto isakmp profile"

# sw_remote_is MODE: strongSwan's SA is IKEv1 with keygated as $ID.
sw_remote_is() {
  swanctl_ "$SW" --list-sas >"$WORK/sas-$1.txt"
  grep -q "IKEv1" "$WORK/sas-$1.txt" && grep -q "remote '$ID' @ 198.51.100.1" "$WORK/sas-$1.txt" ||
    { cat "$WORK/sas-$1.txt"; tail -20 "$SW/charon.log"; fail "$1: strongSwan does not see keygated as '$ID'"; }
  log "$1: strongSwan sees keygated as '$ID'"
}
clear_both() {
  kg "$NSA" "clear crypto isakmp" || fail "clear crypto isakmp"
  wait_for "sw_no_sa '$SW'" 10 || { swanctl_ "$SW" --list-sas; fail "strongSwan kept its SAs after clear crypto isakmp"; }
  wait_for "! kg '$NSA' 'show crypto isakmp sa' | grep -q 198.51.100.2" 5 || fail "keygated kept its ISAKMP SA"
}

# 2. Main Mode, keygated the initiator (ikev1_two_sites pinged through).
grep -q "198.51.100.1.* is initiating a Main Mode" "$SW/charon.log" || fail "keygated did not initiate Main Mode"
sw_remote_is "Main Mode, keygated initiating"

# 3. Main Mode, strongSwan the initiator.
clear_both
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan's Main Mode to keygated"; }
sw_remote_is "Main Mode, keygated responding"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 2 || fail "ping strongSwan->keygate (Main Mode, keygated responding)"

# 4. Aggressive Mode, strongSwan the initiator.
clear_both
SW_AGGRESSIVE=yes SW_REMOTE_ID=$ID sw_ikev1_psk "$SW" "$PSK" 192.0.2.128/25 192.0.2.0/25
swanctl_ "$SW" --load-all --file "$SW/swanctl.conf" >"$SW/load2.out" 2>&1 || { cat "$SW/load2.out"; fail "swanctl --load-all (aggressive)"; }
sw_initiate "$SW" kg || { cat "$SW/initiate.out"; fail "strongSwan's Aggressive Mode to keygated"; }
grep -q "initiating Aggressive Mode IKE_SA" "$SW/charon.log" || fail "strongSwan did not use Aggressive Mode"
sw_remote_is "Aggressive Mode, keygated responding"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 2 || fail "ping strongSwan->keygate (Aggressive Mode, keygated responding)"

# 5. Aggressive Mode, keygated the initiator.
clear_both
kg "$NSA" $'configure terminal\ncrypto isakmp profile P\ninitiate mode aggressive\nend' >/dev/null || fail "initiate mode aggressive"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 || { tail -20 "$KGLOG"; fail "no traffic after keygated's Aggressive Mode"; }
grep -q "198.51.100.1.* is initiating a Aggressive Mode" "$SW/charon.log" || fail "keygated did not initiate Aggressive Mode"
sw_remote_is "Aggressive Mode, keygated initiating"
capture_stop

tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed frames"
[ "$N_MM" -ge 12 ] && [ "$N_AM" -ge 6 ] || fail "tshark: $N_MM Main Mode and $N_AM Aggressive Mode frames"
grep -q "AddressSanitizer" "$KGLOG" && { grep -A5 "AddressSanitizer" "$KGLOG" | head; fail "ASan in keygated's log"; }
log "PASS"
