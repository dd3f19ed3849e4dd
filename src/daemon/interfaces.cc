#include "daemon/interfaces.h"

#include <algorithm>

#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/config_policy.h"

namespace kg::daemon {

namespace {
bool is_tunnel(const std::string& n) { return n.rfind("Tunnel", 0) == 0; }
bool is_loopback(const std::string& n) { return n.rfind("Loopback", 0) == 0; }
}  // namespace

void Interfaces::apply(const config::Model& before, const config::Model& after) {
  apply_interfaces(before, after);
  apply_routes(before, after);
  apply_ipv6(before, after);
}

void Interfaces::apply_interfaces(const config::Model& before, const config::Model& after) {
  for (auto& [name, itf] : before.interfaces) {
    if (config::is_virtual_template(name)) continue;  // RemoteAccess::apply
    if (after.interfaces.count(name)) continue;
    if (is_tunnel(name)) {
      host_.tunnel_removed(name);
      host_.remove_tunnel(name);
    } else if (auto& p = itf.ip_address.address) {
      (void)host_.del_address(config::linux_device(before.interface_map, name), *p);
    }
  }
  for (auto& [name, itf] : after.interfaces) {
    if (config::is_virtual_template(name)) continue;
    auto old = before.interfaces.find(name);
    std::string dev = config::linux_device(after.interface_map, name);
    // The map moved the interface to another device (or unmapped it): its
    // address leaves the old one.
    std::string old_dev = config::linux_device(before.interface_map, name);
    if (old != before.interfaces.end() && old_dev != dev)
      if (auto& p = old->second.ip_address.address) (void)host_.del_address(old_dev, *p);
    if (!is_tunnel(name) && !is_loopback(name) && !host_.device_exists(dev)) {
      // An IOS port with no map entry, or a device the kernel does not have:
      // the load report warned; nothing to change, and it is never shown up.
      bool was_missing = old != before.interfaces.end() && old_dev == dev;
      if (!was_missing) log::warn("interface " + name + ": no Linux device " + dev + "; not applied");
      continue;
    }
    if (is_tunnel(name)) {
      // A change of tunnel mode between ipsec and gre replaces the device.
      if (old != before.interfaces.end() && is_gre(name, old->second) != is_gre(name, itf)) {
        host_.delete_sessions(name);
        host_.remove_tunnel(name);
      }
      if (auto r = is_gre(name, itf) ? host_.add_gre_tunnel(name, itf) : host_.add_ipsec_tunnel(name); !r) {
        log::error("interface " + name + ": " + r.error().message);
        continue;
      }
      // GRE's delivery header comes out of the same 1400 bytes.
      uint32_t gre = is_gre(name, itf) ? (itf.tunnel_mode == config::TunnelMode::kGreIpv6 ? 44 : 24) : 0;
      (void)host_.set_mtu(name, itf.mtu ? uint32_t(*itf.mtu) : kDefaultTunnelMtu - gre);
    }
    if (old != before.interfaces.end() && old->second.ip_address != itf.ip_address)
      if (auto& p = old->second.ip_address.address) (void)host_.del_address(dev, *p);
    if (auto& p = itf.ip_address.address) {
      if (auto r = host_.add_address(dev, *p); !r) log::warn("interface " + name + ": " + r.error().message);
    }
    if (!is_loopback(name)) {
      bool was_up = old == before.interfaces.end() ? false : !old->second.shutdown;
      (void)host_.set_link_up(dev, !itf.shutdown);
      if (is_tunnel(name) && was_up != !itf.shutdown)
        log::event("LINK", log::Level::kNotice, "UPDOWN",
                   "Interface " + name + ", changed state to " + (itf.shutdown ? "administratively down" : "up"));
    }
    if (is_tunnel(name)) host_.tunnel_configured(name, old == before.interfaces.end() ? nullptr : &old->second, itf);
  }
}

void Interfaces::apply_routes(const config::Model& before, const config::Model& after) {
  // The device a route goes out of in model m (the port map may change it).
  auto device = [](const config::Model& m, const config::Route& r) {
    std::string dev = config::linux_device(m.interface_map, r.target.word());
    if (auto& via = r.target.next_hop) {
      // Next hop: find the interface whose subnet holds it.
      for (auto& [n, itf] : m.interfaces)
        if (auto& ip = itf.ip_address.address; ip && ip->contains(*via))
          dev = config::linux_device(m.interface_map, n);
    }
    return dev;
  };
  auto install = [&](const config::Model& m, const config::Route& r, bool add) {
    std::string dev = device(m, r);
    // Out of a port without a Linux device: apply_interfaces logged it once.
    if (!r.target.next_hop && !host_.device_exists(dev)) return;
    auto res = add ? host_.add_route(r.dest, dev, r.target.next_hop) : host_.del_route(r.dest, dev);
    if (!res) log::warn(std::string(add ? "route " : "delete route ") + r.dest.str() + ": " + res.error().message);
  };
  for (auto& r : before.routes)
    if (std::find(after.routes.begin(), after.routes.end(), r) == after.routes.end() || device(before, r) != device(after, r))
      install(before, r, false);
  for (auto& r : after.routes) install(after, r, true);
}

}  // namespace kg::daemon
