#!/bin/bash
# The NAT in front of site-a changes its public address mid-tunnel (issue 21):
# an nftables masquerade to 198.18.1.254 is replaced by SNAT to a second
# public address, 198.18.1.253, and the old mappings expire, so site-a's
# packets suddenly come from another address and port. site-b (public side)
# follows the authenticated ESP to the new address (RFC 7296 §2.23, as IOS
# and strongSwan do without MOBIKE), its IKE SA too; traffic goes on both
# ways, and an IKE rekey through the new mapping succeeds.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_paths.sh"; . "$d/lib_lifetime.sh"
lib_init
nat_topology
ip -n "$NSR" addr add 198.18.1.253/24 dev eth1
site_a_behind_nat "$WORK/a.cfg" "crypto ikev2 profile default" " lifetime 40"
site_b_public "$WORK/b.cfg"
no_own_initiation "$NSB"
start_keygated "$NSA" "$WORK/a.cfg"
start_keygated "$NSB" "$WORK/b.cfg"
wait_for "kg_ready $NSA && kg_ready $NSB" 20 || fail "no IKE SA through the NAT"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
kg "$NSB" "show crypto ipsec sa" | grep -q "current_peer 198.18.1.254 port" || fail "B does not see the NAT's first address"
p1=$(ipsec_peer_port "$NSB")
log "tunnel up; B sends to the NAT's mapping 198.18.1.254:$p1"

# New public address: SNAT instead of masquerade, old entries expire in silence.
ip netns exec "$NSR" nft -f - <<'EON' || fail "nft snat"
flush chain ip kgnat post
table ip kgnat {
  chain post { oifname "eth1" snat to 198.18.1.253; }
}
EON
ct() { ip netns exec "$NSR" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=$1 net.netfilter.nf_conntrack_udp_timeout_stream=$1; }
# An entry takes the new timeout when a packet refreshes it: one ping, then silence.
ct 1; ping_ok "$NSA" 192.0.2.1 192.0.2.129 1 >/dev/null; sleep 3; ct 120
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B after the NAT's address changed"
wait_for "kg $NSB 'show crypto ipsec sa' | grep -q 'current_peer 198.18.1.253 port'" 5 ||
  { kg "$NSB" "show crypto ipsec sa"; fail "B's CHILD_SA did not follow the new address"; }
wait_for "kg $NSB 'show crypto ikev2 sa' | grep -q '198.18.1.253/'" 5 ||
  { kg "$NSB" "show crypto ikev2 sa"; fail "B's IKE SA did not follow the new address"; }
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A after the NAT's address changed"
log "NAT address changed 198.18.1.254:$p1 -> 198.18.1.253:$(ipsec_peer_port "$NSB"): B followed, traffic both ways"

# The IKE SA (lifetime 40 s) rekeys through the new mapping.
i0=$(kg_stat "$NSA" "Rekeys: IKE SA:")
wait_for "[ \"\$(kg_stat $NSA 'Rekeys: IKE SA:')\" -gt ${i0:-0} ]" 45 || fail "no IKE rekey through the new mapping"
wait_for "kg_ready $NSA && kg_ready $NSB" 10 || fail "no READY IKE SA after the rekey"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B after the rekey"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A after the rekey"
[ "$(kg_ready_count "$NSB")" = 1 ] || { kg "$NSB" "show crypto ikev2 sa"; fail "B: not one IKE SA after the rekey"; }
log "IKE SA rekeyed through 198.18.1.253; one IKE SA, traffic both ways"
log "PASS"
