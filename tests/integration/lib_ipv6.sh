# Helpers for the IPv6 tests: source after lib.sh and lib_init.

# ipv6_outer: 2001:db8:100::1/64 (NSA) and ::2/64 (NSB) on eth0, without
# duplicate address detection (a tentative address cannot send for ~2 s).
ipv6_outer() {
  ip -n "$NSA" addr add 2001:db8:100::1/64 dev eth0 nodad || fail "ipv6 address in $NSA"
  ip -n "$NSB" addr add 2001:db8:100::2/64 dev eth0 nodad || fail "ipv6 address in $NSB"
  wait_for "ip netns exec $NSA ping -6 -n -c1 -W1 2001:db8:100::2" 10 || fail "no IPv6 between the namespaces"
}

# ipv6_wire_check PCAP: IKE and ESP travelled over IPv6 only, well formed.
# Two tshark passes: one line per IKE/ESP frame with its IP versions, UDP
# port and IPv6 next header, then malformed frames/expert errors. Sets N6_IKE,
# N6_ESP, N6_ESP50 (ESP as IPv6 next header 50) and N4 (IPv4 IKE/ESP: 0).
ipv6_wire_check() {
  local f=$1 bad
  tshark -r "$f" -T fields -E occurrence=f -e ip.version -e ipv6.version -e isakmp.exchangetype -e esp.spi \
    -e ipv6.nxt -Y 'isakmp || esp' 2>/dev/null >"$WORK/v6frames.txt"
  N6_IKE=$(awk -F'\t' '$2 == 6 && $3 != ""' "$WORK/v6frames.txt" | wc -l)
  N6_ESP=$(awk -F'\t' '$2 == 6 && $4 != ""' "$WORK/v6frames.txt" | wc -l)
  N6_ESP50=$(awk -F'\t' '$2 == 6 && $4 != "" && $5 == 50' "$WORK/v6frames.txt" | wc -l)
  N4=$(awk -F'\t' '$1 == 4' "$WORK/v6frames.txt" | wc -l)
  bad=$(tshark -r "$f" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)
  log "tshark: IPv6 IKE=$N6_IKE IPv6 ESP=$N6_ESP (next header 50: $N6_ESP50) IPv4 IKE/ESP=$N4 malformed/errors=$bad"
  [ "$N6_IKE" -ge 4 ] || fail "too few IKE frames over IPv6 ($N6_IKE)"
  [ "$N6_ESP" -ge 10 ] || fail "too few ESP frames over IPv6 ($N6_ESP)"
  [ "$N4" -eq 0 ] || fail "$N4 IKE/ESP frames over IPv4"
  [ "$bad" -eq 0 ] || fail "tshark: $bad malformed frames"
}
