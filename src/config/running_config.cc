// Smart defaults (keygate's safe replacement for IOS's). The running-config
// text is written by section writers next to each command file (writer.h).
#include "config/writer.h"

namespace kg::config {

Ikev2Proposal default_proposal() {
  // AEAD and CBC suites in one proposal for the user view; the engine splits
  // them into separate IKE proposals since AEAD takes no integrity transform.
  return {{"aes-gcm-256", "aes-gcm-128", "aes-cbc-256", "aes-cbc-128"},
          {"sha512", "sha384", "sha256"},
          {"sha512", "sha384", "sha256"},
          {19, 20, 14}};
}
Ikev2Policy default_policy() { return {{"default"}, {}, true}; }
TransformSet default_transform_set() {
  return {{"esp-gcm 256", "esp-gcm 128", "esp-aes 256", "esp-sha256-hmac"}, "tunnel"};
}
IpsecProfile default_ipsec_profile() {
  IpsecProfile p;
  p.transform_sets = {"default"};
  p.ikev2_profile = "default";
  return p;
}

// IOS's smart default authorization policy (seed 004, "Smart Defaults").
AuthorizationPolicy default_authorization_policy() {
  AuthorizationPolicy p;
  p.route_set_interface = true;
  p.route_accept_any = true;
  return p;
}

Model default_model() {
  Model m;
  m.proposals["default"] = default_proposal();
  m.policies["default"] = default_policy();
  m.transform_sets["default"] = default_transform_set();
  m.ipsec_profiles["default"] = default_ipsec_profile();
  m.authorization_policies["default"] = default_authorization_policy();
  return m;
}

std::string join_words(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += " " + x;
  return s;
}

}  // namespace kg::config
