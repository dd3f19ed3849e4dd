// keygated: how the interfaces part (interfaces.h) reaches the kernel, the
// data path, the IKE side and the tunnels part.
#include <net/if.h>

#include "daemon/daemon.h"

namespace kg::daemon {

bool Daemon::InterfacesHost::device_exists(const std::string& dev) const {
  return ::if_nametoindex(dev.c_str()) != 0;
}

Result<void> Daemon::InterfacesHost::set_link_up(const std::string& dev, bool up) {
  return d.netlink_->set_link_up(dev, up);
}

Result<void> Daemon::InterfacesHost::set_mtu(const std::string& dev, uint32_t mtu) {
  return d.netlink_->set_mtu(dev, mtu);
}

Result<void> Daemon::InterfacesHost::add_address(const std::string& dev, const Prefix& p) {
  return d.netlink_->add_address(dev, p);
}

Result<void> Daemon::InterfacesHost::del_address(const std::string& dev, const Prefix& p) {
  return d.netlink_->del_address(dev, p);
}

Result<void> Daemon::InterfacesHost::add_route(const Prefix& dst, const std::string& dev,
                                               std::optional<IpAddress> via) {
  return d.netlink_->add_route(dst, dev, via);
}

Result<void> Daemon::InterfacesHost::del_route(const Prefix& dst, const std::string& dev) {
  return d.netlink_->del_route(dst, dev);
}

Result<void> Daemon::InterfacesHost::add_ipsec_tunnel(const std::string& name) { return d.datapath_->add_tunnel(name); }

Result<void> Daemon::InterfacesHost::add_gre_tunnel(const std::string& name, const config::Interface& itf) {
  return d.add_gre_tunnel(name, itf);
}

void Daemon::InterfacesHost::remove_tunnel(const std::string& name) {
  d.remove_gre_tunnel(name);  // nothing unless GRE
  d.datapath_->remove_tunnel(name);
}

void Daemon::InterfacesHost::delete_sessions(const std::string& tunnel) {
  d.ike_->delete_sessions(tunnel);
  d.isakmp_actions(d.ikev1_->delete_sessions(tunnel));
}

void Daemon::InterfacesHost::tunnel_configured(const std::string& tunnel, const config::Interface* old,
                                               const config::Interface& itf) {
  d.tunnels_.configured(tunnel, old, itf);
}

void Daemon::InterfacesHost::tunnel_removed(const std::string& tunnel) { d.tunnels_.removed(tunnel); }

}  // namespace kg::daemon
