// The text of the everyday exec commands (show version, show clock,
// show logging, show ip route, show ipv6 route, show ip interface brief,
// ping) in IOS's layout, from plain data: no kernel, no clock, so each
// layout is unit-tested (system_format_test.cc). show_system.cc gathers the
// data and registers the commands.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/log.h"
#include "io/icmp_ping.h"
#include "io/netlink.h"

namespace kg::daemon {

// "1 hour, 3 minutes", "2 weeks, 1 day, 5 minutes", "0 minutes" (IOS: the
// largest units first, zero units left out, minutes always).
std::string ios_uptime(std::chrono::seconds up);

// "*21:04:11.123 UTC Sun Dec 6 2026"; `authoritative` false gives IOS's '*'
// (the clock is not synchronised).
std::string ios_clock(std::chrono::system_clock::time_point t, bool authoritative);

struct VersionFacts {
  std::string version;  // "0.1.0 (git 01a794e)"
  std::string hostname;
  std::chrono::seconds uptime{};
  std::string started;  // ios_clock of the start
  std::string kernel_release, kernel_version, machine, nodename;  // uname
  std::string image;  // /proc/self/exe
  uint64_t memory_kb = 0;
  int cpus = 0;
  int interfaces = 0;  // configured interfaces
};
std::string format_show_version(const VersionFacts& f);

std::string format_show_logging(const log::BufferState& s);

// One line of IOS's routing table.
struct RouteLine {
  std::string code;  // "C", "L", "S", "S*"
  Prefix dst;
  std::optional<IpAddress> via;
  std::string interface;  // IOS name; empty with a gateway only
  int distance = 0, metric = 0;
  bool receive = false;  // IPv6 local route: "receive"
};
// Kernel routes as IOS lists them: the main table's unicast routes (C: the
// kernel's own connected routes, S: every other, keygate's included) and the
// local table's addresses (L); IPv4's loopback net and IPv6 link-local and
// multicast routes are left out, as IOS has none. `name` maps a route to
// the IOS interface name of its link (TunnelN, Loopback0...).
std::vector<RouteLine> classify_routes(const std::vector<io::KernelRoute>& routes,
                                       const std::function<std::string(int index, const Prefix& dst)>& name);
std::string format_ip_route(const std::vector<RouteLine>& lines);
std::string format_ipv6_route(const std::vector<RouteLine>& lines);

struct BriefRow {
  std::string interface, address;  // address "unassigned" when none
  std::string method;              // NVRAM, manual, unset, IPCP, other
  std::string status, protocol;    // up, down, administratively down
};
std::string format_ip_interface_brief(const std::vector<BriefRow>& rows);

// ping: the header, one mark per echo (70 to a line) and the summary.
std::string ping_header(const io::PingRequest& r, const std::string& source_text);
std::string ping_result(const std::vector<io::PingEcho>& echoes);

}  // namespace kg::daemon
