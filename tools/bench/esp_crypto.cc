// keygate-bench esp-crypto: ESP seal + open of one packet, in process, on
// each crypto engine (crypto/crypto_engine.h), through EspCipher as the data
// path calls it: AES-GCM, and AES-CBC with HMAC-SHA-1/2 (the packet laid out
// as in the data path, header, IV and payload in one run). A CBC packet
// alone is sealed by OpenSSL and opened by the library (HMAC-SHA-1/256 only,
// see crypto/ipsec_mb_cbc.h), as the inbound path does; the last column is
// the library's multi-buffer side: batches of 32 packets per call
// (IpsecMbCbc::Batch), as the data path seals its outbound batches. The
// engines take turns in short rounds so that a noisy neighbour slows all
// alike; the answer is the ratio of their best rounds, measured in the same
// run.
#include "esp_crypto.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/algorithms.h"
#include "crypto/crypto_engine.h"
#include "crypto/ipsec_mb_cbc.h"
#include "crypto/ipsec_mb_gcm.h"
#include "esp/esp_cipher.h"

namespace kg::bench {
namespace {

using crypto::CryptoEngine;

struct Pair {
  std::unique_ptr<esp::EspCipher> seal, open;
};

Secret test_key(size_t n, uint8_t mul) {
  Secret key(n);
  for (size_t i = 0; i < n; ++i) key.mut()[i] = uint8_t(i * mul + 1);
  return key;
}

Pair make(const crypto::CipherSuite& s, CryptoEngine e) {
  const Secret key = test_key(s.encr_key_size(), 7);
  const crypto::IntegAlgorithm* i = crypto::find_integ(s.integ);
  const Secret integ = i ? test_key(i->key_size, 3) : Secret();
  auto a = esp::EspCipher::create(s, key, integ, true, e);
  auto b = esp::EspCipher::create(s, key, integ, false, e);
  if (!a || !b) return {};
  return {std::move(*a), std::move(*b)};
}

// Nanoseconds per seal + open of a `len`-byte payload, over `n` packets.
double round_ns(Pair& p, Bytes& payload, uint64_t& counter, size_t n) {
  uint8_t hdr[8] = {0xc0, 0xff, 0xee, 0x01}, iv[8], icv[16];
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i) {
    ++counter;
    hdr[7] = uint8_t(counter);
    if (!p.seal->seal(hdr, iv, counter, payload, icv) || !p.open->open(hdr, iv, payload, icv)) return -1;
  }
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / double(n);
}

// The same for AES-CBC + HMAC, the packet SPI | seq | IV | payload | ICV in
// one buffer as the data path has it.
double cbc_round_ns(Pair& p, Bytes& packet, size_t len, uint64_t& counter, size_t n) {
  const size_t icv = p.seal->icv_size();
  std::span<uint8_t> hdr(packet.data(), 8), iv(packet.data() + 8, 16), payload(packet.data() + 24, len),
      tag(packet.data() + 24 + len, icv);
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < n; ++i) {
    ++counter;
    hdr[7] = uint8_t(counter);
    if (!p.seal->seal(hdr, iv, counter, payload, tag) || !p.open->open(hdr, iv, payload, tag)) return -1;
  }
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / double(n);
}

// Per packet, seal + open in batches of 32 on the library's multi-buffer
// manager (the IV left as it is: the cost of its generation is in the
// per-packet figures).
double cbc_batch_ns(const crypto::IpsecMbCbc& c, std::vector<Bytes>& packets, size_t len, size_t n) {
  crypto::IpsecMbCbc::Batch batch;
  bool ok[crypto::IpsecMbCbc::Batch::kMaxJobs];
  const size_t icv = c.icv_size();
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t done = 0; done < n; done += packets.size()) {
    for (size_t k = 0; k < packets.size(); ++k)
      batch.add_seal(c, std::span<uint8_t>(packets[k].data(), 24 + len),
                     std::span<uint8_t>(packets[k].data() + 24 + len, icv), uint32_t(k));
    if (batch.finish(ok) != 0) return -1;
    for (size_t k = 0; k < packets.size(); ++k)
      batch.add_open(c, std::span<uint8_t>(packets[k].data(), 24 + len),
                     std::span<const uint8_t>(packets[k].data() + 24 + len, icv), uint32_t(k));
    if (batch.finish(ok) != 0) return -1;
  }
  const size_t total = (n + packets.size() - 1) / packets.size() * packets.size();
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / double(total);
}

int cbc_rows(int rounds) {
  std::printf("\n%-26s %6s %12s %12s %10s %12s %10s\n", "cipher + integrity", "bytes", "OpenSSL ns", "engine ns",
              "ratio", "MB batch ns", "ratio");
  struct Row {
    const char* encr;
    const char* integ;
  };
  for (Row r : {Row{"esp-aes", "esp-sha-hmac"}, Row{"esp-aes", "esp-sha256-hmac"}, Row{"esp-aes 256", "esp-sha256-hmac"},
                Row{"esp-aes 256", "esp-sha384-hmac"}, Row{"esp-aes 256", "esp-sha512-hmac"}}) {
    const crypto::EncrAlgorithm* a = crypto::find_encr_esp_word(r.encr);
    const crypto::IntegAlgorithm* i = crypto::find_integ_esp_word(r.integ);
    if (!a || !i) return 1;
    const crypto::CipherSuite s{a->id, a->key_bits, i->id};
    Pair ossl = make(s, CryptoEngine::kOpenSsl), mb = make(s, CryptoEngine::kIpsecMb);
    auto direct = crypto::IpsecMbCbc::create(test_key(a->key_size, 7).view(), i->id, test_key(i->key_size, 3).view());
    if (!ossl.seal || !mb.seal || !direct || mb.seal->engine() != CryptoEngine::kIpsecMb) return 1;
    // 64 and 1400 bytes of inner packet: with the 2-byte trailer, 80 and
    // 1408 bytes of padded payload (RFC 4303 §2.4).
    for (size_t len : {size_t(80), size_t(1408)}) {
      const size_t n = len < 256 ? 20000 : 4000;
      Bytes packet(24 + len + 32, 0x5a);
      std::vector<Bytes> batch(32, packet);
      uint64_t c1 = 0, c2 = 0;
      double best_o = 1e18, best_m = 1e18, best_b = 1e18;
      for (int k = 0; k < rounds; ++k) {
        const double o = cbc_round_ns(ossl, packet, len, c1, n), m = cbc_round_ns(mb, packet, len, c2, n),
                     b = cbc_batch_ns(*direct, batch, len, n);
        if (o < 0 || m < 0 || b < 0) {
          std::printf("seal/open failed\n");
          return 1;
        }
        best_o = std::min(best_o, o), best_m = std::min(best_m, m), best_b = std::min(best_b, b);
      }
      const std::string name = std::string(r.encr) + " " + r.integ;
      std::printf("%-26s %6zu %12.0f %12.0f %9.2fx %12.0f %9.2fx\n", name.c_str(), len == 80 ? size_t(64) : size_t(1400),
                  best_o, best_m, best_o / best_m, best_b, best_o / best_b);
    }
  }
  return 0;
}

}  // namespace

int esp_crypto_main(int argc, char** argv) {
  int rounds = 20;
  for (int i = 0; i + 1 < argc; i += 2)
    if (std::string(argv[i]) == "--rounds") rounds = std::max(1, std::stoi(argv[i + 1]));
  if (!crypto::ipsec_mb_available()) {
    std::printf("IPsec Multi-Buffer library not usable on this CPU: nothing to compare\n");
    return 1;
  }
  std::printf("ESP seal+open per packet, best of %d rounds, engines alternating\n", rounds);
  std::printf("  OpenSSL: %s   IPsec-MB: %s\n", crypto::engine_name(CryptoEngine::kOpenSsl).c_str(),
              crypto::engine_name(CryptoEngine::kIpsecMb).c_str());
  std::printf("%-12s %6s %12s %12s %10s %12s\n", "cipher", "bytes", "OpenSSL ns", "IPsec-MB ns", "ratio",
              "IPsec-MB Gb/s");
  for (const char* word : {"esp-gcm 128", "esp-gcm 256"}) {
    const crypto::EncrAlgorithm* a = crypto::find_encr_esp_word(word);
    if (!a) return 1;
    const crypto::CipherSuite s{a->id, a->key_bits, crypto::Mac::kNone};
    Pair ossl = make(s, CryptoEngine::kOpenSsl), mb = make(s, CryptoEngine::kIpsecMb);
    if (!ossl.seal || !mb.seal) return 1;
    for (size_t len : {size_t(64), size_t(1400)}) {
      const size_t n = len < 256 ? 20000 : 4000;
      Bytes payload(len, 0x5a);
      uint64_t c1 = 0, c2 = 0;
      double best_o = 1e18, best_m = 1e18;
      for (int r = 0; r < rounds; ++r) {
        const double o = round_ns(ossl, payload, c1, n), m = round_ns(mb, payload, c2, n);
        if (o < 0 || m < 0) {
          std::printf("seal/open failed\n");
          return 1;
        }
        best_o = std::min(best_o, o), best_m = std::min(best_m, m);
      }
      // Two passes over the payload per packet (seal, then open).
      std::printf("%-12s %6zu %12.0f %12.0f %9.2fx %12.2f\n", word, len, best_o, best_m, best_o / best_m,
                  2.0 * double(len) * 8 / best_m);
    }
  }
  return cbc_rows(rounds);
}

}  // namespace kg::bench
