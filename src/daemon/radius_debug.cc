#include "daemon/radius_debug.h"

#include "aaa/radius/debug_format.h"
#include "aaa/radius/debug_categories.h"
#include "common/log.h"

namespace kg::daemon {

void debug_radius_packet(const std::string& direction, const Endpoint& peer, ByteView datagram) {
  if (!log::debugging(aaa::kDebugRadius)) return;
  std::string heading = direction == "Send to" ? "to " + peer.str() : "from " + peer.str();
  auto lines = aaa::radius::describe_packet(heading, datagram);
  bool first = true;
  for (auto& l : lines) {
    log::debug(aaa::kDebugRadius, "RADIUS:" + std::string(first ? " " + (direction == "Send to" ? std::string("Send ") : std::string("Received ")) : "") + l);
    first = false;
  }
}

}  // namespace kg::daemon
