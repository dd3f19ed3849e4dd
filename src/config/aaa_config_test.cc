// AAA with RADIUS configuration (commands_aaa.cc): IOS syntax, keys never in
// clear, rejected lines change nothing, running-config reloads unchanged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct Aaa : ::testing::Test {
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
};

TEST_F(Aaa, ServerGroupsServersAndListsAsSeed004WritesThem) {
  run("aaa new-model");
  run("aaa group server radius frad");
  run("server-private 198.18.0.2 auth-port 1812 acct-port 1813 key s3cr3t");
  run("server-private 198.18.0.4 key 0 other-key");
  run("server name RAD2");
  run("exit");
  run("radius server RAD2");
  run("address ipv4 198.18.0.3 auth-port 11812 acct-port 11813");
  run("key s3cr3t-2");
  run("exit");
  run("radius-server timeout 2");
  run("radius-server retransmit 1");
  run("radius-server deadtime 3");
  run("aaa authentication eap frad group frad");
  run("aaa authorization network frad-author group frad");
  run("aaa accounting network rad start-stop group frad");
  run("crypto ikev2 profile default");
  run("authentication remote eap query-identity timeout 60");
  run("aaa authentication eap frad");
  run("aaa accounting eap rad");
  run("end");

  const Model& m = cfg.model();
  const auto& g = m.radius_groups.at("frad");
  ASSERT_EQ(g.private_servers.size(), 2u);
  EXPECT_EQ(g.private_servers[0].address->str(), "198.18.0.2");
  EXPECT_TRUE(g.private_servers[0].key.equals(as_bytes("s3cr3t")));
  EXPECT_EQ(g.private_servers[1].auth_port, 1812);
  EXPECT_TRUE(g.private_servers[1].key.equals(as_bytes("other-key")));
  EXPECT_EQ(g.server_names, std::vector<std::string>{"RAD2"});
  EXPECT_EQ(m.radius_servers.at("RAD2").auth_port, 11812);
  EXPECT_EQ(m.radius, (RadiusSettings{2, 1, 3}));
  EXPECT_EQ(m.aaa_authentication_eap.at("frad"), "group frad");
  EXPECT_EQ(m.aaa_authorization_network.at("frad-author"), "group frad");
  EXPECT_EQ(m.aaa_accounting_network.at("rad"), "frad");
  const auto& p = m.profiles.at("default");
  EXPECT_TRUE(p.eap_query_identity);
  EXPECT_EQ(p.eap_timeout, 60);
  EXPECT_EQ(p.aaa_authentication_eap, "frad");

  std::string rc = cfg.running_config_text();
  for (const char* clear : {"s3cr3t", "other-key"}) EXPECT_EQ(rc.find(clear), std::string::npos) << rc;
  for (const char* line : {"aaa group server radius frad\n server-private 198.18.0.2 auth-port 1812 acct-port 1813 key 6 ",
                           " server name RAD2\n", "radius server RAD2\n address ipv4 198.18.0.3 auth-port 11812 acct-port 11813\n key 6 ",
                           "radius-server timeout 2\nradius-server retransmit 1\nradius-server deadtime 3\n",
                           "aaa authentication eap frad group frad\n", "aaa authorization network frad-author group frad\n",
                           "aaa accounting network rad start-stop group frad\n",
                           " authentication remote eap query-identity timeout 60\n", " aaa authentication eap frad\n",
                           " aaa accounting eap rad\n"})
    EXPECT_NE(rc.find(line), std::string::npos) << line << "\n" << rc;

  // The text loads back (the sealed keys open) to the same configuration.
  auto path = std::filesystem::temp_directory_path() / ("kgaaa-" + std::to_string(::getpid()));
  std::ofstream(path) << rc;
  run("configure terminal");
  auto rep = cfg.load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
  EXPECT_EQ(cfg.running_config_text(), rc);
  EXPECT_TRUE(cfg.model().radius_groups.at("frad").private_servers[0].key.equals(as_bytes("s3cr3t")));
}

TEST_F(Aaa, BadLinesChangeNothing) {
  EXPECT_NE(refused("aaa authentication eap L group G").find("aaa new-model"), std::string::npos);
  run("aaa new-model");
  run("aaa group server radius G");
  refused("server-private 198.18.0.300 key k");
  refused("server-private 198.18.0.2 auth-port 70000 acct-port 1813 key k");
  refused("server-private 198.18.0.2 auth-port 1812 acct-port 1813 key");
  run("exit");
  refused("radius-server timeout 0");
  refused("radius-server deadtime 1441");
  run("crypto ikev2 profile P");
  refused("authentication remote eap timeout 10");
  run("authentication remote eap");
  run("no authentication remote eap");
  EXPECT_TRUE(cfg.model().profiles.at("P").auth_remote.empty());
}

// Seed 004's name-manglers, attribute lists, authorization lines and
// keyring aaa: the model, the written text and a reload that gives it back.
TEST_F(Aaa, NameManglersAuthorizationAndKeyringAaa) {
  run("aaa new-model");
  run("aaa authorization network frad group frad");
  run("crypto ikev2 name-mangler cn");
  run("dn common-name");
  run("fqdn hostname");
  run("email username");
  run("eap suffix delimiter @");
  run("exit");
  run("aaa attribute list IT-list");
  run("attribute type interface-config \"ip unnumbered Loopback1\"");
  run("attribute type interface-config \"ip mtu 1400\"");
  run("exit");
  run("crypto ikev2 authorization policy IT");
  run("aaa attribute list IT-list");
  run("exit");
  run("crypto ikev2 profile default");
  run("aaa authorization user eap cached");
  run("aaa authorization user eap list frad name-mangler cn");
  run("aaa authorization group eap list frad Eng override");
  run("aaa authorization user cert list frad joe");
  run("keyring aaa list frad name-mangler cn password 0 pw-secret");
  run("end");
  const Model& m = cfg.model();
  EXPECT_EQ(m.name_manglers.at("cn"), (NameMangler{"common-name", "hostname", "username", "suffix delimiter @"}));
  ASSERT_EQ(m.aaa_attribute_lists.at("IT-list").size(), 2u);
  EXPECT_EQ(m.aaa_attribute_lists.at("IT-list")[0].value, "ip unnumbered Loopback1");
  EXPECT_EQ(m.authorization_policies.at("IT").aaa_attribute_list, "IT-list");
  const auto& p = m.profiles.at("default");
  EXPECT_EQ(p.aaa_user.at("eap"), (AaaAuthorization{"frad", "", false, true, "cn"}));
  EXPECT_EQ(p.aaa_group.at("eap"), (AaaAuthorization{"frad", "Eng", true, false, ""}));
  EXPECT_EQ(p.aaa_user.at("cert").name, "joe");
  EXPECT_EQ(p.keyring_aaa, "frad");
  EXPECT_EQ(p.keyring_aaa_mangler, "cn");
  std::string rc = cfg.running_config_text();
  EXPECT_EQ(rc.find("pw-secret"), std::string::npos) << rc;
  for (const char* line : {"crypto ikev2 name-mangler cn\n dn common-name\n fqdn hostname\n email username\n eap suffix delimiter @\n",
                           "aaa attribute list IT-list\n attribute type interface-config \"ip unnumbered Loopback1\"\n",
                           " aaa attribute list IT-list\n", " aaa authorization user eap cached\n",
                           " aaa authorization user eap list frad name-mangler cn\n",
                           " aaa authorization group override eap list frad Eng\n",
                           " keyring aaa frad name-mangler cn password 6 "})
    EXPECT_NE(rc.find(line), std::string::npos) << line << "\n" << rc;
  auto path = std::filesystem::temp_directory_path() / ("kgaaa2-" + std::to_string(::getpid()));
  std::ofstream(path) << rc;
  run("configure terminal");
  auto rep = cfg.load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
  EXPECT_EQ(cfg.running_config_text(), rc);
  // Bad lines: a wrong delimiter, a name and a mangler at once.
  run("crypto ikev2 name-mangler x");
  refused("eap prefix delimiter #");
  run("exit");
  run("crypto ikev2 profile default");
  refused("aaa authorization user psk list frad joe name-mangler cn");
  run("no aaa authorization user eap list frad");
  EXPECT_EQ(cfg.model().profiles.at("default").aaa_user.at("eap"), (AaaAuthorization{"", "", false, true, ""}));
}

}  // namespace
}  // namespace kg::config
