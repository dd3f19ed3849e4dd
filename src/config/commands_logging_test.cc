// logging buffered: forms, no, running-config round trip, ranges, `?` help.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct Logging : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  const std::optional<LoggingBuffered>& lb() const { return cfg.model().logging_buffered; }
  bool printed(const std::string& line) const {
    return cfg.running_config_text().find("\n" + line + "\n") != std::string::npos;
  }
};

TEST_F(Logging, OffByDefaultAndNotPrinted) {
  EXPECT_FALSE(lb());
  EXPECT_EQ(cfg.running_config_text().find("logging"), std::string::npos);
}

TEST_F(Logging, FormsSetSizeAndLevel) {
  run("logging buffered");
  ASSERT_TRUE(lb());
  EXPECT_FALSE(lb()->size);
  EXPECT_TRUE(printed("logging buffered"));
  run("logging buffered 8192");
  EXPECT_EQ(lb()->size, 8192);
  EXPECT_TRUE(printed("logging buffered 8192"));
  run("logging buffered informational");  // keeps the size
  EXPECT_EQ(lb()->size, 8192);
  EXPECT_EQ(lb()->level, 6);
  EXPECT_TRUE(printed("logging buffered 8192 informational"));
  run("logging buffered 16384 3");
  EXPECT_EQ(lb()->size, 16384);
  EXPECT_EQ(lb()->level, 3);
  EXPECT_TRUE(printed("logging buffered 16384 errors"));
  run("logging buffered 4");
  EXPECT_EQ(lb()->level, 4);
  run("log buf 5000 deb");  // IOS abbreviations
  EXPECT_EQ(lb()->size, 5000);
  EXPECT_EQ(lb()->level, 7);
  run("no logging buffered");
  EXPECT_FALSE(lb());
  EXPECT_EQ(cfg.running_config_text().find("logging"), std::string::npos);
}

TEST_F(Logging, OutOfRangeIsRejected) {
  for (auto* l : {"logging buffered 4095", "logging buffered 2147483648", "logging buffered 8",
                  "logging buffered 8192 9", "logging buffered loud"}) {
    auto r = s.execute(l);
    EXPECT_FALSE(r.ok) << l;
  }
  EXPECT_FALSE(lb());
}

TEST_F(Logging, RunningConfigRoundTrip) {
  run("logging buffered 65536 notifications");
  std::string text = cfg.running_config_text();
  auto p = std::filesystem::temp_directory_path() / ("kg_logging_" + std::to_string(::getpid()) + ".cfg");
  std::ofstream(p) << text;
  Config again;
  auto rep = again.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_EQ(*rep, "");
  EXPECT_EQ(again.model().logging_buffered, lb());
  EXPECT_EQ(again.running_config_text(), text);
}

TEST_F(Logging, HelpListsSizeLevelsAndNames) {
  std::string h = s.help("logging buffered ");
  for (auto* w : {"<4096-2147483647>", "<0-7>", "debugging", "emergencies", "informational", "<cr>"})
    EXPECT_NE(h.find(w), std::string::npos) << w << "\n" << h;
  EXPECT_NE(h.find("Debugging messages                (severity=7)"), std::string::npos) << h;
  EXPECT_NE(s.help("logging ").find("Set buffered logging parameters"), std::string::npos);
}

}  // namespace
}  // namespace kg::config
