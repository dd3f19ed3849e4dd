// Certificate path validation (RFC 5280 §6) with OpenSSL's X509_STORE: the
// trust anchors of one trustpoint, built once, used for every handshake.
#pragma once
#include <ctime>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "crypto/x509.h"

typedef struct x509_store_st X509_STORE;  // NOLINT

namespace kg::crypto {

// Why a chain did not validate, sorted the way IOS words its %PKI messages.
struct ChainError {
  enum class Kind { kExpired, kNotYetValid, kUntrusted, kKeyUsage, kRevocation, kOther };
  Kind kind = Kind::kOther;
  std::string reason;   // OpenSSL's words: "certificate has expired", ...
  std::string subject;  // the certificate at fault
  std::string serial;
  std::time_t not_before = 0, not_after = 0;
  int depth = 0;        // 0 = the peer's own certificate
};

class TrustStore {
 public:
  // Every certificate becomes a trust anchor. Like an IOS trustpoint, an
  // intermediate CA may be the anchor (X509_V_FLAG_PARTIAL_CHAIN).
  [[nodiscard]] static Result<std::shared_ptr<const TrustStore>> create(std::span<const Certificate> anchors);
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // Validates `leaf` at time `at` through the `untrusted` intermediates the
  // peer sent, to one of our anchors; then checks that the leaf may sign
  // (keyUsage digitalSignature or nonRepudiation, RFC 4945 §5.1.3.2).
  [[nodiscard]] std::expected<void, ChainError> verify(const Certificate& leaf,
                                                       std::span<const Certificate> untrusted,
                                                       std::time_t at) const;
  [[nodiscard]] const std::vector<Certificate>& anchors() const { return anchors_; }
  // Path validations answered from the cache below (tests).
  [[nodiscard]] uint64_t cache_hits() const;

  // A validated path is remembered (as strongSwan caches verified issuer
  // signatures): keyed by a SHA-256 over the leaf and the intermediates the
  // peer sent, with the window in which every certificate of the path OpenSSL
  // built is valid. The outcome depends on nothing else (the anchors of a
  // TrustStore never change; revocation is checked elsewhere), so a key seen
  // again at a time inside its window validates without the signature checks
  // (an ECDSA verify is ~55 us here, a third of a certificate handshake's
  // CPU). Failures are never cached. At most kMaxCached paths; then it starts
  // over.
  static constexpr size_t kMaxCached = 4096;

 private:
  TrustStore() = default;
  static std::expected<void, ChainError> check_leaf_usage(const Certificate& leaf);
  struct Window {
    std::time_t not_before = 0, not_after = 0;
  };
  X509_STORE* store_ = nullptr;
  std::vector<Certificate> anchors_;
  mutable std::mutex mu_;
  mutable std::map<Bytes, Window> verified_;
  mutable uint64_t hits_ = 0;
};

}  // namespace kg::crypto
