#!/bin/bash
# crypto key in a real terminal (tmux), as seed 000 shows it: generate prints
# IOS's messages, show crypto key mypubkey prints seed 000's layout, replacing
# and zeroizing ask [yes/no] (the answer read like a secret), a passphrase
# protected key is LOCKED after a daemon restart until unlocked, and no clear
# private key is ever on the screen, in the log or in the state directory.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
. "$(dirname "$0")/lib_tmux.sh"

cfg=$WORK/spoke.cfg
echo "hostname CVO-spoke1-vpn" >"$cfg"
start_keygated "$NSA" "$cfg"
sock=$(kg_sock "$NSA")
state=$WORK/kg-$NSA/state

tmux_start "$KEYGATE -S $sock"
expect_screen '^CVO-spoke1-vpn#' "no prompt"
type_ "terminal length 0"; keys Enter

# Seed 000: generated in configuration mode.
type_ "configure terminal"; keys Enter
type_ "crypto key generate rsa general-keys label etoken-keys modulus 2048"; keys Enter
expect_screen '^The name for the keys will be: etoken-keys$' "no 'The name for the keys will be'"
expect_screen '^% The key modulus size is 2048 bits$' "no modulus line"
expect_screen '^% Generating 2048 bit RSA keys, keys will be non-exportable\.\.\.\[OK\]$' "no Generating...[OK]" 30
type_ "end"; keys Enter
clear_screen
type_ "show crypto key mypubkey rsa"; keys Enter
expect_screen '^% Key pair was generated at: [0-9:]+ UTC ' "no 'generated at'"
expect_screen '^Key name: etoken-keys$' "no Key name"
expect_screen '^Storage Device: private-config$' "no Storage Device"
expect_screen '^Usage: General Purpose Key$' "no Usage"
expect_screen '^Key is not exportable\.$' "no exportability"
expect_screen '^30820122 300D0609 2A864886 F70D0101 01050003 82010F00 3082010A 02820101$' "key data not in IOS grouping"
log "generate and show crypto key mypubkey in seed 000's layout"

# Exporting a non-exportable key is refused.
clear_screen
type_ "crypto key export rsa etoken-keys pem terminal aes some-pass"; keys Enter
expect_screen '^% RSA keypair etoken-keys is not exportable\.$' "export of a non-exportable key not refused"

# Replacing asks; "no" keeps the key.
before=$(kg "$NSA" "show crypto key mypubkey rsa" | grep -A1 '^Key Data' | tail -1)
clear_screen
type_ "crypto key generate rsa general-keys label etoken-keys modulus 2048"; keys Enter
expect_screen '^% Do you really want to replace them\? \[yes/no\]: ' "replacing did not ask"
type_ "no"; keys Enter
expect_screen '^% Keys not replaced\.$' "'no' did not keep the keys"
[ "$(kg "$NSA" "show crypto key mypubkey rsa" | grep -A1 '^Key Data' | tail -1)" = "$before" ] || fail "the key changed after 'no'"

# Passphrase protection: locked after a restart, unlocked with the passphrase.
clear_screen
type_ "crypto key encrypt rsa label etoken-keys passphrase kg-pass-1"; keys Enter
expect_screen 'etoken-keys is now protected' "encrypt said nothing"
type_ "show crypto key mypubkey rsa | include protected"; keys Enter
expect_screen '^\*\*\* The key is protected and UNLOCKED\. \*\*\*$' "not UNLOCKED after encrypt"
tmux_ kill-server
kill "$KG_LAST_PID"; wait "$KG_LAST_PID" 2>/dev/null
start_keygated "$NSA" "$cfg"
tmux_start "$KEYGATE -S $sock"
expect_screen '^CVO-spoke1-vpn#' "no prompt after restart"
type_ "show crypto key mypubkey rsa | include protected"; keys Enter
expect_screen '^\*\*\* The key is protected and LOCKED\. \*\*\*$' "not LOCKED after a restart"
type_ "crypto key unlock rsa name etoken-keys passphrase wrong-one"; keys Enter
expect_screen '^% Wrong passphrase for key pair etoken-keys, nothing changed$' "a wrong passphrase was not refused"
type_ "crypto key unlock rsa name etoken-keys passphrase kg-pass-1"; keys Enter
expect_screen 'etoken-keys is unlocked' "unlock failed"
log "encrypt, restart: LOCKED, unlock"

# Zeroize asks; the answer is not echoed; "yes" removes the key.
clear_screen
type_ "crypto key zeroize rsa etoken-keys"; keys Enter
expect_screen '^% Keys to be removed are named .etoken-keys.\.$' "zeroize did not name the keys"
expect_screen '^% Do you really want to remove these keys\? \[yes/no\]: ' "zeroize did not ask"
type_ "yes"; keys Enter
expect_screen '^CVO-spoke1-vpn#$' "no prompt after zeroize"
screen | grep -q 'keys\? \[yes/no\]: yes' && fail "the answer was echoed"
[ -z "$(kg "$NSA" "show crypto key mypubkey rsa")" ] || fail "the key is still shown after zeroize"
ls "$state/pki" | grep -q etoken-keys && fail "the key file is still in the state directory"
log "zeroize asks and removes the key"

# Nothing secret anywhere: no clear private key, no passphrase.
for f in $(find "$state" -type f) "$WORK/keygated-$NSA.log"; do
  grep -q 'PRIVATE KEY' "$f" && fail "a clear private key in $f"
  grep -q 'kg-pass-1' "$f" && fail "the passphrase in $f"
done
screen | grep -q 'PRIVATE KEY' && fail "a private key on the screen"
type_ "exit"; keys Enter
wait_for "! tmux -S '$TMUX_SOCK' has-session 2>/dev/null" 5 || { screen | tail -20; fail "exit did not end the shell"; }
log "PASS"
