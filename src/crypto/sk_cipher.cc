// SK payload protection (RFC 7296 §3.14): an AEAD cipher (AES-GCM, RFC 5282;
// ChaCha20-Poly1305, RFC 7634) or a CBC cipher with a truncated HMAC ICV
// (RFC 4868 / RFC 2404 / RFC 2403). Which one, and its sizes, come from the
// algorithm registry (algorithms.h).
#include "crypto/sk_cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <mutex>
#include <utility>
#include <vector>

#include "crypto/algorithms.h"
#include "crypto/ossl.h"

namespace kg::crypto {

namespace {

const char* integ_digest(Mac i) {
  const IntegAlgorithm* a = find_integ(i);
  return a ? a->digest : nullptr;
}

// Salt appended to the key (RFC 5282 §7.1, RFC 7634 §2) and explicit IV in
// the payload (RFC 5282 §3.1, RFC 7634 §2): at most 4 and 8 bytes.
constexpr size_t kMaxSalt = 4;
constexpr size_t kMaxIv = 8;

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

// AES-GCM (RFC 5282) and ChaCha20-Poly1305 (RFC 7634 §3): the same layout,
// salt and IV sizes come from the registry.
class AeadCipher final : public SkCipher {
 public:
  AeadCipher(const EncrAlgorithm& a, ByteView key, ByteView salt)
      : name_(a.evp), tag_(a.icv_size), salt_size_(a.salt_size), iv_size_(a.iv_size), key_(key) {
    std::copy(salt.begin(), salt.end(), salt_);
  }
  ~AeadCipher() override { OPENSSL_cleanse(salt_, sizeof(salt_)); }
  size_t sealed_size(size_t n) const override { return iv_size_ + n + 1 + tag_; }
  Result<Bytes> seal(ByteView aad, ByteView plaintext, Random& rng) override;
  Result<Bytes> open(ByteView aad, ByteView sealed) override;

 private:
  Result<detail::CipherCtx> start(bool encrypt, ByteView iv, ByteView aad);
  const char* name_;
  size_t tag_, salt_size_, iv_size_;
  Secret key_;  // without the salt
  uint8_t salt_[kMaxSalt] = {};
};

// Nonce = salt | IV (RFC 5282 §4, RFC 7634 §2); AAD fed before any data.
Result<detail::CipherCtx> AeadCipher::start(bool encrypt, ByteView iv, ByteView aad) {
  auto ctx = keyed(name_, key_.view(), encrypt);
  if (!ctx) return std::unexpected(ctx.error());
  EVP_CIPHER_CTX* c = ctx->get();
  uint8_t nonce[kMaxSalt + kMaxIv];
  std::copy(salt_, salt_ + salt_size_, nonce);
  std::copy(iv.begin(), iv.end(), nonce + salt_size_);
  size_t ivlen = salt_size_ + iv_size_;
  OSSL_PARAM p[] = {OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &ivlen), OSSL_PARAM_construct_end()};
  int n = 0;
  if (EVP_CipherInit_ex2(c, nullptr, nullptr, nullptr, -1, p) != 1 ||
      EVP_CipherInit_ex2(c, nullptr, nullptr, nonce, -1, nullptr) != 1 ||
      (!aad.empty() && EVP_CipherUpdate(c, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1))
    return fail(Errc::kCrypto, "AEAD init");
  return ctx;
}

Result<Bytes> AeadCipher::seal(ByteView aad, ByteView plaintext, Random& rng) {
  Bytes padded = pad(plaintext, 1);
  Bytes out(iv_size_ + padded.size() + tag_);
  rng.fill(std::span(out).first(iv_size_));
  auto ctx = start(true, ByteView(out).first(iv_size_), aad);
  if (!ctx) return std::unexpected(ctx.error());
  if (!run(ctx->get(), padded, out.data() + iv_size_) ||
      EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_),
                          out.data() + iv_size_ + padded.size()) != 1)
    return fail(Errc::kCrypto, "AEAD encrypt");
  OPENSSL_cleanse(padded.data(), padded.size());
  return out;
}

Result<Bytes> AeadCipher::open(ByteView aad, ByteView sealed) {
  if (sealed.size() < iv_size_ + 1 + tag_) return fail(Errc::kTruncated, "SK payload too short");
  ByteView iv = sealed.first(iv_size_), ct = sealed.subspan(iv_size_, sealed.size() - iv_size_ - tag_);
  Bytes tag(sealed.end() - static_cast<ptrdiff_t>(tag_), sealed.end());
  auto ctx = start(false, iv, aad);
  if (!ctx) return std::unexpected(ctx.error());
  Bytes pt(ct.size());
  int n = 0, m = 0;
  if (EVP_DecryptUpdate(ctx->get(), pt.data(), &n, ct.data(), static_cast<int>(ct.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx->get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_), tag.data()) != 1)
    return fail(Errc::kCrypto, "AEAD decrypt");
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

bool encr_supported(Cipher e, uint16_t key_bits) { return find_encr(e, key_bits) != nullptr; }

bool integ_supported(Mac i) { return find_integ(i) != nullptr; }

size_t integ_key_size(Mac i) {
  const IntegAlgorithm* a = find_integ(i);
  return a ? a->key_size : 0;
}

size_t integ_icv_size(Mac i) {
  const IntegAlgorithm* a = find_integ(i);
  return a ? a->icv_size : 0;
}

const EncrAlgorithm* CipherSuite::algorithm() const { return find_encr(encr, key_bits); }

bool CipherSuite::aead() const {
  const EncrAlgorithm* a = algorithm();
  return a && a->aead;
}

size_t CipherSuite::encr_key_size() const {
  const EncrAlgorithm* a = algorithm();
  return a ? size_t(a->key_size) + a->salt_size : 0;
}

size_t CipherSuite::integ_key_size() const { return aead() ? 0 : crypto::integ_key_size(integ); }

size_t CipherSuite::icv_size() const {
  const EncrAlgorithm* a = algorithm();
  if (!a) return 0;
  return a->aead ? a->icv_size : integ_icv_size(integ);
}

Result<std::unique_ptr<SkCipher>> SkCipher::create(const CipherSuite& s, const Secret& encr_key,
                                                   const Secret& integ_key) {
  const EncrAlgorithm* a = s.algorithm();
  if (!a) return fail(Errc::kUnsupported, "encryption transform");
  const char* name = a->evp;
  if (encr_key.size() != s.encr_key_size()) return fail(Errc::kInvalidArgument, "encryption key size");
  // Every AEAD of the registry runs through OpenSSL's generic AEAD calls.
  if (a->aead) {
    const size_t k = encr_key.size() - a->salt_size;
    if (a->salt_size > kMaxSalt || a->iv_size > kMaxIv) return fail(Errc::kUnsupported, "AEAD nonce layout");
    if (auto r = check_key(name, k); !r) return std::unexpected(r.error());
    return std::make_unique<AeadCipher>(*a, encr_key.view().first(k), encr_key.view().subspan(k));
  }
  if (a->backend != Backend::kCbc) return fail(Errc::kUnsupported, "encryption transform");
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
