// IPv6 on tunnels (seed 004 "Tunnel Encapsulation", "IPv6 Support Summary"):
// ipv6 unicast-routing, ipv6 address on interfaces, ipv6 route, tunnel mode
// ipsec ipv6, IPv6 tunnel destinations, IPv6 keyring peers and identities.
#include "common/ip.h"
#include "config/interface_names.h"
#include "config/session.h"
#include "config/writer.h"

namespace kg::config {

void toggle_identity(std::vector<IkeIdentity>& v, const IkeIdentity& id, bool negated);  // commands_profile.cc

namespace {

using A = const ParsedArgs&;
using C = CmdContext&;

// "2001:DB8:1::5/64" as typed -> "2001:db8:1::5/64" (address kept, IOS
// keeps the host part of an interface address).
std::string canonical6(const std::string& w) {
  auto p = Prefix::parse(w);
  return p ? p->addr.str() + "/" + std::to_string(p->len) : w;
}

template <class T>
void toggle(std::vector<T>& v, const T& x, bool negated) {
  std::erase(v, x);
  if (!negated) v.push_back(x);
}

void add_global(CommandTable& t) {
  t.add(Mode::kConfig, "ipv6 unicast-routing", {"IPv6 configuration subcommands", "Enable unicast routing"},
        [](C c, A a) { c.model.ipv6_unicast_routing = !a.negated; return ok(); })
      .writes(section::kHostname + 5, [](const WriteScope& s, std::string& out) {
        if (s.model.ipv6_unicast_routing) out += "ipv6 unicast-routing\n!\n";
      });
  t.add(Mode::kConfig, "ipv6 route X:X:X:X::X/<0-128> WORD",
        {"IPv6 configuration subcommands", "Configure static routing", "IPv6 prefix", "Interface or IPv6 next hop"},
        [](C c, A a) -> Result<std::string> {
          auto p = Prefix::parse(a.at(2));
          if (!p) return fail(Errc::kInvalidArgument, "Invalid IPv6 prefix " + a.at(2));
          RouteTarget tgt;
          if (auto nh = IpAddress::parse(a.at(3))) {
            if (nh->is_v4()) return fail(Errc::kInvalidArgument, "Invalid IPv6 next hop " + a.at(3));
            tgt.next_hop = nh;
          } else {
            tgt.interface = canonical_interface_name(a.at(3));
          }
          Route6 r{Prefix{p->first(), p->len}, tgt};
          std::erase(c.model.ipv6_routes, r);
          if (!a.negated) c.model.ipv6_routes.push_back(r);
          return ok();
        })
      .writes(section::kRoute + 1, [](const WriteScope& s, std::string& out) {
        for (const auto& r : s.model.ipv6_routes) out += "ipv6 route " + r.prefix.str() + " " + r.target.word() + "\n";
      });
}

void add_interface(CommandTable& t) {
  auto itf = [](C c) -> Interface& { return c.model.interfaces[c.object]; };
  t.add(Mode::kInterface, "ipv6 address X:X:X:X::X/<0-128>",
        {"IPv6 interface subcommands", "Configure IPv6 address on interface", "IPv6 prefix"},
        [itf](C c, A a) { toggle(itf(c).ipv6_addresses, *Prefix::parse(a.at(2)), a.negated); return ok(); })
      .writes(interface_line::kIpv6Address, [](const WriteScope& s, std::string& out) {
        for (auto& a : s.model.interfaces.at(s.object).ipv6_addresses) out += " ipv6 address " + a.str() + "\n";
      });
  t.add(Mode::kInterface, "tunnel destination X:X:X:X::X",
        {"protocol-over-protocol tunneling", "destination of tunnel", "IPv6 address"},
        [itf](C c, A a) {
          if (a.negated) { itf(c).tunnel_destination = {}; return ok(); }
          itf(c).tunnel_destination = {*IpAddress::parse(a.at(2)), false};
          return ok();
        }).writes(t.write_back_of(Mode::kInterface, "tunnel destination A.B.C.D"));
  t.add(Mode::kInterface, "tunnel mode ipsec ipv6",
        {"protocol-over-protocol tunneling", "tunnel encapsulation method", "IPSec tunnel encapsulation", "over IPv6"},
        [itf](C c, A a) { itf(c).tunnel_mode = a.negated ? TunnelMode::kGreIp : TunnelMode::kIpsecIpv6; return ok(); }).writes(t.write_back_of(Mode::kInterface, "tunnel mode ipsec ipv4"));
}

void add_ike(CommandTable& t) {
  // IOS: "address {ipv4-address [mask] | ipv6-address prefix}" in a keyring
  // peer and in match identity remote.
  t.add(Mode::kKeyringPeer, "address X:X:X:X::X/<0-128>", {"Peer address", "IPv6 prefix"},
        [](C c, A a) {
          auto& addr = c.model.keyrings[c.object].peers[c.sub_object].address;
          if (a.negated) addr.reset();
          else addr = AddressMatch::parse(canonical6(a.at(1)));
          return ok();
        }).writes(t.write_back_of(Mode::kKeyringPeer, "address A.B.C.D"));
  t.add(Mode::kIkev2Profile, "match identity remote address X:X:X:X::X/<0-128>",
        {"Match values", "Match identity", "Remote identity", "IP address", "IPv6 prefix"}, [](C c, A a) {
          if (auto id = IkeIdentity::parse("address " + canonical6(a.at(4))))
            toggle_identity(c.model.profiles[c.object].match_identity_remote, *id, a.negated);
          return ok();
        }).writes(t.write_back_of(Mode::kIkev2Profile, "match identity remote any"));
}

}  // namespace

void register_ipv6_commands(CommandTable& t) {
  add_global(t);
  add_interface(t);
  add_ike(t);
}

}  // namespace kg::config
