// Configuration commands (subset; see model.h). Handlers mutate the model copy
// in CmdContext; the session commits it only when the handler succeeds.
#include <algorithm>
#include <string>

#include "config/interface_names.h"
#include "config/session.h"
#include "crypto/algorithms.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// "{a|b|c}": the IOS words of one crypto ikev2 proposal field, in the
// registry's order.
template <class Rows, class Word>
std::string alternatives(const Rows& rows, Word word) {
  std::string s;
  for (auto& r : rows) {
    std::string w = word(r);
    if (!w.empty()) s += (s.empty() ? "{" : "|") + w;
  }
  return s + "}";
}

// One `encryption`, `integrity` or `prf` line: each word becomes its
// registry row here, once (the grammar offers only the registry's words).
template <class Row>
void add_algorithm_list(CommandTable& t, const std::string& kw, const std::string& grammar,
                        std::vector<const Row*> Ikev2Proposal::*field, const Row* (*find)(std::string_view)) {
  t.add(Mode::kIkev2Proposal, grammar, {"Set " + kw + " algorithm(s)", "algorithm"},
        [field, find](C c, A a) -> Result<std::string> {
          auto& v = c.model.proposals[c.object].*field;
          std::string warn;
          for (size_t i = 1; i < a.size(); ++i) {
            const Row* r = find(a.at(i));
            if (!r) return fail(Errc::kInvalidArgument, "Invalid input detected: " + a.at(i));
            if (r->legacy) warn += crypto::legacy_warning(a.at(i));
            if (a.negated) std::erase(v, r); else if (std::find(v.begin(), v.end(), r) == v.end()) v.push_back(r);
          }
          return warn;
        })
      .writes(0, [kw, field](const WriteScope& s, std::string& out) {
        auto& v = s.model.proposals.at(s.object).*field;
        if (!v.empty()) out += " " + kw + join_words(ike_words(v)) + "\n";
      });
}

bool legacy_group(int g) {
  const crypto::DhAlgorithm* a = crypto::find_dh_by_ikev2_id(uint16_t(g));
  return a && a->legacy;
}

void enter(C c, Mode m, std::string obj, std::string sub = "") {
  c.next_mode = m;
  c.next_object = std::move(obj);
  c.next_sub_object = std::move(sub);
}

void add_modes(CommandTable& t) {
  for (Mode m : {Mode::kConfig, Mode::kIkev2Proposal, Mode::kIkev2Policy, Mode::kIkev2Keyring,
                 Mode::kKeyringPeer, Mode::kIkev2Profile, Mode::kTransformSet,
                 Mode::kIpsecProfile, Mode::kInterface, Mode::kIkev2Authorization, Mode::kFlexvpnClient,
                 Mode::kAccessList}) {
    t.add(m, "end", {"Exit to privileged EXEC mode"}, [](C c, A) { enter(c, Mode::kExec, ""); return ok(); }).not_persisted();
    t.add(m, "exit", {"Exit from the current mode"}, [m](C c, A) {
      if (m == Mode::kKeyringPeer) enter(c, Mode::kIkev2Keyring, c.object);
      else enter(c, m == Mode::kConfig ? Mode::kExec : Mode::kConfig, "");
      return ok();
    }).not_persisted();
  }
  t.add(Mode::kExec, "configure terminal", {"Enter configuration mode", "Configure from the terminal"},
        [](C c, A) { enter(c, Mode::kConfig, ""); return ok(); });
  t.add(Mode::kExec, "show running-config", {"Show running system information", "Current operating configuration"},
        [](C c, A) { return Result<std::string>(c.config.running_config_text()); });
  t.add(Mode::kExec, "show running-config all",
        {"Show running system information", "Current operating configuration",
         "Configuration with the smart defaults"},
        [](C c, A) { return Result<std::string>(c.config.running_config_text(true)); });
  t.add(Mode::kExec, "show running-config interface WORD",
        {"Show running system information", "Current operating configuration",
         "Show interface configuration", "Interface name (Tunnel1, Tu1, Virtual-Template1...)"},
        [](C c, A a) -> Result<std::string> {
          std::string name = canonical_interface_name(a.at(3));
          if (!c.model.interfaces.contains(name))
            return fail(Errc::kInvalidArgument, "Invalid input: no interface " + name + " is configured");
          // The interface's block of the whole text, so both always agree.
          std::string all = c.config.running_config_text(), head = "interface " + name + "\n";
          size_t at = all.find("\n" + head);
          if (at == std::string::npos) return std::string();
          size_t end = at + 1 + head.size();
          while (end < all.size() && all[end] == ' ') end = all.find('\n', end) + 1;
          return "Building configuration...\n\nCurrent configuration : " +
                 std::to_string(end - at - 1) + " bytes\n!\n" + all.substr(at + 1, end - at - 1) + "end\n";
        });
  t.add(Mode::kExec, "write memory", {"Write running configuration", "Write to NV memory"},
        [](C c, A) -> Result<std::string> {
          auto r = c.config.write_memory();
          if (!r) return std::unexpected(r.error());
          return std::string("[OK]\n");
        });
  t.add(Mode::kConfig, "hostname WORD", {"Set system's network name", "This system's network name"},
        [](C c, A a) { c.model.hostname = a.negated ? "keygate" : a.at(1); return ok(); })
      .writes(section::kHostname, [](const WriteScope& s, std::string& out) { out += "hostname " + s.model.hostname + "\n!\n"; });
  // ip host NAME A [A...]: the static host table; crypto isakmp key ...
  // hostname NAME finds a Main Mode peer's key through it (seed 001), and
  // peers configured by name resolve through it before DNS
  // (daemon/peer_names.h).
  auto ip_host = [](C c, A a) -> Result<std::string> {
    if (a.negated) { c.model.ip_hosts.erase(a.at(2)); return ok(); }
    if (a.size() < 4) return invalid("% Incomplete command.");
    for (size_t i = 3; i < a.size(); ++i)
      if (auto x = IpAddress::parse(a.at(i)); !x || !x->is_v4()) return invalid("% Invalid address " + a.at(i));
    c.model.ip_hosts[a.at(2)] = std::vector<std::string>(a.words.begin() + 3, a.words.end());
    return ok();
  };
  auto hosts = t.add(Mode::kConfig, "ip host WORD A.B.C.D [A.B.C.D] [A.B.C.D] [A.B.C.D] [A.B.C.D] [A.B.C.D] [A.B.C.D] [A.B.C.D]",
        {"Global IP configuration subcommands", "Add an entry to the ip hostname table", "Name of host", "Host IP address",
         "Host IP address", "Host IP address", "Host IP address", "Host IP address", "Host IP address", "Host IP address",
         "Host IP address"},
        ip_host)
      .writes(section::kHostname + 3, [](const WriteScope& s, std::string& out) {
        for (auto& [n, addrs] : s.model.ip_hosts) out += "ip host " + n + join_words(addrs) + "\n";
        if (!s.model.ip_hosts.empty()) out += "!\n";
      });
  t.add(Mode::kConfig, "ip host WORD", {"Global IP configuration subcommands", "Add an entry to the ip hostname table", "Name of host"},
        ip_host)  // `no ip host NAME`
      .writes(hosts);
}

// "default crypto ikev2 proposal" (no name) restores the built-in default.
void add_default_restore(CommandTable& t) {
  auto only_default = [](auto fn) {
    return [fn](C c, A a) -> Result<std::string> {
      if (!a.defaulted) return fail(Errc::kInvalidArgument, "Incomplete command.");
      fn(c.model);
      return ok();
    };
  };
  std::vector<std::string> h = {"Encryption module", "Configure parameters", "Object"};
  t.add(Mode::kConfig, "crypto ikev2 proposal", h, only_default([](Model& m) { m.proposals["default"] = default_proposal(); }), true).not_persisted();
  t.add(Mode::kConfig, "crypto ikev2 policy", h, only_default([](Model& m) { m.policies["default"] = default_policy(); }), true).not_persisted();
  t.add(Mode::kConfig, "crypto ipsec transform-set", h, only_default([](Model& m) { m.transform_sets["default"] = default_transform_set(); }), true).not_persisted();
  t.add(Mode::kConfig, "crypto ipsec profile", h, only_default([](Model& m) { m.ipsec_profiles["default"] = default_ipsec_profile(); }), true).not_persisted();
}

void add_proposal(CommandTable& t) {
  add_default_restore(t);
  t.add(Mode::kConfig, "crypto ikev2 proposal WORD",
        {"Encryption module", "Configure IKEv2 parameters", "Define IKEv2 proposals", "Proposal name"},
        [](C c, A a) {
          const std::string& n = a.at(3);
          if (a.negated) { c.model.proposals.erase(n); return ok(); }
          if (a.defaulted) {
            if (n == "default") c.model.proposals[n] = default_proposal(); else c.model.proposals.erase(n);
            return ok();
          }
          c.model.proposals[n];
          enter(c, Mode::kIkev2Proposal, n);
          return ok();
        })
      .writes(section::kIkev2Proposal, [](const WriteScope& s, std::string& out) {
        auto same = [](const Ikev2Proposal& a, const Ikev2Proposal& b) {
          return a.encryption == b.encryption && a.integrity == b.integrity && a.prf == b.prf && a.groups == b.groups;
        };
        emit_with_default(s.ctx, out, s.model.proposals, default_proposal(), "crypto ikev2 proposal", same,
                          [&](auto& n, auto&) {
                            out += "crypto ikev2 proposal " + n + "\n";
                            s.sub(Mode::kIkev2Proposal, n, out);
                            out += "!\n";
                          });
      });
  const std::string enc = alternatives(crypto::encr_algorithms(), [](auto& r) { return std::string(r.ike_word); });
  const std::string integ = alternatives(crypto::integ_algorithms(), [](auto& r) { return std::string(r.ike_word); });
  const std::string prf = alternatives(crypto::prf_algorithms(), [](auto& r) { return std::string(r.ike_word); });
  auto opt = [](const std::string& alt) { return "[" + alt.substr(1, alt.size() - 2) + "]"; };
  auto grammar = [opt](const char* kw, const std::string& alt) {
    return std::string(kw) + " " + alt + " " + opt(alt) + " " + opt(alt) + " " + opt(alt);
  };
  add_algorithm_list(t, "encryption", grammar("encryption", enc), &Ikev2Proposal::encryption, crypto::find_encr_ike_word);
  add_algorithm_list(t, "integrity", grammar("integrity", integ), &Ikev2Proposal::integrity, crypto::find_integ_ike_word);
  add_algorithm_list(t, "prf", grammar("prf", prf), &Ikev2Proposal::prf, crypto::find_prf_ike_word);
  const std::string grp = alternatives(crypto::dh_algorithms(), [](auto& r) { return std::to_string(uint16_t(r.ikev2_id)); });
  t.add(Mode::kIkev2Proposal, "group " + grp + " " + opt(grp) + " " + opt(grp) + " " + opt(grp),
        {"Set the Diffie-Hellman group(s)", "DH group"}, [](C c, A a) -> Result<std::string> {
          auto& v = c.model.proposals[c.object].groups;
          std::string warn;
          for (size_t i = 1; i < a.size(); ++i) {
            int g = std::stoi(a.at(i));
            if (legacy_group(g)) warn += crypto::legacy_warning(a.at(i));
            if (a.negated) std::erase(v, g); else if (std::find(v.begin(), v.end(), g) == v.end()) v.push_back(g);
          }
          return warn;
        })
      .writes(0, [](const WriteScope& s, std::string& out) {
        auto& groups = s.model.proposals.at(s.object).groups;
        if (groups.empty()) return;
        out += " group";
        for (int g : groups) out += " " + std::to_string(g);
        out += "\n";
      });
  t.add(Mode::kConfig, "crypto ikev2 policy WORD", {"Encryption module", "Configure IKEv2 parameters", "Define IKEv2 policies", "Policy name"},
        [](C c, A a) {
          const std::string& n = a.at(3);
          if (a.negated) { c.model.policies.erase(n); return ok(); }
          if (a.defaulted) { if (n == "default") c.model.policies[n] = default_policy(); return ok(); }
          c.model.policies[n];
          enter(c, Mode::kIkev2Policy, n);
          return ok();
        })
      .writes(section::kIkev2Policy, [](const WriteScope& s, std::string& out) {
        auto same = [](const Ikev2Policy& a, const Ikev2Policy& b) {
          return a.proposals == b.proposals && a.match_local == b.match_local && a.match_fvrf_any == b.match_fvrf_any;
        };
        emit_with_default(s.ctx, out, s.model.policies, default_policy(), "crypto ikev2 policy", same,
                          [&](auto& n, auto&) {
                            out += "crypto ikev2 policy " + n + "\n";
                            s.sub(Mode::kIkev2Policy, n, out);
                            out += "!\n";
                          });
      });
  t.add(Mode::kIkev2Policy, "proposal WORD", {"Specify proposal", "Proposal name"}, [](C c, A a) {
    auto& v = c.model.policies[c.object].proposals;
    std::erase(v, a.at(1));
    if (!a.negated) v.push_back(a.at(1));
    return ok();
  }).writes(3, [](const WriteScope& s, std::string& out) {
    for (auto& pr : s.model.policies.at(s.object).proposals) out += " proposal " + pr + "\n";
  });
  t.add(Mode::kIkev2Policy, "match address local A.B.C.D", {"Match values", "Local address", "Local address", "IPv4 address"},
        [](C c, A a) {
          auto& v = c.model.policies[c.object].match_local;
          IpAddress addr = *IpAddress::parse(a.at(3));  // the grammar took only an address
          std::erase(v, addr);
          if (!a.negated) v.push_back(addr);
          return ok();
        })
      .writes(1, [](const WriteScope& s, std::string& out) {
        for (auto& a : s.model.policies.at(s.object).match_local) out += " match address local " + a.str() + "\n";
      });
  t.add(Mode::kIkev2Policy, "match fvrf any", {"Match values", "Front-door VRF", "Any VRF"}, [](C c, A a) {
    c.model.policies[c.object].match_fvrf_any = !a.negated;
    return ok();
  }).writes(2, [](const WriteScope& s, std::string& out) {
    if (s.model.policies.at(s.object).match_fvrf_any) out += " match fvrf any\n";
  });
}

}  // namespace

void register_ikev2_profile_commands(CommandTable& t);
void register_ipsec_interface_commands(CommandTable& t);
void register_show_config_commands(CommandTable& t);
void register_pki_commands(CommandTable& t);
void register_key_commands(CommandTable& t);
void register_pubkey_chain_commands(CommandTable& t);
void register_show_pki_commands(CommandTable& t);
void register_ikev2_global_commands(CommandTable& t);
void register_isakmp_commands(CommandTable& t);
void register_ezvpn_commands(CommandTable& t);
void register_ezvpn_policy_commands(CommandTable& t);
void register_ra_commands(CommandTable& t);
void register_aaa_commands(CommandTable& t);
void register_aaa_dynamic_commands(CommandTable& t);
void register_mangler_commands(CommandTable& t);
void register_lifetime_commands(CommandTable& t);
void register_ipv6_commands(CommandTable& t);
void register_gre_commands(CommandTable& t);
void register_shell_commands(CommandTable& t);
void register_users_commands(CommandTable& t);
void register_debug_commands(CommandTable& t);
void register_logging_commands(CommandTable& t);
void register_platform_commands(CommandTable& t);
void register_consent_commands(CommandTable& t);
void register_http_commands(CommandTable& t);
void register_token_commands(CommandTable& t);
void register_acl_commands(CommandTable& t);
void register_cryptomap_commands(CommandTable& t);

void register_core_commands(CommandTable& t) {
  add_modes(t);
  add_proposal(t);
  register_ikev2_profile_commands(t);
  register_ipsec_interface_commands(t);
  register_show_config_commands(t);
  register_pki_commands(t);
  register_key_commands(t);
  register_pubkey_chain_commands(t);
  register_show_pki_commands(t);
  register_ikev2_global_commands(t);
  register_isakmp_commands(t);
  register_ezvpn_commands(t);
  register_ezvpn_policy_commands(t);
  register_ra_commands(t);
  register_aaa_commands(t);
  register_aaa_dynamic_commands(t);
  register_mangler_commands(t);
  register_lifetime_commands(t);
  register_ipv6_commands(t);
  register_gre_commands(t);
  register_users_commands(t);
  register_debug_commands(t);
  register_shell_commands(t);
  register_logging_commands(t);
  register_platform_commands(t);
  register_consent_commands(t);
  register_http_commands(t);
  register_token_commands(t);
  register_acl_commands(t);
  register_cryptomap_commands(t);
}

}  // namespace kg::config
