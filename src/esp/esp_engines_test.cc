// The two crypto engines for ESP AES-GCM (crypto/crypto_engine.h) agree:
// on random keys, headers, counters and payload lengths, what one seals
// the other opens, both ways, bit for bit the same ciphertext and ICV; a
// damaged ICV, header or ciphertext fails on both.
#include <gtest/gtest.h>

#include "common/random.h"
#include "crypto/algorithms.h"
#include "crypto/crypto_engine.h"
#include "crypto/ipsec_mb_gcm.h"
#include "esp/esp_cipher.h"

namespace kg::esp {
namespace {

using crypto::CryptoEngine;

crypto::CipherSuite gcm(uint16_t bits) {
  const crypto::EncrAlgorithm* a = crypto::find_encr_esp_word(bits == 256 ? "esp-gcm 256" : "esp-gcm 128");
  EXPECT_TRUE(a && a->backend == crypto::Backend::kAeadGcm);
  return {a->id, a->key_bits, crypto::Mac::kNone};
}

struct Ciphers {
  std::unique_ptr<EspCipher> seal, open;
};

Ciphers make(const crypto::CipherSuite& s, const Secret& key, CryptoEngine sealer, CryptoEngine opener) {
  auto e = EspCipher::create(s, key, Secret(), true, sealer);
  auto d = EspCipher::create(s, key, Secret(), false, opener);
  EXPECT_TRUE(e && d);
  return {std::move(*e), std::move(*d)};
}

class EspEngines : public ::testing::TestWithParam<uint16_t> {
 protected:
  void SetUp() override {
    if (!crypto::ipsec_mb_available()) GTEST_SKIP() << "no AES-NI: only OpenSSL here";
  }
};

TEST_P(EspEngines, EachOpensWhatTheOtherSeals) {
  const crypto::CipherSuite s = gcm(GetParam());
  FakeRandom rng(GetParam());
  for (int round = 0; round < 8; ++round) {
    Secret key(s.encr_key_size());
    rng.fill(key.mut());
    auto mb = make(s, key, CryptoEngine::kIpsecMb, CryptoEngine::kOpenSsl);
    auto ossl = make(s, key, CryptoEngine::kOpenSsl, CryptoEngine::kIpsecMb);
    ASSERT_EQ(mb.seal->engine(), CryptoEngine::kIpsecMb);
    ASSERT_EQ(ossl.seal->engine(), CryptoEngine::kOpenSsl);
    ASSERT_EQ(ossl.open->engine(), CryptoEngine::kIpsecMb);
    // 0 and odd lengths, around the 16-byte block and the library's
    // 4/8/16-block strides, and full-sized packets.
    for (size_t len : {0u, 1u, 2u, 3u, 15u, 16u, 17u, 63u, 64u, 65u, 127u, 255u, 256u, 257u, 511u, 1023u, 1400u,
                       1401u, 1503u, 9001u}) {
      const uint64_t counter = rng.u64() >> (round % 2 ? 0 : 32);
      Bytes hdr(round % 3 == 0 ? 12 : 8), plain(len);  // 12: the AAD with ESN (RFC 4106 §5)
      rng.fill(hdr);
      rng.fill(plain);
      Bytes a = plain, b = plain;
      uint8_t iv_a[8], iv_b[8], icv_a[16], icv_b[16];
      ASSERT_TRUE(mb.seal->seal(hdr, iv_a, counter, a, icv_a));
      ASSERT_TRUE(ossl.seal->seal(hdr, iv_b, counter, b, icv_b));
      ASSERT_EQ(to_hex(a), to_hex(b)) << len;
      ASSERT_EQ(to_hex(ByteView(icv_a, 16)), to_hex(ByteView(icv_b, 16))) << len;
      ASSERT_EQ(to_hex(ByteView(iv_a, 8)), to_hex(ByteView(iv_b, 8))) << len;
      // Sealed by the library, opened by OpenSSL, and the other way.
      ASSERT_TRUE(mb.open->open(hdr, iv_b, b, icv_b)) << len;
      ASSERT_TRUE(ossl.open->open(hdr, iv_a, a, icv_a)) << len;
      EXPECT_EQ(a, plain) << len;
      EXPECT_EQ(b, plain) << len;
    }
  }
}

TEST_P(EspEngines, BothRejectDamage) {
  const crypto::CipherSuite s = gcm(GetParam());
  FakeRandom rng(7);
  Secret key(s.encr_key_size());
  rng.fill(key.mut());
  for (CryptoEngine sealer : {CryptoEngine::kIpsecMb, CryptoEngine::kOpenSsl}) {
    for (CryptoEngine opener : {CryptoEngine::kIpsecMb, CryptoEngine::kOpenSsl}) {
      auto c = make(s, key, sealer, opener);
      uint8_t hdr[8] = {0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 1};
      Bytes plain(101);
      rng.fill(plain);
      uint8_t iv[8], icv[16];
      Bytes sealed = plain;
      ASSERT_TRUE(c.seal->seal(hdr, iv, 1, sealed, icv));
      const auto kAuth = PacketResult<void>(std::unexpected(Drop::kAuth));
      auto try_open = [&](auto damage) {
        Bytes text = sealed;
        uint8_t h[8], v[8], t[16];
        std::copy_n(hdr, 8, h), std::copy_n(iv, 8, v), std::copy_n(icv, 16, t);
        damage(text, h, v, t);
        return c.open->open(h, v, text, t);
      };
      EXPECT_EQ(try_open([](Bytes&, uint8_t*, uint8_t*, uint8_t* t) { t[0] ^= 1; }), kAuth);
      EXPECT_EQ(try_open([](Bytes&, uint8_t*, uint8_t*, uint8_t* t) { t[15] ^= 0x80; }), kAuth);
      EXPECT_EQ(try_open([](Bytes& x, uint8_t*, uint8_t*, uint8_t*) { x[50] ^= 4; }), kAuth);
      EXPECT_EQ(try_open([](Bytes&, uint8_t* h, uint8_t*, uint8_t*) { h[7] ^= 2; }), kAuth);  // seq
      EXPECT_EQ(try_open([](Bytes&, uint8_t*, uint8_t* v, uint8_t*) { v[0] ^= 1; }), kAuth);  // IV
      EXPECT_TRUE(try_open([](Bytes&, uint8_t*, uint8_t*, uint8_t*) {}));  // and undamaged it opens
    }
  }
}

INSTANTIATE_TEST_SUITE_P(KeySizes, EspEngines, ::testing::Values(uint16_t(128), uint16_t(256)));

// Only AES-GCM has a second engine: asking for the library elsewhere gets OpenSSL.
TEST(EspEngine, OtherAlgorithmsStayOnOpenSsl) {
  const crypto::CipherSuite cbc{crypto::Cipher::kAesCbc, 256, crypto::Mac::kHmacSha2_256_128};
  auto c = EspCipher::create(cbc, Secret(Bytes(32, 1)), Secret(Bytes(32, 2)), true, CryptoEngine::kIpsecMb);
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)->engine(), CryptoEngine::kOpenSsl);
  const crypto::EncrAlgorithm* cc = crypto::find_encr_esp_word("esp-chacha20-poly1305");
  ASSERT_TRUE(cc);
  auto h = EspCipher::create({cc->id, 0, crypto::Mac::kNone}, Secret(Bytes(36, 1)), Secret(), true,
                             CryptoEngine::kIpsecMb);
  ASSERT_TRUE(h);
  EXPECT_EQ((*h)->engine(), CryptoEngine::kOpenSsl);
}

// New SAs take the process's engine: the start-up choice (KEYGATE_CRYPTO).
TEST(EspEngine, NewCiphersFollowTheSelectedEngine) {
  const CryptoEngine before = crypto::esp_engine();
  auto c = EspCipher::create(gcm(128), Secret(Bytes(20, 3)), Secret(), true);
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)->engine(), before);
  ASSERT_TRUE(crypto::select_esp_engine(CryptoEngine::kOpenSsl));
  auto o = EspCipher::create(gcm(128), Secret(Bytes(20, 3)), Secret(), true);
  ASSERT_TRUE(o);
  EXPECT_EQ((*o)->engine(), CryptoEngine::kOpenSsl);
  ASSERT_TRUE(crypto::select_esp_engine(before));
}

}  // namespace
}  // namespace kg::esp
