#include "crypto/dh.h"

#include <gtest/gtest.h>

#include "crypto/algorithms.h"
#include "crypto/vector_file.h"

namespace kg::crypto {
namespace {

using testing::load_vectors;

Bytes cat(ByteView a, ByteView b) {
  Bytes r(a.begin(), a.end());
  r.insert(r.end(), b.begin(), b.end());
  return r;
}

TEST(Dh, X25519Rfc7748) {
  auto vs = load_vectors("x25519.txt");
  ASSERT_EQ(vs.size(), 1u);
  const auto& v = vs[0];
  auto alice = KeyExchange::from_private(Group::kCurve25519, v.hex("alice_priv"));
  auto bob = KeyExchange::from_private(Group::kCurve25519, v.hex("bob_priv"));
  ASSERT_TRUE(alice && bob);
  EXPECT_EQ(to_hex((*alice)->public_value()), v.str("alice_pub"));
  EXPECT_EQ(to_hex((*bob)->public_value()), v.str("bob_pub"));
  auto s1 = (*alice)->shared_secret(v.hex("bob_pub"));
  auto s2 = (*bob)->shared_secret(v.hex("alice_pub"));
  ASSERT_TRUE(s1 && s2);
  EXPECT_EQ(to_hex(s1->view()), v.str("shared"));
  EXPECT_EQ(to_hex(s2->view()), v.str("shared"));
  // A low-order point gives an all-zero secret, which must be refused (RFC 7748 §6.1).
  EXPECT_FALSE((*alice)->shared_secret(Bytes(32, 0)));
}

TEST(Dh, EcpRfc5903) {
  for (const auto& v : load_vectors("ecp.txt")) {
    // The vector files number groups as IKEv2 does; the registry translates.
    const DhAlgorithm* row = find_dh_by_ikev2_id(uint16_t(std::stoi(v.str("group"))));
    ASSERT_TRUE(row) << v.str("source");
    Group g = row->id;
    auto i = KeyExchange::from_private(g, v.hex("i"));
    auto r = KeyExchange::from_private(g, v.hex("r"));
    ASSERT_TRUE(i && r) << v.str("source");
    const Bytes gi = cat(v.hex("gix"), v.hex("giy")), gr = cat(v.hex("grx"), v.hex("gry"));
    EXPECT_EQ((*i)->public_value(), gi);
    EXPECT_EQ((*r)->public_value(), gr);
    EXPECT_EQ(gi.size(), dh_public_size(g));
    auto s1 = (*i)->shared_secret(gr);
    auto s2 = (*r)->shared_secret(gi);
    ASSERT_TRUE(s1 && s2);
    EXPECT_EQ(to_hex(s1->view()), v.str("girx"));
    EXPECT_EQ(to_hex(s2->view()), v.str("girx"));
    // A point off the curve (y changed) is refused.
    Bytes bad = gr;
    bad.back() ^= 1;
    auto e = (*i)->shared_secret(bad);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::kInvalidSyntax);
  }
}

// Two parties agree for every supported group; wrong-length and degenerate
// peer values are rejected.
class DhAgreement : public ::testing::TestWithParam<Group> {};

TEST_P(DhAgreement, TwoPartiesAgree) {
  const Group g = GetParam();
  ASSERT_TRUE(dh_supported(g));
  auto a = KeyExchange::generate(g);
  auto b = KeyExchange::generate(g);
  ASSERT_TRUE(a && b);
  EXPECT_EQ((*a)->group(), g);
  const Bytes pa = (*a)->public_value(), pb = (*b)->public_value();
  ASSERT_EQ(pa.size(), dh_public_size(g));
  ASSERT_EQ(pb.size(), dh_public_size(g));
  auto s1 = (*a)->shared_secret(pb);
  auto s2 = (*b)->shared_secret(pa);
  ASSERT_TRUE(s1 && s2);
  EXPECT_EQ(to_hex(s1->view()), to_hex(s2->view()));
  const size_t expect = g == Group::kEcp256 ? 32 : g == Group::kEcp384 ? 48 : g == Group::kEcp521 ? 66
                        : g == Group::kCurve25519 ? 32 : dh_public_size(g);
  EXPECT_EQ(s1->size(), expect);

  Bytes shorter(pb.begin(), pb.end() - 1);
  auto e = (*a)->shared_secret(shorter);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::kInvalidSyntax);
  Bytes longer = pb;
  longer.push_back(0);
  EXPECT_FALSE((*a)->shared_secret(longer));
  if (g != Group::kCurve25519) {
    Bytes one(pb.size(), 0);
    one.back() = 1;  // y = 1 (MODP) / not a curve point (ECP)
    EXPECT_FALSE((*a)->shared_secret(one));
  }
}

INSTANTIATE_TEST_SUITE_P(Groups, DhAgreement,
                         ::testing::Values(Group::kModp1024, Group::kModp1536, Group::kModp2048,
                                           Group::kModp3072, Group::kModp4096, Group::kEcp256,
                                           Group::kEcp384, Group::kEcp521, Group::kCurve25519));

TEST(Dh, Modp14FixedExponentMatchesGenerated) {
  Bytes x(32, 0);
  x.back() = 2;  // g^2 = 4: the public value is 4 left-padded to 256 bytes
  auto k = KeyExchange::from_private(Group::kModp2048, x);
  ASSERT_TRUE(k);
  Bytes expect(256, 0);
  expect.back() = 4;
  EXPECT_EQ((*k)->public_value(), expect);
}

TEST(Dh, UnsupportedGroup) {
  EXPECT_FALSE(dh_supported(Group::kNone));
  EXPECT_FALSE(KeyExchange::generate(Group::kNone));
}

}  // namespace
}  // namespace kg::crypto
