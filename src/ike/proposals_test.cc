#include "ike/proposals.h"

#include <gtest/gtest.h>

namespace kg::ike {
namespace {

IkeProposalConfig gcm256_ecp256() {
  return {"p1", {{EncrId::kAesGcm16, 256}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kEcp256}};
}
IkeProposalConfig mixed() {
  return {"p2",
          {{EncrId::kAesGcm16, 128}, {EncrId::kAesCbc, 256}},
          {IntegId::kHmacSha2_256_128},
          {},
          {DhGroup::kModp2048, DhGroup::kEcp256}};
}

TEST(IkeProposals, AeadAndNonAeadAreSeparateProposals) {
  auto sa = ike_sa_payload({mixed()});
  ASSERT_EQ(sa.proposals.size(), 2u);
  for (auto& t : sa.proposals[0].transforms) EXPECT_NE(t.type, TransformType::kInteg);  // AEAD: no INTEG (§3.3)
  bool has_integ = false;
  for (auto& t : sa.proposals[1].transforms) has_integ |= t.type == TransformType::kInteg;
  EXPECT_TRUE(has_integ);
  EXPECT_EQ(sa.proposals[1].number, 2);
}

TEST(IkeProposals, ResponderPicksFirstAcceptablePeerProposal) {
  auto offered = ike_sa_payload({mixed()});
  auto r = select_ike(offered, {gcm256_ecp256(), mixed()});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 1);
  EXPECT_EQ(r->second.cipher.encr, crypto::Cipher::kAesGcm16);
  EXPECT_EQ(r->second.cipher.key_bits, 128);
  EXPECT_EQ(r->second.group, DhGroup::kModp2048);  // peer's order wins
  EXPECT_EQ(r->second.prf, crypto::Prf::kHmacSha2_256);  // derived from integrity (IOS)
}

TEST(IkeProposals, NoCommonProposal) {
  IkeProposalConfig old{"old", {{EncrId::kAesCbc, 128}}, {IntegId::kHmacSha1_96}, {}, {DhGroup::kModp1024}};
  EXPECT_FALSE(select_ike(ike_sa_payload({old}), {gcm256_ecp256()}));
  EXPECT_NE(describe(ike_sa_payload({old})).find("AES-CBC-128"), std::string::npos);
}

TEST(EspProposals, SelectsTransformSetAndPeerSpi) {
  std::vector<ChildTransformConfig> ours{{"ts1", EncrId::kAesGcm16, 256, IntegId::kNone}};
  auto offered = esp_sa_payload({{"a", EncrId::kAesCbc, 128, IntegId::kHmacSha1_96}, ours[0]}, 0xc0ffee01);
  auto c = select_esp(offered, ours);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->number, 2);
  EXPECT_EQ(c->peer_spi, 0xc0ffee01u);
  EXPECT_EQ(c->suite.encr, crypto::Cipher::kAesGcm16);
  EXPECT_FALSE(select_esp(offered, {{"x", EncrId::kAesCbc, 256, IntegId::kHmacSha1_96}}));
}

}  // namespace
}  // namespace kg::ike
