// Internal to kg_crypto: owning handles for OpenSSL objects and a one-shot
// HMAC used by the PRF and AUTH code. Not part of the crypto contract.
#pragma once
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#include <initializer_list>
#include <memory>

#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"

namespace kg::crypto::detail {

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct PkeyCtxFree { void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); } };
struct MacCtxFree { void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); } };
struct CipherCtxFree { void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); } };
struct CipherFree { void operator()(EVP_CIPHER* p) const { EVP_CIPHER_free(p); } };
struct BnFree { void operator()(BIGNUM* p) const { BN_clear_free(p); } };
struct MdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using Cipher = std::unique_ptr<EVP_CIPHER, CipherFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

// A keyed HMAC context that is re-initialised (same key) for every message,
// so per-packet work does no key setup or allocation.
class Hmac {
 public:
  [[nodiscard]] static Result<Hmac> create(const char* digest, ByteView key);
  [[nodiscard]] size_t size() const { return size_; }
  // MAC over the concatenation of `parts`, written to out[0..size()).
  [[nodiscard]] Result<void> compute(std::initializer_list<ByteView> parts, std::span<uint8_t> out);

 private:
  MacCtx ctx_;
  size_t size_ = 0;
};

// One-shot HMAC into a Secret.
[[nodiscard]] Result<Secret> hmac(const char* digest, ByteView key, std::initializer_list<ByteView> parts);

}  // namespace kg::crypto::detail
