#include "aaa/radius/md5.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "crypto/digest.h"
#include "crypto/prf.h"

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
  // Through crypto's HMAC, whose per-thread context has MD5 already set:
  // EVP_Q_mac fetched the MAC and the digest by name on every call, about
  // 5% of the hub's CPU in bench part eap (two Message-Authenticators per
  // RADIUS round trip).
  auto mac = crypto::prf(crypto::Prf::kHmacMd5, key, data);
  if (!mac || mac->size() != 16) no_md5();
  kg::radius::Authenticator out{};
  std::copy(mac->view().begin(), mac->view().end(), out.begin());
  return out;
}

}  // namespace kg::aaa::radius
