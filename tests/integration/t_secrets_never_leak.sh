#!/bin/bash
# Secrets never appear in clear (issue 21): two keygated with known canary
# secrets (the PSK, a user's password, the enable secret), every debug on and
# -v logging, a tunnel up and re-keyed by clear crypto session, write memory.
# Then every log, every show command's output and every file of both state
# directories is searched for the canaries; none may be there. keygated also
# runs with core dumps off (no key in a core file).
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
PSK=Kg-Leak-Psk-7f3a9c
USERPW=Kg-Leak-User-51c0de
ENABLEPW=Kg-Leak-Enable-e4b2
for s in a b; do
  { sed "s/pre-shared-key cisco123/pre-shared-key $PSK/" "$KG_SOURCE_DIR/examples/site-$s.cfg"
    echo "username operator privilege 15 secret $USERPW"
    echo "enable secret $ENABLEPW"; } >"$WORK/site-$s.cfg"
done
grep -q "$PSK" "$WORK/site-a.cfg" || fail "canary PSK not in the test config"
KG_DEBUG=1 start_keygated "$NSA" "$WORK/site-a.cfg"
pid_a=$KG_LAST_PID
for c in "debug crypto ikev2 packet" "debug crypto ikev2 internal" "debug crypto ikev2" "debug crypto ipsec"; do
  kg "$NSA" "$c" >/dev/null || fail "$c"
done
KG_DEBUG=1 start_keygated "$NSB" "$WORK/site-b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no IKE SA"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 2 || fail "ping"
kg "$NSA" "clear crypto session" >/dev/null
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no IKE SA after clear"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 2 || fail "ping after clear"
log "tunnel up, cleared and up again with every debug on"

out=$WORK/show.txt
: >"$out"
for n in "$NSA" "$NSB"; do
  kg "$n" "write memory" >>"$out" || fail "write memory"
  for c in "show running-config" "show running-config all" "show startup-config" \
           "show crypto ikev2 sa detailed" "show crypto ikev2 session detailed" "show crypto ipsec sa" \
           "show crypto ikev2 profile" "show crypto ikev2 stats" "show logging" "show debugging" \
           "show running-config | json" "show crypto ikev2 sa detailed | json" "show crypto ipsec sa | json"; do
    echo "== $n: $c" >>"$out"
    kg "$n" "$c" >>"$out" 2>&1
  done
done
grep -q "IKEv2:" "$WORK/keygated-$NSA.log" || fail "no debug lines in the log: the search would prove nothing"
grep -q "pre-shared-key" "$out" || fail "no keyring in the show output: the search would prove nothing"

leaks=0
for secret in "$PSK" "$USERPW" "$ENABLEPW" "$(printf %s "$PSK" | od -An -tx1 | tr -d ' \n')"; do
  if grep -a -r -l -F -- "$secret" "$WORK"/keygated-*.log "$out" "$WORK"/kg-*/state 2>/dev/null; then
    log "a secret is in clear in the file(s) above"
    leaks=1
  fi
done
[ $leaks = 0 ] || fail "secrets leaked"
log "no secret in the logs, the show output or the state directories"

grep -q "^Max core file size *0 *0" "/proc/$pid_a/limits" || { grep core "/proc/$pid_a/limits"; fail "core dumps are on"; }
log "core dumps off"
log "PASS"
