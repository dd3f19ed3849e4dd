// Easy VPN server configuration (commands_ezvpn.cc): seed 001's client
// configuration group, ISAKMP profile and crypto keyring lines, keys never in
// clear, rejected lines change nothing, running-config reloads unchanged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct Ezvpn : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text << " [" << s.prompt() << "]";
  }
  void refused(std::string_view l) {
    auto before = cfg.running_config_text();
    auto r = s.execute(l);
    EXPECT_FALSE(r.ok) << l;
    EXPECT_EQ(cfg.running_config_text(), before) << l;
  }
};

TEST_F(Ezvpn, Seed001GroupProfileKeyringRoundTrip) {
  // seed 001's example, addresses moved.
  for (const char* l : {"crypto isakmp client configuration group cisco", "key cisco", "dns 198.18.0.2 198.18.0.3",
                        "wins 198.18.0.6", "domain cisco.com", "pool fred", "acl 199", "include-local-lan",
                        "save-password", "pfs", "backup-gateway 198.51.100.7", "backup-gateway gw2.example.net",
                        "max-users 1000", "max-logins 1", "netmask 255.255.255.0", "banner #Hello there#",
                        "crypto aaa attribute list AL", "exit",
                        "crypto isakmp client configuration group default", "key 0 other", "pool fred", "exit",
                        "crypto isakmp client configuration address-pool local fred",
                        "crypto isakmp aggressive-mode disable", "aaa authentication login userlist local",
                        "crypto keyring KR", "pre-shared-key address 198.51.100.2 key ring-key-1",
                        "pre-shared-key address 198.51.100.0 255.255.255.0 key ring-key-2",
                        "pre-shared-key hostname peer.example.net key ring-key-3", "exit",
                        "crypto isakmp profile ezvpn", "match identity group cisco",
                        "match identity address 198.51.100.0 255.255.255.0", "match identity host peer.example.net",
                        "client authentication list userlist", "isakmp authorization list grouplist", "accounting acct",
                        "client configuration address respond", "keyring KR", "virtual-template 1", "exit"})
    run(l);
  const auto& g = cfg.model().ezvpn.groups.at("cisco");
  EXPECT_TRUE(g.key.equals(as_bytes("cisco")));
  EXPECT_EQ(g.dns, (std::vector<std::string>{"198.18.0.2", "198.18.0.3"}));
  EXPECT_EQ(g.banner, "Hello there");
  EXPECT_EQ(g.max_users, 1000);
  EXPECT_TRUE(cfg.model().ezvpn.aggressive_disabled);
  EXPECT_EQ(cfg.model().ezvpn.profiles.at("ezvpn").virtual_template, 1);
  EXPECT_EQ(cfg.model().ezvpn.keyrings.at("KR").keys.size(), 3u);

  std::string rc = cfg.running_config_text();
  for (const char* clear : {"key cisco", "key 0 other", "ring-key-"}) EXPECT_EQ(rc.find(clear), std::string::npos) << rc;
  for (const char* line :
       {"crypto isakmp aggressive-mode disable\n", "crypto isakmp client configuration address-pool local fred\n",
        "crypto isakmp client configuration group cisco\n key 6 ", " dns 198.18.0.2 198.18.0.3\n wins 198.18.0.6\n domain cisco.com\n pool fred\n acl 199\n",
        " include-local-lan\n save-password\n pfs\n backup-gateway 198.51.100.7\n backup-gateway gw2.example.net\n max-users 1000\n max-logins 1\n netmask 255.255.255.0\n banner ^Hello there^\n crypto aaa attribute list AL\n",
        "crypto isakmp client configuration group default\n key 6 ", "aaa authentication login userlist local\n",
        "crypto keyring KR\n  pre-shared-key address 198.51.100.2 key 6 ",
        "  pre-shared-key address 198.51.100.0 255.255.255.0 key 6 ", "  pre-shared-key hostname peer.example.net key 6 ",
        "crypto isakmp profile ezvpn\n   keyring KR\n   match identity group cisco\n   match identity address 198.51.100.0 255.255.255.0\n   match identity host peer.example.net\n   client authentication list userlist\n   isakmp authorization list grouplist\n   accounting acct\n   client configuration address respond\n   virtual-template 1\n"})
    EXPECT_NE(rc.find(line), std::string::npos) << line << "\n" << rc;

  auto path = std::filesystem::temp_directory_path() / ("kgezvpn-" + std::to_string(::getpid()));
  std::ofstream(path) << rc;
  auto rep = cfg.load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
  EXPECT_EQ(cfg.running_config_text(), rc);
  EXPECT_TRUE(cfg.model().ezvpn.groups.at("default").key.equals(as_bytes("other")));

  run("no crypto isakmp client configuration group default");
  EXPECT_FALSE(cfg.model().ezvpn.groups.contains("default"));
  run("no crypto isakmp aggressive-mode disable");
  EXPECT_FALSE(cfg.model().ezvpn.aggressive_disabled);
}

TEST_F(Ezvpn, SplitDnsFirewallAndRadiusLoginLists) {
  for (const char* l : {"aaa new-model", "aaa group server radius RADGROUP",
                        "server-private 127.0.0.1 auth-port 1812 acct-port 1813 key rad-key", "exit",
                        "aaa authentication login userlist group RADGROUP",
                        "aaa authentication login backup group RADGROUP local",
                        "crypto isakmp client configuration group cisco", "split-dns example.net",
                        "split-dns corp.example.net", "firewall are-u-there", "exit"})
    run(l);
  const auto& g = cfg.model().ezvpn.groups.at("cisco");
  EXPECT_EQ(g.split_dns, (std::vector<std::string>{"example.net", "corp.example.net"}));
  EXPECT_TRUE(g.firewall_are_u_there);
  EXPECT_EQ(cfg.model().ezvpn.login_lists.at("userlist"), "group RADGROUP");
  EXPECT_EQ(cfg.model().ezvpn.login_lists.at("backup"), "group RADGROUP local");
  std::string rc = cfg.running_config_text();
  for (const char* line : {" split-dns example.net\n split-dns corp.example.net\n firewall are-u-there\n",
                           "aaa authentication login backup group RADGROUP local\naaa authentication login userlist group RADGROUP\n"})
    EXPECT_NE(rc.find(line), std::string::npos) << line << "\n" << rc;
  run("crypto isakmp client configuration group cisco");
  for (int i = 0; i < 8; ++i) run("split-dns d" + std::to_string(i) + ".example.net");
  refused("split-dns one-too-many.example.net");
  refused("split-dns a.example.net,b.example.net");
  run("no split-dns example.net");
  run("no firewall are-u-there");
  EXPECT_EQ(cfg.model().ezvpn.groups.at("cisco").split_dns.size(), 9u);
  EXPECT_FALSE(cfg.model().ezvpn.groups.at("cisco").firewall_are_u_there);
  run("exit");
  run("no aaa authentication login userlist group RADGROUP");
  EXPECT_FALSE(cfg.model().ezvpn.login_lists.contains("userlist"));
}

TEST_F(Ezvpn, RadiusLoginListNeedsAaaNewModel) {
  refused("aaa authentication login userlist group RADGROUP");
}

TEST_F(Ezvpn, BadLinesChangeNothing) {
  run("crypto isakmp client configuration group cisco");
  refused("dns 198.18.0.300");
  refused("netmask 255.0.255.0");
  refused("max-users 0");
  refused("max-logins 11");
  run("exit");
  run("crypto keyring KR");
  refused("pre-shared-key address 198.51.100.2 255.0.255.0 key k");
  run("exit");
  run("crypto isakmp profile P");
  refused("match identity address 198.51.100.2 255.0.255.0");
  refused("virtual-template 0");
}


// Aggressive Mode initiation (seed 001: crypto isakmp peer, IOS 12.2(8)T):
// the peer entry's password sealed, each client-endpoint type, initiate
// mode aggressive in a profile; written back and reloaded unchanged.
TEST_F(Ezvpn, IsakmpPeerAndInitiateModeAggressive) {
  for (const char* l : {"crypto isakmp peer address 198.51.100.2", "set aggressive-mode password am-secret-1",
                        "set aggressive-mode client-endpoint user-fqdn site-a@example.net", "exit",
                        "crypto isakmp peer address 198.51.100.3", "set aggressive-mode password 0 am-secret-2",
                        "set aggressive-mode client-endpoint ipv4-address 198.51.100.1", "exit",
                        "crypto isakmp peer address 198.51.100.4",
                        "set aggressive-mode client-endpoint ipv6-address 2001:db8::1", "exit",
                        "crypto isakmp peer address 198.51.100.5",
                        "set aggressive-mode client-endpoint fqdn site-a.example.net", "exit",
                        "crypto isakmp profile AM", "initiate mode aggressive", "exit"})
    run(l);
  const auto& peers = cfg.model().isakmp.peers;
  ASSERT_EQ(peers.size(), 4u);
  EXPECT_TRUE(peers.at("198.51.100.2").password.equals(as_bytes("am-secret-1")));
  EXPECT_EQ(peers.at("198.51.100.2").endpoint_type, "user-fqdn");
  EXPECT_EQ(peers.at("198.51.100.3").endpoint, "198.51.100.1");
  EXPECT_FALSE(peers.at("198.51.100.4").has_password);
  EXPECT_TRUE(cfg.model().ezvpn.profiles.at("AM").initiate_aggressive);
  std::string rc = cfg.running_config_text();
  EXPECT_EQ(rc.find("am-secret"), std::string::npos) << rc;
  for (const char* line :
       {"crypto isakmp peer address 198.51.100.2\n set aggressive-mode password 6 ",
        " set aggressive-mode client-endpoint user-fqdn site-a@example.net\n!\n",
        " set aggressive-mode client-endpoint ipv4-address 198.51.100.1\n!\n",
        "crypto isakmp peer address 198.51.100.4\n set aggressive-mode client-endpoint ipv6-address 2001:db8::1\n!\n",
        "crypto isakmp peer address 198.51.100.5\n set aggressive-mode client-endpoint fqdn site-a.example.net\n!\n",
        "crypto isakmp profile AM\n   initiate mode aggressive\n"})
    EXPECT_NE(rc.find(line), std::string::npos) << line << "\n" << rc;
  EXPECT_NE(s.execute("do show crypto isakmp profile").text.find("   Initiate mode: aggressive\n"), std::string::npos);

  auto path = std::filesystem::temp_directory_path() / ("kgampeer-" + std::to_string(::getpid()));
  std::ofstream(path) << rc;
  auto rep = cfg.load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
  EXPECT_EQ(cfg.running_config_text(), rc);
  EXPECT_TRUE(cfg.model().isakmp.peers.at("198.51.100.3").password.equals(as_bytes("am-secret-2")));

  run("crypto isakmp peer address 198.51.100.2");
  run("no set aggressive-mode password");
  run("no set aggressive-mode client-endpoint user-fqdn site-a@example.net");
  EXPECT_EQ(s.prompt().find("(config-isakmp-peer)") != std::string::npos, true) << s.prompt();
  run("exit");
  EXPECT_FALSE(cfg.model().isakmp.peers.at("198.51.100.2").has_password);
  EXPECT_TRUE(cfg.model().isakmp.peers.at("198.51.100.2").endpoint_type.empty());
  run("no crypto isakmp peer address 198.51.100.3");
  EXPECT_FALSE(cfg.model().isakmp.peers.contains("198.51.100.3"));
  run("crypto isakmp profile AM");
  run("no initiate mode aggressive");
  EXPECT_FALSE(cfg.model().ezvpn.profiles.at("AM").initiate_aggressive);
}

// crypto isakmp peer fqdn NAME and ip-address A (IOS 12.2(8)T's spelling,
// written back as address A), description; self-identity in a profile.
// Written back and reloaded unchanged; vrf stops at the marker (keygate has
// no VRFs).
TEST_F(Ezvpn, FqdnPeerDescriptionAndProfileSelfIdentity) {
  for (const char* l : {"crypto isakmp peer fqdn hub.example.net", "description hub of the east sites",
                        "set aggressive-mode password am-secret-f",
                        "set aggressive-mode client-endpoint user-fqdn site-a@example.net", "exit",
                        "crypto isakmp peer ip-address 198.51.100.7", "set aggressive-mode password 0 am-secret-7", "exit",
                        "crypto isakmp profile U", "self-identity user-fqdn vpn@example.net", "exit",
                        "crypto isakmp profile F", "self-identity fqdn", "exit",
                        "crypto isakmp profile A", "self-identity address", "exit"})
    run(l);
  const auto& peers = cfg.model().isakmp.peers;
  ASSERT_EQ(peers.size(), 2u);
  EXPECT_TRUE(peers.at("hub.example.net").password.equals(as_bytes("am-secret-f")));
  EXPECT_EQ(peers.at("hub.example.net").description, "hub of the east sites");
  EXPECT_TRUE(peers.contains("198.51.100.7"));
  EXPECT_EQ(cfg.model().ezvpn.profiles.at("U").self_identity, "vpn@example.net");
  std::string rc = cfg.running_config_text();
  EXPECT_EQ(rc.find("am-secret"), std::string::npos) << rc;
  for (const char* line :
       {"crypto isakmp peer fqdn hub.example.net\n description hub of the east sites\n set aggressive-mode password 6 ",
        " set aggressive-mode client-endpoint user-fqdn site-a@example.net\n!\n",
        "crypto isakmp peer address 198.51.100.7\n set aggressive-mode password 6 ",
        "crypto isakmp profile A\n   self-identity address\n!\n", "crypto isakmp profile F\n   self-identity fqdn\n!\n",
        "crypto isakmp profile U\n   self-identity user-fqdn vpn@example.net\n!\n"})
    EXPECT_NE(rc.find(line), std::string::npos) << line << "\n" << rc;
  EXPECT_NE(s.execute("do show crypto isakmp profile").text.find("   Self identity: user-fqdn vpn@example.net\n"),
            std::string::npos);

  auto path = std::filesystem::temp_directory_path() / ("kgfqdnpeer-" + std::to_string(::getpid()));
  std::ofstream(path) << rc;
  auto rep = cfg.load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
  EXPECT_EQ(cfg.running_config_text(), rc);

  // Bad lines change nothing; vrf: the marker under it.
  refused("crypto isakmp peer fqdn -bad.example.net");
  refused("crypto isakmp peer fqdn 198.51.100.9");
  refused("crypto isakmp peer fqdn a..example.net");
  refused("crypto isakmp peer fqdn user@example.net");
  const std::string vrf_line = "crypto isakmp peer address 198.51.100.8 vrf RED";
  auto before = cfg.running_config_text();
  auto r = s.execute(vrf_line);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("% Invalid input detected at '^' marker."), std::string::npos) << r.text;
  EXPECT_EQ(r.error_column, vrf_line.find("vrf")) << r.text;
  EXPECT_EQ(cfg.running_config_text(), before);
  refused("crypto isakmp peer fqdn hub.example.net vrf RED");
  run("crypto isakmp profile U");
  refused("self-identity user-fqdn example.net");
  refused("self-identity fqdn other.example.net");
  run("no self-identity user-fqdn vpn@example.net");
  run("exit");
  EXPECT_TRUE(cfg.model().ezvpn.profiles.at("U").self_identity_type.empty());
  run("no crypto isakmp peer fqdn hub.example.net");
  EXPECT_FALSE(cfg.model().isakmp.peers.contains("hub.example.net"));
}

TEST_F(Ezvpn, BadIsakmpPeerLinesChangeNothing) {
  refused("crypto isakmp peer address 198.51.100.300");
  refused("crypto isakmp peer address site-b.example.net");
  run("crypto isakmp peer address 198.51.100.2");
  refused("set aggressive-mode client-endpoint fqdn user@example.net");
  refused("set aggressive-mode client-endpoint user-fqdn example.net");
  refused("set aggressive-mode client-endpoint user-fqdn @example.net");
  refused("set aggressive-mode client-endpoint ipv4-address 2001:db8::1");
  refused("set aggressive-mode client-endpoint dn cn=x");
  refused("set aggressive-mode password");
  refused("set aggressive-mode password 6 not-sealed-by-us");
}

}  // namespace
}  // namespace kg::config
