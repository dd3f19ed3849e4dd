// When dead peer detection sends its first probe (RFC 3706 §5.3; IKEv1's
// R-U-THERE, IKEv2's empty INFORMATIONAL), one rule for both engines.
#pragma once
#include "common/clock.h"
#include "ike/policy.h"

namespace kg::ike {

// Our answers to the peer's own traffic (an echo reply, TCP's ACKs) leave
// within this of what they answer: a data path round, a delayed ACK.
inline constexpr Millis kDpdAnswerWindow{1000};

// Whether the first probe is due at `now`, the peer last heard at `last_in`
// (IKE or ESP) and our last ESP sent at `last_out`. Periodic: after
// INTERVAL of silence. On-demand (seed 001: "the number of seconds during
// which traffic is not received from the peer before DPDs are sent if there
// is data traffic to send"): after INTERVAL of silence, and only if we kept
// sending after the peer fell silent; what we sent just after its last
// packet answered it and asks nothing.
[[nodiscard]] inline bool dpd_probe_due(const DpdConfig& d, TimePoint now, TimePoint last_in, TimePoint last_out) {
  const Millis interval(uint64_t(d.interval_s) * 1000);
  if (!d.interval_s || now - last_in < interval) return false;
  return d.periodic || last_out - last_in > kDpdAnswerWindow;
}

}  // namespace kg::ike
