#include "pkcs11/token_signer.h"

#include <openssl/ec.h>

#include "pkcs11/rv.h"

namespace kg::pkcs11 {
namespace {

const EVP_MD* md_of(crypto::SignHash h) {
  switch (h) {
    case crypto::SignHash::kSha1: return EVP_sha1();
    case crypto::SignHash::kSha256: return EVP_sha256();
    case crypto::SignHash::kSha384: return EVP_sha384();
    case crypto::SignHash::kSha512: return EVP_sha512();
  }
  return EVP_sha256();
}

// The hash-and-sign mechanisms (PKCS#11 v2.40 §2.1.8, §2.1.14) and PSS's
// parameters: MGF1 with the same hash, salt as long as the hash (RFC 8247 §3.2).
struct RsaMech {
  CK_MECHANISM_TYPE pkcs1, pss, hash;
  CK_RSA_PKCS_MGF_TYPE mgf;
};
RsaMech rsa_mech(crypto::SignHash h) {
  switch (h) {
    case crypto::SignHash::kSha1: return {CKM_SHA1_RSA_PKCS, CKM_SHA1_RSA_PKCS_PSS, CKM_SHA_1, CKG_MGF1_SHA1};
    case crypto::SignHash::kSha256: return {CKM_SHA256_RSA_PKCS, CKM_SHA256_RSA_PKCS_PSS, CKM_SHA256, CKG_MGF1_SHA256};
    case crypto::SignHash::kSha384: return {CKM_SHA384_RSA_PKCS, CKM_SHA384_RSA_PKCS_PSS, CKM_SHA384, CKG_MGF1_SHA384};
    case crypto::SignHash::kSha512: return {CKM_SHA512_RSA_PKCS, CKM_SHA512_RSA_PKCS_PSS, CKM_SHA512, CKG_MGF1_SHA512};
  }
  return {CKM_SHA256_RSA_PKCS, CKM_SHA256_RSA_PKCS_PSS, CKM_SHA256, CKG_MGF1_SHA256};
}

Result<Bytes> c_sign(Session& s, CK_OBJECT_HANDLE key, CK_MECHANISM& mech, ByteView data, const std::string& label) {
  CK_RV rv = s.fn()->C_SignInit(s.handle(), &mech, key);
  if (rv != CKR_OK) return rv_fail(rv, "token key " + label + ": C_SignInit");
  CK_ULONG n = 0;
  auto* in = const_cast<CK_BYTE_PTR>(data.data());
  rv = s.fn()->C_Sign(s.handle(), in, data.size(), nullptr, &n);
  if (rv != CKR_OK) return rv_fail(rv, "token key " + label + ": C_Sign");
  Bytes sig(n);
  rv = s.fn()->C_Sign(s.handle(), in, data.size(), sig.data(), &n);
  if (rv != CKR_OK) return rv_fail(rv, "token key " + label + ": C_Sign");
  sig.resize(n);
  return sig;
}

// PKCS#11 gives ECDSA as r|s; IKE wants the DER Ecdsa-Sig-Value (RFC 3279).
Result<Bytes> ecdsa_der(ByteView rs) {
  if (rs.empty() || rs.size() % 2) return fail(Errc::kCrypto, "ECDSA signature of odd length from the token");
  size_t h = rs.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(rs.data(), int(h), nullptr);
  BIGNUM* s = BN_bin2bn(rs.data() + h, int(h), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
    ECDSA_SIG_free(sig);
    BN_free(r);
    BN_free(s);
    return fail(Errc::kCrypto, "cannot encode ECDSA signature");
  }
  int n = i2d_ECDSA_SIG(sig, nullptr);
  Bytes out(size_t(n > 0 ? n : 0));
  uint8_t* p = out.data();
  i2d_ECDSA_SIG(sig, &p);
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace

TokenSigner::TokenSigner(std::shared_ptr<TokenLink> link, std::string key_label, PublicKey pub)
    : link_(std::move(link)), label_(std::move(key_label)), pub_(std::move(pub)), info_(crypto::key_info(pub_.get())) {}

bool TokenSigner::matches(const crypto::Certificate& cert) const {
  return EVP_PKEY_eq(pub_.get(), cert.public_key()) == 1;
}

Result<Bytes> TokenSigner::sign(crypto::SigScheme scheme, ByteView data) const {
  return link_->with_session([&](Session& s) -> Result<Bytes> {
    auto key = find_private_key(s, label_);
    if (!key) return std::unexpected(key.error());
    if (*key == CK_INVALID_HANDLE) return fail(Errc::kNotFound, "no private key " + label_ + " on token " + link_->label());
    if (scheme.alg == crypto::SigAlg::kEcdsa) {
      uint8_t md[EVP_MAX_MD_SIZE];
      unsigned n = 0;
      if (EVP_Digest(data.data(), data.size(), md, &n, md_of(scheme.hash), nullptr) != 1)
        return fail(Errc::kCrypto, "digest");
      CK_MECHANISM mech{CKM_ECDSA, nullptr, 0};
      auto rs = c_sign(s, *key, mech, ByteView(md, n), label_);
      if (!rs) return rs;
      return ecdsa_der(*rs);
    }
    if (scheme.alg == crypto::SigAlg::kEcdsaRaw) {  // CKM_ECDSA signs the data as the digest
      CK_MECHANISM mech{CKM_ECDSA, nullptr, 0};
      auto rs = c_sign(s, *key, mech, data, label_);
      if (!rs) return rs;
      return ecdsa_der(*rs);
    }
    if (scheme.alg == crypto::SigAlg::kRsaPkcs1Raw) {  // CKM_RSA_PKCS pads the data as given
      CK_MECHANISM mech{CKM_RSA_PKCS, nullptr, 0};
      return c_sign(s, *key, mech, data, label_);
    }
    RsaMech m = rsa_mech(scheme.hash);
    if (scheme.alg == crypto::SigAlg::kRsaPss) {
      CK_RSA_PKCS_PSS_PARAMS pss{m.hash, m.mgf, CK_ULONG(EVP_MD_get_size(md_of(scheme.hash)))};
      CK_MECHANISM mech{m.pss, &pss, sizeof pss};
      return c_sign(s, *key, mech, data, label_);
    }
    CK_MECHANISM mech{m.pkcs1, nullptr, 0};
    return c_sign(s, *key, mech, data, label_);
  });
}

}  // namespace kg::pkcs11
