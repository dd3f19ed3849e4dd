#include "aaa/radius/md5.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace kg::aaa::radius {
namespace {

[[noreturn]] void no_md5() {
  // An impossible environment: Debian's OpenSSL 3 has MD5 in its default provider.
  std::fputs("keygate: OpenSSL has no MD5 (needed by RADIUS)\n", stderr);
  std::abort();
}

}  // namespace

kg::radius::Authenticator md5(std::initializer_list<ByteView> parts) {
  kg::radius::Authenticator out{};
  unsigned len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1;
  for (ByteView p : parts) ok = ok && EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == 16;
  EVP_MD_CTX_free(ctx);
  if (!ok) no_md5();
  return out;
}

kg::radius::Authenticator hmac_md5(ByteView key, ByteView data) {
  kg::radius::Authenticator out{};
  size_t len = 0;
  static const uint8_t kNoKey = 0;  // EVP_Q_mac wants a non-null key pointer
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "MD5", nullptr, key.empty() ? &kNoKey : key.data(), key.size(),
                 data.data(), data.size(), out.data(), out.size(), &len) ||
      len != 16)
    no_md5();
  return out;
}

}  // namespace kg::aaa::radius
