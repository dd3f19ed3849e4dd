#include "crypto/cert_cache.h"

namespace kg::crypto {

Result<Certificate> CertCache::parse(ByteView der) {
  if (auto it = index_.find(key(der)); it != index_.end()) {
    ++hits_;
    lru_.splice(lru_.begin(), lru_, it->second);
    return *it->second;
  }
  ++misses_;
  auto cert = Certificate::from_der(der);
  if (!cert) return cert;
  if (lru_.size() >= capacity_) {
    index_.erase(key(lru_.back().der()));
    lru_.pop_back();
  }
  lru_.push_front(*cert);
  index_.emplace(key(lru_.front().der()), lru_.begin());
  return cert;
}

}  // namespace kg::crypto
