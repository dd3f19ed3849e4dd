#include "crypto/algorithms.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/prf.h"
#include "crypto/sk_cipher.h"

namespace kg::crypto {
namespace {

// Every IOS word names exactly one row, and every row is found again by its
// own identifier and by its IKEv2 transform: the registry is the one place,
// so it must be unambiguous.
TEST(AlgorithmRegistry, WordsAndIdsAreUnique) {
  std::set<std::string> ike, esp;
  for (auto& a : encr_algorithms()) {
    EXPECT_EQ(find_encr(a.id, a.key_bits), &a) << a.name << " " << a.key_bits;
    EXPECT_EQ(find_encr_by_ikev2_id(a.ikev2_id, a.key_bits), &a) << a.name << " " << a.key_bits;
    if (!a.ike_word.empty()) {
      EXPECT_TRUE(ike.insert(std::string(a.ike_word)).second) << a.ike_word;
      EXPECT_EQ(find_encr_ike_word(a.ike_word), &a);
    }
    if (!a.esp_word.empty()) {
      std::string entry = std::string(a.esp_word) + (a.esp_word_bits ? " " + std::to_string(a.esp_word_bits) : "");
      EXPECT_TRUE(esp.insert(entry).second) << entry;
      EXPECT_EQ(find_encr_esp_word(entry), &a) << entry;
      EXPECT_TRUE(a.esp) << entry;
    }
  }
  for (auto& i : integ_algorithms()) {
    EXPECT_EQ(find_integ(i.id), &i);
    EXPECT_EQ(find_integ_by_ikev2_id(i.ikev2_id), &i);
    EXPECT_EQ(find_integ_ike_word(i.ike_word), &i);
    EXPECT_EQ(find_integ_esp_word(i.esp_word), &i);
    EXPECT_NE(find_prf(i.prf), nullptr) << i.name;
  }
  for (auto& p : prf_algorithms()) {
    EXPECT_EQ(find_prf_ike_word(p.ike_word), &p);
    EXPECT_EQ(find_prf(p.id), &p);
    EXPECT_EQ(find_prf_by_ikev2_id(p.ikev2_id), &p);
  }
  for (auto& d : dh_algorithms()) {
    EXPECT_EQ(find_dh(d.id), &d);
    EXPECT_EQ(find_dh_by_ikev2_id(d.ikev2_id), &d);
  }
  EXPECT_EQ(find_integ(Mac::kNone), nullptr);
  EXPECT_EQ(find_dh(Group::kNone), nullptr);
}

// The bare transform-set words keep their IOS meaning: esp-aes and esp-gcm
// are 128-bit; a size no row has is not a transform.
TEST(AlgorithmRegistry, BareAndSizedTransformWords) {
  ASSERT_NE(find_encr_esp_word("esp-aes"), nullptr);
  EXPECT_EQ(find_encr_esp_word("esp-aes")->key_bits, 128);
  EXPECT_EQ(find_encr_esp_word("esp-gcm")->id, Cipher::kAesGcm16);
  EXPECT_EQ(find_encr_esp_word("esp-gcm")->ikev2_id, 20);  // RFC 4106
  EXPECT_EQ(find_encr_esp_word("esp-gcm")->key_bits, 128);
  EXPECT_EQ(find_encr_esp_word("esp-3des")->key_bits, 192);
  EXPECT_EQ(find_encr_esp_word("esp-gcm 192"), nullptr);
  EXPECT_EQ(find_encr_esp_word("esp-3des 256"), nullptr);
  EXPECT_EQ(find_encr_esp_word(""), nullptr);
}

// Sizes the SK and ESP ciphers and the key schedule take from the registry.
TEST(AlgorithmRegistry, SizesFollowTheRfcs) {
  for (auto& a : encr_algorithms()) {
    if (a.aead) {
      EXPECT_EQ(a.salt_size, 4) << a.name;  // RFC 4106 §8.1, RFC 5282 §7.1
      EXPECT_EQ(a.iv_size, 8) << a.name;
      EXPECT_GE(a.icv_size, 8) << a.name;
      EXPECT_EQ(a.block_size, 4) << a.name;  // RFC 4303 §2.4 alignment
    } else {
      EXPECT_EQ(a.icv_size, 0) << a.name;
      EXPECT_EQ(a.iv_size, a.block_size) << a.name;
    }
    CipherSuite s{a.id, a.key_bits, a.aead ? Mac::kNone : Mac::kHmacSha2_256_128};
    EXPECT_EQ(s.encr_key_size(), size_t(a.key_size) + a.salt_size) << a.name;
    EXPECT_EQ(s.aead(), a.aead);
  }
  EXPECT_EQ(prf_size(Prf::kHmacSha2_384), 48u);
  EXPECT_EQ(integ_icv_size(Mac::kHmacSha2_384_192), 24u);
  EXPECT_EQ(encr_label(Cipher::kAesGcm16, 256), "AES-GCM-256");
}

TEST(AlgorithmRegistry, LegacyOnesAreTheBrokenOnes) {
  std::set<std::string> legacy;
  for (auto& a : encr_algorithms())
    if (a.legacy) legacy.insert(std::string(a.ike_word));
  for (auto& i : integ_algorithms())
    if (i.legacy) legacy.insert(std::string(i.esp_word));
  for (auto& d : dh_algorithms())
    if (d.legacy) legacy.insert(std::to_string(uint16_t(d.ikev2_id)));
  EXPECT_EQ(legacy, (std::set<std::string>{"3des", "esp-md5-hmac", "2", "5"}));
  EXPECT_EQ(legacy_warning("3des"), "% Warning: 3des is insecure and kept only for legacy peers\n");
}

}  // namespace
}  // namespace kg::crypto
