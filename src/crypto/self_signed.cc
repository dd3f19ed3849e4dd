#include "crypto/self_signed.h"

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "crypto/ossl.h"

namespace kg::crypto {
namespace {

struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };

bool add_ext(X509* x, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
  X509_EXTENSION* e = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!e) return false;
  bool ok = X509_add_ext(x, e, -1) == 1;
  X509_EXTENSION_free(e);
  return ok;
}

}  // namespace

Result<SelfSigned> make_self_signed(std::string_view common_name, int days) {
  if (common_name.empty() || common_name.size() > 64) return fail(Errc::kInvalidArgument, "common name");
  detail::Pkey key(EVP_EC_gen("P-256"));
  if (!key) return fail(Errc::kCrypto, "EC key generation");
  std::unique_ptr<X509, X509Free> x(X509_new());
  if (!x) return fail(Errc::kCrypto, "X509_new");
  uint8_t serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return fail(Errc::kCrypto, "RAND_bytes");
  serial[0] &= 0x7f;  // a positive INTEGER
  detail::Bn bn(BN_bin2bn(serial, sizeof serial, nullptr));
  std::string cn(common_name), san = "DNS:" + cn;
  X509_NAME* name = X509_get_subject_name(x.get());
  bool ok = X509_set_version(x.get(), 2) == 1 && bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get())) &&
            X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600) && X509_gmtime_adj(X509_getm_notAfter(x.get()), long(days) * 86400) &&
            X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) == 1 &&
            X509_set_issuer_name(x.get(), name) == 1 && X509_set_pubkey(x.get(), key.get()) == 1 &&
            add_ext(x.get(), NID_basic_constraints, "critical,CA:FALSE") &&
            add_ext(x.get(), NID_key_usage, "critical,digitalSignature") &&
            add_ext(x.get(), NID_ext_key_usage, "serverAuth") && add_ext(x.get(), NID_subject_alt_name, san.c_str()) &&
            X509_sign(x.get(), key.get(), EVP_sha256()) > 0;
  if (!ok) return fail(Errc::kCrypto, "building the self-signed certificate");
  int n = i2d_X509(x.get(), nullptr);
  Bytes der(size_t(n > 0 ? n : 0));
  uint8_t* p = der.data();
  if (n <= 0 || i2d_X509(x.get(), &p) != n) return fail(Errc::kCrypto, "encoding the certificate");
  auto cert = Certificate::from_der(der);
  if (!cert) return std::unexpected(cert.error());
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key.get());
  if (!info) return fail(Errc::kCrypto, "PKCS#8");
  int pn = i2d_PKCS8_PRIV_KEY_INFO(info, nullptr);
  Secret der8(size_t(pn > 0 ? pn : 0));
  uint8_t* q = der8.mut().data();
  bool enc = pn > 0 && i2d_PKCS8_PRIV_KEY_INFO(info, &q) == pn;
  PKCS8_PRIV_KEY_INFO_free(info);
  if (!enc) return fail(Errc::kCrypto, "PKCS#8");
  auto signer = KeySigner::from_pkcs8(der8.view());
  if (!signer) return std::unexpected(signer.error());
  return SelfSigned{std::move(*cert), std::move(*signer)};
}

std::string pem_block(std::string_view label, ByteView der) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  std::string l(label);
  if (!bio || PEM_write_bio(bio.get(), l.c_str(), "", der.data(), long(der.size())) <= 0) return "";
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  std::string out(data, size_t(n));
  OPENSSL_cleanse(data, size_t(n));
  return out;
}

}  // namespace kg::crypto
