// Dead peer detection (RFC 7296 §1.4, §2.4): an INFORMATIONAL request with no
// payloads, which every live peer must answer. When to probe, and how often
// to retransmit, is decided by the driver (engine_lifetime.cc).
#include "ike/task.h"

namespace kg::ike {
namespace {

// INFORMATIONAL { } -->  <-- INFORMATIONAL { }: the peer is alive (§1.4).
class IkeDpd final : public Task {
 public:
  const char* name() const override { return "IKE_DPD"; }
  bool fatal() const override { return false; }
  bool obsolete(const IkeSa& sa) const override { return sa.state != SaState::kEstablished; }
};

}  // namespace

std::unique_ptr<Task> make_ike_dpd() { return std::make_unique<IkeDpd>(); }

}  // namespace kg::ike
