#include "crypto/ikev1_keys.h"

#include <gtest/gtest.h>

#include "crypto/algorithms.h"
#include "crypto/vector_file.h"

namespace kg::crypto::ikev1 {
namespace {

using testing::load_vectors;

uint64_t hex64(const std::string& s) { return std::stoull(s, nullptr, 16); }

TEST(Ikev1Keys, ScheduleMatchesVectors) {
  auto vs = load_vectors("ikev1_keys.txt");
  ASSERT_EQ(vs.size(), 3u);
  for (auto& v : vs) {
    SCOPED_TRACE(v.str("source"));
    const PrfAlgorithm* row = find_prf_by_ikev2_id(uint16_t(std::stoi(v.str("hash"))));
    ASSERT_TRUE(row);
    Prf h = row->id;
    auto skeyid = skeyid_psk(h, v.hex("psk"), v.hex("ni"), v.hex("nr"));
    ASSERT_TRUE(skeyid);
    EXPECT_EQ(to_hex(skeyid->view()), v.str("skeyid"));
    auto k = derive_phase1(h, skeyid->view(), v.hex("g_xy"), hex64(v.str("cky_i")), hex64(v.str("cky_r")),
                           std::stoul(v.str("enc_len")));
    ASSERT_TRUE(k);
    EXPECT_EQ(to_hex(k->skeyid_d.view()), v.str("skeyid_d"));
    EXPECT_EQ(to_hex(k->skeyid_a.view()), v.str("skeyid_a"));
    EXPECT_EQ(to_hex(k->skeyid_e.view()), v.str("skeyid_e"));
    EXPECT_EQ(to_hex(k->enc_key.view()), v.str("enc_key"));
    auto hi = auth_hash(h, skeyid->view(), true, v.hex("g_xi"), v.hex("g_xr"), hex64(v.str("cky_i")),
                        hex64(v.str("cky_r")), v.hex("sa_i"), v.hex("id_ii"));
    auto hr = auth_hash(h, skeyid->view(), false, v.hex("g_xi"), v.hex("g_xr"), hex64(v.str("cky_i")),
                        hex64(v.str("cky_r")), v.hex("sa_i"), v.hex("id_ir"));
    ASSERT_TRUE(hi && hr);
    EXPECT_EQ(to_hex(*hi), v.str("hash_i"));
    EXPECT_EQ(to_hex(*hr), v.str("hash_r"));
    EXPECT_EQ(to_hex(*phase1_iv(h, v.hex("g_xi"), v.hex("g_xr"), 16)), v.str("iv1"));
    EXPECT_EQ(to_hex(*phase2_iv(h, v.hex("last_block"), uint32_t(hex64(v.str("mid"))), 16)), v.str("iv2"));
    auto km = keymat(h, k->skeyid_d.view(), v.hex("g_qm"), uint8_t(std::stoi(v.str("protocol"))),
                     uint32_t(hex64(v.str("spi"))), v.hex("ni"), v.hex("nr"), std::stoul(v.str("keymat_len")));
    ASSERT_TRUE(km);
    EXPECT_EQ(to_hex(km->view()), v.str("keymat"));
  }
}

// NIST SP 800-38A F.2.1 (AES-128) and F.2.5 (AES-256), CBC encryption, two blocks.
TEST(Ikev1Keys, CbcMatchesSp800_38a) {
  Bytes iv = *from_hex("000102030405060708090a0b0c0d0e0f");
  Bytes pt = *from_hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  Bytes k128 = *from_hex("2b7e151628aed2a6abf7158809cf4f3c");
  Bytes k256 = *from_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
  auto c128 = cbc_encrypt(Cipher::kAesCbc, k128, iv, pt);
  ASSERT_TRUE(c128);
  EXPECT_EQ(to_hex(*c128), "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2");
  auto c256 = cbc_encrypt(Cipher::kAesCbc, k256, iv, pt);
  ASSERT_TRUE(c256);
  EXPECT_EQ(to_hex(*c256), "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d");
  EXPECT_EQ(to_hex(*cbc_decrypt(Cipher::kAesCbc, k256, iv, *c256)), to_hex(pt));
}

TEST(Ikev1Keys, CbcRefusesBadShapes) {
  Bytes iv(16, 0), key(16, 1);
  EXPECT_FALSE(cbc_encrypt(Cipher::kAesCbc, key, iv, Bytes(15, 0)));   // not a block multiple
  EXPECT_FALSE(cbc_encrypt(Cipher::kAesCbc, key, Bytes(8, 0), Bytes(16, 0)));
  EXPECT_FALSE(cbc_encrypt(Cipher::kAesCbc, Bytes(20, 0), iv, Bytes(16, 0)));
  EXPECT_FALSE(cbc_encrypt(Cipher::kAesGcm16, key, iv, Bytes(16, 0)));
  // 3DES: 8-byte blocks, 24-byte key; decrypt inverts encrypt.
  Bytes k3(24, 7), iv8(8, 3), pt(24, 9);
  auto c = cbc_encrypt(Cipher::k3des, k3, iv8, pt);
  ASSERT_TRUE(c);
  EXPECT_EQ(*cbc_decrypt(Cipher::k3des, k3, iv8, *c), pt);
  EXPECT_EQ(cbc_block_size(Cipher::k3des), 8u);
}

}  // namespace
}  // namespace kg::crypto::ikev1
