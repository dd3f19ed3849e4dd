#!/bin/bash
# AES-CBC-256 with HMAC-SHA-256-128 for ESP (RFC 3602, RFC 4868), the
# transform set `esp-aes 256 esp-sha256-hmac`: keygated (site-a) initiates,
# strongSwan (site-b) with only that ESP proposal responds; keygated runs it
# on the IPsec Multi-Buffer library (show crypto engine), ping and TCP both
# ways, tshark finds no malformed frame, clean deletes both ways.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_cbc.sh"
cbc_run "esp-aes 256 esp-sha256-hmac" "esp-256-aes esp-sha256-hmac" aes256-sha256 AES_CBC-256/HMAC_SHA2_256_128 Intel
