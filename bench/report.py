# bench/run.sh's report: reads the "KEY VALUE" lines the parts wrote, prints
# the table and writes bench/results/latest.json. Every figure is shown as a
# ratio against a reference measured in the same run; a part that failed or
# did not run shows "-" and its status says why.
import json
import os
import sys
import time

vals, errs, skips = {}, {}, {}
for line in open(sys.argv[1]):
    k, _, v = line.rstrip("\n").partition(" ")
    if k.endswith("_error"):
        errs[k.removesuffix("_error")] = v
    elif k.endswith("_skipped"):
        skips[k.removesuffix("_skipped")] = v
    else:
        vals[k] = v


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
    "veth": "bare veth", "sw": "strongSwan throughput", "wg": "wireguard-go throughput",
    "ovpn": "OpenVPN throughput (tuned)", "ovpn1500": "OpenVPN throughput (default MTU)", "kg": "keygate throughput (ESP in UDP)",
    "kgesp": "keygate throughput (plain ESP)", "kgespxdp": "keygate throughput (plain ESP, AF_XDP)", "hs_kg": "keygate handshakes", "hs_sw": "strongSwan handshakes",
    "hs1_kg": "keygate IKEv1 handshakes", "hs1_sw": "strongSwan IKEv1 handshakes",
    "eap": "EAP handshakes through FreeRADIUS", "cert": "certificate handshakes", "token": "token key handshakes",
    "mem": "memory per SA", "prof": "profiles",
}
ran = os.environ.get("PARTS", " ".join(parts)).split()


def status(p):
    if p in errs:
        return f"FAILED ({errs[p]})"
    if p in skips:
        return f"skipped ({skips[p]})"
    return "ok" if p in ran else "skipped"


# Certificates: per setup the responder signs once and verifies once, so one
# core's ceiling is 1 / (1/sign + 1/verify) (openssl speed, same run).
def ceiling(kind):
    s, v = num(f"speed_{kind}_sign"), num(f"speed_{kind}_verify")
    return round(1 / (1 / s + 1 / v), 1) if s and v else None


# The tunnels measured by tunnel_measure (bench/run.sh), each beside the bare
# veth in its own part. "default": the configuration a new user writes
# (examples/site-a.cfg and site-b.cfg, IOS smart defaults); "tuned": with
# `nat force-encap` on site-a. The peers as their documentation recommends.
TUNNELS = {
    "sw": "strongSwan 5.9.8 libipsec", "wg": "wireguard-go 0.0.20220316",
    "ovpn": "OpenVPN 2.6, tun-mtu 9000", "ovpn1500": "OpenVPN 2.6, tun-mtu 1500",
    "kgesp": "keygate, default (plain ESP)", "kg": "keygate, nat force-encap (ESP in UDP)",
    "kgespxdp": "keygate, plain ESP, AF_XDP",
}
PEERS = ("sw", "wg", "ovpn", "ovpn1500")


# cpu(name, kind): "AMOUNT,CPU_SENDER,CPU_RECEIVER" summed over the runs.
def cpu(name, kind):
    v = vals.get(f"{name}_{kind}_cpu")
    if not v:
        return None
    n, a, b = (float(x) for x in v.split(","))
    return {"received": int(n), "sender_cpu_s": round(a, 2), "receiver_cpu_s": round(b, 2)}


# per_cpu(c, scale, ends): amount received per CPU-second of the given ends
# (both by default), times scale.
def per_cpu(c, scale, ends=("sender_cpu_s", "receiver_cpu_s")):
    if not c or sum(c[e] for e in ends) <= 0:
        return None
    return round(c["received"] * scale / sum(c[e] for e in ends), 4)


def tunnel(name):
    c1, c4, cu = cpu(name, "tcp1"), cpu(name, "tcp4"), cpu(name, "udp64")
    return {
        "what": TUNNELS[name], "options": vals.get(f"{name}_opts"),
        "tcp1_bps": num(f"{name}_tcp1"), "tcp1_runs_bps": runs(f"{name}_tcp1_runs"),
        "veth_tcp1_bps": num(f"{name}_veth_tcp1"), "veth_tcp1_runs_bps": runs(f"{name}_veth_tcp1_runs"),
        "tcp1/veth": rk(f"{name}_tcp1", f"{name}_veth_tcp1"), "tcp1_per_run/veth": per_run(name),
        "tcp4_bps": num(f"{name}_tcp4"), "tcp4/tcp1": rk(f"{name}_tcp4", f"{name}_tcp1"),
        "udp64_pps": num(f"{name}_udp64"), "veth_udp64_pps": num(f"{name}_veth_udp64"),
        "udp64/veth": rk(f"{name}_udp64", f"{name}_veth_udp64"), "udp64_tool": vals.get(f"{name}_udp64_tool"),
        # Both ends' CPU seconds (/proc/PID/stat utime+stime) over the runs.
        "tcp1_cpu": c1, "tcp1_gbit_per_cpu_s": per_cpu(c1, 8e-9),
        "tcp1_gbit_per_sender_cpu_s": per_cpu(c1, 8e-9, ("sender_cpu_s",)),
        "tcp1_gbit_per_receiver_cpu_s": per_cpu(c1, 8e-9, ("receiver_cpu_s",)),
        "tcp4_cpu": c4, "tcp4_gbit_per_cpu_s": per_cpu(c4, 8e-9),
        "udp64_cpu": cu, "udp64_kpkts_per_cpu_s": per_cpu(cu, 1e-3),
    }


tunnels = {n: tunnel(n) for n in TUNNELS}


# keygate against each peer: the ratio of the figures, and (for one TCP
# stream) of the ratios to the veth beside each, which cancels the hour.
def versus(k):
    t = tunnels[k]
    out = {}
    for p in PEERS:
        q = tunnels[p]
        out[p] = {
            "tcp1": ratio(t["tcp1_bps"], q["tcp1_bps"]),
            "tcp1_of_veth": ratio(t["tcp1/veth"], q["tcp1/veth"]),
            "udp64": ratio(t["udp64_pps"], q["udp64_pps"]),
            "tcp1_per_cpu_s": ratio(t["tcp1_gbit_per_cpu_s"], q["tcp1_gbit_per_cpu_s"]),
        }
    return out


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
    "tunnels": tunnels,
    "keygate_vs_peers": {"default": versus("kgesp"), "nat force-encap": versus("kg"), "target": 10},
    "veth_udp64_pps": num("veth_udp64"),
    "handshakes": {
        "count": int(os.environ.get("BENCH_HS_COUNT", "20000")),
        "strongswan_count": int(os.environ.get("BENCH_HS_SW_COUNT", "5000")),
        "keygate": {k: num(f"hs_kg_{k}") for k in
                    ("rate", "rate_min", "setups", "failed", "seconds", "retransmits", "generator_cpu_s", "cpu")},
        "strongswan": {k: num(f"hs_sw_{k}") for k in
                       ("rate", "rate_min", "setups", "failed", "seconds", "retransmits", "generator_cpu_s", "cpu")},
        "keygate_setups_per_cpu_s": ratio(num("hs_kg_setups"), num("hs_kg_cpu")),
        "strongswan_setups_per_cpu_s": ratio(num("hs_sw_setups"), num("hs_sw_cpu")),
        "limits": "keygated hub: crypto ikev2 limit max-in-negotiation-sa 2000 incoming, cookie-challenge 1000; "
                  "strongSwan: cookie_threshold 100000, init_limit_half_open 0",
    },
    "handshakes_ikev1": {
        "what": "Main Mode (PSK, AES-128-CBC, SHA-256, group 14) + Quick Mode (ESP AES-128-CBC/SHA1, no PFS), "
                "each peer its own address",
        "count": int(os.environ.get("BENCH_HS1_COUNT", "4000")),
        "keygate": {k: num(f"hs1_kg_{k}") for k in
                    ("rate", "rate_min", "setups", "failed", "seconds", "retransmits", "generator_cpu_s", "cpu")},
        "strongswan": {k: num(f"hs1_sw_{k}") for k in
                       ("rate", "rate_min", "setups", "failed", "seconds", "retransmits", "generator_cpu_s", "cpu")},
        "keygate_setups_per_cpu_s": ratio(num("hs1_kg_setups"), num("hs1_kg_cpu")),
        "strongswan_setups_per_cpu_s": ratio(num("hs1_sw_setups"), num("hs1_sw_cpu")),
    },
    "eap": {
        "method": {"mschapv2": "EAP-MSCHAPv2", "md5": "EAP-MD5", "gtc": "EAP-GTC"}.get(
            os.environ.get("BENCH_EAP_METHOD", "mschapv2"), "EAP") +
        " through FreeRADIUS 3.2 (no debug output) in the hub's namespace",
        "keygate_count": int(os.environ.get("BENCH_EAP_COUNT", "3000")),
        "strongswan_count": int(os.environ.get("BENCH_EAP_SW_COUNT", "1000")),
        "keygate": {k: num(f"eap_kg_{k}") for k in
                    ("rate", "rate_min", "setups", "failed", "seconds", "retransmits", "cpu", "radius_cpu",
                     "generator_cpu_s", "load")},
        "strongswan": {k: num(f"eap_sw_{k}") for k in
                       ("rate", "rate_min", "setups", "failed", "seconds", "retransmits", "cpu", "radius_cpu",
                        "generator_cpu_s", "load")},
    },
    "certificates": {
        kind: {"rate": num(f"cert_{kind}_rate"), "failed": num(f"cert_{kind}_failed"),
               "openssl_sign_per_s": num(f"speed_{kind}_sign"), "openssl_verify_per_s": num(f"speed_{kind}_verify"),
               "ceiling_per_s_one_core": ceiling(kind),
               "rate/ceiling": ratio(num(f"cert_{kind}_rate"), ceiling(kind))}
        for kind in ("ecdsa", "rsa")
    },
    "token_keys": {
        kind: {"file_rate": num(f"token_{kind}_file_rate"), "token_rate": num(f"token_{kind}_token_rate"),
               "file_failed": num(f"token_{kind}_file_failed"), "token_failed": num(f"token_{kind}_token_failed"),
               "token/file": ratio(num(f"token_{kind}_token_rate"), num(f"token_{kind}_file_rate"))}
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
        # Plain ESP against ESP in UDP, same run (target 0.9).
        "keygate_plain_esp_tcp1/udp_encap_tcp1": rk("kgesp_tcp1", "kg_tcp1"),
        "keygate_plain_esp_xdp_tcp1/udp_encap_tcp1": rk("kgespxdp_tcp1", "kg_tcp1"),
        "keygate_plain_esp_xdp_tcp1/veth": rk("kgespxdp_tcp1", "kgespxdp_veth_tcp1"),
        "keygate_handshakes/strongswan_handshakes": rk("hs_kg_rate", "hs_sw_rate"),
        # Setups per CPU-second of each hub process, keygate over strongSwan:
        # the machine's speed (and its load) drops out.
        "keygate_handshakes/strongswan_handshakes_per_cpu_s": ratio(ratio(num("hs_kg_setups"), num("hs_kg_cpu")),
                                                                    ratio(num("hs_sw_setups"), num("hs_sw_cpu"))),
        "keygate_eap/strongswan_eap": rk("eap_kg_rate", "eap_sw_rate"),
        # EAP setups per CPU-second of the hub process, keygated over charon:
        # what the wall-clock ratio becomes when the hub has a core to itself.
        "keygate_eap/strongswan_eap_per_hub_cpu_s": ratio(ratio(num("eap_kg_setups"), num("eap_kg_cpu")),
                                                          ratio(num("eap_sw_setups"), num("eap_sw_cpu"))),
        "keygate_ikev1/strongswan_ikev1": rk("hs1_kg_rate", "hs1_sw_rate"),
        # Setups per CPU-second of each responder process, keygate over strongSwan.
        "keygate_ikev1/strongswan_ikev1_per_cpu_s": ratio(ratio(num("hs1_kg_setups"), num("hs1_kg_cpu")),
                                                          ratio(num("hs1_sw_setups"), num("hs1_sw_cpu"))),
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


def f(v, fmt, scale=1.0):
    return format(v * scale, fmt) if v is not None else "-"


# Setups per CPU-second of the hub process: the machine's speed drops out.
def setups_per_cpu(who, part="eap"):
    e = res[part][who]
    v = ratio(e["setups"], e["cpu"]) if e["setups"] and e["cpu"] else None
    return f"{v:.0f}" if v is not None else "-"


# How many cores the hub process kept busy on average (CPU-s / wall-clock s).
def cores(part):
    v = ratio(num(f"{part}_cpu"), num(f"{part}_seconds"))
    return f"{v:.2f}" if v is not None else "-"


rows = [
    (f"strongSwan responder, setups (PSK)", rate(num("hs_sw_rate")),
     f"reference ({res['handshakes']['strongswan_count']} setups; {setups_per_cpu('strongswan', 'handshakes')} per hub CPU-s; "
     f"hub busy {cores('hs_sw')} cores)"),
    (f"keygate responder, setups (PSK)", rate(num("hs_kg_rate")),
     f"{r(R['keygate_handshakes/strongswan_handshakes'])}x strongSwan (target 10x); "
     f"{setups_per_cpu('keygate', 'handshakes')} per hub CPU-s "
     f"({r(R['keygate_handshakes/strongswan_handshakes_per_cpu_s'])}x); hub busy {cores('hs_kg')} cores; "
     f"slowest tenth {num('hs_kg_rate_min') or '-'}/s"),
]


h1 = res["handshakes_ikev1"]
rows += [
    ("strongSwan IKEv1 responder, MM+QM", rate(num("hs1_sw_rate")),
     f"reference ({h1['count']} peers; {setups_per_cpu('strongswan', 'handshakes_ikev1')} per responder CPU-s; "
     f"busy {cores('hs1_sw')} cores)"),
    ("keygate IKEv1 responder, MM+QM", rate(num("hs1_kg_rate")),
     f"{r(R['keygate_ikev1/strongswan_ikev1'])}x strongSwan; {setups_per_cpu('keygate', 'handshakes_ikev1')} per responder CPU-s "
     f"({r(R['keygate_ikev1/strongswan_ikev1_per_cpu_s'])}x); busy {cores('hs1_kg')} cores; "
     f"slowest tenth {num('hs1_kg_rate_min') or '-'}/s"),
]


eap_m = res["eap"]["method"].split(" ")[0]
rows += [
    (f"strongSwan eap-radius, setups ({eap_m})", rate(num("eap_sw_rate")),
     f"reference ({res['eap']['strongswan_count']} setups; {setups_per_cpu('strongswan')} per hub CPU-s)"),
    (f"keygate {eap_m} via RADIUS, setups", rate(num("eap_kg_rate")),
     f"{r(R['keygate_eap/strongswan_eap'])}x strongSwan wall-clock (target 5x)"),
    (f"  the same per hub CPU-second", f"{setups_per_cpu('keygate'):>8} /CPU-s",
     f"{r(R['keygate_eap/strongswan_eap_per_hub_cpu_s'])}x strongSwan's {setups_per_cpu('strongswan')} per hub CPU-s; "
     f"CPU-s for keygate's run: hub {f(res['eap']['keygate']['cpu'], '.2f')}, FreeRADIUS "
     f"{f(res['eap']['keygate']['radius_cpu'], '.2f')}, generator {f(res['eap']['keygate']['generator_cpu_s'], '.2f')} "
     f"in {f(res['eap']['keygate']['seconds'], '.2f')} s; load average {res['eap']['keygate']['load'] or '-'} "
     f"(strongSwan's run: {res['eap']['strongswan']['load'] or '-'})"),
]
for kind, name in (("ecdsa", "ECDSA P-256"), ("rsa", "RSA-2048")):
    c = res["certificates"][kind]
    rows.append((f"keygate setups, {name}", rate(c["rate"]),
                 f"{r(c['rate/ceiling'])} of the 1-core sign+verify ceiling {c['ceiling_per_s_one_core'] or '-'}/s"))
for kind, name in (("ecdsa", "ECDSA P-256"), ("rsa", "RSA-2048")):
    t = res["token_keys"][kind]
    rows.append((f"keygate setups, {name} key on SoftHSM2", rate(t["token_rate"]),
                 f"{r(t['token/file'])}x the same key from a file ({t['file_rate'] or '-'}/s, same run)"))
m = res["memory"]
per = m["rss_growth_per_sa_bytes"]
rows.append((f"RSS per IKE+CHILD SA ({m['sas'] or '-'})", f"{per / 1024:8.2f} KiB   " if per else "        -    ",
             f"{r(ratio(per, 8192))} of the 8 KiB target; cookies {m['cookies_under_load'] or '-'}"))

# Throughput: one row per tunnel, then keygate against each peer.
print(f"\nThroughput (1 TCP stream: median of {res['throughput']['tcp1_runs']} runs, each right after a bare-veth run;"
      f" 'of veth': that veth beside it; CPU: both ends' tunnel processes)")
print(f"{'tunnel':<38}{'1 TCP Gb/s':>11}{'of veth':>9}{'4 TCP Gb/s':>12}{'4/1':>6}"
      f"{'64 B kpps':>11}{'of veth':>9}{'Gb/CPU-s':>10}{'kpkt/CPU-s':>12}")
print(f"{'bare veth (reference)':<38}{f(num('veth_tcp1'), '.3f', 1e-9):>11}{'1.000':>9}{'':>12}{'':>6}"
      f"{f(num('veth_udp64'), '.1f', 1e-3):>11}{'1.000':>9}")
for n, t in tunnels.items():
    print(f"{t['what']:<38}{f(t['tcp1_bps'], '.3f', 1e-9):>11}{f(t['tcp1/veth'], '.3f'):>9}"
          f"{f(t['tcp4_bps'], '.3f', 1e-9):>12}{f(t['tcp4/tcp1'], '.2f'):>6}{f(t['udp64_pps'], '.1f', 1e-3):>11}"
          f"{f(t['udp64/veth'], '.3f'):>9}{f(t['tcp1_gbit_per_cpu_s'], '.2f'):>10}{f(t['udp64_kpkts_per_cpu_s'], '.1f'):>12}")
vs = res["keygate_vs_peers"]
print(f"\n{'keygate / peer (target 10x)':<38}" + "".join(f"{n:>14}" for n in ("strongSwan", "wireguard-go", "OpenVPN 9000", "OpenVPN 1500")))
for cfg, label in (("default", "keygate default"), ("nat force-encap", "keygate force-encap")):
    for kind, what in (("tcp1", "1 TCP"), ("udp64", "64 B UDP"), ("tcp1_per_cpu_s", "1 TCP per CPU-s")):
        print(f"{label + ', ' + what:<38}" + "".join(f"{f(vs[cfg][p][kind], '.2f') + 'x':>14}" for p in PEERS))

print(f"\n{'plain ESP / ESP in UDP, 1 TCP (target 0.9)':<44}{f(R['keygate_plain_esp_tcp1/udp_encap_tcp1'], '.3f')}"
      f"   AF_XDP: {f(R['keygate_plain_esp_xdp_tcp1/udp_encap_tcp1'], '.3f')}")
print(f"\n{'measurement':<38}{'value':>14}   ratio")
for a, b, c in rows:
    print(f"{a:<38}{b:>14}   {c}")
for part, s in res["status"].items():
    print(f"{part + ':':<34}{s}")
print(f"JSON: {sys.argv[2]}")
