#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/session.h"
#include "config/testing/model_words.h"

namespace kg::config {
using testing::clear_text;
using testing::words_of;
}  // namespace kg::config

namespace kg::config {
namespace {

struct Fixture : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
};

TEST_F(Fixture, ProposalAndPrompt) {
  EXPECT_EQ(s.prompt(), "keygate#");
  run("conf t");
  EXPECT_EQ(s.prompt(), "keygate(config)#");
  run("crypto ikev2 proposal P1");
  EXPECT_EQ(s.prompt(), "keygate(config-ikev2-proposal)#");
  run("encryption aes-cbc-256 aes-gcm-128");
  run("group 19");
  EXPECT_EQ(cfg.model().proposals.at("P1").encryption.size(), 2u);
  run("hostname r1");  // top-level command leaves the sub-mode
  EXPECT_EQ(s.prompt(), "r1(config)#");
}

TEST_F(Fixture, InvalidMarkerAndUnchanged) {
  run("conf t");
  auto before = cfg.running_config_text();
  auto r = s.execute("crypto ikev2 proposal P1 foo");
  EXPECT_FALSE(r.ok);
  // prompt "keygate(config)#" is 16 chars; "foo" starts at column 25.
  EXPECT_EQ(r.text, std::string(16 + 25, ' ') + "^\n% Invalid input detected at '^' marker.\n");
  EXPECT_EQ(cfg.running_config_text(), before);
  EXPECT_EQ(s.execute("crypto ikev2").text, "% Incomplete command.\n");
  EXPECT_NE(s.execute("crypto i proposal x").text.find("% Ambiguous command"), std::string::npos);
}

TEST_F(Fixture, LegacyWarning) {
  run("conf t");
  run("crypto ikev2 proposal old");
  auto r = s.execute("encryption 3des");
  EXPECT_TRUE(r.ok);
  EXPECT_NE(r.text.find("% Warning: 3des is insecure"), std::string::npos);
}

TEST_F(Fixture, DefaultsNoAndDefault) {
  EXPECT_TRUE(cfg.model().proposals.contains("default"));
  run("conf t");
  run("no crypto ikev2 proposal default");
  EXPECT_FALSE(cfg.model().proposals.contains("default"));
  EXPECT_NE(cfg.running_config_text().find("no crypto ikev2 proposal default"), std::string::npos);
  run("default crypto ikev2 proposal default");
  EXPECT_TRUE(cfg.model().proposals.contains("default"));
}

TEST_F(Fixture, HelpAndCompletion) {
  run("conf t");
  EXPECT_EQ(s.complete("crypto ikev2 pro"), (std::vector<std::string>{"profile", "proposal"}));
  EXPECT_NE(s.help("crypto ikev2 ").find("proposal"), std::string::npos);
  EXPECT_NE(s.help("crypto ikev2 proposal ").find("WORD"), std::string::npos);
}

std::string example(const char* name) { return std::string(KG_SOURCE_DIR) + "/examples/" + name; }

TEST(ConfigFile, ExamplesLoadCleanlyAndRoundTrip) {
  for (const char* f : {"site-a.cfg", "site-b.cfg"}) {
    auto dir = std::filesystem::temp_directory_path() / ("kgcfg-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    Config a(dir.string());
    auto rep = a.load_file(example(f));
    ASSERT_TRUE(rep);
    EXPECT_EQ(*rep, "") << f;
    EXPECT_EQ(a.running_config_text().find("cisco123"), std::string::npos);  // secret hidden
    ASSERT_TRUE(a.write_memory());
    Config b(dir.string());  // same master.key
    auto rep2 = b.load_file((dir / "startup-config").string());
    ASSERT_TRUE(rep2);
    EXPECT_EQ(*rep2, "");
    EXPECT_EQ(b.running_config_text(), a.running_config_text());
    EXPECT_EQ(std::filesystem::status(dir / "startup-config").permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
    std::filesystem::remove_all(dir);
  }
}

// write memory onto a full disk and onto a read-only one: a clear error, the
// previous startup-config whole, no temporary file left. The state directory
// is a 64 KiB tmpfs in a private mount namespace of a child process (the test
// runs as root, like make test), so nothing outside the child sees it.
void write_memory_faults(const std::filesystem::path& dir) {
  auto check = [](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "FAILED: %s\n", what);
      std::_Exit(1);
    }
  };
  check(::unshare(CLONE_NEWNS) == 0, "unshare");
  check(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0, "private mounts");
  check(::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64k") == 0, "tmpfs");
  Config cfg(dir.string());
  (void)cfg.load_file(example("site-a.cfg"));
  check(bool(cfg.write_memory()), "first write memory");
  std::string before;
  std::getline(std::ifstream(dir / "startup-config"), before, '\0');
  // Fill the disk, then make the running-config differ.
  {
    std::ofstream fill(dir / "fill", std::ios::binary);
    std::string block(4096, 'x');
    while (fill.write(block.data(), std::streamsize(block.size())) && fill.flush()) {
    }
  }
  CliSession s(cfg);
  (void)s.execute("configure terminal");
  check(s.execute("hostname full-disk").ok, "hostname");
  auto r = s.execute("do write memory");
  check(!r.ok, "write memory on a full disk fails");
  check(r.text.find("No space left on device") != std::string::npos, r.text.c_str());
  check(r.text.find("unchanged") != std::string::npos, r.text.c_str());
  std::string after;
  std::getline(std::ifstream(dir / "startup-config"), after, '\0');
  check(after == before, "the old startup-config is intact");
  check(!std::filesystem::exists(dir / "startup-config.tmp"), "no temporary file left");
  // Read-only.
  std::filesystem::remove(dir / "fill");
  check(::mount(nullptr, dir.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0, "remount ro");
  r = s.execute("do write memory");
  check(!r.ok && r.text.find("Read-only file system") != std::string::npos, r.text.c_str());
  std::getline(std::ifstream(dir / "startup-config"), after, '\0');
  check(after == before, "the old startup-config is intact (ro)");
  std::_Exit(0);
}

TEST(ConfigFile, WriteMemoryOnAFullOrReadOnlyDiskLosesNothing) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (mount namespaces)";
  // The threadsafe death test runs this body again in a child process: both
  // name the directory by the parent's pid, so the parent removes the one
  // the child used.
  pid_t owner = GTEST_FLAG_GET(internal_run_death_test).empty() ? ::getpid() : ::getppid();
  auto dir = std::filesystem::temp_directory_path() / ("kgfull-" + std::to_string(owner));
  std::filesystem::create_directories(dir);
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(write_memory_faults(dir), ::testing::ExitedWithCode(0), "");
  std::filesystem::remove_all(dir);
}

TEST(ConfigFile, LineNumbers) {
  auto p = std::filesystem::temp_directory_path() / ("kgbad-" + std::to_string(::getpid()));
  std::ofstream(p) << "hostname a\n!\ncrypto ikev2 proposal X foo\nhostname b\n";
  Config c;
  auto rep = c.load_file(p.string());
  ASSERT_TRUE(rep);
  EXPECT_NE(rep->find("% line 3:"), std::string::npos) << *rep;
  EXPECT_EQ(c.model().hostname, "b");
  std::filesystem::remove(p);
}

}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {
TEST(Secrets, NeverClearAndType6Reload) {
  Config c;
  CliSession s(c);
  for (auto l : {"conf t", "crypto ikev2 keyring K", "peer p", "pre-shared-key s3cret-key",
                 "crypto ikev2 profile P", "authentication local pre-share key other-secret"})
    ASSERT_TRUE(s.execute(l).ok) << l;
  std::string run = c.running_config_text();
  EXPECT_EQ(run.find("s3cret-key"), std::string::npos);
  EXPECT_EQ(run.find("other-secret"), std::string::npos);
  EXPECT_NE(run.find("pre-shared-key 6 "), std::string::npos);
  // Feeding the shown text back restores the same keys.
  auto pos = run.find("pre-shared-key 6 ");
  std::string line = run.substr(pos, run.find('\n', pos) - pos);
  ASSERT_TRUE(s.execute("crypto ikev2 keyring K").ok);
  ASSERT_TRUE(s.execute("peer q").ok);
  ASSERT_TRUE(s.execute(line).ok) << line;
  EXPECT_EQ(clear_text(c.model().keyrings.at("K").peers.at("q").psk), "s3cret-key");
  EXPECT_FALSE(s.execute("pre-shared-key 6 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").ok);
}

// The initiator's EAP-MD5 credentials: the password kept like a key (type 6
// in the running-config), the shown line accepted back, `no` clears it.
TEST(Secrets, EapPasswordSealedAndReloaded) {
  Config c;
  CliSession s(c);
  for (auto l : {"conf t", "crypto ikev2 profile P", "authentication local eap md5 username alice password wonder1and"})
    ASSERT_TRUE(s.execute(l).ok) << l;
  EXPECT_EQ(c.model().profiles.at("P").auth_local, AuthMethod::kEap);
  std::string run = c.running_config_text();
  EXPECT_EQ(run.find("wonder1and"), std::string::npos) << run;
  auto pos = run.find(" authentication local eap md5 username alice password 6 ");
  ASSERT_NE(pos, std::string::npos) << run;
  std::string line = run.substr(pos + 1, run.find('\n', pos) - pos - 1);
  ASSERT_TRUE(s.execute("crypto ikev2 profile Q").ok);
  ASSERT_TRUE(s.execute(line).ok) << line;
  EXPECT_EQ(clear_text(c.model().profiles.at("Q").eap_password), "wonder1and");
  ASSERT_TRUE(s.execute("no authentication local eap md5 username alice password x").ok);
  EXPECT_EQ(c.model().profiles.at("Q").auth_local, AuthMethod::kNone);
  EXPECT_TRUE(c.model().profiles.at("Q").eap_password.empty());
}

// IOS's `authentication local eap [gtc|md5|mschapv2] [username U password P]`:
// the method is kept and written back; bare (seed 004) and method-less forms.
TEST(Secrets, EapMethodForms) {
  Config c;
  CliSession s(c);
  for (auto l : {"conf t", "crypto ikev2 profile P", "authentication local eap mschapv2 username bob password pw1",
                 "crypto ikev2 profile Q", "authentication local eap username dave password 0 pw2",
                 "crypto ikev2 profile R", "authentication local eap"})
    ASSERT_TRUE(s.execute(l).ok) << l;
  auto& m = c.model().profiles;
  EXPECT_EQ(m.at("P").eap_method, "mschapv2");
  EXPECT_EQ(m.at("Q").eap_method, "");
  EXPECT_EQ(m.at("Q").eap_username, "dave");
  EXPECT_EQ(clear_text(m.at("Q").eap_password), "pw2");
  EXPECT_EQ(m.at("R").auth_local, AuthMethod::kEap);
  EXPECT_TRUE(m.at("R").eap_username.empty());
  std::string run = c.running_config_text();
  EXPECT_NE(run.find(" authentication local eap mschapv2 username bob password 6 "), std::string::npos) << run;
  EXPECT_NE(run.find(" authentication local eap username dave password 6 "), std::string::npos) << run;
  EXPECT_NE(run.find(" authentication local eap\n"), std::string::npos) << run;
  EXPECT_EQ(run.find("pw1"), std::string::npos);
  EXPECT_FALSE(s.execute("authentication local eap tls username x password y").ok);
}
}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {
TEST(Show, DefaultsAndAbbreviations) {
  Config c;
  CliSession s(c);
  auto r = s.execute("sh cry ikev2 proposal default");
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_NE(r.text.find("IKEv2 proposal: default"), std::string::npos);
  EXPECT_NE(r.text.find("DH_GROUP_256_ECP/Group 19"), std::string::npos);
  EXPECT_EQ(r.text.find("3DES"), std::string::npos);
  r = s.execute("show crypto ipsec transform-set");
  EXPECT_NE(r.text.find("esp-gcm 256"), std::string::npos) << r.text;
  ASSERT_TRUE(s.execute("sh run").ok);
  ASSERT_TRUE(s.execute("conf t").ok);
  ASSERT_TRUE(s.execute("int tu0").ok);
  EXPECT_EQ(s.prompt(), "keygate(config-if)#");
  EXPECT_TRUE(c.model().interfaces.contains("Tunnel0"));
}
}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {
TEST(RoundTrip, ModifiedDefaultsAndRestore) {
  Config a;
  CliSession s(a);
  for (auto l : {"conf t", "crypto ikev2 proposal default", "no encryption aes-cbc-128", "no group 14",
                 "crypto ipsec transform-set default esp-gcm 256", "no crypto ipsec profile default",
                 "crypto ipsec profile IP", "set transform-set default", "set pfs group19"})
    ASSERT_TRUE(s.execute(l).ok) << l;
  auto dir = std::filesystem::temp_directory_path() / ("kgrt-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "run.cfg") << a.running_config_text();
  Config b;
  auto rep = b.load_file((dir / "run.cfg").string());
  ASSERT_TRUE(rep);
  EXPECT_EQ(*rep, "");
  EXPECT_EQ(b.running_config_text(), a.running_config_text());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(s.execute("default crypto ikev2 proposal").ok);
  EXPECT_EQ(a.model().proposals.at("default").groups, default_proposal().groups);
  EXPECT_FALSE(s.execute("crypto ikev2 proposal").ok);
}
}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {
// Seed 004's IOS snippets (legacy algorithms: accepted with warnings).
TEST(Seed, IosSnippetsLoad) {
  auto p = std::filesystem::temp_directory_path() / ("kgseed-" + std::to_string(::getpid()));
  std::ofstream(p) << "crypto ikev2 proposal default\n    encryption aes-cbc-256 aes-cbc-128 3des\n"
                      "    integrity sha512 sha256 sha1 md5\n    group 5 2\n\ncrypto ikev2 policy default\n"
                      "    match fvr any\n    proposal default\n\ncrypto ikev2 keyring IOSKeyring\n"
                      "    peer cisco\n    address 10.0.1.1\n    pre-shared-key local CISCO\n"
                      "    pre-shared-key remote OCSIC\n"
                      "crypto ikev2 profile default\nmatch identity remote fqdn r2.cisco.com\n"
                      "identity local fqdn r1.cisco.com\nauthentication local pre-shared key cisco123\n"
                      "authentication remote pre-shared key cisco123\ninterface Tunnel0\n"
                      "tunnel source FastEthernet0/0\ntunnel destination 172.16.2.1\n"
                      "tunnel protection ipsec profile default\n";
  Config c;
  auto rep = c.load_file(p.string());
  ASSERT_TRUE(rep);
  for (const char* e : {"% Invalid", "% Incomplete", "% Ambiguous", "% Not applied"})
    EXPECT_EQ(rep->find(e), std::string::npos) << *rep;
  EXPECT_NE(rep->find("% line 2: Warning: 3des"), std::string::npos) << *rep;
  EXPECT_EQ(clear_text(c.model().keyrings.at("IOSKeyring").peers.at("cisco").psk_remote), "OCSIC");
  EXPECT_EQ(clear_text(c.model().profiles.at("default").auth_local_key), "cisco123");
  std::filesystem::remove(p);
}
}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {
// The smart defaults come from the algorithm registry; they must stay what
// they were when each list was written by hand.
TEST(SmartDefaults, ListsFromTheRegistry) {
  auto p = default_proposal();
  EXPECT_EQ(ike_words(p.encryption), (std::vector<std::string>{"aes-gcm-256", "aes-gcm-128", "aes-cbc-256", "aes-cbc-128"}));
  EXPECT_EQ(ike_words(p.integrity), (std::vector<std::string>{"sha512", "sha384", "sha256"}));
  EXPECT_EQ(ike_words(p.prf), (std::vector<std::string>{"sha512", "sha384", "sha256"}));
  EXPECT_EQ(p.groups, (std::vector<int>{19, 20, 14}));
  EXPECT_EQ(esp_words(default_transform_set().transforms),
            (std::vector<std::string>{"esp-gcm 256", "esp-gcm 128", "esp-aes 256", "esp-sha256-hmac"}));
}

// Every legacy word still warns, in each place it can be configured.
TEST(LegacyWarnings, FromTheRegistry) {
  Config c;
  CliSession s(c);
  ASSERT_TRUE(s.execute("conf t").ok);
  ASSERT_TRUE(s.execute("crypto ikev2 proposal L").ok);
  for (const char* l : {"encryption 3des", "integrity md5", "prf md5", "group 2", "group 5"}) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l;
    EXPECT_NE(r.text.find("is insecure and kept only for legacy peers"), std::string::npos) << l;
  }
  auto r = s.execute("encryption aes-gcm-256");
  EXPECT_EQ(r.text.find("Warning"), std::string::npos);
  r = s.execute("crypto ipsec transform-set T esp-3des esp-md5-hmac");
  EXPECT_NE(r.text.find("% Warning: esp-3des"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("% Warning: esp-md5-hmac"), std::string::npos) << r.text;
  r = s.execute("crypto ipsec transform-set G esp-gcm 192");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("esp-gcm 192"), std::string::npos) << r.text;
  ASSERT_TRUE(s.execute("exit").ok);
  ASSERT_TRUE(s.execute("crypto ipsec profile P").ok);
  r = s.execute("set pfs group5");
  EXPECT_NE(r.text.find("% Warning: group5"), std::string::npos) << r.text;
}
}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {
// ChaCha20-Poly1305 (RFC 7634): the IKEv2 and transform-set words come from
// the algorithm registry; not legacy, not in the smart defaults.
TEST(ChaCha20Poly1305, ParseShowAndRunningConfigRoundTrip) {
  Config a;
  CliSession s(a);
  for (auto l : {"conf t", "crypto ikev2 proposal CP", "encryption chacha20-poly1305", "prf sha256", "group 31",
                 "crypto ipsec transform-set CT esp-chacha20-poly1305", "crypto ipsec profile IP",
                 "set transform-set CT", "end"}) {
    auto r = s.execute(l);
    ASSERT_TRUE(r.ok) << l << ": " << r.text;
    EXPECT_EQ(r.text.find("Warning"), std::string::npos) << l;
  }
  EXPECT_EQ(ike_words(a.model().proposals.at("CP").encryption), std::vector<std::string>{"chacha20-poly1305"});
  EXPECT_EQ(esp_words(a.model().transform_sets.at("CT").transforms), std::vector<std::string>{"esp-chacha20-poly1305"});
  auto r = s.execute("show crypto ikev2 proposal CP");
  EXPECT_NE(r.text.find("Encryption : CHACHA20-POLY1305"), std::string::npos) << r.text;
  r = s.execute("show crypto ipsec transform-set CT");
  EXPECT_NE(r.text.find("Transform set CT: { esp-chacha20-poly1305 }"), std::string::npos) << r.text;
  const std::string run = a.running_config_text();
  EXPECT_NE(run.find("crypto ikev2 proposal CP\n encryption chacha20-poly1305\n prf sha256\n group 31\n"),
            std::string::npos) << run;
  EXPECT_NE(run.find("crypto ipsec transform-set CT esp-chacha20-poly1305\n"), std::string::npos) << run;
  auto dir = std::filesystem::temp_directory_path() / ("kgcp-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "run.cfg") << run;
  Config b;
  auto rep = b.load_file((dir / "run.cfg").string());
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(rep);
  EXPECT_EQ(*rep, "");
  EXPECT_EQ(b.running_config_text(), run);
  // A fixed-key cipher takes no key size word; IOS defaults do not offer it.
  ASSERT_TRUE(s.execute("conf t").ok);
  EXPECT_FALSE(s.execute("crypto ipsec transform-set CX esp-chacha20-poly1305 256").ok);
  for (auto& w : ike_words(default_proposal().encryption)) EXPECT_EQ(w.find("chacha"), std::string::npos);
  for (auto& w : esp_words(default_transform_set().transforms)) EXPECT_EQ(w.find("chacha"), std::string::npos);
}
}  // namespace
}  // namespace kg::config

namespace kg::config {
namespace {
// A word that is one command's keyword exactly is not an abbreviation of
// another's (IOS): `ip unicast-routing` (seed-style IPv4 line) must not turn
// on ipv6 unicast-routing, and `ip addr` is not `ipv6 address`.
TEST(CommandTable, ExactKeywordIsNotAnAbbreviation) {
  Config c;
  CliSession s(c);
  ASSERT_TRUE(s.execute("configure terminal").ok);
  auto r = s.execute("ip unicast-routing");
  EXPECT_FALSE(r.ok) << r.text;
  EXPECT_FALSE(c.model().ipv6_unicast_routing);
  ASSERT_TRUE(s.execute("interface Loopback0").ok);
  EXPECT_FALSE(s.execute("ip addr 2001:db8::1/64").ok);
  EXPECT_TRUE(c.model().interfaces.at("Loopback0").ipv6_addresses.empty());
  // Abbreviations still work where nothing is exact.
  EXPECT_TRUE(s.execute("ipv addr 2001:db8::1/64").ok);
  EXPECT_TRUE(s.execute("ip addr 192.0.2.1 255.255.255.255").ok);
  EXPECT_TRUE(s.execute("exit").ok);
  EXPECT_TRUE(s.execute("ipv6 unicast").ok);
  EXPECT_TRUE(c.model().ipv6_unicast_routing);
  // ? and Tab agree: after "ip " only ip's own words.
  std::string h = s.help("ip ");
  EXPECT_NE(h.find("route"), std::string::npos) << h;
  EXPECT_EQ(h.find("unicast-routing"), std::string::npos) << h;
  EXPECT_TRUE(s.complete("ip unic").empty());
  EXPECT_FALSE(s.complete("ipv6 unic").empty());
}

// Optional groups: "[tag WORD]" is both words or neither; a grammar with a
// required word after an optional one is refused where it is registered,
// because its variants would put words where the handler does not read them.
TEST(CommandTable, OptionalGroupsAreWholeAndTrailing) {
  CommandTable t;
  std::vector<std::string> seen;
  auto h = [&](CmdContext&, const ParsedArgs& a) -> Result<std::string> {
    seen = a.words;
    return std::string();
  };
  t.add(Mode::kExec, "show thing [tag WORD] [detail]", {}, h);
  EXPECT_EQ(t.match(Mode::kExec, "show thing").status, MatchResult::Status::kOk);
  auto r = t.match(Mode::kExec, "show thing tag blue detail");
  ASSERT_EQ(r.status, MatchResult::Status::kOk);
  EXPECT_EQ(r.args.words, (std::vector<std::string>{"show", "thing", "tag", "blue", "detail"}));
  EXPECT_EQ(t.match(Mode::kExec, "show thing tag").status, MatchResult::Status::kIncomplete);
  EXPECT_NE(t.match(Mode::kExec, "show thing ta blue").status, MatchResult::Status::kInvalid);
  t.add(Mode::kExec, "set mode [a|b]", {}, h);
  EXPECT_EQ(t.match(Mode::kExec, "set mode b").args.words, (std::vector<std::string>{"set", "mode", "b"}));
  EXPECT_THROW(t.add(Mode::kExec, "x [y] z", {}, h), std::logic_error);
  EXPECT_THROW(t.add(Mode::kExec, "x [y z", {}, h), std::logic_error);
  EXPECT_THROW(t.add(Mode::kExec, "x y]", {}, h), std::logic_error);
}

// The shipped table itself: `show crypto map tag NAME` reaches its handler
// with the tag (the group used to be cut into "ta" and "WORD]").
TEST(CommandTable, ShowCryptoMapTag) {
  Config c;
  CliSession s(c);
  auto r = s.execute("show crypto map tag NOSUCH");
  EXPECT_TRUE(r.ok) << r.text;
}
}  // namespace
}  // namespace kg::config
