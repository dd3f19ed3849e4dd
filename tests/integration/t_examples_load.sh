#!/bin/bash
# Every examples/*.cfg loads into keygated without a parser complaint.
d=$(dirname "$0"); if [ -f "$d/lib.sh" ]; then . "$d/lib.sh"; else . "$d/../lib.sh"; fi
lib_init
bad=0
# The README's quick-start configuration is examples/site-a.cfg itself.
readme_cfg=$(sed -n '/^`examples\/site-a.cfg` (its peer is/,/^## Supported commands/p' "$KG_SOURCE_DIR/README.md" |
  sed -n '/^```$/,/^```$/p' | sed '1d;$d')
diff <(echo "$readme_cfg") "$KG_SOURCE_DIR/examples/site-a.cfg" >"$WORK/readme.diff" ||
  { cat "$WORK/readme.diff"; fail "README's example configuration differs from examples/site-a.cfg"; }
for cfg in "$KG_SOURCE_DIR"/examples/*.cfg; do
  start_keygated "$NSA" "$cfg"
  kg "$NSA" "show running-config" >"$WORK/rc-$(basename "$cfg").txt" || { log "show running-config failed for $cfg"; bad=1; }
  pid=${LIB_PIDS[-1]}; kill "$pid"; wait "$pid" 2>/dev/null
  # Errors; a warning ("% line N: Warning: ...") is not one.
  if grep -E '% Invalid|% Incomplete|% Ambiguous|% Not applied|% line [0-9]+: [^W]' "$WORK/keygated-$NSA.log"; then
    log "FAIL: $(basename "$cfg") has configuration errors"; bad=1
  else
    log "$(basename "$cfg"): loaded cleanly"
  fi
  rm -rf "$WORK/kg-$NSA"
done
[ $bad -eq 0 ] || fail "some examples do not load"
log "PASS"
