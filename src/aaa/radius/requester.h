// What a RADIUS user (the EAP relay, accounting) needs of the daemon's
// RADIUS client: send a request to a named server group and hear the reply
// later on the event loop. The daemon's RadiusService implements it.
#pragma once
#include <cstdint>
#include <string>

#include "aaa/radius/client.h"

namespace kg::aaa::radius {

class Requester {
 public:
  virtual ~Requester() = default;
  // `done` runs on the event loop, never from inside submit().
  virtual uint64_t submit(const std::string& group, Port port, Packet request, Client::Done done) = 0;
  virtual void cancel(uint64_t handle) = 0;
  // NAS-Identifier (the hostname).
  [[nodiscard]] virtual std::string nas_identifier() const = 0;
};

}  // namespace kg::aaa::radius
