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
