// IPv6 commands (commands_ipv6.cc): IOS syntax, bad lines refused with the
// model unchanged, running-config reloads to the same text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct Ipv6Cmd : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  void refused(std::string_view l) {
    auto before = cfg.running_config_text();
    auto r = s.execute(l);
    EXPECT_FALSE(r.ok) << l;
    EXPECT_EQ(cfg.running_config_text(), before) << l;
  }
  std::string reload_text() {
    auto p = std::filesystem::temp_directory_path() / ("kgv6-" + std::to_string(::getpid()));
    std::ofstream(p) << cfg.running_config_text();
    Config b;
    auto rep = b.load_file(p.string());
    std::filesystem::remove(p);
    EXPECT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
    return b.running_config_text();
  }
};

TEST_F(Ipv6Cmd, TunnelInterfaceRoutesAndReload) {
  run("ipv6 unicast-routing");
  run("interface Tunnel0");
  run("ipv6 address 2001:DB8:FFFF::1/64");
  run("ipv6 address 2001:db8:fffe::1/64");
  run("no ipv6 address 2001:db8:fffe::1/64");
  run("tunnel mode ipsec ipv6");
  run("tunnel destination 2001:db8:100::2");
  refused("ipv6 address 2001:db8::1");       // no prefix length
  refused("ipv6 address 192.0.2.1/24");      // not IPv6
  refused("tunnel destination 2001:db8::zz");
  run("exit");
  run("ipv6 route 2001:db8:b::5/64 Tu0");
  refused("ipv6 route 2001:db8:c::/64 192.0.2.1");  // IPv4 next hop
  refused("ipv6 route 2001:db8:c::/129 Tunnel0");
  const auto& t = cfg.model().interfaces.at("Tunnel0");
  EXPECT_EQ(t.ipv6_addresses, std::vector<std::string>{"2001:db8:ffff::1/64"});
  EXPECT_EQ(t.tunnel_mode, "ipsec ipv6");
  EXPECT_EQ(t.tunnel_destination, "2001:db8:100::2");
  ASSERT_EQ(cfg.model().ipv6_routes.size(), 1u);
  EXPECT_EQ(cfg.model().ipv6_routes[0].prefix, "2001:db8:b::/64");
  EXPECT_EQ(cfg.model().ipv6_routes[0].target, "Tunnel0");
  auto rc = cfg.running_config_text();
  for (auto want : {"ipv6 unicast-routing\n", " ipv6 address 2001:db8:ffff::1/64\n", " tunnel mode ipsec ipv6\n",
                    " tunnel destination 2001:db8:100::2\n", "ipv6 route 2001:db8:b::/64 Tunnel0\n"})
    EXPECT_NE(rc.find(want), std::string::npos) << want << rc;
  EXPECT_EQ(reload_text(), rc);
  run("no ipv6 route 2001:db8:b::/64 Tunnel0");
  EXPECT_TRUE(cfg.model().ipv6_routes.empty());
}

TEST_F(Ipv6Cmd, KeyringPeerAndRemoteIdentity) {
  run("crypto ikev2 keyring KR");
  run("peer B");
  run("address 2001:db8:100::2/128");
  run("exit");
  run("exit");
  run("crypto ikev2 profile P");
  run("match identity remote address 2001:db8:100::/64");
  EXPECT_EQ(cfg.model().keyrings.at("KR").peers.at("B").address->str(), "2001:db8:100::2/128");
  ASSERT_EQ(cfg.model().profiles.at("P").match_identity_remote.size(), 1u);
  EXPECT_EQ(cfg.model().profiles.at("P").match_identity_remote[0].words(), "address 2001:db8:100::/64");
  EXPECT_EQ(reload_text(), cfg.running_config_text());
}

TEST_F(Ipv6Cmd, TunnelModeGre) {  // commands_gre.cc
  run("interface Tunnel1");
  run("tunnel mode gre ip");  // IOS's default: kept as no mode (ios_defaults_test.cc)
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel1").tunnel_mode, "");
  run("tunnel mode gre ipv6");
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel1").tunnel_mode, "gre ipv6");
  refused("tunnel mode gre mpls");
  EXPECT_NE(cfg.running_config_text().find(" tunnel mode gre ipv6\n"), std::string::npos);
  EXPECT_EQ(reload_text(), cfg.running_config_text());
  run("no tunnel mode gre ipv6");
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel1").tunnel_mode, "");
}

}  // namespace
}  // namespace kg::config
