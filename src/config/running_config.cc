// Smart defaults and `show running-config` text. Built-in defaults are not
// printed unless changed (IOS behaviour); a removed default prints as
// "no crypto ikev2 proposal default" so the round trip keeps the removal.
#include "config/model.h"

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

Model default_model() {
  Model m;
  m.proposals["default"] = default_proposal();
  m.policies["default"] = default_policy();
  m.transform_sets["default"] = default_transform_set();
  m.ipsec_profiles["default"] = default_ipsec_profile();
  return m;
}

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += " " + x;
  return s;
}

bool same(const Ikev2Proposal& a, const Ikev2Proposal& b) {
  return a.encryption == b.encryption && a.integrity == b.integrity && a.prf == b.prf && a.groups == b.groups;
}
bool same(const Ikev2Policy& a, const Ikev2Policy& b) {
  return a.proposals == b.proposals && a.match_local == b.match_local && a.match_fvrf_any == b.match_fvrf_any;
}
bool same(const TransformSet& a, const TransformSet& b) { return a.transforms == b.transforms && a.mode == b.mode; }
bool same(const IpsecProfile& a, const IpsecProfile& b) {
  return a.transform_sets == b.transform_sets && a.ikev2_profile == b.ikev2_profile &&
         a.lifetime_seconds == b.lifetime_seconds && a.lifetime_kilobytes == b.lifetime_kilobytes &&
         a.replay_window == b.replay_window && a.pfs_group == b.pfs_group;
}

// Defaults: print nothing if unchanged, "no ..." if removed, full block if changed.
template <class T, class F>
void emit(std::string& out, const std::map<std::string, T>& m, const T& def, const std::string& head, F body) {
  if (!m.contains("default")) out += "no " + head + " default\n!\n";
  for (const auto& [name, v] : m) {
    if (name == "default" && same(v, def)) continue;
    // A changed default is printed as remove + rebuild: list commands append,
    // so reloading onto the built-in default would otherwise merge lists.
    if (name == "default") out += "no " + head + " default\n";
    body(name, v);
  }
}



void emit_interfaces(std::string& out, const Model& m) {
  for (const auto& [n, i] : m.interfaces) {
    out += "interface " + n + "\n";
    if (!i.description.empty()) out += " description " + i.description + "\n";
    if (!i.ip_address.empty()) out += " ip address " + i.ip_address + "\n";
    if (!i.ip_unnumbered.empty()) out += " ip unnumbered " + i.ip_unnumbered + "\n";
    if (i.mtu) out += " ip mtu " + std::to_string(*i.mtu) + "\n";
    if (!i.tunnel_source.empty()) out += " tunnel source " + i.tunnel_source + "\n";
    if (!i.tunnel_mode.empty()) out += " tunnel mode " + i.tunnel_mode + "\n";
    if (!i.tunnel_destination.empty()) out += " tunnel destination " + i.tunnel_destination + "\n";
    if (!i.tunnel_protection.empty()) out += " tunnel protection ipsec profile " + i.tunnel_protection + "\n";
    if (i.shutdown) out += " shutdown\n";
    out += "!\n";
  }
}

}  // namespace

std::string running_config_text(const Model& m, const SealFn& seal) {
  auto key = [&](const std::string& k) { return "6 " + seal(k); };
  std::string out = "!\nhostname " + m.hostname + "\n!\n";
  emit(out, m.proposals, default_proposal(), "crypto ikev2 proposal", [&](auto& n, auto& p) {
    out += "crypto ikev2 proposal " + n + "\n";
    if (!p.encryption.empty()) out += " encryption" + join(p.encryption) + "\n";
    if (!p.integrity.empty()) out += " integrity" + join(p.integrity) + "\n";
    if (!p.prf.empty()) out += " prf" + join(p.prf) + "\n";
    if (!p.groups.empty()) {
      out += " group";
      for (int g : p.groups) out += " " + std::to_string(g);
      out += "\n";
    }
    out += "!\n";
  });
  emit(out, m.policies, default_policy(), "crypto ikev2 policy", [&](auto& n, auto& p) {
    out += "crypto ikev2 policy " + n + "\n";
    for (auto& a : p.match_local) out += " match address local " + a + "\n";
    if (p.match_fvrf_any) out += " match fvrf any\n";
    for (auto& pr : p.proposals) out += " proposal " + pr + "\n";
    out += "!\n";
  });
  for (const auto& [n, kr] : m.keyrings) {
    out += "crypto ikev2 keyring " + n + "\n";
    for (const auto& [pn, p] : kr.peers) {
      out += " peer " + pn + "\n";
      if (!p.address.empty()) out += "  address " + p.address + "\n";
      if (!p.hostname.empty()) out += "  hostname " + p.hostname + "\n";
      if (!p.identity.empty()) out += "  identity " + p.identity + "\n";
      if (!p.psk.empty()) out += "  pre-shared-key " + key(p.psk) + "\n";
      if (!p.psk_local.empty()) out += "  pre-shared-key local " + key(p.psk_local) + "\n";
      if (!p.psk_remote.empty()) out += "  pre-shared-key remote " + key(p.psk_remote) + "\n";
      out += " !\n";
    }
    out += "!\n";
  }
  for (const auto& [n, p] : m.profiles) {
    out += "crypto ikev2 profile " + n + "\n";
    for (auto& r : p.match_identity_remote) out += " match identity remote " + r + "\n";
    for (auto& a : p.match_address_local) out += " match address local " + a + "\n";
    if (!p.identity_local.empty()) out += " identity local " + p.identity_local + "\n";
    auto auth = [&](const char* side, const std::string& meth, const std::string& k) {
      if (meth.empty()) return;
      out += std::string(" authentication ") + side + " " + meth;
      if (!k.empty()) out += " key " + key(k);
      out += "\n";
    };
    auth("local", p.auth_local, p.auth_local_key);
    auth("remote", p.auth_remote, p.auth_remote_key);
    if (!p.keyring_local.empty()) out += " keyring local " + p.keyring_local + "\n";
    if (p.lifetime != 86400) out += " lifetime " + std::to_string(p.lifetime) + "\n";
    out += "!\n";
  }
  emit(out, m.transform_sets, default_transform_set(), "crypto ipsec transform-set", [&](auto& n, auto& t) {
    out += "crypto ipsec transform-set " + n + join(t.transforms) + "\n";
    if (t.mode != "tunnel") out += " mode " + t.mode + "\n";
    out += "!\n";
  });
  emit(out, m.ipsec_profiles, default_ipsec_profile(), "crypto ipsec profile", [&](auto& n, auto& p) {
    out += "crypto ipsec profile " + n + "\n";
    if (!p.transform_sets.empty()) out += " set transform-set" + join(p.transform_sets) + "\n";
    if (!p.ikev2_profile.empty()) out += " set ikev2-profile " + p.ikev2_profile + "\n";
    if (p.lifetime_seconds) out += " set security-association lifetime seconds " + std::to_string(*p.lifetime_seconds) + "\n";
    if (p.lifetime_kilobytes) out += " set security-association lifetime kilobytes " + std::to_string(*p.lifetime_kilobytes) + "\n";
    if (p.replay_window) out += " set security-association replay window-size " + std::to_string(*p.replay_window) + "\n";
    if (p.pfs_group) out += " set pfs group" + std::to_string(*p.pfs_group) + "\n";
    out += "!\n";
  });
  emit_interfaces(out, m);
  for (const auto& r : m.routes) out += "ip route " + r.prefix + " " + r.mask + " " + r.target + "\n";
  out += "!\nend\n";
  return out;
}

}  // namespace kg::config
