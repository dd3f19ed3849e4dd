// Remote-access configuration (commands_ra.cc, commands_flexvpn.cc): IOS
// syntax, rejected lines leave the model unchanged, running-config reloads
// to the same model, and every example loads cleanly.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/interface_names.h"
#include "config/session.h"

namespace kg::config {
namespace {

struct Ra : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  std::string refused(std::string_view l) {
    auto before = cfg.running_config_text();
    auto r = s.execute(l);
    EXPECT_FALSE(r.ok) << l;
    EXPECT_EQ(cfg.running_config_text(), before) << l;
    return r.text;
  }
  std::string reload_text() {
    auto p = std::filesystem::temp_directory_path() / ("kgra-" + std::to_string(::getpid()));
    std::ofstream(p) << cfg.running_config_text();
    Config b;
    auto rep = b.load_file(p.string());
    std::filesystem::remove(p);
    EXPECT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
    return b.running_config_text();
  }
};

TEST_F(Ra, PoolsAndOverlap) {
  run("ip local pool RA 198.18.1.10 198.18.1.99");
  run("ip local pool RA 198.18.2.1");
  run("ip local pool RA 198.18.1.10 198.18.1.99");  // the same line again is fine
  EXPECT_EQ(cfg.model().pools.at("RA").ranges.size(), 2u);
  EXPECT_NE(refused("ip local pool OTHER 198.18.1.50 198.18.1.60").find("overlaps with pool RA"), std::string::npos);
  EXPECT_NE(refused("ip local pool BAD 198.18.1.200 198.18.1.100").find("Invalid address range"), std::string::npos);
  EXPECT_NE(refused("ip local pool BIG 198.0.0.0 198.31.255.255").find("too large"), std::string::npos);
  run("no ip local pool RA 198.18.2.1");
  EXPECT_EQ(cfg.model().pools.at("RA").ranges.size(), 1u);
  run("ipv6 local pool RA6 2001:db8:1::/48 64");
  EXPECT_NE(refused("ipv6 local pool X 2001:db8:1::/48 40").find("Assigned length"), std::string::npos);
  auto rc = cfg.running_config_text();
  EXPECT_NE(rc.find("ip local pool RA 198.18.1.10 198.18.1.99\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("ipv6 local pool RA6 2001:db8:1::/48 64\n"), std::string::npos) << rc;
  EXPECT_EQ(reload_text(), rc);
  run("no ip local pool RA");
  EXPECT_FALSE(cfg.model().pools.contains("RA"));
}

TEST_F(Ra, AaaNeedsNewModel) {
  EXPECT_NE(refused("aaa authorization network flex_local local").find("aaa new-model"), std::string::npos);
  run("aaa new-model");
  run("aaa authorization network flex_local local");
  EXPECT_EQ(cfg.model().aaa_authorization_network.at("flex_local"), "local");
}

TEST_F(Ra, AuthorizationPolicyModeShowAndReload) {
  run("crypto ikev2 authorization policy RA");
  EXPECT_EQ(s.prompt(), "keygate(config-ikev2-author-policy)#");
  for (auto l : {"pool RA-POOL", "dns 198.18.0.53 198.18.0.54", "netmask 255.255.255.255", "def-domain example.net",
                 "route set interface", "route set interface Loopback1", "route set remote ipv4 203.0.113.9 255.255.255.0",
                 "route set remote ipv6 2001:db8:5::/48", "route set access-list 99", "route accept any tag 5 distance 20"})
    run(l);
  EXPECT_NE(refused("netmask 255.0.255.0").find("Bad mask"), std::string::npos);
  auto& p = cfg.model().authorization_policies.at("RA");
  EXPECT_EQ(p.route_set_remote[0], "ipv4 203.0.113.0 255.255.255.0");  // network address kept
  EXPECT_EQ(p.route_accept_tag, 5);
  EXPECT_EQ(p.route_accept_distance, 20);
  run("end");
  auto r = s.execute("show crypto ikev2 authorization policy RA");
  ASSERT_TRUE(r.ok);
  EXPECT_NE(r.text.find("IKEv2 Authorization Policy : RA\n"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("  route accept any tag : 5 distance : 20\n"), std::string::npos) << r.text;
  r = s.execute("show crypto ikev2 authorization policy default");
  EXPECT_EQ(r.text, "IKEv2 Authorization Policy : default\n  route set interface\n"
                    "  route accept any tag : 1 distance : 1\n\n");
  run("configure terminal");
  EXPECT_EQ(reload_text(), cfg.running_config_text());
  run("crypto ikev2 authorization policy RA");
  run("no route set interface Loopback1");
  run("no route accept any");
  EXPECT_TRUE(cfg.model().authorization_policies.at("RA").route_set_interfaces.empty());
  EXPECT_FALSE(cfg.model().authorization_policies.at("RA").route_accept_any);
}

TEST_F(Ra, DefaultAuthorizationPolicyIsASmartDefault) {
  EXPECT_EQ(cfg.running_config_text().find("authorization policy"), std::string::npos);
  run("no crypto ikev2 authorization policy default");
  EXPECT_NE(cfg.running_config_text().find("no crypto ikev2 authorization policy default"), std::string::npos);
  EXPECT_EQ(reload_text(), cfg.running_config_text());
  run("default crypto ikev2 authorization policy default");
  EXPECT_EQ(cfg.model().authorization_policies.at("default"), default_authorization_policy());
}

TEST_F(Ra, ProfileAuthorizationAndTemplate) {
  run("crypto ikev2 profile default");
  run("aaa authorization group psk list flex_local RA");
  run("aaa authorization group override cert list frad");
  run("aaa authorization user psk list flex_local");
  run("virtual-template 1");
  auto& p = cfg.model().profiles.at("default");
  EXPECT_EQ(p.aaa_group.at("psk"), (AaaAuthorization{"flex_local", "RA", false}));
  EXPECT_EQ(p.aaa_group.at("cert"), (AaaAuthorization{"frad", "", true}));
  EXPECT_EQ(p.aaa_user.at("psk").name, "");
  EXPECT_EQ(p.virtual_template, 1);
  auto rc = cfg.running_config_text();
  EXPECT_NE(rc.find(" aaa authorization group override cert list frad\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find(" virtual-template 1\n"), std::string::npos) << rc;
  EXPECT_EQ(reload_text(), rc);
  run("no aaa authorization group cert list frad");
  EXPECT_FALSE(cfg.model().profiles.at("default").aaa_group.contains("cert"));
}

TEST_F(Ra, VirtualTemplateAndNegotiatedTunnel) {
  run("interface virtual-template1 type tunnel");
  EXPECT_EQ(s.prompt(), "keygate(config-if)#");
  run("ip unnumbered lo0");
  EXPECT_EQ(cfg.model().interfaces.at("Virtual-Template1").ip_unnumbered, "Loopback0");
  EXPECT_NE(refused("interface Tunnel5 type tunnel").find("Virtual-Template"), std::string::npos);
  run("interface Tunnel0");
  run("ip address negotiated");
  run("tunnel destination dynamic");
  EXPECT_EQ(cfg.model().interfaces.at("Tunnel0").ip_address.word(), kNegotiated);
  run("interface Loopback3");
  EXPECT_NE(refused("ip address negotiated").find("Tunnel"), std::string::npos);
  auto rc = cfg.running_config_text();
  EXPECT_NE(rc.find("interface Virtual-Template1 type tunnel\n ip unnumbered Loopback0\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find(" ip address negotiated\n"), std::string::npos);
  EXPECT_NE(rc.find(" tunnel destination dynamic\n"), std::string::npos);
  EXPECT_EQ(reload_text(), rc);
}

TEST_F(Ra, AccessListsAndFlexvpnClient) {
  run("ip access-list standard HUB-LANS");
  EXPECT_EQ(s.prompt(), "keygate(config-std-nacl)#");
  run("permit 203.0.113.0 0.0.0.255");
  run("permit host 198.18.0.9");
  run("deny any");
  EXPECT_NE(refused("permit 192.0.2.0 0.255.0.255").find("contiguous"), std::string::npos);
  run("access-list 99 permit 192.0.2.0 0.0.0.127");
  EXPECT_TRUE(cfg.model().access_lists.at("99").numbered);
  run("crypto ikev2 client flexvpn flexra");
  EXPECT_EQ(s.prompt(), "keygate(config-ikev2-flexvpn)#");
  run("peer 1 198.51.100.1");
  run("peer 2 fqdn hub2.example.net dynamic");
  run("peer reactivate");
  run("client connect tunnel 0");
  auto& c = cfg.model().flexvpn_clients.at("flexra");
  EXPECT_EQ(c.connect, "Tunnel0");
  EXPECT_EQ(c.peers.at(2), "fqdn hub2.example.net dynamic");
  EXPECT_TRUE(c.peer_reactivate);
  EXPECT_NE(refused("client connect Loopback0").find("Tunnel"), std::string::npos);
  auto rc = cfg.running_config_text();
  EXPECT_NE(rc.find("ip access-list standard HUB-LANS\n permit 203.0.113.0 0.0.0.255\n permit 198.18.0.9\n"
                    " deny   any\n"),
            std::string::npos)
      << rc;
  EXPECT_NE(rc.find("access-list 99 permit 192.0.2.0 0.0.0.127\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto ikev2 client flexvpn flexra\n peer 1 198.51.100.1\n"), std::string::npos) << rc;
  EXPECT_EQ(reload_text(), rc);
}

TEST(InterfaceNames, CanonicalForms) {
  EXPECT_EQ(canonical_interface_name("tu0"), "Tunnel0");
  EXPECT_EQ(canonical_interface_name("t1"), "Tunnel1");
  EXPECT_EQ(canonical_interface_name("lo1"), "Loopback1");
  EXPECT_EQ(canonical_interface_name("virtual-template2"), "Virtual-Template2");
  EXPECT_EQ(canonical_interface_name("Virtual-Access12"), "Virtual-Access12");
  EXPECT_EQ(canonical_interface_name("eth0"), "eth0");
  EXPECT_TRUE(is_virtual_template("Virtual-Template1"));
  EXPECT_FALSE(is_virtual_template("Virtual-Template"));
  EXPECT_TRUE(is_tunnel("Tunnel10"));
  EXPECT_FALSE(is_tunnel("Tunnelx"));
  EXPECT_EQ(template_device("Virtual-Template12"), "Vt12");
  EXPECT_EQ(interface_number("Virtual-Access7"), 7);
}

// Every example configuration loads without a complaint and reloads from its
// running-config to the same text.
TEST(Examples, AllLoadCleanlyAndRoundTrip) {
  int n = 0;
  for (auto& f : std::filesystem::directory_iterator(std::string(KG_SOURCE_DIR) + "/examples")) {
    if (f.path().extension() != ".cfg") continue;
    ++n;
    // Both share one state directory: sealed keys reload under its master key.
    auto dir = std::filesystem::temp_directory_path() / ("kgexd-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    Config a(dir.string());
    auto rep = a.load_file(f.path().string());
    ASSERT_TRUE(rep);
    EXPECT_EQ(*rep, "") << f.path();
    auto p = std::filesystem::temp_directory_path() / ("kgex-" + std::to_string(::getpid()));
    std::ofstream(p) << a.running_config_text();
    Config b(dir.string());
    auto rep2 = b.load_file(p.string());
    std::filesystem::remove(p);
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(rep2);
    EXPECT_EQ(*rep2, "") << f.path();
    EXPECT_EQ(b.running_config_text(), a.running_config_text()) << f.path();
  }
  EXPECT_GE(n, 6);
}

}  // namespace
}  // namespace kg::config
