// The edge between IKEv2 numbers and the crypto layer's identifiers: every
// registry row goes both ways, IDs keygate lacks have no crypto identifier,
// and the signature AUTH methods map as RFC 7296 §3.8, RFC 4754 and RFC 7427
// number them.
#include "ike/transform_ids.h"

#include <gtest/gtest.h>

#include "crypto/algorithms.h"
#include "crypto/vector_file.h"
#include "wire/ike/payloads.h"

namespace kg::ike {
namespace {

TEST(TransformIds, EveryRegistryRowRoundTrips) {
  for (auto& a : crypto::encr_algorithms()) {
    EXPECT_EQ(uint16_t(encr_id(a.id)), a.ikev2_id) << a.name;
    EXPECT_EQ(crypto_cipher(EncrId(a.ikev2_id), a.key_bits), a.id) << a.name << " " << a.key_bits;
  }
  for (auto& a : crypto::integ_algorithms()) {
    EXPECT_EQ(uint16_t(integ_id(a.id)), a.ikev2_id) << a.name;
    EXPECT_EQ(crypto_mac(IntegId(a.ikev2_id)), a.id) << a.name;
  }
  for (auto& a : crypto::prf_algorithms()) {
    EXPECT_EQ(uint16_t(prf_id(a.id)), a.ikev2_id) << a.name;
    EXPECT_EQ(crypto_prf(PrfId(a.ikev2_id)), a.id) << a.name;
  }
  for (auto& a : crypto::dh_algorithms()) {
    EXPECT_EQ(uint16_t(dh_group(a.id)), a.ikev2_id) << a.name;
    EXPECT_EQ(crypto_group(DhGroup(a.ikev2_id)), a.id) << a.name;
    EXPECT_TRUE(dh_supported(DhGroup(a.ikev2_id))) << a.name;
  }
}

TEST(TransformIds, TheIanaNumbersStay) {
  // Wire bytes must not move: spot checks against RFC 7296 §3.3.2 and RFC 7634.
  EXPECT_EQ(encr_id(crypto::Cipher::kAesGcm16), EncrId::kAesGcm16);
  EXPECT_EQ(uint16_t(encr_id(crypto::Cipher::kChacha20Poly1305)), 28);
  EXPECT_EQ(integ_id(crypto::Mac::kHmacSha2_256_128), IntegId::kHmacSha2_256_128);
  EXPECT_EQ(integ_id(crypto::Mac::kNone), IntegId::kNone);
  EXPECT_EQ(prf_id(crypto::Prf::kHmacSha2_512), PrfId::kHmacSha2_512);
  EXPECT_EQ(dh_group(crypto::Group::kCurve25519), DhGroup::kCurve25519);
  EXPECT_EQ(dh_group(crypto::Group::kNone), DhGroup::kNone);
}

TEST(TransformIds, UnknownIdsHaveNoCryptoIdentifier) {
  EXPECT_FALSE(crypto_cipher(EncrId(2), 0));             // ENCR_DES
  EXPECT_FALSE(crypto_cipher(EncrId::kAesCbc, 512));     // no such key size
  EXPECT_FALSE(crypto_mac(IntegId(5)));                  // AUTH_AES_XCBC_96
  EXPECT_FALSE(crypto_prf(PrfId(4)));                    // PRF_AES128_XCBC
  EXPECT_FALSE(crypto_group(DhGroup(1)));                // MODP 768
  EXPECT_EQ(crypto_mac(IntegId::kNone), crypto::Mac::kNone);
  EXPECT_FALSE(dh_supported(DhGroup(1)));
  EXPECT_FALSE(key_exchange(DhGroup(1)));
  EXPECT_FALSE(key_exchange(DhGroup::kNone));
}

TEST(TransformIds, SignatureAuthMethods) {
  for (auto m : {AuthMethod::kRsaSig, AuthMethod::kEcdsa256, AuthMethod::kEcdsa384, AuthMethod::kEcdsa521,
                 AuthMethod::kDigitalSignature}) {
    auto f = sig_format(m);
    ASSERT_TRUE(f) << int(m);
    EXPECT_EQ(auth_method(*f), m);
  }
  // Shared key and DSS are not signature methods keygate verifies.
  EXPECT_FALSE(sig_format(AuthMethod::kSharedKeyMic));
  EXPECT_FALSE(sig_format(AuthMethod::kDssSig));
  EXPECT_EQ(name_kind(IdType::kFqdn), crypto::NameKind::kDnsName);
  EXPECT_EQ(name_kind(IdType::kIpv6Addr), crypto::NameKind::kIpAddress);
  EXPECT_EQ(name_kind(IdType::kKeyId), crypto::NameKind::kOther);
}

// RFC 4754 §8: the vectors' AUTH methods are ours, and our AUTH payload
// (generic header, method, r|s) is the one the RFC shows.
TEST(TransformIds, Rfc4754AuthPayloads) {
  auto v = crypto::testing::load_vectors("ecdsa_rfc4754.txt");
  ASSERT_EQ(v.size(), 3u);
  for (auto& rec : v) {
    auto m = AuthMethod(std::stoi(rec.str("method")));
    auto f = sig_format(m);
    ASSERT_TRUE(f) << rec.str("curve");
    EXPECT_EQ(*f, rec.str("curve") == "P-256"   ? crypto::SigFormat::kEcdsaP256Sha256
                  : rec.str("curve") == "P-384" ? crypto::SigFormat::kEcdsaP384Sha384
                                                : crypto::SigFormat::kEcdsaP521Sha512);
    Bytes sig = rec.hex("r");
    Bytes s = rec.hex("s");
    sig.insert(sig.end(), s.begin(), s.end());
    ByteWriter w;
    write_payload_chain({{PayloadType::kAuth, AuthPayload{m, sig}}}, w);
    Bytes head = rec.hex("payload");
    EXPECT_TRUE(std::equal(head.begin() + 2, head.end(), w.data().begin() + 2)) << to_hex(w.data());
  }
}

}  // namespace
}  // namespace kg::ike
