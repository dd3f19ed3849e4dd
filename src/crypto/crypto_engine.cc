#include "crypto/crypto_engine.h"

#include <openssl/crypto.h>

#include <atomic>
#include <cstdlib>
#include <string_view>

#include "crypto/algorithms.h"
#include "crypto/ipsec_mb_cbc.h"
#include "crypto/ipsec_mb_gcm.h"

namespace kg::crypto {
namespace {

// KEYGATE_CRYPTO=openssl forces the fallback; anything else (or nothing)
// takes the IPsec Multi-Buffer library where the CPU allows it.
CryptoEngine start_up_choice() {
  const char* e = std::getenv("KEYGATE_CRYPTO");
  if (e && std::string_view(e) == "openssl") return CryptoEngine::kOpenSsl;
  return ipsec_mb_available() ? CryptoEngine::kIpsecMb : CryptoEngine::kOpenSsl;
}

std::atomic<CryptoEngine>& choice() {
  static std::atomic<CryptoEngine> c{start_up_choice()};
  return c;
}

}  // namespace

CryptoEngine esp_engine() { return choice().load(std::memory_order_relaxed); }

bool select_esp_engine(CryptoEngine e) {
  if (e == CryptoEngine::kIpsecMb && !ipsec_mb_available()) return false;
  choice().store(e, std::memory_order_relaxed);
  return true;
}

CryptoEngine esp_engine_for(const EncrAlgorithm& a, CryptoEngine preferred) {
  const bool gcm = a.backend == Backend::kAeadGcm && a.icv_size == 16 && (a.key_size == 16 || a.key_size == 32);
  const bool cbc = a.id == Cipher::kAesCbc && a.backend == Backend::kCbc && a.iv_size == 16 &&
                   (a.key_size == 16 || a.key_size == 24 || a.key_size == 32);
  return preferred == CryptoEngine::kIpsecMb && (gcm || cbc) && ipsec_mb_available() ? CryptoEngine::kIpsecMb
                                                                                     : CryptoEngine::kOpenSsl;
}

CryptoEngine esp_engine_for(const IntegAlgorithm& i, CryptoEngine preferred) {
  return preferred == CryptoEngine::kIpsecMb && ipsec_mb_cbc_integ(i.id) && ipsec_mb_available()
             ? CryptoEngine::kIpsecMb
             : CryptoEngine::kOpenSsl;
}

std::string engine_name(CryptoEngine e) {
  if (e == CryptoEngine::kIpsecMb) return "Intel IPsec Multi-Buffer " + ipsec_mb_label();
  // "OpenSSL 3.0.19 27 Jan 2026": the name and version, without the date.
  std::string_view v = OpenSSL_version(OPENSSL_VERSION);
  size_t sp = v.find(' ');
  sp = sp == std::string_view::npos ? sp : v.find(' ', sp + 1);
  return std::string(v.substr(0, sp));
}

}  // namespace kg::crypto
