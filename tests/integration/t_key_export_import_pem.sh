#!/bin/bash
# crypto key export / import rsa ... pem (seed 001) through keygated's shell:
# an exportable key pair generated in keygated is exported to file: with
# IOS's 3des (OpenSSL 3 PEM, PKCS#8 encrypted under the passphrase);
# OpenSSL reads the private key only with the passphrase and signs with it,
# and the exported public key verifies that signature; `des` is refused
# with nothing written; the files import back under new labels in IOS's word
# orders (exportable after the label, or before the passphrase) with the
# same public key; a wrong passphrase imports nothing; the passphrases
# never reach keygated's log.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init

printf 'hostname keys\n' >"$WORK/keys.cfg"
start_keygated "$NSA" "$WORK/keys.cfg"
LOG="$WORK/keygated-$NSA.log"
P=$WORK/exp/gen; mkdir -p "$WORK/exp"
conf() { kg "$NSA" $'configure terminal\n'"$1"$'\nend' 2>&1; }

out=$(conf "crypto key generate rsa general-keys label gen modulus 2048 exportable")
grep -q "\[OK\]" <<<"$out" || { echo "$out"; fail "generate"; }
out=$(conf "crypto key export rsa gen pem url file:$WORK/exp/weak des weak-pass-1")
grep -q "des (56-bit) is refused" <<<"$out" || { echo "$out"; fail "des not refused"; }
[ -e "$WORK/exp/weak.prv" ] && fail "des export wrote a file"
out=$(conf "crypto key export rsa gen pem url file:$P 3des exp-pass-2719")
grep -q "Writing file to $P.prv" <<<"$out" || { echo "$out"; fail "export to file:$P"; }
grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$P.prv" || { head -2 "$P.prv"; fail "the private key is not encrypted PKCS#8"; }
[ "$(stat -c %a "$P.prv")" = 600 ] || fail "$P.prv is not mode 600"
log "exported gen with 3des to $P.prv (encrypted PKCS#8) and $P.pub; des refused"

# OpenSSL: no key without the passphrase; with it, a signature the exported
# public key verifies.
openssl pkey -in "$P.prv" -passin pass:wrong -noout 2>/dev/null && fail "the private key opens with a wrong passphrase"
printf 'seed 001 export test\n' >"$WORK/msg"
openssl dgst -sha256 -sign "$P.prv" -passin pass:exp-pass-2719 -out "$WORK/sig" "$WORK/msg" || fail "openssl cannot sign with the exported key"
openssl dgst -sha256 -verify "$P.pub" -signature "$WORK/sig" "$WORK/msg" | grep -q "Verified OK" ||
  fail "the exported public key does not verify the exported private key's signature"
log "openssl signs with the exported private key (passphrase) and the exported public key verifies it"

# Import back in IOS's word orders; same public key; wrong passphrase: nothing.
out=$(conf "crypto key import rsa back1 exportable pem url file:$P exp-pass-2719")
grep -q "Key pair import succeeded" <<<"$out" || { echo "$out"; fail "import (exportable after the label)"; }
out=$(conf "crypto key import rsa back2 pem url file:$P exportable exp-pass-2719")
grep -q "Key pair import succeeded" <<<"$out" || { echo "$out"; fail "import (exportable before the passphrase)"; }
out=$(conf "crypto key import rsa back3 pem url file:$P wrong-pass-3")
grep -q "Key pair import succeeded" <<<"$out" && fail "import with a wrong passphrase succeeded"
keydata() { kg "$NSA" "show crypto key mypubkey rsa $1" | sed -n '/Key Data:/,$p'; }
[ -n "$(keydata gen)" ] || fail "no key data for gen"
[ "$(keydata back1)" = "$(keydata gen)" ] || fail "back1's public key differs from gen's"
[ "$(keydata back2)" = "$(keydata gen)" ] || fail "back2's public key differs from gen's"
[ -z "$(kg "$NSA" "show crypto key mypubkey rsa back3")" ] || fail "back3 exists after a wrong passphrase"
kg "$NSA" "show crypto key mypubkey rsa back1" | grep -q "Key is exportable." || fail "back1 is not exportable"
# back1 signs: exported again (aes) it opens and signs as gen did.
out=$(conf "crypto key export rsa back1 pem url file:$WORK/exp/again aes exp-pass-2")
openssl dgst -sha256 -sign "$WORK/exp/again.prv" -passin pass:exp-pass-2 -out "$WORK/sig2" "$WORK/msg" || fail "re-export does not sign"
cmp -s "$WORK/sig" "$WORK/sig2" || fail "the imported key signs differently from the generated one"
log "imported back as back1/back2 (IOS word orders), same key (same PKCS#1 signature); wrong passphrase imports nothing"

grep -qE "exp-pass|weak-pass|wrong-pass" "$LOG" && fail "a passphrase is in keygated's log"
log "PASS"
