// Extended ACLs and crypto maps (commands_acl.cc, commands_cryptomap.cc):
// IOS syntax into the typed model, bad lines refused with the model
// unchanged, show output, running-config reloads to the same text.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct CryptoMapCmd : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  std::string out(std::string_view l) { return s.execute(l).text; }
  void refused(std::string_view l) {
    auto before = cfg.running_config_text();
    auto r = s.execute(l);
    EXPECT_FALSE(r.ok) << l;
    EXPECT_EQ(cfg.running_config_text(), before) << l;
  }
  std::string reload_text() {
    auto p = std::filesystem::temp_directory_path() / ("kgcmap-" + std::to_string(::getpid()));
    std::ofstream(p) << cfg.running_config_text();
    Config b;
    auto rep = b.load_file(p.string());
    std::filesystem::remove(p);
    EXPECT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
    return b.running_config_text();
  }
};

TEST_F(CryptoMapCmd, ExtendedAccessLists) {
  run("access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127");
  run("access-list 101 permit tcp host 192.0.2.1 any eq 443");
  run("access-list 101 deny udp any range 1000 2000 198.51.100.0 0.0.0.255 log");
  run("access-list 102 permit ip 192.0.2.0 0.0.1.255 any");  // a /23
  refused("access-list 103 permit ip 192.0.2.0 0.255.0.255 any");  // not a subnet
  refused("access-list 103 permit gre any any");
  refused("access-list 103 permit tcp any neq 80 any");
  refused("access-list 103 permit ip any");
  run("ip access-list extended S2S");
  run("permit ip 192.0.2.0 0.0.0.127 any");
  run("5 permit icmp any any");
  run("permit udp any any eq isakmp");
  run("no 5");
  run("exit");
  auto& m = cfg.model();
  ASSERT_EQ(m.extended_acls.at("101").entries.size(), 3u);
  EXPECT_EQ(m.extended_acls.at("101").entries[1].seq, 20);
  EXPECT_EQ(m.extended_acls.at("101").entries[1].dst_ports->lo, 443);
  ASSERT_EQ(m.extended_acls.at("S2S").entries.size(), 2u);
  EXPECT_EQ(m.extended_acls.at("S2S").entries[1].dst_ports->lo, 500);
  auto rc = cfg.running_config_text();
  EXPECT_NE(rc.find("access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("access-list 101 permit tcp host 192.0.2.1 any eq 443\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("ip access-list extended S2S\n permit ip 192.0.2.0 0.0.0.127 any\n permit udp any any eq 500\n"), std::string::npos) << rc;
  EXPECT_EQ(reload_text(), rc);
  auto sh = out("do show access-lists");
  EXPECT_NE(sh.find("Extended IP access list 101\n    10 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127\n"), std::string::npos) << sh;
  EXPECT_NE(sh.find("    30 deny udp any range 1000 2000 198.51.100.0 0.0.0.255\n"), std::string::npos) << sh;
  run("no access-list 101");
  EXPECT_FALSE(cfg.model().extended_acls.contains("101"));
}

TEST_F(CryptoMapCmd, StaticAndDynamicMaps) {
  run("crypto ipsec transform-set TS esp-aes esp-sha-hmac");
  run("exit");
  run("access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127");
  run("crypto dynamic-map DYN 10");
  run("set transform-set TS");
  run("exit");
  run("crypto map CMAP local-address eth0");
  run("crypto map CMAP 10 ipsec-isakmp");
  run("set peer 198.51.100.2");
  run("set transform-set TS");
  run("set pfs group14");
  run("set security-association lifetime seconds 1800");
  run("set isakmp-profile P1");
  run("match address 101");
  refused("set peer 198.51.100.300");
  refused("set security-association lifetime seconds 5");
  run("exit");
  run("crypto map CMAP 65535 ipsec-isakmp dynamic DYN");
  refused("crypto map CMAP 10 ipsec-isakmp dynamic DYN");  // a static entry
  refused("crypto map CMAP 65535 ipsec-isakmp");            // a dynamic reference
  run("interface eth0");
  run("crypto map CMAP");
  run("exit");
  auto& e = cfg.model().crypto_maps.at("CMAP").entries.at(10);
  ASSERT_EQ(e.peers.size(), 1u);
  EXPECT_EQ(e.peers[0].str(), "198.51.100.2");
  EXPECT_EQ(e.pfs_group, 14);
  EXPECT_EQ(e.lifetime_seconds, 1800u);
  EXPECT_EQ(e.match_address, "101");
  EXPECT_EQ(cfg.model().crypto_maps.at("CMAP").entries.at(65535).dynamic_map, "DYN");
  EXPECT_EQ(cfg.model().interfaces.at("eth0").crypto_map, "CMAP");
  auto rc = cfg.running_config_text();
  EXPECT_NE(rc.find("crypto dynamic-map DYN 10\n set transform-set TS\n!\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto map CMAP local-address eth0\ncrypto map CMAP 10 ipsec-isakmp\n set peer 198.51.100.2\n"
                    " set security-association lifetime seconds 1800\n set transform-set TS\n set pfs group14\n"
                    " set isakmp-profile P1\n match address 101\ncrypto map CMAP 65535 ipsec-isakmp dynamic DYN\n!\n"),
            std::string::npos) << rc;
  EXPECT_NE(rc.find(" crypto map CMAP\n"), std::string::npos) << rc;
  EXPECT_EQ(reload_text(), rc);
  auto sh = out("do show crypto map");
  EXPECT_NE(sh.find("Crypto Map IPv4 \"CMAP\" 10 ipsec-isakmp\n        Peer = 198.51.100.2\n"), std::string::npos) << sh;
  EXPECT_NE(sh.find("            access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127\n"), std::string::npos) << sh;
  EXPECT_NE(sh.find("        PFS (Y/N): Y\n        DH group:  group14\n"), std::string::npos) << sh;
  EXPECT_NE(sh.find("                TS:  { esp-aes esp-sha-hmac  } , \n"), std::string::npos) << sh;
  EXPECT_NE(sh.find("Crypto Map Template \"DYN\" 10 ipsec-isakmp\n"), std::string::npos) << sh;
  EXPECT_NE(sh.find("        Interfaces using crypto map CMAP:\n                eth0\n"), std::string::npos) << sh;
  run("no crypto map CMAP 10");
  EXPECT_FALSE(cfg.model().crypto_maps.at("CMAP").entries.contains(10));
  run("no crypto map CMAP");
  run("no crypto dynamic-map DYN");
  EXPECT_TRUE(cfg.model().crypto_maps.empty());
  EXPECT_TRUE(cfg.model().dynamic_maps.empty());
}

}  // namespace
}  // namespace kg::config
