// SK payload protection (RFC 7296 §3.14): AES-GCM (RFC 5282) or a CBC cipher
// with a truncated HMAC ICV (RFC 4868 / RFC 2404 / RFC 2403).
#include "crypto/sk_cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

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

// Shared by both modes: an EVP_CIPHER_CTX per direction, keyed once.
struct CipherPair {
  detail::CipherCtx enc, dec;
  Result<void> init(const char* name, ByteView key);
};

Result<void> CipherPair::init(const char* name, ByteView key) {
  detail::Cipher c(EVP_CIPHER_fetch(nullptr, name, nullptr));
  if (!c) return fail(Errc::kUnsupported, "cipher unavailable");
  if (static_cast<size_t>(EVP_CIPHER_get_key_length(c.get())) != key.size())
    return fail(Errc::kInvalidArgument, "encryption key size");
  enc.reset(EVP_CIPHER_CTX_new());
  dec.reset(EVP_CIPHER_CTX_new());
  if (!enc || !dec || EVP_EncryptInit_ex2(enc.get(), c.get(), key.data(), nullptr, nullptr) != 1 ||
      EVP_DecryptInit_ex2(dec.get(), c.get(), key.data(), nullptr, nullptr) != 1)
    return fail(Errc::kCrypto, "cipher init");
  EVP_CIPHER_CTX_set_padding(enc.get(), 0);  // IKE does its own padding (§3.14)
  EVP_CIPHER_CTX_set_padding(dec.get(), 0);
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
  GcmCipher(size_t tag, Bytes salt) : tag_(tag), salt_(std::move(salt)) {}
  Result<void> init(const char* name, ByteView key) { return ctx_.init(name, key); }
  size_t sealed_size(size_t n) const override { return kGcmIv + n + 1 + tag_; }
  Result<Bytes> seal(ByteView aad, ByteView plaintext, Random& rng) override;
  Result<Bytes> open(ByteView aad, ByteView sealed) override;

 private:
  Result<void> start(EVP_CIPHER_CTX* c, ByteView iv, ByteView aad);
  size_t tag_;
  Bytes salt_;
  CipherPair ctx_;
};

// Nonce = salt | IV (RFC 5282 §4); AAD fed before any data.
Result<void> GcmCipher::start(EVP_CIPHER_CTX* c, ByteView iv, ByteView aad) {
  uint8_t nonce[kGcmSalt + kGcmIv];
  std::copy(salt_.begin(), salt_.end(), nonce);
  std::copy(iv.begin(), iv.end(), nonce + kGcmSalt);
  size_t ivlen = sizeof(nonce);
  OSSL_PARAM p[] = {OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivlen), OSSL_PARAM_construct_end()};
  int n = 0;
  if (EVP_CipherInit_ex2(c, nullptr, nullptr, nullptr, -1, p) != 1 ||
      EVP_CipherInit_ex2(c, nullptr, nullptr, nonce, -1, nullptr) != 1 ||
      (!aad.empty() && EVP_CipherUpdate(c, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1))
    return fail(Errc::kCrypto, "GCM init");
  return {};
}

Result<Bytes> GcmCipher::seal(ByteView aad, ByteView plaintext, Random& rng) {
  Bytes padded = pad(plaintext, 1);
  Bytes out(kGcmIv + padded.size() + tag_);
  rng.fill(std::span(out).first(kGcmIv));
  if (auto r = start(ctx_.enc.get(), ByteView(out).first(kGcmIv), aad); !r) return std::unexpected(r.error());
  if (!run(ctx_.enc.get(), padded, out.data() + kGcmIv) ||
      EVP_CIPHER_CTX_ctrl(ctx_.enc.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_),
                          out.data() + kGcmIv + padded.size()) != 1)
    return fail(Errc::kCrypto, "GCM encrypt");
  OPENSSL_cleanse(padded.data(), padded.size());
  return out;
}

Result<Bytes> GcmCipher::open(ByteView aad, ByteView sealed) {
  if (sealed.size() < kGcmIv + 1 + tag_) return fail(Errc::kTruncated, "SK payload too short");
  ByteView iv = sealed.first(kGcmIv), ct = sealed.subspan(kGcmIv, sealed.size() - kGcmIv - tag_);
  Bytes tag(sealed.end() - static_cast<ptrdiff_t>(tag_), sealed.end());
  if (auto r = start(ctx_.dec.get(), iv, aad); !r) return std::unexpected(r.error());
  Bytes pt(ct.size());
  int n = 0, m = 0;
  if (EVP_DecryptUpdate(ctx_.dec.get(), pt.data(), &n, ct.data(), static_cast<int>(ct.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_.dec.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_), tag.data()) != 1)
    return fail(Errc::kCrypto, "GCM decrypt");
  // The tag check (constant time inside OpenSSL) happens in Final.
  if (EVP_DecryptFinal_ex(ctx_.dec.get(), pt.data() + n, &m) != 1) {
    OPENSSL_cleanse(pt.data(), pt.size());
    return fail(Errc::kAuthFailed, "SK ICV mismatch");
  }
  return unpad(std::move(pt));
}

class CbcCipher final : public SkCipher {
 public:
  CbcCipher(detail::Hmac mac, size_t icv) : mac_(std::move(mac)), icv_(icv) {}
  Result<void> init(const char* name, ByteView key) {
    auto r = ctx_.init(name, key);
    if (r) block_ = static_cast<size_t>(EVP_CIPHER_CTX_get_block_size(ctx_.enc.get()));
    return r;
  }
  size_t sealed_size(size_t n) const override { return block_ + (n + 1 + block_ - 1) / block_ * block_ + icv_; }
  Result<Bytes> seal(ByteView aad, ByteView plaintext, Random& rng) override;
  Result<Bytes> open(ByteView aad, ByteView sealed) override;

 private:
  detail::Hmac mac_;
  size_t icv_;
  size_t block_ = 16;
  CipherPair ctx_;
};

Result<Bytes> CbcCipher::seal(ByteView aad, ByteView plaintext, Random& rng) {
  Bytes padded = pad(plaintext, block_);
  Bytes out(block_ + padded.size() + icv_);
  rng.fill(std::span(out).first(block_));
  if (EVP_CipherInit_ex2(ctx_.enc.get(), nullptr, nullptr, out.data(), 1, nullptr) != 1 ||
      !run(ctx_.enc.get(), padded, out.data() + block_))
    return fail(Errc::kCrypto, "CBC encrypt");
  OPENSSL_cleanse(padded.data(), padded.size());
  uint8_t full[EVP_MAX_MD_SIZE];
  // ICV over the message up to the SK header, IV and ciphertext (§3.14).
  if (auto r = mac_.compute({aad, ByteView(out).first(block_ + padded.size())}, full); !r)
    return std::unexpected(r.error());
  std::copy(full, full + icv_, out.end() - static_cast<ptrdiff_t>(icv_));
  return out;
}

Result<Bytes> CbcCipher::open(ByteView aad, ByteView sealed) {
  if (sealed.size() < block_ * 2 + icv_) return fail(Errc::kTruncated, "SK payload too short");
  const size_t ct_len = sealed.size() - block_ - icv_;
  if (ct_len % block_ != 0) return fail(Errc::kInvalidSyntax, "SK ciphertext not block aligned");
  uint8_t full[EVP_MAX_MD_SIZE];
  if (auto r = mac_.compute({aad, sealed.first(block_ + ct_len)}, full); !r) return std::unexpected(r.error());
  if (CRYPTO_memcmp(full, sealed.data() + block_ + ct_len, icv_) != 0)
    return fail(Errc::kAuthFailed, "SK ICV mismatch");
  Bytes pt(ct_len);
  if (EVP_CipherInit_ex2(ctx_.dec.get(), nullptr, nullptr, sealed.data(), 0, nullptr) != 1 ||
      !run(ctx_.dec.get(), sealed.subspan(block_, ct_len), pt.data()))
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
    auto c = std::make_unique<GcmCipher>(gcm_tag_size(s.encr), Bytes(encr_key.view().begin() + k, encr_key.view().end()));
    if (auto r = c->init(name, encr_key.view().first(k)); !r) return std::unexpected(r.error());
    return c;
  }
  const char* d = integ_digest(s.integ);
  if (!d) return fail(Errc::kUnsupported, "integrity transform");
  if (integ_key.size() != crypto::integ_key_size(s.integ)) return fail(Errc::kInvalidArgument, "integrity key size");
  auto mac = detail::Hmac::create(d, integ_key.view());
  if (!mac) return std::unexpected(mac.error());
  auto c = std::make_unique<CbcCipher>(std::move(*mac), integ_icv_size(s.integ));
  if (auto r = c->init(name, encr_key.view()); !r) return std::unexpected(r.error());
  return c;
}

}  // namespace kg::crypto
