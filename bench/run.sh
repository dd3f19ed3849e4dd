#!/bin/bash
# keygate benchmark (issue 4). Builds release binaries, then measures in
# fresh network namespaces, each figure as a ratio against references
# measured in the same run (these are noisy shared machines):
#   veth    bare veth between two namespaces (reference for throughput)
#   sw      strongSwan<->strongSwan over kernel-libipsec, AES-GCM-256, ESP in
#           UDP (same data-path class as keygate: user space)
#   wg      wireguard-go<->wireguard-go (bench/peers.sh)
#   ovpn    OpenVPN 2.6 <-> OpenVPN 2.6, AES-256-GCM, tuned (bench/peers.sh)
#   ovpn1500  the same with OpenVPN's default MTU
#   kg      keygated<->keygated (examples/site-a.cfg / site-b.cfg, site-a with
#           nat force-encap): ESP in UDP, tuned
#   kgesp   the same pair as written: plain ESP (IP protocol 50), the default
#           through the raw socket
#   kgespxdp  kgesp through AF_XDP (KEYGATE_ESP_SOCKET=xdp, esp/esp_socket.h)
#   (each tunnel: 1 TCP stream beside the bare veth, 4 streams, 64-byte UDP
#   datagrams/s beside the veth's, and the CPU seconds of both ends' tunnel
#   processes, for bits and packets per CPU-second; a peer that is not
#   installed is skipped)
#   hs_kg   IKE_SA + first CHILD_SA setups/s: keygate-bench ike (PSK, X25519,
#           AES-GCM-128) against a keygated hub (Virtual-Template)
#   hs_sw   the same generator against a strongSwan responder (reference);
#           for both, the generator runs as BENCH_HS_GENERATORS processes
#           side by side (default: one per core; lib.sh kg_bench_ike_split)
#   hs1_kg  IKEv1 Main Mode (PSK, group 14) + Quick Mode setups/s:
#           keygate-bench ikev1, one outer address per peer, against a
#           keygated head-end answering with a dynamic crypto map
#   hs1_sw  the same generator against strongSwan's IKEv1 responder (reference)
#   eap     remote-access setups/s with EAP (seed 004): the generator's
#           clients answer EAP-MSCHAPv2 (BENCH_EAP_METHOD: mschapv2, md5 or
#           gtc) as one user, checked by FreeRADIUS in the
#           hub's namespace; keygated (aaa authentication eap) beside
#           strongSwan's eap-radius as the hub, same generator, same server
#   cert    setups/s with ECDSA P-256 and RSA-2048 certificates against the
#           keygated hub, and `openssl speed` sign+verify in the same run
#   token   setups/s with the hub's ECDSA P-256 and RSA-2048 key on a SoftHSM2
#           token beside the same key from the state directory, same daemon
#           and run: the key is first imported as a file, measured, then
#           moved onto the token (crypto key move) and measured again
#   mem     RSS growth per IKE SA + CHILD_SA at $BENCH_MEM_SAS SAs on the hub,
#           then an IKE_SA_INIT flood (keygate-ikeflood): cookies must engage
#   prof    perf profiles of the data path and the handshake (not timed):
#           bench/results/profile.txt
# Writes a table to stdout and JSON to bench/results/latest.json. A part that
# fails is reported as FAILED (reason); the run itself goes on. The release
# build is made only when a part needs it (BENCH_PARTS="veth wg ovpn" does
# not; its 64-byte figures then come from iperf3, else keygate-bench udp-*).
# Env: BENCH_T (iperf3 seconds, default 5), BENCH_PARTS (default: all of the
# above), BENCH_HS_COUNT (20000), BENCH_HS_SW_COUNT (5000: strongSwan with
# libipsec slows down as its SAs accumulate, and 20,000 took > 5 minutes
# here), BENCH_HS1_COUNT (4000: IKEv1 peers against either responder, each its
# own address), BENCH_TCP1_RUNS (3: one-stream runs per tunnel, each beside a
# bare-veth run; medians), BENCH_CERT_COUNT (3000), BENCH_TOKEN_COUNT (2000), BENCH_MEM_SAS
# (100000), BENCH_EAP_COUNT (3000), BENCH_EAP_SW_COUNT (1000), BENCH_EAP_METHOD (mschapv2), BENCH_HS_WINDOW (64), BENCH_HS_SOURCES (16), BENCH_OVPN_OPTS
# (OpenVPN's speed options, bench/peers.sh).
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
export KG_SOURCE_DIR=$SRC KG_BUILD_DIR=$SRC/build-bench
export BENCH_T=${BENCH_T:-5}
export PARTS=${BENCH_PARTS:-veth sw wg ovpn ovpn1500 kg kgesp kgespxdp hs_kg hs_sw hs1_kg hs1_sw eap cert token mem prof}
export BENCH_HS_COUNT=${BENCH_HS_COUNT:-20000} BENCH_MEM_SAS=${BENCH_MEM_SAS:-100000}
export BENCH_CERT_COUNT=${BENCH_CERT_COUNT:-3000} BENCH_TOKEN_COUNT=${BENCH_TOKEN_COUNT:-2000} BENCH_HS_SW_COUNT=${BENCH_HS_SW_COUNT:-5000}
export BENCH_TCP1_RUNS=${BENCH_TCP1_RUNS:-3} BENCH_HS1_COUNT=${BENCH_HS1_COUNT:-4000}
export BENCH_EAP_COUNT=${BENCH_EAP_COUNT:-3000} BENCH_EAP_SW_COUNT=${BENCH_EAP_SW_COUNT:-1000}
export BENCH_EAP_METHOD=${BENCH_EAP_METHOD:-mschapv2}
RESULTS=$SRC/bench/results
LOG=${BENCH_LOG:-/tmp/keygate-bench-last.log}
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)"; exit 1; }
for t in iperf3 jq /usr/lib/ipsec/charon swanctl openssl; do
  command -v "$t" >/dev/null || { echo "bench: missing $t (run make setup)"; exit 1; }
done

OUT=$(mktemp /tmp/kgbench.XXXXXX)
trap 'rm -f "$OUT"' EXIT
# A part cleans up itself on ^C (lib_init's trap); then stop the whole run.
trap 'exit 130' INT TERM
: >"$LOG"
echo "bench: log in $LOG"

build_err=""
# Only the parts that run keygate's binaries need the build (veth, sw and the
# peers alone do not).
if [[ " $PARTS " =~ \ (kg|kgesp|kgespxdp|hs_kg|hs_sw|hs1_kg|hs1_sw|eap|cert|token|mem|prof)\  ]]; then
  echo "bench: building release keygated/keygate in build-bench"
  if ! { cmake -S "$SRC" -B "$KG_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKG_TESTS=OFF &&
         ninja -C "$KG_BUILD_DIR" -j2 keygated keygate keygate-bench keygate-ikeflood; } >>"$LOG" 2>&1; then
    build_err="release build failed (see $LOG)"
  fi
fi

# Each part runs in its own subshell: lib_init's EXIT trap removes that
# part's namespaces, processes and temp dir, and fail() ends only the part.
part_veth() {
  lib_init
  local v runs="" i
  for i in $(seq "$BENCH_TCP1_RUNS"); do
    v=$(tcp_bps "$NSB" 198.51.100.2 "$NSA" 198.51.100.1 1) || fail "iperf3 over veth"
    runs="$runs${runs:+,}$v"
  done
  put veth_tcp1 "$(median "$runs")"; put veth_tcp1_runs "$runs"
  v=$(udp_pps "$NSB" 198.51.100.2 "$NSA" 198.51.100.1) || fail "iperf3 UDP 64 B over veth"
  put veth_udp64 "$v"; put veth_udp64_tool "$(udp_tool)"
}
part_sw() {
  lib_init
  ip -n "$NSA" addr add 192.0.2.1/25 dev lo
  ip -n "$NSB" addr add 192.0.2.129/25 dev lo
  mkdir -p "$WORK/swa" "$WORK/swb"
  sw_pair_conf "$WORK/swa/swanctl.conf" site-a.example.net site-b.example.net 198.51.100.1 198.51.100.2 192.0.2.0/25 192.0.2.128/25
  sw_pair_conf "$WORK/swb/swanctl.conf" site-b.example.net site-a.example.net 198.51.100.2 198.51.100.1 192.0.2.128/25 192.0.2.0/25
  start_charon "$NSA" "$WORK/swa"; local pa=${LIB_PIDS[-1]}
  start_charon "$NSB" "$WORK/swb"; local pb=${LIB_PIDS[-1]}
  sw_initiate "$WORK/swa" s2s || fail "swanctl --initiate"
  wait_for "sw_has_sa '$WORK/swb'" 10 || fail "no IKE SA within 10 s"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no ping through the tunnel"
  TUNNEL_PIDS=("$pa" "$pb")
  tunnel_measure sw
}
part_kg() { kg_pair kg "nat force-encap" 4500; }
part_kgesp() { kg_pair kgesp "" 500; }
# The same with plain ESP through AF_XDP (KEYGATE_ESP_SOCKET=xdp; the raw socket is the default).
part_kgespxdp() { KEYGATE_ESP_SOCKET=xdp kg_pair kgespxdp "" 500; }
# kg_pair NAME PROFILE_LINE PORT: the example pair, site-a's profile with
# PROFILE_LINE; PORT: where site-b's CHILD_SA sends ESP as show crypto ipsec
# sa says (4500: ESP in UDP; 500, as IOS shows it: plain ESP), checked first.
kg_pair() {
  need_build
  lib_init
  if [ -n "$2" ]; then sed "/^crypto ikev2 profile default/a\\ $2" "$SRC/examples/site-a.cfg" >"$WORK/site-a.cfg"
  else cp "$SRC/examples/site-a.cfg" "$WORK/site-a.cfg"; fi
  start_keygated "$NSA" "$WORK/site-a.cfg"; local pa=$KG_LAST_PID
  start_keygated "$NSB" "$SRC/examples/site-b.cfg"; local pb=$KG_LAST_PID
  wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no READY IKE SA within 20 s"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no ping through the tunnel"
  TUNNEL_PIDS=("$pa" "$pb")
  local port; port=$(ipsec_peer_port "$NSB")
  [ "$port" = "$3" ] || fail "ESP goes to port '$port', want $3"
  tunnel_measure "$1"
}
need_build() { [ -z "$build_err" ] || fail "$build_err"; }

# cpu_s PID: user+system CPU seconds of a process so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# Handshakes against the keygated hub. Limits for the bench (said in the
# README): max-in-negotiation-sa 2000 incoming and cookie-challenge 1000, so
# the generator's window (64 exchanges from 16 addresses) is never refused
# or challenged; the defaults (40 half-open, no cookies) would refuse part of
# every window. The mem part shows cookies engaging with a lower threshold.
part_hs_kg() {
  need_build
  lib_init
  hs_sources "$NSA" || fail "source addresses"
  kg_hub_conf "$WORK/hub.cfg" psk "crypto ikev2 limit max-in-negotiation-sa 2000 incoming" "crypto ikev2 cookie-challenge 1000"
  start_keygated "$NSB" "$WORK/hub.cfg"
  local pid=$KG_LAST_PID c0 j
  c0=$(cpu_s $pid)
  j=$(kg_bench_ike_split "$NSA" 198.51.100.2 "$BENCH_HS_COUNT") || fail "generator: $j"
  put hs_kg_cpu "$(echo "$(cpu_s $pid) - $c0" | bc)"
  hs_put hs_kg "$j"
}
# hs_put NAME JSON: the generator's figures.
hs_put() {
  local k
  for k in rate rate_min setups failed seconds retransmits generator_cpu_s; do
    put "${1}_$k" "$(echo "$2" | jq -r ".$k")"
  done
}
part_hs_sw() {
  need_build
  lib_init
  hs_sources "$NSA" || fail "source addresses"
  sw_hub_start "$NSB" "$WORK/swhub" psk
  local c0 j
  c0=$(cpu_s $SW_PID)
  j=$(kg_bench_ike_split "$NSA" 198.51.100.2 "$BENCH_HS_SW_COUNT") || fail "generator: $j"
  put hs_sw_cpu "$(echo "$(cpu_s $SW_PID) - $c0" | bc)"
  hs_put hs_sw "$j"
}

# IKEv1 Main Mode + Quick Mode (keygate-bench ikev1): each peer its own
# outer address; keygated's dynamic crypto map, then strongSwan's IKEv1
# responder (logging off, cookie threshold raised as for hs_sw), the same
# generator and count. The responder's CPU seconds are kept for setups per
# CPU-second.
part_hs1_kg() {
  need_build
  lib_init
  hs1_sources "$NSA" "$NSB" "$BENCH_HS1_COUNT" || fail "source addresses"
  kg_hub1_conf "$WORK/hub.cfg"
  start_keygated "$NSB" "$WORK/hub.cfg"
  local pid=$KG_LAST_PID c0 j
  wait_for "ip -n $NSB link show cm-HUB-10 >/dev/null 2>&1" 10 || fail "no cm-HUB-10"
  c0=$(cpu_s $pid)
  j=$(kg_bench_ikev1 "$NSA" 198.51.100.2 "$BENCH_HS1_COUNT") || { tail -20 "$WORK/keygated-$NSB.log"; fail "generator: $j"; }
  put hs1_kg_cpu "$(echo "$(cpu_s $pid) - $c0" | bc)"
  hs_put hs1_kg "$j"
}
part_hs1_sw() {
  need_build
  lib_init
  hs1_sources "$NSA" "$NSB" "$BENCH_HS1_COUNT" || fail "source addresses"
  sw_hub_start "$NSB" "$WORK/swhub" ikev1
  local c0 j
  c0=$(cpu_s $SW_PID)
  j=$(kg_bench_ikev1 "$NSA" 198.51.100.2 "$BENCH_HS1_COUNT") || { tail -20 "$WORK/swhub/charon.log"; fail "generator: $j"; }
  put hs1_sw_cpu "$(echo "$(cpu_s $SW_PID) - $c0" | bc)"
  hs_put hs1_sw "$j"
}

# EAP remote access through FreeRADIUS: keygated, then strongSwan's
# eap-radius, as the hub in front of the same server; the generator's
# clients all answer EAP-MSCHAPv2 (BENCH_EAP_METHOD) as "bench": FreeRADIUS
# proposes MD5 first and each client Naks it, so that is three EAP round
# trips and an MSK for AUTH. Each hub's CPU seconds are kept,
# and FreeRADIUS's, so that setups per CPU-second of the hub compare.
part_eap() {
  need_build
  lib_init
  hs_sources "$NSA" || fail "source addresses"
  bench_radius_start "$NSB" || fail "FreeRADIUS did not start"
  local pid c0 r0 j
  kg_hub_conf "$WORK/hub.cfg" eap "crypto ikev2 limit max-in-negotiation-sa 2000 incoming" "crypto ikev2 cookie-challenge 1000"
  start_keygated "$NSB" "$WORK/hub.cfg"; pid=$KG_LAST_PID
  c0=$(cpu_s $pid); r0=$(cpu_s $RAD_PID)
  j=$(kg_bench_ike "$NSA" 198.51.100.2 "$BENCH_EAP_COUNT" --eap-user bench --eap-password bench-pass --eap-method "$BENCH_EAP_METHOD") ||
    { tail -20 "$WORK/keygated-$NSB.log"; fail "generator against keygated: $j"; }
  put eap_kg_cpu "$(echo "$(cpu_s $pid) - $c0" | bc)"
  put eap_kg_radius_cpu "$(echo "$(cpu_s $RAD_PID) - $r0" | bc)"
  put eap_kg_load "$(cut -d' ' -f1 /proc/loadavg)"  # the wall-clock rates depend on it (2 cores here)
  hs_put eap_kg "$j"
  kill "$pid"; wait "$pid" 2>/dev/null
  ip -n "$NSB" addr del 203.0.113.1/24 dev lo 2>/dev/null  # keygated's Loopback1; strongSwan adds it again
  sw_hub_start "$NSB" "$WORK/swhub" eap
  c0=$(cpu_s $SW_PID); r0=$(cpu_s $RAD_PID)
  j=$(kg_bench_ike "$NSA" 198.51.100.2 "$BENCH_EAP_SW_COUNT" --eap-user bench --eap-password bench-pass --eap-method "$BENCH_EAP_METHOD") ||
    { tail -20 "$WORK/charon-$NSB.log"; fail "generator against strongSwan: $j"; }
  put eap_sw_cpu "$(echo "$(cpu_s $SW_PID) - $c0" | bc)"
  put eap_sw_radius_cpu "$(echo "$(cpu_s $RAD_PID) - $r0" | bc)"
  put eap_sw_load "$(cut -d' ' -f1 /proc/loadavg)"
  hs_put eap_sw "$j"
}

# Certificates: the hub with an ECDSA P-256, then an RSA-2048 certificate
# (CA, hub and client certificates made here with openssl), the generator
# authenticating with a client certificate of the same CA; and one core's
# openssl speed sign/verify for the ceiling (per setup the responder signs
# once and verifies once).
part_cert() {
  need_build
  lib_init
  . "$SRC/tests/integration/lib_pki.sh"
  hs_sources "$NSA" || fail "source addresses"
  speed_put || fail "openssl speed"
  local P=$WORK/pki kind kt j pid
  mkdir -p "$P"
  for kind in ecdsa rsa; do
    kt=ec256; [ $kind = rsa ] && kt=rsa2048
    pki_ca "$P" ca-$kind $kt
    pki_leaf "$P" hub-$kind $kt ca-$kind hub.example.net 10
    pki_leaf "$P" client-$kind $kt ca-$kind client.bench.example.net 11
    pki_pem_set "$P" hub-$kind "$P/hub-$kind-pem" bench-pass ca-$kind
    kg_hub_conf "$WORK/hub-$kind.cfg" "$kind HUB" "crypto ikev2 limit max-in-negotiation-sa 2000 incoming" "crypto ikev2 cookie-challenge 1000"
    start_keygated "$NSB" "$WORK/hub-$kind.cfg"; pid=$KG_LAST_PID
    kg_import "$NSB" HUB "$P/hub-$kind-pem" bench-pass
    if j=$(kg_bench_ike "$NSA" 198.51.100.2 "$BENCH_CERT_COUNT" --cert "$P/client-$kind.crt" --key "$P/client-$kind.key" \
        --ca "$P/ca-$kind.crt" --cert-id client.bench.example.net); then
      put cert_${kind}_rate "$(echo "$j" | jq -r .rate)"
      put cert_${kind}_failed "$(echo "$j" | jq -r .failed)"
    else
      log "certificate handshakes ($kind) failed: $j"; tail -20 "$WORK/keygated-$NSB.log"
      put cert_error "$kind: generator failed"
    fi
    kill "$pid"; wait "$pid" 2>/dev/null
    rm -f "$(kg_sock "$NSB")"
  done
}

# Token: the hub's key on SoftHSM2 beside the same key from a file. Each
# setup costs the hub one signature; on the token it is a C_Sign through
# PKCS#11 on the daemon's signing worker.
part_token() {
  need_build
  lib_init
  . "$SRC/tests/integration/lib_pki.sh"
  hs_sources "$NSA" || fail "source addresses"
  local P=$WORK/pki kind kt kw j pid where
  mkdir -p "$P" "$WORK/softhsm/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK/softhsm/tokens" \
    >"$WORK/softhsm/softhsm2.conf"
  export SOFTHSM2_CONF=$WORK/softhsm/softhsm2.conf
  for kind in ecdsa rsa; do  # one token each: both keys are labelled HUB
    softhsm2-util --init-token --free --label bench-$kind --pin 24681357 --so-pin 97531 >/dev/null ||
      fail "softhsm2-util --init-token"
  done
  for kind in ecdsa rsa; do
    kt=ec256 kw=ec; [ $kind = rsa ] && kt=rsa2048 kw=rsa
    pki_ca "$P" ca-$kind $kt
    pki_leaf "$P" hub-$kind $kt ca-$kind hub.example.net 10
    pki_leaf "$P" client-$kind $kt ca-$kind client.bench.example.net 11
    pki_pem_set "$P" hub-$kind "$P/hub-$kind-pem" bench-pass ca-$kind
    kg_hub_conf "$WORK/hub-$kind.cfg" "$kind HUB" "crypto ikev2 limit max-in-negotiation-sa 2000 incoming" \
      "crypto ikev2 cookie-challenge 1000" "crypto pki token bench-$kind module /usr/lib/softhsm/libsofthsm2.so"
    start_keygated "$NSB" "$WORK/hub-$kind.cfg"; pid=$KG_LAST_PID
    kg_import "$NSB" HUB "$P/hub-$kind-pem" bench-pass
    for where in file token; do
      if [ $where = token ]; then
        kg "$NSB" "crypto pki token bench-$kind login 24681357" | grep -q successful || fail "token login"
        kg "$NSB" "crypto key move $kw HUB storage bench-$kind" | grep -q "moved to bench" || fail "crypto key move ($kind)"
        kg "$NSB" "show crypto key mypubkey $kw HUB" | grep -q "Storage Device: usbtoken" ||
          fail "the $kind key is not on the token"
      fi
      if j=$(kg_bench_ike "$NSA" 198.51.100.2 "$BENCH_TOKEN_COUNT" --cert "$P/client-$kind.crt" --key "$P/client-$kind.key" \
          --ca "$P/ca-$kind.crt" --cert-id client.bench.example.net); then
        put token_${kind}_${where}_rate "$(echo "$j" | jq -r .rate)"
        put token_${kind}_${where}_failed "$(echo "$j" | jq -r .failed)"
      else
        log "token handshakes ($kind, key in $where) failed: $j"; tail -20 "$WORK/keygated-$NSB.log"
        put token_error "$kind/$where: generator failed"
      fi
    done
    kill "$pid"; wait "$pid" 2>/dev/null
    rm -f "$(kg_sock "$NSB")"
  done
}

# Memory: RSS of the hub before and after $BENCH_MEM_SAS setups (each an IKE
# SA with one CHILD_SA on a Virtual-Access), then a spoofed IKE_SA_INIT flood
# from a third namespace: with cookie-challenge 100 the hub must answer it
# with cookies while holding them all.
part_mem() {
  need_build
  lib_init
  hs_sources "$NSA" || fail "source addresses"
  kg_hub_conf "$WORK/hub.cfg" psk "crypto ikev2 limit max-in-negotiation-sa 2000 incoming" "crypto ikev2 cookie-challenge 100"
  start_keygated "$NSB" "$WORK/hub.cfg"
  local pid=$KG_LAST_PID r0 r1 j n
  sleep 1
  r0=$(rss_kib $pid)
  j=$(kg_bench_ike "$NSA" 198.51.100.2 "$BENCH_MEM_SAS" --timeout 60) || fail "generator: $j"
  sleep 2
  r1=$(rss_kib $pid)
  n=$(echo "$j" | jq -r .setups)
  [[ "$n" =~ ^[0-9]+$ ]] || fail "generator gave no setup count"
  put mem_sas "$n"; put mem_rss0_kib "$r0"; put mem_rss1_kib "$r1"
  put mem_rate "$(echo "$j" | jq -r .rate)"
  [ "$n" -gt 0 ] && put mem_per_sa_bytes "$(( (r1 - r0) * 1024 / n ))"
  # The flood: spoofed sources in 198.18.0.0/16 from a third namespace.
  local nsc flood=$KG_BUILD_DIR/tools/ikeflood/keygate-ikeflood before neg
  nsc=$(add_ns c)
  veth_link "$NSB" eth1 198.19.255.1/24 "$nsc" eth0 198.19.255.2/24
  ip -n "$nsc" route add default via 198.19.255.1
  ip -n "$NSB" route add 198.18.0.0/16 via 198.19.255.2
  ip netns exec "$NSB" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.eth1.rp_filter=0
  before=$(kg_stat "$NSB" 'rejected no cookie:'); before=${before:-0}
  ip netns exec "$nsc" timeout 20 "$flood" -d 198.51.100.2 -s 198.18.0.0/16 -g 31 -r 2000 -t 10 >"$WORK/flood.log" 2>&1 &
  LIB_PIDS+=($!)
  if wait_for "[ \"\$(kg_stat $NSB 'rejected no cookie:')\" -ge $((before + 500)) ]" 30; then
    put mem_cookies "engaged: $(kg_stat "$NSB" 'rejected no cookie:') IKE_SA_INIT answered with N(COOKIE) only"
  else
    put mem_cookies "NOT engaged"
    fail "cookies did not engage under the flood"
  fi
  neg=$(kg "$NSB" "show crypto ikev2 stats" | grep -o 'Total incoming IKEv2 SA Count: *[0-9]* *active: *[0-9]* *negotiating: [0-9]*' | grep -o '[0-9]*$')
  put mem_halfopen "${neg:-?}"
}

# Profiles (perf record, flat self time per function, not timed): keygated
# sending one TCP stream through the ESP-in-UDP pair (site-a encrypts) and
# the keygated hub answering the generator. Summary in bench/results/profile.txt.
part_prof() {
  need_build
  command -v perf >/dev/null || fail "no perf (make setup installs linux-perf)"
  lib_init
  local out=$RESULTS/profile.txt.new pa pb
  sed "/^crypto ikev2 profile default/a\\ nat force-encap" "$SRC/examples/site-a.cfg" >"$WORK/site-a.cfg"
  start_keygated "$NSA" "$WORK/site-a.cfg"; pa=$KG_LAST_PID
  start_keygated "$NSB" "$SRC/examples/site-b.cfg"; pb=$KG_LAST_PID
  wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no READY IKE SA within 20 s"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no ping through the tunnel"
  {
    echo "keygate profiles, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null)"
    echo "perf record -F 999 (no call graphs), share of the process's samples by function (self)."
    echo
  } >"$out"
  perf record -q -F 999 -o "$WORK/dp-a.data" -p "$pa" -- sleep "$BENCH_T" >/dev/null 2>&1 &
  local rec=$!
  perf record -q -F 999 -o "$WORK/dp-b.data" -p "$pb" -- sleep "$BENCH_T" >/dev/null 2>&1 &
  local rec2=$!
  tcp_bps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 1 >/dev/null || log "iperf3 failed during the profile"
  wait $rec $rec2
  prof_section "Data path, sender (site-a: TUN read, ESP encrypt, UDP send), 1 TCP stream" "$WORK/dp-a.data" >>"$out"
  prof_section "Data path, receiver (site-b: UDP receive, ESP decrypt, TUN write), 1 TCP stream" "$WORK/dp-b.data" >>"$out"
  kill "$pa" "$pb" 2>/dev/null; wait "$pa" "$pb" 2>/dev/null
  rm -f "$(kg_sock "$NSB")"
  hs_sources "$NSA" || fail "source addresses"
  kg_hub_conf "$WORK/hub.cfg" psk "crypto ikev2 limit max-in-negotiation-sa 2000 incoming" "crypto ikev2 cookie-challenge 1000"
  start_keygated "$NSB" "$WORK/hub.cfg"; pb=$KG_LAST_PID
  perf record -q -F 999 -o "$WORK/hs.data" -p "$pb" >/dev/null 2>&1 &
  rec=$!
  kg_bench_ike "$NSA" 198.51.100.2 5000 >/dev/null || log "generator failed during the profile"
  kill -INT $rec; wait $rec
  prof_section "Handshake responder (keygated hub, 5000 IKE_SA_INIT + IKE_AUTH, PSK, X25519)" "$WORK/hs.data" >>"$out"
  mv "$out" "$RESULTS/profile.txt"
  put prof_file "bench/results/profile.txt"
}
# prof_section TITLE DATA: the top functions of one perf recording.
prof_section() {
  echo "== $1"
  perf report -i "$2" --no-children --sort dso,symbol --stdio --percent-limit 1.5 2>/dev/null |
    grep -v '^#' | grep -v '^$' | sed -e 's/[ -]*$//' -e 's/  */ /g' | cut -c1-150 | head -25
  echo
}
# tunnel_measure NAME: LAN A (192.0.2.1) -> LAN B (192.0.2.129). One TCP
# stream is measured $BENCH_TCP1_RUNS times, each right after a run over the
# same veth without the tunnel (198.51.100.1 -> .2, the tunnel idle), so
# each tunnel figure has its reference seconds away on this noisy machine;
# the medians are kept, and every run. Then 4 streams, and 64-byte UDP
# datagrams beside a veth run of the same. TUNNEL_PIDS (the sending end's
# process, then the receiving end's) are charged: the CPU seconds each used
# during the tunnel runs, so that bits or packets per CPU-second can be
# compared whatever the machine's load and however many cores a peer uses.
tunnel_measure() {
  local v w runs="" refs="" i
  CPU_ACC=()
  for i in $(seq "$BENCH_TCP1_RUNS"); do
    w=$(tcp_bps "$NSB" 198.51.100.2 "$NSA" 198.51.100.1 1) || fail "iperf3 over the bare veth"
    cpu_begin
    v=$(tcp_bps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 1) || fail "iperf3 1 stream"
    cpu_end tcp1 "$(jq '.end.sum_received.bytes' "$WORK/iperf3-c.json")"
    refs="$refs${refs:+,}$w"; runs="$runs${runs:+,}$v"
  done
  put "$1_tcp1" "$(median "$runs")"; put "$1_tcp1_runs" "$runs"
  put "$1_veth_tcp1" "$(median "$refs")"; put "$1_veth_tcp1_runs" "$refs"
  cpu_begin
  v=$(tcp_bps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 4) || fail "iperf3 4 streams"; put "$1_tcp4" "$v"
  cpu_end tcp4 "$(jq '.end.sum_received.bytes' "$WORK/iperf3-c.json")"
  w=$(udp_pps "$NSB" 198.51.100.2 "$NSA" 198.51.100.1) || fail "iperf3 UDP 64 B over the bare veth"
  put "$1_veth_udp64" "$w"
  cpu_begin
  v=$(udp_pps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1) || fail "iperf3 UDP 64 B"; put "$1_udp64" "$v"
  cpu_end udp64 "$(udp_received)"; put "$1_udp64_tool" "$(udp_tool)"
  for i in tcp1 tcp4 udp64; do
    [ -n "${CPU_ACC[$i]:-}" ] && put "$1_${i}_cpu" "${CPU_ACC[$i]}"
  done
}
# cpu_begin / cpu_end KIND AMOUNT: around one measurement, add the CPU
# seconds each process of TUNNEL_PIDS used, and AMOUNT (bytes or packets
# received), to CPU_ACC[KIND] as "AMOUNT,CPU_SENDER,CPU_RECEIVER".
cpu_begin() {
  local p; CPU0=()
  for p in "${TUNNEL_PIDS[@]}"; do CPU0+=("$(cpu_s "$p")"); done
}
cpu_end() {
  [ ${#TUNNEL_PIDS[@]} -eq 2 ] || return 0
  local a b n c
  IFS=, read -r n a b <<<"${CPU_ACC[$1]:-0,0,0}"
  c=$(cpu_s "${TUNNEL_PIDS[0]}"); a=$(echo "$a + $c - ${CPU0[0]}" | bc)
  c=$(cpu_s "${TUNNEL_PIDS[1]}"); b=$(echo "$b + $c - ${CPU0[1]}" | bc)
  CPU_ACC[$1]="$((n + ${2:-0})),$a,$b"
}

for p in $PARTS; do
  echo "bench: part $p"
  (
    BENCH_OUT=$OUT
    . "$SRC/bench/lib.sh"
    . "$SRC/bench/peers.sh"
    fail() { log "FAIL: $*"; put "${p}_error" "$*"; exit 1; }
    # A part whose peer is not installed says so and the run goes on.
    skip() { log "SKIP: $*"; put "${p}_skipped" "$*"; exit 0; }
    declare -A CPU_ACC=(); TUNNEL_PIDS=()
    "part_$p"
  ) >>"$LOG" 2>&1
done

export COMMIT=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 "$SRC/bench/report.py" "$OUT" "$RESULTS/latest.json"
