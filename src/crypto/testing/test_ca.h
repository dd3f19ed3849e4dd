// Test-only: a small certificate authority in memory (OpenSSL), so unit tests
// make their own CA, intermediates and end-entity certificates (valid,
// expired, from another CA, ...) instead of committing private keys.
#pragma once
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "crypto/signer.h"
#include "crypto/x509.h"

namespace kg::crypto::testing {

enum class KeyKind { kRsa2048, kRsa3072, kEcP256, kEcP384, kEcP521 };

// A generated key pair; keys are cached per (kind, slot) for the life of the
// test binary because RSA generation is slow under the sanitizers.
std::shared_ptr<EVP_PKEY> test_key(KeyKind kind, int slot = 0);

struct CertSpec {
  std::vector<std::pair<std::string, std::string>> subject{{"O", "keygate test"}, {"CN", "test"}};
  std::vector<std::string> dns, emails;
  std::vector<std::string> ips;  // text addresses
  bool ca = false;
  std::time_t not_before = 0, not_after = 0;  // 0: now - 1 day / now + 1 year
  long serial = 2;
  bool crl_distribution_point = false;
  bool key_usage_sign = true;  // false: keyEncipherment only
};

// Issues a certificate for `key` signed by `issuer_key` (self-signed when
// `issuer` is null). Aborts the test binary on OpenSSL failure.
Certificate issue(const CertSpec& spec, EVP_PKEY* key, const Certificate* issuer, EVP_PKEY* issuer_key);

std::string cert_pem(const Certificate& c);
std::string key_pem(EVP_PKEY* key);  // unencrypted PKCS#8 PEM
std::string key_pem_encrypted(EVP_PKEY* key, const std::string& passphrase);
std::shared_ptr<KeySigner> signer_of(EVP_PKEY* key);

// A CA with its key, and leaf certificates it issues.
struct TestCa {
  Certificate cert;
  std::shared_ptr<EVP_PKEY> key;
  static TestCa root(const std::string& cn, KeyKind kind, int slot, std::time_t now);
  TestCa intermediate(const std::string& cn, KeyKind kind, int slot, std::time_t now, long serial) const;
  Certificate leaf(CertSpec spec, EVP_PKEY* leaf_key) const;
};

}  // namespace kg::crypto::testing
