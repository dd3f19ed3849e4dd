// IOS defaults and matching in the configuration (issue 14, part 4): keyring
// peers by domain, the 0.0.0.0 0.0.0.0 warning, several `authentication
// remote` methods, and a tunnel without `tunnel mode` being GRE: each parsed,
// written back as IOS writes it, and reloaded to the same text.
#include <gtest/gtest.h>

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

struct IosDefaults : ::testing::Test {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("kgdef-" + std::to_string(::getpid()));
  std::unique_ptr<Config> cfg;
  std::unique_ptr<CliSession> s;
  void SetUp() override {
    std::filesystem::create_directories(dir);
    cfg = std::make_unique<Config>(dir.string());  // a master key both Configs share
    s = std::make_unique<CliSession>(*cfg);
    run("configure terminal");
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string run(std::string_view l) {
    auto r = s->execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
    return r.text;
  }
  void refused(std::string_view l) {
    auto before = cfg->running_config_text();
    auto r = s->execute(l);
    EXPECT_FALSE(r.ok) << l;
    EXPECT_EQ(cfg->running_config_text(), before) << l;
  }
  // running-config written to a file and loaded into a fresh Config.
  std::string reload_text() {
    auto p = dir / "run.cfg";
    std::ofstream(p) << cfg->running_config_text();
    Config b(dir.string());
    auto rep = b.load_file(p.string());
    EXPECT_TRUE(rep) << rep.error().message;
    return b.running_config_text();
  }
  const Ikev2Profile& profile(const char* n) const { return cfg->model().profiles.at(n); }
  std::string text() const { return cfg->running_config_text(); }
};

TEST_F(IosDefaults, KeyringPeerByEmailAndFqdnDomain) {
  run("crypto ikev2 keyring RA");
  run("peer users");
  run("identity email domain example.net");
  run("pre-shared-key users-secret");
  run("peer branches");
  run("identity fqdn domain branch.example.net");
  run("pre-shared-key branch-secret");
  run("peer one");
  run("identity fqdn domain");  // an FQDN named "domain", not a domain match
  const auto& peers = cfg->model().keyrings.at("RA").peers;
  EXPECT_EQ(words_of(peers.at("users").identity), "email domain example.net");
  EXPECT_EQ(words_of(peers.at("branches").identity), "fqdn domain branch.example.net");
  EXPECT_EQ(words_of(peers.at("one").identity), "fqdn domain");
  EXPECT_NE(text().find(" peer users\n  identity email domain example.net\n  pre-shared-key 6 "), std::string::npos)
      << text();
  EXPECT_NE(text().find("  identity fqdn domain branch.example.net\n"), std::string::npos);
  EXPECT_EQ(reload_text(), text());
  run("peer users");
  run("no identity email domain example.net");
  EXPECT_EQ(words_of(cfg->model().keyrings.at("RA").peers.at("users").identity), "");
}

TEST_F(IosDefaults, KeyringAddressAnyIsAcceptedWithAWarning) {
  run("crypto ikev2 keyring KR");
  run("peer all-of-my-peers");
  std::string w = run("address 0.0.0.0 0.0.0.0");
  EXPECT_NE(w.find("% Warning: peer all-of-my-peers (address 0.0.0.0 0.0.0.0) matches every peer"),
            std::string::npos)
      << w;
  EXPECT_EQ(cfg->model().keyrings.at("KR").peers.at("all-of-my-peers").address->str(), "0.0.0.0 0.0.0.0");
  EXPECT_EQ(run("address 198.51.100.0 255.255.255.0"), "");  // an ordinary mask: no warning
  refused("address 198.51.100.0 255.0.255.0");
}

TEST_F(IosDefaults, SeveralRemoteAuthenticationMethodsAreKept) {
  run("crypto ikev2 profile P");
  run("authentication remote pre-share key remote-secret");
  run("authentication remote rsa-sig");
  run("authentication remote ecdsa-sig");
  run("authentication local pre-share key local-secret");
  EXPECT_EQ(auth_method_words(profile("P").auth_remote), (std::vector<std::string>{"pre-share", "rsa-sig", "ecdsa-sig"}));
  EXPECT_EQ(clear_text(profile("P").auth_remote_key), "remote-secret");
  auto t = text();
  auto at = t.find(" authentication remote pre-share key 6 ");
  ASSERT_NE(at, std::string::npos) << t;
  EXPECT_NE(t.find("\n authentication remote rsa-sig\n authentication remote ecdsa-sig\n", at), std::string::npos) << t;
  EXPECT_EQ(reload_text(), t);
  run("authentication remote rsa-sig");  // again: still once
  EXPECT_EQ(auth_method_words(profile("P").auth_remote), (std::vector<std::string>{"pre-share", "ecdsa-sig", "rsa-sig"}));
  run("no authentication remote rsa-sig");
  run("no authentication remote pre-share");
  EXPECT_EQ(auth_method_words(profile("P").auth_remote), std::vector<std::string>{"ecdsa-sig"});
  EXPECT_TRUE(profile("P").auth_remote_key.empty());
  // authentication local stays one method: the last one given.
  run("authentication local rsa-sig");
  EXPECT_EQ(profile("P").auth_local, AuthMethod::kRsaSig);
}

// IOS: "tunnel mode gre ip is the default on static & dynamic tunnel
// interfaces" (seed 004). The default is not printed; any other mode is.
TEST_F(IosDefaults, TunnelWithoutModeIsGreAndOtherModesArePrinted) {
  run("interface Tunnel0");
  run("tunnel source eth0");
  run("tunnel destination 198.51.100.2");
  EXPECT_EQ(cfg->model().interfaces.at("Tunnel0").tunnel_mode, TunnelMode::kGreIp);
  EXPECT_EQ(text().find("tunnel mode"), std::string::npos);
  run("tunnel mode gre ip");  // the default, typed: still not printed
  EXPECT_EQ(cfg->model().interfaces.at("Tunnel0").tunnel_mode, TunnelMode::kGreIp);
  EXPECT_EQ(text().find("tunnel mode"), std::string::npos);
  run("tunnel mode ipsec ipv4");  // the old keygate default, now explicit
  EXPECT_NE(text().find(" tunnel source eth0\n tunnel mode ipsec ipv4\n"), std::string::npos) << text();
  EXPECT_EQ(reload_text(), text());
  run("no tunnel mode ipsec ipv4");
  EXPECT_EQ(cfg->model().interfaces.at("Tunnel0").tunnel_mode, TunnelMode::kGreIp);
  run("tunnel mode gre ipv6");
  EXPECT_NE(text().find(" tunnel mode gre ipv6\n"), std::string::npos);
  EXPECT_EQ(reload_text(), text());
  // keygate runs no GRE on a Virtual-Template: refused, not silently IPsec.
  run("interface Virtual-Template1 type tunnel");
  refused("tunnel mode gre ip");
  run("tunnel mode ipsec ipv4");
}

// A startup-config saved by an earlier keygate (no marker line) meant
// ipsec ipv4 where a tunnel has no mode line: loading it keeps that, says
// so, and write memory then saves the line and the marker. The same text
// elsewhere (a file given with -f, a pasted IOS config) is GRE, as on IOS.
TEST_F(IosDefaults, StartupConfigFromAnEarlierKeygateKeepsIpsec) {
  const char* old_text =
      "hostname site-a\n!\ninterface Tunnel0\n tunnel source eth0\n tunnel destination 198.51.100.2\n"
      " tunnel protection ipsec profile default\n!\ninterface Tunnel1\n tunnel mode gre ipv6\n!\n";
  std::ofstream(dir / "startup-config") << old_text;
  std::ofstream(dir / "other.cfg") << old_text;
  Config old(dir.string());
  auto rep = old.load_file((dir / "startup-config").string());
  ASSERT_TRUE(rep);
  EXPECT_NE(rep->find("% line 3: Note: Tunnel0: startup-config saved by an earlier keygate"), std::string::npos) << *rep;
  EXPECT_EQ(old.model().interfaces.at("Tunnel0").tunnel_mode, TunnelMode::kIpsecIpv4);
  EXPECT_EQ(old.model().interfaces.at("Tunnel1").tunnel_mode, TunnelMode::kGreIpv6);  // its own line wins
  Config pasted(dir.string());
  ASSERT_TRUE(pasted.load_file((dir / "other.cfg").string()));
  EXPECT_EQ(pasted.model().interfaces.at("Tunnel0").tunnel_mode, TunnelMode::kGreIp);  // GRE
  // Saved again: the marker first, the mode explicit; reloading changes nothing.
  ASSERT_TRUE(old.write_memory());
  std::ifstream in(dir / "startup-config");
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, kStartupMarker);
  Config again(dir.string());
  auto rep2 = again.load_file((dir / "startup-config").string());
  ASSERT_TRUE(rep2);
  EXPECT_EQ(*rep2, "");
  EXPECT_EQ(again.model().interfaces.at("Tunnel0").tunnel_mode, TunnelMode::kIpsecIpv4);
  EXPECT_EQ(again.running_config_text(), old.running_config_text());
}

}  // namespace
}  // namespace kg::config
