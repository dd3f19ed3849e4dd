// `debug radius`: each RADIUS datagram keygated sends or receives, as
// aaa/radius/debug_format.h describes it (no secrets). Costs nothing when
// the category is off.
#pragma once
#include <string>

#include "common/bytes.h"
#include "common/ip.h"

namespace kg::daemon {

// direction: "Send to", "Received from".
void debug_radius_packet(const std::string& direction, const Endpoint& peer, ByteView datagram);

}  // namespace kg::daemon
