// Certificates, path validation and trustpoints, with a CA made in the test.
#include <gtest/gtest.h>

#include "crypto/testing/test_ca.h"
#include "crypto/trustpoint.h"

namespace kg::crypto {
namespace {

using testing::CertSpec;
using testing::KeyKind;
using testing::TestCa;
using testing::test_key;

constexpr std::time_t kNow = 1735689600;  // 2025-01-01

CertSpec leaf_spec(const std::string& cn) {
  CertSpec s;
  s.subject = {{"O", "keygate test"}, {"CN", cn}};
  s.dns = {cn};
  s.emails = {"vpn@" + cn};
  s.ips = {"198.51.100.1"};
  s.not_before = kNow - 3600;
  s.not_after = kNow + 86400;
  s.serial = 0x1234;
  return s;
}

TEST(Certificate, FactsAndIdentities) {
  auto ca = TestCa::root("Test Root", KeyKind::kEcP256, 10, kNow);
  auto key = test_key(KeyKind::kEcP256, 11);
  auto c = ca.leaf(leaf_spec("site-a.example.net"), key.get());
  EXPECT_EQ(c.subject(), "o=keygate test,cn=site-a.example.net");
  EXPECT_EQ(c.issuer(), "o=keygate test,cn=Test Root");
  EXPECT_EQ(c.serial_hex(), "1234");
  EXPECT_EQ(c.not_after(), kNow + 86400);
  EXPECT_EQ(c.key().type, KeyType::kEcP256);
  EXPECT_FALSE(c.is_ca());
  EXPECT_TRUE(ca.cert.is_ca());
  EXPECT_TRUE(ca.cert.self_issued());
  EXPECT_EQ(c.spki_sha1().size(), kCaHashSize);
  EXPECT_NE(c.spki_sha1(), ca.cert.spki_sha1());
  EXPECT_TRUE(c.has_identity(NameKind::kDnsName, as_bytes("SITE-A.example.net")));
  EXPECT_FALSE(c.has_identity(NameKind::kDnsName, as_bytes("site-b.example.net")));
  EXPECT_TRUE(c.has_identity(NameKind::kEmail, as_bytes("vpn@site-a.example.net")));
  EXPECT_TRUE(c.has_identity(NameKind::kIpAddress, Bytes{198, 51, 100, 1}));
  EXPECT_FALSE(c.has_identity(NameKind::kIpAddress, Bytes{198, 51, 100, 2}));
  EXPECT_TRUE(c.has_identity(NameKind::kDn, c.subject_der()));
  EXPECT_FALSE(c.has_identity(NameKind::kDn, ca.cert.subject_der()));
  EXPECT_FALSE(c.has_identity(NameKind::kOther, as_bytes("site-a.example.net")));
  EXPECT_EQ(dn_text(c.subject_der()).value_or(""), c.subject());
  EXPECT_FALSE(dn_text(Bytes{0x30, 0x05, 0x01}));
}

TEST(Certificate, ParsesPemBundlesAndRejectsGarbage) {
  auto ca = TestCa::root("Test Root", KeyKind::kEcP256, 10, kNow);
  auto key = test_key(KeyKind::kEcP256, 11);
  auto c = ca.leaf(leaf_spec("a.example.net"), key.get());
  auto both = Certificate::from_pem(testing::cert_pem(c) + "junk between\n" + testing::cert_pem(ca.cert));
  ASSERT_TRUE(both.has_value());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0], c);
  EXPECT_EQ((*both)[1], ca.cert);
  EXPECT_FALSE(Certificate::from_pem("not a certificate"));
  Bytes der(c.der().begin(), c.der().end());
  EXPECT_TRUE(Certificate::from_der(der));
  der.push_back(0);
  EXPECT_FALSE(Certificate::from_der(der));  // trailing byte
  der.resize(der.size() / 2);
  EXPECT_FALSE(Certificate::from_der(der));
  EXPECT_FALSE(Certificate::from_der(Bytes{}));
}

TEST(Certificate, IosTime) {
  EXPECT_EQ(ios_time(1740825722), "10:42:02 UTC Mar 1 2025");
  EXPECT_EQ(ios_time(1741775722), "10:35:22 UTC Mar 12 2025");
}

class Chain : public ::testing::Test {
 protected:
  TestCa root = TestCa::root("Test Root", KeyKind::kRsa2048, 20, kNow);
  TestCa sub = root.intermediate("Test Sub CA", KeyKind::kEcP256, 21, kNow, 7);
  TestCa other = TestCa::root("Other Root", KeyKind::kEcP256, 22, kNow);
  std::shared_ptr<EVP_PKEY> key = test_key(KeyKind::kEcP256, 23);
  std::shared_ptr<const TrustStore> store(std::vector<Certificate> anchors) {
    auto s = TrustStore::create(anchors);
    EXPECT_TRUE(s.has_value());
    return *s;
  }
};

TEST_F(Chain, DirectAndThroughIntermediate) {
  auto direct = root.leaf(leaf_spec("a.example.net"), key.get());
  auto deep = sub.leaf(leaf_spec("b.example.net"), key.get());
  auto s = store({root.cert});
  EXPECT_TRUE(s->verify(direct, {}, kNow));
  std::vector<Certificate> inter{sub.cert};
  EXPECT_TRUE(s->verify(deep, inter, kNow));
  // Without the intermediate the issuer is unknown.
  auto r = s->verify(deep, {}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kUntrusted);
  EXPECT_EQ(r.error().reason, "unable to get local issuer certificate");
  // An intermediate may itself be the trustpoint's anchor (as in IOS).
  EXPECT_TRUE(store({sub.cert})->verify(deep, {}, kNow));
}

TEST_F(Chain, OtherCaExpiredNotYetValidAndKeyUsage) {
  auto s = store({root.cert});
  auto foreign = other.leaf(leaf_spec("x.example.net"), key.get());
  auto r = s->verify(foreign, {}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kUntrusted);
  EXPECT_EQ(r.error().reason, "unable to get local issuer certificate");
  EXPECT_EQ(r.error().subject, "o=keygate test,cn=x.example.net");

  auto spec = leaf_spec("old.example.net");
  spec.not_before = kNow - 10 * 86400;
  spec.not_after = kNow - 3600;
  auto expired = root.leaf(spec, key.get());
  r = s->verify(expired, {}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kExpired);
  EXPECT_EQ(r.error().reason, "certificate has expired");
  EXPECT_EQ(r.error().not_after, kNow - 3600);
  EXPECT_TRUE(s->verify(expired, {}, kNow - 7200));  // it was valid back then

  spec = leaf_spec("new.example.net");
  spec.not_before = kNow + 86400;
  spec.not_after = kNow + 2 * 86400;
  r = s->verify(root.leaf(spec, key.get()), {}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kNotYetValid);

  spec = leaf_spec("enc.example.net");
  spec.key_usage_sign = false;
  r = s->verify(root.leaf(spec, key.get()), {}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kKeyUsage);

  // A leaf "signed" by the right name but another key.
  auto forged = issue(leaf_spec("f.example.net"), key.get(), &root.cert, other.key.get());
  r = s->verify(forged, {}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kUntrusted);
}

// A validated path is remembered (TrustStore::kMaxCached), but only for the
// same leaf with the same intermediates, inside the window in which every
// certificate of the path is valid; failures are never remembered.
TEST_F(Chain, ValidatedPathsAreCachedOnlyWhereTheyStillHold) {
  auto s = store({root.cert});
  auto spec = leaf_spec("c.example.net");
  spec.not_before = kNow - 86400;
  spec.not_after = kNow + 3600;
  auto leaf = sub.leaf(spec, key.get());
  std::vector<Certificate> inter{sub.cert};
  ASSERT_TRUE(s->verify(leaf, inter, kNow));
  EXPECT_EQ(s->cache_hits(), 0u);
  EXPECT_TRUE(s->verify(leaf, inter, kNow + 60));
  EXPECT_EQ(s->cache_hits(), 1u);
  // Past the leaf's notAfter: validated again, and it has expired.
  auto r = s->verify(leaf, inter, kNow + 7200);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kExpired);
  // Before its notBefore: not yet valid.
  r = s->verify(leaf, inter, kNow - 2 * 86400);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kNotYetValid);
  // Without the intermediate it is another path, which does not validate.
  r = s->verify(leaf, {}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kUntrusted);
  // Another store (other anchors) has its own cache.
  EXPECT_FALSE(store({other.cert})->verify(leaf, inter, kNow));
  // A failure is not remembered: a forged leaf fails every time.
  auto forged = issue(leaf_spec("f.example.net"), key.get(), &root.cert, other.key.get());
  EXPECT_FALSE(s->verify(forged, {}, kNow));
  EXPECT_FALSE(s->verify(forged, {}, kNow));
  // A cached path still has its leaf's key usage checked.
  auto enc_spec = leaf_spec("enc2.example.net");
  enc_spec.key_usage_sign = false;
  auto enc = root.leaf(enc_spec, key.get());
  for (int i = 0; i < 2; ++i) {
    r = s->verify(enc, {}, kNow);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ChainError::Kind::kKeyUsage);
  }
  EXPECT_EQ(s->cache_hits(), 2u);
}

TEST_F(Chain, TrustpointChainHashesAndRevocationPolicy) {
  Trustpoint tp;
  tp.name = "TP";
  tp.ca_certs = {root.cert, sub.cert};
  tp.trust = store(tp.ca_certs);
  tp.cert = sub.leaf(leaf_spec("me.example.net"), key.get());
  tp.signer = testing::signer_of(key.get());
  EXPECT_TRUE(tp.can_sign());
  EXPECT_TRUE(tp.signer->matches(*tp.cert));
  EXPECT_FALSE(testing::signer_of(test_key(KeyKind::kEcP256, 24).get())->matches(*tp.cert));
  auto chain = tp.chain_to_send();
  ASSERT_EQ(chain.size(), 2u);  // leaf + intermediate, not the root
  EXPECT_EQ(chain[1], sub.cert);
  auto hashes = tp.ca_hashes();
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(hashes[0], root.cert.spki_sha1());

  auto spec = leaf_spec("peer.example.net");
  spec.crl_distribution_point = true;
  auto with_cdp = root.leaf(spec, key.get());
  auto r = tp.validate(with_cdp, {}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ChainError::Kind::kRevocation);
  tp.crl_check = false;  // revocation-check none
  EXPECT_TRUE(tp.validate(with_cdp, {}, kNow));

  Trustpoint empty;
  empty.name = "EMPTY";
  EXPECT_FALSE(empty.validate(with_cdp, {}, kNow));
  EXPECT_TRUE(empty.chain_to_send().empty());
}

}  // namespace
}  // namespace kg::crypto
