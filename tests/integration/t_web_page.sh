#!/bin/bash
# ip http secure-server: keygated runs keygate-web (the end users' page of
# seed 000), which drops root and logs each browser in over the control
# socket as the user; Chromium (headless, playwright-core) goes through the
# page at level 1 (web/web_page.js). Here too: keygate-web is restarted when
# it dies, stops on `no ip http secure-server`, the self-signed key is never
# on disk in clear, and `ip http access-class` keeps other addresses out.
# keygated binds the ports and hands them over: one socket takes IPv6 and
# IPv4 alike. `ip http secure-trustpoint` serves the imported certificate.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
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
# TMPDIR: Chromium's own files (org.chromium.Chromium.*) go with $WORK even
# when the browser dies with the test.
wait_for "no_tentative $NSB" 10 || fail "IPv6 DAD still running in $NSB"
ip netns exec "$NSB" env TMPDIR="$WORK" NODE_PATH="$NODE_MODULES" timeout 120 node "$KG_SOURCE_DIR/tests/integration/web/web_page.js" \
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

# IPv6: the same listening socket answers on 2001:db8::1 (403 while the
# IPv4-only access class is set, as IOS's standard ACL admits no IPv6).
ip -n "$NSA" -6 addr add 2001:db8::1/64 dev eth0 nodad
ip -n "$NSB" -6 addr add 2001:db8::2/64 dev eth0 nodad
code=$(ip netns exec "$NSB" curl -6 -sk -o /dev/null -w '%{http_code}' 'https://[2001:db8::1]:8443/login')
[ "$code" = 403 ] || fail "IPv6 with an IPv4 access class got $code"
kg "$NSA" $'configure terminal\nno ip http access-class 5\nend' || fail "no ip http access-class"
wait_for "[ \"\$(ip netns exec $NSB curl -6 -sk -o /dev/null -w '%{http_code}' 'https://[2001:db8::1]:8443/login')\" = 200 ]" 10 ||
  fail "no page over IPv6"
code=$(ip netns exec "$NSB" curl -4 -sk -o /dev/null -w '%{http_code}' https://198.51.100.1:8443/login)
[ "$code" = 200 ] || fail "IPv4 got $code beside IPv6"
log "keygate-web answers on IPv6 (2001:db8::1) and IPv4 alike"

# ip http secure-trustpoint with an imported certificate: curl trusting only
# the test CA reaches the page by the certificate's name; before, the
# self-signed certificate does not verify.
P=$WORK/pki; mkdir -p "$P"
pki_ca "$P" ca rsa2048
pki_leaf "$P" web rsa2048 ca r1.example.net 20
pki_pem_set "$P" web "$WORK/web" web-pass ca
curl_ca() { ip netns exec "$NSB" curl -s -o /dev/null -w '%{http_code}' --cacert "$P/ca.crt" \
  --resolve r1.example.net:8443:198.51.100.1 https://r1.example.net:8443/login; }
[ "$(curl_ca)" = 200 ] && fail "the self-signed certificate verified against the test CA"
kg "$NSA" $'configure terminal\ncrypto pki trustpoint web\n enrollment terminal pem\n revocation-check none\nend' ||
  fail "trustpoint web"
kg_import "$NSA" web "$WORK/web" web-pass
kg "$NSA" $'configure terminal\nip http secure-trustpoint web\nend' || fail "ip http secure-trustpoint web"
wait_for '[ "$(curl_ca)" = 200 ]' 10 || fail "the page does not serve trustpoint web's certificate"
served=$(ip netns exec "$NSB" openssl s_client -connect 198.51.100.1:8443 </dev/null 2>/dev/null |
  openssl x509 -noout -fingerprint -sha256)
[ "$served" = "$(openssl x509 -in "$P/web.crt" -noout -fingerprint -sha256)" ] ||
  fail "the served certificate is not trustpoint web's: $served"
log "ip http secure-trustpoint web: the imported certificate is served (curl --cacert verifies it)"

# Supervision: killed, it comes back; unconfigured, it goes.
pid=$(web_pid)
[ -n "$pid" ] || fail "no keygate-web"
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
