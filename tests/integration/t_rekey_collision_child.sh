#!/bin/bash
# keygated and strongSwan rekey the same CHILD_SA at once (RFC 7296 §2.8.1);
# see collision_test in lib_lifetime.sh.
d=$(dirname "$0"); . "$d/lib.sh"; . "$d/lib_lifetime.sh"
lib_init
collision_test child
log "PASS"
