// The daemon's interfaces part: applies each configuration change to the
// kernel. Addresses (IPv4 and IPv6) go on and off the Linux devices that
// carry the interfaces (`platform interface-map`), links go up and down with
// shutdown (and a tunnel logs %LINK-3-UPDOWN), tunnel interfaces get their
// device in the data path (a TUN, or a TUN behind GRE) and MTU, and static
// routes follow. What a change means for a tunnel's sessions and retries is
// the tunnels part's (tunnels.h): this part tells it through Host. It
// reaches the kernel and the data path only through Host, so its tests run
// with a fake kernel.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "common/ip.h"
#include "common/result.h"
#include "config/model.h"

namespace kg::daemon {

class Interfaces {
 public:
  // What this part asks of the daemon.
  class Host {
   public:
    virtual ~Host() = default;
    // The kernel (io::Netlink); `dev` is a Linux device name.
    [[nodiscard]] virtual bool device_exists(const std::string& dev) const = 0;
    virtual Result<void> set_link_up(const std::string& dev, bool up) = 0;
    virtual Result<void> set_mtu(const std::string& dev, uint32_t mtu) = 0;
    virtual Result<void> add_address(const std::string& dev, const Prefix& p) = 0;
    virtual Result<void> del_address(const std::string& dev, const Prefix& p) = 0;
    virtual Result<void> add_route(const Prefix& dst, const std::string& dev, std::optional<IpAddress> via) = 0;
    virtual Result<void> del_route(const Prefix& dst, const std::string& dev) = 0;
    // A tunnel interface's device in the data path: a TUN (tunnel mode
    // ipsec), or a TUN behind GRE whose endpoints follow the interface's
    // tunnel source and destination. Adding one that is there changes
    // nothing; removing takes either kind, and its SAs, away.
    virtual Result<void> add_ipsec_tunnel(const std::string& name) = 0;
    virtual Result<void> add_gre_tunnel(const std::string& name, const config::Interface& itf) = 0;
    virtual void remove_tunnel(const std::string& name) = 0;
    // The IKE SAs serving a tunnel go (before its device is replaced).
    virtual void delete_sessions(const std::string& tunnel) = 0;
    // The tunnels part hears of a tunnel (re)configured or removed
    // (Tunnels::configured, Tunnels::removed).
    virtual void tunnel_configured(const std::string& tunnel, const config::Interface* old,
                                   const config::Interface& itf) = 0;
    virtual void tunnel_removed(const std::string& tunnel) = 0;
  };

  // 1500 minus ESP-in-UDP overhead, rounded down; GRE's delivery header
  // comes out of it as well.
  static constexpr uint32_t kDefaultTunnelMtu = 1400;

  explicit Interfaces(Host& host) : host_(host) {}

  // The configuration went from `before` to `after`: interfaces, then IPv4
  // routes, then IPv6 addresses and routes.
  void apply(const config::Model& before, const config::Model& after);

 private:
  void apply_interfaces(const config::Model& before, const config::Model& after);
  void apply_routes(const config::Model& before, const config::Model& after);
  void apply_ipv6(const config::Model& before, const config::Model& after);  // interfaces_ipv6.cc

  Host& host_;
};

}  // namespace kg::daemon
