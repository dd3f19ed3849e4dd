// Smart defaults (keygate's safe replacement for IOS's). The running-config
// text is written by the command table, each command its own lines (writer.h).
#include "config/writer.h"

#include <algorithm>

#include "crypto/algorithms.h"

namespace kg::config {
namespace {

// The rows of one registry table that are in a default list (position > 0),
// in the order of their positions, as `word(row)`.
template <class Rows, class Pos, class Word>
auto by_default_position(const Rows& rows, Pos pos, Word word) {
  std::vector<std::pair<int, decltype(word(rows[0]))>> v;
  for (auto& r : rows)
    if (pos(r) > 0) v.emplace_back(pos(r), word(r));
  std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<decltype(word(rows[0]))> out;
  for (auto& [p, w] : v) out.push_back(w);
  return out;
}

}  // namespace

// The smart defaults come from the algorithm registry (crypto/algorithms.h):
// the algorithms marked for the default lists, in their positions.
Ikev2Proposal default_proposal() {
  // AEAD and CBC suites in one proposal for the user view; the engine splits
  // them into separate IKE proposals since AEAD takes no integrity transform.
  auto row = [](auto& r) { return &r; };
  auto ike = [](auto& r) { return int(r.ike_default); };
  return {by_default_position(crypto::encr_algorithms(), ike, row),
          by_default_position(crypto::integ_algorithms(), ike, row),
          by_default_position(crypto::prf_algorithms(), ike, row),
          by_default_position(crypto::dh_algorithms(), ike, [](auto& r) { return int(r.ikev2_id); })};
}
Ikev2Policy default_policy() { return {{"default"}, {}, true}; }
TransformSet default_transform_set() {
  auto esp = [](auto& r) { return int(r.esp_default); };
  auto transforms = by_default_position(crypto::encr_algorithms(), esp, [](auto& r) {
    return EspTransform{&r, nullptr, r.esp_word_bits != 0};
  });
  for (auto& t : by_default_position(crypto::integ_algorithms(), esp, [](auto& r) { return EspTransform{nullptr, &r}; }))
    transforms.push_back(t);
  return {transforms, "tunnel"};
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

std::string_view auth_method_word(AuthMethod m) {
  switch (m) {
    case AuthMethod::kPreShare: return "pre-share";
    case AuthMethod::kRsaSig: return "rsa-sig";
    case AuthMethod::kEcdsaSig: return "ecdsa-sig";
    case AuthMethod::kEap: return "eap";
    case AuthMethod::kNone: break;
  }
  return "";
}

AuthMethod auth_method_from_word(std::string_view w) {
  for (AuthMethod m : {AuthMethod::kPreShare, AuthMethod::kRsaSig, AuthMethod::kEcdsaSig, AuthMethod::kEap})
    if (auth_method_word(m) == w) return m;
  return AuthMethod::kNone;
}

std::string_view tunnel_mode_word(TunnelMode m) {
  switch (m) {
    case TunnelMode::kGreIpv6: return "gre ipv6";
    case TunnelMode::kIpsecIpv4: return "ipsec ipv4";
    case TunnelMode::kIpsecIpv6: return "ipsec ipv6";
    case TunnelMode::kGreIp: break;
  }
  return "gre ip";
}

std::string InterfaceAddress::word() const {
  if (address) return address->addr.str() + " " + address->mask().str();
  return negotiated ? kNegotiated : "";
}

std::vector<std::string> prefix_words(const std::vector<Prefix>& v) {
  std::vector<std::string> out;
  for (const Prefix& p : v) out.push_back(p.str());
  return out;
}

std::string TunnelDestination::word() const {
  if (address) return address->str();
  return dynamic ? "dynamic" : "";
}

std::optional<EspTransform> EspTransform::parse(std::string_view entry) {
  if (const crypto::EncrAlgorithm* e = crypto::find_encr_esp_word(entry))
    return EspTransform{e, nullptr, entry.find(' ') != std::string_view::npos};
  if (const crypto::IntegAlgorithm* i = crypto::find_integ_esp_word(entry)) return EspTransform{nullptr, i};
  return std::nullopt;
}

std::string EspTransform::word() const {
  if (integ) return std::string(integ->esp_word);
  if (!encr) return "";
  return std::string(encr->esp_word) + (bits_typed ? " " + std::to_string(encr->esp_word_bits) : "");
}

std::vector<std::string> esp_words(const std::vector<EspTransform>& v) {
  std::vector<std::string> out;
  for (auto& t : v) out.push_back(t.word());
  return out;
}

std::vector<std::string> address_words(const std::vector<IpAddress>& v) {
  std::vector<std::string> out;
  for (const IpAddress& a : v) out.push_back(a.str());
  return out;
}

std::vector<std::string> auth_method_words(const std::vector<AuthMethod>& v) {
  std::vector<std::string> out;
  for (AuthMethod m : v) out.emplace_back(auth_method_word(m));
  return out;
}

std::string join_words(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += " " + x;
  return s;
}

}  // namespace kg::config
