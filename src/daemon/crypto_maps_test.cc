// Crypto map entries as keygated runs them (crypto_maps.h): devices, steering,
// Quick Mode selectors from the ACL, static vs dynamic peers, and the
// IKEv1 responder's choice (IsakmpPolicy::child_for_peer).
#include "daemon/crypto_maps.h"
#include "daemon/crypto_map_steering.h"

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
  // Steered by the whole line: addresses, protocol and ports.
  ASSERT_EQ(s.child.acl.size(), 3u);
  EXPECT_EQ(steering_match(s.child.acl[0]), "ip saddr 192.0.2.0/25 ip daddr 192.0.2.128/25");
  EXPECT_EQ(steering_match(s.child.acl[1]), "");  // deny ip any any
  EXPECT_EQ(steering_match(s.child.acl[2]), "ip saddr 192.0.2.5 ip daddr 198.51.100.0/24 meta l4proto 6 th dport 443");
  auto& d = plans[1];
  EXPECT_EQ(d.device, "cm-VERY-L-65535");
  EXPECT_LE(d.device.size(), 15u);
  EXPECT_TRUE(d.dynamic);
  EXPECT_TRUE(d.peers.empty());
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
// as responder, left to the next entry and then in clear by the steering);
// set peers tried in order, any of them answered.
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
  EXPECT_EQ(crypto_map_for_peer(plans, ip("203.0.113.3")), &plans[0]);
  EXPECT_EQ(crypto_map_for_peer(plans, ip("203.0.113.4")), nullptr);
}

// The nft table of a map with two static entries: the ACL lines in order,
// a deny returning to the next entry, the tunnel's own packets and the
// decrypted ones (from a cm- device) never steered.
TEST(CryptoMaps, SteeringTable) {
  auto plans = crypto_map_plans(configure(
      {"crypto ipsec transform-set TS esp-aes esp-sha-hmac", "exit",
       "ip access-list extended A", "deny tcp any host 198.51.100.9 range 5000 5010",
       "permit tcp 203.0.113.0 0.0.0.255 198.51.100.0 0.0.0.255 eq 5001", "exit",
       "ip access-list extended B", "permit udp host 203.0.113.7 gt 1023 192.0.2.0 0.0.0.127", "permit icmp any any", "exit",
       "crypto map M+1 10 ipsec-isakmp", "set peer 192.0.2.200", "set transform-set TS", "match address A", "exit",
       "crypto map M+1 20 ipsec-isakmp", "set peer 192.0.2.201", "set transform-set TS", "match address B", "exit",
       "interface eth0", "crypto map M+1", "exit"}));
  ASSERT_EQ(plans.size(), 2u);
  std::vector<SteeredEntry> e;
  for (auto& p : plans) e.push_back({p.seq, p.device, kSteerMarkBase + uint32_t(e.size()) + 1, p.child.acl, p.peers});
  EXPECT_EQ(steering_table("M+1"), "keygate-cm-M_1");
  EXPECT_EQ(steering_ruleset("M+1", e),
            "table ip keygate-cm-M_1 {\n"
            "  chain entry-10 {\n"
            "    ip daddr 198.51.100.9 meta l4proto 6 th dport 5000-5010 counter return\n"
            "    ip saddr 203.0.113.0/24 ip daddr 198.51.100.0/24 meta l4proto 6 th dport 5001 counter meta mark set 0x4b470001 accept\n"
            "  }\n"
            "  chain entry-20 {\n"
            "    ip saddr 203.0.113.7 ip daddr 192.0.2.0/25 meta l4proto 17 th sport 1024-65535 counter meta mark set 0x4b470002 accept\n"
            "    meta l4proto 1 counter meta mark set 0x4b470002 accept\n"
            "  }\n"
            "  chain prerouting {\n"
            "    type filter hook prerouting priority mangle; policy accept;\n"
            "    iifname \"cm-*\" return\n"
            "    ip daddr { 192.0.2.200, 192.0.2.201 } udp dport { 500, 4500 } return\n"
            "    ip daddr { 192.0.2.200, 192.0.2.201 } meta l4proto 50 return\n"
            "    jump entry-10\n"
            "    jump entry-20\n"
            "  }\n"
            "  chain output {\n"
            "    type route hook output priority mangle; policy accept;\n"
            "    ip daddr { 192.0.2.200, 192.0.2.201 } udp dport { 500, 4500 } return\n"
            "    ip daddr { 192.0.2.200, 192.0.2.201 } meta l4proto 50 return\n"
            "    jump entry-10\n"
            "    jump entry-20\n"
            "  }\n"
            "}\n");
  EXPECT_EQ(steering_replace("M+1", e).substr(0, 64), "add table ip keygate-cm-M_1\ndelete table ip keygate-cm-M_1\ntable");
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
