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

# sw_ez_client DIR K USER PASSWORD [PULL]: client K (198.51.100.1K) of group
# cisco; PULL=no waits for the server to push its configuration. EZ_GROUP
# and EZ_KEY name another group and its key.
sw_ez_client() {
  mkdir -p "$1"
  cat >"$1/swanctl.conf" <<EOC
connections {
  ez {
    version = 1
    aggressive = yes
    local_addrs = 198.51.100.1$2
    remote_addrs = 198.51.100.1
    encap = yes
    vips = 0.0.0.0
    pull = ${5:-yes}
    proposals = aes256-sha256-modp2048
    ${SW_CONN_EXTRA:-}
    local-1 { auth = psk
              id = keyid:${EZ_GROUP:-cisco} }
    local-2 { auth = xauth
              xauth_id = $3 }
    remote { auth = psk }
    children {
      ez {
        remote_ts = 0.0.0.0/0
        esp_proposals = aes256-sha256
        start_action = none
        ${SW_CHILD_EXTRA:-}
      }
    }
  }
}
secrets {
  ike-ez { id = keyid:${EZ_GROUP:-cisco}
           secret = "${EZ_KEY:-cisco-group-key-5821}" }
  xauth-ez { id = $3
             secret = "$4" }
}
EOC
}

# IKEv1 keys for tshark. sw_ikev1_keylog DIR: the strongswan.conf lines (for
# SW_CHARON_EXTRA) that make charon log its IKE keys into DIR/keys.log (ike
# level 4). sw_ikev1_uat DIR CONN: then the -o argument that lets tshark
# decrypt CONN's ISAKMP SA (its initiator cookie and encryption key Ka).
sw_ikev1_keylog() { printf 'filelog {\n keys { path = %s/keys.log\n default = 0\n ike = 4\n flush_line = yes }\n }' "$1"; }
sw_ikev1_uat() {
  local cookie ka
  cookie=$(swanctl_ "$1" --list-sas --ike "$2" 2>/dev/null | grep -o '[0-9a-f]\{16\}_i' | head -1 | cut -c1-16)
  ka=$(awk '/encryption key Ka/ {k = ""; on = 1; next}
            on && /\] +[0-9]+: / {l = $0; sub(/.*\] +[0-9]+: /, "", l); sub(/  .*/, "", l); gsub(/ /, "", l); k = k l; next}
            on {on = 0; last = k}
            END {print (on ? k : last)}' "$1/keys.log" | tr 'A-F' 'a-f')
  [ -n "$cookie" ] && [ -n "$ka" ] || return 1
  printf 'uat:ikev1_decryption_table:%s,%s' "$cookie" "$ka"  # hex fields: unquoted
}
