// Crypto maps (IKEv1 site-to-site, seed 001's `crypto map` entries):
//   crypto map NAME SEQ ipsec-isakmp [dynamic DMAP]
//    set peer, set transform-set, set pfs, set security-association lifetime,
//    set isakmp-profile, match address ACL, description
//   crypto dynamic-map NAME SEQ (the same lines: a template for any peer)
//   crypto map NAME local-address IFACE
//   interface ... / crypto map NAME
//   show crypto map [tag NAME]
// keygated turns each applied map into a TUN device and routes (the ACL's
// destinations) and negotiates the ACL's networks (daemon/crypto_maps.h).
#include "config/model_cryptomap.h"
#include "config/session.h"
#include "config/writer.h"
#include "crypto/algorithms.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// The entry a sub-mode line edits: crypto map NAME SEQ or crypto dynamic-map NAME SEQ.
CryptoMapEntry& entry(C c, Mode m) {
  int seq = std::stoi(c.sub_object);
  return m == Mode::kCryptoMap ? c.model.crypto_maps[c.object].entries[seq] : c.model.dynamic_maps[c.object][seq];
}

void entry_lines(const CryptoMapEntry& e, std::string& out) {
  if (!e.description.empty()) out += " description " + e.description + "\n";
  for (auto& p : e.peers) out += " set peer " + p.str() + "\n";
  if (e.lifetime_seconds) out += " set security-association lifetime seconds " + std::to_string(*e.lifetime_seconds) + "\n";
  if (e.lifetime_kilobytes) out += " set security-association lifetime kilobytes " + std::to_string(*e.lifetime_kilobytes) + "\n";
  if (!e.transform_sets.empty()) out += " set transform-set" + join_words(e.transform_sets) + "\n";
  if (e.pfs_group) out += " set pfs group" + std::to_string(*e.pfs_group) + "\n";
  if (!e.isakmp_profile.empty()) out += " set isakmp-profile " + e.isakmp_profile + "\n";
  if (!e.match_address.empty()) out += " match address " + e.match_address + "\n";
}

void add_entry_lines(CommandTable& t, Mode m) {
  auto lines = t.add(m, "set peer A.B.C.D", {"Set a parameter", "Allowed Encryption/Decryption peer", "IP address of peer"},
        [m](C c, A a) -> Result<std::string> {
          auto p = IpAddress::parse(a.at(2));
          if (!p) return invalid("% Invalid address");
          auto& v = entry(c, m).peers;
          std::erase(v, *p);
          if (!a.negated) v.push_back(*p);
          return ok();
        })
      .writes(0, [m](const WriteScope& s, std::string& out) {
        int seq = std::stoi(s.sub_object);
        entry_lines(m == Mode::kCryptoMap ? s.model.crypto_maps.at(s.object).entries.at(seq)
                                          : s.model.dynamic_maps.at(s.object).at(seq), out);
      });
  t.add(m, "set transform-set WORD [WORD] [WORD] [WORD] [WORD] [WORD]",
        {"Set a parameter", "Specify list of transform sets in priority order", "Transform set name"},
        [m](C c, A a) {
          entry(c, m).transform_sets = a.negated ? std::vector<std::string>{} : std::vector<std::string>(a.words.begin() + 2, a.words.end());
          return ok();
        })
      .writes(lines);
  std::string groups;
  for (auto& g : crypto::dh_algorithms()) groups += (groups.empty() ? "[group" : "|group") + std::to_string(uint16_t(g.ikev2_id));
  // IOS's default group is 1, which keygate does not have: group 14, as for
  // crypto isakmp policy.
  t.add(m, "set pfs " + groups + "]", {"Set a parameter", "Specify pfs settings", "DH group"},
        [m](C c, A a) -> Result<std::string> {
          auto& e = entry(c, m);
          if (a.negated) { e.pfs_group.reset(); return ok(); }
          e.pfs_group = a.size() > 2 ? std::stoi(a.at(2).substr(5)) : 14;
          const crypto::DhAlgorithm* g = crypto::find_dh_by_ikev2_id(uint16_t(*e.pfs_group));
          if (g && g->legacy) return crypto::legacy_warning(a.at(2));
          return ok();
        })
      .writes(lines);
  t.add(m, "set security-association lifetime seconds <120-86400>",
        {"Set a parameter", "Security association parameters", "Security association lifetime", "Time-based key duration in seconds", "Seconds"},
        [m](C c, A a) {
          auto& f = entry(c, m).lifetime_seconds;
          if (a.negated) f.reset(); else f = std::stoull(a.at(4));
          return ok();
        })
      .writes(lines);
  t.add(m, "set security-association lifetime kilobytes <2560-4294967295>",
        {"Set a parameter", "Security association parameters", "Security association lifetime", "Volume-based key duration", "Kilobytes"},
        [m](C c, A a) {
          auto& f = entry(c, m).lifetime_kilobytes;
          if (a.negated) f.reset(); else f = std::stoull(a.at(4));
          return ok();
        })
      .writes(lines);
  t.add(m, "set isakmp-profile WORD", {"Set a parameter", "Specify isakmp Profile", "isakmp profile name"},
        [m](C c, A a) { entry(c, m).isakmp_profile = a.negated ? "" : a.at(2); return ok(); })
      .writes(lines);
  t.add(m, "match address WORD", {"Match values", "Match address of packets to encrypt", "IP access-list number or name"},
        [m](C c, A a) { entry(c, m).match_address = a.negated ? "" : a.at(2); return ok(); })
      .writes(lines);
  t.add(m, "description LINE", {"Description of the crypto map statement policy", "Up to 80 characters describing this entry"},
        [m](C c, A a) { entry(c, m).description = a.negated ? "" : a.at(1); return ok(); })
      .writes(lines);
  for (const char* w : {"end", "exit"})
    t.add(m, w, {std::string(w) == "end" ? "Exit to privileged EXEC mode" : "Exit from the current mode"},
          [w](C c, A) {
            c.next_mode = std::string(w) == "end" ? Mode::kExec : Mode::kConfig;
            c.next_object.clear();
            c.next_sub_object.clear();
            return ok();
          })
        .not_persisted();
}

void add_maps(CommandTable& t) {
  const std::vector<std::string> h = {"Encryption module", "Enter a crypto map", "Crypto map tag", "Sequence to insert into crypto map entry"};
  auto enter = [](C c, A a, Mode m) {
    c.next_mode = m;
    c.next_object = a.at(2);
    c.next_sub_object = a.at(3);
  };
  auto write_dyn = t.add(Mode::kConfig, "crypto dynamic-map WORD <1-65535>",
        {"Encryption module", "Specify a dynamic crypto map template", "Dynamic crypto map template tag", "Sequence to insert into dynamic crypto map entry"},
        [enter](C c, A a) {
          int seq = std::stoi(a.at(3));
          if (a.negated) {
            auto it = c.model.dynamic_maps.find(a.at(2));
            if (it != c.model.dynamic_maps.end() && (it->second.erase(seq), it->second.empty())) c.model.dynamic_maps.erase(it);
            return ok();
          }
          c.model.dynamic_maps[a.at(2)][seq];
          enter(c, a, Mode::kDynamicMap);
          return ok();
        })
      .writes(section::kIpsecProfile + 10, [](const WriteScope& s, std::string& out) {
        for (auto& [n, dm] : s.model.dynamic_maps)
          for (auto& [seq, e] : dm) {
            out += "crypto dynamic-map " + n + " " + std::to_string(seq) + "\n";
            s.sub(Mode::kDynamicMap, n, out, std::to_string(seq));
            out += "!\n";
          }
      });
  t.add(Mode::kConfig, "crypto dynamic-map WORD", {"Encryption module", "Specify a dynamic crypto map template", "Dynamic crypto map template tag"},
        [](C c, A a) -> Result<std::string> {
          if (!a.negated) return invalid("% Incomplete command.");
          c.model.dynamic_maps.erase(a.at(2));
          return ok();
        })
      .writes(write_dyn);
  auto write_map = t.add(Mode::kConfig, "crypto map WORD <1-65535> ipsec-isakmp",
        {h[0], h[1], h[2], h[3], "IPSEC w/ISAKMP"},
        [enter](C c, A a) -> Result<std::string> {
          auto& map = c.model.crypto_maps[a.at(2)];
          int seq = std::stoi(a.at(3));
          if (a.negated) {
            map.entries.erase(seq);
            if (map == CryptoMap{}) c.model.crypto_maps.erase(a.at(2));
            return ok();
          }
          auto& e = map.entries[seq];
          if (!e.dynamic_map.empty()) return invalid("% Crypto map entry " + a.at(2) + " " + a.at(3) + " is a dynamic map reference");
          enter(c, a, Mode::kCryptoMap);
          return ok();
        })
      .writes(section::kIpsecProfile + 20, [](const WriteScope& s, std::string& out) {
        for (auto& [n, map] : s.model.crypto_maps) {
          if (!map.local_address.empty()) out += "crypto map " + n + " local-address " + map.local_address + "\n";
          if (!map.client_auth_list.empty()) out += "crypto map " + n + " client authentication list " + map.client_auth_list + "\n";
          if (!map.authorization_list.empty()) out += "crypto map " + n + " isakmp authorization list " + map.authorization_list + "\n";
          if (!map.config_address.empty()) out += "crypto map " + n + " client configuration address " + map.config_address + "\n";
          for (auto& [seq, e] : map.entries) {
            out += "crypto map " + n + " " + std::to_string(seq) + " ipsec-isakmp";
            if (!e.dynamic_map.empty()) { out += " dynamic " + e.dynamic_map + "\n"; continue; }
            out += "\n";
            s.sub(Mode::kCryptoMap, n, out, std::to_string(seq));
          }
          out += "!\n";
        }
      });
  t.add(Mode::kConfig, "crypto map WORD <1-65535> ipsec-isakmp dynamic WORD",
        {h[0], h[1], h[2], h[3], "IPSEC w/ISAKMP", "Enable dynamic crypto map support", "Name of dynamic-map template"},
        [](C c, A a) -> Result<std::string> {
          auto& map = c.model.crypto_maps[a.at(2)];
          int seq = std::stoi(a.at(3));
          if (a.negated) {
            map.entries.erase(seq);
            if (map == CryptoMap{}) c.model.crypto_maps.erase(a.at(2));
            return ok();
          }
          auto& e = map.entries[seq];
          if (e != CryptoMapEntry{} && e.dynamic_map.empty())
            return invalid("% Crypto map entry " + a.at(2) + " " + a.at(3) + " is a static entry; remove it first");
          e.dynamic_map = a.at(6);
          return ok();
        })
      .writes(write_map);
  t.add(Mode::kConfig, "crypto map WORD <1-65535>", {h[0], h[1], h[2], h[3]},
        [enter](C c, A a) -> Result<std::string> {
          auto it = c.model.crypto_maps.find(a.at(2));
          int seq = std::stoi(a.at(3));
          if (a.negated) {
            if (it != c.model.crypto_maps.end()) {
              it->second.entries.erase(seq);
              if (it->second == CryptoMap{}) c.model.crypto_maps.erase(it);
            }
            return ok();
          }
          if (it == c.model.crypto_maps.end() || !it->second.entries.contains(seq) || !it->second.entries.at(seq).dynamic_map.empty())
            return invalid("% Incomplete command: crypto map " + a.at(2) + " " + a.at(3) + " ipsec-isakmp [dynamic DMAP]");
          enter(c, a, Mode::kCryptoMap);
          return ok();
        })
      .writes(write_map);
  t.add(Mode::kConfig, "crypto map WORD", {h[0], h[1], h[2]},
        [](C c, A a) -> Result<std::string> {
          if (!a.negated) return invalid("% Incomplete command.");
          c.model.crypto_maps.erase(a.at(2));
          return ok();
        })
      .writes(write_map);
  t.add(Mode::kConfig, "crypto map WORD local-address WORD",
        {h[0], h[1], h[2], "Interface to use for local address for this crypto map", "Interface name"},
        [](C c, A a) {
          auto& map = c.model.crypto_maps[a.at(2)];
          map.local_address = a.negated ? "" : canonical_interface_name(a.at(4));
          if (map == CryptoMap{}) c.model.crypto_maps.erase(a.at(2));
          return ok();
        })
      .writes(write_map);
  // Easy VPN through the map without an ISAKMP profile (seed 001); a
  // profile's own lists win (daemon/isakmp_ezvpn.cc).
  auto map_word = [](std::string CryptoMap::*f, size_t word) {
    return [f, word](C c, A a) {
      auto& map = c.model.crypto_maps[a.at(2)];
      map.*f = a.negated || a.defaulted ? "" : a.at(word);
      if (map == CryptoMap{}) c.model.crypto_maps.erase(a.at(2));
      return ok();
    };
  };
  t.add(Mode::kConfig, "crypto map WORD client authentication list WORD",
        {h[0], h[1], h[2], "Specify client configuration settings", "Extended authentication (XAUTH)", "AAA authentication list",
         "List name"},
        map_word(&CryptoMap::client_auth_list, 6))
      .writes(write_map);
  t.add(Mode::kConfig, "crypto map WORD isakmp authorization list WORD",
        {h[0], h[1], h[2], "ISAKMP parameters", "Group authorization (Easy VPN)", "AAA authorization list", "List name"},
        map_word(&CryptoMap::authorization_list, 6))
      .writes(write_map);
  t.add(Mode::kConfig, "crypto map WORD client configuration address {initiate|respond}",
        {h[0], h[1], h[2], "Specify client configuration settings", "Mode configuration", "Address assignment",
         "Push the address to the client", "Answer the client's request"},
        map_word(&CryptoMap::config_address, 6))
      .writes(write_map);
  add_entry_lines(t, Mode::kCryptoMap);
  add_entry_lines(t, Mode::kDynamicMap);
  // The interface line; IOS prints it after the addresses.
  t.add(Mode::kInterface, "crypto map WORD", {"Encryption/Decryption commands", "Assign a Crypto Map", "Crypto Map tag"},
        [](C c, A a) {
          c.model.interfaces[c.object].crypto_map = a.negated ? "" : a.at(2);
          return ok();
        })
      .writes(interface_line::kTunnelProtection, [](const WriteScope& s, std::string& out) {
        if (auto& m = s.model.interfaces.at(s.object).crypto_map; !m.empty()) out += " crypto map " + m + "\n";
      });
}

std::string pfs_text(const CryptoMapEntry& e) {
  if (!e.pfs_group) return "        PFS (Y/N): N\n";
  return "        PFS (Y/N): Y\n        DH group:  group" + std::to_string(*e.pfs_group) + "\n";
}

// One entry in IOS's `show crypto map` layout.
std::string entry_text(const Model& m, const std::string& name, int seq, const CryptoMapEntry& e, bool dynamic_template) {
  std::string s = std::string(dynamic_template ? "Crypto Map Template \"" : "Crypto Map IPv4 \"") + name + "\" " +
                  std::to_string(seq) + " ipsec-isakmp" + (e.dynamic_map.empty() ? "" : " dynamic") + "\n";
  if (!e.dynamic_map.empty()) return s + "        Dynamic map template tag: " + e.dynamic_map + "\n";
  if (!e.description.empty()) s += "        Description: " + e.description + "\n";
  for (auto& p : e.peers) s += "        Peer = " + p.str() + "\n";
  if (!e.isakmp_profile.empty()) s += "        ISAKMP Profile: " + e.isakmp_profile + "\n";
  if (e.match_address.empty()) {
    s += "        No matching address list set.\n";
  } else if (auto it = m.extended_acls.find(e.match_address); it != m.extended_acls.end()) {
    s += "        Extended IP access list " + e.match_address + "\n";
    for (auto& x : it->second.entries) s += "            access-list " + e.match_address + " " + acl_ext_text(x) + "\n";
  } else {
    s += "        Extended IP access list " + e.match_address + " (not configured)\n";
  }
  if (!e.peers.empty()) s += "        Current peer: " + e.peers.front().str() + "\n";
  s += "        Security association lifetime: " + std::to_string(e.lifetime_kilobytes.value_or(4608000)) + " kilobytes/" +
       std::to_string(e.lifetime_seconds.value_or(3600)) + " seconds\n";
  s += "        Responder-Only (Y/N): " + std::string(dynamic_template || e.peers.empty() ? "Y" : "N") + "\n";
  s += pfs_text(e);
  s += "        Mixed-mode : Disabled\n        Transform sets={ \n";
  for (auto& ts : e.transform_sets) {
    s += "                " + ts + ":  { ";
    if (auto it = m.transform_sets.find(ts); it != m.transform_sets.end()) s += join_words(esp_words(it->second.transforms)).substr(1) + " ";
    s += " } , \n";
  }
  return s + "        }\n";
}

std::string show_text(const Model& m, const std::string& only) {
  std::string s;
  for (auto& [name, map] : m.crypto_maps) {
    if (!only.empty() && name != only) continue;
    if (!map.local_address.empty())
      s += "\nCrypto Map: \"" + name + "\" idb: " + map.local_address + " local address\n";
    for (auto& [seq, e] : map.entries) {
      s += "\n" + entry_text(m, name, seq, e, false);
      if (!e.dynamic_map.empty())
        if (auto it = m.dynamic_maps.find(e.dynamic_map); it != m.dynamic_maps.end())
          for (auto& [dseq, de] : it->second) s += "\n" + entry_text(m, e.dynamic_map, dseq, de, true);
    }
    std::string ifs;
    for (auto& [iname, itf] : m.interfaces)
      if (itf.crypto_map == name) ifs += "                " + iname + "\n";
    s += "        Interfaces using crypto map " + name + ":\n" + ifs;
  }
  return s;
}

}  // namespace

void register_cryptomap_commands(CommandTable& t) {
  add_maps(t);
  t.add(Mode::kExec, "show crypto map [tag WORD]",
        {"Show running system information", "Encryption module", "Crypto maps", "Crypto maps with a given tag", "Crypto map tag"},
        [](C c, A a) -> Result<std::string> { return show_text(c.model, a.size() > 4 ? a.at(4) : ""); });
}

}  // namespace kg::config
