#!/bin/bash
# keygate benchmark (issue 4, first step). Builds release binaries, then
# measures in fresh network namespaces, each figure as a ratio against
# references measured in the same run (these are noisy shared machines):
#   veth         bare veth between two namespaces (reference for everything)
#   strongSwan   strongSwan<->strongSwan over kernel-libipsec, AES-GCM-128,
#                ESP in UDP (same data-path class as keygate: user space)
#   keygate      keygated<->keygated from examples/site-a.cfg / site-b.cfg
# Writes a table to stdout and JSON to bench/results/latest.json. A part that
# fails is reported as FAILED (reason); the run itself goes on.
# Env: BENCH_T (iperf3 seconds, default 5), BENCH_PARTS ("veth sw kg").
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
export KG_SOURCE_DIR=$SRC KG_BUILD_DIR=$SRC/build-bench
export BENCH_T=${BENCH_T:-5}
export PARTS=${BENCH_PARTS:-veth sw kg}
RESULTS=$SRC/bench/results
LOG=${BENCH_LOG:-/tmp/keygate-bench-last.log}
[ "$(id -u)" = 0 ] || { echo "bench: needs root (network namespaces)"; exit 1; }
for t in iperf3 jq /usr/lib/ipsec/charon swanctl; do
  command -v "$t" >/dev/null || { echo "bench: missing $t (run make setup)"; exit 1; }
done

OUT=$(mktemp /tmp/kgbench.XXXXXX)
trap 'rm -f "$OUT"' EXIT
# A part cleans up itself on ^C (lib_init's trap); then stop the whole run.
trap 'exit 130' INT TERM
: >"$LOG"
echo "bench: log in $LOG"

build_err=""
echo "bench: building release keygated/keygate in build-bench"
if ! { cmake -S "$SRC" -B "$KG_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKG_TESTS=OFF &&
       ninja -C "$KG_BUILD_DIR" -j2 keygated keygate; } >>"$LOG" 2>&1; then
  build_err="release build failed (see $LOG)"
fi

# Each part runs in its own subshell: lib_init's EXIT trap removes that
# part's namespaces, processes and temp dir, and fail() ends only the part.
part_veth() {
  lib_init
  put veth_tcp1 "$(tcp_bps "$NSB" 198.51.100.2 "$NSA" 198.51.100.1 1)" || fail "iperf3 over veth"
}
part_sw() {
  lib_init
  ip -n "$NSA" addr add 192.0.2.1/25 dev lo
  ip -n "$NSB" addr add 192.0.2.129/25 dev lo
  mkdir -p "$WORK/swa" "$WORK/swb"
  sw_pair_conf "$WORK/swa/swanctl.conf" site-a.example.net site-b.example.net 198.51.100.1 198.51.100.2 192.0.2.0/25 192.0.2.128/25
  sw_pair_conf "$WORK/swb/swanctl.conf" site-b.example.net site-a.example.net 198.51.100.2 198.51.100.1 192.0.2.128/25 192.0.2.0/25
  start_charon "$NSA" "$WORK/swa"
  start_charon "$NSB" "$WORK/swb"
  sw_initiate "$WORK/swa" s2s || fail "swanctl --initiate"
  wait_for "sw_has_sa '$WORK/swb'" 10 || fail "no IKE SA within 10 s"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no ping through the tunnel"
  tunnel_measure sw
}
part_kg() {
  [ -z "$build_err" ] || { put kg_error "$build_err"; exit 1; }
  lib_init
  start_keygated "$NSA" "$SRC/examples/site-a.cfg"
  start_keygated "$NSB" "$SRC/examples/site-b.cfg"
  wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no READY IKE SA within 20 s"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no ping through the tunnel"
  tunnel_measure kg
}
# tunnel_measure NAME: LAN A (192.0.2.1) -> LAN B (192.0.2.129).
tunnel_measure() {
  local v
  v=$(tcp_bps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 1) || fail "iperf3 1 stream"; put "$1_tcp1" "$v"
  v=$(tcp_bps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 4) || fail "iperf3 4 streams"; put "$1_tcp4" "$v"
  v=$(udp_pps "$NSB" 192.0.2.129 "$NSA" 192.0.2.1) || fail "iperf3 UDP 64 B"; put "$1_udp64" "$v"
}

for p in $PARTS; do
  echo "bench: part $p"
  (
    BENCH_OUT=$OUT
    . "$SRC/bench/lib.sh"
    fail() { log "FAIL: $*"; put "${p}_error" "$*"; exit 1; }
    "part_$p"
  ) >>"$LOG" 2>&1
done

val() { awk -v k="$1" '$1 == k { sub(/^[^ ]* /, ""); v = $0 } END { print v }' "$OUT"; }
export COMMIT=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$OUT" "$RESULTS/latest.json" <<'PY'
import json, os, sys, time
vals, errs = {}, {}
for line in open(sys.argv[1]):
    k, _, v = line.rstrip("\n").partition(" ")
    (errs if k.endswith("_error") else vals)[k.removesuffix("_error")] = v
def num(k):
    try: return int(vals[k])
    except (KeyError, ValueError): return None
def ratio(a, b):
    a, b = num(a), num(b)
    return round(a / b, 4) if a and b else None
names = {"veth": "bare veth", "sw": "strongSwan", "kg": "keygate"}
def status(part):
    if part in errs: return f"FAILED ({errs[part]})"
    return "ok" if part in os.environ.get("PARTS", "veth sw kg").split() else "skipped"
res = {
  "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
  "commit": os.environ.get("COMMIT"), "iperf_seconds": int(os.environ["BENCH_T"]),
  "status": {names[p]: status(p) for p in names},
  "veth_tcp1_bps": num("veth_tcp1"),
  "strongswan_tcp1_bps": num("sw_tcp1"), "strongswan_tcp4_bps": num("sw_tcp4"),
  "strongswan_udp64_pps": num("sw_udp64"),
  "keygate_tcp1_bps": num("kg_tcp1"), "keygate_tcp4_bps": num("kg_tcp4"),
  "keygate_udp64_pps": num("kg_udp64"),
  "ike_handshakes_per_s": None, "ike_handshakes_note": "not measured (no load generator yet)",
  "ratios": {
    "strongswan_tcp1/veth": ratio("sw_tcp1", "veth_tcp1"),
    "keygate_tcp1/veth": ratio("kg_tcp1", "veth_tcp1"),
    "keygate_tcp1/strongswan_tcp1": ratio("kg_tcp1", "sw_tcp1"),
    "keygate_tcp4/strongswan_tcp4": ratio("kg_tcp4", "sw_tcp4"),
    "keygate_udp64/strongswan_udp64": ratio("kg_udp64", "sw_udp64"),
  },
}
json.dump(res, open(sys.argv[2], "w"), indent=2); open(sys.argv[2], "a").write("\n")
def g(k): v = num(k); return f"{v/1e9:8.3f} Gb/s" if v else "       -     "
def p(k): v = num(k); return f"{v/1e3:8.1f} kpps" if v else "       -     "
def r(x): return f"{x:.3f}" if x is not None else "-"
R = res["ratios"]
print(f"\n{'measurement':<34}{'value':>14}   ratio")
print(f"{'veth, 1 TCP stream (reference)':<34}{g('veth_tcp1')}   1.000")
print(f"{'strongSwan libipsec, 1 TCP':<34}{g('sw_tcp1')}   {r(R['strongswan_tcp1/veth'])} of veth")
print(f"{'strongSwan libipsec, 4 TCP':<34}{g('sw_tcp4')}")
print(f"{'strongSwan, UDP 64 B':<34}{p('sw_udp64')}")
print(f"{'keygate, 1 TCP':<34}{g('kg_tcp1')}   {r(R['keygate_tcp1/veth'])} of veth, {r(R['keygate_tcp1/strongswan_tcp1'])} of strongSwan")
print(f"{'keygate, 4 TCP':<34}{g('kg_tcp4')}   {r(R['keygate_tcp4/strongswan_tcp4'])} of strongSwan")
print(f"{'keygate, UDP 64 B':<34}{p('kg_udp64')}   {r(R['keygate_udp64/strongswan_udp64'])} of strongSwan")
print(f"{'IKE handshakes/s':<34}{'not measured':>14}   (no load generator yet)")
for part, s in res["status"].items():
    print(f"{part + ':':<12}{s}")
print(f"JSON: {sys.argv[2]}")
PY
