# Benchmark helpers on top of tests/integration/lib.sh (namespaces, charon,
# keygated, cleanup trap). Each part of bench/run.sh runs in its own subshell
# so a failing part (lib.sh's fail() exits) does not abort the whole run.
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tests/integration/lib_paths.sh"

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
# median "a,b,c": the middle value (the lower middle of an even count).
median() { echo "$1" | tr ',' '\n' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# tcp_bps SNS SADDR CNS CADDR STREAMS: receiver bits/s.
tcp_bps() {
  local j
  j=$(iperf_json "$1" "$2" "$3" "$4" -P "$5") || return 1
  echo "$j" | jq -e '.end.sum_received.bits_per_second | floor'
}
# udp_pps SNS SADDR CNS CADDR: 64-byte datagrams at full rate, receiver
# datagrams/s; $WORK/udp.json has {packets, seconds} received. With the
# release build: keygate-bench udp-send/udp-recv (64 datagrams per system
# call); without it (peers only), iperf3, whose one datagram per system call
# on each end is then the limit rather than the tunnel.
UDP_TOOL=${BENCH_UDP_TOOL:-$KG_BUILD_DIR/tools/bench/keygate-bench}
udp_tool() {
  # An older build's keygate-bench has no udp-send: its usage does not name it.
  if [ -x "$UDP_TOOL" ] && [[ "$("$UDP_TOOL" udp-send 2>&1)" == *udp-send* ]]; then echo keygate-bench; else echo iperf3; fi
}
udp_pps() {
  local sns=$1 saddr=$2 cns=$3 caddr=$4 port=$((5201 + RANDOM % 500)) rpid rc
  if [ "$(udp_tool)" = iperf3 ]; then
    iperf_json "$@" -u -l 64 -b 0 >/dev/null || return 1
    # iperf3 3.12's "packets" counts datagrams sent even in sum_received;
    # the receiver got packets - lost_packets.
    jq '(.end.sum_received // .end.sum) | {packets: (.packets - .lost_packets), seconds}' \
      "$WORK/iperf3-c.json" >"$WORK/udp.json" || return 1
  else
    ip netns exec "$sns" timeout $((BENCH_T + 25)) "$UDP_TOOL" udp-recv --bind "$saddr" --port $port \
      --seconds "$BENCH_T" >"$WORK/udp.json" 2>"$WORK/udp-recv.log" &
    rpid=$!; LIB_PIDS+=($rpid)
    wait_for "ip netns exec $sns ss -lun | grep -q '$saddr:$port '" 5 || { echo "udp-recv did not start" >&2; return 1; }
    ip netns exec "$cns" timeout $((BENCH_T + 10)) "$UDP_TOOL" udp-send --local "$caddr" --remote "$saddr" --port $port \
      --size 64 --seconds $((BENCH_T + 1)) >"$WORK/udp-send.json" 2>"$WORK/udp-send.log" || { echo "udp-send: $(cat "$WORK/udp-send.log")" >&2; return 1; }
    wait $rpid; rc=$?
    [ $rc -eq 0 ] || { echo "udp-recv rc=$rc: $(cat "$WORK/udp-recv.log")" >&2; return 1; }
  fi
  jq -e '(.packets / .seconds) | floor' "$WORK/udp.json"
}
# udp_received: datagrams received in the last udp_pps run.
udp_received() { jq '.packets' "$WORK/udp.json"; }

# sw_pair_conf FILE LOCAL_ID REMOTE_ID LOCAL_ADDR REMOTE_ADDR LOCAL_TS REMOTE_TS:
# strongSwan side for the strongSwan<->strongSwan reference (as in
# tests/integration/t_strongswan_selfcheck.sh), ESP in UDP. ESP AES-GCM-256
# like keygate's smart default transform set (esp-gcm 256) and OpenVPN's.
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
        esp_proposals = aes256gcm16
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

# --- handshakes (keygate-bench ike) ------------------------------------------
KGBENCH=$KG_BUILD_DIR/tools/bench/keygate-bench
BENCH_HS_COUNT=${BENCH_HS_COUNT:-20000}
BENCH_HS_WINDOW=${BENCH_HS_WINDOW:-64}
BENCH_HS_SOURCES=${BENCH_HS_SOURCES:-16}

# hs_sources NS: the generator's outer source addresses 198.51.100.10.. (as
# many as $BENCH_HS_SOURCES) beside lib_init's .1 on eth0.
hs_sources() {
  local k
  for k in $(seq 0 $((BENCH_HS_SOURCES - 1))); do
    ip -n "$1" addr add 198.51.100.$((10 + k))/32 dev eth0 || return 1
  done
}

# kg_hub_conf FILE AUTH [GLOBAL LINES...]: keygated as a hub at 198.51.100.2
# (seed 004 remote access, without a configuration payload): one profile for
# every client of *.bench.example.net, each session a Virtual-Access of
# Virtual-Template1, IKE AES-GCM-128/PRF SHA-256/X25519, ESP AES-GCM-128.
# AUTH: psk, or "ecdsa TP"/"rsa TP" (trustpoint TP imported before start),
# or eap: the clients with EAP through the RADIUS server 127.0.0.1 (secret
# bench-radius), the hub with its PSK, as seed 004's remote-access hub.
# The global lines set the admission limits of the measurement.
kg_hub_conf() {
  local f=$1 auth=$2; shift 2
  local la="authentication local pre-share" ra="authentication remote pre-share" extra="" tp=""
  case $auth in
    eap)
      ra="authentication remote eap query-identity"; extra=" aaa authentication eap frad"
      tp=$(printf 'aaa new-model\naaa group server radius frad\n server-private 127.0.0.1 auth-port 1812 acct-port 1813 key bench-radius\naaa authentication eap frad group frad\n') ;;
    ecdsa*|rsa*)
      local m=${auth%% *}; tp=${auth#* }
      la="authentication local $m-sig"; ra="authentication remote $m-sig"; extra=" pki trustpoint $tp"
      tp=$(printf 'crypto pki trustpoint %s\n enrollment terminal pem\n revocation-check none\n' "$tp") ;;
  esac
  cat >"$f" <<EOC
hostname bench-hub
!
$tp
!
crypto ikev2 proposal BENCH
 encryption aes-gcm-128
 prf sha256
 group 31
!
crypto ikev2 policy BENCH
 proposal BENCH
!
crypto ikev2 keyring CLIENTS
 peer any
  address 0.0.0.0 0.0.0.0
  pre-shared-key bench-psk
 !
!
crypto ikev2 profile default
 match identity remote fqdn domain bench.example.net
 identity local fqdn hub.example.net
 $la
 $ra
 keyring local CLIENTS
$extra
 virtual-template 1
!
crypto ipsec transform-set GCM128 esp-gcm 128
 mode tunnel
!
crypto ipsec profile default
 set transform-set GCM128
 set ikev2-profile default
!
interface eth0
 ip address 198.51.100.2 255.255.255.0
!
interface Loopback1
 ip address 203.0.113.1 255.255.255.0
!
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback1
 tunnel source eth0
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile default
!
EOC
  printf '%s\n' "$@" >>"$f"
}

# --- IKEv1 handshakes (keygate-bench ikev1) ----------------------------------
BENCH_HS1_WINDOW=${BENCH_HS1_WINDOW:-64}

# hs1_sources NS HUB_NS COUNT: one outer address per IKEv1 client,
# 198.19.0.0 + i on NS's lo (an IKEv1 peer is known by its address, see
# tools/bench/ikev1_load.cc), and the hub's route back to them.
hs1_sources() {
  local i
  for i in $(seq 0 $(($3 - 1))); do echo "addr add 198.19.$((i / 256)).$((i % 256))/32 dev lo"; done |
    ip -n "$1" -batch - || return 1
  ip -n "$2" route add 198.19.0.0/16 via 198.51.100.1
}

# kg_hub1_conf FILE: keygated as an IKEv1 head-end at 198.51.100.2 (seed 001):
# a dynamic crypto map on eth0 answers any peer holding the wildcard
# pre-shared key; ISAKMP policy AES-128, SHA-256, group 14, pre-share; ESP
# AES-128-CBC/HMAC-SHA1 without PFS; the networks each peer negotiates are
# routed into the entry's device while its SA is up.
kg_hub1_conf() {
  cat >"$1" <<EOC
hostname bench-hub
!
crypto isakmp policy 10
 encr aes
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key bench-psk address 0.0.0.0 0.0.0.0
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto dynamic-map DYN 10
 set transform-set TS
!
crypto map HUB 10 ipsec-isakmp dynamic DYN
!
interface eth0
 ip address 198.51.100.2 255.255.255.0
 crypto map HUB
!
interface Loopback1
 ip address 203.0.113.1 255.255.255.0
!
EOC
}

# kg_bench_ikev1 NS REMOTE COUNT: the IKEv1 generator in NS, COUNT clients
# from the addresses hs1_sources added; its JSON on stdout.
kg_bench_ikev1() {
  local ns=$1 remote=$2 count=$3
  [ -x "$KGBENCH" ] || { echo "no $KGBENCH" >&2; return 1; }
  ip netns exec "$ns" timeout "${BENCH_GEN_TIMEOUT:-600}" "$KGBENCH" ikev1 --local 198.19.0.0 --sources "$count" \
    --remote "$remote" --count "$count" --window "$BENCH_HS1_WINDOW" --local-ts 198.18.0.0/16 >"$WORK/gen.json" 2>"$WORK/gen.log"
  local rc=$?
  cat "$WORK/gen.json"
  jq -e '.rate' "$WORK/gen.json" >/dev/null 2>&1 || { echo "generator rc=$rc: $(tail -3 "$WORK/gen.log")" >&2; return 1; }
}

# speed_put: one core's RSA-2048 and ECDSA P-256 sign and verify rates from
# openssl speed (1 s each), as speed_{rsa,ecdsa}_{sign,verify}.
speed_put() {
  local out
  out=$(openssl speed -seconds 1 rsa2048 ecdsap256 2>/dev/null) || return 1
  put speed_rsa_sign "$(echo "$out" | awk '/^rsa 2048 bits/ { print int($(NF-1)) }')"
  put speed_rsa_verify "$(echo "$out" | awk '/^rsa 2048 bits/ { print int($NF) }')"
  put speed_ecdsa_sign "$(echo "$out" | awk '/256 bits ecdsa \(nistp256\)/ { print int($(NF-1)) }')"
  put speed_ecdsa_verify "$(echo "$out" | awk '/256 bits ecdsa \(nistp256\)/ { print int($NF) }')"
}

# kg_bench_ike NS REMOTE COUNT [ARGS...]: run the generator in NS against
# REMOTE; its JSON on stdout (also in $WORK/gen.json).
kg_bench_ike() {
  local ns=$1 remote=$2 count=$3; shift 3
  [ -x "$KGBENCH" ] || { echo "no $KGBENCH" >&2; return 1; }
  ip netns exec "$ns" timeout "${BENCH_GEN_TIMEOUT:-600}" "$KGBENCH" ike --local 198.51.100.10 --sources "$BENCH_HS_SOURCES" \
    --remote "$remote" --count "$count" --window "$BENCH_HS_WINDOW" "$@" >"$WORK/gen.json" 2>"$WORK/gen.log"
  local rc=$?
  cat "$WORK/gen.json"
  jq -e '.rate' "$WORK/gen.json" >/dev/null 2>&1 || { echo "generator rc=$rc: $(tail -3 "$WORK/gen.log")" >&2; return 1; }
}

# kg_bench_ike_split NS REMOTE COUNT [ARGS...]: kg_bench_ike as
# BENCH_HS_GENERATORS processes side by side (default: one per core), each
# with its share of the count, the window and the BENCH_HS_SOURCES
# addresses (--bind-each) and its own clients (--first), so that the
# generator is not one thread that a loaded machine's scheduler starves
# while a multi-threaded responder is not. One JSON line as kg_bench_ike's:
# setups, failed, retransmits, generator_cpu_s and rate_min summed over the
# processes, seconds the longest, rate = setups / seconds.
kg_bench_ike_split() {
  local ns=$1 remote=$2 count=$3; shift 3
  local p=${BENCH_HS_GENERATORS:-$(nproc)} i pids=() rc=0
  [ "$p" -gt 1 ] && [ "$BENCH_HS_SOURCES" -ge "$p" ] || { kg_bench_ike "$ns" "$remote" "$count" "$@"; return; }
  [ -x "$KGBENCH" ] || { echo "no $KGBENCH" >&2; return 1; }
  local per_src=$((BENCH_HS_SOURCES / p)) per=$((count / p)) win=$(( (BENCH_HS_WINDOW + p - 1) / p ))
  for i in $(seq 0 $((p - 1))); do
    local n=$per; [ "$i" = $((p - 1)) ] && n=$((count - per * (p - 1)))
    ip netns exec "$ns" timeout "${BENCH_GEN_TIMEOUT:-600}" "$KGBENCH" ike --local "198.51.100.$((10 + i * per_src))" \
      --sources "$per_src" --bind-each --first $((i * per)) --remote "$remote" --count "$n" --window "$win" "$@" \
      >"$WORK/gen$i.json" 2>"$WORK/gen$i.log" &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || rc=$?; done
  for i in $(seq 0 $((p - 1))); do
    jq -e '.rate' "$WORK/gen$i.json" >/dev/null 2>&1 || { echo "generator $i rc=$rc: $(tail -3 "$WORK/gen$i.log")" >&2; return 1; }
  done
  jq -s -c '{setups: (map(.setups) | add), failed: (map(.failed) | add), seconds: (map(.seconds) | max),
             rate_min: ((map(.rate_min) | add) * 10 | round / 10), retransmits: (map(.retransmits) | add),
             generator_cpu_s: (map(.generator_cpu_s) | add), generators: length}
            | .rate = ((.setups / .seconds * 10 | round) / 10)' "$WORK"/gen[0-9]*.json
}

# sw_hub_start NS DIR AUTH: a strongSwan responder (charon, kernel-libipsec)
# as the same hub: any *.bench.example.net client, PSK (or certificates),
# aes128gcm16-prfsha256-x25519, ESP aes128gcm16; AUTH ikev1: an IKEv1
# responder for keygate-bench ikev1 as kg_hub1_conf (any peer address, PSK,
# aes128-sha256-modp2048, ESP aes128-sha1 without PFS). Logging off and the cookie
# threshold raised (its default, 10 half-open SAs, would throttle the
# generator's window); charon's default thread pool.
sw_hub_start() {
  local ns=$1 dir=$2 auth=${3:-psk} lauth=psk rauth=psk certs=""
  local version=2 props=aes128gcm16-prfsha256-x25519 esp=aes128gcm16 lid=hub.example.net rid="*.bench.example.net"
  mkdir -p "$dir/run" "$dir"/{x509,x509ca,private,pubkey,rsa,ecdsa,pkcs8}
  local plugins="" radius="" eap_id=""
  case $auth in
    psk) ;;
    ikev1)  # keygate-bench ikev1's peers (kg_hub1_conf): Main Mode PSK, known by address
      version=1 props=aes128-sha256-modp2048 esp=aes128-sha1 lid=198.51.100.2 rid=%any ;;
    eap)  # EAP relayed to the RADIUS server 127.0.0.1, as kg_hub_conf's eap
      rauth=eap-radius; eap_id="eap_id = %any"; plugins="eap-identity eap-radius"
      radius="eap-radius { servers { frad { address = 127.0.0.1
                                         secret = bench-radius } } }" ;;
    *) lauth=pubkey; rauth=pubkey; certs="certs = hub.crt" ;;
  esac
  cat >"$dir/strongswan.conf" <<EOC
charon {
  load_modular = no
  load = random nonce openssl aes gcm sha1 sha2 hmac kdf curve25519 pem pkcs1 pkcs8 pubkey x509 revocation constraints kernel-libipsec kernel-netlink socket-default vici $plugins
  cookie_threshold = 100000
  init_limit_half_open = 0
  ikesa_table_size = 4096
  retransmit_timeout = 2.0
  plugins { vici { socket = unix://$dir/charon.vici }
            $radius }
  syslog { daemon { default = -1 } }
  filelog { log { path = $dir/charon.log
      default = 0 ${SW_HUB_LOG:-} } }
}
swanctl {
  load = pem pkcs1 pkcs8 x509 pubkey random nonce openssl
  socket = unix://$dir/charon.vici
}
EOC
  cat >"$dir/swanctl.conf" <<EOC
connections {
  hub {
    version = $version
    local_addrs = 198.51.100.2
    proposals = $props
    local { auth = $lauth
            id = $lid
            $certs }
    remote { auth = $rauth
             id = $rid
             $eap_id }
    children {
      c { local_ts = 203.0.113.0/24
          remote_ts = 198.18.0.0/15
          esp_proposals = $esp }
    }
  }
}
secrets {
  ike-any { secret = "bench-psk" }
}
EOC
  # The hub's LAN (keygated's Loopback1): libipsec routes from its address.
  ip -n "$ns" addr add 203.0.113.1/24 dev lo
  ip netns exec "$ns" sh -c "mount --bind '$dir/run' /run && STRONGSWAN_CONF='$dir/strongswan.conf' exec /usr/lib/ipsec/charon" \
    >"$WORK/charon-$ns.log" 2>&1 &
  LIB_PIDS+=($!); SW_PID=$!
  wait_for "[ -S '$dir/charon.vici' ]" 10 || fail "charon in $ns: no vici socket"
  swanctl_ "$dir" --load-all --file "$dir/swanctl.conf" >"$dir/load.out" 2>&1 || { cat "$dir/load.out"; fail "swanctl --load-all"; }
}

# bench_radius_start NS: FreeRADIUS 3.2 on 127.0.0.1 in NS without debug
# output (as a production server runs), client 127.0.0.1 with secret
# bench-radius, one user "bench" (password bench-pass) for EAP; its own copy
# of /etc/freeradius/3.0 under $WORK. Sets RAD_PID.
bench_radius_start() {
  local d=$WORK/raddb
  cp -a /etc/freeradius/3.0 "$d" || return 1
  mkdir -p "$d/log"
  sed -i -e "s|^\s*logdir = .*|logdir = $d/log|" -e 's|^\s*user = freerad|#user = freerad|' \
    -e 's|^\s*group = freerad|#group = freerad|' "$d/radiusd.conf"
  sed -i "0,/secret = testing123/s//secret = bench-radius/" "$d/clients.conf"
  { printf 'bench Cleartext-Password := "bench-pass"\n'; cat "$d/mods-config/files/authorize"; } >"$d/authorize.new"
  mv "$d/authorize.new" "$d/mods-config/files/authorize"
  ip netns exec "$1" freeradius -f -l "$d/log/radius.log" -d "$d" >"$WORK/freeradius.out" 2>&1 &
  LIB_PIDS+=($!); RAD_PID=$!
  wait_for "ip netns exec $1 ss -lun | grep -q ':1812 '" 20 || { tail -20 "$WORK/freeradius.out"; return 1; }
}

# rss_kib PID: resident set size in KiB.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
