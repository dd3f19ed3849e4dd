#include "crypto/signer.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>

#include "crypto/ossl.h"

namespace kg::crypto {

namespace {

using detail::BioFree;
using detail::MdCtx;

const EVP_MD* md_of(SignHash h) {
  switch (h) {
    case SignHash::kSha1: return EVP_sha1();
    case SignHash::kSha256: return EVP_sha256();
    case SignHash::kSha384: return EVP_sha384();
    case SignHash::kSha512: return EVP_sha512();
  }
  return nullptr;
}

bool key_fits(KeyInfo k, SigAlg a) { return a == SigAlg::kEcdsa || a == SigAlg::kEcdsaRaw ? k.ecdsa() : k.rsa(); }

// Padding for RSA schemes; nothing to do for ECDSA. We sign PSS with a salt
// as long as the hash; a verifier takes whatever salt length the signature
// has (RFC 8017 §9.1.2 recovers it), as peers differ there.
bool set_padding(EVP_PKEY_CTX* pctx, SigScheme s, bool verify) {
  if (s.alg == SigAlg::kRsaPkcs1 || s.alg == SigAlg::kRsaPkcs1Raw) return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
  if (s.alg == SigAlg::kRsaPss)
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md_of(s.hash)) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, verify ? RSA_PSS_SALTLEN_AUTO : RSA_PSS_SALTLEN_DIGEST) == 1;
  return true;
}

std::string ossl_error() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (!e) return "";
  char b[256];
  ERR_error_string_n(e, b, sizeof b);
  return b;
}

// kRsaPkcs1Raw, kEcdsaRaw: EVP_PKEY_sign / EVP_PKEY_verify without a
// digest: RSA pads and compares the data as given, ECDSA takes it as the
// digest (its signature comes DER-encoded, as every ECDSA one here).
Result<Bytes> sign_raw(EVP_PKEY* key, ByteView data) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new(key, nullptr), EVP_PKEY_CTX_free);
  size_t len = 0;
  const bool rsa = key_info(key).rsa();
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      (rsa && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) ||
      EVP_PKEY_sign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    return fail(Errc::kCrypto, "signature setup failed: " + ossl_error());
  Bytes sig(len);
  if (EVP_PKEY_sign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
    return fail(Errc::kCrypto, "signature failed: " + ossl_error());
  sig.resize(len);
  return sig;
}

bool verify_raw(const EVP_PKEY* pub, ByteView data, ByteView sig) {
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(const_cast<EVP_PKEY*>(pub), nullptr), EVP_PKEY_CTX_free);
  bool ok = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
            (!key_info(pub).rsa() || EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1) &&
            EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), data.data(), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace

const char* hash_name(SignHash h) {
  switch (h) {
    case SignHash::kSha1: return "SHA-1";
    case SignHash::kSha256: return "SHA-256";
    case SignHash::kSha384: return "SHA-384";
    case SignHash::kSha512: return "SHA-512";
  }
  return "hash?";
}

std::string scheme_name(SigScheme s) {
  if (s.alg == SigAlg::kRsaPkcs1Raw) return "RSA PKCS#1 v1.5 without DigestInfo";
  if (s.alg == SigAlg::kEcdsaRaw) return "ECDSA of a digest as given";
  const char* a = s.alg == SigAlg::kRsaPkcs1 ? "RSA PKCS#1 v1.5" : s.alg == SigAlg::kRsaPss ? "RSASSA-PSS" : "ECDSA";
  return std::string(a) + " with " + hash_name(s.hash);
}

Result<std::shared_ptr<KeySigner>> KeySigner::from_pem(ByteView pem, std::string_view passphrase) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  std::string pass(passphrase);
  // An empty passphrase must not make OpenSSL prompt on the terminal.
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass.data());
  std::fill(pass.begin(), pass.end(), '\0');
  if (!k) {
    ERR_clear_error();
    // An encrypted PEM key ("ENCRYPTED PRIVATE KEY", or Proc-Type: 4,ENCRYPTED)
    // that does not open: the passphrase is wrong or missing.
    std::string_view text(reinterpret_cast<const char*>(pem.data()), pem.size());
    bool encrypted = text.find("ENCRYPTED") != std::string_view::npos;
    return fail(Errc::kInvalidArgument, encrypted ? "wrong passphrase for the private key"
                                                  : "private key does not parse (PEM)");
  }
  std::shared_ptr<KeySigner> s(new KeySigner(k));
  if (s->key().type == KeyType::kUnknown) return fail(Errc::kUnsupported, "private key is neither RSA nor ECDSA P-256/384/521");
  return s;
}

Result<std::shared_ptr<KeySigner>> KeySigner::from_pkcs8(ByteView der) {
  const unsigned char* p = der.data();
  EVP_PKEY* k = d2i_AutoPrivateKey(nullptr, &p, long(der.size()));
  if (!k) {
    ERR_clear_error();
    return fail(Errc::kInvalidSyntax, "private key does not parse (PKCS#8)");
  }
  return std::shared_ptr<KeySigner>(new KeySigner(k));
}

KeySigner::~KeySigner() { EVP_PKEY_free(key_); }

KeyInfo KeySigner::key() const { return key_info(key_); }

Result<Bytes> KeySigner::sign(SigScheme s, ByteView data) const {
  if (!key_fits(key(), s.alg)) return fail(Errc::kInvalidArgument, scheme_name(s) + " does not fit a " + key().str() + " key");
  if (s.alg == SigAlg::kRsaPkcs1Raw || s.alg == SigAlg::kEcdsaRaw) return sign_raw(key_, data);
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, md_of(s.hash), nullptr, key_) != 1 || !set_padding(pctx, s, false) ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    return fail(Errc::kCrypto, "signature setup failed: " + ossl_error());
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
    return fail(Errc::kCrypto, "signature failed: " + ossl_error());
  sig.resize(len);
  return sig;
}

bool KeySigner::matches(const Certificate& cert) const { return EVP_PKEY_eq(key_, cert.public_key()) == 1; }

Result<Secret> KeySigner::to_pkcs8() const {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_secmem()));
  if (!bio || i2d_PKCS8PrivateKey_bio(bio.get(), key_, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return fail(Errc::kCrypto, "cannot encode private key");
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  Secret out(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(p), size_t(n)));
  OPENSSL_cleanse(p, size_t(n));
  return out;
}

Result<void> verify_signature(const EVP_PKEY* pub, SigScheme s, ByteView data, ByteView sig) {
  KeyInfo k = key_info(pub);
  if (!key_fits(k, s.alg)) return fail(Errc::kAuthFailed, scheme_name(s) + " signature from a " + k.str() + " key");
  if (s.alg == SigAlg::kRsaPkcs1Raw || s.alg == SigAlg::kEcdsaRaw) {
    if (!verify_raw(pub, data, sig)) return fail(Errc::kAuthFailed, scheme_name(s) + " signature does not verify");
    return {};
  }
  MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  // EVP_DigestVerifyInit takes a non-const key but does not change it.
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md_of(s.hash), nullptr, const_cast<EVP_PKEY*>(pub)) != 1 ||
      !set_padding(pctx, s, true))
    return fail(Errc::kCrypto, "verification setup failed: " + ossl_error());
  int r = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size());
  ERR_clear_error();
  if (r != 1) return fail(Errc::kAuthFailed, scheme_name(s) + " signature does not verify");
  return {};
}

}  // namespace kg::crypto
