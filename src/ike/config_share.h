// Configuration that IKE SAs hold for their whole life (proposals, profile,
// CHILD_SA configuration), kept once for all the SAs that got the same one:
// a hub's 100,000 sessions of one profile share one copy instead of ~1 kB
// each. The policy still builds a fresh value per question (a changed
// configuration applies to new SAs and rekeys as before); ConfigShare hands
// out an existing equal copy when it has one. Values are immutable once
// shared (shared_ptr<const T>).
#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "ike/policy.h"

namespace kg::ike {

// The IKE proposals as an SA holds them: read like the vector they are.
class SharedProposals {
 public:
  SharedProposals() : p_(none()) {}
  SharedProposals(std::shared_ptr<const std::vector<IkeProposalConfig>> p) : p_(p ? std::move(p) : none()) {}
  operator const std::vector<IkeProposalConfig>&() const { return *p_; }
  [[nodiscard]] auto begin() const { return p_->begin(); }
  [[nodiscard]] auto end() const { return p_->end(); }
  [[nodiscard]] bool empty() const { return p_->empty(); }
  [[nodiscard]] size_t size() const { return p_->size(); }
  [[nodiscard]] const void* identity() const { return p_.get(); }  // tests: shared or not

 private:
  static const std::shared_ptr<const std::vector<IkeProposalConfig>>& none();
  std::shared_ptr<const std::vector<IkeProposalConfig>> p_;
};

bool same(const IkeProposalConfig& a, const IkeProposalConfig& b);
bool same(const ProfileConfig& a, const ProfileConfig& b);
bool same(const ChildConfig& a, const ChildConfig& b);

class ConfigShare {
 public:
  std::shared_ptr<const std::vector<IkeProposalConfig>> share(std::vector<IkeProposalConfig> v);
  std::shared_ptr<const ProfileConfig> share(std::optional<ProfileConfig> v);
  std::shared_ptr<const ChildConfig> share(std::optional<ChildConfig> v);

  // How many distinct values each list keeps: a hub has a handful of
  // profiles; with per-peer values (a keyring with a key per peer) every
  // lookup misses and the SA gets its own copy, as before.
  static constexpr size_t kKeep = 8;

 private:
  template <class T>
  using List = std::vector<std::shared_ptr<const T>>;
  List<std::vector<IkeProposalConfig>> proposals_;
  List<ProfileConfig> profiles_;
  List<ChildConfig> children_;
};

}  // namespace kg::ike
