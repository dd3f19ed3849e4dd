// Parsed X.509 certificates by their exact DER, most recently used kept.
// OpenSSL 3.0 parses a certificate in about 0.1 ms of CPU (twice an ECDSA
// P-256 verification), three quarters of it spent building a key decoder for
// the SubjectPublicKeyInfo (OSSL_DECODER_CTX_new_for_pkey; 3.1 caches those,
// 3.0 does not). The same bytes keep coming back: the responder's certificate
// at every initiator, CA and intermediate certificates, a client that
// re-authenticates. A parsed certificate is immutable and nothing here
// decides trust: the chain, validity dates, identity and AUTH are still
// checked on every use, so reusing the parse changes only its cost.
#pragma once
#include <cstddef>
#include <list>
#include <string_view>
#include <unordered_map>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/x509.h"

namespace kg::crypto {

class CertCache {
 public:
  // Bounded: an authenticated peer sending new certificates only evicts the
  // least recently used ones.
  static constexpr size_t kDefaultCapacity = 128;
  explicit CertCache(size_t capacity = kDefaultCapacity) : capacity_(capacity ? capacity : 1) {}
  CertCache(const CertCache&) = delete;
  CertCache& operator=(const CertCache&) = delete;

  // Certificate::from_der(der), reusing an earlier parse of the same bytes.
  // Failures are not remembered.
  [[nodiscard]] Result<Certificate> parse(ByteView der);

  [[nodiscard]] size_t size() const { return lru_.size(); }
  [[nodiscard]] uint64_t hits() const { return hits_; }
  [[nodiscard]] uint64_t misses() const { return misses_; }

 private:
  static std::string_view key(ByteView der) { return {reinterpret_cast<const char*>(der.data()), der.size()}; }
  size_t capacity_;
  std::list<Certificate> lru_;  // front: most recently used
  // Keys view the DER held by the certificates in lru_.
  std::unordered_map<std::string_view, std::list<Certificate>::iterator> index_;
  uint64_t hits_ = 0, misses_ = 0;
};

}  // namespace kg::crypto
