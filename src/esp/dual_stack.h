// IPv4 and IPv6 side by side (seed 004: IPv4 and IPv6 transport): one
// DatagramSocket made of a v4 and a v6 socket, so the data path keeps one
// socket per role (IKE 500, NAT-T 4500, plain ESP) whatever the peer's family.
// Sends go to the socket of the destination's family; receives take from
// both, alternating which goes first so neither starves the other. The
// event loop polls one fd: an epoll fd holding both sockets (level-triggered,
// readable while either is).
#pragma once
#include <memory>

#include "esp/datapath.h"

namespace kg::esp {

// Either part may be null (that family is then unavailable).
std::unique_ptr<DatagramSocket> dual_stack(std::unique_ptr<DatagramSocket> v4, std::unique_ptr<DatagramSocket> v6);

// Binds UDP 500 and 4500 on 0.0.0.0 and on :: (IPV6_V6ONLY). When the host
// has no IPv6, only the IPv4 sockets are used.
Result<std::unique_ptr<Datapath>> open_dual_stack(Datapath::IkeHandler on_ike, uint16_t ike_port = kIkePort,
                                                  uint16_t natt_port = kNattPort, DatapathOptions opts = {});

// Raw ESP sockets for both families; an error only if neither opens.
Result<std::unique_ptr<DatagramSocket>> open_raw_esp_dual_stack();

}  // namespace kg::esp
