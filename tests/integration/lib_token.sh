# Hardware-token helpers for integration tests (source after lib.sh): a
# private SoftHSM2 token directory, and tools/p11-detach in front of it so a
# test can pull the token out and put it back (keygated loads the module like
# any other: `crypto pki token NAME module PATH`).
SOFTHSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
P11_DETACH=$KG_BUILD_DIR/tools/p11-detach/libp11-detach.so

# token_init LABEL USER-PIN SO-PIN: a fresh token in $WORK/softhsm; exports
# SOFTHSM2_CONF and P11_DETACH_DIR for keygated and the OpenSC tools.
token_init() {
  [ -f "$P11_DETACH" ] || fail "no p11-detach module at $P11_DETACH"
  mkdir -p "$WORK/softhsm/tokens" "$WORK/p11ctl"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK/softhsm/tokens" \
    >"$WORK/softhsm/softhsm2.conf"
  export SOFTHSM2_CONF=$WORK/softhsm/softhsm2.conf P11_DETACH_DIR=$WORK/p11ctl
  softhsm2-util --init-token --free --label "$1" --pin "$2" --so-pin "$3" >/dev/null || fail "softhsm2-util --init-token"
  log "SoftHSM2 token $1 initialized"
}
token_pull()   { : >"$P11_DETACH_DIR/$1.pulled"; log "token $1 pulled"; }
token_insert() { rm -f "$P11_DETACH_DIR/$1.pulled"; log "token $1 reinserted"; }
# p11tool ARGS...: OpenSC's pkcs11-tool on the SoftHSM2 module directly.
p11tool() { pkcs11-tool --module "$SOFTHSM_MODULE" "$@" 2>&1; }
