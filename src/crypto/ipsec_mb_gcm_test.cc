// IpsecMbGcm against the GCM specification's vectors (McGrew & Viega, the
// vectors RFC 4106 builds on): nonce = salt | IV as ESP splits it.
#include "crypto/ipsec_mb_gcm.h"

#include <gtest/gtest.h>

#include "crypto/algorithms.h"
#include "crypto/crypto_engine.h"
#include "crypto/vector_file.h"

namespace kg::crypto {
namespace {

using testing::load_vectors;

TEST(IpsecMbGcm, McGrewViegaVectors) {
  if (!ipsec_mb_available()) GTEST_SKIP() << "no AES-NI: the IPsec Multi-Buffer library is not used here";
  int used = 0;
  for (const char* file : {"gcm_mcgrew_viega.txt", "gcm_mcgrew_viega_zero.txt"}) {
    for (const auto& v : load_vectors(file)) {
      const Bytes key = v.hex("K"), nonce = v.hex("IV"), aad = v.hex("A"), p = v.hex("P");
      ASSERT_EQ(nonce.size(), 12u) << v.str("name");
      auto g = IpsecMbGcm::create(key, std::span<const uint8_t, 4>(nonce.data(), 4));
      ASSERT_TRUE(g) << v.str("name");
      const std::span<const uint8_t, 8> iv(nonce.data() + 4, 8);
      Bytes text = p;
      uint8_t tag[16];
      g->seal(iv, aad, text, tag);
      EXPECT_EQ(to_hex(text), v.str("C")) << v.str("name");
      EXPECT_EQ(to_hex(ByteView(tag, 16)), v.str("T")) << v.str("name");
      EXPECT_TRUE(g->open(iv, aad, text, tag)) << v.str("name");
      EXPECT_EQ(text, p) << v.str("name");
      // Any flipped bit of tag, AAD or ciphertext fails the check.
      tag[15] ^= 0x80;
      EXPECT_FALSE(g->open(iv, aad, text, tag)) << v.str("name");
      ++used;
    }
  }
  EXPECT_EQ(used, 7);
}

TEST(IpsecMbGcm, RefusesOtherKeySizes) {
  const uint8_t salt[4] = {}, key[24] = {};
  EXPECT_FALSE(IpsecMbGcm::create(key, salt));
  EXPECT_FALSE(IpsecMbGcm::create(std::span<const uint8_t>(key, 15), salt));
}

// KEYGATE_CRYPTO=openssl forces the fallback (ctest runs this binary once
// with it set, see CMakeLists.txt); otherwise the library wins where usable.
TEST(CryptoEngine, StartUpChoiceFollowsTheEnvironment) {
  const char* e = std::getenv("KEYGATE_CRYPTO");
  if (e && std::string_view(e) == "openssl")
    EXPECT_EQ(esp_engine(), CryptoEngine::kOpenSsl);
  else
    EXPECT_EQ(esp_engine(), ipsec_mb_available() ? CryptoEngine::kIpsecMb : CryptoEngine::kOpenSsl);
  EXPECT_TRUE(engine_name(CryptoEngine::kOpenSsl).starts_with("OpenSSL 3.")) << engine_name(CryptoEngine::kOpenSsl);
  if (ipsec_mb_available()) {
    EXPECT_TRUE(engine_name(CryptoEngine::kIpsecMb).starts_with("Intel IPsec Multi-Buffer 1."));
    const CryptoEngine before = esp_engine();
    EXPECT_TRUE(select_esp_engine(CryptoEngine::kIpsecMb));
    EXPECT_EQ(esp_engine(), CryptoEngine::kIpsecMb);
    EXPECT_TRUE(select_esp_engine(before));
  }
}

// The library takes the ESP AES-GCM rows it implements (16-byte ICV, 128-
// or 256-bit key) when asked for; every other row, and every row when
// OpenSSL is asked for, stays on OpenSSL.
TEST(CryptoEngine, EspEngineForEachRegistryRow) {
  for (const auto& a : encr_algorithms()) {
    EXPECT_EQ(esp_engine_for(a, CryptoEngine::kOpenSsl), CryptoEngine::kOpenSsl) << a.name << a.key_bits;
    const bool gcm = a.backend == Backend::kAeadGcm && a.icv_size == 16 && (a.key_bits == 128 || a.key_bits == 256);
    const bool cbc = a.id == Cipher::kAesCbc;  // 128, 192 and 256 (IpsecMbCbc)
    const bool lib = ipsec_mb_available() && (gcm || cbc);
    EXPECT_EQ(esp_engine_for(a, CryptoEngine::kIpsecMb), lib ? CryptoEngine::kIpsecMb : CryptoEngine::kOpenSsl)
        << a.name << a.key_bits;
  }
  // Integrity (with AES-CBC): HMAC-SHA-1-96 and SHA-2 on the library, MD5 not.
  for (const auto& i : integ_algorithms()) {
    EXPECT_EQ(esp_engine_for(i, CryptoEngine::kOpenSsl), CryptoEngine::kOpenSsl) << i.name;
    const bool lib = ipsec_mb_available() && i.id != Mac::kHmacMd5_96;
    EXPECT_EQ(esp_engine_for(i, CryptoEngine::kIpsecMb), lib ? CryptoEngine::kIpsecMb : CryptoEngine::kOpenSsl)
        << i.name;
  }
}

}  // namespace
}  // namespace kg::crypto
