// NAT keepalives (RFC 3948 §2.3, `crypto ikev2 nat keepalive SECONDS`): the
// side behind a NAT sends a one-byte 0xFF datagram to its peer's NAT-T port
// when it has sent nothing on the SA for that long, so the NAT keeps the
// mapping. As in IOS, none are sent unless the command is configured, and
// never by a side that is not behind a NAT.
#pragma once
#include <cstdint>
#include <map>

#include "common/clock.h"
#include "esp/datapath.h"
#include "ike/engine.h"

namespace kg::daemon {

class NatKeepalive {
 public:
  // Called about once a second; interval_s 0 = off. `sas`: Engine::behind_nat,
  // the only SAs that may need one.
  void tick(TimePoint now, uint32_t interval_s, const std::vector<ike::NatKeepaliveTarget>& sas, esp::Datapath& dp);

 private:
  std::map<uint64_t, TimePoint> last_sent_;  // by the IKE SA's SPIi
};

}  // namespace kg::daemon
