#include "crypto/ed25519.h"

#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "crypto/vector_file.h"

namespace kg::crypto {
namespace {

TEST(Ed25519, VerifiesRfc8032VectorsAndRejectsAnyChange) {
  auto vs = testing::load_vectors("ed25519_rfc8032.txt");
  ASSERT_EQ(vs.size(), 2u);
  for (const auto& v : vs) {
    Bytes pub = v.hex("public"), msg = v.hex("message"), sig = v.hex("signature");
    EXPECT_TRUE(ed25519_verify(pub, msg, sig)) << v.str("name");
    Bytes bad = sig;
    bad[10] ^= 0x01;
    EXPECT_FALSE(ed25519_verify(pub, msg, bad)) << v.str("name");
    Bytes other = msg;
    other.push_back(0);
    EXPECT_FALSE(ed25519_verify(pub, other, sig)) << v.str("name");
    EXPECT_FALSE(ed25519_verify(ByteView(pub).first(31), msg, sig));
    // The key survives its SubjectPublicKeyInfo form.
    auto back = ed25519_public_from_spki(ed25519_spki(pub));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, pub);
  }
}

TEST(Ed25519, SignsWhatVerifiesAndKeepsItsKeyInPem) {
  auto k = Ed25519Key::generate();
  ASSERT_TRUE(k) << k.error().message;
  Bytes msg = {1, 2, 3};
  auto sig = k->sign(msg);
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->size(), kEd25519SignatureSize);
  EXPECT_TRUE(ed25519_verify(k->public_raw(), msg, *sig));
  auto again = Ed25519Key::from_pem(k->private_pem());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->public_raw(), k->public_raw());
  EXPECT_EQ(*again->sign(msg), *sig);  // deterministic (RFC 8032 §5.1.6)
  EXPECT_FALSE(Ed25519Key::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
  EXPECT_FALSE(ed25519_public_from_spki(Bytes{0x30, 0x00}));
}

TEST(Digest, Sha256OfAbc) {  // FIPS 180-2 appendix B.1
  Bytes abc = {'a', 'b', 'c'};
  EXPECT_EQ(to_hex(sha256(abc)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace kg::crypto
