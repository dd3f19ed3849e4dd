#include <openssl/core_names.h>
#include <openssl/params.h>

#include <cstring>

#include "crypto/ossl.h"

namespace kg::crypto::detail {

namespace {
// Fetched once: EVP_MAC_fetch is costly and the result is immutable.
EVP_MAC* hmac_alg() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// An empty key is legal for HMAC; give OpenSSL a valid pointer regardless.
const uint8_t* key_ptr(ByteView key) {
  static const uint8_t kEmpty = 0;
  return key.empty() ? &kEmpty : key.data();
}

// One HMAC context per digest name, the digest already set:
// setting OSSL_MAC_PARAM_DIGEST fetches the digest by name (a method-store
// walk and string compares, ~10k instructions), which every IKE_SA_INIT and
// IKE_AUTH did several times over. A new key on such a context (EVP_MAC_init
// without params) keeps the digest. Per thread, so no locking.
struct Proto {
  const char* digest = nullptr;
  MacCtx ctx;
};

EVP_MAC_CTX* proto(const char* digest) {
  thread_local Proto cache[6];
  for (auto& p : cache) {
    if (p.digest && (p.digest == digest || std::strcmp(p.digest, digest) == 0)) return p.ctx.get();
    if (p.digest) continue;
    if (hmac_alg() == nullptr) return nullptr;
    MacCtx c(EVP_MAC_CTX_new(hmac_alg()));
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end()};
    // Keyed (empty key) at once: EVP_MAC_CTX_dup needs initialised digests.
    if (!c || EVP_MAC_CTX_set_params(c.get(), params) != 1 || EVP_MAC_init(c.get(), key_ptr({}), 0, nullptr) != 1)
      return nullptr;
    p.digest = digest;
    p.ctx = std::move(c);
    return p.ctx.get();
  }
  return nullptr;  // more digests than slots: never with IKE's five
}

}  // namespace

Result<Hmac> Hmac::create(const char* digest, ByteView key) {
  EVP_MAC_CTX* p = proto(digest);
  if (p == nullptr) return fail(Errc::kCrypto, "HMAC unavailable");
  Hmac h;
  h.ctx_.reset(EVP_MAC_CTX_dup(p));
  if (!h.ctx_) return fail(Errc::kCrypto, "EVP_MAC_CTX_dup");
  if (EVP_MAC_init(h.ctx_.get(), key_ptr(key), key.size(), nullptr) != 1) return fail(Errc::kCrypto, "HMAC init");
  h.size_ = EVP_MAC_CTX_get_mac_size(h.ctx_.get());
  return h;
}

Result<void> Hmac::compute(std::initializer_list<ByteView> parts, std::span<uint8_t> out) {
  if (out.size() < size_) return fail(Errc::kInvalidArgument, "HMAC output too small");
  // NULL key: keep the key set in create() (OpenSSL 3 HMAC re-init semantics).
  if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) return fail(Errc::kCrypto, "HMAC reinit");
  for (ByteView p : parts) {
    if (!p.empty() && EVP_MAC_update(ctx_.get(), p.data(), p.size()) != 1)
      return fail(Errc::kCrypto, "HMAC update");
  }
  size_t n = 0;
  if (EVP_MAC_final(ctx_.get(), out.data(), &n, out.size()) != 1 || n != size_)
    return fail(Errc::kCrypto, "HMAC final");
  return {};
}

Result<Secret> hmac(const char* digest, ByteView key, std::initializer_list<ByteView> parts) {
  // The per-thread context itself, keyed for this one MAC: no allocation.
  EVP_MAC_CTX* c = proto(digest);
  if (c == nullptr) return fail(Errc::kCrypto, "HMAC unavailable");
  if (EVP_MAC_init(c, key_ptr(key), key.size(), nullptr) != 1) return fail(Errc::kCrypto, "HMAC init");
  Secret out(EVP_MAC_CTX_get_mac_size(c));
  for (ByteView p : parts)
    if (!p.empty() && EVP_MAC_update(c, p.data(), p.size()) != 1) return fail(Errc::kCrypto, "HMAC update");
  // The context keeps this key's HMAC state until the next call. No wipe
  // (it would cost as much as the MAC): the keys that pass here (nonces,
  // SK_p, SK_d, the PSK and its pad PRF) live on in the IKE SA or the
  // configuration anyway.
  size_t n = 0;
  if (EVP_MAC_final(c, out.mut().data(), &n, out.size()) != 1 || n != out.size()) return fail(Errc::kCrypto, "HMAC final");
  return out;
}

}  // namespace kg::crypto::detail
