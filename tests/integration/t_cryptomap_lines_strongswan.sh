#!/bin/bash
# Two permit lines of one crypto map ACL to the same network, differing only
# in the TCP port (5001 and 5002): as on IOS each line is its own pair of
# Quick Mode proxy identities and IPsec SA, and each line's traffic leaves
# on its own SA (destination_index.h), so that strongSwan 5.9.8 (IKEv1, two
# children whose traffic selectors differ only by port) takes both. Before,
# the data path chose by destination alone: one port's packets left on the
# other line's SA, and strongSwan dropped them (policy mismatch).
# keygated routes for a LAN (203.0.113.0/24, namespace C):
#  1. TCP 203.0.113.10 -> 192.0.2.129:5001 starts Main Mode and both Quick
#     Modes (show crypto ipsec sa: identities .../6/5001 and .../6/5002);
#  2. 2 MiB of TCP to port 5001, then to port 5002, both arrive whole;
#  3. each of keygated's SAs carried its own line's packets: each of
#     strongSwan's children took its line's 2 MiB (not the other's too) on
#     the SA keygated sent them on, and keygated decrypted on each SA
#     exactly the packets the child sent; no policy drops in keygated;
#  4. tshark: well formed, and no TCP to 5001/5002 in clear;
#  5. strongSwan deletes line 2's SA (swanctl --terminate --child p5002):
#     the next TCP to port 5002 has no SA of its line on keygated's device
#     (line 1's is not taken), and that brings a new Quick Mode for line 2
#     on the ISAKMP SA that is up; the TCP arrives.
# site-a has systemd's sysctl default net.ipv4.conf.default.rp_filter=2,
# which new devices take: decrypted packets come in on cm-CMAP-10, which has
# no address, while the main table routes their source out of eth0, so the
# kernel would drop them (loose as strict); keygated sets 0 on its device.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_paths.sh"
lib_init
NSC=$(add_ns c)
veth_link "$NSA" eth1 203.0.113.1/24 "$NSC" eth0 203.0.113.10/24
ip -n "$NSC" route add default via 203.0.113.1
ip netns exec "$NSA" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$NSA" sysctl -qw net.ipv4.conf.default.rp_filter=2
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
ip -n "$NSA" route add 192.0.2.128/25 via 198.51.100.2  # the crypto map's traffic needs a route out
PSK=cmap-lines-key-7d02
cat >"$WORK/site-a.cfg" <<EOC
hostname site-a
!
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
crypto isakmp key 0 $PSK address 198.51.100.2
!
crypto ipsec transform-set TS esp-aes esp-sha-hmac
!
crypto map CMAP 10 ipsec-isakmp
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
 match address LINES
!
interface eth0
 ip address 198.51.100.1 255.255.255.0
 crypto map CMAP
!
ip access-list extended LINES
 permit tcp 203.0.113.0 0.0.0.255 192.0.2.128 0.0.0.127 eq 5001
 permit tcp 203.0.113.0 0.0.0.255 192.0.2.128 0.0.0.127 eq 5002
EOC
SW=$WORK/swb
mkdir -p "$SW"
child() {  # a strongSwan child for one ACL line, as its mirror
  cat <<EOC
      p$1 {
        local_ts = 192.0.2.128/25[tcp/$1]
        remote_ts = 203.0.113.0/24[tcp]
        esp_proposals = aes128-sha1-modp2048
        start_action = none
      }
EOC
}
cat >"$SW/swanctl.conf" <<EOC
connections {
  kg {
    version = 1
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    encap = yes
    proposals = aes256-sha256-modp2048
    local { auth = psk
            id = 198.51.100.2 }
    remote { auth = psk
             id = 198.51.100.1 }
    children {
$(child 5001)
$(child 5002)
    }
  }
}
secrets {
  ike-kg { id-a = 198.51.100.1
           id-b = 198.51.100.2
           secret = "$PSK" }
}
EOC
start_charon "$NSB" "$SW"
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
wait_for "kg_steering $NSA CMAP | grep -q 'meta mark set'" 5 || fail "crypto map CMAP is not steered"
rp=$(ip netns exec "$NSA" cat /proc/sys/net/ipv4/conf/cm-CMAP-10/rp_filter)
[ "$rp" = 0 ] || fail "cm-CMAP-10: rp_filter $rp, not 0"

# 1. The first packet starts both lines' SAs.
ip netns exec "$NSC" timeout 2 bash -c 'echo >/dev/tcp/192.0.2.129/5001' 2>/dev/null
both() { swanctl_ "$SW" --list-sas >"$WORK/sas1.txt" 2>/dev/null; [ "$(grep -c INSTALLED "$WORK/sas1.txt")" -ge 2 ]; }
wait_for both 20 || { swanctl_ "$SW" --list-sas; kg "$NSA" "show crypto ipsec sa"; fail "not both lines' SAs up"; }
kg "$NSA" "show crypto ipsec sa" >"$WORK/ipsec.txt"
for p in 5001 5002; do
  grep -q "remote ident (addr/mask/prot/port): (192.0.2.128/255.255.255.128/6/$p)" "$WORK/ipsec.txt" ||
    { cat "$WORK/ipsec.txt"; fail "show crypto ipsec sa: no SA for port $p"; }
done
log "both ACL lines have their SA pair (ports 5001 and 5002)"

# 2. Both lines' traffic arrives.
TCPXFER_PORT=5001 tcp_transfer "$NSB" 192.0.2.129 "$NSC" 203.0.113.10 2M || { kg "$NSA" "show crypto ipsec sa"; fail "TCP to port 5001"; }
TCPXFER_PORT=5002 tcp_transfer "$NSB" 192.0.2.129 "$NSC" 203.0.113.10 2M || { kg "$NSA" "show crypto ipsec sa"; swanctl_ "$SW" --list-sas; fail "TCP to port 5002"; }
log "TCP to ports 5001 and 5002 through their SAs"

# 3. Counters, per line: strongSwan's child for port P took its 2 MiB (and
# not the other line's too) on the SA keygated sends with, and keygated
# decrypted on that SA exactly what the child sent. strongSwan may take fewer
# packets in than keygated sent (libipsec's socket overflows under a burst;
# TCP sends those again), never more.
sleep 1
swanctl_ "$SW" --list-sas >"$WORK/sas.txt"
kg "$NSA" "show crypto ipsec sa" >"$WORK/ipsec.txt"
# "p5001: #1, reqid 1, INSTALLED, ..." then
# "in  1c8c1287, 2178340 bytes,  1561 packets, ..." and "out 45a5c9bd, ..."
sw_child() {  # child -> "IN_SPI IN_BYTES IN_PACKETS OUT_PACKETS"
  awk -v c="$1:" '$1 == c {f=1; next} f && $1 == "in" {sub(",", "", $2); i=$2 " " $3 " " $5}
    f && $1 == "out" {print i, $5; exit}' "$WORK/sas.txt"
}
kg_sa() {  # outbound SPI (hex) -> "ENCAPS DECAPS" of that SA (its counters come before the SPI)
  awk -v s="$1" '/#pkts encaps:/ {e=$3; sub(",", "", e)} /#pkts decaps:/ {d=$3; sub(",", "", d)}
    /current outbound spi:/ {x=tolower($4); sub(/\(.*/, "", x); if (x == "0x" tolower(s)) {print e + 0, d + 0; f=1; exit}}
    END {if (!f) print 0, 0}' "$WORK/ipsec.txt"
}
for p in 5001 5002; do
  read -r spi inb inp outp <<<"$(sw_child p$p)"
  [ -n "${outp:-}" ] || { cat "$WORK/sas.txt"; fail "strongSwan: no child p$p"; }
  read -r enc dec <<<"$(kg_sa "$spi")"
  log "port $p: strongSwan child p$p (SPI $spi) in $inp packets / $inb bytes, out $outp; keygated's SA encaps $enc, decaps $dec"
  [ "$inb" -ge 2097152 ] && [ "$inb" -lt 4194304 ] || { cat "$WORK/sas.txt"; fail "port $p: strongSwan's child took $inb bytes, not its line's 2 MiB"; }
  [ "$inp" -le "$enc" ] || { cat "$WORK/sas.txt" "$WORK/ipsec.txt"; fail "port $p: strongSwan took $inp packets, keygated sent $enc on that SA"; }
  [ "$dec" -eq "$outp" ] || { cat "$WORK/sas.txt" "$WORK/ipsec.txt"; fail "port $p: strongSwan sent $outp, keygated decrypted $dec on that SA"; }
done
kg_pol=$(grep -o "#policy drops [0-9]*" "$WORK/ipsec.txt" | awk '{s+=$3} END {print s+0}')
[ "$kg_pol" -eq 0 ] || { cat "$WORK/ipsec.txt"; fail "keygated dropped $kg_pol packets by policy"; }
capture_stop
tshark_check "$WORK/cap.pcapng" || fail "tshark: malformed"
clear=$(tshark -r "$WORK/cap.pcapng" -Y 'tcp.port == 5001 || tcp.port == 5002' 2>/dev/null | wc -l)
[ "$clear" -eq 0 ] || fail "tshark: $clear TCP packets of the map's lines in clear"
log "tshark: ESP=$N_ESP, none of the lines' TCP in clear"

# 5. A lost line's SA comes back with its next packet.
swanctl_ "$SW" --terminate --child p5002 >/dev/null 2>&1 || fail "swanctl --terminate --child p5002"
gone5002() { ! kg "$NSA" "show crypto ipsec sa" | grep -q "/6/5002)"; }
wait_for gone5002 10 || { kg "$NSA" "show crypto ipsec sa"; fail "keygated kept line 2's SA after strongSwan deleted it"; }
swanctl_ "$SW" --list-sas >"$WORK/sas2.txt"
grep -q "p5002:.*INSTALLED" "$WORK/sas2.txt" && { cat "$WORK/sas2.txt"; fail "strongSwan still has line 2's SA"; }
TCPXFER_PORT=5002 tcp_transfer "$NSB" 192.0.2.129 "$NSC" 203.0.113.10 256K ||
  { kg "$NSA" "show crypto ipsec sa"; swanctl_ "$SW" --list-sas; fail "TCP to port 5002 after its SA was deleted"; }
swanctl_ "$SW" --list-sas >"$WORK/sas3.txt"
grep -q "p5002:.*INSTALLED" "$WORK/sas3.txt" || { cat "$WORK/sas3.txt"; fail "line 2's SA did not come back"; }
kg "$NSA" "show crypto ipsec sa" | grep -q "/6/5002)" || fail "keygated: line 2's SA did not come back"
log "line 2's SA deleted by strongSwan: the next TCP to 5002 negotiated it again and arrived"
grep -q "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" && { grep "ERROR\|AddressSanitizer" "$WORK/keygated-$NSA.log" | head; fail "errors in keygated's log"; }
log "PASS"
