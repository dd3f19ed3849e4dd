#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/algorithms.h"
#include "esp/esp_hmac.h"
#include "esp/sa.h"

namespace kg::esp {
namespace {

using Record = std::map<std::string, std::string>;

std::vector<Record> load_vectors(const std::string& file) {
  std::ifstream in(std::string(KG_SOURCE_DIR) + "/testdata/vectors/" + file);
  std::vector<Record> out;
  Record cur;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      if (line.empty() && !cur.empty()) {
        out.push_back(std::move(cur));
        cur.clear();
      }
      continue;
    }
    auto eq = line.find(" =");
    if (eq == std::string::npos) continue;
    std::string v = line.size() > eq + 3 ? line.substr(eq + 3) : "";
    cur[line.substr(0, eq)] = v;
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

Bytes hx(const std::string& s) { return *from_hex(s); }

// The ESP AEAD is AES-GCM with nonce = salt(4) | IV(8) and AAD = SPI|seq (8).
// Published vectors use a 12-byte nonce and arbitrary AAD, so they are checked
// through the same OpenSSL primitive configuration EspCipher uses.
TEST(GcmVectors, McGrewViegaTestCases) {
  auto recs = load_vectors("gcm_mcgrew_viega.txt");
  ASSERT_EQ(recs.size(), 3u);
  for (auto& r : recs) {
    Bytes k = hx(r["K"]), p = hx(r["P"]), a = hx(r["A"]), iv = hx(r["IV"]);
    const EVP_CIPHER* c = k.size() == 32 ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    Bytes out(p.size());
    uint8_t tag[16];
    int l = 0;
    ASSERT_EQ(EVP_EncryptInit_ex2(ctx, c, k.data(), iv.data(), nullptr), 1);
    if (!a.empty()) {
      ASSERT_EQ(EVP_EncryptUpdate(ctx, nullptr, &l, a.data(), int(a.size())), 1);
    }
    ASSERT_EQ(EVP_EncryptUpdate(ctx, out.data(), &l, p.data(), int(p.size())), 1);
    ASSERT_EQ(EVP_EncryptFinal_ex(ctx, out.data() + l, &l), 1);
    ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
    EVP_CIPHER_CTX_free(ctx);
    EXPECT_EQ(to_hex(out), r["C"]) << r["name"];
    EXPECT_EQ(to_hex(ByteView(tag, 16)), r["T"]) << r["name"];
  }
}

// AES-128-GCM in one go through EVP, independent of EspCipher: ciphertext
// and tag of `plain` under `key` (16 bytes; a longer key's tail is ignored).
std::pair<Bytes, Bytes> one_shot_gcm(const Bytes& key, const Bytes& nonce, ByteView aad, const Bytes& plain) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(plain.size()), tag(16);
  int l = 0;
  EVP_EncryptInit_ex2(ctx, EVP_aes_128_gcm(), key.data(), nonce.data(), nullptr);
  EVP_EncryptUpdate(ctx, nullptr, &l, aad.data(), int(aad.size()));
  EVP_EncryptUpdate(ctx, out.data(), &l, plain.data(), int(plain.size()));
  EVP_EncryptFinal_ex(ctx, out.data() + l, &l);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag.data());
  EVP_CIPHER_CTX_free(ctx);
  return {out, tag};
}

// Test case 4 through EspCipher itself: its nonce is salt|IV and its AAD is
// the 8-byte ESP header, so choose salt = IV[0..4], IV = IV[4..12] and check
// the path with an 8-byte AAD by re-encrypting with the primitive above.
TEST(EspCipher, GcmMatchesIndependentOneShot) {
  Bytes key = hx("feffe9928665731c6d6a8f9467308308cafebabe");  // key | salt
  crypto::CipherSuite s{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone};
  auto enc = EspCipher::create(s, Secret(key), Secret(), true);
  ASSERT_TRUE(enc) << enc.error().message;
  uint8_t hdr[8] = {0, 0, 0x10, 0x01, 0, 0, 0, 7};
  uint8_t iv[8];
  Bytes payload = hx("d9313225f88406e5a55909c5aff5269a");
  Bytes plain = payload;
  uint8_t icv[16];
  ASSERT_TRUE((*enc)->seal(std::span<const uint8_t, 8>(hdr, 8), iv, 0xfacedbaddecaf888ull, payload, icv));
  EXPECT_EQ(to_hex(ByteView(iv, 8)), "facedbaddecaf888");
  // Independent one-shot: nonce cafebabe|facedbaddecaf888, AAD = header.
  auto [out, tag] = one_shot_gcm(key, hx("cafebabefacedbaddecaf888"), ByteView(hdr, 8), plain);
  EXPECT_EQ(to_hex(payload), to_hex(out));
  EXPECT_EQ(to_hex(ByteView(icv, 16)), to_hex(tag));
}

// Sealing keeps the next counter's IV set up in the provider (esp_cipher.cc);
// consecutive counters, a gap and a step back must each still give the
// nonce salt | counter, checked against an independent one-shot, and open.
TEST(EspCipher, GcmNonceFollowsTheCounterAcrossGaps) {
  Bytes key = hx("feffe9928665731c6d6a8f9467308308cafebabe");
  crypto::CipherSuite s{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone};
  auto enc = EspCipher::create(s, Secret(key), Secret(), true);
  auto dec = EspCipher::create(s, Secret(key), Secret(), false);
  ASSERT_TRUE(enc && dec);
  for (uint64_t counter : {1ull, 2ull, 3ull, 9ull, 10ull, 4ull, 5ull, 0xffffffffull, 0x100000000ull}) {
    uint8_t hdr[8] = {0, 0, 0x10, 0x01, 0, 0, 0, uint8_t(counter)};
    uint8_t iv[8], icv[16];
    Bytes plain = hx("d9313225f88406e5a55909c5aff5269a86a7a953");
    Bytes payload = plain;
    ASSERT_TRUE((*enc)->seal(std::span<const uint8_t, 8>(hdr, 8), iv, counter, payload, icv)) << counter;
    Bytes nonce = hx("cafebabe");
    for (int i = 0; i < 8; ++i) nonce.push_back(uint8_t(counter >> (56 - 8 * i)));
    EXPECT_EQ(to_hex(ByteView(iv, 8)), to_hex(ByteView(nonce).subspan(4))) << counter;
    auto [out, tag] = one_shot_gcm(key, nonce, ByteView(hdr, 8), plain);
    EXPECT_EQ(to_hex(payload), to_hex(out)) << counter;
    EXPECT_EQ(to_hex(ByteView(icv, 16)), to_hex(tag)) << counter;
    ASSERT_TRUE((*dec)->open(std::span<const uint8_t, 8>(hdr, 8), ByteView(iv, 8), payload, ByteView(icv, 16)))
        << counter;
    EXPECT_EQ(to_hex(payload), to_hex(plain)) << counter;
    icv[0] ^= 1;  // a bad tag fails, and the next packet still opens
    payload = out;
    EXPECT_EQ((*dec)->open(std::span<const uint8_t, 8>(hdr, 8), ByteView(iv, 8), payload, ByteView(icv, 16)),
              PacketResult<void>(std::unexpected(Drop::kAuth)));
  }
}

const crypto::CipherSuite kChacha{crypto::find_encr_esp_word("esp-chacha20-poly1305")->id, 0,
                                  crypto::Mac::kNone};

uint64_t be_counter(const Bytes& iv) {
  uint64_t c = 0;
  for (uint8_t b : iv) c = c << 8 | b;
  return c;
}

// ChaCha20-Poly1305 through EspCipher (RFC 7634 §2): key material = key |
// salt, nonce = salt | IV with IV = the counter, AAD = the header. RFC 8439
// §2.8.2's vector has a 12-byte AAD (the ESN layout, RFC 7634 §2.1), the
// RFC 7634 A.1 ESP example SPI | seq.
TEST(EspCipher, ChaCha20Poly1305PublishedVectors) {
  int used = 0;
  for (auto& r : load_vectors("chacha20_poly1305.txt")) {
    if (r["name"].find("ikev2") != std::string::npos) continue;  // the IKE example: sk_cipher_test
    ++used;
    SCOPED_TRACE(r["name"]);
    const Bytes km = hx(r["K"] + r["SALT"]), aad = hx(r["A"]), p = hx(r["P"]);
    auto enc = EspCipher::create(kChacha, Secret(km), Secret(), true);
    auto dec = EspCipher::create(kChacha, Secret(km), Secret(), false);
    ASSERT_TRUE(enc && dec);
    EXPECT_TRUE((*enc)->aead());
    EXPECT_EQ((*enc)->iv_size(), 8u);
    EXPECT_EQ((*enc)->icv_size(), 16u);
    EXPECT_EQ((*enc)->block_size(), 4u);
    Bytes iv(8), payload = p, icv(16);
    ASSERT_TRUE((*enc)->seal(aad, iv, be_counter(hx(r["IV"])), payload, icv));
    EXPECT_EQ(to_hex(iv), r["IV"]);
    EXPECT_EQ(to_hex(payload), r["C"]);
    EXPECT_EQ(to_hex(icv), r["T"]);
    ASSERT_TRUE((*dec)->open(aad, iv, payload, icv));
    EXPECT_EQ(payload, p);
    payload = hx(r["C"]);
    icv[15] ^= 1;  // a bad tag fails, and the next packet still opens
    EXPECT_EQ((*dec)->open(aad, iv, payload, icv), PacketResult<void>(std::unexpected(Drop::kAuth)));
    icv[15] ^= 1;
    payload = hx(r["C"]);
    ASSERT_TRUE((*dec)->open(aad, iv, payload, icv));
    EXPECT_EQ(payload, p);
  }
  EXPECT_EQ(used, 2);
}

// RFC 7634 A.1 as a whole ESP packet (SPI 0x01020304, seq 5) through
// InboundSa: ICV, trailer (pad 1 2, pad length 2, next header 4) and the
// inner IPv4 packet of 84 bytes.
TEST(InboundSa, OpensTheRfc7634EspExample) {
  for (auto& r : load_vectors("chacha20_poly1305.txt")) {
    if (r["name"] != "rfc7634-A.1-esp") continue;
    auto in = InboundSa::create(0x01020304, kChacha, Secret(hx(r["K"] + r["SALT"])), Secret(), 64);
    ASSERT_TRUE(in);
    Bytes esp = hx(r["A"] + r["IV"] + r["C"] + r["T"]);
    auto inner = (*in)->open(esp);
    ASSERT_TRUE(inner) << int(inner.error());
    EXPECT_EQ(to_hex(Bytes(inner->begin(), inner->end())), r["P"].substr(0, 84 * 2));
    EXPECT_EQ((*in)->highest_seq(), 5u);
    return;
  }
  FAIL() << "no RFC 7634 A.1 vector";
}

// RFC 4868 §2.7.2: the ESP ICV is the leftmost half of the HMAC output.
TEST(HmacIcv, Rfc4868AuthenticatorVectors) {
  auto recs = load_vectors("hmac_trunc_rfc4868.txt");
  ASSERT_EQ(recs.size(), 7u);
  for (auto& r : recs) {
    auto integ = r["alg"] == "sha256"   ? crypto::Mac::kHmacSha2_256_128
                 : r["alg"] == "sha384" ? crypto::Mac::kHmacSha2_384_192
                                        : crypto::Mac::kHmacSha2_512_256;
    std::array<uint8_t, 64> out{};
    auto n = hmac_icv(integ, hx(r["KEY"]), hx(r["DATA"]), out);
    ASSERT_TRUE(n) << r["name"];
    EXPECT_EQ(to_hex(ByteView(out.data(), *n)), r["ICV"]) << r["name"];
  }
}

// RFC 2404 §3: HMAC-SHA-1-96 is the leftmost 96 bits; RFC 2202's cases.
TEST(HmacIcv, Rfc2404Sha1_96Vectors) {
  auto recs = load_vectors("hmac_sha1_96_rfc2202.txt");
  ASSERT_EQ(recs.size(), 3u);
  for (auto& r : recs) {
    std::array<uint8_t, 64> out{};
    auto n = hmac_icv(crypto::Mac::kHmacSha1_96, hx(r["KEY"]), hx(r["DATA"]), out);
    ASSERT_TRUE(n) << r["name"];
    EXPECT_EQ(to_hex(ByteView(out.data(), *n)), r["ICV"]) << r["name"];
  }
}

// EspHmac (keyed states copied per packet) against OpenSSL's one-shot HMAC,
// for every ESP integrity algorithm, keys shorter and longer than a block,
// and data given in parts.
TEST(EspHmac, MatchesOneShotHmac) {
  struct Alg {
    crypto::Mac id;
    const char* md;
  };
  for (auto [id, md] : {Alg{crypto::Mac::kHmacMd5_96, "MD5"}, Alg{crypto::Mac::kHmacSha1_96, "SHA1"},
                        Alg{crypto::Mac::kHmacSha2_256_128, "SHA256"},
                        Alg{crypto::Mac::kHmacSha2_384_192, "SHA384"},
                        Alg{crypto::Mac::kHmacSha2_512_256, "SHA512"}}) {
    for (size_t klen : {16u, 64u, 131u}) {
      Bytes key(klen), data(1500);
      for (size_t i = 0; i < key.size(); ++i) key[i] = uint8_t(i * 13 + klen);
      for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7);
      uint8_t want[64];
      size_t wl = 0;
      ASSERT_TRUE(EVP_Q_mac(nullptr, "HMAC", nullptr, md, nullptr, key.data(), key.size(), data.data(), data.size(),
                            want, sizeof want, &wl));
      auto h = EspHmac::create(id, key);
      ASSERT_TRUE(h);
      std::array<uint8_t, 64> got{};
      for (int twice = 0; twice < 2; ++twice) {  // the keyed state is reused
        const ByteView parts[] = {ByteView(data).first(8), ByteView(data).subspan(8, 16), ByteView(data).subspan(24)};
        ASSERT_EQ(h->compute(parts, got), wl) << md;
        EXPECT_EQ(to_hex(ByteView(got.data(), wl)), to_hex(ByteView(want, wl))) << md << " key " << klen;
      }
    }
  }
}

struct Suite {
  crypto::CipherSuite s;
  size_t encr_len, integ_len;
};

class EspRoundTrip : public ::testing::TestWithParam<Suite> {};

Bytes ipv4_packet(size_t len, uint8_t src_last, uint8_t dst_last) {
  Bytes p(len, 0xab);
  p[0] = 0x45;
  p[12] = 192; p[13] = 0; p[14] = 2; p[15] = src_last;
  p[16] = 192; p[17] = 0; p[18] = 2; p[19] = dst_last;
  return p;
}

struct Pair {
  std::unique_ptr<OutboundSa> out;
  std::unique_ptr<InboundSa> in;
};

Pair make_pair(const Suite& su, uint32_t window = 64) {
  Bytes ek(su.encr_len, 0x11), ik(su.integ_len, 0x22);
  auto o = OutboundSa::create(0xc0ffee01, su.s, Secret(ek), Secret(ik));
  auto i = InboundSa::create(0xc0ffee01, su.s, Secret(ek), Secret(ik), window);
  EXPECT_TRUE(o && i);
  return {std::move(*o), std::move(*i)};
}

std::vector<uint8_t> seal_one(OutboundSa& o, const Bytes& inner) {
  std::vector<uint8_t> buf(kHeadroom + inner.size() + kTailroom);
  std::copy(inner.begin(), inner.end(), buf.begin() + kHeadroom);
  auto esp = o.seal(buf, inner.size());
  EXPECT_TRUE(esp);
  return {esp->begin(), esp->end()};
}

TEST_P(EspRoundTrip, SealOpenAndRejectTampering) {
  auto su = GetParam();
  auto [out, in] = make_pair(su);
  for (size_t len : {20u, 21u, 100u, 1400u}) {
    Bytes inner = ipv4_packet(len, 1, 129);
    auto esp = seal_one(*out, inner);
    EXPECT_EQ((esp.size() - 8) % 4, 0u);
    auto copy = esp;
    auto got = in->open(esp);
    ASSERT_TRUE(got) << int(got.error());
    EXPECT_EQ(Bytes(got->begin(), got->end()), inner);
    // Replay of the same packet is dropped and counted.
    EXPECT_FALSE(in->open(copy));
  }
  EXPECT_EQ(in->counters().replay_failures, 4u);
  // Bad ICV.
  auto esp = seal_one(*out, ipv4_packet(60, 1, 129));
  esp[esp.size() - 1] ^= 1;
  EXPECT_FALSE(in->open(esp));
  EXPECT_EQ(in->counters().auth_failures, 1u);
  // Truncated.
  auto esp2 = seal_one(*out, ipv4_packet(60, 1, 129));
  EXPECT_FALSE(in->open(std::span(esp2).first(10)));
  EXPECT_EQ(in->counters().malformed, 1u);
  EXPECT_EQ(in->counters().packets, 4u);
  // esp_overhead() bounds what seal() adds, for every length.
  for (size_t len = 20; len < 60; ++len) {
    auto e = seal_one(*out, ipv4_packet(len, 1, 129));
    EXPECT_LE(e.size() - len, esp_overhead(su.s));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Suites, EspRoundTrip,
    ::testing::Values(Suite{{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0},
                      Suite{{crypto::Cipher::kAesGcm16, 256, crypto::Mac::kNone}, 36, 0},
                      Suite{{crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha1_96}, 16, 20},
                      Suite{{crypto::Cipher::kAesCbc, 256, crypto::Mac::kHmacSha2_256_128}, 32, 32},
                      Suite{{crypto::Cipher::kAesCbc, 192, crypto::Mac::kHmacSha2_384_192}, 24, 48},
                      Suite{{crypto::Cipher::kAesCbc, 256, crypto::Mac::kHmacSha2_512_256}, 32, 64},
                      Suite{{crypto::Cipher::k3des, 192, crypto::Mac::kHmacSha1_96}, 24, 20},
                      Suite{kChacha, 36, 0}));

// RFC 4303 §3.3.3: the sender never lets the sequence number cycle; the SA
// stops and needs a rekey.
TEST(OutboundSa, StopsAtSequenceNumberExhaustion) {
  Suite su{{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0};
  auto [out, in] = make_pair(su);
  out->skip_to_seq_for_testing(UINT32_MAX - 1);
  auto last = seal_one(*out, ipv4_packet(40, 1, 129));
  EXPECT_EQ(peek_spi(last), 0xc0ffee01u);
  EXPECT_EQ(last[4], 0xff);
  EXPECT_EQ(last[7], 0xff);
  std::vector<uint8_t> buf(kHeadroom + 40 + kTailroom);
  auto r = out->seal(buf, 40);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::kExhausted);
  EXPECT_EQ(out->seq(), UINT32_MAX);
}

// CBC IVs are unpredictable: neither the counter nor repeated.
TEST(OutboundSa, CbcIvsDiffer) {
  Suite su{{crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha1_96}, 16, 20};
  auto [out, in] = make_pair(su);
  auto a = seal_one(*out, ipv4_packet(40, 1, 129));
  auto b = seal_one(*out, ipv4_packet(40, 1, 129));
  Bytes iva(a.begin() + 8, a.begin() + 24), ivb(b.begin() + 8, b.begin() + 24);
  EXPECT_NE(iva, ivb);
  EXPECT_NE(iva, Bytes(16, 0));
  EXPECT_TRUE(in->open(a));
  EXPECT_TRUE(in->open(b));
}

TEST(InboundSa, WrongSpiIsMalformed) {
  Suite su{{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0};
  auto [out, in] = make_pair(su);
  auto esp = seal_one(*out, ipv4_packet(40, 1, 129));
  esp[0] ^= 0xff;
  EXPECT_FALSE(in->open(esp));
  EXPECT_EQ(in->counters().malformed, 1u);
}

TEST(InboundSa, DropsInnerPacketOutsideSelectors) {
  Suite su{{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0};
  auto [out, in] = make_pair(su);
  in->set_selectors({{*IpAddress::parse("192.0.2.0"), *IpAddress::parse("192.0.2.127")}},
                    {{*IpAddress::parse("192.0.2.128"), *IpAddress::parse("192.0.2.255")}});
  auto good = seal_one(*out, ipv4_packet(40, 1, 129));
  EXPECT_TRUE(in->open(good));
  auto bad = seal_one(*out, ipv4_packet(40, 200, 129));  // source not behind the peer
  EXPECT_FALSE(in->open(bad));
  EXPECT_EQ(in->counters().policy_drops, 1u);
}

// A crypto map line `permit tcp 192.0.2.128 0.0.0.127 192.0.2.0 0.0.0.127
// eq 5001` mirrored: only TCP to port 5001 may come out of the SA; other
// protocols and ports are dropped and counted; a non-initial fragment is
// checked by its protocol alone (it carries no ports).
TEST(InboundSa, DropsInnerPacketOutsideProtocolAndPorts) {
  Suite su{{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0};
  auto [out, in] = make_pair(su);
  in->set_selectors({{*IpAddress::parse("192.0.2.0"), *IpAddress::parse("192.0.2.127"), 6, 0, 65535}},
                    {{*IpAddress::parse("192.0.2.128"), *IpAddress::parse("192.0.2.255"), 6, 5001, 5001}});
  auto packet = [](uint8_t proto, uint16_t dport, uint16_t frag) {
    Bytes p = ipv4_packet(40, 1, 129);
    p[6] = uint8_t(frag >> 8);
    p[7] = uint8_t(frag);
    p[9] = proto;
    p[20] = 0x9c; p[21] = 0x40;  // source port 40000
    p[22] = uint8_t(dport >> 8);
    p[23] = uint8_t(dport);
    return p;
  };
  auto open = [&](const Bytes& inner) {
    auto esp = seal_one(*out, inner);
    return bool(in->open(esp));
  };
  EXPECT_TRUE(open(packet(6, 5001, 0)));
  EXPECT_FALSE(open(packet(6, 5002, 0)));   // another port
  EXPECT_FALSE(open(packet(17, 5001, 0)));  // UDP
  EXPECT_FALSE(open(packet(1, 0, 0)));      // ICMP
  EXPECT_EQ(in->counters().policy_drops, 3u);
  EXPECT_TRUE(open(packet(6, 1, 0x0010)));   // non-initial TCP fragment
  EXPECT_FALSE(open(packet(1, 1, 0x0010)));  // non-initial ICMP fragment
  EXPECT_EQ(in->counters().policy_drops, 4u);
}

TEST(InboundSa, AcceptsReorderedWithinWindow) {
  Suite su{{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0};
  auto [out, in] = make_pair(su);
  std::vector<std::vector<uint8_t>> pk;
  for (int i = 0; i < 5; ++i) pk.push_back(seal_one(*out, ipv4_packet(40, 1, 129)));
  EXPECT_TRUE(in->open(pk[4]));
  EXPECT_TRUE(in->open(pk[1]));
  EXPECT_TRUE(in->open(pk[0]));
  EXPECT_FALSE(in->open(pk[1]));
}

// ESP transport mode for GRE (RFC 4303 §3.1.1): next header 47 and the GRE
// header as payload; an SA in tunnel mode refuses it, and a transport SA
// refuses anything but its protocol.
TEST_P(EspRoundTrip, TransportModeCarriesGre) {
  auto [out, in] = make_pair(GetParam());
  out->set_transport(47);
  in->set_transport(47);
  Bytes gre = {0x00, 0x00, 0x08, 0x00};
  Bytes inner = ipv4_packet(40, 1, 129);
  gre.insert(gre.end(), inner.begin(), inner.end());
  auto esp = seal_one(*out, gre);
  auto got = in->open(esp);
  ASSERT_TRUE(got);
  EXPECT_EQ(Bytes(got->begin(), got->end()), gre);
  auto [out2, tunnel_in] = make_pair(GetParam());
  out2->set_transport(47);
  auto esp2 = seal_one(*out2, gre);
  EXPECT_FALSE(tunnel_in->open(esp2));  // next header 47 on a tunnel-mode SA
  EXPECT_EQ(tunnel_in->counters().malformed, 1u);
  auto [out3, in3] = make_pair(GetParam());
  in3->set_transport(47);
  auto esp3 = seal_one(*out3, inner);  // next header 4 on a transport SA
  EXPECT_FALSE(in3->open(esp3));
  EXPECT_EQ(in3->counters().malformed, 1u);
}

}  // namespace
}  // namespace kg::esp
