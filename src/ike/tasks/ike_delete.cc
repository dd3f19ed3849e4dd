// INFORMATIONAL exchanges with Delete payloads (RFC 7296 §1.4.1, §3.11):
// deleting the whole IKE SA, both roles (CHILD_SAs: child_delete.cc).
#include "ike/fmt.h"

#include "common/log.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

class IkeDelete final : public Task {
 public:
  explicit IkeDelete(bool initiator) : initiator_(initiator) {}
  const char* name() const override { return "IKE_DELETE"; }

  // INFORMATIONAL { D(IKE) } -->
  Result<void> build_i(IkeSa&, TaskEnv&, std::vector<TypedPayload>& out) override {
    out.push_back({PayloadType::kDelete, DeletePayload{ProtocolId::kIke, 0, {}}});
    return {};
  }
  // <-- INFORMATIONAL { }: the driver destroys the SA either way.
  TaskStatus process_i(IkeSa&, TaskEnv&, const std::vector<TypedPayload>&) override { return TaskStatus::kDone; }

  // --> INFORMATIONAL { D(IKE) } received: children go first, then the IKE SA.
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>&) override {
    log::info(fmt("IKEv2: {} deleted IKE SA {:016x}/{:016x}", sa.remote.str(), sa.spi_i, sa.spi_r));
    emit_remove_children(sa, env);
    return TaskStatus::kDone;
  }
  void build_r(IkeSa&, TaskEnv&, std::vector<TypedPayload>&) override {}

 private:
  bool initiator_;
};

}  // namespace

std::unique_ptr<Task> make_ike_delete(bool initiator) { return std::make_unique<IkeDelete>(initiator); }

}  // namespace kg::ike
