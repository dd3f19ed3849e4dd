// Users, secrets and privilege levels (commands_users.cc, privilege.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"
#include "common/log.h"
#include "crypto/password.h"

namespace kg::config {
namespace {

struct Users : ::testing::Test {
  Config cfg;
  CliSession admin{cfg};
  void SetUp() override {
    for (const char* l : {"configure terminal", "username alice privilege 15 secret 0 wonder land",
                          "username op secret op-pass", "enable secret 0 en-pass",
                          "privilege exec level 1 show crypto ikev2 proposal", "end"})
      ASSERT_TRUE(admin.execute(l).ok) << l;
  }
  // A shell of a non-root peer, logged in as `user`.
  std::unique_ptr<CliSession> login(const std::string& user, const std::string& pass) {
    auto s = std::make_unique<CliSession>(cfg);
    s->set_peer(1000);
    EXPECT_EQ(s->prompt(), "Username: ");
    auto r = s->execute(user);
    EXPECT_EQ(r.secret_prompt, "Password: ");
    EXPECT_TRUE(s->execute(pass).ok);
    return s;
  }
};

TEST_F(Users, SecretsAreStoredAsType9Only) {
  const auto& u = cfg.model().users;
  ASSERT_TRUE(u.contains("alice"));
  EXPECT_EQ(u.at("alice").privilege, 15);
  EXPECT_TRUE(crypto::type9_verify("wonder land", u.at("alice").secret));  // rest of the line
  EXPECT_TRUE(crypto::type9_verify("op-pass", u.at("op").secret));
  std::string rc = cfg.running_config_text();
  for (const char* clear : {"wonder", "op-pass", "en-pass"}) EXPECT_EQ(rc.find(clear), std::string::npos) << rc;
  EXPECT_NE(rc.find("username alice privilege 15 secret 9 $9$"), std::string::npos) << rc;
  EXPECT_NE(rc.find("username op secret 9 $9$"), std::string::npos) << rc;
  EXPECT_NE(rc.find("enable secret 9 $9$"), std::string::npos) << rc;
  EXPECT_NE(rc.find("privilege exec level 1 show crypto ikev2 proposal\n"), std::string::npos) << rc;
}

TEST_F(Users, RunningConfigReloadsToTheSameUsers) {
  auto p = std::filesystem::temp_directory_path() / ("kgusers-" + std::to_string(::getpid()));
  std::ofstream(p) << cfg.running_config_text();
  Config b;
  auto rep = b.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_EQ(*rep, "");
  EXPECT_EQ(b.running_config_text(), cfg.running_config_text());
  EXPECT_EQ(b.model().users, cfg.model().users);
}

TEST_F(Users, TypedType9IsKeptAndBadOnesRefused) {
  CliSession s(cfg);
  s.execute("configure terminal");
  EXPECT_TRUE(s.execute("username h secret 9 $9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6").ok);
  EXPECT_EQ(cfg.model().users.at("h").secret, "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6");
  EXPECT_FALSE(s.execute("username h2 secret 9 $9$short").ok);
  EXPECT_NE(s.execute("username h3 secret 5 $1$abc").text.find("not supported"), std::string::npos);
  EXPECT_FALSE(cfg.model().users.contains("h3"));
}

TEST_F(Users, LevelOneSeesOnlyWhatWasGranted) {
  auto s = login("op", "op-pass");
  EXPECT_EQ(s->prompt(), "keygate>");
  EXPECT_EQ(s->terminal().privilege, 1);
  // ? and Tab show the granted command and the level-1 ones, nothing else.
  std::string h = s->help("");
  EXPECT_NE(h.find("show "), std::string::npos) << h;
  EXPECT_NE(h.find("enable "), std::string::npos) << h;
  EXPECT_EQ(h.find("configure"), std::string::npos) << h;
  EXPECT_EQ(h.find("write"), std::string::npos) << h;
  std::string hs = s->help("show ");
  EXPECT_NE(hs.find("crypto "), std::string::npos) << hs;
  EXPECT_NE(hs.find("privilege "), std::string::npos) << hs;
  EXPECT_EQ(hs.find("running-config"), std::string::npos) << hs;
  EXPECT_EQ(s->help("show crypto "), "  ikev2  IKEv2 information\n") << s->help("show crypto ");
  EXPECT_EQ(s->help("show crypto ikev2 "), "  proposal  Show IKEv2 proposals\n") << s->help("show crypto ikev2 ");
  EXPECT_TRUE(s->execute("show crypto ikev2 proposal").ok);
  EXPECT_TRUE(s->complete("conf").empty());
  // Rejected exactly like a command that does not exist.
  for (const char* l : {"show running-config", "configure terminal", "write memory", "show crypto ikev2 sa"}) {
    auto r = s->execute(l);
    EXPECT_FALSE(r.ok) << l;
    EXPECT_NE(r.text.find("% Invalid input detected at '^' marker."), std::string::npos) << l << r.text;
  }
  EXPECT_EQ(s->execute("show privilege").text, "Current privilege level is 1\n");
}

TEST_F(Users, EnableNeedsTheEnableSecret) {
  auto s = login("op", "op-pass");
  auto r = s->execute("enable");
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.secret_prompt, "Password: ");
  auto bad = s->execute("wrong");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.text, "% Access denied\n");
  EXPECT_EQ(s->terminal().privilege, 1);
  s->execute("enable");
  EXPECT_TRUE(s->execute("en-pass").ok);
  EXPECT_EQ(s->terminal().privilege, 15);
  EXPECT_EQ(s->prompt(), "keygate#");
  EXPECT_TRUE(s->execute("show running-config").ok);
  EXPECT_TRUE(s->execute("disable").ok);
  EXPECT_EQ(s->prompt(), "keygate>");
  EXPECT_FALSE(s->execute("show running-config").ok);
}

TEST_F(Users, WrongPasswordIsRefusedAndLoggedWithoutIt) {
  std::vector<std::string> lines;
  kg::log::set_sink([&](kg::log::Level, std::string_view l) { lines.emplace_back(l); });
  auto s = std::make_unique<CliSession>(cfg);
  s->set_peer(1000);
  s->execute("op");
  auto r = s->execute("not-the-password");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text, "% Login invalid\n");
  EXPECT_EQ(s->prompt(), "Username: ");
  s->execute("nobody");
  EXPECT_FALSE(s->execute("op-pass").ok);  // another user's password
  s->execute("op");
  EXPECT_FALSE(s->execute("x").ok);
  EXPECT_TRUE(s->terminal().closing);  // three failures: hang up
  kg::log::set_sink(nullptr);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("%SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: op] [Source: local uid 1000]"),
            std::string::npos) << lines[0];
  for (const auto& l : lines) {
    EXPECT_EQ(l.find("not-the-password"), std::string::npos) << l;
    EXPECT_EQ(l.find("op-pass"), std::string::npos) << l;
  }
  // Nothing runs before a login.
  auto t = std::make_unique<CliSession>(cfg);
  t->set_peer(1000);
  EXPECT_EQ(t->help(""), "");
  EXPECT_TRUE(t->complete("sh").empty());
}

TEST_F(Users, PrivilegeEntriesTakeAbbreviationsAndArguments) {
  CliSession s(cfg);
  s.execute("configure terminal");
  EXPECT_TRUE(s.execute("privilege exec level 1 sh cry ikev2 pol").ok);
  EXPECT_TRUE(cfg.model().exec_privileges.contains("show crypto ikev2 policy"));
  EXPECT_FALSE(s.execute("privilege exec level 1 show bogus").ok);
  EXPECT_TRUE(s.execute("no privilege exec level 1 show crypto ikev2 policy").ok);
  EXPECT_FALSE(cfg.model().exec_privileges.contains("show crypto ikev2 policy"));
  // Raising a built-in level-1 command.
  EXPECT_TRUE(s.execute("privilege exec level 15 show privilege").ok);
  auto op = login("op", "op-pass");
  EXPECT_FALSE(op->execute("show privilege").ok);
}

TEST_F(Users, RootSessionsStartAtFifteen) {
  CliSession s(cfg);
  s.set_peer(0);
  EXPECT_EQ(s.prompt(), "keygate#");
  EXPECT_EQ(s.terminal().privilege, 15);
}

}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {

// Password checks are rationed across sessions: five at once, then one per
// 250 ms; one beyond that fails unchecked and says so in the log.
TEST(LoginRation, BurstThenOnePerQuarterSecond) {
  Config c;
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(c.take_login_check(t)) << i;
  EXPECT_FALSE(c.take_login_check(t));
  EXPECT_FALSE(c.take_login_check(t + std::chrono::milliseconds(200)));
  EXPECT_TRUE(c.take_login_check(t + std::chrono::milliseconds(260)));
  EXPECT_FALSE(c.take_login_check(t + std::chrono::milliseconds(300)));
  EXPECT_TRUE(c.take_login_check(t + std::chrono::seconds(10)));
}

TEST_F(Users, GuessesBeyondTheRationAreNotChecked) {
  std::vector<std::string> lines;
  kg::log::set_sink([&](kg::log::Level, std::string_view l) { lines.emplace_back(l); });
  for (int i = 0; i < 6; ++i) {
    auto s = std::make_unique<CliSession>(cfg);
    s->set_peer(1000);
    s->execute("op");
    EXPECT_FALSE(s->execute("guess").ok);
  }
  auto s = std::make_unique<CliSession>(cfg);  // even the right password, now
  s->set_peer(1000);
  s->execute("op");
  EXPECT_FALSE(s->execute("op-pass").ok);
  kg::log::set_sink(nullptr);
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_NE(lines[4].find("[Reason: Login Authentication Failed]"), std::string::npos) << lines[4];
  EXPECT_NE(lines[5].find("[Reason: Too many login attempts, not checked]"), std::string::npos) << lines[5];
}

}  // namespace
}  // namespace kg::config
