// SK payload protection (RFC 7296 §3.14): AES-GCM (RFC 5282) or a CBC cipher
// with a truncated HMAC ICV (RFC 4868 / RFC 2404 / RFC 2403).
#include "crypto/sk_cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <mutex>
#include <utility>
#include <vector>

#include "crypto/ossl.h"

namespace kg::crypto {

namespace {

const char* integ_digest(ike::IntegId i) {
  switch (i) {
    case ike::IntegId::kHmacMd5_96: return "MD5";
    case ike::IntegId::kHmacSha1_96: return "SHA1";
    case ike::IntegId::kHmacSha2_256_128: return "SHA2-256";
    case ike::IntegId::kHmacSha2_384_192: return "SHA2-384";
    case ike::IntegId::kHmacSha2_512_256: return "SHA2-512";
    case ike::IntegId::kNone: break;
  }
  return nullptr;
}

bool is_gcm(ike::EncrId e) {
  return e == ike::EncrId::kAesGcm8 || e == ike::EncrId::kAesGcm12 || e == ike::EncrId::kAesGcm16;
}

size_t gcm_tag_size(ike::EncrId e) {
  return e == ike::EncrId::kAesGcm8 ? 8 : e == ike::EncrId::kAesGcm12 ? 12 : 16;
}

const char* cipher_name(ike::EncrId e, uint16_t bits) {
  if (e == ike::EncrId::k3des) return "DES-EDE3-CBC";
  const bool gcm = is_gcm(e);
  if (!gcm && e != ike::EncrId::kAesCbc) return nullptr;
  switch (bits) {
    case 128: return gcm ? "AES-128-GCM" : "AES-128-CBC";
    case 192: return gcm ? "AES-192-GCM" : "AES-192-CBC";
    case 256: return gcm ? "AES-256-GCM" : "AES-256-CBC";
    default: return nullptr;
  }
}

constexpr size_t kGcmSalt = 4;  // RFC 5282 §7.1: salt appended to the key
constexpr size_t kGcmIv = 8;    // RFC 5282 §3.1: explicit IV in the payload

// The cipher, fetched once per algorithm for the process (EVP_CIPHER_fetch
// is a locked method-store lookup) and kept for its lifetime.
const EVP_CIPHER* fetched(const char* name) {
  static std::mutex mu;
  static std::vector<std::pair<const char*, detail::Cipher>> cache;  // names are literals
  std::lock_guard lock(mu);
  for (auto& [n, c] : cache)
    if (n == name) return c.get();
  detail::Cipher c(EVP_CIPHER_fetch(nullptr, name, nullptr));
  if (!c) return nullptr;
  cache.emplace_back(name, std::move(c));
  return cache.back().second.get();
}

// A context keyed for one message. An IKE SA seals and opens a few messages
// after its handshake in its whole life (DPD, rekeys, deletes), while an
// OpenSSL 3 AES context costs ~1.1 kB; so an SA keeps only its keys and keys
// a context per message (a key schedule, about a microsecond), which is also
// what the handshake needs: one open and one seal per direction and exchange.
Result<detail::CipherCtx> keyed(const char* name, ByteView key, bool encrypt) {
  const EVP_CIPHER* c = fetched(name);
  if (!c) return fail(Errc::kUnsupported, "cipher unavailable");
  detail::CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), c, key.data(), nullptr, encrypt ? 1 : 0, nullptr) != 1)
    return fail(Errc::kCrypto, "cipher init");
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);  // IKE does its own padding (§3.14)
  return ctx;
}

Result<void> check_key(const char* name, size_t key_size) {
  const EVP_CIPHER* c = fetched(name);
  if (!c) return fail(Errc::kUnsupported, "cipher unavailable");
  if (static_cast<size_t>(EVP_CIPHER_get_key_length(c)) != key_size)
    return fail(Errc::kInvalidArgument, "encryption key size");
  return {};
}

// Runs the cipher over `in` into `out` (same length; block-aligned for CBC).
bool run(EVP_CIPHER_CTX* ctx, ByteView in, uint8_t* out) {
  int n = 0, m = 0;
  if (!in.empty() && EVP_CipherUpdate(ctx, out, &n, in.data(), static_cast<int>(in.size())) != 1) return false;
  return EVP_CipherFinal_ex(ctx, out + n, &m) == 1 && static_cast<size_t>(n + m) == in.size();
}

// Plaintext | Padding | Pad Length, the padded length a multiple of `block`.
Bytes pad(ByteView plaintext, size_t block) {
  const size_t padded = (plaintext.size() + 1 + block - 1) / block * block;
  Bytes b(plaintext.begin(), plaintext.end());
  b.resize(padded, 0);
  b.back() = static_cast<uint8_t>(padded - plaintext.size() - 1);
  return b;
}

Result<Bytes> unpad(Bytes b) {
  if (b.empty() || static_cast<size_t>(b.back()) + 1 > b.size())
    return fail(Errc::kInvalidSyntax, "SK pad length exceeds the payload");
  b.resize(b.size() - b.back() - 1);
  return b;
}

class GcmCipher final : public SkCipher {
 public:
  GcmCipher(const char* name, size_t tag, ByteView key, ByteView salt)
      : name_(name), tag_(tag), key_(key) {
    std::copy(salt.begin(), salt.end(), salt_);
  }
  ~GcmCipher() override { OPENSSL_cleanse(salt_, sizeof(salt_)); }
  size_t sealed_size(size_t n) const override { return kGcmIv + n + 1 + tag_; }
  Result<Bytes> seal(ByteView aad, ByteView plaintext, Random& rng) override;
  Result<Bytes> open(ByteView aad, ByteView sealed) override;

 private:
  Result<detail::CipherCtx> start(bool encrypt, ByteView iv, ByteView aad);
  const char* name_;
  size_t tag_;
  Secret key_;  // without the salt
  uint8_t salt_[kGcmSalt] = {};
};

// Nonce = salt | IV (RFC 5282 §4); AAD fed before any data.
Result<detail::CipherCtx> GcmCipher::start(bool encrypt, ByteView iv, ByteView aad) {
  auto ctx = keyed(name_, key_.view(), encrypt);
  if (!ctx) return std::unexpected(ctx.error());
  EVP_CIPHER_CTX* c = ctx->get();
  uint8_t nonce[kGcmSalt + kGcmIv];
  std::copy(salt_, salt_ + kGcmSalt, nonce);
  std::copy(iv.begin(), iv.end(), nonce + kGcmSalt);
  size_t ivlen = sizeof(nonce);
  OSSL_PARAM p[] = {OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivlen), OSSL_PARAM_construct_end()};
  int n = 0;
  if (EVP_CipherInit_ex2(c, nullptr, nullptr, nullptr, -1, p) != 1 ||
      EVP_CipherInit_ex2(c, nullptr, nullptr, nonce, -1, nullptr) != 1 ||
      (!aad.empty() && EVP_CipherUpdate(c, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1))
    return fail(Errc::kCrypto, "GCM init");
  return ctx;
}

Result<Bytes> GcmCipher::seal(ByteView aad, ByteView plaintext, Random& rng) {
  Bytes padded = pad(plaintext, 1);
  Bytes out(kGcmIv + padded.size() + tag_);
  rng.fill(std::span(out).first(kGcmIv));
  auto ctx = start(true, ByteView(out).first(kGcmIv), aad);
  if (!ctx) return std::unexpected(ctx.error());
  if (!run(ctx->get(), padded, out.data() + kGcmIv) ||
      EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_),
                          out.data() + kGcmIv + padded.size()) != 1)
    return fail(Errc::kCrypto, "GCM encrypt");
  OPENSSL_cleanse(padded.data(), padded.size());
  return out;
}

Result<Bytes> GcmCipher::open(ByteView aad, ByteView sealed) {
  if (sealed.size() < kGcmIv + 1 + tag_) return fail(Errc::kTruncated, "SK payload too short");
  ByteView iv = sealed.first(kGcmIv), ct = sealed.subspan(kGcmIv, sealed.size() - kGcmIv - tag_);
  Bytes tag(sealed.end() - static_cast<ptrdiff_t>(tag_), sealed.end());
  auto ctx = start(false, iv, aad);
  if (!ctx) return std::unexpected(ctx.error());
  Bytes pt(ct.size());
  int n = 0, m = 0;
  if (EVP_DecryptUpdate(ctx->get(), pt.data(), &n, ct.data(), static_cast<int>(ct.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_), tag.data()) != 1)
    return fail(Errc::kCrypto, "GCM decrypt");
  // The tag check (constant time inside OpenSSL) happens in Final.
  if (EVP_DecryptFinal_ex(ctx->get(), pt.data() + n, &m) != 1) {
    OPENSSL_cleanse(pt.data(), pt.size());
    return fail(Errc::kAuthFailed, "SK ICV mismatch");
  }
  return unpad(std::move(pt));
}

class CbcCipher final : public SkCipher {
 public:
  CbcCipher(const char* name, size_t block, ByteView key, const char* digest, ByteView integ_key, size_t icv)
      : name_(name), digest_(digest), block_(block), icv_(icv), key_(key), integ_key_(integ_key) {}
  size_t sealed_size(size_t n) const override { return block_ + (n + 1 + block_ - 1) / block_ * block_ + icv_; }
  Result<Bytes> seal(ByteView aad, ByteView plaintext, Random& rng) override;
  Result<Bytes> open(ByteView aad, ByteView sealed) override;

 private:
  // The full HMAC over aad | data into `full` (§3.14), keyed for this message.
  Result<void> mac(ByteView aad, ByteView data, uint8_t (&full)[EVP_MAX_MD_SIZE]) const {
    auto h = detail::Hmac::create(digest_, integ_key_.view());
    if (!h) return std::unexpected(h.error());
    return h->compute({aad, data}, full);
  }
  const char* name_;
  const char* digest_;
  size_t block_, icv_;
  Secret key_, integ_key_;
};

Result<Bytes> CbcCipher::seal(ByteView aad, ByteView plaintext, Random& rng) {
  Bytes padded = pad(plaintext, block_);
  Bytes out(block_ + padded.size() + icv_);
  rng.fill(std::span(out).first(block_));
  auto ctx = keyed(name_, key_.view(), true);
  if (!ctx) return std::unexpected(ctx.error());
  if (EVP_CipherInit_ex2(ctx->get(), nullptr, nullptr, out.data(), 1, nullptr) != 1 ||
      !run(ctx->get(), padded, out.data() + block_))
    return fail(Errc::kCrypto, "CBC encrypt");
  OPENSSL_cleanse(padded.data(), padded.size());
  uint8_t full[EVP_MAX_MD_SIZE];
  // ICV over the message up to the SK header, IV and ciphertext (§3.14).
  if (auto r = mac(aad, ByteView(out).first(block_ + padded.size()), full); !r) return std::unexpected(r.error());
  std::copy(full, full + icv_, out.end() - static_cast<ptrdiff_t>(icv_));
  return out;
}

Result<Bytes> CbcCipher::open(ByteView aad, ByteView sealed) {
  if (sealed.size() < block_ * 2 + icv_) return fail(Errc::kTruncated, "SK payload too short");
  const size_t ct_len = sealed.size() - block_ - icv_;
  if (ct_len % block_ != 0) return fail(Errc::kInvalidSyntax, "SK ciphertext not block aligned");
  uint8_t full[EVP_MAX_MD_SIZE];
  if (auto r = mac(aad, sealed.first(block_ + ct_len), full); !r) return std::unexpected(r.error());
  if (CRYPTO_memcmp(full, sealed.data() + block_ + ct_len, icv_) != 0)
    return fail(Errc::kAuthFailed, "SK ICV mismatch");
  Bytes pt(ct_len);
  auto ctx = keyed(name_, key_.view(), false);
  if (!ctx) return std::unexpected(ctx.error());
  if (EVP_CipherInit_ex2(ctx->get(), nullptr, nullptr, sealed.data(), 0, nullptr) != 1 ||
      !run(ctx->get(), sealed.subspan(block_, ct_len), pt.data()))
    return fail(Errc::kCrypto, "CBC decrypt");
  return unpad(std::move(pt));
}

}  // namespace

bool encr_supported(ike::EncrId e, uint16_t key_bits) {
  if (e == ike::EncrId::k3des) return key_bits == 0 || key_bits == 192;
  return cipher_name(e, key_bits) != nullptr;
}

bool integ_supported(ike::IntegId i) { return integ_digest(i) != nullptr; }

size_t integ_key_size(ike::IntegId i) {
  switch (i) {
    case ike::IntegId::kHmacMd5_96: return 16;
    case ike::IntegId::kHmacSha1_96: return 20;
    case ike::IntegId::kHmacSha2_256_128: return 32;
    case ike::IntegId::kHmacSha2_384_192: return 48;
    case ike::IntegId::kHmacSha2_512_256: return 64;
    case ike::IntegId::kNone: break;
  }
  return 0;
}

size_t integ_icv_size(ike::IntegId i) {
  switch (i) {
    case ike::IntegId::kHmacMd5_96: return 12;
    case ike::IntegId::kHmacSha1_96: return 12;
    case ike::IntegId::kHmacSha2_256_128: return 16;
    case ike::IntegId::kHmacSha2_384_192: return 24;
    case ike::IntegId::kHmacSha2_512_256: return 32;
    case ike::IntegId::kNone: break;
  }
  return 0;
}

bool CipherSuite::aead() const { return is_gcm(encr); }

size_t CipherSuite::encr_key_size() const {
  if (encr == ike::EncrId::k3des) return 24;
  return key_bits / 8 + (aead() ? kGcmSalt : 0);
}

size_t CipherSuite::integ_key_size() const { return aead() ? 0 : crypto::integ_key_size(integ); }

size_t CipherSuite::icv_size() const { return aead() ? gcm_tag_size(encr) : integ_icv_size(integ); }

Result<std::unique_ptr<SkCipher>> SkCipher::create(const CipherSuite& s, const Secret& encr_key,
                                                   const Secret& integ_key) {
  const uint16_t bits = s.encr == ike::EncrId::k3des ? 192 : s.key_bits;
  const char* name = cipher_name(s.encr, bits);
  if (!name) return fail(Errc::kUnsupported, "encryption transform");
  if (encr_key.size() != s.encr_key_size()) return fail(Errc::kInvalidArgument, "encryption key size");
  if (s.aead()) {
    const size_t k = encr_key.size() - kGcmSalt;
    if (auto r = check_key(name, k); !r) return std::unexpected(r.error());
    return std::make_unique<GcmCipher>(name, gcm_tag_size(s.encr), encr_key.view().first(k),
                                       encr_key.view().subspan(k));
  }
  const char* d = integ_digest(s.integ);
  if (!d) return fail(Errc::kUnsupported, "integrity transform");
  if (integ_key.size() != crypto::integ_key_size(s.integ)) return fail(Errc::kInvalidArgument, "integrity key size");
  if (auto r = check_key(name, encr_key.size()); !r) return std::unexpected(r.error());
  // Key the HMAC once here so a digest OpenSSL lacks fails now, not per message.
  if (auto mac = detail::Hmac::create(d, integ_key.view()); !mac) return std::unexpected(mac.error());
  const size_t block = static_cast<size_t>(EVP_CIPHER_get_block_size(fetched(name)));
  auto c = std::make_unique<CbcCipher>(name, block, encr_key.view(), d, integ_key.view(), integ_icv_size(s.integ));
  return c;
}

}  // namespace kg::crypto
