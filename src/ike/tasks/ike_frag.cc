// IKE_SA_INIT: N(IKEV2_FRAGMENTATION_SUPPORTED) both ways when `crypto ikev2
// fragmentation` is configured (RFC 7383 §2.3). Fragmentation is used on the
// IKE SA only when both sides sent it; the responder sends it only in answer
// to the initiator's.
#include "ike/task.h"

namespace kg::ike {
namespace {

class IkeFragmentation final : public Task {
 public:
  const char* name() const override { return "IKE_FRAGMENTATION"; }

  // IKE_SA_INIT { ... N(IKEV2_FRAGMENTATION_SUPPORTED) } -->
  Result<void> build_i(IkeSa&, TaskEnv& env, std::vector<TypedPayload>& out) override {
    if (env.policy.limits().fragmentation) out.push_back(notify(NotifyType::kIkev2FragmentationSupported));
    return {};
  }
  // <-- IKE_SA_INIT { ... N(IKEV2_FRAGMENTATION_SUPPORTED) }
  TaskStatus process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    sa.frag.enabled = env.policy.limits().fragmentation &&
                      find_notify(in, NotifyType::kIkev2FragmentationSupported) != nullptr;
    return TaskStatus::kDone;
  }
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    sa.frag.enabled = env.policy.limits().fragmentation &&
                      find_notify(in, NotifyType::kIkev2FragmentationSupported) != nullptr;
    return TaskStatus::kDone;
  }
  void build_r(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (sa.frag.enabled) out.push_back(notify(NotifyType::kIkev2FragmentationSupported));
  }
};

}  // namespace

std::unique_ptr<Task> make_ike_fragmentation() { return std::make_unique<IkeFragmentation>(); }

}  // namespace kg::ike
