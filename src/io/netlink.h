// Links, addresses and routes over rtnetlink (libnl-route-3).
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "common/ip.h"
#include "common/result.h"

struct nl_sock;

namespace kg::io {

class Netlink {
 public:
  static Result<std::unique_ptr<Netlink>> open();
  ~Netlink();
  Result<int> ifindex(const std::string& name);
  Result<void> set_link_up(const std::string& name, bool up);
  Result<void> set_mtu(const std::string& name, uint32_t mtu);
  // An address that is already there counts as success (IOS re-applies config).
  Result<void> add_address(const std::string& name, const Prefix& p) { return change_address(name, p, true); }
  Result<void> del_address(const std::string& name, const Prefix& p) { return change_address(name, p, false); }
  Result<void> add_route(const Prefix& dst, const std::string& dev, std::optional<IpAddress> via);
  Result<void> del_route(const Prefix& dst, const std::string& dev);
  // First address of the family on a link (for `tunnel source IFACE`).
  Result<IpAddress> first_address(const std::string& name, IpAddress::Family fam);

 private:
  Result<void> change_address(const std::string& name, const Prefix& p, bool add);
  Netlink() = default;
  nl_sock* sk_ = nullptr;
};

}  // namespace kg::io
