# Benchmark helpers on top of tests/integration/lib.sh (namespaces, charon,
# keygated, cleanup trap). Each part of bench/run.sh runs in its own subshell
# so a failing part (lib.sh's fail() exits) does not abort the whole run.
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"

BENCH_T=${BENCH_T:-5}

# put KEY VALUE: record one result line for the parent (file $BENCH_OUT).
put() { echo "$1 $2" >>"$BENCH_OUT"; }

# iperf_json SNS SADDR CNS CADDR ARGS...: one iperf3 run, client JSON on stdout.
iperf_json() {
  local sns=$1 saddr=$2 cns=$3 caddr=$4 port=$((5201 + RANDOM % 500)) spid rc
  shift 4
  ip netns exec "$sns" timeout $((BENCH_T + 20)) iperf3 -s -1 -B "$saddr" -p $port >"$WORK/iperf3-s.log" 2>&1 &
  spid=$!; LIB_PIDS+=($spid)
  wait_for "ip netns exec $sns ss -ltn | grep -q ':$port '" 5 || { echo "iperf3 server did not start" >&2; return 1; }
  ip netns exec "$cns" timeout $((BENCH_T + 15)) iperf3 -c "$saddr" -B "$caddr" -p $port -t "$BENCH_T" -J "$@" >"$WORK/iperf3-c.json" 2>&1
  rc=$?
  wait $spid 2>/dev/null
  [ $rc -eq 0 ] || { echo "iperf3 client rc=$rc: $(jq -r '.error // empty' "$WORK/iperf3-c.json" 2>/dev/null)" >&2; return 1; }
  cat "$WORK/iperf3-c.json"
}
# tcp_bps SNS SADDR CNS CADDR STREAMS: receiver bits/s.
tcp_bps() {
  local j
  j=$(iperf_json "$1" "$2" "$3" "$4" -P "$5") || return 1
  echo "$j" | jq -e '.end.sum_received.bits_per_second | floor'
}
# udp_pps SNS SADDR CNS CADDR: 64-byte datagrams at full rate, receiver pkts/s.
udp_pps() {
  local j
  j=$(iperf_json "$1" "$2" "$3" "$4" -u -l 64 -b 0) || return 1
  # iperf3 3.12's "packets" counts datagrams sent even in sum_received;
  # the receiver got packets - lost_packets.
  echo "$j" | jq -e '(.end.sum_received // .end.sum) as $r
    | (($r.packets - $r.lost_packets) / $r.seconds) | floor'
}

# sw_pair_conf FILE LOCAL_ID REMOTE_ID LOCAL_ADDR REMOTE_ADDR LOCAL_TS REMOTE_TS:
# strongSwan side for the strongSwan<->strongSwan reference (as in
# tests/integration/t_strongswan_selfcheck.sh): AES-GCM-128, ESP in UDP.
sw_pair_conf() {
  cat >"$1" <<EOC
connections {
  s2s {
    version = 2
    local_addrs = $4
    remote_addrs = $5
    encap = yes
    proposals = aes128gcm16-prfsha256-x25519
    local { auth = psk
            id = $2 }
    remote { auth = psk
             id = $3 }
    children {
      s2s {
        local_ts = $6
        remote_ts = $7
        esp_proposals = aes128gcm16
        start_action = none
      }
    }
  }
}
secrets {
  ike-1 { id-a = site-a.example.net
          id-b = site-b.example.net
          secret = "bench-psk" }
}
EOC
}
