// Remote access and hub-and-spoke configuration (seed 004): aaa new-model,
// aaa authorization network, ip/ipv6 local pool, crypto ikev2 authorization
// policy, the profile's aaa authorization and virtual-template lines, and
// interface Virtual-TemplateN type tunnel / ip address negotiated /
// tunnel destination dynamic. Access lists and the FlexVPN client block are in
// commands_flexvpn.cc.
#include <sstream>

#include "common/ip.h"
#include "config/interface_names.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

void add_aaa(CommandTable& t) {
  t.add(Mode::kConfig, "aaa new-model", {"Authentication, Authorization and Accounting.", "Enable NEW access control commands and functions.(Disables OLD commands.)"},
        [](C c, A a) { c.model.aaa_new_model = !a.negated; return ok(); })
      .writes(section::kAaa, [](const WriteScope& s, std::string& out) {
        if (s.model.aaa_new_model) out += "aaa new-model\n";
      });
  t.add(Mode::kConfig, "aaa authorization network WORD local",
        {"Authentication, Authorization and Accounting.", "Authorization configurations.",
         "For network services.", "Named authorization list (or default).", "Use local database."},
        [](C c, A a) -> Result<std::string> {
          if (a.negated) { c.model.aaa_authorization_network.erase(a.at(3)); return ok(); }
          // IOS offers the aaa authorization commands only under aaa new-model.
          if (!c.model.aaa_new_model) return invalid("AAA is not enabled: configure 'aaa new-model' first");
          c.model.aaa_authorization_network[a.at(3)] = "local";
          return ok();
        })
      .writes(section::kAaa, [](const WriteScope& s, std::string& out) {
        // One block with aaa new-model, closed here.
        auto& m = s.model;
        for (auto& [list, method] : m.aaa_authorization_network) out += "aaa authorization network " + list + " " + method + "\n";
        if (m.aaa_new_model || !m.aaa_authorization_network.empty()) out += "!\n";
      });
}

// ip local pool NAME START [END]: one more range of pool NAME. Ranges of all
// pools must not overlap (an address is handed out by one pool only).
Result<std::string> ip_local_pool(C c, A a) {
  const std::string& name = a.at(3);
  auto& pools = c.model.pools;
  if (a.negated && a.size() == 4) { pools.erase(name); return ok(); }
  if (a.size() < 5) return fail(Errc::kInvalidArgument, "Incomplete command.");
  auto lo = IpAddress::parse(a.at(4));
  auto hi = IpAddress::parse(a.size() > 5 ? a.at(5) : a.at(4));
  if (!lo || !hi || *hi < *lo) return invalid("Invalid address range " + a.at(4) + (a.size() > 5 ? " " + a.at(5) : ""));
  if (hi->v4_host_order() - lo->v4_host_order() >= (1u << 20))
    return invalid("Pool range too large (at most 1048576 addresses)");
  PoolRange r{lo->str(), hi->str()};
  if (a.negated) {
    auto it = pools.find(name);
    if (it == pools.end()) return ok();
    std::erase(it->second.ranges, r);
    if (it->second.ranges.empty()) pools.erase(it);
    return ok();
  }
  for (auto& [pn, p] : pools)
    for (auto& x : p.ranges) {
      auto s = IpAddress::parse(x.start), e = IpAddress::parse(x.end);
      if (s && e && !(*hi < *s || *e < *lo)) {
        if (pn == name && x == r) return ok();  // the same line again
        return invalid("IP address range " + r.start + "-" + r.end + " overlaps with pool " + pn);
      }
    }
  pools[name].ranges.push_back(r);
  return ok();
}

void add_pools(CommandTable& t) {
  t.add(Mode::kConfig, "ip local pool WORD [A.B.C.D] [A.B.C.D]",
        {"Global IP configuration subcommands", "Specify local options", "IP Local address pool lists",
         "Create named local address pool", "First IP address of range", "Last IP address of range"},
        ip_local_pool)
      .writes(section::kPool, [](const WriteScope& s, std::string& out) {
        for (auto& [n, p] : s.model.pools)
          for (auto& r : p.ranges) out += "ip local pool " + n + " " + r.start + (r.end != r.start ? " " + r.end : "") + "\n";
      });
  t.add(Mode::kConfig, "ipv6 local pool WORD [WORD] [<1-128>]",
        {"IPv6 configuration subcommands", "Specify local options", "IPv6 local pool",
         "Pool name", "IPv6 prefix X:X:X:X::X/<0-128>", "Prefix length to assign from pool"},
        [](C c, A a) -> Result<std::string> {
          if (a.negated) { c.model.ipv6_pools.erase(a.at(3)); return ok(); }
          if (a.size() < 6) return fail(Errc::kInvalidArgument, "Incomplete command.");
          auto p = Prefix::parse(a.at(4));
          int len = std::stoi(a.at(5));
          if (!p || p->addr.is_v4()) return invalid("Invalid IPv6 prefix " + a.at(4));
          if (len < p->len || len - p->len > 20) return invalid("Assigned length must be between the prefix length and 20 bits longer");
          c.model.ipv6_pools[a.at(3)] = {Prefix{p->first(), p->len}.str(), len};
          return ok();
        })
      .writes(section::kPool, [](const WriteScope& s, std::string& out) {
        for (auto& [n, p] : s.model.ipv6_pools)
          out += "ipv6 local pool " + n + " " + p.prefix + " " + std::to_string(p.assigned_len) + "\n";
      });
}

AuthorizationPolicy& ap(C c) { return c.model.authorization_policies[c.object]; }
const AuthorizationPolicy& ap(const WriteScope& s) { return s.model.authorization_policies.at(s.object); }

// The writer of one optional word field of the authorization policy.
LineWriter word_line(std::string AuthorizationPolicy::*f, std::string head) {
  return [f, head](const WriteScope& s, std::string& out) {
    if (auto& v = ap(s).*f; !v.empty()) out += " " + head + " " + v + "\n";
  };
}

void set_word(std::string& f, A a, size_t at) { f = a.negated ? "" : a.at(at); }

void toggle(std::vector<std::string>& v, const std::string& x, bool negated) {
  std::erase(v, x);
  if (!negated) v.push_back(x);
}

void add_authorization_policy(CommandTable& t) {
  t.add(Mode::kConfig, "crypto ikev2 authorization policy WORD",
        {"Encryption module", "Configure IKEv2 parameters", "Configure IKEv2 authorization", "IKEv2 authorization policy",
         "Policy name"},
        [](C c, A a) {
          const std::string& n = a.at(4);
          if (a.negated) { c.model.authorization_policies.erase(n); return ok(); }
          if (a.defaulted) {
            if (n == "default") c.model.authorization_policies[n] = default_authorization_policy();
            else c.model.authorization_policies.erase(n);
            return ok();
          }
          c.model.authorization_policies[n];
          c.next_mode = Mode::kIkev2Authorization;
          c.next_object = n;
          return ok();
        })
      .writes(section::kIkev2Authorization, [](const WriteScope& s, std::string& out) {
        emit_with_default(s.ctx, out, s.model.authorization_policies, default_authorization_policy(),
                          "crypto ikev2 authorization policy", std::equal_to<AuthorizationPolicy>(),
                          [&](const std::string& n, const AuthorizationPolicy&) {
                            out += "crypto ikev2 authorization policy " + n + "\n";
                            s.sub(Mode::kIkev2Authorization, n, out);
                            out += "!\n";
                          });
      });
  auto m = Mode::kIkev2Authorization;
  t.add(m, "pool WORD", {"Specify the local address pool name", "Pool name"},
        [](C c, A a) { set_word(ap(c).pool, a, 1); return ok(); }).writes(0, word_line(&AuthorizationPolicy::pool, "pool"));
  t.add(m, "dns A.B.C.D [A.B.C.D]", {"Specify DNS servers", "Primary DNS server", "Secondary DNS server"},
        [](C c, A a) {
          ap(c).dns = a.negated ? std::vector<std::string>{} : std::vector<std::string>(a.words.begin() + 1, a.words.end());
          return ok();
        }).writes(0, [](const WriteScope& s, std::string& out) {
    if (auto& v = ap(s).dns; !v.empty()) out += " dns" + join_words(v) + "\n";
  });
  t.add(m, "netmask A.B.C.D", {"Specify the subnet mask", "Subnet mask"}, [](C c, A a) -> Result<std::string> {
    if (!a.negated && !mask_to_len(*IpAddress::parse(a.at(1)))) return invalid("Bad mask " + a.at(1));
    set_word(ap(c).netmask, a, 1);
    return ok();
  }).writes(0, word_line(&AuthorizationPolicy::netmask, "netmask"));
  t.add(m, "def-domain WORD", {"Specify default domain name", "Domain name"},
        [](C c, A a) { set_word(ap(c).def_domain, a, 1); return ok(); }).writes(0, word_line(&AuthorizationPolicy::def_domain, "def-domain"));
  t.add(m, "ipv6 pool WORD", {"IPv6 attributes", "Specify the IPv6 local pool name", "Pool name"},
        [](C c, A a) { set_word(ap(c).ipv6_pool, a, 2); return ok(); }).writes(0, word_line(&AuthorizationPolicy::ipv6_pool, "ipv6 pool"));
  t.add(m, "ipv6 dns WORD [WORD]", {"IPv6 attributes", "Specify IPv6 DNS servers", "Primary", "Secondary"},
        [](C c, A a) -> Result<std::string> {
          if (a.negated) { ap(c).ipv6_dns.clear(); return ok(); }
          for (size_t i = 2; i < a.size(); ++i)
            if (auto x = IpAddress::parse(a.at(i)); !x || x->is_v4()) return invalid("Invalid IPv6 address " + a.at(i));
          ap(c).ipv6_dns.assign(a.words.begin() + 2, a.words.end());
          return ok();
        }).writes(0, [](const WriteScope& s, std::string& out) {
    if (auto& v = ap(s).ipv6_dns; !v.empty()) out += " ipv6 dns" + join_words(v) + "\n";
  });
  std::vector<std::string> rs = {"Routing attributes", "Routes to be pushed to the peer"};
  t.add(m, "route set interface [WORD]", {rs[0], rs[1], "Advertise the tunnel or the given interface's subnet", "Interface"},
        [](C c, A a) {
          auto& p = ap(c);
          if (a.size() == 3) p.route_set_interface = !a.negated;
          else toggle(p.route_set_interfaces, canonical_interface_name(a.at(3)), a.negated);
          return ok();
        }).writes(0, [](const WriteScope& s, std::string& out) {
    if (ap(s).route_set_interface) out += " route set interface\n";
    for (auto& i : ap(s).route_set_interfaces) out += " route set interface " + i + "\n";
  });
  auto remote = t.add(m, "route set remote ipv4 A.B.C.D A.B.C.D", {rs[0], rs[1], "Remote subnet", "IPv4", "Prefix", "Mask"},
        [](C c, A a) -> Result<std::string> {
          auto pre = Prefix::from_mask(*IpAddress::parse(a.at(4)), *IpAddress::parse(a.at(5)));
          if (!pre) return invalid("Bad mask " + a.at(5));
          toggle(ap(c).route_set_remote, "ipv4 " + pre->first().str() + " " + a.at(5), a.negated);
          return ok();
        }).writes(0, [](const WriteScope& s, std::string& out) {
    for (auto& r : ap(s).route_set_remote) out += " route set remote " + r + "\n";
  });
  t.add(m, "route set remote ipv6 WORD", {rs[0], rs[1], "Remote subnet", "IPv6", "X:X:X:X::X/<0-128>"},
        [](C c, A a) -> Result<std::string> {
          auto pre = Prefix::parse(a.at(4));
          if (!pre || pre->addr.is_v4()) return invalid("Invalid IPv6 prefix " + a.at(4));
          toggle(ap(c).route_set_remote, "ipv6 " + Prefix{pre->first(), pre->len}.str(), a.negated);
          return ok();
        }).writes(remote);
  t.add(m, "route set access-list WORD", {rs[0], rs[1], "Standard access list of subnets", "Access list name or number"},
        [](C c, A a) { set_word(ap(c).route_set_acl, a, 3); return ok(); }).writes(0, word_line(&AuthorizationPolicy::route_set_acl, "route set access-list"));
  t.add(m, "route set access-list ipv6 WORD", {rs[0], rs[1], "Standard access list of subnets", "IPv6 access list", "Name"},
        [](C c, A a) { set_word(ap(c).route_set_acl6, a, 4); return ok(); }).writes(0, word_line(&AuthorizationPolicy::route_set_acl6, "route set access-list ipv6"));
  auto accept = [](C c, A a) {
    auto& p = ap(c);
    p.route_accept_any = !a.negated;
    p.route_accept_tag = 1;
    p.route_accept_distance = 1;
    for (size_t i = 3; i + 1 < a.size() && !a.negated; i += 2)
      (a.at(i) == "tag" ? p.route_accept_tag : p.route_accept_distance) = int(std::stol(a.at(i + 1)));
    return ok();
  };
  std::vector<std::string> ra = {"Routing attributes", "Routes received from the peer", "Accept any route",
                                 "Route tag", "Tag value"};
  auto accept_line = t.add(m, "route accept any", ra, accept).writes(0, [](const WriteScope& s, std::string& out) {
    auto& p = ap(s);
    if (!p.route_accept_any) return;
    out += " route accept any";
    if (p.route_accept_tag != 1) out += " tag " + std::to_string(p.route_accept_tag);
    if (p.route_accept_distance != 1) out += " distance " + std::to_string(p.route_accept_distance);
    out += "\n";
  });
  t.add(m, "route accept any tag <1-4294967295>", ra, accept).writes(accept_line);
  t.add(m, "route accept any distance <1-255>", {ra[0], ra[1], ra[2], "Administrative distance", "Distance"}, accept)
      .writes(accept_line);
  t.add(m, "route accept any tag <1-4294967295> distance <1-255>",
        {ra[0], ra[1], ra[2], ra[3], ra[4], "Administrative distance", "Distance"}, accept)
      .writes(accept_line);
}

void add_profile_lines(CommandTable& t) {
  auto prof = [](C c) -> Ikev2Profile& { return c.model.profiles[c.object]; };
  auto set = [prof](bool user) {
    return [prof, user](C c, A a) -> Result<std::string> {
      // words: aaa authorization group|user [override] METHOD list LIST [NAME]
      //        [name-mangler M] [override]  |  aaa authorization user METHOD cached
      size_t i = 3;
      bool override = a.at(i) == "override";
      if (override) ++i;
      std::string method = a.at(i);
      auto& m = user ? prof(c).aaa_user : prof(c).aaa_group;
      if (a.at(i + 1) == "cached") {
        if (a.negated) {
          if (auto it = m.find(method); it != m.end()) {
            it->second.cached = false;
            if (it->second.list.empty()) m.erase(it);
          }
        } else {
          m[method].cached = true;
        }
        return ok();
      }
      if (a.negated) {
        auto it = m.find(method);
        if (it != m.end() && it->second.cached) it->second = AaaAuthorization{"", "", false, true, ""};
        else if (it != m.end()) m.erase(it);
        return ok();
      }
      AaaAuthorization x{a.at(i + 2), "", override, false, ""};
      std::vector<std::string> rest;  // the LINE after the list: [NAME] [name-mangler M] [override]
      for (size_t k = i + 3; k < a.size(); ++k) {
        std::istringstream in(a.at(k));
        for (std::string w; in >> w;) rest.push_back(w);
      }
      for (size_t k = 0; k < rest.size(); ++k) {
        if (rest[k] == "name-mangler" && k + 1 < rest.size()) x.mangler = rest[++k];
        else if (rest[k] == "override" && !user) x.override = true;
        else if (x.name.empty() && rest[k] != "name-mangler" && rest[k] != "override") x.name = rest[k];
        else return invalid("Invalid input at '" + rest[k] + "'");
      }
      if (!x.name.empty() && !x.mangler.empty()) return invalid("Give either a name or a name-mangler, not both");
      x.cached = m.contains(method) && m[method].cached;
      m[method] = std::move(x);
      return ok();
    };
  };
  std::vector<std::string> h = {"AAA configuration", "AAA authorization", "Group authorization",
                                "AAA authorization by method", "AAA method list", "List name",
                                "Name to authorize ([NAME] [name-mangler M] [override])"};
  auto aaa_lines = t.add(Mode::kIkev2Profile, "aaa authorization group {psk|cert|eap} list WORD", {h[0], h[1], h[2], h[3], h[4], h[5]}, set(false))
                       .writes(profile_line::kAaa, [](const WriteScope& s, std::string& out) {
                         auto& p = s.model.profiles.at(s.object);
                         auto line = [&](const char* kind, const std::string& method, const AaaAuthorization& x) {
                           if (x.cached) out += std::string(" aaa authorization ") + kind + " " + method + " cached\n";
                           if (x.list.empty()) return;
                           out += std::string(" aaa authorization ") + kind + (x.override ? " override " : " ") + method +
                                  " list " + x.list + (x.name.empty() ? "" : " " + x.name) +
                                  (x.mangler.empty() ? "" : " name-mangler " + x.mangler) + "\n";
                         };
                         for (auto& [method, x] : p.aaa_group) line("group", method, x);
                         for (auto& [method, x] : p.aaa_user) line("user", method, x);
                       });
  t.add(Mode::kIkev2Profile, "aaa authorization group {psk|cert|eap} list WORD LINE", h, set(false)).writes(aaa_lines);
  t.add(Mode::kIkev2Profile, "aaa authorization group override {psk|cert|eap} list WORD",
        {h[0], h[1], h[2], "Group attributes take precedence over user attributes", h[3], h[4], h[5]}, set(false))
      .writes(aaa_lines);
  t.add(Mode::kIkev2Profile, "aaa authorization group override {psk|cert|eap} list WORD LINE",
        {h[0], h[1], h[2], "Group attributes take precedence over user attributes", h[3], h[4], h[5], h[6]}, set(false))
      .writes(aaa_lines);
  t.add(Mode::kIkev2Profile, "aaa authorization user {psk|cert|eap} list WORD",
        {h[0], h[1], "User authorization", h[3], h[4], h[5]}, set(true))
      .writes(aaa_lines);
  t.add(Mode::kIkev2Profile, "aaa authorization user {psk|cert|eap} list WORD LINE",
        {h[0], h[1], "User authorization", h[3], h[4], h[5], "Name to authorize ([NAME] [name-mangler M])"}, set(true))
      .writes(aaa_lines);
  t.add(Mode::kIkev2Profile, "aaa authorization user {psk|cert|eap} cached",
        {h[0], h[1], "User authorization", h[3], "The attributes received during AAA (EAP) authentication"}, set(true))
      .writes(aaa_lines);
  t.add(Mode::kIkev2Profile, "virtual-template <1-65535>",
        {"Specify the virtual template for dynamic interfaces", "Virtual-Template interface number"},
        [prof](C c, A a) { prof(c).virtual_template = a.negated ? 0 : std::stoi(a.at(1)); return ok(); })
      .writes(profile_line::kVirtualTemplate, [](const WriteScope& s, std::string& out) {
        if (int v = s.model.profiles.at(s.object).virtual_template) out += " virtual-template " + std::to_string(v) + "\n";
      });
}

// The interface block, its ip address and tunnel destination lines are
// written by commands_ipsec.cc's commands.
void add_interface_lines(CommandTable& t) {
  auto interface_block = t.write_back_of(Mode::kConfig, "interface WORD");
  auto ip_address = t.write_back_of(Mode::kInterface, "ip address A.B.C.D A.B.C.D");
  auto tunnel_destination = t.write_back_of(Mode::kInterface, "tunnel destination A.B.C.D");
  t.add(Mode::kConfig, "interface WORD type tunnel",
        {"Select an interface to configure", "Virtual-Template interface", "Interface type", "Tunnel"},
        [](C c, A a) -> Result<std::string> {
          std::string n = canonical_interface_name(a.at(1));
          if (!is_virtual_template(n)) return invalid("'type tunnel' applies to Virtual-Template interfaces only");
          if (a.negated || a.defaulted) { c.model.interfaces.erase(n); return ok(); }
          c.model.interfaces[n];
          c.next_mode = Mode::kInterface;
          c.next_object = n;
          return ok();
        }).writes(interface_block);
  t.add(Mode::kInterface, "ip address negotiated",
        {"Interface Internet Protocol config commands", "Set the IP address of an interface",
         "IP Address negotiated over IKEv2 (configuration payload)"},
        [](C c, A a) -> Result<std::string> {
          auto& itf = c.model.interfaces[c.object];
          if (!is_tunnel(c.object)) return invalid("ip address negotiated applies to Tunnel interfaces only");
          if (a.negated) { if (itf.ip_address.negotiated) itf.ip_address = {}; return ok(); }
          itf.ip_address = {std::nullopt, true};
          return ok();
        }).writes(ip_address);
  t.add(Mode::kInterface, "tunnel destination dynamic",
        {"protocol-over-protocol tunneling", "destination of tunnel", "Destination set by a FlexVPN client"},
        [](C c, A a) {
          c.model.interfaces[c.object].tunnel_destination = {std::nullopt, !a.negated};
          return ok();
        }).writes(tunnel_destination);
}

}  // namespace

void register_flexvpn_commands(CommandTable& t);
void register_show_ra_config_commands(CommandTable& t);

void register_ra_commands(CommandTable& t) {
  add_aaa(t);
  add_pools(t);
  add_authorization_policy(t);
  add_profile_lines(t);
  add_interface_lines(t);
  register_flexvpn_commands(t);
  register_show_ra_config_commands(t);
}

}  // namespace kg::config
