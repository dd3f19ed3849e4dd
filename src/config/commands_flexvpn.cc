// Standard access lists (for `route set access-list`), the FlexVPN client
// block (crypto ikev2 client flexvpn) and the configuration show commands of
// remote access (show crypto ikev2 authorization policy).
#include <nlohmann/json.hpp>

#include "common/ip.h"
#include "config/interface_names.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {
namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// ACL entry from the words after permit|deny: "any", "host A", "A [WILDCARD]".
Result<AclEntry> acl_entry(bool permit, const std::vector<std::string>& w) {
  AclEntry e{permit, "", "0.0.0.0"};
  if (w.size() == 1 && w[0] == "any") return AclEntry{permit, "0.0.0.0", "255.255.255.255"};
  if (w.size() == 2 && w[0] == "host") e.addr = w[1];
  else if (!w.empty() && w.size() <= 2) {
    e.addr = w[0];
    if (w.size() == 2) e.wildcard = w[1];
  } else {
    return fail(Errc::kInvalidArgument, "Incomplete command.");
  }
  auto wc = IpAddress::parse(e.wildcard);
  if (!wc || !mask_to_len(IpAddress::v4(~wc->v4_host_order())))
    return fail(Errc::kInvalidArgument, "Only contiguous wildcard masks can name subnets: " + e.wildcard);
  return e;
}

Result<std::string> change_acl(AccessList& acl, bool negated, bool permit, const std::vector<std::string>& w) {
  auto e = acl_entry(permit, w);
  if (!e) return std::unexpected(e.error());
  std::erase(acl.entries, *e);
  if (!negated) acl.entries.push_back(*e);
  return ok();
}

// One entry as IOS prints it ("permit any", "deny   192.0.2.1").
std::string acl_entry(const AclEntry& e) {
  std::string s = e.permit ? "permit " : "deny   ";
  if (e.wildcard == "255.255.255.255") return s + "any";
  if (e.wildcard == "0.0.0.0") return s + e.addr;
  return s + e.addr + " " + e.wildcard;
}

void add_acls(CommandTable& t) {
  // Named and numbered lists in one walk, in name order (as IOS keeps them).
  auto acls = t.add(Mode::kConfig, "ip access-list standard WORD",
        {"Global IP configuration subcommands", "Named access list", "Standard Access List", "Access-list name"},
        [](C c, A a) {
          if (a.negated) { c.model.access_lists.erase(a.at(3)); return ok(); }
          c.model.access_lists[a.at(3)];
          c.next_mode = Mode::kAccessList;
          c.next_object = a.at(3);
          return ok();
        })
      .writes(section::kRoute + 5, [](const WriteScope& s, std::string& out) {
        for (auto& [n, acl] : s.model.access_lists) {
          if (acl.numbered) {
            for (auto& e : acl.entries) out += "access-list " + n + " " + acl_entry(e) + "\n";
            continue;
          }
          out += "ip access-list standard " + n + "\n";
          s.sub(Mode::kAccessList, n, out);
        }
        if (!s.model.access_lists.empty()) out += "!\n";
      });
  auto entries = std::make_shared<const WriteBack>(WriteBack{0, [](const WriteScope& s, std::string& out) {
    for (auto& e : s.model.access_lists.at(s.object).entries) out += " " + acl_entry(e) + "\n";
  }});
  for (const char* verb : {"permit", "deny"}) {
    bool permit = std::string(verb) == "permit";
    auto h = std::vector<std::string>{permit ? "Specify packets to forward" : "Specify packets to reject",
                                      "Address to match", "Wildcard bits"};
    auto sub = [permit](C c, A a) {
      return change_acl(c.model.access_lists[c.object], a.negated, permit, {a.words.begin() + 1, a.words.end()});
    };
    t.add(Mode::kAccessList, std::string(verb) + " A.B.C.D [A.B.C.D]", h, sub).writes(entries);
    t.add(Mode::kAccessList, std::string(verb) + " host A.B.C.D", {h[0], "A single host address", "Host address"}, sub)
        .writes(entries);
    t.add(Mode::kAccessList, std::string(verb) + " any", {h[0], "Any source host"}, sub).writes(entries);
  }
  auto numbered = [](C c, A a) -> Result<std::string> {
    if (a.negated && a.size() == 2) { c.model.access_lists.erase(a.at(1)); return ok(); }
    if (a.size() < 4) return fail(Errc::kInvalidArgument, "Incomplete command.");
    auto& acl = c.model.access_lists[a.at(1)];
    acl.numbered = true;
    auto r = change_acl(acl, a.negated, a.at(2) == "permit", {a.words.begin() + 3, a.words.end()});
    if (acl.entries.empty()) c.model.access_lists.erase(a.at(1));
    return r;
  };
  std::vector<std::string> h = {"Add an access list entry", "IP standard access list", "Action", "Address to match",
                                "Wildcard bits"};
  t.add(Mode::kConfig, "access-list <1-99> [permit|deny] [A.B.C.D] [A.B.C.D]", h, numbered).writes(acls);
  t.add(Mode::kConfig, "access-list <1-99> {permit|deny} host A.B.C.D", {h[0], h[1], h[2], "A single host address", "Host address"}, numbered)
      .writes(acls);
  t.add(Mode::kConfig, "access-list <1-99> {permit|deny} any", {h[0], h[1], h[2], "Any source host"}, numbered).writes(acls);
}

void add_flexvpn_client(CommandTable& t) {
  t.add(Mode::kConfig, "crypto ikev2 client flexvpn WORD",
        {"Encryption module", "Configure IKEv2 parameters", "IKEv2 client configuration", "FlexVPN client profile",
         "Client profile name"},
        [](C c, A a) {
          if (a.negated || a.defaulted) { c.model.flexvpn_clients.erase(a.at(4)); return ok(); }
          c.model.flexvpn_clients[a.at(4)];
          c.next_mode = Mode::kFlexvpnClient;
          c.next_object = a.at(4);
          return ok();
        })
      .writes(section::kIkev2Profile + 2, [](const WriteScope& s, std::string& out) {
        for (auto& [n, c] : s.model.flexvpn_clients) {
          out += "crypto ikev2 client flexvpn " + n + "\n";
          s.sub(Mode::kFlexvpnClient, n, out);
          out += "!\n";
        }
      });
  auto cl = [](C c) -> FlexvpnClient& { return c.model.flexvpn_clients[c.object]; };
  auto cl_of = [](const WriteScope& s) -> const FlexvpnClient& { return s.model.flexvpn_clients.at(s.object); };
  auto set_peer = [cl](C c, A a) -> Result<std::string> {
    int n = std::stoi(a.at(1));
    if (a.negated) { cl(c).peers.erase(n); return ok(); }
    std::string v = a.at(2);
    for (size_t i = 3; i < a.size(); ++i) v += " " + a.at(i);
    cl(c).peers[n] = v;
    return ok();
  };
  std::vector<std::string> ph = {"Specify a peer", "Peer sequence number (lower is preferred)", "Peer IPv4 address"};
  auto peers = t.add(Mode::kFlexvpnClient, "peer <1-10> A.B.C.D", ph, set_peer).writes(0, [cl_of](const WriteScope& s, std::string& out) {
    for (auto& [i, p] : cl_of(s).peers) out += " peer " + std::to_string(i) + " " + p + "\n";
  });
  t.add(Mode::kFlexvpnClient, "peer <1-10> fqdn WORD [dynamic]",
        {ph[0], ph[1], "Peer fully qualified domain name", "Name", "Resolve the name at every connection"}, set_peer).writes(peers);
  t.add(Mode::kFlexvpnClient, "peer reactivate", {"Specify a peer", "Go back to a more preferred peer when it answers again"},
        [cl](C c, A a) { cl(c).peer_reactivate = !a.negated; return ok(); })
      .writes(0, [cl_of](const WriteScope& s, std::string& out) {
        if (cl_of(s).peer_reactivate) out += " peer reactivate\n";
      });
  t.add(Mode::kFlexvpnClient, "client connect WORD [<0-65535>]",
        {"Client configuration", "Tunnel interface the client brings up", "Interface (TunnelN, or tunnel N)", "Number"},
        [cl](C c, A a) -> Result<std::string> {
          if (a.negated) { cl(c).connect.clear(); return ok(); }
          std::string n = canonical_interface_name(a.size() > 3 ? a.at(2) + a.at(3) : a.at(2));
          if (!is_tunnel(n)) return invalid("client connect needs a Tunnel interface, not " + n);
          cl(c).connect = n;
          return ok();
        })
      .writes(0, [cl_of](const WriteScope& s, std::string& out) {
        if (auto& n = cl_of(s).connect; !n.empty()) out += " client connect " + n + "\n";
      });
}

std::string show_policy(const std::string& n, const AuthorizationPolicy& p) {
  std::string s = "IKEv2 Authorization Policy : " + n + "\n";
  if (!p.pool.empty()) s += "  pool : " + p.pool + "\n";
  if (!p.dns.empty()) s += "  dns :" + join_words(p.dns) + "\n";
  if (!p.netmask.empty()) s += "  netmask : " + p.netmask + "\n";
  if (!p.def_domain.empty()) s += "  def-domain : " + p.def_domain + "\n";
  if (!p.ipv6_pool.empty()) s += "  ipv6 pool : " + p.ipv6_pool + "\n";
  if (!p.ipv6_dns.empty()) s += "  ipv6 dns :" + join_words(p.ipv6_dns) + "\n";
  if (p.route_set_interface) s += "  route set interface\n";
  for (auto& i : p.route_set_interfaces) s += "  route set interface " + i + "\n";
  for (auto& r : p.route_set_remote) s += "  route set remote " + r + "\n";
  if (!p.route_set_acl.empty()) s += "  route set access-list " + p.route_set_acl + "\n";
  if (!p.route_set_acl6.empty()) s += "  route set access-list ipv6 " + p.route_set_acl6 + "\n";
  if (p.route_accept_any)
    s += "  route accept any tag : " + std::to_string(p.route_accept_tag) +
         " distance : " + std::to_string(p.route_accept_distance) + "\n";
  return s + "\n";
}

}  // namespace

void register_show_ra_config_commands(CommandTable& t) {
  t.add(Mode::kExec, "show crypto ikev2 authorization policy [WORD]",
        {"Show running system information", "Encryption module", "IKEv2 information", "IKEv2 authorization",
         "IKEv2 authorization policies", "Policy name"},
        [](C c, A a) -> Result<std::string> {
          std::string out;
          nlohmann::json list = nlohmann::json::array();
          for (auto& [n, p] : c.model.authorization_policies) {
            if (a.size() > 5 && a.at(5) != n) continue;
            out += show_policy(n, p);
            list.push_back({{"name", n}, {"pool", p.pool}, {"ipv6_pool", p.ipv6_pool}, {"dns", p.dns},
                            {"ipv6_dns", p.ipv6_dns}, {"netmask", p.netmask}, {"def_domain", p.def_domain},
                            {"route_set_interface", p.route_set_interface},
                            {"route_set_interfaces", p.route_set_interfaces}, {"route_set_remote", p.route_set_remote},
                            {"route_set_access_list", p.route_set_acl}, {"route_accept_any", p.route_accept_any}});
          }
          if (out.empty() && a.size() > 5) return fail(Errc::kNotFound, "IKEv2 authorization policy " + a.at(5) + " not found");
          if (a.json) return nlohmann::json{{"authorization_policies", std::move(list)}}.dump() + "\n";
          return out;
        }, false, true);
}

void register_flexvpn_commands(CommandTable& t) {
  add_acls(t);
  add_flexvpn_client(t);
}

}  // namespace kg::config
