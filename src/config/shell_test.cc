// The shell as an IOS engineer uses it: `do`, output modifiers, `?` around
// them, terminal length, and pasted blocks under a rejected line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "config/output_filter.h"
#include "config/session.h"

namespace kg::config {
namespace {

struct Shell : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  std::string run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
    return r.text;
  }
};

TEST_F(Shell, DoRunsAnExecCommandAndStaysInTheMode) {
  run("configure terminal");
  run("crypto ikev2 proposal P1");
  std::string out = run("do show running-config");
  EXPECT_NE(out.find("crypto ikev2 proposal P1"), std::string::npos) << out;
  EXPECT_EQ(s.prompt(), "keygate(config-ikev2-proposal)#");
  run("encryption aes-gcm-128");  // still in the proposal
  EXPECT_EQ(ike_words(cfg.model().proposals.at("P1").encryption), std::vector<std::string>{"aes-gcm-128"});
  // The caret counts from the start of the whole line.
  auto bad = s.execute("do show bogus");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.error_column, 8u);
  EXPECT_EQ(s.execute("do").text, "% Incomplete command.\n");
  EXPECT_NE(s.help("do sh").find("show"), std::string::npos);
  EXPECT_NE(s.help("").find("do  "), std::string::npos);
  EXPECT_EQ(s.complete("do show run"), std::vector<std::string>{"running-config"});
}

TEST_F(Shell, OutputModifiers) {
  run("configure terminal");
  run("crypto ikev2 proposal P1");
  run("encryption aes-gcm-128");
  run("crypto ikev2 keyring K");
  run("peer a");
  run("address 192.0.2.1");
  run("end");
  std::string inc = run("show running-config | include proposal");
  EXPECT_EQ(inc, "crypto ikev2 proposal P1\n");
  std::string exc = run("show running-config | exclude [a-z]");
  EXPECT_EQ(exc.find("crypto"), std::string::npos) << exc;
  std::string sec = run("show running-config | section keyring");
  EXPECT_EQ(sec, "crypto ikev2 keyring K\n peer a\n  address 192.0.2.1\n !\n") << sec;
  std::string beg = run("show running-config | begin keyring");
  EXPECT_EQ(beg.rfind("crypto ikev2 keyring K\n", 0), 0u) << beg;
  EXPECT_EQ(run("show running-config | count crypto"), "Number of lines which match regexp = 2\n");
  EXPECT_EQ(run("show running-config | i proposal | e P2"), "crypto ikev2 proposal P1\n");
  EXPECT_EQ(run("sh run | i proposal"), "crypto ikev2 proposal P1\n");
  EXPECT_FALSE(s.execute("show running-config | frobnicate x").ok);
  EXPECT_EQ(s.execute("show running-config | include").text, "% Incomplete command.\n");
  EXPECT_NE(s.execute("show running-config | include (").text.find("Invalid regular expression"),
            std::string::npos);
  // '?' after the command offers '|', after '|' the modifiers.
  EXPECT_NE(s.help("show running-config ").find("|      Output modifiers"), std::string::npos);
  EXPECT_NE(s.help("show running-config | ").find("include  Include lines that match"), std::string::npos);
  EXPECT_EQ(s.help("show running-config | inc"), "include  \n");
  EXPECT_EQ(s.help("show running-config | include "), "  LINE  Regular Expression\n");
  EXPECT_EQ(s.complete("show running-config | se"), std::vector<std::string>{"section"});
}

TEST_F(Shell, BarInsideAWordIsNotAModifier) {
  auto p = split_pipes("show crypto ikev2 sa a|b");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->filters.empty());
  EXPECT_EQ(p->command, "show crypto ikev2 sa a|b");
}

TEST_F(Shell, RunningConfigOfOneInterface) {
  run("configure terminal");
  run("interface Tunnel1");
  run("description to hub");
  run("interface Tunnel2");
  run("end");
  std::string out = run("show running-config interface tu1");
  EXPECT_NE(out.find("!\ninterface Tunnel1\n description to hub\nend\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("Tunnel2"), std::string::npos) << out;
  EXPECT_FALSE(s.execute("show running-config interface Tunnel9").ok);
}

TEST_F(Shell, TerminalLengthAndExit) {
  EXPECT_EQ(s.terminal().length, 24);
  run("terminal length 0");
  EXPECT_EQ(s.terminal().length, 0);
  EXPECT_FALSE(s.execute("terminal length 513").ok);
  run("terminal no length");
  EXPECT_EQ(s.terminal().length, 24);
  EXPECT_FALSE(s.terminal().closing);
  run("exit");
  EXPECT_TRUE(s.terminal().closing);
}

// A block pasted under a line that is rejected must not land in the object
// the shell was still in (here the IKEv2 proposal P1).
TEST_F(Shell, LinesUnderARejectedLineAreNotApplied) {
  run("configure terminal");
  run("crypto ikev2 proposal P1");
  run(" encryption aes-gcm-256");
  run(" group 19");
  auto before = cfg.running_config_text();
  auto parent = s.execute("crypto gdoi group CM");
  EXPECT_FALSE(parent.ok);
  for (const char* child : {" set peer 198.51.100.2", " set transform-set TS", "  match address 101"}) {
    auto r = s.execute(child);
    EXPECT_FALSE(r.ok) << child;
    EXPECT_EQ(r.text, "% Not applied: it is indented under the rejected line \"crypto gdoi group CM\"\n");
  }
  EXPECT_EQ(cfg.running_config_text(), before);
  // The next line at the parent's depth ends the block.
  run("crypto ikev2 proposal P2");
  run(" encryption aes-gcm-128");
  EXPECT_EQ(ike_words(cfg.model().proposals.at("P2").encryption), std::vector<std::string>{"aes-gcm-128"});
}

TEST_F(Shell, RejectedChildLeavesItsSiblingsAlone) {
  run("configure terminal");
  run("crypto ikev2 proposal P1");
  EXPECT_FALSE(s.execute(" encryption rot13").ok);
  run(" group 19");  // same depth as the rejected line: applied
  EXPECT_EQ(cfg.model().proposals.at("P1").groups, std::vector<int>{19});
}

TEST(ShellFile, ReportsLineTextCaretAndWarningsWithLineNumbers) {
  auto p = std::filesystem::temp_directory_path() / ("kgshell-" + std::to_string(::getpid()));
  std::ofstream(p) << "crypto ikev2 proposal P1\n"
                      " encryption aes-gcm-256\n"
                      " group 19\n"
                      "!\n"
                      "crypto gdoi group CM\n"
                      " set peer 198.51.100.2\n"
                      " set transform-set TS\n"
                      "crypto ikev2 proposal P2\n"
                      " encryption 3des\n"
                      " group 19\n";
  Config c;
  auto rep = c.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_NE(rep->find("% line 5: crypto gdoi group CM\n"
                      "                 ^\n"
                      "% Invalid input detected at '^' marker.\n"),
            std::string::npos)
      << *rep;
  EXPECT_NE(rep->find("% line 6:  set peer 198.51.100.2\n"
                      "           ^\n"
                      "% Not applied: it is indented under the rejected line \"crypto gdoi group CM\"\n"),
            std::string::npos)
      << *rep;
  EXPECT_NE(rep->find("% line 7:  set transform-set TS\n"), std::string::npos) << *rep;
  EXPECT_NE(rep->find("% line 9: Warning: 3des is insecure"), std::string::npos) << *rep;
  // P1 kept its own settings; nothing of the GDOI block landed in it.
  EXPECT_EQ(ike_words(c.model().proposals.at("P1").encryption), std::vector<std::string>{"aes-gcm-256"});
  EXPECT_EQ(c.model().proposals.at("P1").groups, std::vector<int>{19});
  EXPECT_EQ(c.model().proposals.at("P2").groups, std::vector<int>{19});
}

}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {

// A rejected line is echoed in the load report (and so in keygated's log):
// its secrets never are.
TEST(ShellFile, EchoedLinesHideSecrets) {
  auto p = std::filesystem::temp_directory_path() / ("kgshellsec-" + std::to_string(::getpid()));
  std::ofstream(p) << "crypto ikev2 keyring K\n"
                      " peer a\n"
                      "  pre-shared-key local Sup3rSecret bogus\n"
                      "username bob secret 5 $1$Sup3rHash\n"
                      "crypto ikev2 profile P\n"
                      " authentication local pre-share key Sup3rSecret extra\n"
                      "  nested under it\n";
  Config c;
  auto rep = c.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->find("Sup3r"), std::string::npos) << *rep;
  EXPECT_NE(rep->find("% line 6:  authentication local pre-share key *********** *****\n"), std::string::npos) << *rep;
  EXPECT_NE(rep->find("indented under the rejected line \"authentication local pre-share key *********** *****\""), std::string::npos) << *rep;
}

}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {

TEST_F(Shell, JsonForCommandsThatHaveIt) {
  EXPECT_EQ(run("show privilege | json"), "{\"privilege\":15}\n");
  auto r = s.execute("show running-config | json");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.text, "% JSON output is not available for this command\n");
  EXPECT_FALSE(s.execute("show privilege | json | include x").ok);
  EXPECT_FALSE(s.execute("show privilege | include x | json").ok);
  EXPECT_FALSE(s.execute("show privilege | json extra").ok);
  EXPECT_NE(s.help("show privilege | ").find("json     Output in JSON format"), std::string::npos);
  EXPECT_EQ(s.help("show privilege | json "), "  <cr>\n");
  std::string dbg = run("show debugging | json");
  EXPECT_NE(dbg.find("\"ikev2 packet\":false"), std::string::npos) << dbg;
}

}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {

TEST_F(Shell, RunningConfigAllShowsTheSmartDefaults) {
  std::string plain = run("show running-config"), all = run("show running-config all");
  EXPECT_EQ(plain.find("crypto ikev2 proposal default"), std::string::npos) << plain;
  EXPECT_NE(all.find("crypto ikev2 proposal default\n encryption aes-gcm-256"), std::string::npos) << all;
  EXPECT_NE(all.find("crypto ipsec transform-set default"), std::string::npos) << all;
  EXPECT_EQ(all.find("no crypto ikev2 proposal default"), std::string::npos) << all;
  // It reloads to the same configuration.
  auto p = std::filesystem::temp_directory_path() / ("kgall-" + std::to_string(::getpid()));
  std::ofstream(p) << all;
  Config b;
  auto rep = b.load_file(p.string());
  std::filesystem::remove(p);
  ASSERT_TRUE(rep);
  EXPECT_EQ(b.running_config_text(), cfg.running_config_text()) << *rep;
}

}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {

TEST_F(Shell, JsonForConfigurationObjects) {
  run("configure terminal");
  run("crypto ikev2 proposal P1");
  run("encryption aes-gcm-128");
  run("group 19");
  run("crypto ikev2 keyring K");
  run("peer a");
  run("pre-shared-key S3cretKey");
  run("crypto ikev2 profile PR");
  run("authentication local pre-share key S3cretKey");
  run("authentication remote pre-share");
  run("end");
  auto j = nlohmann::json::parse(run("show crypto ikev2 proposal P1 | json"));
  ASSERT_EQ(j["proposals"].size(), 1u);
  EXPECT_EQ(j["proposals"][0]["name"], "P1");
  EXPECT_EQ(j["proposals"][0]["groups"], nlohmann::json::array({19}));
  std::string prof = run("show crypto ikev2 profile | json");
  EXPECT_EQ(prof.find("S3cretKey"), std::string::npos) << prof;  // never a key
  EXPECT_EQ(nlohmann::json::parse(prof)["profiles"][0]["authentication_local"], "pre-share");
  for (const char* cmd : {"show crypto ikev2 policy | json", "show crypto ipsec transform-set | json",
                          "show crypto ipsec profile | json", "show crypto ikev2 authorization policy | json"})
    EXPECT_TRUE(nlohmann::json::accept(run(cmd))) << cmd;
}

}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {

TEST_F(Shell, NumberErrorsSayTheRange) {
  auto r = s.execute("terminal length 513");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("% Invalid input detected at '^' marker.\n% The number must be in the range <0-512>\n"),
            std::string::npos) << r.text;
  EXPECT_EQ(s.execute("terminal length many").text.find("range"), std::string::npos);
  run("configure terminal");
  auto d = s.execute("crypto ikev2 dpd 5 2 on-demand");
  EXPECT_NE(d.text.find("range <10-3600>"), std::string::npos) << d.text;
}

}  // namespace
}  // namespace kg::config
