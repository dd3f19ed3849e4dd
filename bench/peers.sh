# User-space VPN peers measured beside keygate (issue 20), sourced by
# bench/run.sh; each part runs in its own subshell after lib.sh, on lib_init's
# veth (198.51.100.1 in NSA, .2 in NSB), with the tunnel carrying LAN A
# 192.0.2.1 -> LAN B 192.0.2.129 like the keygate pair, and is measured by
# tunnel_measure. Each peer is set up as its own documentation recommends;
# a peer that is not installed is skipped with a reason.

# have PROGRAM: an executable PROGRAM is on the PATH.
have() { local p; p=$(command -v "$1") && [ -x "$p" ]; }

# wireguard-go (Debian's 0.0.20220316, no GSO/GRO), ChaCha20-Poly1305. Its
# README documents no speed settings; MTU 1420 as wg-quick sets it. The
# control socket /var/run/wireguard/NAME.sock is not per namespace, so each
# instance has its own interface name (kgwga<pid>, kgwgb<pid>).
part_wg() {
  have wireguard-go && have wg || skip "wireguard-go or wg not installed"
  lib_init
  local ia=kgwga$BASHPID ib=kgwgb$BASHPID pa pb
  # Remove the control sockets too, after lib_cleanup's kill (a SIGKILLed
  # wireguard-go leaves its socket behind).
  trap "rc=\$?; trap - EXIT; (exit \$rc); (lib_cleanup); rm -f /var/run/wireguard/$ia.sock /var/run/wireguard/$ib.sock; exit \$rc" EXIT
  (umask 077; wg genkey >"$WORK/wga.key"; wg genkey >"$WORK/wgb.key")
  wg_start "$NSA" "$ia"; pa=$WG_PID
  wg_start "$NSB" "$ib"; pb=$WG_PID
  wg_conf "$NSA" "$ia" "$WORK/wga.key" "$(wg pubkey <"$WORK/wgb.key")" 198.51.100.2 192.0.2.1 192.0.2.128/25
  wg_conf "$NSB" "$ib" "$WORK/wgb.key" "$(wg pubkey <"$WORK/wga.key")" 198.51.100.1 192.0.2.129 192.0.2.0/25
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no ping through the wireguard-go tunnel"
  TUNNEL_PIDS=("$pa" "$pb")
  tunnel_measure wg
}
# wg_start NS IFNAME: wireguard-go in the foreground (ip netns exec execs it,
# so $! is its pid), WG_PID.
wg_start() {
  ip netns exec "$1" wireguard-go -f "$2" >"$WORK/wireguard-go-$2.log" 2>&1 &
  LIB_PIDS+=($!); WG_PID=$!
  wait_for "[ -S /var/run/wireguard/$2.sock ]" 10 || fail "wireguard-go $2: no control socket"
}
# wg_conf NS IF KEYFILE PEER_PUB PEER_ADDR LAN_ADDR PEER_LAN
wg_conf() {
  ip netns exec "$1" wg set "$2" private-key "$3" listen-port 51820 \
    peer "$4" endpoint "$5:51820" allowed-ips "$7" || fail "wg set $2"
  ip -n "$1" link set "$2" mtu 1420 up
  ip -n "$1" addr add "$6/32" dev "$2"
  ip -n "$1" route add "$7" dev "$2" src "$6"
}

# OpenVPN 2.6 (user space: no DCO module here), point-to-point over UDP with
# TLS and peer-fingerprint (openvpn-examples(5)'s small setup without a PKI;
# 2.6's static keys cannot use AEAD ciphers), data channel AES-256-GCM, and
# the fastest documented settings measured here: --fast-io (the man page: 5-10%
# less CPU on UDP), 4 MiB --sndbuf/--rcvbuf, and the OpenVPN community wiki's
# gigabit tuning, a large --tun-mtu (9000) with --mssfix 0, so that one TCP
# segment of 8,960 bytes is one encryption and the kernel IP-fragments the
# UDP datagram on the veth (in one run here: 0.25 Gb/s with the defaults,
# 0.41-1.5 with these). BENCH_OVPN_OPTS replaces them.
OVPN_OPTS=${BENCH_OVPN_OPTS-"--tun-mtu 9000 --mssfix 0 --sndbuf 4194304 --rcvbuf 4194304"}
# ovpn1500: the same without the tuning (only --fast-io), as a new user runs
# it: the default --tun-mtu 1500.
part_ovpn1500() { OVPN_OPTS="" ovpn_pair ovpn1500; }
part_ovpn() { ovpn_pair ovpn; }
# ovpn_pair NAME: the pair with $OVPN_OPTS, measured as NAME.
ovpn_pair() {
  have openvpn || skip "openvpn not installed"
  lib_init
  local pa pb fa fb
  ovpn_cert "$WORK/a"; ovpn_cert "$WORK/b"
  fa=$(ovpn_fp "$WORK/a.crt"); fb=$(ovpn_fp "$WORK/b.crt")
  ovpn_start "$NSB" b --tls-server --dh none --local 198.51.100.2 --peer-fingerprint "$fa" --ifconfig 192.0.2.129 192.0.2.1
  pb=$OVPN_PID
  ovpn_start "$NSA" a --tls-client --remote 198.51.100.2 --peer-fingerprint "$fb" --ifconfig 192.0.2.1 192.0.2.129
  pa=$OVPN_PID
  wait_for "grep -q 'Initialization Sequence Completed' '$WORK/openvpn-a.log'" 20 || fail "OpenVPN: no tunnel within 20 s"
  wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "no ping through the OpenVPN tunnel"
  grep -qi "data channel: cipher 'AES-256-GCM'" "$WORK/openvpn-a.log" || fail "OpenVPN did not negotiate AES-256-GCM"
  put "$1_opts" "--fast-io${OVPN_OPTS:+ $OVPN_OPTS}"
  TUNNEL_PIDS=("$pa" "$pb")
  tunnel_measure "$1"
}
# ovpn_cert PREFIX: a self-signed EC certificate as in openvpn-examples(5).
ovpn_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:secp384r1 -keyout "$1.key" -out "$1.crt" \
    -nodes -sha256 -days 30 -subj "/CN=$(basename "$1")" >/dev/null 2>&1 || fail "openssl req"
}
ovpn_fp() { openssl x509 -fingerprint -sha256 -noout -in "$1" | cut -d= -f2; }
# ovpn_start NS SIDE ARGS...: openvpn in the foreground, OVPN_PID.
ovpn_start() {
  local ns=$1 s=$2; shift 2
  # shellcheck disable=SC2086
  ip netns exec "$ns" openvpn --dev ovpn0 --dev-type tun --proto udp --port 1194 \
    --cert "$WORK/$s.crt" --key "$WORK/$s.key" --data-ciphers AES-256-GCM --disable-dco \
    --fast-io --verb 3 "$@" $OVPN_OPTS >"$WORK/openvpn-$s.log" 2>&1 &
  LIB_PIDS+=($!); OVPN_PID=$!
}
