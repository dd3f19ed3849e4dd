// The IOS configuration model seen as the IKE engine's PolicyProvider:
// crypto ikev2 policy/proposal → IKE proposals, crypto ikev2 profile + keyring
// → identities and pre-shared keys, interface TunnelN + crypto ipsec profile +
// transform sets + ip route → CHILD_SA policy.
#pragma once
#include <optional>
#include <string>

#include "config/model.h"
#include "ike/policy.h"

namespace kg::daemon {

class ConfigPolicy final : public ike::PolicyProvider {
 public:
  void set_model(const config::Model& m) { model_ = m; }
  const config::Model& model() const { return model_; }

  ike::IkeLimits limits() const override;
  std::vector<ike::IkeProposalConfig> ike_proposals(const IpAddress& local) const override;
  std::optional<ike::ProfileConfig> profile_for_peer(const ike::Identity& remote_id, const IpAddress& local,
                                                     const IpAddress& remote) const override;
  std::optional<ike::ProfileConfig> profile_by_name(const std::string& name,
                                                    const IpAddress& remote) const override;
  std::optional<ike::ChildConfig> child_for_peer(const std::string& profile, const IpAddress& local,
                                                 const IpAddress& remote) const override;

  // CHILD_SA policy of a tunnel interface (for initiating).
  std::optional<ike::ChildConfig> child_for_tunnel(const std::string& ifname) const;
  // The ikev2 profile a tunnel interface uses (its ipsec profile's set
  // ikev2-profile, else "default").
  std::string profile_for_tunnel(const std::string& ifname) const;

 private:
  std::optional<ike::ProfileConfig> build_profile(const std::string& name, const config::Ikev2Profile& p,
                                                  const ike::Identity* remote_id, const IpAddress& remote) const;
  config::Model model_;
};

// "ADDR MASK" → prefix; nullopt if malformed.
std::optional<Prefix> parse_addr_mask(const std::string& s);
// Identity from IOS words ("fqdn x", "address a", "email e", "key-id k").
std::optional<ike::Identity> identity_from_words(const std::string& words);

}  // namespace kg::daemon
