// keygate-bench esp-crypto: ESP AES-GCM seal + open of one packet, in
// process, on each crypto engine (crypto/crypto_engine.h), through
// EspCipher as the data path calls it. The engines take turns in short
// rounds so that a noisy neighbour slows both alike; the answer is the
// ratio of their best rounds, measured in the same run.
#include "esp_crypto.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/algorithms.h"
#include "crypto/crypto_engine.h"
#include "crypto/ipsec_mb_gcm.h"
#include "esp/esp_cipher.h"

namespace kg::bench {
namespace {

using crypto::CryptoEngine;

struct Pair {
  std::unique_ptr<esp::EspCipher> seal, open;
};

Pair make(const crypto::CipherSuite& s, CryptoEngine e) {
  Secret key(s.encr_key_size());
  for (size_t i = 0; i < key.size(); ++i) key.mut()[i] = uint8_t(i * 7 + 1);
  auto a = esp::EspCipher::create(s, key, Secret(), true, e);
  auto b = esp::EspCipher::create(s, key, Secret(), false, e);
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
  return 0;
}

}  // namespace kg::bench
