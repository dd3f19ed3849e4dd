# Helpers for tests with more than the two namespaces of lib_init (a flooder,
# a NAT router): source after lib.sh and lib_init. Everything created is
# recorded in lib.sh's lists, so its EXIT trap removes it.

# add_ns TAG: a third namespace kg-<test>-TAG-<pid> with lo up; prints its name.
add_ns() {
  local short n
  short=$(basename "$0" .sh); short=${short#t_}; short=${short:0:20}
  n=kg-$short-$1-$BASHPID
  ip netns add "$n" || fail "netns add $n"
  LIB_NETNS+=("$n")
  # Callers use NS=$(add_ns TAG): a subshell, whose LIB_NETNS the EXIT trap
  # never sees; lib_cleanup also reads this list.
  echo "$n" >>"$WORK/netns.list"
  ip -n "$n" link set lo up
  echo "$n"
}

# veth_link NS1 IF1 ADDR1/LEN NS2 IF2 ADDR2/LEN: a veth pair between two
# namespaces, addressed and up.
veth_link() {
  local a=$1 ai=$2 aa=$3 b=$4 bi=$5 ba=$6 t=kgl$RANDOM
  ip link add "${t}a" netns "$a" type veth peer name "${t}b" netns "$b" || fail "veth $a/$ai - $b/$bi"
  ip -n "$a" link set "${t}a" name "$ai"
  ip -n "$b" link set "${t}b" name "$bi"
  ip -n "$a" addr add "$aa" dev "$ai"
  ip -n "$b" addr add "$ba" dev "$bi"
  ip -n "$a" link set "$ai" up
  ip -n "$b" link set "$bi" up
}

# kg_stat NS "Label:": the number after a label in show crypto ikev2 stats.
kg_stat() {
  kg "$1" "show crypto ikev2 stats" 2>/dev/null | grep -o "$2 *[0-9]*" | head -1 | grep -o '[0-9]*$'
}

# site_a_with FILE LINES...: examples/site-a.cfg followed by extra global lines.
site_a_with() {
  local out=$1; shift
  cp "$KG_SOURCE_DIR/examples/site-a.cfg" "$out"
  printf '%s\n' "$@" >>"$out"
}

# nat_topology: turns lib_init's NSA - NSB link into NSA - NSR - NSB, NSR
# masquerading NSA (nftables, random source ports): NSA 198.51.100.1/24
# (private, default via 198.51.100.254), NSR 198.51.100.254 / 198.18.1.254
# (public), NSB 198.18.1.2/24. Sets NSR and NAT_PUB.
nat_topology() {
  ip -n "$NSA" link del eth0 || fail "del eth0"
  NSR=$(add_ns r)
  veth_link "$NSA" eth0 198.51.100.1/24 "$NSR" eth0 198.51.100.254/24
  veth_link "$NSR" eth1 198.18.1.254/24 "$NSB" eth0 198.18.1.2/24
  ip -n "$NSA" route add default via 198.51.100.254
  ip netns exec "$NSR" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$NSR" nft -f - <<'EON' || fail "nft masquerade"
table ip kgnat {
  chain post { type nat hook postrouting priority srcnat; oifname "eth1" masquerade random; }
}
EON
  NAT_PUB=198.18.1.254
}

# Configs for nat_topology: site-a (behind the NAT) towards 198.18.1.2, and
# site-b on the public side towards the NAT's address. Extra global lines
# for site-a follow the file name.
site_a_behind_nat() {
  local out=$1; shift
  sed -e 's/address 198.51.100.2$/address 198.18.1.2/' -e 's/tunnel destination 198.51.100.2/tunnel destination 198.18.1.2/' \
    "$KG_SOURCE_DIR/examples/site-a.cfg" >"$out"
  printf '%s\n' "$@" >>"$out"
}
site_b_public() {
  sed -e 's/address 198.51.100.1$/address 198.18.1.254/' -e 's/tunnel destination 198.51.100.1/tunnel destination 198.18.1.254/' \
    -e 's/ip address 198.51.100.2 255.255.255.0/ip address 198.18.1.2 255.255.255.0/' \
    "$KG_SOURCE_DIR/examples/site-b.cfg" >"$1"
}

# no_own_initiation NS: drop keygated's IKE requests as original initiator
# (I flag, RFC 7296 §3.1) so that the peer's initiation is the one.
no_own_initiation() {
  ip netns exec "$1" nft -f - <<'EON' || fail "nft"
table inet kgtest {
  chain out { type filter hook output priority 0;
    udp dport 500 @th,216,8 & 0x08 == 0x08 drop
  }
}
EON
}

# ipsec_peer_port NS: the port of "current_peer ADDR port N" in show crypto ipsec sa.
ipsec_peer_port() { kg "$1" "show crypto ipsec sa" 2>/dev/null | awk '/current_peer/ {print $NF; exit}'; }
