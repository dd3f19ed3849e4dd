# Shared helpers for keygate integration tests (bash). Source it, then call
# lib_init. Every resource a test creates (namespaces, PIDs, temp dirs) is
# recorded and removed by the EXIT trap, also on failure.
set -u
set -o pipefail

KG_SOURCE_DIR=${KG_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
KG_BUILD_DIR=${KG_BUILD_DIR:-$KG_SOURCE_DIR/build}
KEYGATED=$KG_BUILD_DIR/src/daemon/keygated
KEYGATE=$KG_BUILD_DIR/src/cli/keygate

LIB_PIDS=()
LIB_NETNS=()
LIB_CAP_PIDS=()
T0=$(date +%s.%N)

log()  { printf '[%6.2fs] %s\n' "$(echo "$(date +%s.%N) - $T0" | bc)" "$*"; }
fail() { log "FAIL: $*"; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }; }

lib_cleanup() {
  local rc=$?
  set +e
  for p in "${LIB_CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
  sleep 0.3
  for p in "${LIB_PIDS[@]}" "${LIB_CAP_PIDS[@]}"; do kill "$p" 2>/dev/null; done
  sleep 0.3
  for p in "${LIB_PIDS[@]}" "${LIB_CAP_PIDS[@]}"; do kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  for n in "${LIB_NETNS[@]}"; do ip netns del "$n" 2>/dev/null; done
  [ -f "${WORK:-/nonexistent}/netns.list" ] && while read -r n; do ip netns del "$n" 2>/dev/null; done <"$WORK/netns.list"
  if [ $rc -ne 0 ] && [ -n "${WORK:-}" ]; then
    # Show the logs on failure so the ctest output is enough to debug.
    for f in "$WORK"/*.log "$WORK"/*/*.log; do [ -f "$f" ] && { echo "==== $f (tail)"; tail -n 40 "$f"; }; done
  fi
  [ -n "${WORK:-}" ] && [ -z "${KG_KEEP:-}" ] && rm -rf "$WORK"
  exit $rc
}

# lib_init: temp dir, two namespaces NSA/NSB joined by a veth pair named eth0
# on both sides (198.51.100.1/24 in NSA, .2/24 in NSB). Names carry the test
# name and the shell's pid ($BASHPID: unique also for subshells, as in
# bench/run.sh), e.g. kg-keygate_pair-a-1234, so a leftover is traceable.
lib_init() {
  need_root
  WORK=$(mktemp -d /tmp/kgit.XXXXXX)
  trap lib_cleanup EXIT
  trap 'exit 130' INT TERM
  local short id=$BASHPID
  short=$(basename "$0" .sh); short=${short#t_}; short=${short:0:20}
  NSA=kg-$short-a-$id; NSB=kg-$short-b-$id
  ip netns add "$NSA" || fail "netns add $NSA"; LIB_NETNS+=("$NSA")
  ip netns add "$NSB" || fail "netns add $NSB"; LIB_NETNS+=("$NSB")
  ip link add kgva$id netns "$NSA" type veth peer name kgvb$id netns "$NSB" || fail "veth"
  ip -n "$NSA" link set kgva$id name eth0
  ip -n "$NSB" link set kgvb$id name eth0
  ip -n "$NSA" addr add 198.51.100.1/24 dev eth0
  ip -n "$NSB" addr add 198.51.100.2/24 dev eth0
  for n in "$NSA" "$NSB"; do
    ip -n "$n" link set lo up
    ip -n "$n" link set eth0 up
  done
}

# wait_for "CMD" TIMEOUT_SECONDS: poll CMD (eval) every 0.2 s.
# no_tentative NS: no IPv6 address of NS is still in duplicate address
# detection. Chromium aborts a navigation when an address changes under it
# (net::ERR_NETWORK_CHANGED, t_web_page in a full run), as when DAD ends on
# a fresh veth's link-local address about a second after the link came up.
no_tentative() { [ -z "$(ip -n "$1" -6 addr show tentative)" ]; }
wait_for() {
  local cmd=$1 t=$2 end
  end=$(( $(date +%s) + t ))
  while [ "$(date +%s)" -lt "$end" ]; do
    eval "$cmd" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  eval "$cmd" >/dev/null 2>&1
}

# start_keygated NS CONFIG: sets KG_SOCK_<NS> ; prints the socket path.
# KG_DEBUG=1 runs it with debug logging (-v); KG_USER=NAME has it drop to
# user NAME once started (-u).
start_keygated() {
  local ns=$1 cfg=$2 dir=$WORK/kg-$1
  mkdir -p "$dir/state"
  [ -x "$KEYGATED" ] || fail "no keygated at $KEYGATED"
  ip netns exec "$ns" "$KEYGATED" -f "$cfg" -S "$dir/sock" -d "$dir/state" ${KG_DEBUG:+-v} ${KG_USER:+-u "$KG_USER"} \
    >"$WORK/keygated-$ns.log" 2>&1 &
  LIB_PIDS+=($!); KG_LAST_PID=$!
  wait_for "[ -S '$dir/sock' ]" 10 || fail "keygated in $ns: no socket after 10 s"
  log "keygated in $ns running (pid $!, config $(basename "$cfg"))"
}
kg_sock() { echo "$WORK/kg-$1/sock"; }
# kg NS "command": run one CLI command against keygated in NS.
# The answer is read whole, then printed with SIGPIPE ignored: in
# `kg NS CMD | grep -q X` (pipefail) grep may exit at its first match while a
# long answer (a running-config with certificates) is still being written,
# and the writer's SIGPIPE would fail the pipeline although X was there.
kg() {
  (
    trap '' PIPE
    out=$(timeout 10 "$KEYGATE" -S "$(kg_sock "$1")" -c "$2")
    rc=$?
    [ -z "$out" ] || printf '%s\n' "$out" 2>/dev/null || true
    exit $rc
  )
}

# --- strongSwan -----------------------------------------------------------
# start_charon NS DIR: DIR must contain swanctl.conf; writes strongswan.conf.
start_charon() {
  local ns=$1 dir=$2
  mkdir -p "$dir/run" "$dir"/{x509,x509ca,x509aa,x509ocsp,x509ac,x509crl,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12}
  cat >"$dir/strongswan.conf" <<EOC
charon {
  load_modular = no
  # kdf is needed for key derivation; openssl before aes/gcm for speed.
  # pem pkcs1 pkcs8 x509 revocation constraints: certificate authentication.
  load = random nonce openssl aes gcm sha1 sha2 hmac kdf curve25519 pem pkcs1 pkcs8 pubkey x509 revocation constraints kernel-libipsec kernel-netlink socket-default vici ${SW_LOAD:-}
  install_virtual_ip = ${SW_INSTALL_VIP:-no}
  ${SW_CHARON_EXTRA:-}
  retransmit_timeout = ${SW_RETRANSMIT_TIMEOUT:-1.0}
  retransmit_tries = ${SW_RETRANSMIT_TRIES:-3}
  plugins {
    vici { socket = unix://$dir/charon.vici }
    resolve { file = $dir/resolv.conf }  # SW_LOAD=resolve: DNS servers received
  }
  filelog {
    log { path = $dir/charon.log
      default = 1
      ike = 2
      flush_line = yes
      time_format = %T }
  }
}
swanctl {
  # openssl: ECDSA private keys in PKCS#8 files.
  load = pem pkcs1 pkcs8 x509 pubkey random nonce openssl
  socket = unix://$dir/charon.vici
}
EOC
  ip netns exec "$ns" sh -c "mount --bind '$dir/run' /run && STRONGSWAN_CONF='$dir/strongswan.conf' exec /usr/lib/ipsec/charon" \
    >"$WORK/charon-$ns.log" 2>&1 &
  LIB_PIDS+=($!)
  wait_for "[ -S '$dir/charon.vici' ]" 10 || fail "charon in $ns: no vici socket"
  swanctl_ "$dir" --load-all --file "$dir/swanctl.conf" >"$dir/load.out" 2>&1 || { cat "$dir/load.out"; fail "swanctl --load-all"; }
  log "charon in $ns running (pid $!)"
}
# swanctl_ DIR args...
# swanctl_ DIR --op [args...]: --uri must follow the operation.
swanctl_() { local d=$1 op=$2; shift 2; STRONGSWAN_CONF=$d/strongswan.conf timeout 20 swanctl "$op" --uri "unix://$d/charon.vici" "$@" 2> >(grep -v "^plugin '" >&2); }
sw_initiate() { swanctl_ "$1" --initiate --child "$2" >"$1/initiate.out" 2>&1; }
sw_has_sa()   { swanctl_ "$1" --list-sas 2>/dev/null | grep -q ESTABLISHED; }
sw_no_sa()    { ! swanctl_ "$1" --list-sas 2>/dev/null | grep -q -E 'ESTABLISHED|CONNECTING|INSTALLED'; }

# --- traffic --------------------------------------------------------------
# ping_ok NS SRC DST [COUNT]
ping_ok() {
  local out
  out=$(ip netns exec "$1" ping -n -c "${4:-3}" -i 0.2 -W 2 -I "$2" "$3" 2>&1)
  local rc=$?
  echo "$out" | tail -n 2
  return $rc
}
# tcp_transfer SERVER_NS SERVER_ADDR CLIENT_NS CLIENT_ADDR [BYTES]: send BYTES
# (default 20M; K/M suffixes are powers of 1024) over one TCP connection from
# client to server with tcpxfer.pl; fails unless the server read exactly
# BYTES with the expected content. Prints one summary line with the rate.
# TCPXFER_PORT=N: the server's port (default: a random one from 5201).
tcp_transfer() {
  local sns=$1 saddr=$2 cns=$3 caddr=$4 want port=${TCPXFER_PORT:-$((5201 + RANDOM % 500))} t0 t1 got
  local x=$KG_SOURCE_DIR/tests/integration/tcpxfer.pl out=$WORK/tcpxfer-$port
  want=$(numfmt --from=iec "${5:-20M}") || return 1
  ip netns exec "$sns" timeout 40 perl "$x" server "$saddr" $port >"$out.s" 2>"$out.err" &
  local spid=$!; LIB_PIDS+=($spid)
  wait_for "grep -q listening '$out.err'" 5 || { log "TCP server did not start: $(cat "$out.err")"; return 1; }
  t0=$(date +%s.%N)
  ip netns exec "$cns" timeout 30 perl "$x" client "$saddr" $port "$caddr" "$want" >"$out.c" 2>>"$out.err"
  local rc=$?
  t1=$(date +%s.%N)
  wait $spid 2>/dev/null
  got=$(cat "$out.s")
  if [ $rc -ne 0 ] || [ "$got" != "$want ok" ]; then
    log "TCP $caddr -> $saddr: sent $want bytes, server read '${got:-nothing}' (client rc $rc) $(cat "$out.err")"
    return 1
  fi
  log "TCP $caddr -> $saddr: $want bytes received intact in $(printf '%.2f' "$(echo "$t1 - $t0" | bc)") s ($(echo "$want * 8 / ($t1 - $t0) / 1000000" | bc) Mbit/s)"
}

# kg_steering NS MAP: keygated's nft table steering crypto map MAP
# (crypto_map_steering.h), as nft lists it; fails when there is none.
# kg_steer_rules NS: keygated's policy rules (fwmark 0x4b47.... lookup ...),
# failing when there is none. Both read the whole answer first, as kg does,
# so `| grep -q` cannot fail them by SIGPIPE.
# nft_table NS FAMILY NAME: the table as nft lists it, read whole before it
# is printed (SIGPIPE ignored), so `nft_table ... | grep -q X` cannot fail
# because grep stopped reading while nft was still writing (pipefail).
nft_table() {
  ( trap '' PIPE; out=$(ip netns exec "$1" nft list table "$2" "$3" 2>/dev/null) || exit 1
    printf '%s\n' "$out" 2>/dev/null; exit 0 )
}
kg_steering() { nft_table "$1" ip "keygate-cm-$2"; }
kg_steer_rules() {
  ( trap '' PIPE; out=$(ip -n "$1" rule show | grep 'fwmark 0x4b47') || exit 1
    printf '%s\n' "$out" 2>/dev/null; exit 0 )
}

# --- capture --------------------------------------------------------------
capture_start() {
  local ns=$1 ifc=$2 file=$3
  ip netns exec "$ns" dumpcap -q -i "$ifc" -w "$file" >"$WORK/dumpcap.log" 2>&1 &
  LIB_CAP_PIDS+=($!); CAP_PID=$!
  wait_for "[ -s '$file' ]" 5 || fail "dumpcap did not start"
}
# capture_stop: libpcap hands packets to dumpcap a block at a time (TPACKET_V3,
# with a timeout), and what the kernel holds when dumpcap is interrupted is
# counted as received but never written; so the last second's packets (the
# end of a ping that just finished) are given time to reach the file first.
capture_stop() {
  sleep 1
  kill -INT "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; sleep 0.2
}
# tshark_check FILE [ARGS...]: fails on malformed frames / expert errors; sets the
# frame counts N_INIT N_AUTH N_CHILD N_INFO (IKE exchange types 34-37,
# RFC 7296 §3.1), N_MM N_AM N_QM N_INFO1 N_TRANS (IKEv1 Main, Aggressive,
# Quick Mode, informational, transaction: 2, 4, 32, 5, 6) and N_ESP (tshark
# decodes UDP 4500 as NAT-T by default).
# Further arguments go to tshark (-o decryption tables).
tshark_check() {
  local f=$1 bad counts; shift
  bad=$(tshark -r "$f" "$@" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)
  # One pass over the frames: those with an ISAKMP message of each exchange
  # type (IKEv2 34-37; IKEv1 Main 2, Aggressive 4, Quick 32, informational 5,
  # transaction 6) and those with ESP.
  counts=$(tshark -r "$f" "$@" -T fields -E occurrence=a -e frame.protocols -e isakmp.exchangetype 2>/dev/null |
    awk -F'\t' '{ delete seen; k = split($2, t, ",")
                  for (i = 1; i <= k; i++) if (t[i] != "" && !(t[i] in seen)) { seen[t[i]] = 1; n[t[i]]++ }
                  if ($1 ~ /(^|:)esp(:|$)/) esp++ }
                END { print n[34]+0, n[35]+0, n[36]+0, n[37]+0, n[2]+0, n[4]+0, n[32]+0, n[5]+0, n[6]+0, esp+0 }')
  read -r N_INIT N_AUTH N_CHILD N_INFO N_MM N_AM N_QM N_INFO1 N_TRANS N_ESP <<<"$counts"
  if [ $((N_MM + N_AM + N_QM + N_INFO1 + N_TRANS)) -gt 0 ]; then
    log "tshark: Main Mode=$N_MM Aggressive Mode=$N_AM Quick Mode=$N_QM informational=$N_INFO1 transaction=$N_TRANS ESP=$N_ESP malformed/errors=$bad"
  else
    log "tshark: IKE_SA_INIT=$N_INIT IKE_AUTH=$N_AUTH CREATE_CHILD_SA=$N_CHILD INFORMATIONAL=$N_INFO ESP=$N_ESP malformed/errors=$bad"
  fi
  if [ "$bad" -ne 0 ]; then
    tshark -r "$f" "$@" -Y '_ws.malformed || _ws.expert.severity == error' -V 2>/dev/null | head -60
    return 1
  fi
}

# --- keygate <-> strongSwan ----------------------------------------------
# sw_site_b DIR: swanctl.conf for strongSwan playing examples/site-b.cfg
# (conn and child "kg"). The examples use one shared key for both
# directions. SW_PROPOSALS / SW_ESP / SW_LOCAL_TS / SW_REMOTE_TS override;
# SW_CONN_EXTRA / SW_CHILD_EXTRA add swanctl.conf lines (rekey_time, dpd...).
sw_site_b() {
  local psk
  psk=$(awk '/pre-shared-key/ {print $NF; exit}' "$KG_SOURCE_DIR/examples/site-a.cfg")
  mkdir -p "$1"
  cat >"$1/swanctl.conf" <<EOC
connections {
  kg {
    version = 2
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    encap = yes
    proposals = ${SW_PROPOSALS:-aes256gcm16-prfsha256-ecp256}
    ${SW_CONN_EXTRA:-}
    local { auth = psk
            id = site-b.example.net }
    remote { auth = psk
             id = site-a.example.net }
    children {
      kg {
        local_ts = ${SW_LOCAL_TS:-192.0.2.128/25}
        remote_ts = ${SW_REMOTE_TS:-192.0.2.0/25}
        esp_proposals = ${SW_ESP:-aes256gcm16}
        start_action = none
        ${SW_CHILD_EXTRA:-}
      }
    }
  }
}
secrets {
  ike-kg { id-a = site-a.example.net
           id-b = site-b.example.net
           secret = "$psk" }
}
EOC
}
# Number of READY IKE SAs keygated in NS shows.
# sw_ikev1_psk DIR PSK LOCAL_TS REMOTE_TS [ADDR]: DIR/swanctl.conf for
# strongSwan at ADDR (default 198.51.100.2, NSB) as an IKEv1 Main Mode PSK
# peer of keygate in NSA (ESP in UDP: its libipsec data path does only that).
# SW_AGGRESSIVE=yes: Aggressive Mode (as responder strongSwan also needs
# charon's i_dont_care_about_security_and_use_aggressive_mode_psk);
# SW_REMOTE_ID: keygate's identity (default its address); SW_LOCAL_ID:
# strongSwan's own (default ADDR).
sw_ikev1_psk() {
  local me=${5:-198.51.100.2}
  mkdir -p "$1"
  cat >"$1/swanctl.conf" <<EOC
connections {
  kg {
    version = 1
    aggressive = ${SW_AGGRESSIVE:-no}
    local_addrs = $me
    remote_addrs = 198.51.100.1
    encap = yes
    proposals = aes256-sha256-modp2048
    local { auth = psk
            id = ${SW_LOCAL_ID:-$me} }
    remote { auth = psk
             id = ${SW_REMOTE_ID:-198.51.100.1} }
    children {
      kg {
        local_ts = $3
        remote_ts = $4
        esp_proposals = aes128-sha1-modp2048
        start_action = none
      }
    }
  }
}
secrets {
  ike-kg { id-a = ${SW_REMOTE_ID:-198.51.100.1}
           id-b = $me
           secret = "$2" }
}
EOC
}

# ikev1_two_sites PSK [EXTRA]: seed 001's crypto map between two sites, the
# setup of the IKEv1 DPD, invalid-SPI and profile tests. keygated in NSA
# ($WORK/site-a.cfg: ISAKMP policy 10 AES-256/SHA-256/group 14, `crypto
# isakmp key PSK` for 198.51.100.2, crypto map CMAP 10 protecting
# 192.0.2.0/25 <-> 192.0.2.128/25 on eth0, then the EXTRA lines); strongSwan
# in NSB (directory $SW, pid $CHARON) with 192.0.2.129 on lo. Returns once
# pings pass both ways.
ikev1_two_sites() {
  ip -n "$NSB" addr add 192.0.2.129/25 dev lo
  cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key 0 $1 address 198.51.100.2
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
 match address 101
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
!
interface Loopback0
 ip address 192.0.2.1 255.255.255.128
!
access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127
EOC
  [ -z "${2:-}" ] || printf '!\n%s\n' "$2" >>"$WORK/site-a.cfg"
  SW=$WORK/swb
  sw_ikev1_psk "$SW" "$1" 192.0.2.128/25 192.0.2.0/25
  start_charon "$NSB" "$SW"
  CHARON=${LIB_PIDS[-1]}
  start_keygated "$NSA" "$WORK/site-a.cfg"
  # As on IOS, the crypto map's traffic needs a route out (towards the peer).
  ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2
  wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered into cm-CMAP-10"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 20 || { kg "$NSA" "show crypto isakmp sa"; fail "no traffic through the crypto map"; }
  ping_ok "$NSB" 192.0.2.129 192.0.2.1 2 || fail "ping strongSwan->keygate"
  ping_ok "$NSA" 192.0.2.1 192.0.2.129 1 || fail "ping keygate->strongSwan"
}

kg_ready_count() { kg "$1" "show crypto ikev2 sa" 2>/dev/null | grep -c ' READY' ; }
kg_ready() { [ "$(kg_ready_count "$1")" -ge 1 ]; }
# Ages (s) of READY SAs: the "Life/Active Time" line after each READY line.
kg_ready_ages() { kg "$1" "show crypto ikev2 sa" 2>/dev/null | awk '/ READY/ {r=1} r && /Active Time/ {split($NF=="sec"?$(NF-1):$NF,a,"/"); print a[2]+0; r=0}'; }
# kg_pkts NS encaps|decaps: sum over all SAs of "#pkts encaps: N".
kg_pkts() { kg "$1" "show crypto ipsec sa" 2>/dev/null | grep -o "#pkts $2: [0-9]*" | awk '{s+=$3} END {print s+0}'; }
# Unique ids ("#N") of strongSwan's established IKE SAs.
sw_ike_ids() { swanctl_ "$1" --list-sas 2>/dev/null | grep -o '^[^ ].*: #[0-9]*' | grep -o '#[0-9]*'; }
# kg_delete_seen NS T0: keygated has no READY SA older than the moment T0
# (epoch seconds); true when the old SA is gone even if it re-initiated.
kg_delete_seen() {
  local el=$(( $(date +%s) - $2 + 1 )) a
  for a in $(kg_ready_ages "$1"); do [ "$a" -gt "$el" ] && return 1; done
  return 0
}

# sw_traffic_and_delete KGNS SWDIR: with keygated (site-a) in KGNS and
# strongSwan (site-b, conn "kg") in NSB up: ping and TCP both ways; then
# strongSwan deletes the IKE SA and keygated must drop it; then the tunnel is
# re-established and "clear crypto session" must delete strongSwan's SA.
sw_traffic_and_delete() {
  local k=$1 sw=$2 t ids id
  wait_for "ping_ok $k 192.0.2.1 192.0.2.129 1" 10 || fail "first ping keygate->strongSwan"
  ping_ok "$k" 192.0.2.1 192.0.2.129 5 || fail "ping keygate->strongSwan"
  ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping strongSwan->keygate"
  tcp_transfer "$NSB" 192.0.2.129 "$k" 192.0.2.1 || fail "TCP keygate->strongSwan"
  tcp_transfer "$k" 192.0.2.1 "$NSB" 192.0.2.129 || fail "TCP strongSwan->keygate"
  [ "$(kg_pkts "$k" encaps)" -gt 0 ] && [ "$(kg_pkts "$k" decaps)" -gt 0 ] || fail "keygate ESP counters are zero"
  # strongSwan deletes; keygated may re-initiate, so only the OLD SA must go.
  t=$(date +%s)
  swanctl_ "$sw" --terminate --ike kg >"$sw/terminate.out" 2>&1 || { cat "$sw/terminate.out"; fail "swanctl --terminate"; }
  wait_for "kg_delete_seen $k $t" 5 || { kg "$k" "show crypto ikev2 sa"; fail "keygated kept the IKE SA strongSwan deleted"; }
  log "strongSwan delete: keygated dropped the SA"
  # Re-establish (keygated may already have), then clear from keygate.
  # keygated's own retry may win the race with ours: strongSwan then refuses
  # a duplicate CHILD_SA, which is fine (the next check wants one tunnel up).
  if ! wait_for "sw_has_sa $sw" 3; then
    sw_initiate "$sw" kg || grep -q "existing duplicate" "$sw/initiate.out" || { cat "$sw/initiate.out"; fail "re-initiate"; }
  fi
  wait_for "kg_ready $k && sw_has_sa $sw" 10 || fail "tunnel not re-established"
  ids=$(sw_ike_ids "$sw")
  kg "$k" "clear crypto session" || fail "clear crypto session"
  for id in $ids; do
    wait_for "! sw_ike_ids $sw | grep -qx '$id'" 5 || { swanctl_ "$sw" --list-sas; fail "strongSwan kept IKE SA $id after clear crypto session"; }
  done
  log "clear crypto session: strongSwan's SA(s) $ids deleted"
}
