// crypto ikev2 cookie-challenge / limit: parse, no/default,
// running-config round trip, rejected input leaves the model unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct Global : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  const Ikev2Global& g() const { return cfg.model().ikev2; }
};

TEST_F(Global, DefaultsAreIosAndNotPrinted) {
  EXPECT_FALSE(g().cookie_challenge);
  EXPECT_EQ(g().max_in_negotiation_in, 40);
  EXPECT_EQ(g().max_in_negotiation_out, 400);
  EXPECT_FALSE(g().max_sa);
  EXPECT_EQ(cfg.running_config_text().find("crypto ikev2 limit"), std::string::npos);
}

TEST_F(Global, SetNoAndRoundTrip) {
  run("crypto ikev2 cookie-challenge 10");
  run("crypto ikev2 limit max-in-negotiation-sa 100 incoming");
  run("crypto ikev2 limit max-sa 5000");
  run("crypto ikev2 nat keepalive 20");
  EXPECT_EQ(g().cookie_challenge, 10);
  EXPECT_EQ(g().max_in_negotiation_in, 100);
  EXPECT_EQ(g().max_in_negotiation_out, 400);
  EXPECT_EQ(g().max_sa, 5000);
  std::string text = cfg.running_config_text();
  for (auto want : {"crypto ikev2 cookie-challenge 10\n", "crypto ikev2 limit max-in-negotiation-sa 100 incoming\n",
                    "crypto ikev2 limit max-sa 5000\n", "crypto ikev2 nat keepalive 20\n"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  auto p = std::filesystem::temp_directory_path() / ("kgglob-" + std::to_string(::getpid()));
  std::ofstream(p) << text;
  Config back;
  auto rep = back.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_EQ(*rep, "");
  EXPECT_EQ(back.running_config_text(), text);

  run("no crypto ikev2 cookie-challenge 10");
  run("no crypto ikev2 limit max-in-negotiation-sa");
  run("no crypto ikev2 limit max-sa");
  run("no crypto ikev2 nat keepalive");
  EXPECT_FALSE(g().nat_keepalive);
  EXPECT_FALSE(g().cookie_challenge);
  EXPECT_EQ(g().max_in_negotiation_in, 40);
  EXPECT_FALSE(g().max_sa);
}

TEST_F(Global, BothDirectionsWithoutKeyword) {
  run("crypto ikev2 limit max-in-negotiation-sa 7");
  EXPECT_EQ(g().max_in_negotiation_in, 7);
  EXPECT_EQ(g().max_in_negotiation_out, 7);
  EXPECT_NE(cfg.running_config_text().find("crypto ikev2 limit max-in-negotiation-sa 7\n"), std::string::npos);
}

TEST_F(Global, OutOfRangeAndIncompleteRejected) {
  auto before = cfg.running_config_text();
  EXPECT_FALSE(s.execute("crypto ikev2 cookie-challenge 0").ok);
  EXPECT_FALSE(s.execute("crypto ikev2 cookie-challenge 1001").ok);
  EXPECT_FALSE(s.execute("crypto ikev2 limit max-sa").ok);
  EXPECT_FALSE(s.execute("crypto ikev2 nat keepalive 4").ok);
  EXPECT_FALSE(s.execute("crypto ikev2 limit max-in-negotiation-sa 100000").ok);
  auto r = s.execute("crypto ikev2 limit max-in-negotiation-sa 10 sideways");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("^"), std::string::npos);
  EXPECT_EQ(cfg.running_config_text(), before);
}

TEST_F(Global, FragmentationWithAndWithoutMtu) {
  EXPECT_FALSE(g().fragmentation);
  run("crypto ikev2 fragmentation");
  EXPECT_TRUE(g().fragmentation);
  EXPECT_FALSE(g().fragmentation_mtu);
  EXPECT_NE(cfg.running_config_text().find("crypto ikev2 fragmentation\n"), std::string::npos);
  run("crypto ikev2 fragmentation mtu 1280");
  EXPECT_EQ(g().fragmentation_mtu, 1280);
  EXPECT_NE(cfg.running_config_text().find("crypto ikev2 fragmentation mtu 1280\n"), std::string::npos);
  auto before = cfg.running_config_text();
  for (auto bad : {"crypto ikev2 fragmentation mtu 67", "crypto ikev2 fragmentation mtu 1501",
                   "crypto ikev2 fragmentation mtu", "crypto ikev2 fragmentation 1000"}) {
    auto r = s.execute(bad);
    EXPECT_FALSE(r.ok) << bad;
  }
  EXPECT_EQ(cfg.running_config_text(), before);
  run("no crypto ikev2 fragmentation");
  EXPECT_FALSE(g().fragmentation);
  EXPECT_EQ(cfg.running_config_text().find("fragmentation"), std::string::npos);
}

}  // namespace
}  // namespace kg::config
