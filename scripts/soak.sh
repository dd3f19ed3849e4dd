#!/usr/bin/env bash
# make soak, part 2: a long run of two keygated (examples/site-a.cfg,
# site-b.cfg) in network namespaces, on the AddressSanitizer/LeakSanitizer
# build, looking for what only time shows: memory or descriptors that grow,
# SAs that pile up, traffic that stops during rekeys. (Part 1, setups and
# teardowns through the load generator, is scripts/soak_churn.sh.)
#
#   SOAK_SECONDS=N   how long (default 1800)
#   SOAK_SAMPLE=N    seconds between samples (default 30)
#   SOAK_CYCLE=N     seconds between tunnel teardowns (default 0: none)
#   SOAK_MAX_GAP=S   the largest ping gap allowed without teardowns (default 1)
#
# Both sides rekey their CHILD_SA every 8-10 s and their IKE SA every 25-30 s,
# with PFS and DPD (dpd 10 2 periodic); a ping (every 50 ms) runs all the
# time and its largest gap between two replies is recorded: without
# teardowns it must stay within SOAK_MAX_GAP. A TCP transfer goes through at
# every sample; with SOAK_CYCLE, every SOAK_CYCLE seconds one side tears the
# tunnel down (clear crypto session, alternating sides), and it comes back by
# itself (the ping gap is then only reported). Each sample prints both
# daemons' RSS and open file descriptors and their IKE SA and CHILD_SA
# counts. At the end, against the first sample after the warm-up
# (SOAK_SAMPLE * 2 s): RSS within 5%, descriptors within 2, at most 2 IKE SAs
# and 2 CHILD_SA pairs at any sample; then both daemons stop (SIGTERM) and
# LeakSanitizer must report no leak. Not part of make test. Figures in
# build-asan/soak-report.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
SECS=${SOAK_SECONDS:-1800}
SAMPLE=${SOAK_SAMPLE:-30}
CYCLE=${SOAK_CYCLE:-0}
MAX_GAP=${SOAK_MAX_GAP:-1}
export KG_BUILD_DIR=${KG_BUILD_DIR:-$PWD/build-asan}
REPORT=$KG_BUILD_DIR/soak-report.txt
# No quarantine: ASan keeps freed blocks in it (256 MB by default) to catch
# use after free, and while it fills, RSS climbs steadily (+3% in 10 min with
# 8 MB), which would hide real growth. Leaks are still checked at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=0:detect_leaks=1}
# shellcheck source=../tests/integration/lib.sh
. tests/integration/lib.sh
. tests/integration/lib_lifetime.sh
lib_init

extra="crypto ipsec profile default
 set security-association lifetime seconds 10
 set pfs group19
crypto ikev2 profile default
 lifetime 30
 dpd 10 2 periodic"
kg_cfg "$WORK/a.cfg" site-a "$extra"
kg_cfg "$WORK/b.cfg" site-b "$extra"
declare -A PID
start_keygated "$NSA" "$WORK/a.cfg"; PID[$NSA]=$KG_LAST_PID
start_keygated "$NSB" "$WORK/b.cfg"; PID[$NSB]=$KG_LAST_PID
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no IKE SA within 20 s"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
ping_bg "$NSA" 192.0.2.1 192.0.2.129 "$SECS" "$WORK/ping.out"

rss() { awk '$1 == "VmRSS:" {print $2}' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
child_pairs() {
  kg "$1" "show crypto ipsec sa" 2>/dev/null |
    awk '/inbound esp sas:/ {i = 1; next} /outbound esp sas:/ {i = 0} i && /spi:/ {n++} END {print n + 0}'
}
ike_sas() { kg "$1" "show crypto ikev2 sa" 2>/dev/null | grep -c -E 'READY|IN-NEG|DELETE'; }
sample() {
  local n line
  line=$(printf '%5ds' "$1")
  for n in "$NSA" "$NSB"; do
    line+=$(printf '  | %7s kB %3s fds  IKE %s CHILD %s' "$(rss "${PID[$n]}")" "$(fds "${PID[$n]}")" \
      "$(ike_sas "$n")" "$(child_pairs "$n")")
  done
  echo "$line"
}
{
  echo "soak: $SECS s, sample every $SAMPLE s, teardown every ${CYCLE:-0} s (0: none), $(date -u +%FT%TZ)"
  echo "  time  |   site-a: RSS, fds, IKE SAs, CHILD_SA pairs      |   site-b"
} | tee "$REPORT"
start=$(date +%s); next_sample=$start; next_cycle=$((start + CYCLE)); cycles=0; transfers=0; bad=0
[ "$CYCLE" -gt 0 ] || next_cycle=$((start + SECS + 1))
declare -a rss_a rss_b fd_a fd_b
while [ "$(date +%s)" -lt $((start + SECS)) ]; do
  now=$(date +%s)
  if [ "$now" -ge "$next_cycle" ]; then
    side=$([ $((cycles % 2)) = 0 ] && echo "$NSA" || echo "$NSB")
    kg "$side" "clear crypto session" >/dev/null || log "clear crypto session failed in $side"
    cycles=$((cycles + 1)); next_cycle=$((now + CYCLE))
  fi
  if [ "$now" -ge "$next_sample" ]; then
    if tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 1M >/dev/null 2>&1; then transfers=$((transfers + 1)); fi
    line=$(sample $((now - start))); echo "$line" | tee -a "$REPORT"
    rss_a+=("$(rss "${PID[$NSA]}")"); rss_b+=("$(rss "${PID[$NSB]}")")
    fd_a+=("$(fds "${PID[$NSA]}")"); fd_b+=("$(fds "${PID[$NSB]}")")
    for n in "$NSA" "$NSB"; do
      [ "$(ike_sas "$n")" -le 2 ] && [ "$(child_pairs "$n")" -le 2 ] ||
        { kg "$n" "show crypto ikev2 sa"; log "SA pile-up in $n"; bad=1; }
    done
    next_sample=$((now + SAMPLE))
  fi
  sleep 1
done
wait "$PING_PID"
gap=$(ping_gap "$WORK/ping.out")
c_a=$(kg_stat "$NSA" "CHILD_SA:"); i_a=$(kg_stat "$NSA" "Rekeys: IKE SA:")
c_b=$(kg_stat "$NSB" "CHILD_SA:"); i_b=$(kg_stat "$NSB" "Rekeys: IKE SA:")
{
  echo "teardowns $cycles, TCP transfers $transfers/${#rss_a[@]}, ping: $gap"
  echo "rekeys: site-a CHILD_SA ${c_a:-0} IKE SA ${i_a:-0}; site-b CHILD_SA ${c_b:-0} IKE SA ${i_b:-0}"
} | tee -a "$REPORT"
kg "$NSA" "show crypto ikev2 stats" >>"$REPORT" 2>&1
if [ "$CYCLE" -le 0 ]; then
  max_gap=$(awk '{print $6}' <<<"$gap")
  if awk -v g="$max_gap" -v l="$MAX_GAP" 'BEGIN { exit !(g != "" && g <= l) }'; then
    echo "largest ping gap $max_gap s (limit $MAX_GAP s)" | tee -a "$REPORT"
  else
    echo "largest ping gap $max_gap s: over the limit of $MAX_GAP s" | tee -a "$REPORT"; bad=1
  fi
fi

# Flat after the warm-up: the second sample against the last.
check() {  # NAME BASE LAST LIMIT_PERCENT SLACK
  local lim=$(( $2 + $2 * $4 / 100 + $5 ))
  printf '%s: after warm-up %s, at the end %s (limit %s)\n' "$1" "$2" "$3" "$lim" | tee -a "$REPORT"
  [ "$3" -le "$lim" ] || { log "$1 grew"; bad=1; }
}
n=${#rss_a[@]}
[ "$n" -ge 3 ] || fail "too few samples ($n): SOAK_SECONDS must be at least 3 x SOAK_SAMPLE"
check "site-a RSS kB" "${rss_a[1]}" "${rss_a[-1]}" 5 0
check "site-b RSS kB" "${rss_b[1]}" "${rss_b[-1]}" 5 0
check "site-a fds" "${fd_a[1]}" "${fd_a[-1]}" 0 2
check "site-b fds" "${fd_b[1]}" "${fd_b[-1]}" 0 2
[ "$transfers" -ge $((n - 2)) ] || { log "TCP transfers failed: $transfers of $n"; bad=1; }

# LeakSanitizer runs when the daemons exit.
for n in "$NSA" "$NSB"; do kill -TERM "${PID[$n]}"; done
for n in "$NSA" "$NSB"; do
  for _ in $(seq 50); do kill -0 "${PID[$n]}" 2>/dev/null || break; sleep 0.2; done
  wait "${PID[$n]}" 2>/dev/null; rc=$?
  if grep -q -E "LeakSanitizer|AddressSanitizer" "$WORK/keygated-$n.log"; then
    grep -A20 -E "LeakSanitizer|AddressSanitizer" "$WORK/keygated-$n.log" | head -40
    log "$n: sanitizer report at exit"; bad=1
  else
    echo "keygated in ${n}: exit $rc, no LeakSanitizer report" | tee -a "$REPORT"
  fi
done
[ "$bad" = 0 ] || fail "soak found a problem (report in $REPORT)"
log "PASS (report in $REPORT)"
