#!/usr/bin/env bash
# Installs everything keygate needs to build, demo and test, from Debian's
# package registry only. Idempotent: a second run installs nothing.
set -euo pipefail

PKGS=(
  # build
  g++ cmake ninja-build make pkg-config
  libssl-dev libnl-3-dev libnl-route-3-dev libedit-dev
  # nftables through libnftables (io/nftables.h): crypto map steering, ip access-group
  libnftables-dev
  libgtest-dev libgmock-dev
  nlohmann-json3-dev
  libipsec-mb-dev
  libcpp-httplib-dev
  libp11-kit-dev p11-kit
  clang libclang-rt-14-dev
  # test peers and tools
  iproute2 iputils-ping nftables iperf3 tshark procps psmisc bc python3 tmux
  strongswan-charon strongswan-swanctl charon-cmd
  libcharon-extra-plugins libstrongswan-extra-plugins libstrongswan-standard-plugins
  softhsm2 opensc
  # AAA: FreeRADIUS as the RADIUS server, eapol_test; strongSwan's EAP-MSCHAPv2/XAUTH plugins
  freeradius freeradius-utils eapoltest libcharon-extauth-plugins
  # the web page's browser test: Chromium driven by playwright-core (npm, below)
  chromium nodejs curl
  # make bench: JSON results, profiles; the user-space VPN peers it measures
  jq linux-perf
  wireguard-go wireguard-tools openvpn
  # t_service_unit: systemd-analyze checks packaging/keygated.service;
  # t_service_systemd: the unit under systemd as PID 1 in systemd-nspawn
  systemd systemd-container
  # make fuzz: AFL++ (its runtime and afl-fuzz; GCC instruments, fuzz/afl_bridge.cc)
  afl++
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm comes with Debian's nodejs only as its own package.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer once, non-interactively.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts strongSwan's system service on install; keygate's tests run
  # their own charon per namespace, so keep the system one out of the way.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now strongswan-starter.service >/dev/null 2>&1 || true
    systemctl disable --now strongswan.service >/dev/null 2>&1 || true
  fi
  echo "setup: done"
fi

# The browser test's driver, from npm's registry, in one fixed place outside
# the tree (tests/integration/t_web_page.sh finds it there).
NODE_DIR=/opt/keygate-test-node
PLAYWRIGHT=playwright-core@1.65.2
if ! [ -f "$NODE_DIR/node_modules/playwright-core/package.json" ] ||
   ! grep -q '"version": "1.65.2"' "$NODE_DIR/node_modules/playwright-core/package.json"; then
  echo "setup: installing $PLAYWRIGHT into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent "$PLAYWRIGHT" >/dev/null
fi
