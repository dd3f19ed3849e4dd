// Deleting CHILD_SAs with INFORMATIONAL Delete payloads (RFC 7296 §1.4.1,
// §3.11). A Delete carries the sender's inbound SPIs; the answer the
// responder's for the same SAs. Both directions of an SA go together.
//
// Initiator: the SA was already retired (outbound moved to its successor);
// its inbound half is removed only when the answer arrives, so packets the
// peer sent before it processed our Delete are still accepted.
// Responder (§2.25.1): a Delete for an SA we are deleting ourselves is
// answered without a Delete payload for it; one we are rekeying is deleted
// as usual.
#include "common/log.h"
#include "ike/fmt.h"
#include "ike/task.h"

namespace kg::ike {
namespace {

// INFORMATIONAL { D(ESP, our inbound SPIs) } -->
class ChildDeleteInitiator final : public Task {
 public:
  explicit ChildDeleteInitiator(std::vector<uint32_t> spis) : spis_(std::move(spis)) {}
  const char* name() const override { return "CHILD_DELETE"; }
  bool fatal() const override { return false; }
  bool obsolete(const IkeSa& sa) const override {
    for (auto s : spis_)
      for (auto& c : sa.children)
        if (c.sa.spi_in == s) return false;
    return true;
  }

  Result<void> build_i(IkeSa& sa, TaskEnv&, std::vector<TypedPayload>& out) override {
    DeletePayload d{ProtocolId::kEsp, 4, {}};
    for (auto s : spis_)
      if (sa.child(s)) d.spis.push_back(spi_bytes(s));
    out.push_back({PayloadType::kDelete, std::move(d)});
    return {};
  }

  // <-- INFORMATIONAL { [D(ESP, the peer's SPIs)] }: ours go either way.
  TaskStatus process_i(IkeSa& sa, TaskEnv& env, const std::vector<TypedPayload>&) override {
    for (auto s : spis_) {
      ChildSa* c = sa.child(s);
      if (!c) continue;
      env.actions.push_back(RemoveChildSa{c->sa.interface, c->sa.spi_in, c->sa.spi_out});
      std::erase_if(sa.children, [s](const ChildSa& x) { return x.sa.spi_in == s; });
    }
    return TaskStatus::kDone;
  }

 private:
  std::vector<uint32_t> spis_;
};

// --> INFORMATIONAL { D(ESP, spis) }  <-- INFORMATIONAL { D(ESP, our spis) }
class ChildDeleteResponder final : public Task {
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
          if (it->state != ChildState::kDeleting) our_spis_.push_back(it->sa.spi_in);
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
    for (auto s : our_spis_) d.spis.push_back(spi_bytes(s));
    out.push_back({PayloadType::kDelete, std::move(d)});
  }

 private:
  std::vector<uint32_t> our_spis_;
};

}  // namespace

std::unique_ptr<Task> make_child_delete() { return std::make_unique<ChildDeleteResponder>(); }
std::unique_ptr<Task> make_child_delete(std::vector<uint32_t> spis_in) {
  return std::make_unique<ChildDeleteInitiator>(std::move(spis_in));
}

}  // namespace kg::ike
