# bench/run.sh's report: reads the "KEY VALUE" lines the parts wrote, prints
# the table and writes bench/results/latest.json. Every figure is shown as a
# ratio against a reference measured in the same run; a part that failed or
# did not run shows "-" and its status says why.
import json
import os
import sys
import time

vals, errs = {}, {}
for line in open(sys.argv[1]):
    k, _, v = line.rstrip("\n").partition(" ")
    (errs if k.endswith("_error") else vals)[k.removesuffix("_error")] = v


def num(k):
    try:
        x = float(vals[k])
        return int(x) if x == int(x) else x
    except (KeyError, ValueError):
        return None


def ratio(a, b):
    return round(a / b, 4) if a and b else None


def rk(a, b):
    return ratio(num(a), num(b))


def runs(k):
    v = vals.get(k)
    return [int(x) for x in v.split(",")] if v else None


# The one-stream figures are medians of BENCH_TCP1_RUNS runs; each tunnel's
# veth ratio uses the bare-veth runs made beside its own (same part).
def per_run(name):
    t, w = runs(f"{name}_tcp1_runs"), runs(f"{name}_veth_tcp1_runs")
    return [round(a / b, 4) for a, b in zip(t, w)] if t and w else None


parts = {
    "veth": "bare veth", "sw": "strongSwan throughput", "kg": "keygate throughput (ESP in UDP)",
    "kgesp": "keygate throughput (plain ESP)", "hs_kg": "keygate handshakes", "hs_sw": "strongSwan handshakes",
    "cert": "certificate handshakes", "mem": "memory per SA", "prof": "profiles",
}
ran = os.environ.get("PARTS", " ".join(parts)).split()


def status(p):
    if p in errs:
        return f"FAILED ({errs[p]})"
    return "ok" if p in ran else "skipped"


# Certificates: per setup the responder signs once and verifies once, so one
# core's ceiling is 1 / (1/sign + 1/verify) (openssl speed, same run).
def ceiling(kind):
    s, v = num(f"speed_{kind}_sign"), num(f"speed_{kind}_verify")
    return round(1 / (1 / s + 1 / v), 1) if s and v else None


res = {
    "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "commit": os.environ.get("COMMIT"),
    "iperf_seconds": int(os.environ.get("BENCH_T", "5")),
    "status": {parts[p]: status(p) for p in parts},
    "throughput": {
        "tcp1_runs": int(os.environ.get("BENCH_TCP1_RUNS", "3")),
        "veth_tcp1_bps": num("veth_tcp1"), "veth_tcp1_runs_bps": runs("veth_tcp1_runs"),
        "strongswan_tcp1_runs_bps": runs("sw_tcp1_runs"), "strongswan_veth_tcp1_runs_bps": runs("sw_veth_tcp1_runs"),
        "keygate_udp_encap_tcp1_runs_bps": runs("kg_tcp1_runs"),
        "keygate_udp_encap_veth_tcp1_runs_bps": runs("kg_veth_tcp1_runs"),
        "keygate_udp_encap_tcp1_per_run_of_veth": per_run("kg"),
        "keygate_plain_esp_tcp1_runs_bps": runs("kgesp_tcp1_runs"),
        "keygate_plain_esp_veth_tcp1_runs_bps": runs("kgesp_veth_tcp1_runs"),
        "strongswan_tcp1_bps": num("sw_tcp1"), "strongswan_tcp4_bps": num("sw_tcp4"),
        "strongswan_udp64_pps": num("sw_udp64"),
        "keygate_udp_encap_tcp1_bps": num("kg_tcp1"), "keygate_udp_encap_tcp4_bps": num("kg_tcp4"),
        "keygate_udp_encap_udp64_pps": num("kg_udp64"),
        "keygate_plain_esp_tcp1_bps": num("kgesp_tcp1"), "keygate_plain_esp_tcp4_bps": num("kgesp_tcp4"),
        "keygate_plain_esp_udp64_pps": num("kgesp_udp64"),
    },
    "handshakes": {
        "count": int(os.environ.get("BENCH_HS_COUNT", "20000")),
        "strongswan_count": int(os.environ.get("BENCH_HS_SW_COUNT", "5000")),
        "keygate": {k: num(f"hs_kg_{k}") for k in
                    ("rate", "rate_min", "setups", "failed", "seconds", "retransmits", "generator_cpu_s", "cpu")},
        "strongswan": {k: num(f"hs_sw_{k}") for k in
                       ("rate", "rate_min", "setups", "failed", "seconds", "retransmits", "generator_cpu_s", "cpu")},
        "limits": "keygated hub: crypto ikev2 limit max-in-negotiation-sa 2000 incoming, cookie-challenge 1000; "
                  "strongSwan: cookie_threshold 100000, init_limit_half_open 0",
    },
    "certificates": {
        kind: {"rate": num(f"cert_{kind}_rate"), "failed": num(f"cert_{kind}_failed"),
               "openssl_sign_per_s": num(f"speed_{kind}_sign"), "openssl_verify_per_s": num(f"speed_{kind}_verify"),
               "ceiling_per_s_one_core": ceiling(kind),
               "rate/ceiling": ratio(num(f"cert_{kind}_rate"), ceiling(kind))}
        for kind in ("ecdsa", "rsa")
    },
    "memory": {
        "sas": num("mem_sas"), "rss_before_kib": num("mem_rss0_kib"), "rss_after_kib": num("mem_rss1_kib"),
        "rss_growth_per_sa_bytes": num("mem_per_sa_bytes"), "target_bytes": 8192,
        "setup_rate": num("mem_rate"), "cookies_under_load": vals.get("mem_cookies"),
        "half_open_after_flood": vals.get("mem_halfopen"),
    },
    "profile": vals.get("prof_file"),
    "ratios": {
        "strongswan_tcp1/veth": rk("sw_tcp1", "sw_veth_tcp1"),
        "keygate_tcp1/veth": rk("kg_tcp1", "kg_veth_tcp1"),
        "keygate_tcp1/strongswan_tcp1": rk("kg_tcp1", "sw_tcp1"),
        "keygate_tcp4/strongswan_tcp4": rk("kg_tcp4", "sw_tcp4"),
        "keygate_udp64/strongswan_udp64": rk("kg_udp64", "sw_udp64"),
        "keygate_plain_esp_tcp1/veth": rk("kgesp_tcp1", "kgesp_veth_tcp1"),
        "keygate_handshakes/strongswan_handshakes": rk("hs_kg_rate", "hs_sw_rate"),
    },
}
with open(sys.argv[2], "w") as f:
    json.dump(res, f, indent=2)
    f.write("\n")

R = res["ratios"]


def g(k):
    v = num(k)
    return f"{v / 1e9:8.3f} Gb/s" if v else "        -    "


def pps(k):
    v = num(k)
    return f"{v / 1e3:8.1f} kpps" if v else "        -    "


def rate(v):
    return f"{v:8.0f} /s   " if v else "        -    "


def r(x):
    return f"{x:.3f}" if x is not None else "-"


# The bare veth measured beside a tunnel's one-stream runs (their median).
def beside(name):
    v = num(f"{name}_veth_tcp1")
    return f" ({v / 1e9:.1f} Gb/s beside it)" if v else ""


rows = [
    ("veth, 1 TCP stream (reference)", g("veth_tcp1"), "1.000"),
    ("strongSwan libipsec, 1 TCP", g("sw_tcp1"), f"{r(R['strongswan_tcp1/veth'])} of veth{beside('sw')}"),
    ("strongSwan libipsec, 4 TCP", g("sw_tcp4"), ""),
    ("strongSwan, UDP 64 B", pps("sw_udp64"), ""),
    ("keygate ESP-in-UDP, 1 TCP", g("kg_tcp1"),
     f"{r(R['keygate_tcp1/veth'])} of veth{beside('kg')}, {r(R['keygate_tcp1/strongswan_tcp1'])}x strongSwan"),
    ("keygate ESP-in-UDP, 4 TCP", g("kg_tcp4"), f"{r(R['keygate_tcp4/strongswan_tcp4'])}x strongSwan"),
    ("keygate ESP-in-UDP, UDP 64 B", pps("kg_udp64"), f"{r(R['keygate_udp64/strongswan_udp64'])}x strongSwan"),
    ("keygate plain ESP, 1 TCP", g("kgesp_tcp1"), f"{r(R['keygate_plain_esp_tcp1/veth'])} of veth{beside('kgesp')}"),
    ("keygate plain ESP, 4 TCP", g("kgesp_tcp4"), ""),
    ("keygate plain ESP, UDP 64 B", pps("kgesp_udp64"), ""),
    (f"strongSwan responder, setups (PSK)", rate(num("hs_sw_rate")),
     f"reference ({res['handshakes']['strongswan_count']} setups)"),
    (f"keygate responder, setups (PSK)", rate(num("hs_kg_rate")),
     f"{r(R['keygate_handshakes/strongswan_handshakes'])}x strongSwan; slowest tenth "
     f"{num('hs_kg_rate_min') or '-'}/s"),
]
for kind, name in (("ecdsa", "ECDSA P-256"), ("rsa", "RSA-2048")):
    c = res["certificates"][kind]
    rows.append((f"keygate setups, {name}", rate(c["rate"]),
                 f"{r(c['rate/ceiling'])} of the 1-core sign+verify ceiling {c['ceiling_per_s_one_core'] or '-'}/s"))
m = res["memory"]
per = m["rss_growth_per_sa_bytes"]
rows.append((f"RSS per IKE+CHILD SA ({m['sas'] or '-'})", f"{per / 1024:8.2f} KiB   " if per else "        -    ",
             f"{r(ratio(per, 8192))} of the 8 KiB target; cookies {m['cookies_under_load'] or '-'}"))

print(f"\n{'measurement':<38}{'value':>14}   ratio   (1 TCP stream: median of {res['throughput']['tcp1_runs']} runs)")
for a, b, c in rows:
    print(f"{a:<38}{b:>14}   {c}")
for part, s in res["status"].items():
    print(f"{part + ':':<34}{s}")
print(f"JSON: {sys.argv[2]}")
