// The low-level digest functions are deprecated in OpenSSL 3.0 but remain
// the only allocation-free way to resume a keyed digest state (esp_hmac.h).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "esp/esp_hmac.h"

#include <openssl/crypto.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#include <cstring>

#include "crypto/algorithms.h"

namespace kg::esp {

using crypto::Mac;

struct EspHmac::State {
  union Ctx {
    SHA_CTX sha1;
    SHA256_CTX sha256;
    SHA512_CTX sha512;  // also SHA-384
    MD5_CTX md5;
  };
  Mac alg = Mac::kNone;
  size_t block = 64, digest = 32;
  Ctx inner{}, outer{}, work{};

  void init(Ctx& c) const {
    switch (alg) {
      case Mac::kHmacSha1_96: SHA1_Init(&c.sha1); break;
      case Mac::kHmacSha2_256_128: SHA256_Init(&c.sha256); break;
      case Mac::kHmacSha2_384_192: SHA384_Init(&c.sha512); break;
      case Mac::kHmacSha2_512_256: SHA512_Init(&c.sha512); break;
      default: MD5_Init(&c.md5); break;
    }
  }
  void update(Ctx& c, ByteView d) const {
    switch (alg) {
      case Mac::kHmacSha1_96: SHA1_Update(&c.sha1, d.data(), d.size()); break;
      case Mac::kHmacSha2_256_128: SHA256_Update(&c.sha256, d.data(), d.size()); break;
      case Mac::kHmacSha2_384_192: SHA384_Update(&c.sha512, d.data(), d.size()); break;
      case Mac::kHmacSha2_512_256: SHA512_Update(&c.sha512, d.data(), d.size()); break;
      default: MD5_Update(&c.md5, d.data(), d.size()); break;
    }
  }
  void final(Ctx& c, uint8_t* out) const {
    switch (alg) {
      case Mac::kHmacSha1_96: SHA1_Final(out, &c.sha1); break;
      case Mac::kHmacSha2_256_128: SHA256_Final(out, &c.sha256); break;
      case Mac::kHmacSha2_384_192: SHA384_Final(out, &c.sha512); break;
      case Mac::kHmacSha2_512_256: SHA512_Final(out, &c.sha512); break;
      default: MD5_Final(out, &c.md5); break;
    }
  }
  ~State() { OPENSSL_cleanse(this, sizeof *this); }
};

EspHmac::EspHmac() : st_(std::make_unique<State>()) {}
EspHmac::~EspHmac() = default;

std::unique_ptr<EspHmac> EspHmac::create(Mac integ, ByteView key) {
  std::unique_ptr<EspHmac> h(new EspHmac());
  State& s = *h->st_;
  const crypto::IntegAlgorithm* a = crypto::find_integ(integ);
  if (!a || a->backend != crypto::Backend::kHmac) return nullptr;
  s.alg = integ;
  s.block = a->hmac_block;
  s.digest = a->key_size;  // an HMAC key is as long as the digest (RFC 2104 §2)
  // RFC 2104 §2: a key longer than the block is hashed first; then
  // (K xor ipad) and (K xor opad) start the inner and outer digests.
  uint8_t k[128] = {}, pad[128];
  if (key.size() > s.block) {
    s.init(s.work);
    s.update(s.work, key);
    s.final(s.work, k);
  } else {
    std::memcpy(k, key.data(), key.size());
  }
  for (size_t i = 0; i < s.block; ++i) pad[i] = k[i] ^ 0x36;
  s.init(s.inner);
  s.update(s.inner, {pad, s.block});
  for (size_t i = 0; i < s.block; ++i) pad[i] = k[i] ^ 0x5c;
  s.init(s.outer);
  s.update(s.outer, {pad, s.block});
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  return h;
}

size_t EspHmac::compute(std::span<const ByteView> parts, std::span<uint8_t, 64> out) {
  State& s = *st_;
  uint8_t inner[64];
  s.work = s.inner;
  for (ByteView p : parts) s.update(s.work, p);
  s.final(s.work, inner);
  s.work = s.outer;
  s.update(s.work, {inner, s.digest});
  s.final(s.work, out.data());
  return s.digest;
}

}  // namespace kg::esp
