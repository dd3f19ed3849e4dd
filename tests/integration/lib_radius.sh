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
  cat "$users" "$RAD_DIR/mods-config/files/authorize" >"$RAD_DIR/authorize.new"
  mv "$RAD_DIR/authorize.new" "$RAD_DIR/mods-config/files/authorize"
  RAD_LOG=$RAD_DIR/log/radius.log
  ip netns exec "$ns" freeradius -f -xx -l "$RAD_LOG" -d "$RAD_DIR" >"$WORK/freeradius-$ns.out" 2>&1 &
  LIB_PIDS+=($!); RAD_PID=$!
  wait_for "grep -q 'Ready to process requests' '$RAD_LOG'" 20 ||
    { tail -30 "$WORK/freeradius-$ns.out"; fail "FreeRADIUS in $ns did not start"; }
  log "FreeRADIUS in $ns running (pid $RAD_PID)"
}
