// CertCache: the same bytes give the same parsed certificate, the cache stays
// within its bound, and trust is still decided on every use.
#include "crypto/cert_cache.h"

#include <gtest/gtest.h>

#include "crypto/testing/test_ca.h"
#include "crypto/trust_store.h"

namespace kg::crypto {
namespace {

using testing::CertSpec;
using testing::KeyKind;
using testing::TestCa;
using testing::test_key;

constexpr std::time_t kNow = 1735689600;  // 2025-01-01

Certificate leaf(const TestCa& ca, const std::string& cn, long serial, std::time_t not_after = kNow + 86400) {
  CertSpec s;
  s.subject = {{"O", "keygate test"}, {"CN", cn}};
  s.dns = {cn};
  s.not_before = kNow - 3600;
  s.not_after = not_after;
  s.serial = serial;
  return ca.leaf(s, test_key(KeyKind::kEcP256, 11).get());
}

TEST(CertCache, SameBytesGiveTheSameParse) {
  auto ca = TestCa::root("Test Root", KeyKind::kEcP256, 10, kNow);
  auto c = leaf(ca, "a.example.net", 1);
  Bytes der(c.der().begin(), c.der().end());  // a copy, as a CERT payload would carry
  CertCache cache;
  auto first = cache.parse(der);
  ASSERT_TRUE(first);
  auto again = cache.parse(Bytes(der));
  ASSERT_TRUE(again);
  EXPECT_EQ(first->x509(), again->x509());
  EXPECT_EQ(*again, c);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_EQ(again->subject(), "o=keygate test,cn=a.example.net");
}

TEST(CertCache, KeepsTheMostRecentlyUsedWithinItsBound) {
  auto ca = TestCa::root("Test Root", KeyKind::kEcP256, 10, kNow);
  auto a = leaf(ca, "a.example.net", 1), b = leaf(ca, "b.example.net", 2), c = leaf(ca, "c.example.net", 3);
  CertCache cache(2);
  ASSERT_TRUE(cache.parse(a.der()));
  ASSERT_TRUE(cache.parse(b.der()));
  ASSERT_TRUE(cache.parse(a.der()));  // a is now the most recent
  ASSERT_TRUE(cache.parse(c.der()));  // evicts b
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.hits(), 1u);
  ASSERT_TRUE(cache.parse(a.der()));
  EXPECT_EQ(cache.hits(), 2u);
  ASSERT_TRUE(cache.parse(b.der()));
  EXPECT_EQ(cache.hits(), 2u);  // b was parsed again
  EXPECT_EQ(cache.size(), 2u);
}

TEST(CertCache, DoesNotRememberGarbageOrATruncatedCertificate) {
  auto ca = TestCa::root("Test Root", KeyKind::kEcP256, 10, kNow);
  auto a = leaf(ca, "a.example.net", 1);
  CertCache cache;
  EXPECT_FALSE(cache.parse(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}));
  EXPECT_FALSE(cache.parse(a.der().first(a.der().size() - 1)));
  Bytes trailing(a.der().begin(), a.der().end());
  trailing.push_back(0);
  EXPECT_FALSE(cache.parse(trailing));
  EXPECT_EQ(cache.size(), 0u);
  ASSERT_TRUE(cache.parse(a.der()));
  EXPECT_FALSE(cache.parse(trailing));  // a prefix match is no match
}

TEST(CertCache, ACachedCertificateIsStillValidatedEachTime) {
  auto ca = TestCa::root("Test Root", KeyKind::kEcP256, 10, kNow);
  auto other = TestCa::root("Other Root", KeyKind::kEcP256, 12, kNow);
  auto c = leaf(ca, "a.example.net", 1, kNow + 60);
  auto store = TrustStore::create(std::vector<Certificate>{ca.cert});
  auto foreign = TrustStore::create(std::vector<Certificate>{other.cert});
  ASSERT_TRUE(store && foreign);
  CertCache cache;
  auto p1 = cache.parse(c.der());
  ASSERT_TRUE(p1);
  EXPECT_TRUE((*store)->verify(*p1, {}, kNow));
  auto p2 = cache.parse(c.der());
  ASSERT_TRUE(p2);
  auto expired = (*store)->verify(*p2, {}, kNow + 3600);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().kind, ChainError::Kind::kExpired);
  EXPECT_FALSE((*foreign)->verify(*p2, {}, kNow));
  EXPECT_TRUE((*store)->verify(*cache.parse(c.der()), {}, kNow));
}

}  // namespace
}  // namespace kg::crypto
