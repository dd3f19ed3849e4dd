# Helpers for the rekey, DPD and INITIAL_CONTACT integration tests (source
# after lib.sh).

# kg_cfg FILE BASE EXTRA: FILE = examples/BASE.cfg followed by EXTRA (IOS
# lines re-entering the blocks they change, e.g. "crypto ipsec profile default").
kg_cfg() { { cat "$KG_SOURCE_DIR/examples/$2.cfg"; printf '%s\n' "$3"; } >"$1"; }

# ping_bg NS SRC DST SECONDS FILE: a fast ping (-i 0.05) with timestamps in
# the background; sets PING_PID.
ping_bg() {
  ip netns exec "$1" ping -D -n -i 0.05 -W 1 -w "$4" -I "$2" "$3" >"$5" 2>&1 &
  PING_PID=$!
  LIB_PIDS+=($PING_PID)
}
# ping_gap FILE: prints "replies N lost L max_gap S" (largest time between two
# consecutive replies, in seconds) and fails if fewer than 10 replies came.
ping_gap() {
  awk -F'[][]' '/bytes from/ { t = $2 + 0; if (n) { g = t - last; if (g > max) max = g } last = t; n++ }
       /packets transmitted/ { sent = $0 }
       END { split(sent, w, " "); printf "replies %d lost %d max_gap %.3f\n", n, w[1] - n, max; exit(n < 10) }' "$1"
}
# assert_gap FILE LIMIT_S
assert_gap() {
  local r; r=$(ping_gap "$1") || { tail -5 "$1"; fail "ping: too few replies ($r)"; }
  log "ping during rekeys: $r"
  awk -v l="$2" '{ exit !($6 <= l) }' <<<"$r" || fail "a ping gap longer than $2 s ($r)"
}

# Inbound SPIs keygated in NS shows (show crypto ipsec sa), one per line.
kg_in_spis() {
  kg "$1" "show crypto ipsec sa" 2>/dev/null | awk '/inbound esp sas:/ {i=1; next} i && /spi:/ {print $2; i=0}'
}
# A counter from show crypto ikev2 stats: kg_stat NS "CHILD_SA:" -> number after it.
kg_stat() { kg "$1" "show crypto ikev2 stats" 2>/dev/null | grep -o "$2 *[0-9]*" | head -1 | grep -o '[0-9]*$'; }
# strongSwan's installed CHILD_SAs / established IKE SAs.
sw_child_count() { swanctl_ "$1" --list-sas 2>/dev/null | grep -c 'INSTALLED'; }
sw_ike_count() { swanctl_ "$1" --list-sas 2>/dev/null | grep -c 'ESTABLISHED'; }
# The CHILD_SA SPIs strongSwan lists ("in  c1234567," / "out c7654321,").
sw_spis() { swanctl_ "$1" --list-sas 2>/dev/null | grep -oE '(in|out) +[0-9a-f]{8}' | awk '{print $2}' | sort; }

# After the rekeys: exactly one CHILD_SA on each side, with matching SPIs,
# none of them from before (unless BEFORE is empty); one IKE SA on each side.
assert_one_fresh_sa() {
  local k=$1 sw=$2 before=$3 now kgs sws
  wait_for "[ \$(sw_child_count $sw) -eq 1 ] && [ \$(kg_in_spis $k | wc -l) -eq 1 ]" 10 ||
    { kg "$k" "show crypto ipsec sa"; swanctl_ "$sw" --list-sas; fail "old SAs were not removed"; }
  [ "$(kg_ready_count "$k")" -eq 1 ] && [ "$(sw_ike_count "$sw")" -eq 1 ] ||
    { kg "$k" "show crypto ikev2 sa"; swanctl_ "$sw" --list-sas; fail "more than one IKE SA"; }
  now=$(kg_in_spis "$k")
  [ -n "$before" ] && grep -qx "$now" <<<"$before" && fail "show crypto ipsec sa still shows the first SPI $now"
  kgs=$(printf '%08x' "$(( $(sed 's/.*(\([0-9]*\)).*/\1/' <<<"$now") ))")
  sws=$(sw_spis "$sw")
  grep -qx "$kgs" <<<"$sws" || { swanctl_ "$sw" --list-sas; fail "keygate's inbound SPI $kgs is not strongSwan's outbound SPI"; }
  log "one CHILD_SA left on each side, new SPI $now (first: $(echo $before))"
}

# collision_test child|ike: simultaneous rekeys with strongSwan (RFC 7296
# §2.8.1, §2.25). keygated's KIND SA lives 20 s (its rekey comes at 17-18 s,
# 2 s before the hard lifetime), strongSwan's long. When keygated's rekey
# request leaves, nft holds keygated's IKE packets (not its ESP, whose first
# four bytes are a non-zero SPI) while `swanctl --rekey` rekeys the same SA,
# then releases them: both requests are in flight at once. Depending on
# which retransmission arrives first, both peers compare nonces, or the peer
# finishes first and deletes the old SA; either way both must end with one
# SA pair, and a 50 ms ping must see no gap over 1 s.
collision_test() {
  local kind=$1 first ike_first
  ip -n "$NSB" addr add 192.0.2.129/25 dev lo
  SW=$WORK/swb
  SW_CONN_EXTRA="rekey_time = 300s" SW_CHILD_EXTRA="rekey_time = 300s" sw_site_b "$SW"
  start_charon "$NSB" "$SW"
  if [ "$kind" = child ]; then
    kg_cfg "$WORK/a.cfg" site-a "crypto ipsec profile default
 set security-association lifetime seconds 20"
  else
    kg_cfg "$WORK/a.cfg" site-a "crypto ikev2 profile default
 lifetime 20"
  fi
  start_keygated "$NSA" "$WORK/a.cfg"
  wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
  first=$(kg_in_spis "$NSA")
  ike_first=$(kg "$NSA" "show crypto ikev2 sa detailed" | awk '/Local spi:/ {print $3; exit}')
  ping_bg "$NSA" 192.0.2.1 192.0.2.129 22 "$WORK/ping.out"
  ip netns exec "$NSA" nft -f - <<'EON' || fail "nft"
table inet kghold {
  chain out { type filter hook output priority 0;
    udp dport 4500 @th,64,32 == 0 counter drop
  }
}
EON
  wait_for "nft_table $NSA inet kghold | grep -q 'packets [1-9]'" 25 ||
    fail "keygated did not start a $kind rekey"
  swanctl_ "$SW" --rekey --"$kind" kg >"$SW/rekey.out" 2>&1 &
  sleep 0.2
  ip netns exec "$NSA" nft delete table inet kghold
  log "held keygated's $kind rekey while strongSwan rekeyed the same SA"
  if [ "$kind" = child ]; then
    wait_for "[ \$(sw_child_count $SW) -eq 1 ] && [ \$(kg_in_spis $NSA | wc -l) -eq 1 ] && [ \"\$(kg_in_spis $NSA)\" != \"$first\" ]" 10 ||
      { kg "$NSA" "show crypto ipsec sa"; swanctl_ "$SW" --list-sas; fail "CHILD_SA collision not resolved"; }
  else
    wait_for "[ \$(sw_ike_count $SW) -eq 1 ] && [ \$(kg_ready_count $NSA) -eq 1 ] && [ \$(kg_stat $NSA 'Rekeys: IKE SA:') -ge 1 ]" 10 ||
      { kg "$NSA" "show crypto ikev2 sa"; swanctl_ "$SW" --list-sas; fail "IKE SA collision not resolved"; }
  fi
  wait "$PING_PID"
  assert_gap "$WORK/ping.out" 1.0
  log "keygate: CHILD_SA rekeys $(kg_stat "$NSA" "CHILD_SA:"), IKE SA rekeys $(kg_stat "$NSA" "Rekeys: IKE SA:"), collisions $(kg_stat "$NSA" "collisions:")"
  grep -hE "simultaneous|TEMPORARY_FAILURE|CHILD_SA_NOT_FOUND|refused by|deleted IKE SA" \
    "$WORK/keygated-$NSA.log" | sed 's/^/    /'
  grep -hiE "collision|redundant" "$SW/charon.log" | sed 's/^/    strongSwan: /' | head -6
  # keygated always sees strongSwan's request while its own is held; whether
  # strongSwan also sees keygated's before its answer depends on which
  # retransmission comes first (then both compare nonces; otherwise
  # strongSwan finishes and deletes the old SA, and keygated's request is
  # refused).
  grep -q "while our rekey.* is in flight" "$WORK/keygated-$NSA.log" || fail "keygated saw no simultaneous rekey"
  if [ "$kind" = child ]; then
    assert_one_fresh_sa "$NSA" "$SW" "$first"
  else
    # An IKE SA rekey moves the CHILD_SA as it is; the IKE SA is new.
    assert_one_fresh_sa "$NSA" "$SW" ""
    kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "Local spi: $ike_first" && fail "still the first IKE SA"
    log "IKE SA $ike_first replaced"
  fi
}
