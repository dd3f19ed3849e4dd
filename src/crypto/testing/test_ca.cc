#include "crypto/testing/test_ca.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <map>

namespace kg::crypto::testing {

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "test_ca: %s failed\n", what);
    std::abort();
  }
}

struct PkeyDel { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };

std::string bio_text(BIO* b) {
  char* p = nullptr;
  long n = BIO_get_mem_data(b, &p);
  return std::string(p, size_t(n));
}

void add_ext(X509* x, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, nullptr, nullptr, 0);
  X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(e != nullptr, "extension");
  X509_add_ext(x, e, -1);
  X509_EXTENSION_free(e);
}

}  // namespace

std::shared_ptr<EVP_PKEY> test_key(KeyKind kind, int slot) {
  static std::map<std::pair<int, int>, std::shared_ptr<EVP_PKEY>> cache;
  auto& k = cache[{int(kind), slot}];
  if (k) return k;
  EVP_PKEY* p = nullptr;
  switch (kind) {
    case KeyKind::kRsa2048: p = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048)); break;
    case KeyKind::kRsa3072: p = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(3072)); break;
    case KeyKind::kEcP256: p = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyKind::kEcP384: p = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case KeyKind::kEcP521: p = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"); break;
  }
  check(p != nullptr, "keygen");
  k = std::shared_ptr<EVP_PKEY>(p, PkeyDel());
  return k;
}

Certificate issue(const CertSpec& spec, EVP_PKEY* key, const Certificate* issuer, EVP_PKEY* issuer_key) {
  X509* x = X509_new();
  check(x != nullptr, "X509_new");
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), spec.serial);
  std::time_t now = std::time(nullptr);
  std::time_t nb = spec.not_before ? spec.not_before : now - 86400;
  X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &nb);
  std::time_t na = spec.not_after ? spec.not_after : now + 365 * 86400;
  X509_time_adj_ex(X509_getm_notAfter(x), 0, 0, &na);
  X509_NAME* n = X509_get_subject_name(x);
  for (auto& [k, v] : spec.subject)
    X509_NAME_add_entry_by_txt(n, k.c_str(), MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(v.c_str()), -1,
                               -1, 0);
  X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->x509()) : n);
  X509_set_pubkey(x, key);
  X509* iss = issuer ? issuer->x509() : x;
  add_ext(x, iss, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
  add_ext(x, iss, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(x, iss, NID_authority_key_identifier, "keyid");
  add_ext(x, iss, NID_key_usage,
          spec.ca ? "critical,keyCertSign,cRLSign,digitalSignature"
                  : spec.key_usage_sign ? "digitalSignature,keyEncipherment" : "keyEncipherment");
  std::string san;
  for (auto& d : spec.dns) san += (san.empty() ? "" : ",") + ("DNS:" + d);
  for (auto& e : spec.emails) san += (san.empty() ? "" : ",") + ("email:" + e);
  for (auto& i : spec.ips) san += (san.empty() ? "" : ",") + ("IP:" + i);
  if (!san.empty()) add_ext(x, iss, NID_subject_alt_name, san);
  if (spec.crl_distribution_point) add_ext(x, iss, NID_crl_distribution_points, "URI:http://crl.example.net/ca.crl");
  check(X509_sign(x, issuer ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  unsigned char* der = nullptr;
  int len = i2d_X509(x, &der);
  X509_free(x);
  auto c = Certificate::from_der(ByteView(der, size_t(len)));
  OPENSSL_free(der);
  check(c.has_value(), "Certificate::from_der");
  return *c;
}

std::string cert_pem(const Certificate& c) {
  std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(b.get(), c.x509());
  return bio_text(b.get());
}

std::string key_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(b.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "key PEM");
  return bio_text(b.get());
}

std::string key_pem_encrypted(EVP_PKEY* key, const std::string& pass) {
  std::unique_ptr<BIO, BioFree> b(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PKCS8PrivateKey(b.get(), key, EVP_aes_256_cbc(), pass.data(), int(pass.size()), nullptr,
                                      nullptr) == 1,
        "encrypted key PEM");
  return bio_text(b.get());
}

std::shared_ptr<KeySigner> signer_of(EVP_PKEY* key) {
  std::string pem = key_pem(key);
  auto s = KeySigner::from_pem(as_bytes(pem), "");
  check(s.has_value(), "KeySigner::from_pem");
  return *s;
}

TestCa TestCa::root(const std::string& cn, KeyKind kind, int slot, std::time_t now) {
  CertSpec s;
  s.subject = {{"O", "keygate test"}, {"CN", cn}};
  s.ca = true;
  s.serial = 1;
  s.not_before = now - 86400;
  s.not_after = now + 10 * 365 * 86400L;
  auto k = test_key(kind, slot);
  return TestCa{issue(s, k.get(), nullptr, nullptr), k};
}

TestCa TestCa::intermediate(const std::string& cn, KeyKind kind, int slot, std::time_t now, long serial) const {
  CertSpec s;
  s.subject = {{"O", "keygate test"}, {"CN", cn}};
  s.ca = true;
  s.serial = serial;
  s.not_before = now - 86400;
  s.not_after = now + 5 * 365 * 86400L;
  auto k = test_key(kind, slot);
  return TestCa{issue(s, k.get(), &cert, key.get()), k};
}

Certificate TestCa::leaf(CertSpec spec, EVP_PKEY* leaf_key) const { return issue(spec, leaf_key, &cert, key.get()); }

}  // namespace kg::crypto::testing
