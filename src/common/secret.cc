#include "common/secret.h"

#include <openssl/crypto.h>

namespace kg {

void Secret::wipe() {
  if (!v_.empty()) OPENSSL_cleanse(v_.data(), v_.size());
  v_.clear();
}

bool Secret::equals(std::span<const uint8_t> other) const {
  if (other.size() != v_.size()) return false;
  return CRYPTO_memcmp(v_.data(), other.data(), v_.size()) == 0;
}

}  // namespace kg
