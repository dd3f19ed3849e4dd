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

# token_key_cert NS TOKEN LABEL PKIDIR CA CN SERIAL TRUSTPOINT: a certificate
# from PKIDIR/CA for the public half of key LABEL on the token (read with
# pkcs11-tool: the private half never leaves the token), pasted into
# keygated's `crypto pki certificate chain TRUSTPOINT` with the CA.
token_key_cert() {
  local ns=$1 tok=$2 label=$3 p=$4 ca=$5 cn=$6 serial=$7 tp=$8
  p11tool --token-label "$tok" --read-object --type pubkey --label "$label" -o "$p/$label.pub.der" >/dev/null ||
    fail "reading the public key of $label"
  openssl pkey -pubin -inform DER -in "$p/$label.pub.der" -out "$p/$label.pub.pem" || fail "public key $label"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nsubjectAltName=DNS:%s\n' "$cn" >"$p/$label.ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$p/$label.throwaway" -subj "/O=keygate test/CN=$cn" \
    -out "$p/$label.csr" 2>/dev/null || fail "csr"
  openssl x509 -req -in "$p/$label.csr" -force_pubkey "$p/$label.pub.pem" -CA "$p/$ca.crt" -CAkey "$p/$ca.key" \
    -set_serial "$serial" -days 365 -extfile "$p/$label.ext" -out "$p/$label.crt" 2>/dev/null ||
    fail "certificate for the token key $label"
  hexblock() { openssl x509 -in "$1" -outform DER | od -An -v -tx1 | tr -d ' \n' | fold -w 64 | sed 's/^/  /'; echo; }
  {
    echo "configure terminal"
    echo "crypto pki certificate chain $tp"
    echo " certificate $(printf %X "$serial")"; hexblock "$p/$label.crt"; echo "  quit"
    echo " certificate ca 01"; hexblock "$p/$ca.crt"; echo "  quit"
    echo "end"
  } >"$p/$label.chain"
  kg "$ns" "$(cat "$p/$label.chain")" >/dev/null || fail "pasting the certificate chain $tp"
}
