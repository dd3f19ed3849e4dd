#!/bin/bash
# IKE fragmentation (RFC 7383) between two keygated: the certificate examples
# plus crypto ikev2 fragmentation mtu 1280, RSA-4096 certificates from an
# intermediate CA, a 1280-byte path MTU. IKE_AUTH goes as SKF fragments both
# ways, nothing is IP-fragmented, traffic passes.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
. "$KG_SOURCE_DIR/tests/integration/lib_pki.sh"
. "$KG_SOURCE_DIR/tests/integration/lib_frag.sh"
lib_init
frag_path_mtu 1280
P=$WORK/pki; mkdir -p "$P"
frag_pki "$P"
pki_pem_set "$P" site-a "$WORK/site-a" a-pass ca sub
pki_pem_set "$P" site-b "$WORK/site-b" b-pass ca sub
frag_cfg "$KG_SOURCE_DIR/examples/site-a-cert.cfg" "$WORK/site-a.cfg" 1280
frag_cfg "$KG_SOURCE_DIR/examples/site-b-cert.cfg" "$WORK/site-b.cfg" 1280
capture_start "$NSA" eth0 "$WORK/cap.pcapng"
start_keygated "$NSA" "$WORK/site-a.cfg"
start_keygated "$NSB" "$WORK/site-b.cfg"
kg_import "$NSA" site-a "$WORK/site-a" a-pass
kg_import "$NSB" site-b "$WORK/site-b" b-pass
wait_for "kg_ready $NSA && kg_ready $NSB" 30 || { kg "$NSA" "show crypto ikev2 sa"; kg "$NSA" "show crypto ikev2 stats"; fail "no READY IKE SA"; }
wait_for "ping_ok $NSA 192.0.2.1 192.0.2.129 1" 10 || fail "first ping A->B"
ping_ok "$NSB" 192.0.2.129 192.0.2.1 3 || fail "ping B->A"
capture_stop
frag_check_capture "$WORK/cap.pcapng"
frag_check_stats "$NSA"
frag_check_stats "$NSB"
log "PASS"
