// INITIAL_CONTACT (RFC 7296 §2.4): sent in our IKE_AUTH request when we have
// no other IKE SA with the peer, so a peer that rebooted, or forgot us,
// learns that its older IKE SAs with us are stale. The peer's notify is
// recorded here; the driver deletes the stale SAs once IKE_AUTH succeeds.
#include "ike/task.h"

namespace kg::ike {
namespace {

// N(INITIAL_CONTACT) in our first IKE_AUTH (§2.4); notes the peer's.
class IkeContact final : public Task {
 public:
  const char* name() const override { return "IKE_CONTACT"; }
  ExchangeType exchange() const override { return ExchangeType::kIkeAuth; }
  bool fatal() const override { return false; }
  Result<void> build_i(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (sa.send_initial_contact) out.push_back(notify(NotifyType::kInitialContact));
    return {};
  }
  TaskStatus process_i(IkeSa& sa, TaskEnv&, const std::vector<TypedPayload>& in) override {
    sa.peer_initial_contact = find_notify(in, NotifyType::kInitialContact) != nullptr;
    return TaskStatus::kDone;
  }
  TaskStatus process_r(IkeSa& sa, TaskEnv&, const std::vector<TypedPayload>& in) override {
    sa.peer_initial_contact = find_notify(in, NotifyType::kInitialContact) != nullptr;
    return TaskStatus::kDone;
  }
};

}  // namespace

std::unique_ptr<Task> make_ike_contact(bool) { return std::make_unique<IkeContact>(); }

}  // namespace kg::ike
