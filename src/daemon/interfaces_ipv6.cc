// IPv6 on interfaces and static IPv6 routes, applied to the kernel
// (the interfaces part; the IPv4 counterparts are in interfaces.cc).
#include <algorithm>

#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/config_policy.h"
#include "daemon/interfaces.h"

namespace kg::daemon {

void Interfaces::apply_ipv6(const config::Model& before, const config::Model& after) {
  auto device = [&](const std::string& n) { return config::linux_device(after.interface_map, n); };
  auto old_device = [&](const std::string& n) { return config::linux_device(before.interface_map, n); };
  auto addrs = [](const config::Model& m, const std::string& n) {
    auto it = m.interfaces.find(n);
    return it == m.interfaces.end() ? std::vector<Prefix>{} : it->second.ipv6_addresses;
  };
  auto has = [](const std::vector<Prefix>& v, const Prefix& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  // Routes go first (they may use the addresses about to go).
  for (auto& r : before.ipv6_routes)
    if (std::find(after.ipv6_routes.begin(), after.ipv6_routes.end(), r) == after.ipv6_routes.end())
      if (!r.target.next_hop) (void)host_.del_route(r.prefix, old_device(r.target.interface));
  for (auto& [name, itf] : before.interfaces) {
    if (config::is_virtual_template(name)) continue;
    // Remapped (platform interface-map): every address leaves the old device.
    auto now = device(name) == old_device(name) ? addrs(after, name) : std::vector<Prefix>{};
    for (auto& a : itf.ipv6_addresses)
      if (!has(now, a)) (void)host_.del_address(old_device(name), a);
  }
  for (auto& [name, itf] : after.interfaces) {
    if (config::is_virtual_template(name)) continue;
    auto old = addrs(before, name);
    // A tunnel whose mode changed between GRE and IPsec got a new device
    // (apply_interfaces): all its addresses go on again. Loading a file does
    // this whenever `tunnel mode ipsec` follows `ipv6 address`, since the
    // interface starts as GRE (IOS's default).
    if (auto b = before.interfaces.find(name);
        b != before.interfaces.end() && config::is_tunnel(name) && is_gre(name, b->second) != is_gre(name, itf))
      old.clear();
    if (device(name) != old_device(name)) old.clear();
    // A port without a Linux device: apply_interfaces logged it once.
    if (!config::is_tunnel(name) && !config::is_loopback(name) && !host_.device_exists(device(name))) continue;
    for (auto& a : itf.ipv6_addresses) {
      if (has(old, a)) continue;
      if (auto r = host_.add_address(device(name), a); !r)
        log::warn("interface " + name + ": ipv6 address " + a.str() + ": " + r.error().message);
    }
  }
  for (auto& r : after.ipv6_routes) {
    auto& via = r.target.next_hop;
    std::string dev = device(r.target.word());
    if (via) {  // next hop: the interface whose IPv6 subnet holds it
      for (auto& [n, itf] : after.interfaces)
        for (auto& a : itf.ipv6_addresses)
          if (a.contains(*via)) dev = device(n);
    }
    if (auto res = host_.add_route(r.prefix, dev, via); !res)
      log::warn("ipv6 route " + r.prefix.str() + ": " + res.error().message);
  }
}

}  // namespace kg::daemon
