#!/bin/bash
# keygated <-> keygated with no NAT between them: NAT-D finds none, so IKE
# stays on UDP 500 and ESP travels as IP protocol 50 through keygated's raw
# socket (tshark sees ESP and nothing on UDP 4500); ping and TCP pass.
# Site A runs ESP AES-GCM on OpenSSL (KEYGATE_CRYPTO=openssl), site B on the
# IPsec Multi-Buffer library where the CPU allows: each packet crosses engines.
# Site A sends and receives plain ESP through AF_XDP (KEYGATE_ESP_SOCKET=xdp,
# XDP on its eth0), site B through the raw socket (the default): each packet crosses both paths. The capture is on site B's eth0,
# where both directions are seen (AF_XDP frames skip site A's packet taps):
# tshark checks the Ethernet/IPv4 headers site A's AF_XDP path writes.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
capture_start "$NSB" eth0 "$WORK/cap.pcapng"
KEYGATE_ESP_SOCKET=xdp KEYGATE_CRYPTO=openssl start_keygated "$NSA" "$KG_SOURCE_DIR/examples/site-a.cfg"
start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 5 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 5 || fail "ping B->A"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 2M || fail "TCP A->B"
capture_stop
# The engine whose block lists the transform of the example's SAs, per site.
gcm_engine() { kg "$1" "show crypto engine | json" | jq -r '.engines[] | select(.used_for | index("esp-gcm 256")) | .name'; }
eng_a=$(gcm_engine "$NSA"); eng_b=$(gcm_engine "$NSB")
log "ESP AES-GCM engines: site A '$eng_a', site B '$eng_b'"
[[ "$eng_a" == OpenSSL* ]] || { kg "$NSA" "show crypto engine"; fail "KEYGATE_CRYPTO=openssl not followed"; }
[[ "$eng_b" == "Intel IPsec Multi-Buffer"* ]] || log "note: site B has no IPsec Multi-Buffer library path here"
kg "$NSB" "show crypto engine" | grep -q "^crypto engine name:  $eng_b" || fail "show crypto engine text"
# The packet I/O each site chose, and that site A's AF_XDP socket carried ESP both ways.
io_a=$(kg "$NSA" "show crypto engine" | sed -n 's/^plain ESP packet I\/O: //p')
io_b=$(kg "$NSB" "show crypto engine" | sed -n 's/^plain ESP packet I\/O: //p')
log "site A: $io_a"; log "site B: $io_b"
[[ "$io_b" == "raw socket (the default"* ]] || fail "site B: not the raw socket by default"
[[ "$io_a" == "AF_XDP on eth0 "* ]] || fail "site A: no AF_XDP on eth0"
read -r xin xout < <(sed -n 's/.*packets in \([0-9]*\), out \([0-9]*\),.*/\1 \2/p' <<<"$io_a")
[ "${xin:-0}" -ge 20 ] && [ "${xout:-0}" -ge 20 ] || fail "site A's AF_XDP socket carried too little ESP (in ${xin:-?}, out ${xout:-?})"
kg "$NSA" "show crypto ikev2 sa detailed" | grep -q "NAT-T is not detected" || fail "NAT-T detected without a NAT"
kg "$NSA" "show crypto ipsec sa" | grep -q "in use settings ={Tunnel, }" || { kg "$NSA" "show crypto ipsec sa"; fail "SA not plain ESP"; }
# One tshark pass: IP protocol, UDP ports and ISAKMP exchange per frame.
tshark -r "$WORK/cap.pcapng" -T fields -e ip.proto -e udp.port -e isakmp.exchangetype \
  -Y 'esp || udp' 2>/dev/null >"$WORK/frames.txt"
n_esp=$(awk '$1 == 50' "$WORK/frames.txt" | wc -l)
n_4500=$(grep -c '4500' "$WORK/frames.txt")
n_auth=$(awk '$3 == 35' "$WORK/frames.txt" | wc -l)
log "tshark: $n_esp ESP (IP protocol 50) frames, $n_4500 frames on UDP 4500, $n_auth IKE_AUTH on UDP 500"
[ "$n_esp" -ge 20 ] || fail "too few plain ESP frames ($n_esp)"
[ "$n_4500" -eq 0 ] || fail "$n_4500 frames on UDP 4500 without a NAT"
[ "$n_auth" -ge 2 ] || fail "IKE_AUTH not seen on UDP 500"
bad=$(tshark -r "$WORK/cap.pcapng" -o ip.check_checksum:TRUE -Y '_ws.malformed || _ws.expert.severity == error || ip.checksum.status == "Bad"' 2>/dev/null | wc -l)
[ "$bad" -eq 0 ] || fail "tshark: $bad malformed frames"
# Site B's raw socket writes the IPv4 header itself (IP_HDRINCL, io/raw_esp_socket.h):
# like the kernel's own, DF set and TTL 64 (the checksum is checked above).
odd=$(tshark -r "$WORK/cap.pcapng" -Y 'esp && ip.src == 198.51.100.2 && (ip.flags.df == 0 || ip.ttl != 64)' 2>/dev/null | wc -l)
[ "$odd" -eq 0 ] || fail "tshark: $odd ESP frames of site B without DF or with a TTL other than 64"

# Anti-replay and ICV on site A's AF_XDP path: site B's last ESP packet
# (captured) sent again, then with a forged sequence number; each is one
# more packet in through AF_XDP and one more replay / auth failure.
tshark -r "$WORK/cap.pcapng" -Y 'esp && ip.src == 198.51.100.2' -F pcap -w "$WORK/b-esp.pcap" 2>/dev/null ||
  fail "tshark: no ESP frames of site B"
sa_sum() { kg "$NSA" "show crypto ipsec sa" | grep -o "$1 [0-9]*" | awk '{s += $NF} END {print s + 0}'; }
xdp_in() { kg "$NSA" "show crypto engine" | sed -n 's/.*packets in \([0-9]*\),.*/\1/p'; }
r0=$(sa_sum "#replay failures"); a0=$(sa_sum "#auth failures"); x0=$(xdp_in)
ip netns exec "$NSB" python3 "$d/esp_inject.py" "$WORK/b-esp.pcap" 198.51.100.1 replay || fail "inject replay"
wait_for '[ "$(sa_sum "#replay failures")" -eq $((r0 + 1)) ]' 5 || fail "replayed packet not counted as a replay failure"
ip netns exec "$NSB" python3 "$d/esp_inject.py" "$WORK/b-esp.pcap" 198.51.100.1 badicv || fail "inject bad ICV"
wait_for '[ "$(sa_sum "#auth failures")" -eq $((a0 + 1)) ]' 5 || fail "forged packet not counted as an auth failure"
r1=$(sa_sum "#replay failures"); a1=$(sa_sum "#auth failures"); x1=$(xdp_in)
log "site A: replay failures $r0 -> $r1, auth failures $a0 -> $a1, AF_XDP packets in $x0 -> $x1"
[ "$r1" -eq $((r0 + 1)) ] && [ "$a1" -eq $((a0 + 1)) ] || fail "replay/auth counters moved by more than one"
[ "$x1" -ge $((x0 + 2)) ] || fail "the injected packets did not come in through AF_XDP"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping after the bad packets"
log "PASS"
