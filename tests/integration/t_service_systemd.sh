#!/bin/bash
# packaging/keygated.service under a real systemd (issue 21). systemd boots as
# PID 1 in a container (systemd-nspawn, the host's own file system under a
# throw-away overlay, a private network), with the unit in /etc/systemd/system
# and this build's keygated and keygate bound in at the unit's paths. A
# check unit (after keygated.service, run by systemd at boot) writes what it
# sees to a directory of this test and powers the container off. Checked:
# systemd starts the unit and it stays active; keygated runs as a dynamic
# user (not root) with exactly CAP_NET_ADMIN, CAP_NET_RAW and
# CAP_NET_BIND_SERVICE (effective and bounding) and no_new_privs; the control
# socket is in /run/keygate and root's keygate reaches it; `write memory`
# saves into the StateDirectory (/var/lib/private/keygate, mode 0700,
# owned by that user); a SIGKILL is followed by systemd restarting it
# (Restart=on-failure) with the saved configuration.
d=$(dirname "$0"); . "$d/lib.sh"
need_root
command -v systemd-nspawn >/dev/null && [ -x /usr/lib/systemd/systemd ] || { echo "SKIP: no systemd-nspawn"; exit 77; }
[ -x "$KEYGATED" ] && [ -x "$KEYGATE" ] || fail "no keygated/keygate in $KG_BUILD_DIR"
WORK=$(mktemp -d /tmp/kgit.XXXXXX)
NSPAWN_PID=
cleanup() {
  local rc=$?
  [ -n "$NSPAWN_PID" ] && kill -TERM "$NSPAWN_PID" 2>/dev/null && sleep 1 && kill -KILL "$NSPAWN_PID" 2>/dev/null
  [ $rc -ne 0 ] && { echo "==== boot log (tail)"; sed 's/\x1b\[[0-9;]*m//g; s/\r//' "$WORK/boot.log" 2>/dev/null | tail -40; }
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
mkdir -p "$WORK/out" "$WORK/in"
# The unit as shipped, ExecStart pointed at this build (bound in at /kgbuild).
sed "s#/usr/local/sbin/keygated#/kgbuild/src/daemon/keygated#" "$KG_SOURCE_DIR/packaging/keygated.service" >"$WORK/in/keygated.service"
cat >"$WORK/in/kg-check.service" <<'EOC'
[Unit]
Description=keygate test: look at keygated.service, then power off
After=keygated.service
Wants=keygated.service
[Service]
Type=oneshot
ExecStart=/kgin/check.sh
ExecStopPost=/bin/systemctl --no-block poweroff
EOC
cat >"$WORK/in/check.sh" <<'EOC'
#!/bin/bash
# Runs inside the container, as root, from kg-check.service.
exec >/kgout/result 2>&1
sock=/run/keygate/keygated.sock
kgc() { /kgbuild/src/cli/keygate -S "$sock" -c "$1"; }
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.2; done
echo "state: $(systemctl show keygated -p ActiveState --value) $(systemctl show keygated -p SubState --value)"
pid=$(systemctl show keygated -p MainPID --value)
echo "pid: $pid"
grep -E '^(Uid|Gid|CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs):' "/proc/$pid/status"
echo "user: $(stat -c %U /var/lib/private/keygate)"
echo "socket: $(stat -c '%a %U' "$sock")"
kgc "show version" | head -1 | sed 's/^/version: /'
kgc "configure terminal
hostname svc-check
end" >/dev/null
kgc "write memory" | sed 's/^/write: /'
echo "statedir: $(stat -c '%a %U' /var/lib/private/keygate)"
echo "startup: $(stat -c '%a %U' /var/lib/private/keygate/startup-config) $(grep -c '^hostname svc-check' /var/lib/private/keygate/startup-config)"
systemctl kill -s KILL keygated
for _ in $(seq 100); do
  new=$(systemctl show keygated -p MainPID --value)
  [ "$new" != 0 ] && [ "$new" != "$pid" ] && [ -S "$sock" ] && break
  sleep 0.2
done
sleep 1
echo "restarted: $(systemctl show keygated -p ActiveState --value) $([ "$new" != "$pid" ] && echo new-pid) restarts=$(systemctl show keygated -p NRestarts --value)"
echo "prompt: $(kgc "show running-config" | grep '^hostname')"
echo "done"
EOC
chmod +x "$WORK/in/check.sh"
# --volatile=yes: the container's root is a tmpfs with the host's /usr
# (read-only) in it, so nothing it writes reaches the host; /etc starts
# from systemd's factory defaults. The check unit is pulled in from the
# command line; a pseudo-terminal (script) carries the boot messages. The
# private network never comes "online" (only lo): waiting for it is masked,
# or the unit's After=network-online.target would hold keygated for 2 min.
timeout 120 script -qfec "systemd-nspawn -D / --volatile=yes --machine=kg-svc-$BASHPID --private-network --register=no --keep-unit \
  --console=read-only --bind-ro=$WORK/in:/kgin --bind=$WORK/out:/kgout --bind-ro=$KG_BUILD_DIR:/kgbuild \
  --bind-ro=$WORK/in/keygated.service:/etc/systemd/system/keygated.service \
  --bind-ro=$WORK/in/kg-check.service:/etc/systemd/system/kg-check.service \
  --bind-ro=/dev/null:/etc/systemd/system/systemd-networkd-wait-online.service \
  -b systemd.firstboot=off systemd.wants=kg-check.service systemd.unit=multi-user.target" \
  "$WORK/boot.log" </dev/null >/dev/null 2>&1 &
NSPAWN_PID=$!
wait "$NSPAWN_PID"; rc=$?; NSPAWN_PID=
[ -f "$WORK/out/result" ] || fail "the container wrote no result (nspawn exit $rc)"
r=$WORK/out/result
cat "$r"
grep -q "^done" "$r" || fail "the check did not finish"
grep -q "^state: active running" "$r" || fail "keygated.service not active"
uid=$(awk '/^Uid:/ {print $2}' "$r")
[ -n "$uid" ] && [ "$uid" != 0 ] || fail "keygated runs as uid ${uid:-?}"
[ "$uid" -ge 61184 ] && [ "$uid" -le 65519 ] || fail "uid $uid is not a dynamic user's (61184-65519)"
# CAP_NET_BIND_SERVICE (10), CAP_NET_ADMIN (12), CAP_NET_RAW (13): 0x3400.
grep -q "^CapEff:.*0000000000003400" "$r" && grep -q "^CapBnd:.*0000000000003400" "$r" || fail "capabilities not exactly the three"
grep -q "^NoNewPrivs:.*1" "$r" || fail "no_new_privs not set"
grep -q "^version: " "$r" || fail "root's keygate did not reach the control socket"
grep -q "^statedir: 700 " "$r" || fail "StateDirectory not 0700"
grep -q "^startup: 600 .* 1$" "$r" || fail "write memory did not save into the StateDirectory"
grep -q "^restarted: active new-pid" "$r" || fail "systemd did not restart keygated after SIGKILL"
grep -q "^prompt: hostname svc-check" "$r" || fail "the restarted keygated did not load the saved configuration"
log "PASS: keygated.service under systemd $(systemctl --version | head -1 | awk '{print $2}'): dynamic user uid $uid, CapEff 0x3400, restarted after SIGKILL"
