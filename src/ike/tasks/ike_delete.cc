// INFORMATIONAL exchanges with Delete payloads (RFC 7296 §1.4.1, §3.11):
// deleting the whole IKE SA (both roles) and, as responder, CHILD_SAs.
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

// --> INFORMATIONAL { D(ESP, spis) }  <-- INFORMATIONAL { D(ESP, our spis) }
class ChildDelete final : public Task {
 public:
  const char* name() const override { return "CHILD_DELETE"; }
  TaskStatus process_r(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>& in) override {
    for (auto& p : in) {
      auto* d = std::get_if<DeletePayload>(&p.body);
      if (!d || d->protocol != ProtocolId::kEsp) continue;
      for (auto& spi_b : d->spis) {
        if (spi_b.size() != 4) continue;
        auto spi = static_cast<uint32_t>(spi_of(spi_b));
        for (auto it = sa.children.begin(); it != sa.children.end(); ++it) {
          if (it->sa.spi_out != spi) continue;
          our_spis_.push_back(it->sa.spi_in);
          env.actions.push_back(RemoveChildSa{it->sa.interface, it->sa.spi_in, it->sa.spi_out});
          sa.children.erase(it);
          break;
        }
      }
    }
    return TaskStatus::kDone;
  }
  void build_r(IkeSa&, TaskEnv&, std::vector<TypedPayload>& out) override {
    if (our_spis_.empty()) return;
    DeletePayload d{ProtocolId::kEsp, 4, {}};
    for (auto s : our_spis_) d.spis.push_back(Bytes{uint8_t(s >> 24), uint8_t(s >> 16), uint8_t(s >> 8), uint8_t(s)});
    out.push_back({PayloadType::kDelete, std::move(d)});
  }

 private:
  std::vector<uint32_t> our_spis_;
};

}  // namespace

std::unique_ptr<Task> make_ike_delete(bool initiator) { return std::make_unique<IkeDelete>(initiator); }
std::unique_ptr<Task> make_child_delete() { return std::make_unique<ChildDelete>(); }

}  // namespace kg::ike
