# Remote-access helpers (bash, sourced after lib.sh): a switch with several
# client namespaces on the hub's segment, and strongSwan road-warrior
# clients asking for a virtual IP.

# ra_switch N: turns NSB into a switch (bridge br0 holding its eth0, no
# address) and adds client namespaces RA_NS[1..N] on it, 198.51.100.1K/24.
ra_switch() {
  local n=$1 k ns id=$BASHPID
  ip -n "$NSB" addr flush dev eth0
  ip -n "$NSB" link add br0 type bridge || fail "bridge"
  ip -n "$NSB" link set eth0 master br0
  ip -n "$NSB" link set br0 up
  RA_NS=()
  for k in $(seq 1 "$n"); do
    ns=kg-ra-c$k-$id
    ip netns add "$ns" || fail "netns add $ns"; LIB_NETNS+=("$ns")
    ip link add kgc$k-$id netns "$ns" type veth peer name kgp$k-$id netns "$NSB" || fail "veth $ns"
    ip -n "$ns" link set kgc$k-$id name eth0
    ip -n "$ns" addr add 198.51.100.1$k/24 dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    ip -n "$NSB" link set kgp$k-$id master br0
    ip -n "$NSB" link set kgp$k-$id up
    RA_NS[$k]=$ns
  done
}

# sw_ra_client DIR K [ID HUB_ID SECRET]: swanctl.conf for road warrior K
# (198.51.100.1K), by default clientK.example.net with PSK clientK-secret
# against ra-hub.example.net (as examples/ra-hub.cfg), asking for a virtual
# IP and the hub's LAN 203.0.113.0/24 (connection and child "ra").
sw_ra_client() {
  local id=${3:-client$2.example.net} hub=${4:-ra-hub.example.net} secret=${5:-client$2-secret}
  mkdir -p "$1"
  cat >"$1/swanctl.conf" <<EOC
connections {
  ra {
    version = 2
    local_addrs = 198.51.100.1$2
    remote_addrs = 198.51.100.1
    encap = yes
    vips = 0.0.0.0
    proposals = aes256gcm16-prfsha256-ecp256
    local { auth = psk
            id = $id }
    remote { auth = psk
             id = $hub }
    children {
      ra {
        remote_ts = 203.0.113.0/24
        esp_proposals = aes256gcm16
        start_action = none
      }
    }
  }
}
secrets {
  ike-ra { id-a = $id
           id-b = $hub
           secret = "$secret" }
}
EOC
}
# The virtual IP strongSwan in DIR was given ("[VIP]" after the local endpoint).
sw_vip() { swanctl_ "$1" --list-sas 2>/dev/null | grep -o 'local .*\] \[[0-9.]*\]' | grep -o '\[[0-9.]*\]$' | tr -d '[]'; }
