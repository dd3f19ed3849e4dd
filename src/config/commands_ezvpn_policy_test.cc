// Seed 001's commands keygate took on with its examples: the Easy VPN
// extras (commands_ezvpn_policy.cc), the crypto map client lines
// (commands_cryptomap.cc), crypto isakmp key ... hostname with ip host, and
// no crypto isakmp enable: parsed, written back, reloaded unchanged; bad
// values refused with nothing changed; keys never in clear.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"

namespace kg::config {
namespace {

struct EzvpnPolicy : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  void SetUp() override { run("configure terminal"); }
  void run(std::string_view l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text << " [" << s.prompt() << "]";
  }
  void refused(std::string_view l) {
    auto before = cfg.running_config_text();
    auto r = s.execute(l);
    EXPECT_FALSE(r.ok) << l;
    EXPECT_EQ(cfg.running_config_text(), before) << l;
  }
  // running-config loads with no report and prints the same (into the same
  // Config: its type 6 keys are sealed with this daemon's master key).
  void reloads() {
    std::string rc = cfg.running_config_text();
    auto path = std::filesystem::temp_directory_path() / ("kgezpol-" + std::to_string(::getpid()));
    std::ofstream(path) << rc;
    auto rep = cfg.load_file(path.string());
    std::filesystem::remove(path);
    ASSERT_TRUE(rep && rep->empty()) << (rep ? *rep : rep.error().message);
    EXPECT_EQ(cfg.running_config_text(), rc);
  }
};

TEST_F(EzvpnPolicy, LoggingAllOrPerGroup) {
  run("crypto logging ezvpn");
  EXPECT_TRUE(cfg.model().ezvpn.log_all);
  run("crypto logging ezvpn group sales");
  run("crypto logging ezvpn group eng");
  EXPECT_EQ(cfg.model().ezvpn.log_groups, (std::set<std::string>{"eng", "sales"}));
  std::string rc = cfg.running_config_text();
  EXPECT_NE(rc.find("crypto logging ezvpn\ncrypto logging ezvpn group eng\ncrypto logging ezvpn group sales\n"),
            std::string::npos) << rc;
  reloads();
  run("no crypto logging ezvpn group eng");
  EXPECT_EQ(cfg.model().ezvpn.log_groups, (std::set<std::string>{"sales"}));
  run("no crypto logging ezvpn");  // all off, as IOS's no form
  EXPECT_FALSE(cfg.model().ezvpn.log_all);
  EXPECT_TRUE(cfg.model().ezvpn.log_groups.empty());
  EXPECT_EQ(cfg.running_config_text().find("crypto logging"), std::string::npos);
}

TEST_F(EzvpnPolicy, BrowserProxyModeAndGroupLine) {
  run("crypto isakmp client configuration browser-proxy bproxy");
  EXPECT_EQ(s.prompt().find("(config-ikmp-browser-proxy)") != std::string::npos, true) << s.prompt();
  run("proxy auto-detect");
  EXPECT_EQ(cfg.model().ezvpn.browser_proxies.at("bproxy").setting, "auto-detect");
  run("proxy none");
  EXPECT_EQ(cfg.model().ezvpn.browser_proxies.at("bproxy").setting, "none");
  run("proxy server 198.18.11.1:2000");
  run("proxy exception-list 198.18.22.*,www.*org");
  run("proxy by-pass-local");
  refused("proxy server 198.18.11.1");
  refused("proxy server 198.18.11.1:70000");
  refused("proxy server bad_host:80");
  run("exit");
  run("crypto isakmp client configuration group cisco");
  run("browser-proxy bproxy");
  run("exit");
  const auto& p = cfg.model().ezvpn.browser_proxies.at("bproxy");
  EXPECT_EQ(p.setting, "server 198.18.11.1:2000");
  EXPECT_TRUE(p.bypass_local);
  std::string rc = cfg.running_config_text();
  EXPECT_NE(rc.find("crypto isakmp client configuration browser-proxy bproxy\n proxy server 198.18.11.1:2000\n"
                    " proxy exception-list 198.18.22.*,www.*org\n proxy by-pass-local\n!\n"),
            std::string::npos) << rc;
  EXPECT_NE(rc.find(" browser-proxy bproxy\n"), std::string::npos) << rc;
  reloads();
  run("no crypto isakmp client configuration browser-proxy bproxy");
  EXPECT_FALSE(cfg.model().ezvpn.browser_proxies.contains("bproxy"));
}

TEST_F(EzvpnPolicy, ClientFirewallModeAndGroupLine) {
  refused("crypto isakmp client firewall fw1 required Norton-Firewall");
  run("crypto isakmp client firewall hw-client-g-cpp required Cisco-Security-Agent");
  EXPECT_NE(s.prompt().find("(config-ikmp-client-fw)"), std::string::npos) << s.prompt();
  run("policy central-policy-push access-list in 192");
  run("policy central-policy-push access-list out sample");
  run("policy check-presence");
  run("exit");
  run("crypto isakmp client firewall zl optional zonelabs-zonealarmpro");  // IOS's names, any case
  run("exit");
  run("crypto isakmp client configuration group cisco");
  run("firewall policy hw-client-g-cpp");
  run("exit");
  const auto& f = cfg.model().ezvpn.firewalls.at("hw-client-g-cpp");
  EXPECT_TRUE(f.required);
  EXPECT_EQ(f.acl_in, "192");
  EXPECT_EQ(f.acl_out, "sample");
  EXPECT_EQ(cfg.model().ezvpn.firewalls.at("zl").type, "Zonelabs-ZonealarmPro");
  std::string rc = cfg.running_config_text();
  EXPECT_NE(rc.find("crypto isakmp client firewall hw-client-g-cpp required Cisco-Security-Agent\n"
                    " policy central-policy-push access-list in 192\n policy central-policy-push access-list out sample\n"
                    " policy check-presence\n!\n"),
            std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto isakmp client firewall zl optional Zonelabs-ZonealarmPro\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find(" firewall policy hw-client-g-cpp\n"), std::string::npos) << rc;
  reloads();
}

TEST_F(EzvpnPolicy, CryptoMapClientLines) {
  run("crypto map VPN client authentication list userlist");
  run("crypto map VPN isakmp authorization list grouplist");
  run("crypto map VPN client configuration address initiate");
  const auto& m = cfg.model().crypto_maps.at("VPN");
  EXPECT_EQ(m.client_auth_list, "userlist");
  EXPECT_EQ(m.authorization_list, "grouplist");
  EXPECT_EQ(m.config_address, "initiate");
  std::string rc = cfg.running_config_text();
  EXPECT_NE(rc.find("crypto map VPN client authentication list userlist\ncrypto map VPN isakmp authorization list grouplist\n"
                    "crypto map VPN client configuration address initiate\n"),
            std::string::npos) << rc;
  reloads();
  run("no crypto map VPN client authentication list userlist");
  run("no crypto map VPN isakmp authorization list grouplist");
  run("no crypto map VPN client configuration address initiate");
  EXPECT_FALSE(cfg.model().crypto_maps.contains("VPN"));  // nothing left of it
}

TEST_F(EzvpnPolicy, HostnameKeyIpHostAndIsakmpEnable) {
  run("crypto isakmp identity hostname");
  run("crypto isakmp key sharedkeystring hostname RemoteRouter.example.com");
  run("crypto isakmp key 0 other address 198.19.0.9");
  run("ip host RemoteRouter.example.com 198.19.0.1 198.19.0.2");
  refused("ip host bad.example.com 198.19.0.300");
  refused("crypto isakmp key k hostname two words");
  run("no crypto isakmp enable");
  const auto& keys = cfg.model().isakmp.keys;
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].hostname, "RemoteRouter.example.com");
  EXPECT_TRUE(keys[0].key.equals(as_bytes("sharedkeystring")));
  EXPECT_EQ(keys[0].address, "");
  EXPECT_FALSE(cfg.model().isakmp.enabled);
  std::string rc = cfg.running_config_text();
  EXPECT_EQ(rc.find("sharedkeystring"), std::string::npos) << rc;
  EXPECT_NE(rc.find("\nip host RemoteRouter.example.com 198.19.0.1 198.19.0.2\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("crypto isakmp key 6 "), std::string::npos) << rc;
  EXPECT_NE(rc.find(" hostname RemoteRouter.example.com\n"), std::string::npos) << rc;
  EXPECT_NE(rc.find("\nno crypto isakmp enable\n"), std::string::npos) << rc;
  reloads();
  // The same hostname again replaces its key; no removes it, not the address key.
  run("crypto isakmp key newkey hostname RemoteRouter.example.com");
  ASSERT_EQ(cfg.model().isakmp.keys.size(), 2u);
  run("no crypto isakmp key newkey hostname RemoteRouter.example.com");
  ASSERT_EQ(cfg.model().isakmp.keys.size(), 1u);
  EXPECT_EQ(cfg.model().isakmp.keys[0].address, "198.19.0.9");
  run("no ip host RemoteRouter.example.com");
  EXPECT_TRUE(cfg.model().ip_hosts.empty());
  run("crypto isakmp enable");
  EXPECT_TRUE(cfg.model().isakmp.enabled);
}

}  // namespace
}  // namespace kg::config
