// The plain-ESP socket the daemon gives the data path (Datapath::
// set_esp_socket), chosen once at start:
//   AF_XDP (io/xdp_esp_socket.h) for IPv4 on every interface where native
//     XDP attaches, with the raw sockets beside it for what it does not
//     take: IPv6, fragments, destinations whose MAC the kernel does not
//     know yet, packets over the MTU;
//   the raw sockets alone (io/raw_esp_socket.h) when XDP cannot attach, or
//     when KEYGATE_ESP_SOCKET=raw forces them (the fallback, tested).
// The XDP program is attached when the first plain-ESP SA is installed
// (plain_sa_installed): on a veth it costs every other packet a copy, so a
// host whose peers all use ESP in UDP does not carry it.
// `describe()` says which, for `show crypto engine`.
#pragma once
#include <memory>

#include "esp/datapath.h"

namespace kg::esp {

// The switch: KEYGATE_ESP_SOCKET=raw (or "xdp", the default).
bool esp_socket_forced_raw();

// An error only when no raw socket opens (no CAP_NET_RAW).
Result<std::unique_ptr<DatagramSocket>> open_esp_socket();

}  // namespace kg::esp
