#include <openssl/core_names.h>
#include <openssl/params.h>

#include "crypto/ossl.h"

namespace kg::crypto::detail {

namespace {
// Fetched once: EVP_MAC_fetch is costly and the result is immutable.
EVP_MAC* hmac_alg() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}
}  // namespace

Result<Hmac> Hmac::create(const char* digest, ByteView key) {
  if (hmac_alg() == nullptr) return fail(Errc::kCrypto, "HMAC unavailable");
  Hmac h;
  h.ctx_.reset(EVP_MAC_CTX_new(hmac_alg()));
  if (!h.ctx_) return fail(Errc::kCrypto, "EVP_MAC_CTX_new");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  // An empty key is legal for HMAC; give OpenSSL a valid pointer regardless.
  static const uint8_t kEmpty = 0;
  const uint8_t* k = key.empty() ? &kEmpty : key.data();
  if (EVP_MAC_init(h.ctx_.get(), k, key.size(), params) != 1) return fail(Errc::kCrypto, "HMAC init");
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
  auto h = Hmac::create(digest, key);
  if (!h) return std::unexpected(h.error());
  Secret out(h->size());
  auto r = h->compute(parts, out.mut());
  if (!r) return std::unexpected(r.error());
  return out;
}

}  // namespace kg::crypto::detail
