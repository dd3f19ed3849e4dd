#include "crypto/digest.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

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
  // MD5 fetched once and one context per thread: EVP_md5() in a fresh
  // context fetched the implementation on every call (each RADIUS reply's
  // Response Authenticator comes here).
  static EVP_MD* const kMd5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  Bytes out(16);
  unsigned len = 0;
  bool ok = kMd5 && ctx && EVP_DigestInit_ex2(ctx.get(), kMd5, nullptr) == 1;
  for (ByteView p : parts) ok = ok && EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == 16;
  if (!ok) {  // MD5 missing from the OpenSSL build: an impossible environment
    std::fputs("keygate: OpenSSL has no MD5 (needed by EAP-MD5 and RADIUS)\n", stderr);
    std::abort();
  }
  return out;
}

}  // namespace kg::crypto
