// Crypto map entries as keygated runs them (crypto_maps.h): devices, routes,
// Quick Mode selectors from the ACL, static vs dynamic peers, and the
// IKEv1 responder's choice (IsakmpPolicy::child_for_peer).
#include "daemon/crypto_maps.h"

#include <gtest/gtest.h>

#include "config/session.h"
#include "daemon/isakmp_policy.h"

namespace kg::daemon {
namespace {

config::Model configure(const std::vector<std::string>& lines) {
  config::Config c;
  config::CliSession s(c);
  for (auto& l : std::vector<std::string>{"enable", "configure terminal"}) s.execute(l);
  for (auto& l : lines) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
  }
  return c.model();
}

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

const std::vector<std::string> kSite = {
    "crypto ipsec transform-set TS esp-aes esp-sha-hmac", "exit",
    "access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127",
    "access-list 101 deny ip any any",
    "access-list 101 permit tcp host 192.0.2.5 198.51.100.0 0.0.0.255 eq 443",
    "crypto dynamic-map DYN 10", "set transform-set TS", "exit",
    "crypto map VERY-LONG-MAP-NAME 10 ipsec-isakmp", "set peer 203.0.113.2", "set transform-set TS", "set pfs group14",
    "set security-association lifetime seconds 1800", "match address 101", "exit",
    "crypto map VERY-LONG-MAP-NAME 20 ipsec-isakmp", "set peer 203.0.113.9", "exit",  // no transform set: skipped
    "crypto map VERY-LONG-MAP-NAME 65535 ipsec-isakmp dynamic DYN",
    "interface eth0", "crypto map VERY-LONG-MAP-NAME", "exit"};

TEST(CryptoMaps, PlansFromTheConfiguration) {
  auto plans = crypto_map_plans(configure(kSite));
  ASSERT_EQ(plans.size(), 2u);
  auto& s = plans[0];
  EXPECT_EQ(s.device, "cm-VERY-LONG-10");
  EXPECT_LE(s.device.size(), 15u);
  EXPECT_EQ(s.interface, "eth0");
  EXPECT_EQ(s.peer, ip("203.0.113.2"));
  EXPECT_FALSE(s.dynamic);
  EXPECT_EQ(s.child.interface, s.device);
  EXPECT_EQ(s.child.lifetime_s, 1800u);
  EXPECT_EQ(s.child.pfs, ike::DhGroup::kModp2048);
  ASSERT_EQ(s.child.local_ts.size(), 2u);  // the permit entries only
  EXPECT_EQ(s.child.local_ts[0].start, ip("192.0.2.0"));
  EXPECT_EQ(s.child.local_ts[0].end, ip("192.0.2.127"));
  EXPECT_EQ(s.child.remote_ts[0].start, ip("192.0.2.128"));
  EXPECT_EQ(s.child.remote_ts[0].end, ip("192.0.2.255"));
  EXPECT_EQ(s.child.remote_ts[1].ip_protocol, 6);
  EXPECT_EQ(s.child.remote_ts[1].start_port, 443);
  EXPECT_EQ(s.child.remote_ts[1].end_port, 443);
  EXPECT_EQ(s.child.local_ts[1].start, ip("192.0.2.5"));
  ASSERT_EQ(s.routes.size(), 2u);
  EXPECT_EQ(s.routes[0].str(), "192.0.2.128/25");
  EXPECT_EQ(s.routes[1].str(), "198.51.100.0/24");
  auto& d = plans[1];
  EXPECT_EQ(d.device, "cm-VERY-L-65535");
  EXPECT_LE(d.device.size(), 15u);
  EXPECT_TRUE(d.dynamic);
  EXPECT_FALSE(d.peer);
  EXPECT_TRUE(d.routes.empty());
  EXPECT_EQ(crypto_map_for_peer(plans, ip("203.0.113.2")), &plans[0]);
  EXPECT_EQ(crypto_map_for_peer(plans, ip("203.0.113.77")), &plans[1]);
}

TEST(CryptoMaps, NotAppliedOrShutNothing) {
  auto lines = kSite;
  lines.pop_back();
  lines.pop_back();  // no `crypto map` under the interface
  EXPECT_TRUE(crypto_map_plans(configure(lines)).empty());
  auto shut = kSite;
  shut.insert(shut.end() - 1, "shutdown");
  EXPECT_TRUE(crypto_map_plans(configure(shut)).empty());
}

TEST(CryptoMaps, SameNegotiation) {
  auto a = crypto_map_plans(configure(kSite));
  auto lines = kSite;
  lines.insert(lines.end() - 3, "access-list 101 permit ip host 192.0.2.9 host 192.0.2.200");
  auto b = crypto_map_plans(configure(lines));
  EXPECT_TRUE(same_negotiation(a[0], a[0]));
  EXPECT_FALSE(same_negotiation(a[0], b[0]));  // another selector
  EXPECT_TRUE(same_negotiation(a[1], b[1]));
}

TEST(CryptoMaps, IsakmpResponderFindsTheEntry) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure(kSite));
  auto c = p.child_for_peer(ip("198.51.100.1"), ip("203.0.113.2"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->interface, "cm-VERY-LONG-10");
  c = p.child_for_peer(ip("198.51.100.1"), ip("203.0.113.50"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->interface, "cm-VERY-L-65535");
}

}  // namespace
}  // namespace kg::daemon
