#!/bin/bash
# AES-CBC-128 with HMAC-SHA-1-96 for ESP (RFC 3602, RFC 2404), the transform
# set `esp-aes esp-sha-hmac`, against strongSwan as t_cbc_strongswan_initiator.sh,
# and on OpenSSL (KEYGATE_CRYPTO=openssl), the fallback engine.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_cbc.sh"
export KEYGATE_CRYPTO=openssl
cbc_run "esp-aes esp-sha-hmac" "esp-128-aes esp-sha-hmac" aes128-sha1 AES_CBC-128/HMAC_SHA1_96 OpenSSL
