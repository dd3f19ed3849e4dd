#include "daemon/isakmp_policy.h"

#include <gtest/gtest.h>

#include "config/session.h"
#include "daemon/show_isakmp.h"

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
    "crypto ipsec transform-set TS esp-aes esp-sha-hmac",
    "crypto ipsec profile V1", " set transform-set TS", " set pfs group14", " exit",
    "interface Tunnel0", " tunnel source 198.51.100.1", " tunnel mode ipsec ipv4",
    " tunnel destination 198.51.100.2", " tunnel protection ipsec profile V1", " exit"};

TEST(IsakmpPolicy, DefaultTableOnlyWithoutConfiguredPolicies) {
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure({}));
  auto d = p.policies();
  ASSERT_EQ(d.size(), 8u);  // seed 001's table, 65507-65514
  EXPECT_EQ(d[1].priority, 65508u);
  EXPECT_EQ(d[1].auth, isakmp::P1Auth::kPreSharedKey);
  EXPECT_EQ(d[1].group, crypto::Group::kModp1536);
  cp.set_model(configure({"no crypto isakmp default policy"}));
  EXPECT_TRUE(p.policies().empty());
  cp.set_model(configure({"crypto isakmp policy 10", " encr aes 256", " hash sha256", " authentication pre-share",
                          " group 14", " lifetime 3600"}));
  auto c = p.policies();
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].key_bits, 256);
  EXPECT_EQ(c[0].hash, crypto::Prf::kHmacSha2_256);
  EXPECT_EQ(c[0].lifetime_s, 3600u);
}

TEST(IsakmpPolicy, MostSpecificKeyAndWhichTunnelsUseIsakmp) {
  auto lines = kSite;
  lines.push_back("crypto isakmp key 0 wide-key address 198.51.100.0 255.255.255.0");
  lines.push_back("crypto isakmp key 0 host-key address 198.51.100.2");
  ConfigPolicy cp;
  IsakmpPolicy p(cp);
  cp.set_model(configure(lines));
  EXPECT_TRUE(p.psk({}, ip("198.51.100.2"))->equals(as_bytes("host-key")));
  EXPECT_TRUE(p.psk({}, ip("198.51.100.7"))->equals(as_bytes("wide-key")));
  EXPECT_FALSE(p.psk({}, ip("203.0.113.7")));
  EXPECT_TRUE(p.tunnel_uses_isakmp("Tunnel0"));
  auto child = p.child_for_peer(ip("198.51.100.1"), ip("198.51.100.2"));
  ASSERT_TRUE(child);
  EXPECT_EQ(child->interface, "Tunnel0");
  EXPECT_EQ(child->pfs, ike::DhGroup::kModp2048);
  // With set ikev2-profile, or without a key for the destination: IKEv2.
  cp.set_model(configure(kSite));
  EXPECT_FALSE(p.tunnel_uses_isakmp("Tunnel0"));
  lines.push_back("crypto ipsec profile V1");
  lines.push_back(" set ikev2-profile default");
  cp.set_model(configure(lines));
  EXPECT_FALSE(p.tunnel_uses_isakmp("Tunnel0"));
}

TEST(ShowIsakmp, SaTableAsIos) {
  ikev1::IsakmpSaInfo s;
  s.conn_id = 1001;
  s.initiator = true;
  s.local = {ip("198.51.100.1"), 4500};
  s.remote = {ip("198.51.100.2"), 4500};
  s.state = "QM_IDLE";
  s.status = "ACTIVE";
  s.policy = {10, crypto::Cipher::kAesCbc, 256, crypto::Prf::kHmacSha2_256, crypto::Group::kModp2048};
  s.expire_in_s = 3599;
  s.nat = true;
  EXPECT_NE(isakmp_sa_text({s}).find("198.51.100.2    198.51.100.1    QM_IDLE           1001 ACTIVE\n"),
            std::string::npos) << isakmp_sa_text({s});
  EXPECT_NE(isakmp_sa_detail_text({s}).find("1001  198.51.100.1    198.51.100.2           ACTIVE aes  sha256 psk  14 00:59:59 N\n"),
            std::string::npos) << isakmp_sa_detail_text({s});
}

}  // namespace
}  // namespace kg::daemon
