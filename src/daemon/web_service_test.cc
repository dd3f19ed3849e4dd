#include "daemon/web_service.h"

#include <gtest/gtest.h>

namespace kg::daemon {
namespace {

config::Model configured(const std::string& text) {
  config::Config cfg;
  config::CliSession s(cfg);
  s.execute("configure terminal");
  for (size_t p = 0; p < text.size();) {
    size_t e = text.find('\n', p);
    auto r = s.execute(text.substr(p, e - p));
    EXPECT_TRUE(r.ok) << text.substr(p, e - p) << ": " << r.text;
    p = e + 1;
  }
  return cfg.model();
}

TEST(WebService, RunsOnlyWhileTheSecureServerIsConfigured) {
  EXPECT_FALSE(WebService::arguments(configured("ip http server\n"), "/s"));
  auto a = WebService::arguments(configured("hostname r1\nip http secure-server\n"), "/run/k.sock");
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, (std::vector<std::string>{"--socket", "/run/k.sock", "--port", "443", "--hostname", "r1"}));
}

TEST(WebService, PortsAndTheAccessClassReachItsCommandLine) {
  auto a = WebService::arguments(configured("ip http secure-server\nip http secure-port 8443\nip http server\n"
                                            "ip http port 8080\naccess-list 5 permit 192.0.2.0 0.0.0.255\n"
                                            "access-list 5 deny any\nip http access-class 5\n"),
                                 "/s");
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, (std::vector<std::string>{"--socket", "/s", "--port", "8443", "--hostname", "keygate", "--http-port",
                                          "8080", "--access", "permit,192.0.2.0,0.0.0.255", "--access",
                                          "deny,0.0.0.0,255.255.255.255"}));
  // A class that names no list admits nobody (the implicit deny).
  auto b = WebService::arguments(configured("ip http secure-server\nip http access-class NOPE\n"), "/s");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->back(), "deny,0.0.0.0,255.255.255.255");
}

}  // namespace
}  // namespace kg::daemon
