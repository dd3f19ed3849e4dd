// The plain-ESP socket the daemon gives the data path (Datapath::
// set_esp_socket), chosen once at start:
//   the raw sockets alone (io/raw_esp_socket.h): the default;
//   with KEYGATE_ESP_SOCKET=xdp, AF_XDP (io/xdp_esp_socket.h) for IPv4 on
//     every interface where native
//     XDP attaches, with the raw sockets beside it for what it does not
//     take: IPv6, fragments, destinations whose MAC the kernel does not
//     know yet, packets over the MTU;
//     (the raw sockets alone again when XDP cannot attach).
// AF_XDP is not the default: measured on this machine's veth it carried one
// TCP stream 1.75x as fast as the raw socket, still a quarter of ESP in UDP,
// while the XDP program cost every other packet on the veth a copy (the
// bare veth fell from 9.7 to 1.9 Gb/s; README, Performance).
// The XDP program is attached when the first plain-ESP SA is installed
// (plain_sa_installed): on a veth it costs every other packet a copy, so a
// host whose peers all use ESP in UDP does not carry it.
// `describe()` says which, for `show crypto engine`.
#pragma once
#include <memory>

#include "esp/datapath.h"

namespace kg::esp {

// The switch: KEYGATE_ESP_SOCKET=xdp for AF_XDP; anything else, or unset: raw.
bool esp_socket_forced_raw();

// An error only when no raw socket opens (no CAP_NET_RAW).
Result<std::unique_ptr<DatagramSocket>> open_esp_socket();

}  // namespace kg::esp
