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
  EXPECT_EQ(prefix_words(t.ipv6_addresses), std::vector<std::string>{"2001:db8:ffff::1/64"});
  EXPECT_EQ(t.tunnel_mode, TunnelMode::kIpsecIpv6);
  EXPECT_EQ(t.tunnel_destination.word(), "2001:db8:100::2");
  ASSERT_EQ(cfg.model().ipv6_routes.size(), 1u);
  EXPECT_EQ(cfg.model().ipv6_routes[0].prefix, Prefix::parse("2001:db8:b::/64"));
  EXPECT_EQ(cfg.model().ipv6_routes[0].target.interface, "Tunnel0");
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
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel1").tunnel_mode, TunnelMode::kGreIp);
  run("tunnel mode gre ipv6");
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel1").tunnel_mode, TunnelMode::kGreIpv6);
  refused("tunnel mode gre mpls");
  EXPECT_NE(cfg.running_config_text().find(" tunnel mode gre ipv6\n"), std::string::npos);
  EXPECT_EQ(reload_text(), cfg.running_config_text());
  run("no tunnel mode gre ipv6");
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel1").tunnel_mode, TunnelMode::kGreIp);
}

// The tunnel's destination is an address (or "dynamic") from the moment the
// line is accepted; a bad address is refused at IOS's marker, changing nothing.
TEST_F(Ipv6Cmd, TunnelDestinationTyped) {
  run("interface Tunnel2");
  run("tunnel destination 198.51.100.7");
  auto itf = [&]() -> const Interface& { return cfg.model().interfaces.at("Tunnel2"); };
  EXPECT_EQ(itf().tunnel_destination.address, IpAddress::parse("198.51.100.7"));
  for (const char* bad : {"tunnel destination 198.51.100.256", "tunnel destination 198.51.100",
                          "tunnel destination 2001:db8::1::2", "tunnel destination 2001:dbg::1"}) {
    auto before = cfg.running_config_text();
    auto r = s.execute(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_NE(r.text.find("% Invalid input detected at '^' marker."), std::string::npos) << bad << ": " << r.text;
    EXPECT_EQ(cfg.running_config_text(), before) << bad;
  }
  run("tunnel destination 2001:DB8:100::2");  // printed as IOS does, lower case
  EXPECT_NE(cfg.running_config_text().find(" tunnel destination 2001:db8:100::2\n"), std::string::npos);
  run("tunnel destination dynamic");
  EXPECT_TRUE(itf().tunnel_destination.dynamic);
  EXPECT_FALSE(itf().tunnel_destination.address);
  EXPECT_NE(cfg.running_config_text().find(" tunnel destination dynamic\n"), std::string::npos);
  EXPECT_EQ(reload_text(), cfg.running_config_text());
  run("no tunnel destination dynamic");
  EXPECT_TRUE(itf().tunnel_destination.empty());
}

// Static routes are typed when accepted and printed back as typed (the IPv4
// address as typed, the IPv6 prefix as its network).
TEST_F(Ipv6Cmd, RoutesTyped) {
  run("ip route 203.0.113.7 255.255.255.0 Tu0");
  run("ip route 198.51.100.0 255.255.255.0 192.0.2.254");
  ASSERT_EQ(cfg.model().routes.size(), 2u);
  EXPECT_EQ(cfg.model().routes[0].dest, (Prefix{*IpAddress::parse("203.0.113.7"), 24}));
  EXPECT_EQ(cfg.model().routes[0].target.interface, "Tunnel0");
  EXPECT_EQ(cfg.model().routes[1].target.next_hop, IpAddress::parse("192.0.2.254"));
  EXPECT_NE(cfg.running_config_text().find("ip route 203.0.113.7 255.255.255.0 Tunnel0\n"
                                           "ip route 198.51.100.0 255.255.255.0 192.0.2.254\n"),
            std::string::npos);
  for (const char* bad : {"ip route 203.0.113.300 255.255.255.0 Tunnel0", "ip route 203.0.113.0 255.255.255 Tunnel0",
                          "ipv6 route 2001:db8:g::/64 Tunnel0", "ipv6 route 2001:db8::/129 Tunnel0"}) {
    auto before = cfg.running_config_text();
    auto r = s.execute(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_NE(r.text.find("% Invalid input detected at '^' marker."), std::string::npos) << bad << ": " << r.text;
    EXPECT_EQ(cfg.running_config_text(), before) << bad;
  }
  refused("ip route 203.0.113.0 255.0.255.0 Tunnel0");  // not a mask
  refused("ipv6 route 2001:db8::/64 192.0.2.1");        // an IPv4 next hop
  EXPECT_EQ(reload_text(), cfg.running_config_text());
  run("no ip route 203.0.113.7 255.255.255.0 Tunnel0");
  EXPECT_EQ(cfg.model().routes.size(), 1u);
}

// An interface's addresses and tunnel source are typed when accepted and
// printed back as typed; a bad address or mask changes nothing.
TEST_F(Ipv6Cmd, InterfaceAddressesTyped) {
  run("interface Loopback3");
  run("ip address 192.0.2.9 255.255.255.0");
  run("ipv6 address 2001:DB8:9::9/64");
  auto itf = [&]() -> const Interface& { return cfg.model().interfaces.at("Loopback3"); };
  EXPECT_EQ(itf().ip_address.address, (Prefix{*IpAddress::parse("192.0.2.9"), 24}));
  EXPECT_EQ(itf().ipv6_addresses, std::vector<Prefix>{*Prefix::parse("2001:db8:9::9/64")});
  for (const char* bad : {"ip address 192.0.2.300 255.255.255.0", "ip address 192.0.2.9 255.255.255",
                          "ipv6 address 2001:db8:9::9/130", "ipv6 address 2001:db8::9::9/64"}) {
    auto before = cfg.running_config_text();
    auto r = s.execute(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_NE(r.text.find("% Invalid input detected at '^' marker."), std::string::npos) << bad << ": " << r.text;
    EXPECT_EQ(cfg.running_config_text(), before) << bad;
  }
  refused("ip address 192.0.2.9 255.0.255.0");  // not a mask
  run("exit");
  run("interface Tunnel3");
  run("tunnel source Lo3");
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel3").tunnel_source.word, "Loopback3");
  EXPECT_FALSE(cfg.model().interfaces.at("Tunnel3").tunnel_source.address);
  run("tunnel source 2001:DB8:9::9");  // kept as typed, as before
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel3").tunnel_source.address, IpAddress::parse("2001:db8:9::9"));
  auto text = cfg.running_config_text();
  EXPECT_NE(text.find(" ip address 192.0.2.9 255.255.255.0\n ipv6 address 2001:db8:9::9/64\n"), std::string::npos) << text;
  EXPECT_NE(text.find(" tunnel source 2001:DB8:9::9\n"), std::string::npos) << text;
  EXPECT_EQ(reload_text(), text);
}

}  // namespace
}  // namespace kg::config
