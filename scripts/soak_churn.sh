#!/usr/bin/env bash
# make soak, part 1: setups and teardowns through the load generator. A
# keygated hub (bench/lib.sh kg_hub_conf: PSK, Virtual-Template, one
# Virtual-Access per client) in one namespace, keygate-bench ike --teardown
# in the other: every client sets up its IKE SA and first CHILD_SA and
# deletes it again at once (up to SOAK_CHURN_WINDOW in flight).
#
#   SOAK_CHURN_COUNT=N   setups and teardowns after the warm-up (default 10000)
#   SOAK_CHURN_WARMUP=N  the warm-up round, before the baseline (default 500)
#
# The baseline is the hub's RSS and open descriptors after the warm-up (its
# allocator's arenas, the engine's tables and the Virtual-Access numbering
# have then grown to their working size). After the main round the hub must
# hold no IKE SA, CHILD_SA or Virtual-Access, its RSS must be back within 5%
# of the baseline and its descriptors equal to it; LeakSanitizer must
# report nothing when it stops. Figures in $KG_BUILD_DIR/soak-churn-report.txt.
set -uo pipefail
cd "$(dirname "$0")/.."
COUNT=${SOAK_CHURN_COUNT:-10000}
WARMUP=${SOAK_CHURN_WARMUP:-500}
export KG_BUILD_DIR=${KG_BUILD_DIR:-$PWD/build-asan}
export KG_SOURCE_DIR=${KG_SOURCE_DIR:-$PWD}
REPORT=$KG_BUILD_DIR/soak-churn-report.txt
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=0:detect_leaks=1}
# shellcheck source=../bench/lib.sh
. bench/lib.sh  # tests/integration/lib.sh and the generator's helpers
BENCH_OUT=/dev/null
BENCH_HS_SOURCES=${BENCH_HS_SOURCES:-16}
BENCH_HS_WINDOW=${SOAK_CHURN_WINDOW:-32}
lib_init
hs_sources "$NSA" || fail "source addresses"
kg_hub_conf "$WORK/hub.cfg" psk "crypto ikev2 limit max-in-negotiation-sa 2000 incoming" "crypto ikev2 cookie-challenge 1000"
start_keygated "$NSB" "$WORK/hub.cfg"; HUB=$KG_LAST_PID
rss() { awk '$1 == "VmRSS:" {print $2}' "/proc/$HUB/status"; }
fds() { ls "/proc/$HUB/fd" | wc -l; }
ike_sas() { kg "$NSB" "show crypto ikev2 sa" 2>/dev/null | grep -c -E 'READY|IN-NEG|DELETE'; }
vas() { kg "$NSB" "show ip interface brief" 2>/dev/null | grep -c '^Virtual-Access'; }
settled() { [ "$(ike_sas)" = 0 ]; }
round() {  # COUNT LABEL
  local j
  j=$(BENCH_GEN_TIMEOUT=3600 kg_bench_ike "$NSA" 198.51.100.2 "$1" --teardown --id-domain "$2.bench.example.net") ||
    fail "generator ($2): $j"
  echo "$j"
  [ "$(echo "$j" | jq -r .setups)" = "$1" ] || fail "$2: not every setup came up: $j"
  wait_for settled 60 || { kg "$NSB" "show crypto ikev2 sa" | head; fail "$2: IKE SAs left on the hub"; }
}
{
  echo "soak churn: $WARMUP warm-up + $COUNT setups and teardowns, window $BENCH_HS_WINDOW, $(date -u +%FT%TZ)"
  echo "hub at start: RSS $(rss) kB, $(fds) fds"
} | tee "$REPORT"
j=$(round "$WARMUP" warm) || exit 1
sleep 2
base_rss=$(rss); base_fds=$(fds)
echo "warm-up: $j" | tee -a "$REPORT"
echo "baseline after the warm-up: RSS $base_rss kB, $base_fds fds" | tee -a "$REPORT"
j=$(round "$COUNT" churn) || exit 1
sleep 2
end_rss=$(rss); end_fds=$(fds)
{
  echo "main round: $j"
  echo "after $COUNT setups and teardowns: RSS $end_rss kB, $end_fds fds, IKE SAs $(ike_sas), Virtual-Access $(vas)"
  kg "$NSB" "show crypto ikev2 stats" 2>&1 | head -20
} | tee -a "$REPORT"
bad=0
lim=$((base_rss + base_rss * 5 / 100))
printf 'RSS: baseline %s kB, end %s kB (limit %s); fds: baseline %s, end %s\n' "$base_rss" "$end_rss" "$lim" "$base_fds" "$end_fds" |
  tee -a "$REPORT"
[ "$end_rss" -le "$lim" ] || { log "RSS did not return to the baseline"; bad=1; }
[ "$end_fds" -le "$base_fds" ] || { log "descriptors did not return to the baseline"; bad=1; }
[ "$(vas)" = 0 ] || { log "Virtual-Access interfaces left"; bad=1; }
kill -TERM "$HUB"
for _ in $(seq 100); do kill -0 "$HUB" 2>/dev/null || break; sleep 0.2; done
wait "$HUB" 2>/dev/null; rc=$?
if grep -q -E "LeakSanitizer|AddressSanitizer" "$WORK/keygated-$NSB.log"; then
  grep -A20 -E "LeakSanitizer|AddressSanitizer" "$WORK/keygated-$NSB.log" | head -40
  log "hub: sanitizer report at exit"; bad=1
else
  echo "hub: exit $rc, no LeakSanitizer report" | tee -a "$REPORT"
fi
[ "$bad" = 0 ] || fail "churn soak found a problem (report in $REPORT)"
log "PASS (report in $REPORT)"
