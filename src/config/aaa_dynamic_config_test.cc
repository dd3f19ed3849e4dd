// Dynamic authorization and accounting options (commands_aaa_dynamic.cc):
// IOS syntax, the server-key never in clear, running-config reloads unchanged.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct AaaDynamic : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
};

TEST_F(AaaDynamic, DynamicAuthorUpdatesAndSourceInterfaceWriteBackAndReload) {
  run("aaa server radius dynamic-author");
  run("client 198.18.0.2 server-key da-s3cr3t");
  run("client 198.18.0.3 server-key 0 other-da");
  run("port 13799");
  run("exit");
  run("aaa accounting update newinfo periodic 15");
  run("ip radius source-interface eth0");
  run("crypto ikev2 profile default");
  run("aaa accounting psk acct-psk");
  run("aaa accounting cert acct-cert");
  run("end");
  const Model& m = cfg.model();
  EXPECT_TRUE(m.dynamic_author.enabled);
  EXPECT_EQ(m.dynamic_author.port, 13799);
  ASSERT_EQ(m.dynamic_author.clients.size(), 2u);
  EXPECT_TRUE(m.dynamic_author.clients.at("198.18.0.2").equals(as_bytes("da-s3cr3t")));
  EXPECT_EQ(m.accounting.update_periodic, 15);
  EXPECT_TRUE(m.accounting.update_newinfo);
  EXPECT_EQ(m.accounting.source_interface, "eth0");
  EXPECT_EQ(m.profiles.at("default").aaa_accounting_psk, "acct-psk");
  EXPECT_EQ(m.profiles.at("default").aaa_accounting_cert, "acct-cert");

  std::string rc = cfg.running_config_text();
  for (const char* clear : {"da-s3cr3t", "other-da"}) EXPECT_EQ(rc.find(clear), std::string::npos) << rc;
  for (const char* line : {"aaa server radius dynamic-author\n client 198.18.0.2 server-key 6 ", " port 13799\n",
                           "aaa accounting update newinfo periodic 15\n", "ip radius source-interface eth0\n",
                           " aaa accounting psk acct-psk\n", " aaa accounting cert acct-cert\n"})
    EXPECT_NE(rc.find(line), std::string::npos) << line << "\n" << rc;

  auto path = std::filesystem::temp_directory_path() / ("kgaaadyn-" + std::to_string(::getpid()));
  std::ofstream(path) << rc;
  run("configure terminal");
  auto rep = cfg.load_file(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
  EXPECT_EQ(cfg.running_config_text(), rc);

  // The hidden seconds form (tests) and the no forms.
  run("aaa accounting update periodic-seconds 5");
  EXPECT_EQ(cfg.model().accounting.update_seconds, 5);
  run("no aaa accounting update periodic 1");
  EXPECT_EQ(cfg.model().accounting.update_seconds, 0);
  run("no aaa server radius dynamic-author");
  EXPECT_FALSE(cfg.model().dynamic_author.enabled);
  EXPECT_TRUE(cfg.model().dynamic_author.clients.empty());
  EXPECT_EQ(cfg.running_config_text().find("dynamic-author"), std::string::npos);
}

// IOS system accounting: Accounting-On/Off only with this command.
TEST_F(AaaDynamic, SystemAccountingStartStopAndStopOnly) {
  EXPECT_TRUE(cfg.model().accounting.system_group.empty());
  run("aaa accounting system default start-stop group frad");
  EXPECT_EQ(cfg.model().accounting.system_group, "frad");
  EXPECT_FALSE(cfg.model().accounting.system_stop_only);
  EXPECT_NE(cfg.running_config_text().find("\naaa accounting system default start-stop group frad\n"), std::string::npos);
  run("aaa accounting system default stop-only group frad2");
  EXPECT_EQ(cfg.model().accounting.system_group, "frad2");
  EXPECT_TRUE(cfg.model().accounting.system_stop_only);
  EXPECT_NE(cfg.running_config_text().find("aaa accounting system default stop-only group frad2\n"), std::string::npos);
  run("no aaa accounting system default stop-only group frad2");
  EXPECT_TRUE(cfg.model().accounting.system_group.empty());
  EXPECT_EQ(cfg.running_config_text().find("aaa accounting system"), std::string::npos);
  EXPECT_FALSE(s.execute("aaa accounting system default start-stop").ok);
}

TEST_F(AaaDynamic, BadClientAddressIsRefused) {
  run("aaa server radius dynamic-author");
  auto r = s.execute("client 2001:db8::1 server-key k");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(cfg.model().dynamic_author.clients.empty());
}

}  // namespace
}  // namespace kg::config
