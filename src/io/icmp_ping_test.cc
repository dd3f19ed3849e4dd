// PingSession and the netlink dumps in a private network namespace (a child
// process), so the host's network is never touched.
#include <gtest/gtest.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/icmp_ping.h"
#include "io/netlink.h"

namespace kg::io {
namespace {

std::string marks(const std::vector<PingEcho>& v) {
  std::string s;
  for (auto& e : v) s += e.mark;
  return s;
}

int ping_child() {
  if (unshare(CLONE_NEWNET) != 0) return 10;
  auto nl = Netlink::open();
  if (!nl || !(*nl)->set_link_up("lo", true)) return 11;
  if (!(*nl)->add_address("lo", *Prefix::parse("198.18.0.1/24"))) return 12;
  // Dumps: lo is up, holds 198.18.0.1/24, and the local table has it.
  auto links = (*nl)->links();
  if (!links) return 13;
  int lo = 0;
  for (auto& l : *links)
    if (l.name == "lo" && l.admin_up) lo = l.index;
  if (!lo) return 14;
  auto addrs = (*nl)->addresses();
  bool have = false;
  for (auto& a : addrs ? *addrs : std::vector<KernelAddress>{})
    have = have || (a.index == lo && a.prefix == *Prefix::parse("198.18.0.1/24"));
  if (!have) return 15;
  auto routes = (*nl)->routes(IpAddress::Family::kV4);
  bool local = false;
  for (auto& r : routes ? *routes : std::vector<KernelRoute>{})
    local = local || (r.table == RT_TABLE_LOCAL && r.type == RTN_LOCAL && r.dst == *Prefix::parse("198.18.0.1/32") &&
                      !r.nexthops.empty() && r.nexthops[0].index == lo);
  if (!local) return 16;
  // Echoes answered, from a bound source, over IPv4 and IPv6.
  PingRequest req{*IpAddress::parse("198.18.0.1"), IpAddress::parse("198.18.0.1"), 3, 100,
                  std::chrono::milliseconds(1000)};
  auto r = ping_blocking(req);
  if (!r || marks(*r) != "!!!") return 17;
  req = {*IpAddress::parse("::1"), std::nullopt, 2, 1400, std::chrono::milliseconds(1000)};
  r = ping_blocking(req);
  if (!r || marks(*r) != "!!") return 18;
  // No route: each echo is a '.' at once, without waiting out its timeout.
  req = {*IpAddress::parse("203.0.113.99"), std::nullopt, 3, 100, std::chrono::milliseconds(2000)};
  auto t0 = std::chrono::steady_clock::now();
  r = ping_blocking(req);
  if (!r || marks(*r) != "...") return 19;
  if (std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(1000)) return 20;
  // A source the namespace does not have is refused.
  req = {*IpAddress::parse("198.18.0.1"), IpAddress::parse("192.0.2.77"), 1, 100, std::chrono::milliseconds(100)};
  if (PingSession::open(req)) return 21;
  return 0;
}

TEST(IcmpPing, EchoesAndDumpsInPrivateNamespace) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (a network namespace)";
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(ping_child());
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

}  // namespace
}  // namespace kg::io
