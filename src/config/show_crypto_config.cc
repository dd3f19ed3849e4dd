// Exec-mode show commands for configuration objects, in IOS's layout, plus
// show startup-config and copy running-config startup-config.
#include <fstream>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/session.h"
#include "crypto/algorithms.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

std::string upper(std::string s) {
  for (char& ch : s) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string group_name(int g) {
  const crypto::DhAlgorithm* a = crypto::find_dh_by_ikev2_id(uint16_t(g));
  return a ? std::string(a->show) : "Group " + std::to_string(g);
}

std::string list_upper(const std::vector<std::string>& v) {
  std::string s;
  for (auto& x : v) s += " " + upper(x);
  return s;
}

template <class T, class F>
Result<std::string> show_map(const std::map<std::string, T>& m, A a, size_t name_at, F fmt) {
  std::string out;
  for (auto& [n, v] : m)
    if (a.size() <= name_at || a.at(name_at) == n) out += fmt(n, v);
  return out;
}

// `| json`: {"KEY": [ {"name": N, ...}, ... ]} with the same objects.
template <class T, class J>
Result<std::string> show_map_json(const std::map<std::string, T>& m, A a, size_t name_at, const char* key, J to_json) {
  nlohmann::json list = nlohmann::json::array();
  for (auto& [n, v] : m)
    if (a.size() <= name_at || a.at(name_at) == n) {
      nlohmann::json j = to_json(v);
      j["name"] = n;
      list.push_back(std::move(j));
    }
  return nlohmann::json{{key, std::move(list)}}.dump() + "\n";
}

std::optional<nlohmann::json> dpd_json(const std::optional<Dpd>& d) {
  if (!d) return std::nullopt;
  return nlohmann::json{{"interval", d->interval}, {"retry", d->retry}, {"periodic", d->periodic}};
}

}  // namespace

void register_show_config_commands(CommandTable& t) {
  std::vector<std::string> h = {"Show running system information", "Encryption module", "IKEv2 information"};
  t.add(Mode::kExec, "show crypto ikev2 proposal [WORD]", {h[0], h[1], h[2], "Show IKEv2 proposals", "Proposal name"},
        [](C c, A a) {
          if (a.json)
            return show_map_json(c.model.proposals, a, 4, "proposals", [](const Ikev2Proposal& p) {
              return nlohmann::json{{"encryption", ike_words(p.encryption)}, {"integrity", ike_words(p.integrity)},
                                    {"prf", ike_words(p.prf)},
                                    {"groups", p.groups}};
            });
          return show_map(c.model.proposals, a, 4, [](auto& n, const Ikev2Proposal& p) {
            std::string dh;
            for (int g : p.groups) dh += " " + group_name(g);
            return " IKEv2 proposal: " + n + "\n     Encryption :" + list_upper(ike_words(p.encryption)) +
                   "\n     Integrity  :" + list_upper(ike_words(p.integrity)) + "\n     PRF        :" +
                   list_upper(ike_words(p.prf)) + "\n     DH Group   :" + dh + "\n";
          });
        }, false, true);
  t.add(Mode::kExec, "show crypto ikev2 policy [WORD]", {h[0], h[1], h[2], "Show IKEv2 policies", "Policy name"},
        [](C c, A a) {
          if (a.json)
            return show_map_json(c.model.policies, a, 4, "policies", [](const Ikev2Policy& p) {
              return nlohmann::json{{"proposals", p.proposals}, {"match_address_local", address_words(p.match_local)},
                                    {"match_fvrf_any", p.match_fvrf_any}};
            });
          return show_map(c.model.policies, a, 4, [](auto& n, const Ikev2Policy& p) {
            std::string s = "\n IKEv2 policy : " + n + "\n      Match fvrf : " +
                            std::string(p.match_fvrf_any ? "any" : "global") + "\n      Match address local : ";
            s += p.match_local.empty() ? "any" : p.match_local[0].str();
            for (auto& pr : p.proposals) s += "\n      Proposal    : " + pr;
            return s + "\n";
          });
        }, false, true);
  t.add(Mode::kExec, "show crypto ikev2 profile [WORD]", {h[0], h[1], h[2], "Show IKEv2 profiles", "Profile name"},
        [](C c, A a) {
          const auto& global_dpd = c.model.ikev2.dpd;
          if (a.json)
            return show_map_json(c.model.profiles, a, 4, "profiles", [&global_dpd](const Ikev2Profile& p) {
              std::vector<std::string> remote;
              for (auto& r : p.match_identity_remote) remote.push_back(r.words());
              nlohmann::json j{{"match_identity_remote", remote},
                               {"match_address_local", address_words(p.match_address_local)},
                               {"match_certificate", p.match_certificate},
                               {"identity_local", p.identity_local ? p.identity_local->words() : ""},
                               {"authentication_local", std::string(auth_method_word(p.auth_local))},
                               {"authentication_remote", auth_method_words(p.auth_remote)},
                               {"keyring", p.keyring_local},
                               {"trustpoints", p.pki_trustpoints},
                               {"lifetime_s", p.lifetime},
                               {"nat_force_encap", p.nat_force_encap},
                               {"virtual_template", p.virtual_template}};
              if (auto d = dpd_json(p.dpd ? p.dpd : global_dpd)) j["dpd"] = *d;
              return j;  // never a key
            });
          return show_map(c.model.profiles, a, 4, [&global_dpd](auto& n, const Ikev2Profile& p) {
            std::string s = "IKEv2 profile: " + n + "\n Ref Count: 0\n Match criteria:\n  Fvrf: global\n  Local address/interface: ";
            s += p.match_address_local.empty() ? "none" : p.match_address_local[0].str();
            s += "\n  Identities:\n";
            for (auto& r : p.match_identity_remote) s += "   " + r.words() + "\n";
            s += "  Certificate maps:";
            if (p.match_certificate.empty()) s += " none";
            for (auto& mc : p.match_certificate) s += " " + mc;
            s += "\n";
            bool signs = p.auth_local == AuthMethod::kRsaSig || p.auth_local == AuthMethod::kEcdsaSig;
            s += " Local identity: " +
                 (p.identity_local ? p.identity_local->words()
                                            : std::string(signs ? "none (default: dn)" : "none (default: address)")) +
                 "\n";
            s += " Remote identity: none\n Local authentication method: " + (p.auth_local == AuthMethod::kNone ? "none" : std::string(auth_method_word(p.auth_local))) + "\n";
            s += " Remote authentication method(s):" + (p.auth_remote.empty() ? " none" : join_words(auth_method_words(p.auth_remote))) + "\n";
            s += " Keyring: " + (p.keyring_local.empty() ? "none" : p.keyring_local) + "\n";
            s += " Trustpoint(s):";
            if (p.pki_trustpoints.empty()) s += " none";
            for (auto& tp : p.pki_trustpoints) s += " " + tp;
            s += "\n";
            s += " Lifetime: " + std::to_string(p.lifetime) + " seconds\n";
            // The profile's dpd, else the global crypto ikev2 dpd.
            const auto& dpd = p.dpd ? p.dpd : global_dpd;
            s += dpd ? " DPD: interval " + std::to_string(dpd->interval) + ", retry " + std::to_string(dpd->retry) +
                           (dpd->periodic ? ", periodic" : ", on-demand") + (p.dpd ? "\n" : " (global)\n")
                     : std::string(" DPD: disabled\n");
            return s;
          });
        }, false, true);
  std::vector<std::string> hi = {h[0], h[1], "IPsec information"};
  t.add(Mode::kExec, "show crypto ipsec transform-set [WORD]", {hi[0], hi[1], hi[2], "Crypto transform sets", "Transform set name"},
        [](C c, A a) {
          if (a.json)
            return show_map_json(c.model.transform_sets, a, 4, "transform_sets", [](const TransformSet& ts) {
              return nlohmann::json{{"transforms", esp_words(ts.transforms)}, {"mode", ts.mode}};
            });
          return show_map(c.model.transform_sets, a, 4, [](auto& n, const TransformSet& ts) {
            std::string s = "Transform set " + n + ": {";
            for (auto& x : esp_words(ts.transforms)) s += " " + x;
            return s + " }\n   will negotiate = { " + (ts.mode == "tunnel" ? "Tunnel" : "Transport") + ",  },\n\n";
          });
        }, false, true);
  t.add(Mode::kExec, "show crypto ipsec profile [WORD]", {hi[0], hi[1], hi[2], "IPsec profiles", "Profile name"},
        [](C c, A a) {
          if (a.json)
            return show_map_json(c.model.ipsec_profiles, a, 4, "ipsec_profiles", [](const IpsecProfile& p) {
              nlohmann::json j{{"transform_sets", p.transform_sets}, {"ikev2_profile", p.ikev2_profile},
                               {"lifetime_s", p.lifetime_seconds.value_or(3600)},
                               {"lifetime_kb", p.lifetime_kilobytes.value_or(4608000)}};
              if (p.pfs_group) j["pfs_group"] = *p.pfs_group;
              if (p.replay_window) j["replay_window"] = *p.replay_window;
              return j;
            });
          return show_map(c.model.ipsec_profiles, a, 4, [](auto& n, const IpsecProfile& p) {
            std::string s = "IPSEC profile " + n + "\n";
            if (!p.ikev2_profile.empty()) s += "        IKEv2 Profile: " + p.ikev2_profile + "\n";
            s += "        Security association lifetime: " + std::to_string(p.lifetime_kilobytes.value_or(4608000)) +
                 " kilobytes/" + std::to_string(p.lifetime_seconds.value_or(3600)) + " seconds\n";
            s += "        Responder-Only (Y/N): N\n        PFS (Y/N): " +
                 std::string(p.pfs_group ? "Y, DH group " + std::to_string(*p.pfs_group) : "N") +
                 "\n        Transform sets={\n";
            for (auto& ts : p.transform_sets) s += "                " + ts + ",\n";
            return s + "        }\n\n";
          });
        }, false, true);
  t.add(Mode::kExec, "show startup-config", {"Show running system information", "Contents of startup configuration"},
        [](C c, A) -> Result<std::string> {
          std::ifstream in(c.config.state_dir() + "/startup-config");
          if (c.config.state_dir().empty() || !in) return fail(Errc::kNotFound, "startup-config is not present");
          std::stringstream ss;
          ss << in.rdbuf();
          return ss.str();
        });
  t.add(Mode::kExec, "copy running-config startup-config", {"Copy from one file to another", "Copy from current system configuration", "Copy to startup configuration"},
        [](C c, A) -> Result<std::string> {
          auto r = c.config.write_memory();
          if (!r) return std::unexpected(r.error());
          return std::string("[OK]\n");
        });
}

}  // namespace kg::config
