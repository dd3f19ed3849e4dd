#!/bin/bash
# packaging/keygated.service (issue 21): systemd-analyze verify accepts it
# (with ExecStart pointed at this build's keygated), and its exposure score
# from systemd-analyze security stays at 2.0 or below ("OK"); the capability
# bounding set is exactly keygated's three (daemon/privileges.h).
d=$(dirname "$0"); . "$d/lib.sh"
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
WORK=$(mktemp -d /tmp/kgit.XXXXXX); trap 'rm -rf "$WORK"' EXIT
unit=$WORK/keygated.service
sed "s#/usr/local/sbin/keygated#$KEYGATED#" "$KG_SOURCE_DIR/packaging/keygated.service" >"$unit"
out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $out"
grep -q "keygated.service" <<<"$out" && fail "systemd-analyze verify complains: $out"
score=$(systemd-analyze security --offline=yes "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for keygated.service: \([0-9.]*\).*/\1/p')
log "systemd-analyze security: exposure $score"
[ -n "$score" ] && awk -v s="$score" 'BEGIN {exit !(s <= 2.0)}' || fail "exposure ${score:-?} above 2.0"
grep -qx "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE" "$unit" || fail "capability bounding set changed"
log "PASS"
