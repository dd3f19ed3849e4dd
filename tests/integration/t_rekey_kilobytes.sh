#!/bin/bash
# set security-association lifetime kilobytes 2560: a 24 MiB TCP transfer
# through the tunnel crosses the volume limit several times; each time the
# data path reports it and keygated rekeys; every byte arrives.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
ip -n "$NSB" addr add 192.0.2.129/25 dev lo
SW=$WORK/swb; sw_site_b "$SW"
start_charon "$NSB" "$SW"
kg_cfg "$WORK/a.cfg" site-a "crypto ipsec profile default
 set security-association lifetime kilobytes 2560"
start_keygated "$NSA" "$WORK/a.cfg"
wait_for "kg_ready $NSA && sw_has_sa $SW" 20 || fail "tunnel did not come up"
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping"
first=$(kg_in_spis "$NSA")
kg "$NSA" "show crypto ipsec sa" | grep -q "remaining key lifetime (k/sec): (25[0-9][0-9]/" ||
  { kg "$NSA" "show crypto ipsec sa"; fail "show crypto ipsec sa: kilobyte lifetime not shown"; }
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 24M || fail "TCP transfer across volume rekeys"
c=$(kg_stat "$NSA" "CHILD_SA:")
log "CHILD_SA rekeys: $c"
[ "${c:-0}" -ge 5 ] || fail "expected at least 5 volume rekeys for 24 MiB at 2560 KB, saw ${c:-0}"
grep -q "soft volume limit" "$WORK/keygated-$NSA.log" || fail "no volume-limit rekey in the log"
assert_one_fresh_sa "$NSA" "$SW" "$first"
log "PASS"
