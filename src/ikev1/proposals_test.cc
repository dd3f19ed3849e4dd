#include <gtest/gtest.h>

#include "ikev1/engine_impl.h"
#include "ikev1/transform_ids.h"

namespace kg::ikev1 {
namespace {

using crypto::Cipher;
using crypto::Group;
using crypto::Prf;

TEST(Ikev1Proposals, ResponderPrefersItsOwnPriorityOrder) {
  std::vector<IsakmpPolicy> peer = {{1, Cipher::k3des, 192, Prf::kHmacSha1, Group::kModp1024},
                                    {2, Cipher::kAesCbc, 128, Prf::kHmacSha1, Group::kModp1536, isakmp::P1Auth::kPreSharedKey, 3600}};
  std::vector<IsakmpPolicy> ours = {{5, Cipher::kAesCbc, 128, Prf::kHmacSha1, Group::kModp1536},
                                    {9, Cipher::k3des, 192, Prf::kHmacSha1, Group::kModp1024}};
  auto c = choose_phase1(phase1_sa(peer), ours);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->policy.priority, 5u);
  EXPECT_EQ(c->policy.lifetime_s, 3600u);  // the shorter lifetime, the peer's
  EXPECT_EQ(c->transform.number, 2);
  EXPECT_EQ(c->proposal.transforms.size(), 1u);
  auto back = accepted_phase1({isakmp::kDoiIpsec, isakmp::kSitIdentityOnly, {c->proposal}}, peer);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->priority, 2u);
}

TEST(Ikev1Proposals, KeyLengthGroupAndAuthMustMatch) {
  IsakmpPolicy p{1, Cipher::kAesCbc, 256, Prf::kHmacSha2_256, Group::kModp2048};
  for (auto change : {0, 1, 2, 3}) {
    IsakmpPolicy q = p;
    if (change == 0) q.key_bits = 128;
    if (change == 1) q.group = Group::kEcp256;
    if (change == 2) q.auth = isakmp::P1Auth::kRsaSig;
    if (change == 3) q.hash = Prf::kHmacSha1;
    EXPECT_FALSE(choose_phase1(phase1_sa({q}), {p})) << change;
  }
  EXPECT_TRUE(choose_phase1(phase1_sa({p}), {p}));
}

TEST(Ikev1Proposals, Phase2ChoosesTransformSetAndPfs) {
  ike::ChildConfig ours;
  ours.transforms = {{"gcm", ike::EncrId::kAesGcm16, 256, ike::IntegId::kNone},
                     {"cbc", ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha2_256_128}};
  ike::ChildConfig peer;
  peer.transforms = {{"cbc", ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha2_256_128}};
  peer.pfs = ike::DhGroup::kEcp256;
  auto offer = phase2_sa(peer, 0x01020304, true);
  auto c = choose_phase2(offer, ours);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->suite.encr, Cipher::kAesCbc);
  EXPECT_EQ(c->suite.integ, crypto::Mac::kHmacSha2_256_128);
  EXPECT_EQ(c->peer_spi, 0x01020304u);
  EXPECT_EQ(c->pfs, Group::kEcp256);
  EXPECT_EQ(offer.proposals[0].transforms[0].attr(isakmp::P2Attr::kEncapsulationMode), 3u);
  // We require PFS group 14: the peer's group 19 is refused.
  ours.pfs = ike::DhGroup::kModp2048;
  EXPECT_FALSE(choose_phase2(offer, ours));
  // GCM carries no authentication algorithm attribute.
  auto gcm = phase2_sa({.transforms = {{"gcm", ike::EncrId::kAesGcm16, 256, ike::IntegId::kNone}}}, 5, false);
  EXPECT_FALSE(gcm.proposals[0].transforms[0].attr(isakmp::P2Attr::kAuthAlgorithm));
  ours.pfs = ike::DhGroup::kNone;
  auto g = choose_phase2(gcm, ours);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->suite.encr, Cipher::kAesGcm16);
}

TEST(Ikev1Proposals, ClientIdsSubnetOrRange) {
  TrafficSelector net;
  net.start = *IpAddress::parse("198.18.4.0");
  net.end = *IpAddress::parse("198.18.4.255");
  auto id = client_id(net);
  EXPECT_EQ(id.type, isakmp::IdType::kIpv4AddrSubnet);
  EXPECT_EQ(to_hex(id.data), "c6120400ffffff00");
  EXPECT_EQ(selector_of(id), net);
  TrafficSelector odd = net;
  odd.end = *IpAddress::parse("198.18.4.9");
  auto r = client_id(odd);
  EXPECT_EQ(r.type, isakmp::IdType::kIpv4AddrRange);
  EXPECT_EQ(selector_of(r), odd);
}

TEST(Ikev1TransformIds, RegistryColumns) {
  EXPECT_EQ(p1_encr(Cipher::kAesCbc), 7);
  EXPECT_EQ(p1_encr(Cipher::k3des), 5);
  EXPECT_EQ(p1_hash(Prf::kHmacSha1), 2);
  EXPECT_EQ(p1_hash(Prf::kHmacSha2_256), 4);
  EXPECT_EQ(p1_prf(1), Prf::kHmacMd5);
  EXPECT_EQ(esp_transform(Cipher::kAesGcm16), 20);
  EXPECT_EQ(p2_auth(crypto::Mac::kHmacSha2_256_128), 5);
  EXPECT_EQ(group_number(Group::kModp1536), 5);
  EXPECT_EQ(crypto_group(14), Group::kModp2048);
}

}  // namespace
}  // namespace kg::ikev1
