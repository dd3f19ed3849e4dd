// IpsecMbCbc against the published AES-CBC vectors (RFC 3602 §4, NIST SP
// 800-38A) and, on random keys and packets of every block count, against
// OpenSSL's AES-CBC and HMAC: the ciphertext and the truncated ICV (RFC 2404,
// RFC 4868 §2.3) bit for bit, one at a time and in batches.
#include "crypto/ipsec_mb_cbc.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/random.h"
#include "crypto/ipsec_mb_gcm.h"
#include "crypto/vector_file.h"

namespace kg::crypto {
namespace {

using testing::load_vectors;

const EVP_MD* digest(Mac m) {
  switch (m) {
    case Mac::kHmacSha1_96: return EVP_sha1();
    case Mac::kHmacSha2_256_128: return EVP_sha256();
    case Mac::kHmacSha2_384_192: return EVP_sha384();
    default: return EVP_sha512();
  }
}

const EVP_CIPHER* cbc(size_t key_len) {
  return key_len == 16 ? EVP_aes_128_cbc() : key_len == 24 ? EVP_aes_192_cbc() : EVP_aes_256_cbc();
}

// What OpenSSL makes of `packet` (SPI | seq | IV | plaintext): the sealed
// packet and its full HMAC.
Bytes openssl_seal(ByteView aes_key, Mac m, ByteView mac_key, Bytes packet, Bytes& mac) {
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  int outl = 0;
  EXPECT_EQ(EVP_EncryptInit_ex2(c, cbc(aes_key.size()), aes_key.data(), packet.data() + 8, nullptr), 1);
  EVP_CIPHER_CTX_set_padding(c, 0);
  EXPECT_EQ(EVP_EncryptUpdate(c, packet.data() + 24, &outl, packet.data() + 24, int(packet.size() - 24)), 1);
  EVP_CIPHER_CTX_free(c);
  mac.assign(64, 0);
  unsigned len = 0;
  HMAC(digest(m), mac_key.data(), int(mac_key.size()), packet.data(), packet.size(), mac.data(), &len);
  mac.resize(len);
  return packet;
}

class IpsecMbCbcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ipsec_mb_available()) GTEST_SKIP() << "no AES-NI: the IPsec Multi-Buffer library is not used here";
  }
};

TEST_F(IpsecMbCbcTest, Rfc3602AndSp800_38aVectors) {
  int used = 0;
  for (const auto& v : load_vectors("aes_cbc_rfc3602.txt")) {
    const Bytes key = v.hex("KEY"), iv = v.hex("IV"), p = v.hex("P"), ct = v.hex("C");
    const Bytes mac_key(32, 0x0b);
    auto c = IpsecMbCbc::create(key, Mac::kHmacSha2_256_128, mac_key);
    ASSERT_TRUE(c) << v.str("name");
    Bytes packet = {0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 1};
    packet.insert(packet.end(), iv.begin(), iv.end());
    packet.insert(packet.end(), p.begin(), p.end());
    const Bytes plain_packet = packet;
    uint8_t icv[16];
    ASSERT_TRUE(c->seal(packet, icv)) << v.str("name");
    EXPECT_EQ(to_hex(ByteView(packet).subspan(24)), to_hex(ct)) << v.str("name");
    Bytes mac;
    openssl_seal(key, Mac::kHmacSha2_256_128, mac_key, plain_packet, mac);
    EXPECT_EQ(to_hex(ByteView(icv, 16)), to_hex(ByteView(mac).first(16))) << v.str("name");
    ASSERT_TRUE(c->open(packet, icv)) << v.str("name");
    EXPECT_EQ(packet, plain_packet) << v.str("name");
    ++used;
  }
  EXPECT_EQ(used, 6);
}

struct Suite {
  size_t aes_key;
  Mac mac;
  size_t mac_key, icv;
};
constexpr Suite kSuites[] = {
    {16, Mac::kHmacSha1_96, 20, 12},       {16, Mac::kHmacSha2_256_128, 32, 16},
    {24, Mac::kHmacSha2_256_128, 32, 16},  {32, Mac::kHmacSha2_256_128, 32, 16},
    {32, Mac::kHmacSha2_384_192, 48, 24},  {32, Mac::kHmacSha2_512_256, 64, 32},
    {16, Mac::kHmacSha2_512_256, 64, 32},  {32, Mac::kHmacSha1_96, 20, 12},
};

// Every payload from 1 to 100 blocks (ESP's smallest is one: the trailer
// alone pads to a block) and a jumbo one, each at an odd
// offset in its buffer (the ESP header lands wherever the data path puts it).
TEST_F(IpsecMbCbcTest, AgreesWithOpenSslOnRandomPackets) {
  FakeRandom rng(4303);
  for (const Suite& s : kSuites) {
    Bytes aes_key(s.aes_key), mac_key(s.mac_key);
    rng.fill(aes_key);
    rng.fill(mac_key);
    auto c = IpsecMbCbc::create(aes_key, s.mac, mac_key);
    ASSERT_TRUE(c);
    ASSERT_EQ(c->icv_size(), s.icv);
    std::vector<size_t> blocks;
    for (size_t b = 1; b <= 100; ++b) blocks.push_back(b);
    blocks.push_back(562);  // 9000-byte MTU
    for (size_t b : blocks) {
      const size_t skew = b % 7;
      Bytes buf(skew + 24 + 16 * b + 32);
      rng.fill(buf);
      std::span<uint8_t> packet(buf.data() + skew, 24 + 16 * b);
      const Bytes plain(packet.begin(), packet.end());
      Bytes mac;
      const Bytes sealed = openssl_seal(aes_key, s.mac, mac_key, plain, mac);
      std::span<uint8_t> icv(packet.data() + packet.size(), s.icv);
      ASSERT_TRUE(c->seal(packet, icv)) << b;
      ASSERT_EQ(to_hex(ByteView(packet)), to_hex(sealed)) << b;
      ASSERT_EQ(to_hex(ByteView(icv)), to_hex(ByteView(mac).first(s.icv))) << b;
      ASSERT_TRUE(c->open(packet, icv)) << b;
      ASSERT_EQ(to_hex(ByteView(packet)), to_hex(plain)) << b;
    }
  }
}

TEST_F(IpsecMbCbcTest, RejectsDamageAndBadSizes) {
  FakeRandom rng(2404);
  Bytes aes_key(16), mac_key(20);
  rng.fill(aes_key);
  rng.fill(mac_key);
  auto c = IpsecMbCbc::create(aes_key, Mac::kHmacSha1_96, mac_key);
  ASSERT_TRUE(c);
  Bytes packet(24 + 64);
  rng.fill(packet);
  uint8_t icv[12];
  ASSERT_TRUE(c->seal(packet, icv));
  for (size_t at : {size_t(0), size_t(7), size_t(8), size_t(23), size_t(24), packet.size() - 1}) {
    Bytes p = packet;
    p[at] ^= 0x10;
    EXPECT_FALSE(c->open(p, icv)) << at;  // SPI, seq, IV and ciphertext are all covered
  }
  uint8_t bad[12];
  std::copy_n(icv, 12, bad);
  bad[11] ^= 1;
  Bytes p = packet;  // a failed open leaves the payload undefined: copies
  EXPECT_FALSE(c->open(p, bad));
  p = packet;
  EXPECT_FALSE(c->open(p, std::span<const uint8_t>(icv, 11)));
  Bytes odd(24 + 17), empty(24);
  EXPECT_FALSE(c->seal(odd, icv));  // not block aligned
  EXPECT_FALSE(c->open(odd, icv));
  EXPECT_FALSE(c->seal(empty, icv));  // no block at all
  EXPECT_FALSE(c->open(empty, icv));
  EXPECT_TRUE(c->open(packet, icv));
  // Keys and algorithms it does not take.
  EXPECT_FALSE(IpsecMbCbc::create(Bytes(20), Mac::kHmacSha1_96, mac_key));
  EXPECT_FALSE(IpsecMbCbc::create(aes_key, Mac::kHmacMd5_96, Bytes(16)));
  EXPECT_FALSE(IpsecMbCbc::create(aes_key, Mac::kHmacSha1_96, Bytes(65)));
}

// A batch of packets of several SAs and sizes, as the data path queues
// them: the same bytes as one at a time, and each job's verdict apart.
TEST_F(IpsecMbCbcTest, BatchMatchesSinglePackets) {
  FakeRandom rng(3602);
  std::vector<std::unique_ptr<IpsecMbCbc>> sas;
  for (const Suite& s : kSuites) {
    Bytes aes_key(s.aes_key), mac_key(s.mac_key);
    rng.fill(aes_key);
    rng.fill(mac_key);
    sas.push_back(IpsecMbCbc::create(aes_key, s.mac, mac_key));
    ASSERT_TRUE(sas.back());
  }
  IpsecMbCbc::Batch batch;
  for (int round = 0; round < 3; ++round) {
    const size_t n = round == 0 ? 1 : round == 1 ? 37 : IpsecMbCbc::Batch::kMaxJobs;
    std::vector<Bytes> packets(n), icvs(n, Bytes(32)), expect(n), expect_icv(n, Bytes(32));
    for (size_t i = 0; i < n; ++i) {
      packets[i].resize(24 + 16 * (1 + rng.u64() % 90));
      rng.fill(packets[i]);
      expect[i] = packets[i];
      ASSERT_TRUE(sas[i % sas.size()]->seal(expect[i], expect_icv[i]));
      ASSERT_TRUE(batch.add_seal(*sas[i % sas.size()], packets[i], icvs[i], uint32_t(i)));
    }
    bool ok[IpsecMbCbc::Batch::kMaxJobs] = {};
    ASSERT_EQ(batch.finish(ok), 0u);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_TRUE(ok[i]) << i;
      ASSERT_EQ(packets[i], expect[i]) << i;
      ASSERT_EQ(icvs[i], expect_icv[i]) << i;
    }
    // Open them back, with every third ICV damaged.
    for (size_t i = 0; i < n; ++i) {
      if (i % 3 == 2) icvs[i][0] ^= 1;
      const size_t len = sas[i % sas.size()]->icv_size();
      ASSERT_TRUE(batch.add_open(*sas[i % sas.size()], packets[i], ByteView(icvs[i]).first(len), uint32_t(i)));
    }
    ASSERT_EQ(batch.finish(ok), n / 3);
    for (size_t i = 0; i < n; ++i) EXPECT_EQ(ok[i], i % 3 != 2) << i;
  }
}

}  // namespace
}  // namespace kg::crypto
