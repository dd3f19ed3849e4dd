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
  auto word = [](auto& r) { return std::string(r.ike_word); };
  auto ike = [](auto& r) { return int(r.ike_default); };
  return {by_default_position(crypto::encr_algorithms(), ike, word),
          by_default_position(crypto::integ_algorithms(), ike, word),
          by_default_position(crypto::prf_algorithms(), ike, word),
          by_default_position(crypto::dh_algorithms(), ike, [](auto& r) { return int(r.ikev2_id); })};
}
Ikev2Policy default_policy() { return {{"default"}, {}, true}; }
TransformSet default_transform_set() {
  auto esp = [](auto& r) { return int(r.esp_default); };
  auto words = by_default_position(crypto::encr_algorithms(), esp, [](auto& r) {
    return std::string(r.esp_word) + (r.esp_word_bits ? " " + std::to_string(r.esp_word_bits) : "");
  });
  for (auto& w : by_default_position(crypto::integ_algorithms(), esp, [](auto& r) { return std::string(r.esp_word); }))
    words.push_back(w);
  return {words, "tunnel"};
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
