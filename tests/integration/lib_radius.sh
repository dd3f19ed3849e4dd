# FreeRADIUS helpers (bash, sourced after lib.sh): a private FreeRADIUS 3.2
# in a namespace, as TESTBED.md describes (a copy of /etc/freeradius/3.0 in
# $WORK, its own log directory, no user/group switch, "Login OK" lines).

# start_freeradius NS SECRET USERS_FILE: runs FreeRADIUS in NS on the usual
# ports (127.0.0.1 is its client `localhost`, whose secret becomes SECRET);
# USERS_FILE's entries go before the stock authorize file. Sets RAD_DIR
# (the copy) and RAD_LOG (its radius.log; accounting under $RAD_DIR/log/radacct).
start_freeradius() {
  local ns=$1 secret=$2 users=$3
  RAD_DIR=$WORK/raddb
  cp -a /etc/freeradius/3.0 "$RAD_DIR" || fail "copy /etc/freeradius/3.0"
  mkdir -p "$RAD_DIR/log"
  sed -i -e "s|^\s*logdir = .*|logdir = $RAD_DIR/log|" -e 's|^\s*user = freerad|#user = freerad|' \
    -e 's|^\s*group = freerad|#group = freerad|' -e 's|^\s*auth = no|\tauth = yes|' "$RAD_DIR/radiusd.conf"
  # The stock client localhost (127.0.0.1), with the test's secret.
  sed -i "0,/secret = testing123/s//secret = $secret/" "$RAD_DIR/clients.conf"
  # RAD_EXTRA_CLIENT=A.B.C.D: one more client with the same secret (a NAS
  # that sends from another address: ip radius source-interface).
  [ -z "${RAD_EXTRA_CLIENT:-}" ] ||
    printf 'client extra {\n\tipaddr = %s\n\tsecret = %s\n}\n' "$RAD_EXTRA_CLIENT" "$secret" >>"$RAD_DIR/clients.conf"
  # RAD_PREPARE="CMD ARGS": run on the copy before it starts (e.g. rad_eap_tls).
  [ -z "${RAD_PREPARE:-}" ] || eval "$RAD_PREPARE" || fail "RAD_PREPARE: $RAD_PREPARE"
  cat "$users" "$RAD_DIR/mods-config/files/authorize" >"$RAD_DIR/authorize.new"
  mv "$RAD_DIR/authorize.new" "$RAD_DIR/mods-config/files/authorize"
  RAD_LOG=$RAD_DIR/log/radius.log
  ip netns exec "$ns" freeradius -f -xx -l "$RAD_LOG" -d "$RAD_DIR" >"$WORK/freeradius-$ns.out" 2>&1 &
  LIB_PIDS+=($!); RAD_PID=$!
  wait_for "grep -q 'Ready to process requests' '$RAD_LOG'" 20 ||
    { tail -30 "$WORK/freeradius-$ns.out"; fail "FreeRADIUS in $ns did not start"; }
  log "FreeRADIUS in $ns running (pid $RAD_PID)"
}

# rad_eap_tls CERT KEY CA [FRAGMENT_SIZE]: the copy's eap module (tls-common,
# used by EAP-TLS) serves CERT/KEY and trusts only client certificates issued
# by CA (no CA directory: the stock certs/ holds none); FRAGMENT_SIZE bounds
# its TLS fragments (stock 1024). For RAD_PREPARE.
rad_eap_tls() {
  sed -i -e "s|^\(\s*\)private_key_file = .*|\1private_key_file = $2|" \
    -e "s|^\(\s*\)private_key_password = .*|\1#private_key_password|" \
    -e "s|^\(\s*\)certificate_file = .*|\1certificate_file = $1|" \
    -e "s|^\(\s*\)ca_file = .*|\1ca_file = $3|" \
    -e "s|^\(\s*\)ca_path = \${cadir}|\1#ca_path|" \
    -e "s|^\(\s*\)#\s*fragment_size = 1024|\1fragment_size = ${4:-1024}|" "$RAD_DIR/mods-available/eap"
}

# stop_freeradius: stops the FreeRADIUS start_freeradius started (by pid).
stop_freeradius() {
  kill "$RAD_PID" 2>/dev/null; wait "$RAD_PID" 2>/dev/null
  log "FreeRADIUS stopped (pid $RAD_PID)"
}

# restart_freeradius NS: runs the same FreeRADIUS copy ($RAD_DIR) again.
restart_freeradius() {
  local ns=$1 ready
  ready=$(grep -c 'Ready to process requests' "$RAD_LOG")
  ip netns exec "$ns" freeradius -f -xx -l "$RAD_LOG" -d "$RAD_DIR" >>"$WORK/freeradius-$ns.out" 2>&1 &
  LIB_PIDS+=($!); RAD_PID=$!
  wait_for "[ \$(grep -c 'Ready to process requests' '$RAD_LOG') -gt $ready ]" 20 ||
    { tail -30 "$WORK/freeradius-$ns.out"; fail "FreeRADIUS in $ns did not start again"; }
  log "FreeRADIUS in $ns running again (pid $RAD_PID)"
}

# rad_acct STATUS [FIELD]: the accounting records FreeRADIUS wrote (detail
# files under its radacct/127.0.0.1, or $RAD_ACCT_CLIENT), those with Acct-Status-Type STATUS,
# one per paragraph; with FIELD, only that attribute's values, one a line.
rad_acct() {
  cat "$RAD_DIR"/log/radacct/"${RAD_ACCT_CLIENT:-127.0.0.1}"/detail-* 2>/dev/null |
    awk -v RS= -v st="$1" -v f="${2:-}" '$0 ~ "Acct-Status-Type = " st "\n" {
      if (f == "") { print $0 "\n"; next }
      n = split($0, l, "\n"); for (i = 1; i <= n; i++) if (l[i] ~ "^\t" f " = ") { sub("^\t" f " = ", "", l[i]); gsub("\"", "", l[i]); print l[i] } }'
}

# sw_eap_client DIR K METHOD EAP_ID PASSWORD: DIR/swanctl.conf for the
# strongSwan road warrior in RA_NS[K] (198.51.100.1K) that authenticates with
# EAP METHOD as EAP_ID to keygate's hub (PSK ra-hub.example.net) and asks for
# an address and 203.0.113.0/24.
sw_eap_client() {
  mkdir -p "$1"
  cat >"$1/swanctl.conf" <<EOS
connections {
  ra {
    version = 2
    local_addrs = 198.51.100.1$2
    remote_addrs = 198.51.100.1
    encap = yes
    vips = 0.0.0.0
    proposals = aes256gcm16-prfsha256-ecp256
    local { auth = $3
            id = client$2.example.net
            eap_id = $4 }
    remote { auth = psk
             id = ra-hub.example.net }
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
  ike-hub { id = ra-hub.example.net
            secret = "hub-secret" }
  eap-user { id = $4
             secret = "$5" }
}
EOS
}
