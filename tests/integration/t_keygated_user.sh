#!/bin/bash
# keygated -u nobody (issue 21): once its sockets and TUN devices are open,
# the daemon runs as nobody with only CAP_NET_ADMIN, CAP_NET_RAW and
# CAP_NET_BIND_SERVICE (effective, permitted and bounding set; no_new_privs),
# as /proc/PID/status shows, and still does its work: the keygate<->keygate
# tunnel comes up and carries traffic, a tunnel interface configured after
# the drop gets its TUN device and address (CAP_NET_ADMIN), write memory
# saves into the state directory, which now belongs to nobody, and root's
# shell still reaches the control socket at level 15. The web page on port
# 443 works too: keygated (keeping CAP_NET_BIND_SERVICE) binds the port and
# hands it to keygate-web, which has no capability at all.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
id nobody >/dev/null 2>&1 || { echo "SKIP: no user nobody"; exit 77; }
chmod 0711 "$WORK"  # nobody reaches its state directory below it
{ cat "$KG_SOURCE_DIR/examples/site-a.cfg"; printf 'ip http authentication local\nip http secure-server\n'; } >"$WORK/site-a.cfg"
KG_USER=nobody start_keygated "$NSA" "$WORK/site-a.cfg"; pid_a=$KG_LAST_PID
KG_USER=nobody start_keygated "$NSB" "$KG_SOURCE_DIR/examples/site-b.cfg"; pid_b=$KG_LAST_PID

status() { awk -v k="$2:" '$1 == k {$1 = ""; sub(/^ /, ""); print}' "/proc/$1/status"; }
kept=0000000000003400  # CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_NET_RAW (13)
for pid in $pid_a $pid_b; do
  wait_for "[ \"\$(status $pid Uid)\" = '65534 65534 65534 65534' ]" 10 ||
    fail "keygated $pid did not become nobody: Uid $(status "$pid" Uid)"
  for k in CapEff CapPrm CapBnd; do
    [ "$(status "$pid" $k)" = $kept ] || fail "keygated $pid: $k $(status "$pid" $k), not $kept"
  done
  [ "$(status "$pid" CapInh)" = 0000000000000000 ] || fail "keygated $pid: inheritable capabilities"
  [ "$(status "$pid" CapAmb)" = 0000000000000000 ] || fail "keygated $pid: ambient capabilities"
  [ "$(status "$pid" NoNewPrivs)" = 1 ] || fail "keygated $pid: no_new_privs not set"
  [ "$(status "$pid" Gid)" = '65534 65534 65534 65534' ] || fail "keygated $pid: Gid $(status "$pid" Gid)"
  log "keygated $pid: Uid/Gid nobody, CapEff=CapPrm=CapBnd=$kept, NoNewPrivs 1"
done

# keygate-web on 443 under an unprivileged keygated.
web_pid() { ps -o pid=,comm= --ppid "$pid_a" | awk '$2 == "keygate-web" {print $1; exit}'; }
wait_for '[ -n "$(web_pid)" ] && ip netns exec '"$NSA"' ss -ltn | grep -q ":443 "' 20 ||
  { grep HTTP "$WORK/keygated-$NSA.log"; fail "keygate-web is not listening on 443"; }
web=$(web_pid)
[ "$(status "$web" Uid)" = '65534 65534 65534 65534' ] || fail "keygate-web runs as $(status "$web" Uid)"
for k in CapEff CapPrm CapInh CapAmb; do
  [ "$(status "$web" $k)" = 0000000000000000 ] || fail "keygate-web: $k $(status "$web" $k)"
done
code=$(ip netns exec "$NSB" curl -sk -o /dev/null -w '%{http_code}' https://198.51.100.1/login)
[ "$code" = 200 ] || fail "https://198.51.100.1/login (port 443) got $code"
log "keygate-web (pid $web) serves port 443 under keygated -u nobody, as nobody with no capability"

wait_for "kg_ready $NSA && kg_ready $NSB" 20 || { kg "$NSA" "show crypto ikev2 sa"; fail "no READY IKE SA within 20 s"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSA" 192.0.2.1 192.0.2.129 3 || fail "ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A"
tcp_transfer "$NSB" 192.0.2.129 "$NSA" 192.0.2.1 || fail "TCP A->B"
log "tunnel up between two unprivileged keygated, traffic both ways"

# Work that needs CAP_NET_ADMIN after the drop: a new TUN device and its address.
out=$(kg "$NSA" "configure terminal
interface Tunnel9
 ip address 198.18.9.1 255.255.255.252
end") || fail "configure Tunnel9: $out"
wait_for "ip -n $NSA -4 addr show dev Tunnel9 | grep -q 198.18.9.1/30" 5 ||
  { ip -n "$NSA" addr; fail "Tunnel9 configured after the drop has no TUN device or address"; }
log "Tunnel9 configured after the drop: TUN device with 198.18.9.1/30"

kg "$NSA" "write memory" >/dev/null || fail "write memory as nobody"
f=$WORK/kg-$NSA/state/startup-config
[ "$(stat -c %U "$f")" = nobody ] && grep -q "^interface Tunnel9" "$f" || fail "startup-config not written by nobody"
kg "$NSA" "show privilege" | grep -q "level is 15" || fail "root's shell is not at level 15"
log "write memory saved by nobody; root's shell at level 15"

# Not root: -u as a user other than root is refused with a clear message.
out=$(ip netns exec "$NSA" setpriv --reuid=65534 --regid=65534 --clear-groups \
  "$KEYGATED" -S "$WORK/x.sock" -d "$WORK/x" -u nobody 2>&1) && fail "keygated -u started without root"
grep -q "needs keygated started as root" <<<"$out" || fail "unclear refusal: $out"
log "PASS"
