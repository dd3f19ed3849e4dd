#include "daemon/show_ra.h"

#include <sstream>

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

}  // namespace

void register_ra_show_commands(config::Config& cfg, Daemon& d) {
  const std::string sh = "Show running system information";
  cfg.register_exec("show ip local pool [WORD]",
                    {sh, "IP information", "IP local options", "IP local address pool statistics", "Pool name"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      std::string name = a.size() > 4 ? a.at(4) : "";
                      if (!name.empty() && !d.pools().has_pool(name))
                        return fail(Errc::kNotFound, "Pool " + name + " not found");
                      return show_pool(d.pools(), name);
                    });
  cfg.register_exec("show ipv6 local pool [WORD]",
                    {sh, "IPv6 information", "IPv6 local options", "IPv6 local prefix pool statistics", "Pool name"},
                    [&d](const config::ParsedArgs& a) -> Result<std::string> {
                      return show_pool6(d.pools(), d.model(), a.size() > 4 ? a.at(4) : "");
                    });
}

}  // namespace kg::daemon
