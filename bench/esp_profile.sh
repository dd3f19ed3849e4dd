#!/bin/bash
# Where a packet's time goes on the two ESP paths (issue 20): the example
# pair (examples/site-a.cfg, site-b.cfg) once with plain ESP (the default)
# and once with `nat force-encap` (ESP in UDP), each carrying one TCP stream
# while `perf record -a -g` samples the whole machine (so the kernel work a
# veth does inline in the sender's context is seen). For each path: the
# throughput, each keygated's CPU nanoseconds per wire packet, and its top
# symbols (self time, kernel and user). Not timed; the figures beside it are
# from the same run. Release build in build-bench (bench/run.sh makes it).
# Usage: bench/esp_profile.sh [OUTFILE]   (default bench/results/esp_profile.txt)
# Env: BENCH_T (seconds of traffic, default 5), ESP_PROFILE_TRAFFIC (tcp1, the
# default: one TCP stream; udp64: 64-byte UDP datagrams from keygate-bench
# udp-send as in the bench's udp64 row, beside the same over the bare veth),
# ESP_PROFILE_PATHS ("plain encap";
# "plain:WORDS" runs that path with KEYGATE_DATAPATH=WORDS),
# ESP_PROFILE_KEEP (a directory: each path's perf.data is copied there as
# PATH.data, and the pids as PATH.pids, for further perf report runs),
# KEYGATE_ESP_SOCKET and the other keygated switches pass through.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
export KG_SOURCE_DIR=$SRC KG_BUILD_DIR=${KG_BUILD_DIR:-$SRC/build-bench}
export BENCH_T=${BENCH_T:-5}
OUTFILE=${1:-$SRC/bench/results/esp_profile.txt}
BENCH_OUT=$(mktemp /tmp/kgespprof.XXXXXX)
. "$SRC/bench/lib.sh"
command -v perf >/dev/null || { echo "no perf"; exit 1; }

cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# esp_pkts NS: ESP packets this keygated encapsulated + decapsulated so far.
esp_pkts() {
  kg "$1" "show crypto ipsec sa" | awk '/#pkts encaps:/ {gsub(",", ""); e += $3} /#pkts decaps:/ {gsub(",", ""); d += $3} END {print e + d}'
}

# top PERFDATA PID: self-time share of the top symbols of one process.
top() {
  perf report -i "$1" --pid "$2" --percentage relative -g none --no-children --sort dso,symbol --stdio --percent-limit 1 2>/dev/null |
    grep -v '^#' | grep -v '^$' | sed -e 's/[ -]*$//' -e 's/  */ /g' | cut -c1-120 | head -30
}
# callers PERFDATA PID: children (inclusive) share of the main kernel entry points.
entries() {
  perf report -i "$1" --pid "$2" --percentage relative --children --sort symbol --stdio --percent-limit 2 -g none 2>/dev/null |
    grep -E '__x64_sys_|do_syscall|__sys_|sendmmsg|recvmmsg|raw_sendmsg|raw_rcv|udp_sendmsg|udp_recvmsg|ip_output|ip_finish_output|veth_xmit|__netif_receive_skb|ip_rcv|ip_local_deliver|raw_local_deliver|tun_get_user|tun_chr_write|tun_chr_read|tun_do_read|do_softirq|net_rx_action|skb_copy|copy_user|_copy_to_iter|_copy_from_iter|dev_queue_xmit|udp_gro|__udp4_lib_rcv|skb_segment|__ip_append_data|ip_route_output|napi_gro|kg::|esp|IMB|aes|gcm' |
    sed -e 's/  */ /g' | cut -c1-120 | head -40
}

# tun_tx_drops NS: packets the kernel dropped on Tunnel0's way to keygated.
tun_tx_drops() { ip -n "$1" -s link show Tunnel0 | awk '/TX:/ {getline; print $4}'; }

run_path() {
  local path=${1%%:*}
  [[ $1 == *:* ]] && export KEYGATE_DATAPATH=${1#*:}
  lib_init
  if [ "$path" = encap ]; then sed "/^crypto ikev2 profile default/a\\ nat force-encap" "$SRC/examples/site-a.cfg" >"$WORK/site-a.cfg"
  else cp "$SRC/examples/site-a.cfg" "$WORK/site-a.cfg"; fi
  start_keygated "$NSA" "$WORK/site-a.cfg"; local pa=$KG_LAST_PID
  start_keygated "$NSB" "$SRC/examples/site-b.cfg"; local pb=$KG_LAST_PID
  wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no READY IKE SA"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no ping"
  local port; port=$(ipsec_peer_port "$NSB")
  local traffic=${ESP_PROFILE_TRAFFIC:-tcp1} w
  if [ "$traffic" = udp64 ]; then w=$(udp_pps "$NSB" 198.51.100.2 "$NSA" 198.51.100.1) || fail "veth"
  else w=$(tcp_bps "$NSB" 198.51.100.2 "$NSA" 198.51.100.1 1) || fail "veth"; fi
  local drops0; drops0=$(tun_tx_drops "$NSA")
  local ca0 cb0 na0 nb0 v ca cb na nb
  ca0=$(cpu_s $pa); cb0=$(cpu_s $pb); na0=$(esp_pkts "$NSA"); nb0=$(esp_pkts "$NSB")
  perf record -q -a -g -F 499 -o "$WORK/p.data" -- sleep $((BENCH_T - 1)) >/dev/null 2>&1 &
  local rec=$!
  if [ "$traffic" = udp64 ]; then v=$(udp_pps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1) || fail "udp64"
  else v=$(tcp_bps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 1) || fail "iperf3"; fi
  wait $rec
  [ -n "${ESP_PROFILE_KEEP:-}" ] && { cp "$WORK/p.data" "$ESP_PROFILE_KEEP/$1.data"; echo "$pa $pb" >"$ESP_PROFILE_KEEP/$1.pids"; }
  ca=$(echo "$(cpu_s $pa) - $ca0" | bc); cb=$(echo "$(cpu_s $pb) - $cb0" | bc)
  na=$(( $(esp_pkts "$NSA") - na0 )); nb=$(( $(esp_pkts "$NSB") - nb0 ))
  {
    echo "=== $path (ESP to port $port; ${KEYGATE_ESP_SOCKET:-raw} socket for plain ESP; KEYGATE_DATAPATH=${KEYGATE_DATAPATH:-})"
    if [ "$traffic" = udp64 ]; then
      printf "64-byte UDP %.1f kpps, bare veth beside it %.1f kpps (%.3f of it); udp-send sent %s; site-a Tunnel0 TX drops %s\n" \
        "$(echo "$v / 1000" | bc -l)" "$(echo "$w / 1000" | bc -l)" "$(echo "$v / $w" | bc -l)" \
        "$(jq .sent "$WORK/udp-send.json")" "$(( $(tun_tx_drops "$NSA") - drops0 ))"
    else
      printf "1 TCP stream %.3f Gb/s, bare veth beside it %.3f Gb/s (%.3f of it)\n" \
        "$(echo "$v / 1000000000" | bc -l)" "$(echo "$w / 1000000000" | bc -l)" "$(echo "$v / $w" | bc -l)"
    fi
    printf "sender (site-a) %.2f CPU-s, %d ESP packets, %.0f ns/packet; receiver (site-b) %.2f CPU-s, %d packets, %.0f ns/packet\n" \
      "$ca" "$na" "$(echo "$ca * 1000000000 / ($na + 1)" | bc -l)" "$cb" "$nb" "$(echo "$cb * 1000000000 / ($nb + 1)" | bc -l)"
    [ "$traffic" = udp64 ] || echo "iperf3 retransmits $(jq '.end.sum_sent.retransmits' "$WORK/iperf3-c.json"); receiver's socket drops: raw $(ip netns exec "$NSB" awk 'NR>1 {d+=$NF} END {print d+0}' /proc/net/raw) udp $(ip netns exec "$NSB" awk 'NR>1 {d+=$NF} END {print d+0}' /proc/net/udp); TUN tx drops $(ip -n "$NSB" -s link show Tunnel0 | awk '/TX:/ {getline; print $4}')"
    echo "--- sender keygated, self time by symbol"; top "$WORK/p.data" $pa
    echo "--- sender keygated, inclusive time of kernel entry points"; entries "$WORK/p.data" $pa
    echo "--- receiver keygated, self time by symbol"; top "$WORK/p.data" $pb
    echo "--- receiver keygated, inclusive time of kernel entry points"; entries "$WORK/p.data" $pb
    echo "--- whole machine by command"
    perf report -i "$WORK/p.data" --no-children -g none --sort comm --stdio --percent-limit 2 2>/dev/null | grep -v '^#' | grep -v '^$' | head -12
    echo
  } >>"$OUTFILE.new"
}

: >"$OUTFILE.new"
echo "ESP data path profiles (${ESP_PROFILE_TRAFFIC:-tcp1}), $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$SRC" rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUTFILE.new"
for p in ${ESP_PROFILE_PATHS:-plain encap}; do
  ( fail() { echo "FAIL ($p): $*" >>"$OUTFILE.new"; exit 1; }; run_path "$p" )
done
mv "$OUTFILE.new" "$OUTFILE"
rm -f "$BENCH_OUT"
echo "$OUTFILE"
