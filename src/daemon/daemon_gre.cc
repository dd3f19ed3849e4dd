// tunnel mode gre ip|ipv6: the tunnel's TUN behind an esp::GreDevice, whose
// endpoints follow tunnel source/destination; the CHILD_SA protects the GRE
// flow (config_policy_gre.cc).
#include "common/log.h"
#include "daemon/daemon.h"
#include "esp/gre_device.h"

namespace kg::daemon {

void Daemon::set_gre_endpoints(const std::string& name, const config::Interface& itf) {
  auto it = gre_.find(name);
  if (it == gre_.end()) return;
  auto src = tunnel_source(itf);
  auto& dst = itf.tunnel_destination.address;
  if (src && dst) set_gre_tunnel(name, *src, *dst);  // else reads stay dropped (counted) until known
}

void Daemon::set_gre_tunnel(const std::string& name, const IpAddress& src, const IpAddress& dst) {
  auto it = gre_.find(name);
  if (it == gre_.end() || src.family != dst.family) return;
  it->second->set_tunnel({src, dst, it->second->outer_ip()});  // the mode stays as negotiated
}

Result<void> Daemon::add_gre_tunnel(const std::string& name, const config::Interface& itf) {
  if (!gre_.contains(name)) {
    if (datapath_->has_tunnel(name)) datapath_->remove_tunnel(name);  // was tunnel mode ipsec
    auto tun = datapath_->open_tun(name);
    if (!tun) return std::unexpected(tun.error());
    auto counters = std::make_shared<esp::GreCounters>();
    auto dev = std::make_unique<esp::GreDevice>(esp::wrap(std::move(*tun)), counters);
    esp::GreDevice* raw = dev.get();
    if (auto r = datapath_->add_tunnel(name, std::move(dev)); !r) return r;
    gre_[name] = raw;
    gre_counters_[name] = counters;
  }
  set_gre_endpoints(name, itf);
  return {};
}

void Daemon::gre_sa_installed(const ike::InstallChildSa& sa) {
  if (auto it = gre_.find(sa.interface); it != gre_.end()) it->second->set_outer_ip(!sa.transport);
}

void Daemon::remove_gre_tunnel(const std::string& name) {
  if (!gre_.erase(name)) return;
  datapath_->remove_tunnel(name);
  gre_counters_.erase(name);
}

}  // namespace kg::daemon
