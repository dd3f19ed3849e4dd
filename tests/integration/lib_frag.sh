# IKE fragmentation helpers (source after lib.sh and lib_pki.sh): a chain big
# enough to need RFC 7383 fragmentation, a 1280-byte path between the
# namespaces, and the tshark checks on the capture.

# frag_pki DIR: a root CA (RSA-2048), an intermediate CA and both leaves with
# RSA-4096 keys (site-a, site-b issued by the intermediate): IKE_AUTH carries
# two 4096-bit certificates and a 512-byte AUTH, ~3.5 kB.
frag_pki() {
  pki_ca "$1" ca rsa2048
  pki_ca "$1" sub rsa4096 ca
  # RSA-4096 generation is slow on a loaded machine: both leaves at once.
  pki_leaf "$1" site-a rsa4096 sub site-a.example.net 81 &
  pki_leaf "$1" site-b rsa4096 sub site-b.example.net 82 &
  wait
  [ -s "$1/site-a.crt" ] && [ -s "$1/site-b.crt" ] || fail "leaf certificates"
}

# frag_path_mtu MTU: both ends of the veth get this MTU.
frag_path_mtu() {
  ip -n "$NSA" link set eth0 mtu "$1" && ip -n "$NSB" link set eth0 mtu "$1" || fail "set mtu $1"
}

# frag_cfg SRC DST MTU: a copy of an example with crypto ikev2 fragmentation mtu MTU.
frag_cfg() {
  { echo "crypto ikev2 fragmentation mtu $3"; echo "!"; cat "$1"; } >"$2"
}

# frag_check_capture FILE: IKE_AUTH went as SKF fragments (payload 53) from
# both addresses, and no IP fragment of anything crossed the path.
frag_check_capture() {
  local f=$1 bad a b ipfrag big
  bad=$(tshark -r "$f" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)
  # One pass over the frames: source, IP length, fragment flags, exchange, payload types.
  tshark -r "$f" -T fields -E separator=';' -e ip.src -e ip.len -e ip.flags.mf -e ip.frag_offset \
    -e isakmp.exchangetype -e isakmp.nextpayload 2>/dev/null >"$f.txt"
  a=$(awk -F';' '$1 == "198.51.100.1" && $5 ~ /(^|,)35(,|$)/ && $6 ~ /(^|,)53(,|$)/' "$f.txt" | wc -l)
  b=$(awk -F';' '$1 == "198.51.100.2" && $5 ~ /(^|,)35(,|$)/ && $6 ~ /(^|,)53(,|$)/' "$f.txt" | wc -l)
  ipfrag=$(awk -F';' '$3 == "1" || $3 == "True" || ($4 != "" && $4 != "0")' "$f.txt" | wc -l)
  big=$(awk -F';' '$2 + 0 > 1280' "$f.txt" | wc -l)
  log "tshark: IKE_AUTH in SKF fragments: $a from .1, $b from .2; IP fragments: $ipfrag; datagrams above 1280: $big; malformed: $bad"
  [ "$bad" -eq 0 ] || fail "tshark found malformed frames"
  [ "$a" -ge 2 ] && [ "$b" -ge 2 ] || fail "IKE_AUTH was not carried in SKF fragments both ways"
  [ "$ipfrag" -eq 0 ] || fail "IP-fragmented packets on the path"
  [ "$big" -eq 0 ] || fail "datagrams above the path MTU"
}

# frag_check_stats NS: show crypto ikev2 stats counts fragments both ways;
# show crypto ikev2 sa detailed says fragmentation is in use.
frag_check_stats() {
  local s
  kg "$1" "show crypto ikev2 sa detailed" | grep -q "Fragmentation configured, in use." ||
    { kg "$1" "show crypto ikev2 sa detailed"; fail "$1: show crypto ikev2 sa detailed: fragmentation not in use"; }
  s=$(kg "$1" "show crypto ikev2 stats")
  grep -E "IKE fragments \(RFC 7383\) out: +[1-9]" <<<"$s" | grep -qE "reassembled: +[1-9]" ||
    { echo "$s"; fail "$1: show crypto ikev2 stats shows no fragments"; }
}
