// Links, addresses and routes over rtnetlink (libnl-route-3).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/result.h"

struct nl_sock;

namespace kg::io {

// What the kernel has, for show ip route / show ip interface brief
// (netlink_dump.cc). Plain data: the formatting is tested without a kernel.
struct KernelLink {
  int index = 0;
  std::string name;
  bool admin_up = false;  // IFF_UP
  bool running = false;   // IFF_RUNNING: carrier (lower layer up)
};
struct KernelAddress {
  int index = 0;  // link
  Prefix prefix;  // the address and its prefix length
};
struct KernelNexthop {
  std::optional<IpAddress> gateway;
  int index = 0;  // outgoing link; 0: none
};
struct KernelRoute {
  Prefix dst;
  uint32_t table = 0;     // RT_TABLE_MAIN 254, RT_TABLE_LOCAL 255
  uint8_t type = 0;       // RTN_UNICAST, RTN_LOCAL, RTN_BLACKHOLE...
  uint8_t protocol = 0;   // RTPROT_KERNEL, RTPROT_STATIC...
  uint32_t priority = 0;  // metric
  std::vector<KernelNexthop> nexthops;
};

// A route's own MTU (RTAX_MTU, locked) and preferred source (RTA_PREFSRC),
// and its routing table (main unless given).
struct RouteExtras {
  std::optional<uint32_t> mtu;
  std::optional<IpAddress> src;
  uint32_t table = 254;  // RT_TABLE_MAIN
};

// A policy rule `ip rule add pref PRIORITY fwmark MARK lookup TABLE`.
struct MarkRule {
  IpAddress::Family family = IpAddress::Family::kV4;
  uint32_t priority = 0, mark = 0, table = 0;
  bool operator==(const MarkRule&) const = default;
};

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
  Result<void> add_route(const Prefix& dst, const std::string& dev, std::optional<IpAddress> via,
                         const RouteExtras& extras = {});
  Result<void> del_route(const Prefix& dst, const std::string& dev, uint32_t table = 254);
  // Policy rules: adding one that is there, or deleting one that is not, is
  // no error. mark_rules: every fwmark rule of the family (to find stale ones).
  Result<void> add_rule(const MarkRule& r) { return change_rule(r, true); }
  Result<void> del_rule(const MarkRule& r) { return change_rule(r, false); }
  Result<std::vector<MarkRule>> mark_rules(IpAddress::Family fam);
  // First address of the family on a link (for `tunnel source IFACE`).
  Result<IpAddress> first_address(const std::string& name, IpAddress::Family fam);
  // Dumps of the namespace's links, addresses and routes (every table).
  Result<std::vector<KernelLink>> links();
  Result<std::vector<KernelAddress>> addresses();
  Result<std::vector<KernelRoute>> routes(IpAddress::Family fam);

 private:
  Result<void> change_address(const std::string& name, const Prefix& p, bool add);
  Result<void> change_rule(const MarkRule& r, bool add);
  Netlink() = default;
  nl_sock* sk_ = nullptr;
};

}  // namespace kg::io
