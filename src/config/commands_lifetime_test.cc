// dpd (profile and global) and the lifetime ranges: parse, no forms, show,
// running-config round trip; bad input rejected with the model unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct Lifetime : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  std::string exec(std::string_view l) {
    run("end");
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
    run("configure terminal");
    return r.text;
  }
};

TEST_F(Lifetime, ProfileDpdSetShowNoAndRoundTrip) {
  run("crypto ikev2 profile p1");
  run("dpd 10 2 on-demand");
  run("lifetime 30");
  run("exit");
  run("crypto ikev2 profile p2");
  run("dpd 30 5 periodic");
  run("exit");
  run("crypto ikev2 dpd 60 3 periodic");
  auto& m = cfg.model();
  ASSERT_TRUE(m.profiles.at("p1").dpd);
  EXPECT_EQ(m.profiles.at("p1").dpd->interval, 10);
  EXPECT_EQ(m.profiles.at("p1").dpd->retry, 2);
  EXPECT_FALSE(m.profiles.at("p1").dpd->periodic);
  EXPECT_TRUE(m.profiles.at("p2").dpd->periodic);
  EXPECT_EQ(m.profiles.at("p1").lifetime, 30);
  ASSERT_TRUE(m.ikev2.dpd);
  std::string text = cfg.running_config_text();
  for (auto want : {" dpd 10 2 on-demand\n", " dpd 30 5 periodic\n", " lifetime 30\n", "crypto ikev2 dpd 60 3 periodic\n"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  EXPECT_NE(exec("show crypto ikev2 profile p1").find(" DPD: interval 10, retry 2, on-demand\n"), std::string::npos);
  EXPECT_NE(exec("show crypto ikev2 profile p2").find(" DPD: interval 30, retry 5, periodic\n"), std::string::npos);
  auto p = std::filesystem::temp_directory_path() / ("kglife-" + std::to_string(::getpid()));
  std::ofstream(p) << text;
  Config back;
  auto rep = back.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_EQ(*rep, "");
  EXPECT_EQ(back.running_config_text(), text);
  // no forms: the profile falls back to the global setting.
  run("crypto ikev2 profile p1");
  run("no dpd");
  run("exit");
  EXPECT_FALSE(cfg.model().profiles.at("p1").dpd);
  EXPECT_NE(exec("show crypto ikev2 profile p1").find(" DPD: interval 60, retry 3, periodic (global)\n"),
            std::string::npos);
  run("no crypto ikev2 dpd");
  EXPECT_FALSE(cfg.model().ikev2.dpd);
  EXPECT_NE(exec("show crypto ikev2 profile p1").find(" DPD: disabled\n"), std::string::npos);
  EXPECT_EQ(cfg.running_config_text().find("crypto ikev2 dpd"), std::string::npos);
}

TEST_F(Lifetime, BadDpdRejectedModelUnchanged) {
  run("crypto ikev2 profile p1");
  run("dpd 10 2 on-demand");
  auto before = cfg.running_config_text();
  for (auto bad : {"dpd 5 2 on-demand", "dpd 10 1 on-demand", "dpd 10 2 sometimes", "dpd 10 2", "dpd 4000 2 periodic"}) {
    auto r = s.execute(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_EQ(cfg.running_config_text(), before) << bad;
  }
  auto r = s.execute("lifetime 5");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("^"), std::string::npos) << r.text;
}

TEST_F(Lifetime, SecurityAssociationLifetimes) {
  run("crypto ipsec profile ip1");
  run("set security-association lifetime seconds 20");
  run("set security-association lifetime kilobytes 2560");
  run("set pfs group19");
  auto& p = cfg.model().ipsec_profiles.at("ip1");
  EXPECT_EQ(p.lifetime_seconds, 20u);
  EXPECT_EQ(p.lifetime_kilobytes, 2560u);
  EXPECT_NE(exec("show crypto ipsec profile ip1").find("Security association lifetime: 2560 kilobytes/20 seconds"),
            std::string::npos);
}

TEST_F(Lifetime, NatForceEncapSetNoAndRoundTrip) {
  run("crypto ikev2 profile p1");
  run("nat force-encap");
  run("exit");
  EXPECT_TRUE(cfg.model().profiles.at("p1").nat_force_encap);
  std::string text = cfg.running_config_text();
  EXPECT_NE(text.find("crypto ikev2 profile p1\n nat force-encap\n"), std::string::npos) << text;
  auto p = std::filesystem::temp_directory_path() / ("kgnat-" + std::to_string(::getpid()));
  std::ofstream(p) << text;
  Config back;
  auto rep = back.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_EQ(back.running_config_text(), text);
  run("crypto ikev2 profile p1");
  auto r = s.execute("nat force-encapsulation");
  EXPECT_FALSE(r.ok);
  run("no nat force-encap");
  EXPECT_FALSE(cfg.model().profiles.at("p1").nat_force_encap);
  EXPECT_EQ(cfg.running_config_text().find("force-encap"), std::string::npos);
}

}  // namespace
}  // namespace kg::config
