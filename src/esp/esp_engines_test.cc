// The two crypto engines for ESP AES-GCM and AES-CBC + HMAC
// (crypto/crypto_engine.h) agree: on random keys, headers, counters and
// payload lengths, what one seals the other opens, both ways (GCM: bit for
// bit the same ciphertext and ICV; CBC draws a random IV per SA, RFC 3602
// §2.4); a damaged ICV, header, IV or ciphertext fails on both.
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

// AES-CBC with HMAC-SHA-1/2 on the library; HMAC-MD5, 3DES and
// ChaCha20-Poly1305 stay on OpenSSL whatever is asked.
TEST(EspEngine, WhichAlgorithmsTheLibraryRuns) {
  const bool mb = crypto::ipsec_mb_available();
  auto engine_of = [](crypto::CipherSuite s, size_t encr, size_t integ) {
    auto c = EspCipher::create(s, Secret(Bytes(encr, 1)), Secret(Bytes(integ, 2)), true, CryptoEngine::kIpsecMb);
    EXPECT_TRUE(c);
    return c ? (*c)->engine() : CryptoEngine::kOpenSsl;
  };
  const CryptoEngine lib = mb ? CryptoEngine::kIpsecMb : CryptoEngine::kOpenSsl;
  EXPECT_EQ(engine_of({crypto::Cipher::kAesCbc, 256, crypto::Mac::kHmacSha2_256_128}, 32, 32), lib);
  EXPECT_EQ(engine_of({crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha1_96}, 16, 20), lib);
  EXPECT_EQ(engine_of({crypto::Cipher::kAesCbc, 192, crypto::Mac::kHmacSha2_384_192}, 24, 48), lib);
  EXPECT_EQ(engine_of({crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha2_512_256}, 16, 64), lib);
  EXPECT_EQ(engine_of({crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacMd5_96}, 16, 16), CryptoEngine::kOpenSsl);
  EXPECT_EQ(engine_of({crypto::Cipher::k3des, 0, crypto::Mac::kHmacSha2_256_128}, 24, 32), CryptoEngine::kOpenSsl);
  const crypto::EncrAlgorithm* cc = crypto::find_encr_esp_word("esp-chacha20-poly1305");
  ASSERT_TRUE(cc);
  EXPECT_EQ(engine_of({cc->id, 0, crypto::Mac::kNone}, 36, 0), CryptoEngine::kOpenSsl);
  // Asked for OpenSSL, CBC gets OpenSSL.
  auto o = EspCipher::create({crypto::Cipher::kAesCbc, 256, crypto::Mac::kHmacSha2_256_128}, Secret(Bytes(32, 1)),
                             Secret(Bytes(32, 2)), true, CryptoEngine::kOpenSsl);
  ASSERT_TRUE(o);
  EXPECT_EQ((*o)->engine(), CryptoEngine::kOpenSsl);
}

// AES-CBC + HMAC: the transform sets IOS users write (esp-aes 128|256 with
// esp-sha-hmac, esp-sha256-hmac, esp-sha384-hmac, esp-sha512-hmac).
struct CbcCase {
  uint16_t bits;
  crypto::Mac mac;
};

class EspCbcEngines : public ::testing::TestWithParam<CbcCase> {
 protected:
  void SetUp() override {
    if (!crypto::ipsec_mb_available()) GTEST_SKIP() << "no AES-NI: only OpenSSL here";
  }
};

// A packet as the data path lays it out: SPI | seq | IV | payload | ICV in
// one buffer, at any offset.
struct CbcPacket {
  Bytes buf;
  size_t at, len, icv;
  std::span<uint8_t> hdr() { return {buf.data() + at, 8}; }
  std::span<uint8_t> iv() { return {buf.data() + at + 8, 16}; }
  std::span<uint8_t> payload() { return {buf.data() + at + 24, len}; }
  std::span<uint8_t> icv_span() { return {buf.data() + at + 24 + len, icv}; }
};

TEST_P(EspCbcEngines, EachOpensWhatTheOtherSeals) {
  const CbcCase cc = GetParam();
  const crypto::CipherSuite s{crypto::Cipher::kAesCbc, cc.bits, cc.mac};
  const crypto::IntegAlgorithm* integ = crypto::find_integ(cc.mac);
  ASSERT_TRUE(integ);
  FakeRandom rng(cc.bits + uint64_t(cc.mac));
  crypto::IpsecMbCbc::Batch batch;
  for (int round = 0; round < 4; ++round) {
    Secret ek(s.encr_key_size()), ik(integ->key_size);
    rng.fill(ek.mut());
    rng.fill(ik.mut());
    auto mb_seal = EspCipher::create(s, ek, ik, true, CryptoEngine::kIpsecMb);
    auto mb_open = EspCipher::create(s, ek, ik, false, CryptoEngine::kIpsecMb);
    auto os_seal = EspCipher::create(s, ek, ik, true, CryptoEngine::kOpenSsl);
    auto os_open = EspCipher::create(s, ek, ik, false, CryptoEngine::kOpenSsl);
    ASSERT_TRUE(mb_seal && mb_open && os_seal && os_open);
    ASSERT_EQ((*mb_seal)->engine(), CryptoEngine::kIpsecMb);
    ASSERT_EQ((*mb_open)->engine(), CryptoEngine::kIpsecMb);
    ASSERT_EQ((*mb_seal)->icv_size(), integ->icv_size);
    // Every block count up to 100 and a 9000-byte one, at every alignment.
    for (size_t blocks = 1; blocks <= 101; ++blocks) {
      const size_t len = blocks == 101 ? 16 * 563 : 16 * blocks;
      const uint64_t counter = rng.u64() >> (round % 2 ? 0 : 40);
      CbcPacket a{Bytes(64 + len + 64), blocks % 16, len, integ->icv_size}, b = a;
      rng.fill(a.hdr());
      rng.fill(a.payload());
      std::copy_n(a.hdr().data(), 8, b.hdr().data());
      std::copy_n(a.payload().data(), len, b.payload().data());
      const Bytes plain(a.payload().begin(), a.payload().end());
      ASSERT_TRUE((*mb_seal)->seal(a.hdr(), a.iv(), counter, a.payload(), a.icv_span())) << len;
      ASSERT_TRUE((*os_seal)->seal(b.hdr(), b.iv(), counter, b.payload(), b.icv_span())) << len;
      ASSERT_NE(Bytes(a.payload().begin(), a.payload().end()), plain);
      // Sealed by the library, opened by OpenSSL, and the other way.
      ASSERT_TRUE((*os_open)->open(a.hdr(), a.iv(), a.payload(), a.icv_span())) << len;
      ASSERT_TRUE((*mb_open)->open(b.hdr(), b.iv(), b.payload(), b.icv_span())) << len;
      EXPECT_EQ(Bytes(a.payload().begin(), a.payload().end()), plain) << len;
      EXPECT_EQ(Bytes(b.payload().begin(), b.payload().end()), plain) << len;
      // Sealed in a batch (the data path's outbound way), opened by OpenSSL.
      CbcPacket q = b;
      std::copy_n(plain.data(), len, q.payload().data());
      ASSERT_TRUE((*mb_seal)->seal(q.hdr(), q.iv(), counter + 1, q.payload(), q.icv_span(), &batch, 5)) << len;
      bool ok[8] = {};
      ASSERT_EQ(batch.finish(ok), 0u) << len;
      EXPECT_TRUE(ok[5]);
      ASSERT_TRUE((*os_open)->open(q.hdr(), q.iv(), q.payload(), q.icv_span())) << len;
      EXPECT_EQ(Bytes(q.payload().begin(), q.payload().end()), plain) << len;
    }
  }
}

TEST_P(EspCbcEngines, BothRejectDamage) {
  const CbcCase cc = GetParam();
  const crypto::CipherSuite s{crypto::Cipher::kAesCbc, cc.bits, cc.mac};
  const crypto::IntegAlgorithm* integ = crypto::find_integ(cc.mac);
  ASSERT_TRUE(integ);
  FakeRandom rng(11);
  Secret ek(s.encr_key_size()), ik(integ->key_size);
  rng.fill(ek.mut());
  rng.fill(ik.mut());
  const auto kAuth = PacketResult<void>(std::unexpected(Drop::kAuth));
  for (CryptoEngine sealer : {CryptoEngine::kIpsecMb, CryptoEngine::kOpenSsl}) {
    for (CryptoEngine opener : {CryptoEngine::kIpsecMb, CryptoEngine::kOpenSsl}) {
      auto e = EspCipher::create(s, ek, ik, true, sealer);
      auto d = EspCipher::create(s, ek, ik, false, opener);
      ASSERT_TRUE(e && d);
      CbcPacket p{Bytes(200), 3, 112, integ->icv_size};
      rng.fill(p.buf);
      ASSERT_TRUE((*e)->seal(p.hdr(), p.iv(), 7, p.payload(), p.icv_span()));
      for (size_t off : {size_t(0), size_t(7), size_t(8), size_t(23), size_t(24), size_t(24 + 111),
                         size_t(24 + 112), size_t(24 + 112 + integ->icv_size - 1)}) {
        CbcPacket q = p;
        q.buf[q.at + off] ^= 0x20;
        EXPECT_EQ((*d)->open(q.hdr(), q.iv(), q.payload(), q.icv_span()), kAuth) << off;
      }
      CbcPacket ok = p;
      EXPECT_TRUE((*d)->open(ok.hdr(), ok.iv(), ok.payload(), ok.icv_span()));
      // A payload that is not whole blocks: the ICV fails first (it covers the
      // length), as on OpenSSL.
      CbcPacket odd = p;
      EXPECT_FALSE((*d)->open(odd.hdr(), odd.iv(), odd.payload().first(111), odd.icv_span()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(TransformSets, EspCbcEngines,
                         ::testing::Values(CbcCase{128, crypto::Mac::kHmacSha1_96},
                                           CbcCase{128, crypto::Mac::kHmacSha2_256_128},
                                           CbcCase{256, crypto::Mac::kHmacSha2_256_128},
                                           CbcCase{256, crypto::Mac::kHmacSha2_384_192},
                                           CbcCase{256, crypto::Mac::kHmacSha2_512_256},
                                           CbcCase{192, crypto::Mac::kHmacSha1_96}));

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
