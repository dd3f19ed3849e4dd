// IPsec transform-set / profile, interfaces, static routes.
#include <algorithm>

#include "common/ip.h"
#include "config/commands_platform.h"
#include "config/interface_names.h"
#include "config/session.h"
#include "config/writer.h"
#include "crypto/algorithms.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// Transform-set words from the algorithm registry.
bool sized_esp_word(const std::string& x) {
  for (auto& a : crypto::encr_algorithms())
    if (a.esp_word == x && a.esp_word_bits != 0) return true;
  return false;
}

bool legacy_esp_word(const std::string& x) {
  for (auto& a : crypto::encr_algorithms())
    if (a.esp_word == x && a.legacy) return true;
  const crypto::IntegAlgorithm* i = crypto::find_integ_esp_word(x);
  return i && i->legacy;
}

// "{esp-aes|esp-gcm|...|esp-sha-hmac|...|128|192|256}": encryption words,
// then integrity words, then the key sizes, in the registry's order.
std::string transform_alternatives() {
  std::vector<std::string> words;
  std::vector<uint16_t> sizes;
  auto add = [&](std::string_view w) {
    if (!w.empty() && std::find(words.begin(), words.end(), w) == words.end()) words.emplace_back(w);
  };
  for (auto& a : crypto::encr_algorithms()) {
    add(a.esp_word);
    if (a.esp_word_bits && std::find(sizes.begin(), sizes.end(), a.esp_word_bits) == sizes.end())
      sizes.push_back(a.esp_word_bits);
  }
  for (auto& i : crypto::integ_algorithms()) add(i.esp_word);
  std::sort(sizes.begin(), sizes.end());
  for (auto b : sizes) words.push_back(std::to_string(b));
  std::string s;
  for (auto& w : words) s += (s.empty() ? "{" : "|") + w;
  return s + "}";
}

// Group "esp-gcm 256" style words back into transforms, each its registry row.
Result<std::vector<EspTransform>> parse_transforms(const std::vector<std::string>& w, std::string& warn) {
  std::vector<EspTransform> out;
  auto add = [&out](const std::string& entry) -> Result<void> {
    auto t = EspTransform::parse(entry);
    if (!t) return fail(Errc::kInvalidArgument, "Invalid input detected: " + entry);
    out.push_back(*t);
    return {};
  };
  for (size_t i = 0; i < w.size(); ++i) {
    const std::string& x = w[i];
    bool sized = sized_esp_word(x);
    if (legacy_esp_word(x)) warn += crypto::legacy_warning(x);
    if (sized && i + 1 < w.size() && std::isdigit(static_cast<unsigned char>(w[i + 1][0]))) {
      if (auto r = add(x + " " + w[i + 1]); !r) return std::unexpected(r.error());
      ++i;
    } else if (std::isdigit(static_cast<unsigned char>(x[0]))) {
      return fail(Errc::kInvalidArgument, "Invalid input detected: key size without cipher");
    } else if (auto r = add(x); !r) {
      return std::unexpected(r.error());
    }
  }
  return out;
}

void add_ipsec(CommandTable& t) {
  const std::string tr = transform_alternatives();
  std::string o = "[" + tr.substr(1, tr.size() - 2) + "]";
  auto ts_block = t.add(Mode::kConfig, std::string("crypto ipsec transform-set WORD ") + tr + " " + o + " " + o + " " + o + " " + o + " " + o,
        {"Encryption module", "Configure IPsec policy", "Define transform and settings", "Transform set tag", "Transform"},
        [](C c, A a) -> Result<std::string> {
          const std::string& n = a.at(3);
          if (a.negated) { c.model.transform_sets.erase(n); return ok(); }
          if (a.defaulted) { if (n == "default") c.model.transform_sets[n] = default_transform_set(); return ok(); }
          std::string warn;
          auto ts = parse_transforms({a.words.begin() + 4, a.words.end()}, warn);
          if (!ts) return std::unexpected(ts.error());
          c.model.transform_sets[n].transforms = *ts;
          c.next_mode = Mode::kTransformSet;
          c.next_object = n;
          return warn;
        })
      .writes(section::kTransformSet, [](const WriteScope& s, std::string& out) {
        auto same_ts = [](const TransformSet& a, const TransformSet& b) {
          return a.transforms == b.transforms && a.mode == b.mode;
        };
        emit_with_default(s.ctx, out, s.model.transform_sets, default_transform_set(), "crypto ipsec transform-set", same_ts,
                          [&](auto& n, auto& ts) {
                            out += "crypto ipsec transform-set " + n + join_words(esp_words(ts.transforms)) + "\n";
                            s.sub(Mode::kTransformSet, n, out);
                            out += "!\n";
                          });
      });
  t.add(Mode::kConfig, "crypto ipsec transform-set default", {"Encryption module", "Configure IPsec policy", "Define transform and settings", "Default transform set"},
        [](C c, A a) {
          if (a.negated) c.model.transform_sets.erase("default");
          else c.model.transform_sets["default"] = default_transform_set();
          return ok();
        }, true).writes(ts_block);
  t.add(Mode::kTransformSet, "mode {tunnel|transport}", {"Encapsulation mode", "Mode"},
        [](C c, A a) { c.model.transform_sets[c.object].mode = a.negated ? "tunnel" : a.at(1); return ok(); })
      .writes(0, [](const WriteScope& s, std::string& out) {
        if (auto& m = s.model.transform_sets.at(s.object).mode; m != "tunnel") out += " mode " + m + "\n";
      });
  t.add(Mode::kConfig, "crypto ipsec profile WORD", {"Encryption module", "Configure IPsec policy", "Configure an ipsec policy profile", "Profile name"},
        [](C c, A a) {
          const std::string& n = a.at(3);
          if (a.negated) { c.model.ipsec_profiles.erase(n); return ok(); }
          if (a.defaulted) { if (n == "default") c.model.ipsec_profiles[n] = default_ipsec_profile(); return ok(); }
          c.model.ipsec_profiles[n];
          c.next_mode = Mode::kIpsecProfile;
          c.next_object = n;
          return ok();
        })
      .writes(section::kIpsecProfile, [](const WriteScope& s, std::string& out) {
        auto same = [](const IpsecProfile& a, const IpsecProfile& b) {
          return a.transform_sets == b.transform_sets && a.ikev2_profile == b.ikev2_profile &&
                 a.lifetime_seconds == b.lifetime_seconds && a.lifetime_kilobytes == b.lifetime_kilobytes &&
                 a.replay_window == b.replay_window && a.pfs_group == b.pfs_group;
        };
        emit_with_default(s.ctx, out, s.model.ipsec_profiles, default_ipsec_profile(), "crypto ipsec profile", same,
                          [&](auto& n, auto&) {
                            out += "crypto ipsec profile " + n + "\n";
                            s.sub(Mode::kIpsecProfile, n, out);
                            out += "!\n";
                          });
      });
  auto ip = [](C c) -> IpsecProfile& { return c.model.ipsec_profiles[c.object]; };
  auto ip_of = [](const WriteScope& s) -> const IpsecProfile& { return s.model.ipsec_profiles.at(s.object); };
  t.add(Mode::kIpsecProfile, "set transform-set WORD [WORD] [WORD] [WORD] [WORD] [WORD]",
        {"Specify parameter", "Specify list of transform sets", "Transform set name"},
        [ip](C c, A a) {
          ip(c).transform_sets = a.negated ? std::vector<std::string>{} : std::vector<std::string>(a.words.begin() + 2, a.words.end());
          return ok();
        })
      .writes(0, [ip_of](const WriteScope& s, std::string& out) {
        if (auto& v = ip_of(s).transform_sets; !v.empty()) out += " set transform-set" + join_words(v) + "\n";
      });
  t.add(Mode::kIpsecProfile, "set ikev2-profile WORD", {"Specify parameter", "Specify ikev2 Profile", "Profile name"},
        [ip](C c, A a) { ip(c).ikev2_profile = a.negated ? "" : a.at(2); return ok(); })
      .writes(0, [ip_of](const WriteScope& s, std::string& out) {
        if (auto& v = ip_of(s).ikev2_profile; !v.empty()) out += " set ikev2-profile " + v + "\n";
      });
  t.add(Mode::kIpsecProfile, "set security-association lifetime {seconds|kilobytes} <1-4294967295>",
        {"Specify parameter", "Security association parameters", "SA lifetime", "Unit", "Value"},
        [ip](C c, A a) {
          auto& f = a.at(3) == "seconds" ? ip(c).lifetime_seconds : ip(c).lifetime_kilobytes;
          if (a.negated) f.reset(); else f = std::stoull(a.at(4));
          return ok();
        })
      .writes(0, [ip_of](const WriteScope& s, std::string& out) {
        auto& p = ip_of(s);
        if (p.lifetime_seconds) out += " set security-association lifetime seconds " + std::to_string(*p.lifetime_seconds) + "\n";
        if (p.lifetime_kilobytes)
          out += " set security-association lifetime kilobytes " + std::to_string(*p.lifetime_kilobytes) + "\n";
      });
  t.add(Mode::kIpsecProfile, "set security-association replay window-size <64-1024>",
        {"Specify parameter", "Security association parameters", "Replay", "Window size", "Packets"},
        [ip](C c, A a) { if (a.negated) ip(c).replay_window.reset(); else ip(c).replay_window = std::stoi(a.at(4)); return ok(); })
      .writes(0, [ip_of](const WriteScope& s, std::string& out) {
        if (auto& v = ip_of(s).replay_window) out += " set security-association replay window-size " + std::to_string(*v) + "\n";
      });
  std::string groups;
  for (auto& g : crypto::dh_algorithms()) groups += (groups.empty() ? "{group" : "|group") + std::to_string(uint16_t(g.ikev2_id));
  t.add(Mode::kIpsecProfile, "set pfs " + groups + "}",
        {"Specify parameter", "Perfect forward secrecy", "DH group"}, [ip](C c, A a) -> Result<std::string> {
          if (a.negated) { ip(c).pfs_group.reset(); return ok(); }
          ip(c).pfs_group = std::stoi(a.at(2).substr(5));
          const crypto::DhAlgorithm* g = crypto::find_dh_by_ikev2_id(uint16_t(*ip(c).pfs_group));
          if (g && g->legacy) return crypto::legacy_warning(a.at(2));
          return ok();
        })
      .writes(0, [ip_of](const WriteScope& s, std::string& out) {
        if (auto& v = ip_of(s).pfs_group) out += " set pfs group" + std::to_string(*v) + "\n";
      });
}

std::string canonical_ifname(const std::string& n) { return canonical_interface_name(n); }

void add_interface(CommandTable& t) {
  t.add(Mode::kConfig, "interface WORD", {"Select an interface to configure", "Interface name (TunnelN, LoopbackN, eth0...)"},
        [](C c, A a) -> Result<std::string> {
          std::string n = canonical_ifname(a.at(1));
          if (a.negated || a.defaulted) { c.model.interfaces.erase(n); return ok(); }
          c.model.interfaces[n];
          c.next_mode = Mode::kInterface;
          c.next_object = n;
          return missing_device_warning(c.config, c.model, n);
        })
      .writes(section::kInterface, [](const WriteScope& s, std::string& out) {
        for (const auto& [n, i] : s.model.interfaces) {
          out += "interface " + n + (is_virtual_template(n) ? " type tunnel\n" : "\n");
          s.sub(Mode::kInterface, n, out);
          out += "!\n";
        }
      });
  auto itf = [](C c) -> Interface& { return c.model.interfaces[c.object]; };
  // The writer of one optional word field of the interface.
  auto line = [](std::string Interface::*f, std::string head) {
    return [f, head](const WriteScope& s, std::string& out) {
      if (auto& v = s.model.interfaces.at(s.object).*f; !v.empty()) out += " " + head + " " + v + "\n";
    };
  };
  t.add(Mode::kInterface, "ip address A.B.C.D A.B.C.D", {"Interface Internet Protocol config commands", "Set the IP address of an interface", "IP address", "IP subnet mask"},
        [itf](C c, A a) -> Result<std::string> {
          if (a.negated) { itf(c).ip_address = {}; return ok(); }
          auto m = IpAddress::parse(a.at(3));
          auto p = m ? Prefix::from_mask(*IpAddress::parse(a.at(2)), *m) : std::nullopt;
          if (!p) return fail(Errc::kInvalidArgument, "Bad mask " + a.at(3));
          itf(c).ip_address = {*p, false};
          return ok();
        })
      .writes(interface_line::kIpAddress, [](const WriteScope& s, std::string& out) {
        if (auto& v = s.model.interfaces.at(s.object).ip_address; !v.empty()) out += " ip address " + v.word() + "\n";
      });
  t.add(Mode::kInterface, "ip unnumbered WORD", {"Interface Internet Protocol config commands", "Enable IP processing without an explicit address", "Interface"},
        [itf](C c, A a) { itf(c).ip_unnumbered = a.negated ? "" : canonical_ifname(a.at(2)); return ok(); })
      .writes(interface_line::kIpUnnumbered, line(&Interface::ip_unnumbered, "ip unnumbered"));
  t.add(Mode::kInterface, "ip mtu <576-9000>", {"Interface Internet Protocol config commands", "Set IP Maximum Transmission Unit", "MTU (bytes)"},
        [itf](C c, A a) { if (a.negated) itf(c).mtu.reset(); else itf(c).mtu = std::stoi(a.at(2)); return ok(); })
      .writes(interface_line::kMtu, [](const WriteScope& s, std::string& out) {
        if (auto& v = s.model.interfaces.at(s.object).mtu) out += " ip mtu " + std::to_string(*v) + "\n";
      });
  t.add(Mode::kInterface, "tunnel source WORD", {"protocol-over-protocol tunneling", "source of tunnel packets", "Interface or address"},
        [itf](C c, A a) -> Result<std::string> {
          if (a.negated) { itf(c).tunnel_source = {}; return ok(); }
          auto addr = IpAddress::parse(a.at(2));
          itf(c).tunnel_source = {addr ? a.at(2) : canonical_ifname(a.at(2)), addr};
          if (addr) return ok();
          return missing_device_warning(c.config, c.model, itf(c).tunnel_source.word);
        })
      .writes(interface_line::kTunnelSource, [](const WriteScope& s, std::string& out) {
        if (auto& v = s.model.interfaces.at(s.object).tunnel_source; !v.empty()) out += " tunnel source " + v.word + "\n";
      });
  t.add(Mode::kInterface, "tunnel destination A.B.C.D", {"protocol-over-protocol tunneling", "destination of tunnel", "IP address"},
        [itf](C c, A a) -> Result<std::string> {
          if (a.negated) { itf(c).tunnel_destination = {}; return ok(); }
          auto dst = IpAddress::parse(a.at(2));
          if (!dst || !dst->is_v4()) return fail(Errc::kInvalidArgument, "Invalid address " + a.at(2));
          itf(c).tunnel_destination = {*dst, false};
          return ok();
        })
      .writes(interface_line::kTunnelDestination, [](const WriteScope& s, std::string& out) {
        auto& d = s.model.interfaces.at(s.object).tunnel_destination;
        if (!d.empty()) out += " tunnel destination " + d.word() + "\n";
      });
  t.add(Mode::kInterface, "tunnel mode ipsec ipv4", {"protocol-over-protocol tunneling", "tunnel encapsulation method", "IPSec tunnel encapsulation", "over IPv4"},
        [itf](C c, A a) { itf(c).tunnel_mode = a.negated ? TunnelMode::kGreIp : TunnelMode::kIpsecIpv4; return ok(); })
      // Every tunnel mode but IOS's default, gre ip.
      .writes(interface_line::kTunnelMode, [](const WriteScope& s, std::string& out) {
        TunnelMode m = s.model.interfaces.at(s.object).tunnel_mode;
        if (m != TunnelMode::kGreIp) out += " tunnel mode " + std::string(tunnel_mode_word(m)) + "\n";
      });
  t.add(Mode::kInterface, "tunnel protection ipsec profile WORD", {"protocol-over-protocol tunneling", "Enable tunnel protection", "IPsec", "IPsec profile", "Profile name"},
        [itf](C c, A a) { itf(c).tunnel_protection = a.negated ? "" : a.at(4); return ok(); })
      .writes(interface_line::kTunnelProtection, line(&Interface::tunnel_protection, "tunnel protection ipsec profile"));
  t.add(Mode::kInterface, "shutdown", {"Shutdown the selected interface"},
        [itf](C c, A a) { itf(c).shutdown = !a.negated; return ok(); })
      .writes(interface_line::kShutdown, [](const WriteScope& s, std::string& out) {
        if (s.model.interfaces.at(s.object).shutdown) out += " shutdown\n";
      });
  t.add(Mode::kInterface, "description LINE", {"Interface specific description", "Up to 240 characters describing this interface"},
        [itf](C c, A a) { itf(c).description = a.negated ? "" : a.at(1); return ok(); })
      .writes(interface_line::kDescription, line(&Interface::description, "description"));
  t.add(Mode::kConfig, "ip route A.B.C.D A.B.C.D WORD", {"Global IP configuration subcommands", "Establish static routes", "Destination prefix", "Destination prefix mask", "Interface or next hop"},
        [](C c, A a) -> Result<std::string> {
          auto m = IpAddress::parse(a.at(3));
          auto dest = m ? Prefix::from_mask(*IpAddress::parse(a.at(2)), *m) : std::nullopt;
          if (!dest) return fail(Errc::kInvalidArgument, "Inconsistent address and mask");
          auto via = IpAddress::parse(a.at(4));
          Route r{*dest, {via ? "" : canonical_ifname(a.at(4)), via}};
          std::erase(c.model.routes, r);
          if (!a.negated) c.model.routes.push_back(r);
          return ok();
        })
      .writes(section::kRoute, [](const WriteScope& s, std::string& out) {
        for (const auto& r : s.model.routes)
          out += "ip route " + r.dest.addr.str() + " " + r.dest.mask().str() + " " + r.target.word() + "\n";
      });
}

}  // namespace

void register_ipsec_interface_commands(CommandTable& t) {
  add_ipsec(t);
  add_interface(t);
}

}  // namespace kg::config
