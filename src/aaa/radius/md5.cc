#include "aaa/radius/md5.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "crypto/digest.h"

namespace kg::aaa::radius {
namespace {

[[noreturn]] void no_md5() {
  // An impossible environment: Debian's OpenSSL 3 has MD5 in its default provider.
  std::fputs("keygate: OpenSSL has no MD5 (needed by RADIUS)\n", stderr);
  std::abort();
}

}  // namespace

kg::radius::Authenticator md5(std::initializer_list<ByteView> parts) {
  Bytes d = crypto::md5(parts);  // 16 bytes, or the process stops
  kg::radius::Authenticator out{};
  std::copy(d.begin(), d.end(), out.begin());
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
