// The crypto engine: which library runs ESP's AES-GCM, and AES-CBC with
// HMAC-SHA-1-96 / HMAC-SHA-2 (encrypt-then-MAC). Chosen once at
// start-up: Intel's IPsec Multi-Buffer library (the crypto library of the
// IPsec field, with VAES/AVX-512 code that Debian 12's OpenSSL 3.0 lacks)
// when the CPU has AES-NI, otherwise OpenSSL's EVP. KEYGATE_CRYPTO=openssl
// forces OpenSSL, so that tests and comparisons can cover both. Every other
// algorithm, and IKE, always runs on OpenSSL.
#pragma once
#include <cstdint>
#include <string>

namespace kg::crypto {

struct EncrAlgorithm;
struct IntegAlgorithm;

enum class CryptoEngine : uint8_t {
  kOpenSsl,  // OpenSSL EVP, always available
  kIpsecMb,  // Intel IPsec Multi-Buffer (libIPSec_MB), for AES-GCM and AES-CBC + HMAC-SHA
};

// The engine that new ESP AES-GCM SAs use: the start-up choice, or the
// last select_esp_engine().
[[nodiscard]] CryptoEngine esp_engine();
// Makes `e` the engine for SAs created from now on (tests, a benchmark);
// false, and no change, when `e` is not available here.
bool select_esp_engine(CryptoEngine e);

// The engine that runs ESP with `a` when `preferred` is asked for: the
// library takes the registry's AES-GCM rows with a 16-byte ICV and a 128- or
// 256-bit key (what IpsecMbGcm does) and its AES-CBC rows (IpsecMbCbc, when
// the integrity algorithm is one it takes too), OpenSSL everything else.
[[nodiscard]] CryptoEngine esp_engine_for(const EncrAlgorithm& a, CryptoEngine preferred);
// The same for an ESP integrity algorithm (with AES-CBC): HMAC-SHA-1-96 and
// HMAC-SHA-256/384/512 on the library, HMAC-MD5-96 on OpenSSL.
[[nodiscard]] CryptoEngine esp_engine_for(const IntegAlgorithm& i, CryptoEngine preferred);

// As `show crypto engine` prints it: "Intel IPsec Multi-Buffer 1.3.0
// (AVX512, VAES)", "OpenSSL 3.0.19".
[[nodiscard]] std::string engine_name(CryptoEngine e);

}  // namespace kg::crypto
