#!/bin/bash
# ip http secure-server: keygated runs keygate-web (the end users' page of
# seed 000), which drops root and logs each browser in over the control
# socket as the user; Chromium (headless, playwright-core) goes through the
# page at level 1 (web/web_page.js). Here too: keygate-web is restarted when
# it dies, stops on `no ip http secure-server`, the self-signed key is never
# on disk in clear, and `ip http access-class` keeps other addresses out.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
NODE_MODULES=${KG_NODE_MODULES:-/opt/keygate-test-node/node_modules}
[ -d "$NODE_MODULES/playwright-core" ] || fail "playwright-core is not in $NODE_MODULES (make setup installs it)"
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (make setup installs it)"

cfg=$WORK/r1.cfg
cat >"$cfg" <<'EOC'
hostname r1
username op privilege 1 secret 0 Op-Pass-1
username admin privilege 15 secret 0 Adm1n-Pass
privilege exec level 1 show crypto session
access-list 5 permit 198.51.100.0 0.0.0.255
ip http server
ip http port 8080
ip http authentication local
ip http secure-server
ip http secure-port 8443
ip http access-class 5
EOC
start_keygated "$NSA" "$cfg"
kgd=$KG_LAST_PID
chmod 755 "$WORK" "$WORK/kg-$NSA"   # keygate-web runs as nobody and connects to the socket

web_pid() { ps -o pid=,comm= --ppid "$kgd" | awk '$2 == "keygate-web" {print $1; exit}'; }
wait_for '[ -n "$(web_pid)" ] && ip netns exec '"$NSA"' ss -ltn | grep -q ":8443 "' 20 ||
  fail "keygate-web is not listening on 8443"
pid=$(web_pid)
grep -q '%HTTP-5-SERVER_STARTED: HTTP secure server started on port 8443' "$WORK/keygated-$NSA.log" ||
  fail "no SERVER_STARTED log line"
[ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 65534 ] || fail "keygate-web does not run as nobody"
[ "$(awk '/^CapEff:/ {print $2}' /proc/$pid/status)" = 0000000000000000 ] || fail "keygate-web kept capabilities"
grep -rlq "PRIVATE KEY" "$WORK/kg-$NSA/state" && fail "a clear private key in the state directory"
[ -s "$WORK/kg-$NSA/state/http/self-signed.crt" ] || fail "no self-signed certificate"
log "keygate-web (pid $pid) runs as nobody without capabilities; self-signed key sealed"

# The browser, from the client side of the veth (198.51.100.2, admitted).
ip netns exec "$NSB" env NODE_PATH="$NODE_MODULES" timeout 120 node "$KG_SOURCE_DIR/tests/integration/web/web_page.js" \
  http://198.51.100.1:8080/ https://198.51.100.1:8443 op Op-Pass-1 "$KG_BUILD_DIR/test-output/web" ||
  fail "the browser test failed"
grep -q 'Op-Pass-1\|PinNotInUrl' "$WORK/keygated-$NSA.log" && fail "a password or PIN in keygated's log"
log "browser flow passed; screenshots in $KG_BUILD_DIR/test-output/web"

# ip http access-class: an address outside list 5 gets 403.
ip -n "$NSB" addr add 203.0.113.9/32 dev eth0
ip -n "$NSA" route add 203.0.113.9/32 dev eth0
code=$(ip netns exec "$NSB" curl -sk -o /dev/null -w '%{http_code}' --interface 203.0.113.9 https://198.51.100.1:8443/login)
[ "$code" = 403 ] || fail "an address outside the access class got $code"
code=$(ip netns exec "$NSB" curl -sk -o /dev/null -w '%{http_code}' https://198.51.100.1:8443/login)
[ "$code" = 200 ] || fail "an admitted address got $code"
# TLS 1.1 and older are refused.
ip netns exec "$NSB" curl -sk --tls-max 1.1 -o /dev/null https://198.51.100.1:8443/login 2>/dev/null &&
  fail "TLS 1.1 accepted"
log "access class and TLS floor enforced"

# Supervision: killed, it comes back; unconfigured, it goes.
kill -9 "$pid"
wait_for '[ -n "$(web_pid)" ] && [ "$(web_pid)" != '"$pid"' ]' 10 || fail "keygate-web was not restarted"
grep -q '%HTTP-3-SERVER_EXITED: keygate-web exited (signal 9)' "$WORK/keygated-$NSA.log" || fail "no SERVER_EXITED log line"
wait_for 'ip netns exec '"$NSA"' ss -ltn | grep -q ":8443 "' 10 || fail "the restarted keygate-web is not listening"
log "keygate-web restarted after SIGKILL (pid $(web_pid))"
kg "$NSA" $'configure terminal\nno ip http secure-server\nend' || fail "no ip http secure-server"
wait_for '[ -z "$(web_pid)" ]' 5 || fail "keygate-web still runs after no ip http secure-server"
ip netns exec "$NSA" ss -ltn | grep -q ':8443 ' && fail "8443 still open"
grep -q '%HTTP-5-SERVER_STOPPED' "$WORK/keygated-$NSA.log" || fail "no SERVER_STOPPED log line"
log "no ip http secure-server stops it"
log PASS
