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

Bytes md5(std::initializer_list<ByteView> parts) {
  Bytes out(16);
  unsigned len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1;
  for (ByteView p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == 16;
  EVP_MD_CTX_free(ctx);
  if (!ok) {  // MD5 missing from the OpenSSL build: an impossible environment
    std::fputs("keygate: OpenSSL has no MD5 (needed by EAP-MD5 and RADIUS)\n", stderr);
    std::abort();
  }
  return out;
}

}  // namespace kg::crypto
