// IOS port names, their abbreviations and `platform interface-map`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/interface_names.h"
#include "config/session.h"

namespace kg::config {
namespace {

TEST(InterfaceNames, IosPortsAndAbbreviations) {
  for (auto [typed, canonical] : std::initializer_list<std::pair<const char*, const char*>>{
           {"gi0/0", "GigabitEthernet0/0"}, {"Gi0/0", "GigabitEthernet0/0"}, {"g0/1", "GigabitEthernet0/1"},
           {"GigabitEthernet0/0/1", "GigabitEthernet0/0/1"}, {"fa4", "FastEthernet4"}, {"f0/0", "FastEthernet0/0"},
           {"FastEthernet0/0", "FastEthernet0/0"}, {"e0/0", "Ethernet0/0"}, {"E0/0", "Ethernet0/0"},
           {"eth0/0", "Ethernet0/0"}, {"Ethernet1/0", "Ethernet1/0"}, {"et0/1", "Ethernet0/1"},
           {"te0/1/0", "TenGigabitEthernet0/1/0"}, {"Te1/0/1", "TenGigabitEthernet1/0/1"},
           {"fo1/0/1", "FortyGigabitEthernet1/0/1"}, {"hu0/0/0", "HundredGigE0/0/0"}, {"se0/0/0", "Serial0/0/0"},
           {"po1", "Port-channel1"}, {"Gi0/0.100", "GigabitEthernet0/0.100"}}) {
    EXPECT_EQ(canonical_interface_name(typed), canonical) << typed;
    EXPECT_TRUE(is_ios_physical(canonical)) << canonical;
  }
  // Linux's own names stay as they are.
  for (const char* linux_name : {"eth0", "eth1", "eth0.100", "ens3", "enp0s3", "veth1", "lo", "br0", "wlan0"}) {
    EXPECT_EQ(canonical_interface_name(linux_name), linux_name);
    EXPECT_FALSE(is_ios_physical(canonical_interface_name(linux_name))) << linux_name;
  }
  // The existing kinds keep their abbreviations; "t" is still Tunnel.
  EXPECT_EQ(canonical_interface_name("t0"), "Tunnel0");
  EXPECT_EQ(canonical_interface_name("tu1"), "Tunnel1");
  EXPECT_EQ(canonical_interface_name("lo0"), "Loopback0");
  EXPECT_FALSE(is_ios_physical("Tunnel0"));
  EXPECT_FALSE(is_ios_physical("GigabitEthernet"));
}

TEST(InterfaceNames, LinuxDevice) {
  InterfaceMap map{{"GigabitEthernet0/0", "eth0"}};
  EXPECT_EQ(linux_device(map, "GigabitEthernet0/0"), "eth0");
  EXPECT_EQ(linux_device(map, "GigabitEthernet0/1"), "GigabitEthernet0/1");  // unmapped: no such device
  EXPECT_EQ(linux_device(map, "eth1"), "eth1");
  EXPECT_EQ(linux_device(map, "Loopback3"), "lo");
  EXPECT_EQ(linux_device(map, "Virtual-Template2"), "Vt2");
  EXPECT_EQ(linux_device(map, "Tunnel0"), "Tunnel0");
}

ExecResult run(CliSession& s, std::initializer_list<const char*> lines) {
  ExecResult r;
  for (const char* l : lines) r = s.execute(l);
  return r;
}

TEST(InterfaceMap, CommandRunningConfigAndAbbreviations) {
  Config c;
  CliSession s(c);
  auto r = run(s, {"configure terminal", "platform interface-map gi0/0 eth0"});
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(c.model().interface_map.at("GigabitEthernet0/0"), "eth0");
  r = run(s, {"interface Gi0/0", "ip address 192.0.2.1 255.255.255.0", "exit", "interface Tunnel0",
              "tunnel source GigabitEthernet0/0"});
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_TRUE(r.text.empty()) << r.text;  // mapped: no warning
  EXPECT_EQ(c.model().interfaces.at("GigabitEthernet0/0").ip_address.word(), "192.0.2.1 255.255.255.0");
  EXPECT_EQ(c.model().interfaces.at("Tunnel0").tunnel_source.word, "GigabitEthernet0/0");
  std::string rc = c.running_config_text();
  auto map_at = rc.find("platform interface-map GigabitEthernet0/0 eth0\n");
  ASSERT_NE(map_at, std::string::npos) << rc;
  EXPECT_LT(map_at, rc.find("interface GigabitEthernet0/0\n")) << rc;
  EXPECT_LT(map_at, rc.find("crypto ")) << rc;
  // One device for one port; a Tunnel is not a port.
  EXPECT_FALSE(s.execute("platform interface-map Gi0/1 eth0").ok);
  EXPECT_FALSE(s.execute("platform interface-map Tunnel0 eth1").ok);
  EXPECT_FALSE(s.execute("platform interface-map Gi0/1 a-name-far-too-long").ok);
  ASSERT_TRUE(s.execute("no platform interface-map Gi0/0 eth0").ok);
  EXPECT_TRUE(c.model().interface_map.empty());
}

TEST(InterfaceMap, UnmappedPortsWarnWithTheirLine) {
  auto p = std::filesystem::temp_directory_path() / ("kgmap-" + std::to_string(::getpid()));
  std::ofstream(p) << "platform interface-map Ethernet0/0 eth0\ninterface Ethernet0/0\n ip address 192.0.2.1 255.255.255.0\n"
                      "interface GigabitEthernet0/1\n ip address 198.51.100.1 255.255.255.0\n"
                      "interface Tunnel0\n tunnel source FastEthernet0/0\ninterface eth7\n";
  Config c;
  // The daemon asks the kernel; here only eth0 exists.
  c.device_exists = [](const std::string& dev) { return dev == "eth0"; };
  auto rep = c.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->find("line 2"), std::string::npos) << *rep;
  EXPECT_NE(rep->find("% line 4: Warning: GigabitEthernet0/1 is not mapped to a Linux device"), std::string::npos) << *rep;
  EXPECT_NE(rep->find("% line 7: Warning: FastEthernet0/0 is not mapped"), std::string::npos) << *rep;
  EXPECT_NE(rep->find("% line 8: Warning: eth7: no Linux device eth7"), std::string::npos) << *rep;
  // Warned, not rejected: the configuration is kept as written.
  EXPECT_EQ(c.model().interfaces.at("GigabitEthernet0/1").ip_address.word(), "198.51.100.1 255.255.255.0");
}

}  // namespace
}  // namespace kg::config
