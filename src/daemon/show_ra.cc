#include "daemon/show_ra.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "config/interface_names.h"
#include "daemon/crypto_maps.h"
#include "daemon/daemon.h"

namespace kg::daemon {
namespace {

std::string left(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}
std::string right(uint64_t v, size_t w) {
  std::string s = std::to_string(v);
  return std::string(s.size() < w ? w - s.size() : 0, ' ') + s;
}

// IOS short interface name: Virtual-Access1 -> Vi1 (as `show ip local pool` prints it).
std::string short_name(const std::string& n) {
  if (n.rfind("Virtual-Access", 0) == 0) return "Vi" + n.substr(14);
  return n;
}

constexpr size_t kMaxListed = 1024;  // a /16 pool would print 65536 lines

// IOS:
//  Pool                     Begin           End             Free  In use   Blocked
//  RA-POOL                  198.18.1.10     198.18.1.99       88       2         0
std::string show_pool(const aaa::AddressPools& p, const std::string& name) {
  std::ostringstream o;
  o << " Pool                     Begin           End             Free  In use   Blocked\n";
  auto st = p.stats(name);
  for (auto& s : st)
    o << " " << left(s.pool, 24) << " " << left(s.begin.str(), 15) << " " << left(s.end.str(), 15)
      << right(s.free, 5) << right(s.in_use, 8) << right(0, 10) << "\n";
  if (name.empty()) return o.str();
  o << "Available addresses:\n";
  auto free = p.free_addresses(name, kMaxListed);
  for (auto& a : free) o << "    " << a.str() << "\n";
  uint64_t total_free = 0;
  for (auto& s : st) total_free += s.free;
  if (total_free > free.size()) o << "    ... " << total_free - free.size() << " more\n";
  if (free.empty()) o << "    None\n";
  o << "Inuse addresses:\n";
  auto leases = p.leases(name);
  for (auto* l : leases)
    if (l->addr && l->pool == name)
      o << "    " << left(l->addr->str(), 19) << left(l->interface.empty() ? "-" : short_name(l->interface), 19)
        << l->user << "\n";
  if (leases.empty()) o << "    None\n";
  return o.str();
}

std::string show_pool6(const aaa::AddressPools& p, const config::Model& m, const std::string& name) {
  std::ostringstream o;
  o << "Pool               Prefix                                  Free  In use\n";
  for (auto& [n, pool] : m.ipv6_pools) {
    if (!name.empty() && n != name) continue;
    uint64_t used = 0;
    for (auto* l : p.leases(n))
      if (l->prefix6 && l->pool6 == n) ++used;
    auto pre = Prefix::parse(pool.prefix);
    uint64_t blocks = pre ? (uint64_t(1) << std::min(20, pool.assigned_len - pre->len)) - 1 : 0;
    o << left(n, 18) << " " << left(pool.prefix, 39) << right(blocks - used, 5) << right(used, 8) << "\n";
    if (name.empty()) continue;
    for (auto* l : p.leases(n))
      if (l->prefix6 && l->pool6 == n)
        o << "    " << left(l->prefix6->str(), 40) << left(short_name(l->interface), 19) << l->user << "\n";
  }
  return o.str();
}

// `show ip|ipv6 local pool [NAME] | json`: the ranges (or prefixes) with their
// free and used counts, and with NAME the leases (address, interface, user).
std::string pools_json(const aaa::AddressPools& p, const config::Model& m, const std::string& name, bool v6) {
  nlohmann::json pools = nlohmann::json::array();
  auto leases_of = [&](const std::string& n) {
    nlohmann::json a = nlohmann::json::array();
    for (auto* l : p.leases(n)) {
      if (!v6 && l->addr && l->pool == n)
        a.push_back({{"address", l->addr->str()}, {"interface", l->interface}, {"user", l->user}});
      if (v6 && l->prefix6 && l->pool6 == n)
        a.push_back({{"prefix", l->prefix6->str()}, {"interface", l->interface}, {"user", l->user}});
    }
    return a;
  };
  if (!v6) {
    for (auto& r : p.stats(name)) {
      nlohmann::json j{{"name", r.pool}, {"begin", r.begin.str()}, {"end", r.end.str()}, {"free", r.free},
                       {"in_use", r.in_use}};
      if (!name.empty()) j["leases"] = leases_of(r.pool);
      pools.push_back(std::move(j));
    }
  } else {
    for (auto& [n, pool] : m.ipv6_pools) {
      if (!name.empty() && n != name) continue;
      nlohmann::json j{{"name", n}, {"prefix", pool.prefix}, {"assigned_length", pool.assigned_len}};
      j["leases"] = leases_of(n);
      pools.push_back(std::move(j));
    }
  }
  return nlohmann::json{{"pools", std::move(pools)}}.dump() + "\n";
}

std::string unnumbered(const config::Model& m, const config::Interface& itf) {
  if (itf.ip_unnumbered.empty()) return "";
  std::string s = "  Interface is unnumbered. Using address of " + itf.ip_unnumbered;
  if (auto u = m.interfaces.find(itf.ip_unnumbered); u != m.interfaces.end())
    if (auto& p = u->second.ip_address.address) s += " (" + p->addr.str() + ")";
  return s + "\n";
}

// A template is never up itself (IOS: line protocol down); its sessions are.
std::string show_template(const Daemon& d, const std::string& name) {
  auto& m = d.model();
  auto it = m.interfaces.find(name);
  if (it == m.interfaces.end()) return "";
  const config::Interface& itf = it->second;
  std::ostringstream o;
  o << name << " is " << (itf.shutdown ? "administratively down" : "up") << ", line protocol is down \n";
  o << "  Hardware is Virtual Template interface\n";
  if (!itf.description.empty()) o << "  Description: " << itf.description << "\n";
  o << unnumbered(m, itf);
  o << "  MTU " << (itf.mtu ? *itf.mtu : 1400) << " bytes\n";
  o << "  Tunnel source " << (itf.tunnel_source.empty() ? "(none)" : itf.tunnel_source.word) << ", destination UNKNOWN\n";
  o << "  Tunnel protocol/transport IPSEC/IP\n";
  if (!itf.tunnel_protection.empty()) o << "  Tunnel protection via IPSec (profile \"" << itf.tunnel_protection << "\")\n";
  size_t n = 0;
  for (auto& [k, va] : d.remote_access().virtual_access().all()) n += va.templ == name;
  o << "  Virtual-Access sessions: " << n << " (Linux device " << config::template_device(name) << ")\n";
  return o.str();
}

}  // namespace

std::vector<CryptoInterface> crypto_interfaces(const Daemon& d) {
  std::vector<CryptoInterface> v;
  auto& m = d.model();
  for (auto& [name, itf] : m.interfaces)
    if (config::is_tunnel(name)) v.push_back({name, name, std::nullopt, name, &itf, itf.tunnel_destination.word()});
  for (auto& [n, va] : d.remote_access().virtual_access().all()) {
    auto t = m.interfaces.find(va.templ);
    if (t == m.interfaces.end()) continue;
    v.push_back({va.name, va.templ, va.remote, va.templ, &t->second, va.remote.addr.str()});
  }
  // Crypto map entries: listed under the interface the map is applied to.
  for (auto& p : crypto_map_plans(m))
    if (auto t = m.interfaces.find(p.interface); t != m.interfaces.end())
      v.push_back({p.interface, p.device, std::nullopt, p.map, &t->second, p.peers.empty() ? "" : p.peers.front().str()});
  return v;
}

// IOS: "Virtual-Access1 is up, line protocol is up / Hardware is Virtual
// Access interface / Interface is unnumbered ... / Tunnel vaccess, cloned
// from Virtual-Template1".
std::string show_virtual_interface(const Daemon& d, const std::string& name) {
  if (config::is_virtual_template(name)) return show_template(d, name);
  const VirtualAccess* va = d.remote_access().virtual_access().by_name(name);
  if (!va) return "";
  auto& m = d.model();
  auto t = m.interfaces.find(va->templ);
  std::ostringstream o;
  o << name << " is up, line protocol is up \n";
  o << "  Hardware is Virtual Access interface\n";
  // ip:interface-config (RADIUS or an aaa attribute list) over the template's.
  if (!va->unnumbered.empty()) {
    config::Interface u;
    u.ip_unnumbered = va->unnumbered;
    o << unnumbered(m, u);
  } else if (t != m.interfaces.end()) {
    o << unnumbered(m, t->second);
  }
  int mtu = va->mtu ? int(*va->mtu) : t != m.interfaces.end() && t->second.mtu ? *t->second.mtu : 1400;
  o << "  MTU " << mtu << " bytes" << (va->mtu ? " (interface-config)" : "") << "\n";
  // ip:interface-config ip access-group, as IOS's show ip interface words it.
  if (!va->access_group_out.empty()) o << "  Outgoing access list is " << va->access_group_out << "\n";
  if (!va->access_group_in.empty()) o << "  Inbound  access list is " << va->access_group_in << "\n";
  o << "  Tunnel vaccess, cloned from " << va->templ << "\n";
  o << "  Tunnel source " << va->local.addr.str() << ", destination " << va->remote.addr.str() << "\n";
  o << "  Tunnel protocol/transport IPSEC/IP\n";
  if (t != m.interfaces.end() && !t->second.tunnel_protection.empty())
    o << "  Tunnel protection via IPSec (profile \"" << t->second.tunnel_protection << "\")\n";
  o << "  Peer identity: " << va->remote_id << "\n";
  if (va->config.address) o << "  Peer address (assigned): " << va->config.address->addr.str() << "\n";
  o << "  Routes:";
  for (auto& r : va->routes) o << " " << r.str();
  o << (va->routes.empty() ? " none\n" : "\n");
  uint64_t ip = 0, ib = 0, op = 0, ob = 0, oe = 0;
  for (auto& sa : d.datapath().sa_stats()) {
    if (sa.interface != va->templ || sa.remote != va->remote) continue;
    ip += sa.pkts_decaps;
    ib += sa.bytes_decaps;
    op += sa.pkts_encaps;
    ob += sa.bytes_encaps;
    oe += sa.send_errors;
  }
  o << "     " << ip << " packets input, " << ib << " bytes\n";
  o << "     " << op << " packets output, " << ob << " bytes, " << oe << " output errors\n";
  return o.str();
}

void register_ra_show_commands(config::Config& cfg, Daemon& d) {
  const std::string sh = "Show running system information";
  cfg.register_exec("show ip local pool [WORD]",
                    {sh, "IP information", "IP local options", "IP local address pool statistics", "Pool name"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      std::string name = a.size() > 4 ? a.at(4) : "";
                      if (!name.empty() && !d.pools().has_pool(name))
                        return fail(Errc::kNotFound, "Pool " + name + " not found");
                      return a.json ? pools_json(d.pools(), d.model(), name, false) : show_pool(d.pools(), name);
                    }, true);
  cfg.register_exec("show ipv6 local pool [WORD]",
                    {sh, "IPv6 information", "IPv6 local options", "IPv6 local prefix pool statistics", "Pool name"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      std::string name = a.size() > 4 ? a.at(4) : "";
                      return a.json ? pools_json(d.pools(), d.model(), name, true) : show_pool6(d.pools(), d.model(), name);
                    }, true);
}

}  // namespace kg::daemon
