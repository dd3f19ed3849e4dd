#include "ike/config_share.h"

#include <gtest/gtest.h>

namespace kg::ike {
namespace {

ProfileConfig profile(std::string_view psk) {
  ProfileConfig p;
  p.name = "default";
  p.local_id = Identity{IdType::kFqdn, Bytes{'h', 'u', 'b'}};
  p.local_psk = Secret(psk);
  p.remote_psk = Secret(psk);
  return p;
}

ChildConfig child(const char* remote_end) {
  ChildConfig c;
  c.interface = "Virtual-Template1";
  c.transforms = {{"GCM128", EncrId::kAesGcm16, 128, IntegId::kNone}};
  TrafficSelector ts;
  ts.start = *IpAddress::parse("10.0.0.0");
  ts.end = *IpAddress::parse(remote_end);
  c.remote_ts = {ts};
  return c;
}

TEST(ConfigShare, EqualValuesAreOneCopy) {
  ConfigShare s;
  auto a = s.share(std::optional(profile("bench-psk")));
  auto b = s.share(std::optional(profile("bench-psk")));
  EXPECT_EQ(a.get(), b.get());
  EXPECT_EQ(s.share(std::optional(child("10.0.0.255"))).get(), s.share(std::optional(child("10.0.0.255"))).get());
  std::vector<IkeProposalConfig> p{{"p1", {{EncrId::kAesGcm16, 128}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kCurve25519}}};
  SharedProposals x = s.share(p), y = s.share(p);
  EXPECT_EQ(x.identity(), y.identity());
  EXPECT_EQ(x.size(), 1u);
  EXPECT_EQ(s.share(std::optional<ProfileConfig>()), nullptr);
}

TEST(ConfigShare, DifferentValuesAreNotShared) {
  ConfigShare s;
  auto a = s.share(std::optional(profile("key-one")));
  auto b = s.share(std::optional(profile("key-two")));  // another peer's key
  EXPECT_NE(a.get(), b.get());
  EXPECT_TRUE(b->local_psk.equals(Secret("key-two").view()));
  auto c1 = s.share(std::optional(child("10.0.0.255")));
  auto c2 = s.share(std::optional(child("10.0.1.255")));
  EXPECT_NE(c1.get(), c2.get());
  EXPECT_EQ(c2->remote_ts[0].end, *IpAddress::parse("10.0.1.255"));
  std::vector<IkeProposalConfig> p{{"p1", {{EncrId::kAesGcm16, 128}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kCurve25519}}};
  auto q = p;
  q[0].groups = {DhGroup::kEcp256};
  EXPECT_NE(SharedProposals(s.share(p)).identity(), SharedProposals(s.share(q)).identity());
  // An initiator's configuration request is never compared, so never shared.
  ChildConfig r = child("10.0.0.255");
  r.config_request = ConfigRequest{};
  EXPECT_NE(s.share(std::optional(r)).get(), s.share(std::optional(r)).get());
}

TEST(ConfigShare, KeepsTheMostRecentValues) {
  ConfigShare s;
  auto first = s.share(std::optional(profile("k0")));
  for (size_t i = 1; i <= ConfigShare::kKeep; ++i) s.share(std::optional(profile("k" + std::to_string(i))));
  // k0 fell out of the list: a new copy (the SAs holding the old one keep it).
  auto again = s.share(std::optional(profile("k0")));
  EXPECT_NE(first.get(), again.get());
  EXPECT_TRUE(first->local_psk.equals(Secret("k0").view()));
}

}  // namespace
}  // namespace kg::ike
