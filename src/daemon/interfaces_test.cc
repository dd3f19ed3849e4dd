// The daemon's interfaces part with a fake kernel: addresses follow the
// configuration and the interface map, ports without a Linux device are
// left alone, tunnel interfaces get their device and MTU and tell the
// tunnels part, a change of tunnel mode replaces the device after the
// sessions go, and IPv4 and IPv6 routes follow.
#include "daemon/interfaces.h"

#include <gtest/gtest.h>

#include <set>

#include "common/log.h"

namespace kg::daemon {
namespace {

// Records each call, in order, as one line.
struct FakeKernel final : Interfaces::Host {
  std::set<std::string> devices{"eth0", "eth1"};
  std::vector<std::string> calls;

  bool device_exists(const std::string& dev) const override { return devices.contains(dev); }
  Result<void> set_link_up(const std::string& dev, bool up) override {
    return record(std::string(up ? "up " : "down ") + dev);
  }
  Result<void> set_mtu(const std::string& dev, uint32_t mtu) override {
    return record("mtu " + dev + " " + std::to_string(mtu));
  }
  Result<void> add_address(const std::string& dev, const Prefix& p) override {
    return record("addr+ " + dev + " " + p.str());
  }
  Result<void> del_address(const std::string& dev, const Prefix& p) override {
    return record("addr- " + dev + " " + p.str());
  }
  Result<void> add_route(const Prefix& dst, const std::string& dev, std::optional<IpAddress> via) override {
    return record("route+ " + dst.str() + " " + dev + (via ? " via " + via->str() : ""));
  }
  Result<void> del_route(const Prefix& dst, const std::string& dev) override {
    return record("route- " + dst.str() + " " + dev);
  }
  Result<void> add_ipsec_tunnel(const std::string& name) override { return record("ipsec+ " + name); }
  Result<void> add_gre_tunnel(const std::string& name, const config::Interface&) override {
    return record("gre+ " + name);
  }
  void remove_tunnel(const std::string& name) override { (void)record("tunnel- " + name); }
  void delete_sessions(const std::string& tunnel) override { (void)record("delete " + tunnel); }
  void tunnel_configured(const std::string& tunnel, const config::Interface* old,
                         const config::Interface&) override {
    (void)record(std::string(old ? "changed " : "new ") + tunnel);
  }
  void tunnel_removed(const std::string& tunnel) override { (void)record("removed " + tunnel); }

  Result<void> record(std::string s) {
    calls.push_back(std::move(s));
    return {};
  }
  // The calls since the last take.
  std::vector<std::string> take() { return std::exchange(calls, {}); }
};

using Calls = std::vector<std::string>;

struct InterfacesPart : ::testing::Test {
  FakeKernel kernel;
  Interfaces part{kernel};
  config::Model before, after;
  std::string logs;

  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
  }
  void TearDown() override { log::set_sink(nullptr); }
  // Applies `after` and makes it the configuration the next change starts from.
  Calls apply() {
    part.apply(before, after);
    before = after;
    return kernel.take();
  }
};

TEST_F(InterfacesPart, AnAddressFollowsItsInterface) {
  after.interfaces["eth0"].ip_address = {Prefix::from_mask(*IpAddress::parse("192.0.2.1"), *IpAddress::parse("255.255.255.0")), false};
  EXPECT_EQ(apply(), (Calls{"addr+ eth0 192.0.2.1/24", "up eth0"}));
  after.interfaces["eth0"].ip_address = {Prefix::from_mask(*IpAddress::parse("192.0.2.7"), *IpAddress::parse("255.255.255.0")), false};
  EXPECT_EQ(apply(), (Calls{"addr- eth0 192.0.2.1/24", "addr+ eth0 192.0.2.7/24", "up eth0"}));
  after.interfaces.erase("eth0");
  EXPECT_EQ(apply(), (Calls{"addr- eth0 192.0.2.7/24"}));
}

TEST_F(InterfacesPart, TheInterfaceMapMovesTheAddressToAnotherDevice) {
  after.interface_map["GigabitEthernet0/0"] = "eth0";
  after.interfaces["GigabitEthernet0/0"].ip_address = {Prefix::from_mask(*IpAddress::parse("192.0.2.1"), *IpAddress::parse("255.255.255.0")), false};
  EXPECT_EQ(apply(), (Calls{"addr+ eth0 192.0.2.1/24", "up eth0"}));
  after.interface_map["GigabitEthernet0/0"] = "eth1";
  EXPECT_EQ(apply(), (Calls{"addr- eth0 192.0.2.1/24", "addr+ eth1 192.0.2.1/24", "up eth1"}));
}

TEST_F(InterfacesPart, APortWithoutALinuxDeviceIsLeftAloneWithOneWarning) {
  after.interfaces["GigabitEthernet0/1"].ip_address = {Prefix::from_mask(*IpAddress::parse("192.0.2.1"), *IpAddress::parse("255.255.255.0")), false};
  EXPECT_TRUE(apply().empty());
  EXPECT_NE(logs.find("interface GigabitEthernet0/1: no Linux device"), std::string::npos) << logs;
  logs.clear();
  after.interfaces["GigabitEthernet0/1"].description = "still none";
  EXPECT_TRUE(apply().empty());
  EXPECT_TRUE(logs.empty()) << logs;
}

TEST_F(InterfacesPart, ATunnelGetsItsDeviceMtuAndLink) {
  auto& t = after.interfaces["Tunnel0"];
  t.tunnel_mode = config::TunnelMode::kIpsecIpv4;
  t.ip_address = {Prefix::from_mask(*IpAddress::parse("10.0.0.1"), *IpAddress::parse("255.255.255.252")), false};
  EXPECT_EQ(apply(), (Calls{"ipsec+ Tunnel0", "mtu Tunnel0 1400", "addr+ Tunnel0 10.0.0.1/30", "up Tunnel0",
                            "new Tunnel0"}));
  EXPECT_NE(logs.find("Interface Tunnel0, changed state to up"), std::string::npos) << logs;
  // GRE (IOS's default mode): its delivery header comes out of the MTU.
  after.interfaces["Tunnel1"];
  auto calls = apply();
  EXPECT_EQ(calls.at(0), "ipsec+ Tunnel0");  // already there: changes nothing
  EXPECT_NE(std::find(calls.begin(), calls.end(), "gre+ Tunnel1"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "mtu Tunnel1 1376"), calls.end());
  after.interfaces["Tunnel2"].tunnel_mode = config::TunnelMode::kGreIpv6;
  after.interfaces["Tunnel3"].mtu = 1300;
  calls = apply();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "mtu Tunnel2 1356"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "mtu Tunnel3 1300"), calls.end());
}

TEST_F(InterfacesPart, ShutdownTakesTheLinkDownAndTellsTheTunnels) {
  after.interfaces["Tunnel0"].tunnel_mode = config::TunnelMode::kIpsecIpv4;
  apply();
  logs.clear();
  after.interfaces["Tunnel0"].shutdown = true;
  EXPECT_EQ(apply(), (Calls{"ipsec+ Tunnel0", "mtu Tunnel0 1400", "down Tunnel0", "changed Tunnel0"}));
  EXPECT_NE(logs.find("Interface Tunnel0, changed state to administratively down"), std::string::npos) << logs;
}

TEST_F(InterfacesPart, ANewTunnelModeReplacesTheDeviceAfterTheSessionsGo) {
  after.interfaces["Tunnel0"].tunnel_mode = config::TunnelMode::kIpsecIpv4;
  apply();
  after.interfaces["Tunnel0"].tunnel_mode = config::TunnelMode::kGreIp;  // GRE
  EXPECT_EQ(apply(), (Calls{"delete Tunnel0", "tunnel- Tunnel0", "gre+ Tunnel0", "mtu Tunnel0 1376", "up Tunnel0",
                            "changed Tunnel0"}));
}

TEST_F(InterfacesPart, ARemovedTunnelIsForgottenThenItsDeviceGoes) {
  after.interfaces["Tunnel0"].tunnel_mode = config::TunnelMode::kIpsecIpv4;
  apply();
  after.interfaces.erase("Tunnel0");
  EXPECT_EQ(apply(), (Calls{"removed Tunnel0", "tunnel- Tunnel0"}));
}

TEST_F(InterfacesPart, RoutesFollowTheConfiguration) {
  after.interfaces["eth0"].ip_address = {Prefix::from_mask(*IpAddress::parse("192.0.2.1"), *IpAddress::parse("255.255.255.0")), false};
  after.routes = {{*Prefix::parse("203.0.113.0/24"), {"", IpAddress::parse("192.0.2.254")}},
                  {*Prefix::parse("198.51.100.0/24"), {"eth1", std::nullopt}}};
  auto calls = apply();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "route+ 203.0.113.0/24 eth0 via 192.0.2.254"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "route+ 198.51.100.0/24 eth1"), calls.end());
  after.routes.pop_back();
  calls = apply();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "route- 198.51.100.0/24 eth1"), calls.end());
  // Out of a port without a Linux device: nothing.
  after.routes.push_back({*Prefix::parse("198.51.100.0/24"), {"GigabitEthernet0/3", std::nullopt}});
  calls = apply();
  for (auto& c : calls) EXPECT_EQ(c.find("198.51.100.0"), std::string::npos) << c;
}

TEST_F(InterfacesPart, Ipv6AddressesAndRoutesFollowTheConfiguration) {
  after.interfaces["eth0"].ipv6_addresses = {*Prefix::parse("2001:db8::1/64")};
  after.ipv6_routes = {{*Prefix::parse("2001:db8:5::/48"), {"", IpAddress::parse("2001:db8::fe")}}};
  auto calls = apply();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "addr+ eth0 2001:db8::1/64"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "route+ 2001:db8:5::/48 eth0 via 2001:db8::fe"), calls.end());
  after.interfaces["eth0"].ipv6_addresses = {*Prefix::parse("2001:db8::2/64")};
  calls = apply();
  EXPECT_NE(std::find(calls.begin(), calls.end(), "addr- eth0 2001:db8::1/64"), calls.end());
  EXPECT_NE(std::find(calls.begin(), calls.end(), "addr+ eth0 2001:db8::2/64"), calls.end());
  EXPECT_EQ(std::find(calls.begin(), calls.end(), "addr+ eth0 2001:db8::1/64"), calls.end());
}

}  // namespace
}  // namespace kg::daemon
