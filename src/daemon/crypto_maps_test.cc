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
  EXPECT_EQ(s.peers, std::vector<IpAddress>{ip("203.0.113.2")});
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
  EXPECT_TRUE(d.peers.empty());
  EXPECT_TRUE(d.routes.empty());
  EXPECT_EQ(crypto_map_for_peer(plans, ip("203.0.113.2")), &plans[0]);
  EXPECT_EQ(crypto_map_for_peer(plans, ip("203.0.113.77")), &plans[1]);
  EXPECT_FALSE(s.aggressive);
}

// set isakmp-profile P, P with initiate mode aggressive: the entry's phase 1
// is initiated in Aggressive Mode.
TEST(CryptoMaps, IsakmpProfileInitiatesAggressiveMode) {
  auto lines = kSite;
  for (auto l : {"crypto isakmp profile AM", "initiate mode aggressive", "exit",
                 "crypto map VERY-LONG-MAP-NAME 10 ipsec-isakmp", "set isakmp-profile AM", "exit"})
    lines.push_back(l);
  auto plans = crypto_map_plans(configure(lines));
  ASSERT_EQ(plans.size(), 2u);
  EXPECT_TRUE(plans[0].aggressive);
  EXPECT_FALSE(plans[1].aggressive);
}

// IOS: each permit line its own SA; a deny line is not protected (refused
// as responder, routed past the device when it lies inside a permit's
// destination); set peers tried in order, any of them answered.
TEST(CryptoMaps, DenyLinesAndSeveralPeers) {
  auto plans = crypto_map_plans(configure(
      {"crypto ipsec transform-set TS esp-aes esp-sha-hmac", "exit",
       "ip access-list extended VPN", "deny ip 192.0.2.0 0.0.0.127 host 192.0.2.130",
       "permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.63", "permit ip 192.0.2.0 0.0.0.127 192.0.2.192 0.0.0.63",
       "deny ip any 198.51.100.0 0.0.0.255", "exit",
       "crypto map M 10 ipsec-isakmp", "set peer 203.0.113.2", "set peer 203.0.113.3", "set transform-set TS",
       "match address VPN", "exit", "interface eth0", "crypto map M", "exit"}));
  ASSERT_EQ(plans.size(), 1u);
  auto& p = plans[0];
  EXPECT_EQ(p.peers, (std::vector<IpAddress>{ip("203.0.113.2"), ip("203.0.113.3")}));
  ASSERT_EQ(p.child.local_ts.size(), 2u);
  ASSERT_EQ(p.child.acl.size(), 4u);
  EXPECT_FALSE(p.child.acl[0].permit);
  EXPECT_EQ(p.child.acl[0].remote.start, ip("192.0.2.130"));
  ASSERT_EQ(p.routes.size(), 2u);
  EXPECT_EQ(p.routes[0].str(), "192.0.2.128/26");
  EXPECT_EQ(p.routes[1].str(), "192.0.2.192/26");
  // The last deny holds no permit's destination: nothing to route past.
  ASSERT_EQ(p.clear_routes.size(), 1u);
  EXPECT_EQ(p.clear_routes[0].str(), "192.0.2.130/32");
  EXPECT_EQ(crypto_map_for_peer(plans, ip("203.0.113.3")), &plans[0]);
  EXPECT_EQ(crypto_map_for_peer(plans, ip("203.0.113.4")), nullptr);
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
