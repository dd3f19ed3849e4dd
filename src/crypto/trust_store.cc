#include "crypto/trust_store.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <limits>

namespace kg::crypto {

namespace {

struct CtxFree { void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); } };
struct StackFree { void operator()(STACK_OF(X509)* s) const { sk_X509_free(s); } };

ChainError::Kind kind_of(int err) {
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CRL_HAS_EXPIRED: return ChainError::Kind::kExpired;
    case X509_V_ERR_CERT_NOT_YET_VALID: return ChainError::Kind::kNotYetValid;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_CERT_UNTRUSTED: return ChainError::Kind::kUntrusted;
    case X509_V_ERR_INVALID_CA:
    case X509_V_ERR_KEYUSAGE_NO_CERTSIGN: return ChainError::Kind::kKeyUsage;
  }
  return ChainError::Kind::kOther;
}

ChainError describe(const Certificate& c, ChainError::Kind k, std::string reason, int depth) {
  ChainError e;
  e.kind = k;
  e.reason = std::move(reason);
  e.subject = c.subject();
  e.serial = c.serial_hex();
  e.not_before = c.not_before();
  e.not_after = c.not_after();
  e.depth = depth;
  return e;
}

// SHA-256 over the leaf and the intermediates, each with its length: the
// cache key of one path validation. Empty if SHA-256 is unavailable.
Bytes path_key(const Certificate& leaf, std::span<const Certificate> untrusted) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!sha256 || !md || EVP_DigestInit_ex2(md.get(), sha256, nullptr) != 1) return {};
  auto add = [&md](ByteView der) {
    const uint32_t n = uint32_t(der.size());
    const uint8_t len[4] = {uint8_t(n >> 24), uint8_t(n >> 16), uint8_t(n >> 8), uint8_t(n)};
    return EVP_DigestUpdate(md.get(), len, 4) == 1 && EVP_DigestUpdate(md.get(), der.data(), der.size()) == 1;
  };
  bool ok = add(leaf.der());
  for (auto& c : untrusted) ok = ok && add(c.der());
  Bytes out(32);
  unsigned int len = 0;
  if (!ok || EVP_DigestFinal_ex(md.get(), out.data(), &len) != 1 || len != 32) return {};
  return out;
}

}  // namespace

uint64_t TrustStore::cache_hits() const {
  std::lock_guard lock(mu_);
  return hits_;
}

Result<std::shared_ptr<const TrustStore>> TrustStore::create(std::span<const Certificate> anchors) {
  std::shared_ptr<TrustStore> t(new TrustStore());
  t->store_ = X509_STORE_new();
  if (!t->store_) return fail(Errc::kCrypto, "X509_STORE_new");
  for (auto& a : anchors) {
    if (X509_STORE_add_cert(t->store_, a.x509()) != 1) {
      // A duplicate anchor is harmless; anything else is a real failure.
      unsigned long e = ERR_peek_last_error();
      ERR_clear_error();
      if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE) return fail(Errc::kCrypto, "cannot add trust anchor");
    }
    t->anchors_.push_back(a);
  }
  X509_STORE_set_flags(t->store_, X509_V_FLAG_PARTIAL_CHAIN);
  return std::shared_ptr<const TrustStore>(std::move(t));
}

TrustStore::~TrustStore() { X509_STORE_free(store_); }

std::expected<void, ChainError> TrustStore::verify(const Certificate& leaf, std::span<const Certificate> untrusted,
                                                   std::time_t at) const {
  Bytes key = path_key(leaf, untrusted);
  if (!key.empty()) {
    std::lock_guard lock(mu_);
    auto it = verified_.find(key);
    if (it != verified_.end() && it->second.not_before <= at && at <= it->second.not_after) {
      ++hits_;
      return check_leaf_usage(leaf);
    }
  }
  std::unique_ptr<STACK_OF(X509), StackFree> chain(sk_X509_new_null());
  for (auto& c : untrusted) sk_X509_push(chain.get(), c.x509());
  std::unique_ptr<X509_STORE_CTX, CtxFree> ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store_, leaf.x509(), chain.get()) != 1)
    return std::unexpected(describe(leaf, ChainError::Kind::kOther, "cannot set up path validation", 0));
  X509_STORE_CTX_set_time(ctx.get(), 0, at);
  int ok = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (ok != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    int depth = X509_STORE_CTX_get_error_depth(ctx.get());
    X509* bad = X509_STORE_CTX_get_current_cert(ctx.get());
    // Name the certificate at fault: the one OpenSSL points at, found among
    // those we know (else the leaf).
    const Certificate* at_fault = &leaf;
    for (auto& c : untrusted)
      if (bad && X509_cmp(c.x509(), bad) == 0) at_fault = &c;
    for (auto& c : anchors_)
      if (bad && X509_cmp(c.x509(), bad) == 0) at_fault = &c;
    return std::unexpected(describe(*at_fault, kind_of(err), X509_verify_cert_error_string(err), depth));
  }
  if (!key.empty()) {  // remember the path with the window all of it is valid in
    Window w{0, std::numeric_limits<std::time_t>::max()};
    STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
    for (int i = 0; built && i < sk_X509_num(built); ++i) {
      X509* c = sk_X509_value(built, i);
      w.not_before = std::max(w.not_before, asn1_time(X509_get0_notBefore(c)));
      w.not_after = std::min(w.not_after, asn1_time(X509_get0_notAfter(c)));
    }
    std::lock_guard lock(mu_);
    if (verified_.size() >= kMaxCached) verified_.clear();
    if (built) verified_[std::move(key)] = w;
  }
  return check_leaf_usage(leaf);
}

std::expected<void, ChainError> TrustStore::check_leaf_usage(const Certificate& leaf) {
  if (!leaf.key_usage_allows_signing())
    return std::unexpected(describe(leaf, ChainError::Kind::kKeyUsage,
                                    "key usage does not allow digitalSignature", 0));
  return {};
}

}  // namespace kg::crypto
