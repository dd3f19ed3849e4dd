#include "crypto/digest.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace kg::crypto {

Bytes sha256(ByteView data) {
  Bytes md(32);
  unsigned int n = 0;
  // Fails only when OpenSSL itself is broken (no SHA-256 at all).
  if (EVP_Digest(data.data(), data.size(), md.data(), &n, EVP_sha256(), nullptr) != 1 || n != md.size()) {
    std::fputs("keygate: OpenSSL cannot compute SHA-256\n", stderr);
    std::abort();
  }
  return md;
}

}  // namespace kg::crypto
