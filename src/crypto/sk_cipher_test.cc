#include "crypto/sk_cipher.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include "crypto/algorithms.h"
#include "crypto/prf.h"
#include "crypto/vector_file.h"

namespace kg::crypto {
namespace {

using testing::load_vectors;

// Returns preset bytes, so a published IV can be used.
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(Bytes b) : b_(std::move(b)) {}
  void fill(std::span<uint8_t> out) override {
    for (size_t i = 0; i < out.size(); ++i) out[i] = b_[i % b_.size()];
  }

 private:
  Bytes b_;
};

Bytes cat(ByteView a, ByteView b) {
  Bytes r(a.begin(), a.end());
  r.insert(r.end(), b.begin(), b.end());
  return r;
}

// The GCM spec vectors through SkCipher: key material = K | salt, nonce =
// salt | IV. seal() appends a pad-length byte, so its ciphertext must start
// with C; open() of IV | C | T must pass the tag check (then the last
// plaintext byte is read as a pad length).
TEST(SkCipherGcm, McGrewViegaVectors) {
  auto vs = load_vectors("gcm_mcgrew_viega.txt");
  int used = 0;
  for (const auto& v : vs) {
    const Bytes key = v.hex("K"), iv96 = v.hex("IV");
    if (iv96.size() != 12 || (key.size() != 16 && key.size() != 32)) continue;
    ++used;
    CipherSuite s{Cipher::kAesGcm16, static_cast<uint16_t>(key.size() * 8), Mac::kNone};
    const Bytes salt(iv96.begin(), iv96.begin() + 4), iv(iv96.begin() + 4, iv96.end());
    auto c = SkCipher::create(s, Secret(cat(key, salt)), Secret());
    ASSERT_TRUE(c) << v.str("name");
    FixedRandom rng(iv);
    const Bytes p = v.hex("P"), ct = v.hex("C"), aad = v.hex("A");
    auto sealed = (*c)->seal(aad, p, rng);
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->size(), (*c)->sealed_size(p.size()));
    EXPECT_EQ(to_hex(ByteView(*sealed).subspan(8, ct.size())), v.str("C")) << v.str("name");
    auto opened = (*c)->open(aad, cat(cat(iv, ct), v.hex("T")));
    const uint8_t padlen = p.back();
    if (padlen + 1u <= p.size()) {
      ASSERT_TRUE(opened) << v.str("name");
      EXPECT_EQ(*opened, Bytes(p.begin(), p.end() - padlen - 1));
    } else {
      ASSERT_FALSE(opened);
      EXPECT_EQ(opened.error().code, Errc::kInvalidSyntax) << "tag must verify; only the pad is bad";
    }
  }
  EXPECT_GE(used, 2);
}

CipherSuite chacha() { return {find_encr_ike_word("chacha20-poly1305")->id, 0, Mac::kNone}; }

// ChaCha20-Poly1305 in the SK payload (RFC 7634 §3): the same layout as
// GCM. The RFC 7634 A.2 IKEv2 example (its plaintext ends in pad length 0)
// opens and is sealed again bit for bit with its IV; RFC 8439 §2.8.2 opens
// (the tag verifies; its last byte is then read as a pad length).
TEST(SkCipherChacha, PublishedVectors) {
  const CipherSuite s = chacha();
  EXPECT_TRUE(s.aead());
  EXPECT_EQ(s.encr_key_size(), 36u);  // 256-bit key + 4-byte salt
  EXPECT_EQ(s.integ_key_size(), 0u);
  EXPECT_EQ(s.icv_size(), 16u);
  int used = 0;
  for (const auto& v : load_vectors("chacha20_poly1305.txt")) {
    SCOPED_TRACE(v.str("name"));
    ++used;
    auto c = SkCipher::create(s, Secret(cat(v.hex("K"), v.hex("SALT"))), Secret());
    ASSERT_TRUE(c);
    const Bytes p = v.hex("P"), iv = v.hex("IV"), aad = v.hex("A");
    const Bytes published = cat(cat(iv, v.hex("C")), v.hex("T"));
    auto opened = (*c)->open(aad, published);
    ASSERT_TRUE(opened) << opened.error().message;
    EXPECT_EQ(*opened, Bytes(p.begin(), p.end() - p.back() - 1));
    FixedRandom rng(iv);
    auto sealed = (*c)->seal(aad, *opened, rng);
    ASSERT_TRUE(sealed);
    if (p.back() == 0) {
      EXPECT_EQ(to_hex(*sealed), to_hex(published));
    }
    Bytes bad = published;
    bad[bad.size() - 1] ^= 1;
    auto r = (*c)->open(aad, bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kAuthFailed);
  }
  EXPECT_EQ(used, 3);
}

std::vector<CipherSuite> all_suites() {
  std::vector<CipherSuite> out{chacha()};
  for (uint16_t bits : {128, 192, 256})
    for (Cipher e : {Cipher::kAesGcm8, Cipher::kAesGcm12, Cipher::kAesGcm16}) out.push_back({e, bits, Mac::kNone});
  for (Mac i : {Mac::kHmacMd5_96, Mac::kHmacSha1_96, Mac::kHmacSha2_256_128,
                    Mac::kHmacSha2_384_192, Mac::kHmacSha2_512_256}) {
    for (uint16_t bits : {128, 192, 256}) out.push_back({Cipher::kAesCbc, bits, i});
    out.push_back({Cipher::k3des, 0, i});
  }
  return out;
}

struct Pair {
  std::unique_ptr<SkCipher> tx, rx;
};

Pair make_pair(const CipherSuite& s) {
  FakeRandom keyrng(7);
  Secret ek(s.encr_key_size()), ik(s.integ_key_size());
  keyrng.fill(ek.mut());
  keyrng.fill(ik.mut());
  auto tx = SkCipher::create(s, ek, ik);
  auto rx = SkCipher::create(s, ek, ik);
  EXPECT_TRUE(tx && rx);
  return {tx ? std::move(*tx) : nullptr, rx ? std::move(*rx) : nullptr};
}

TEST(SkCipher, RoundTripEverySuite) {
  FakeRandom rng(1);
  for (const auto& s : all_suites()) {
    SCOPED_TRACE(std::to_string(int(s.encr)) + "/" + std::to_string(s.key_bits) + "/" + std::to_string(int(s.integ)));
    ASSERT_TRUE(encr_supported(s.encr, s.key_bits));
    Pair p = make_pair(s);
    ASSERT_TRUE(p.tx && p.rx);
    const Bytes aad{0xaa, 0xbb, 0xcc};
    for (size_t n : {0, 1, 7, 15, 16, 17, 100}) {  // several messages: contexts are reused
      Bytes pt(n, static_cast<uint8_t>(n));
      auto sealed = p.tx->seal(aad, pt, rng);
      ASSERT_TRUE(sealed);
      EXPECT_EQ(sealed->size(), p.tx->sealed_size(n));
      auto opened = p.rx->open(aad, *sealed);
      ASSERT_TRUE(opened) << opened.error().message;
      EXPECT_EQ(*opened, pt);
    }
  }
}

TEST(SkCipher, TamperingFailsAuthentication) {
  FakeRandom rng(2);
  for (const auto& s : all_suites()) {
    SCOPED_TRACE(std::to_string(int(s.encr)) + "/" + std::to_string(s.key_bits) + "/" + std::to_string(int(s.integ)));
    Pair p = make_pair(s);
    const Bytes aad{1, 2, 3, 4}, pt(40, 0x5a);
    auto sealed = p.tx->seal(aad, pt, rng);
    ASSERT_TRUE(sealed);
    const size_t iv = sealed->size() - s.icv_size() - ((pt.size() + 16) / 16 * 16);
    for (size_t pos : {iv + 3, sealed->size() - 1, size_t{0}}) {  // ciphertext, ICV, IV
      Bytes bad = *sealed;
      bad[pos] ^= 0x01;
      auto r = p.rx->open(aad, bad);
      ASSERT_FALSE(r) << pos;
      EXPECT_EQ(r.error().code, Errc::kAuthFailed);
    }
    Bytes bad_aad = aad;
    bad_aad[0] ^= 0x80;
    auto r = p.rx->open(bad_aad, *sealed);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kAuthFailed);
    EXPECT_FALSE(p.rx->open(aad, ByteView(*sealed).first(5)));
  }
}

// A pad length longer than the decrypted data is INVALID_SYNTAX. seal()
// never produces one, so a misbehaving sender is emulated: one CBC block whose
// last byte says 32 bytes of padding, encrypted and MACed directly with EVP and
// the (vector-checked) HMAC PRF.
TEST(SkCipher, BadPadLengthRejected) {
  CipherSuite s{Cipher::kAesCbc, 128, Mac::kHmacSha2_256_128};
  const Bytes ek(16, 0x42), ik(32, 0x24), iv(16, 0x99), aad{9, 9};
  Bytes block(16, 0);
  block.back() = 32;
  Bytes ct(16);
  int n = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ASSERT_EQ(EVP_EncryptInit_ex2(ctx, EVP_aes_128_cbc(), ek.data(), iv.data(), nullptr), 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  ASSERT_EQ(EVP_EncryptUpdate(ctx, ct.data(), &n, block.data(), 16), 1);
  EVP_CIPHER_CTX_free(ctx);
  Bytes sealed = cat(iv, ct);
  auto icv = prf(Prf::kHmacSha2_256, ik, cat(aad, sealed));
  ASSERT_TRUE(icv);
  sealed.insert(sealed.end(), icv->view().begin(), icv->view().begin() + 16);
  auto c = SkCipher::create(s, Secret(ek), Secret(ik));
  ASSERT_TRUE(c);
  auto r = (*c)->open(aad, sealed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalidSyntax);
}

// The CBC ICV is HMAC(SK_a, aad | IV | ciphertext) truncated (RFC 7296
// §3.14, RFC 4868 §2.3), on every message: the keyed HMAC context is reused.
TEST(SkCipher, CbcIcvIsTruncatedHmacOverAadIvCiphertext) {
  CipherSuite s{Cipher::kAesCbc, 256, Mac::kHmacSha2_384_192};
  const Bytes ek(32, 1), ik(48, 2), aad{0x21, 0x20, 0x22, 0x08};
  auto c = SkCipher::create(s, Secret(ek), Secret(ik));
  ASSERT_TRUE(c);
  FakeRandom rng(5);
  for (size_t n : {3, 40}) {
    auto sealed = (*c)->seal(aad, Bytes(n, 0x77), rng);
    ASSERT_TRUE(sealed);
    const ByteView body = ByteView(*sealed).first(sealed->size() - 24);
    auto mac = prf(Prf::kHmacSha2_384, ik, cat(aad, body));
    ASSERT_TRUE(mac);
    EXPECT_EQ(to_hex(ByteView(*sealed).last(24)), to_hex(mac->view().first(24)));
  }
}

TEST(SkCipher, SizesAndSupport) {
  CipherSuite gcm{Cipher::kAesGcm16, 256, Mac::kNone};
  EXPECT_TRUE(gcm.aead());
  EXPECT_EQ(gcm.encr_key_size(), 36u);
  EXPECT_EQ(gcm.integ_key_size(), 0u);
  EXPECT_EQ(gcm.icv_size(), 16u);
  CipherSuite cbc{Cipher::kAesCbc, 128, Mac::kHmacSha2_256_128};
  EXPECT_FALSE(cbc.aead());
  EXPECT_EQ(cbc.encr_key_size(), 16u);
  EXPECT_EQ(cbc.integ_key_size(), 32u);
  EXPECT_EQ(cbc.icv_size(), 16u);
  EXPECT_EQ(integ_key_size(Mac::kHmacSha1_96), 20u);
  EXPECT_EQ(integ_icv_size(Mac::kHmacSha2_512_256), 32u);
  EXPECT_FALSE(encr_supported(Cipher::kAesCbc, 100));
  EXPECT_FALSE(integ_supported(Mac::kNone));
  EXPECT_FALSE(SkCipher::create(cbc, Secret(Bytes(15, 0)), Secret(Bytes(32, 0))));
}

}  // namespace
}  // namespace kg::crypto
