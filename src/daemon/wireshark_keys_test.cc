// Wireshark's key tables as keygate writes them: the records tshark 4.0
// reads (the algorithm names are its own), and ciphers it cannot decrypt
// left out with a comment.
#include "daemon/wireshark_keys.h"

#include <gtest/gtest.h>

namespace kg::daemon {
namespace {

Secret bytes(size_t n, uint8_t v) {
  Secret s(n);
  for (auto& b : s.mut()) b = v;
  return s;
}

TEST(WiresharkKeys, IkeGcmRecord) {
  ike::IkeSaKeys k;
  k.spi_i = 0x0102030405060708;
  k.spi_r = 0xa1a2a3a4a5a6a7a8;
  k.cipher = {crypto::Cipher::kAesGcm16, 256, crypto::Mac::kNone};
  k.sk_ei = bytes(36, 0x11);
  k.sk_er = bytes(36, 0x22);
  std::string t = ikev2_decryption_table({k});
  EXPECT_NE(t.find("\n0102030405060708,a1a2a3a4a5a6a7a8," + std::string(72, '1') + "," + std::string(72, '2') +
                   ",\"AES-GCM-256 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\"\n"),
            std::string::npos)
      << t;
}

TEST(WiresharkKeys, IkeCbcRecordAndUnsupported) {
  ike::IkeSaKeys k;
  k.cipher = {crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha2_256_128};
  k.sk_ei = bytes(16, 1);
  k.sk_er = bytes(16, 2);
  k.sk_ai = bytes(32, 3);
  k.sk_ar = bytes(32, 4);
  std::string t = ikev2_decryption_table({k});
  EXPECT_NE(t.find("\"AES-CBC-128 [RFC3602]\",0303030303030303030303030303030303030303030303030303030303030303,"
                   "0404040404040404040404040404040404040404040404040404040404040404,\"HMAC_SHA2_256_128 [RFC4868]\""),
            std::string::npos)
      << t;
  k.cipher.encr = crypto::Cipher::kChacha20Poly1305;  // ChaCha20-Poly1305: Wireshark 4.0 cannot decrypt it
  t = ikev2_decryption_table({k});
  EXPECT_NE(t.find("not decryptable by Wireshark"), std::string::npos);
  EXPECT_EQ(t.find("\n00"), std::string::npos);
}

TEST(WiresharkKeys, EspBothDirections) {
  ChildSaKeys s;
  s.spi_in = 0xc0000001;
  s.spi_out = 0xd0000002;
  s.suite = {crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone};
  s.local = {*IpAddress::parse("198.51.100.1"), 4500};
  s.remote = {*IpAddress::parse("198.51.100.2"), 4500};
  s.encr_in = bytes(20, 0xaa);
  s.encr_out = bytes(20, 0xbb);
  std::string t = esp_sa_table({s});
  EXPECT_NE(t.find("\"IPv4\",\"198.51.100.1\",\"198.51.100.2\",\"0xd0000002\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x" +
                   std::string(40, 'b') + "\",\"NULL\",\"\"\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("\"IPv4\",\"198.51.100.2\",\"198.51.100.1\",\"0xc0000001\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x" +
                   std::string(40, 'a') + "\",\"NULL\",\"\"\n"),
            std::string::npos)
      << t;
}

}  // namespace
}  // namespace kg::daemon
