// Layout of the everyday exec commands, from plain data (system_format.h).
#include "daemon/system_format.h"

#include <gtest/gtest.h>
#include <linux/rtnetlink.h>

namespace kg::daemon {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(SystemFormat, UptimeAsIos) {
  EXPECT_EQ(ios_uptime(seconds(0)), "0 minutes");
  EXPECT_EQ(ios_uptime(seconds(59)), "0 minutes");
  EXPECT_EQ(ios_uptime(minutes(1)), "1 minute");
  EXPECT_EQ(ios_uptime(hours(1) + minutes(3)), "1 hour, 3 minutes");
  EXPECT_EQ(ios_uptime(hours(2)), "2 hours, 0 minutes");
  EXPECT_EQ(ios_uptime(hours(24 * 15) + minutes(5)), "2 weeks, 1 day, 5 minutes");
  EXPECT_EQ(ios_uptime(hours(24 * 366) + hours(1)), "1 year, 1 day, 1 hour, 0 minutes");
}

TEST(SystemFormat, ClockAsIos) {
  // 2026-12-06 21:04:11.123 UTC is a Sunday.
  std::chrono::system_clock::time_point t{std::chrono::milliseconds(1796591051123LL)};
  EXPECT_EQ(ios_clock(t, false), "*21:04:11.123 UTC Sun Dec 6 2026");
  EXPECT_EQ(ios_clock(t, true), "21:04:11.123 UTC Sun Dec 6 2026");
  std::chrono::system_clock::time_point t2{std::chrono::milliseconds(1767225600007LL)};  // 2026-01-01 00:00:00.007
  EXPECT_EQ(ios_clock(t2, true), "00:00:00.007 UTC Thu Jan 1 2026");
}

TEST(SystemFormat, VersionHasIosLines) {
  VersionFacts f;
  f.version = "0.1.0 (git abc1234)";
  f.hostname = "site-a";
  f.uptime = hours(1) + minutes(3);
  f.kernel_release = "6.18.0";
  f.machine = "x86_64";
  f.memory_kb = 1024;
  f.cpus = 2;
  f.interfaces = 3;
  std::string v = format_show_version(f);
  EXPECT_EQ(v.rfind("keygate Software (keygated), Version 0.1.0 (git abc1234), RELEASE SOFTWARE\n", 0), 0u) << v;
  EXPECT_NE(v.find("\nsite-a uptime is 1 hour, 3 minutes\n"), std::string::npos) << v;
  EXPECT_NE(v.find("Linux kernel 6.18.0"), std::string::npos);
  EXPECT_NE(v.find("with 1024K bytes of memory."), std::string::npos);
  EXPECT_NE(v.find("\n2 CPUs\n3 configured interfaces\n"), std::string::npos) << v;
  EXPECT_TRUE(v.ends_with("Configuration register is 0x2102\n"));
}

TEST(SystemFormat, ShowLogging) {
  log::BufferState s;
  s.console_level = 6;
  s.console_logged = 12;
  std::string off = format_show_logging(s);
  EXPECT_EQ(off.rfind("Syslog logging: enabled", 0), 0u);
  EXPECT_NE(off.find("Console logging: level informational, 12 messages logged"), std::string::npos) << off;
  EXPECT_NE(off.find("Buffer logging:  disabled"), std::string::npos) << off;
  EXPECT_EQ(off.find("Log Buffer"), std::string::npos);
  s.bytes = 8192;
  s.level = 7;
  s.buffer_logged = 2;
  s.lines = {"*Dec  6 21:04:11.123: first", "*Dec  6 21:04:12.000: second"};
  std::string on = format_show_logging(s);
  EXPECT_NE(on.find("Buffer logging:  level debugging, 2 messages logged"), std::string::npos) << on;
  EXPECT_TRUE(on.ends_with("\nLog Buffer (8192 bytes):\n\n*Dec  6 21:04:11.123: first\n*Dec  6 21:04:12.000: second\n"))
      << on;
}

io::KernelRoute route(const char* dst, uint32_t table, uint8_t type, uint8_t proto, int oif,
                      const char* gw = nullptr) {
  io::KernelRoute r{*Prefix::parse(dst), table, type, proto, 0, {}};
  io::KernelNexthop nh;
  nh.index = oif;
  if (gw) nh.gateway = IpAddress::parse(gw);
  r.nexthops.push_back(nh);
  return r;
}

std::string names(int i, const Prefix&) {
  switch (i) {
    case 1: return "Loopback0";
    case 2: return "eth0";
    case 3: return "Tunnel0";
  }
  return "?";
}

// site-a's kernel table (examples/site-a.cfg) and a default route.
std::vector<io::KernelRoute> site_a() {
  return {
      route("198.51.100.0/24", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_KERNEL, 2),
      route("192.0.2.0/25", RT_TABLE_LOCAL, RTN_LOCAL, RTPROT_KERNEL, 1),  // lo: the whole subnet is local
      route("192.0.2.128/25", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_STATIC, 3),
      route("203.0.113.0/30", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_KERNEL, 3),
      route("0.0.0.0/0", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_BOOT, 2, "198.51.100.254"),
      route("198.51.100.1/32", RT_TABLE_LOCAL, RTN_LOCAL, RTPROT_KERNEL, 2),
      route("198.51.100.255/32", RT_TABLE_LOCAL, RTN_BROADCAST, RTPROT_KERNEL, 2),
      route("192.0.2.1/32", RT_TABLE_LOCAL, RTN_LOCAL, RTPROT_KERNEL, 1),
      route("127.0.0.0/8", RT_TABLE_LOCAL, RTN_LOCAL, RTPROT_KERNEL, 1),
      route("203.0.113.1/32", RT_TABLE_LOCAL, RTN_LOCAL, RTPROT_KERNEL, 3),
      route("198.18.0.0/15", 100, RTN_UNICAST, RTPROT_STATIC, 2),  // another table: not IOS's default VRF
  };
}

TEST(SystemFormat, Ipv4RoutesAsIos) {
  std::string t = format_ip_route(classify_routes(site_a(), names));
  const char* want =
      "Gateway of last resort is 198.51.100.254 to network 0.0.0.0\n"
      "\n"
      "S*    0.0.0.0/0 [1/0] via 198.51.100.254\n"
      "      192.0.2.0/24 is variably subnetted, 3 subnets, 2 masks\n"
      "C        192.0.2.0/25 is directly connected, Loopback0\n"
      "L        192.0.2.1/32 is directly connected, Loopback0\n"
      "S        192.0.2.128/25 is directly connected, Tunnel0\n"
      "      198.51.100.0/24 is variably subnetted, 2 subnets, 2 masks\n"
      "C        198.51.100.0/24 is directly connected, eth0\n"
      "L        198.51.100.1/32 is directly connected, eth0\n"
      "      203.0.113.0/24 is variably subnetted, 2 subnets, 2 masks\n"
      "C        203.0.113.0/30 is directly connected, Tunnel0\n"
      "L        203.0.113.1/32 is directly connected, Tunnel0\n";
  EXPECT_EQ(t.rfind("Codes: L - local, C - connected, S - static", 0), 0u) << t;
  EXPECT_TRUE(t.ends_with(want)) << t;
}

TEST(SystemFormat, Ipv4SubnettedAndLoneNetworks) {
  std::vector<io::KernelRoute> r = {
      route("198.18.0.0/16", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_STATIC, 2, "198.51.100.2"),  // class C supernet
      route("203.0.113.0/24", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_STATIC, 3),                // lone classful net
      route("192.0.2.0/26", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_STATIC, 3),
      route("192.0.2.64/26", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_STATIC, 2, "198.51.100.2"),
  };
  r[3].nexthops.push_back({IpAddress::parse("198.51.100.3"), 2});  // two next hops
  std::string t = format_ip_route(classify_routes(r, names));
  EXPECT_TRUE(t.ends_with("Gateway of last resort is not set\n"
                          "\n"
                          "      192.0.2.0/26 is subnetted, 2 subnets\n"
                          "S        192.0.2.0/26 is directly connected, Tunnel0\n"
                          "S        192.0.2.64/26 [1/0] via 198.51.100.2\n"
                          "                       [1/0] via 198.51.100.3\n"
                          "S     198.18.0.0/16 [1/0] via 198.51.100.2\n"
                          "S     203.0.113.0/24 is directly connected, Tunnel0\n"))
      << t;
}

TEST(SystemFormat, Ipv6RoutesAsIos) {
  std::vector<io::KernelRoute> r = {
      route("2001:db8:1::/64", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_KERNEL, 2),
      route("fe80::/64", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_KERNEL, 2),
      route("2001:db8:2::/64", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_STATIC, 3),
      route("2001:db8:9::/48", RT_TABLE_MAIN, RTN_UNICAST, RTPROT_BOOT, 2, "2001:db8:1::2"),
      route("2001:db8:1::1/128", RT_TABLE_LOCAL, RTN_LOCAL, RTPROT_KERNEL, 2),
      route("ff00::/8", RT_TABLE_LOCAL, RTN_MULTICAST, RTPROT_KERNEL, 2),
      route("::1/128", RT_TABLE_LOCAL, RTN_LOCAL, RTPROT_KERNEL, 1),
  };
  std::string t = format_ipv6_route(classify_routes(r, names));
  EXPECT_EQ(t.rfind("IPv6 Routing Table - default - 4 entries\nCodes: C - Connected, L - Local, S - Static", 0), 0u)
      << t;
  EXPECT_TRUE(t.ends_with("C   2001:DB8:1::/64 [0/0]\n"
                          "     via eth0, directly connected\n"
                          "L   2001:DB8:1::1/128 [0/0]\n"
                          "     via eth0, receive\n"
                          "S   2001:DB8:2::/64 [1/0]\n"
                          "     via Tunnel0, directly connected\n"
                          "S   2001:DB8:9::/48 [1/0]\n"
                          "     via 2001:DB8:1::2, eth0\n"))
      << t;
}

TEST(SystemFormat, IpInterfaceBriefColumns) {
  std::string t = format_ip_interface_brief({{"eth0", "198.51.100.1", "NVRAM", "up", "up"},
                                             {"Tunnel0", "203.0.113.1", "NVRAM", "up", "down"},
                                             {"eth9", "unassigned", "unset", "administratively down", "down"}});
  EXPECT_EQ(t,
            "Interface                  IP-Address      OK? Method Status                Protocol\n"
            "eth0                       198.51.100.1    YES NVRAM  up                    up\n"
            "Tunnel0                    203.0.113.1     YES NVRAM  up                    down\n"
            "eth9                       unassigned      YES unset  administratively down down\n");
}

TEST(SystemFormat, PingAsIos) {
  io::PingRequest r;
  r.dst = *IpAddress::parse("198.51.100.2");
  EXPECT_EQ(ping_header(r, ""),
            "Type escape sequence to abort.\n"
            "Sending 5, 100-byte ICMP Echos to 198.51.100.2, timeout is 2 seconds:\n");
  r.dst = *IpAddress::parse("2001:db8::2");
  r.repeat = 2, r.size = 1400, r.timeout = std::chrono::seconds(1);
  EXPECT_EQ(ping_header(r, "2001:db8::1"),
            "Type escape sequence to abort.\n"
            "Sending 2, 1400-byte ICMP Echos to 2001:DB8::2, timeout is 1 seconds:\n"
            "Packet sent with a source address of 2001:DB8::1\n");
  std::vector<io::PingEcho> ok(5, io::PingEcho{'!', 400});
  ok[4].rtt_us = 1500;
  EXPECT_EQ(ping_result(ok), "!!!!!\nSuccess rate is 100 percent (5/5), round-trip min/avg/max = 1/1/2 ms\n");
  EXPECT_EQ(ping_result(std::vector<io::PingEcho>(5)), ".....\nSuccess rate is 0 percent (0/5)\n");
  std::vector<io::PingEcho> mixed = {{'.', 0}, {'!', 3000}, {'U', 0}};
  EXPECT_EQ(ping_result(mixed), ".!U\nSuccess rate is 33 percent (1/3), round-trip min/avg/max = 3/3/3 ms\n");
  std::string many = ping_result(std::vector<io::PingEcho>(100, io::PingEcho{'!', 10}));
  EXPECT_EQ(many.substr(0, 71), std::string(70, '!') + "\n");  // 70 marks a line
  EXPECT_EQ(many.substr(71, 31), std::string(30, '!') + "\n");
}

}  // namespace
}  // namespace kg::daemon
