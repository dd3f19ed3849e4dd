#include "esp/esp_cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

#include "crypto/algorithms.h"
#include "crypto/ipsec_mb_cbc.h"
#include "crypto/ipsec_mb_gcm.h"
#include "esp/esp_hmac.h"

namespace kg::esp {

using crypto::Mac;

struct EspCipher::Impl {
  std::unique_ptr<crypto::IpsecMbGcm> mb;  // AES-GCM on the IPsec Multi-Buffer engine; then ctx is unused
  // AES-CBC + HMAC on the IPsec Multi-Buffer engine. ctx and mac stay set
  // up: a caller whose header, IV and payload are not one contiguous run
  // (never the data path) gets OpenSSL, with the same result, and so do
  // single packets where one job does not pay: every seal without a batch
  // (CBC encryption is serial, and one lane of the library's code lost to
  // OpenSSL's at 1,400 bytes), and opens unless single_pays.
  std::unique_ptr<crypto::IpsecMbCbc> mb_cbc;
  EVP_CIPHER_CTX* ctx = nullptr;
  std::unique_ptr<EspHmac> mac;
  EVP_CIPHER_CTX* iv_ctx = nullptr;  // CBC: AES-128-ECB under a random key
  uint8_t salt[4] = {};
  bool encrypt = true;
  bool chacha = false;  // ChaCha20-Poly1305: the nonce is set per packet
  // GCM sealing: the counter whose IV the provider has already set up
  // (after the previous packet's tag, see seal); 0: none.
  uint64_t next_counter = 0;
  ~Impl() {
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_CTX_free(iv_ctx);
  }
};

namespace {

// The registry's row for `s` when the ESP data path implements it.
const crypto::EncrAlgorithm* esp_algorithm(const crypto::CipherSuite& s) {
  const crypto::EncrAlgorithm* a = s.algorithm();
  return a && a->esp ? a : nullptr;
}

// Per-packet GCM work goes through the provider's parameters, never through
// EVP_CipherInit_ex: in OpenSSL 3.0 an init with only an IV also queries the
// IV length and resets the padding, two parameter round trips with a string
// search each (callgrind: about 1,000 instructions per packet, a third of
// the AES-GCM work of a 1,400-byte packet). Instead the provider's TLS-style
// IV generator does it (RFC 5288 has the same salt | explicit IV layout):
//  - seal: one get of {tag, next IV}: the tag of this packet, then the IV
//    invocation field is incremented and set up for the next packet;
//  - open: one set of {expected tag, explicit IV from the packet}.
bool gcm_get_tag_and_next_iv(EVP_CIPHER_CTX* ctx, uint8_t* tag, uint8_t* next_iv) {
  OSSL_PARAM p[3] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, 16),
                     OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_GET_IV_GEN, next_iv, 8),
                     OSSL_PARAM_construct_end()};
  return EVP_CIPHER_CTX_get_params(ctx, p) == 1;
}

// The whole nonce salt | counter, as the next IV the generator hands out.
bool gcm_restart_iv(EVP_CIPHER_CTX* ctx, const uint8_t salt[4], uint64_t counter) {
  uint8_t nonce[12], iv[8];
  std::memcpy(nonce, salt, 4);
  for (int i = 0; i < 8; ++i) nonce[4 + i] = uint8_t(counter >> (56 - 8 * i));
  // A length of -1 sets the whole IV instead of its fixed part.
  OSSL_PARAM set[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED, nonce, size_t(-1)),
                       OSSL_PARAM_construct_end()};
  OSSL_PARAM get[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_GET_IV_GEN, iv, 8),
                       OSSL_PARAM_construct_end()};
  return EVP_CIPHER_CTX_set_params(ctx, set) == 1 && EVP_CIPHER_CTX_get_params(ctx, get) == 1 &&
         std::memcmp(iv, nonce + 4, 8) == 0;
}

// ChaCha20-Poly1305 (RFC 7634 §2): nonce = salt | IV, then the AAD. OpenSSL
// has no IV generator for it, so every packet sets its nonce, which also
// resets the Poly1305 state.
bool chacha_start(EVP_CIPHER_CTX* ctx, const uint8_t salt[4], std::span<const uint8_t> iv,
                  std::span<const uint8_t> aad) {
  uint8_t nonce[12];
  std::memcpy(nonce, salt, 4);
  std::memcpy(nonce + 4, iv.data(), 8);
  int outl = 0;
  return EVP_CipherInit_ex2(ctx, nullptr, nullptr, nonce, -1, nullptr) == 1 &&
         EVP_CipherUpdate(ctx, nullptr, &outl, aad.data(), int(aad.size())) == 1;
}

// SPI | seq, IV and payload one after the other in memory, as in a packet:
// what one IPsec Multi-Buffer CBC job takes.
bool contiguous(std::span<const uint8_t> hdr, std::span<const uint8_t> iv, std::span<const uint8_t> payload) {
  return hdr.size() == 8 && iv.size() == 16 && hdr.data() + 8 == iv.data() && iv.data() + 16 == payload.data() &&
         !payload.empty();
}

bool gcm_set_tag_and_iv(EVP_CIPHER_CTX* ctx, const uint8_t* tag, const uint8_t* iv) {
  OSSL_PARAM p[3] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, const_cast<uint8_t*>(tag), 16),
                     OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_SET_IV_INV,
                                                       const_cast<uint8_t*>(iv), 8),
                     OSSL_PARAM_construct_end()};
  return EVP_CIPHER_CTX_set_params(ctx, p) == 1;
}

}  // namespace

EspCipher::~EspCipher() = default;

crypto::CryptoEngine EspCipher::engine() const {
  return impl_->mb || impl_->mb_cbc ? crypto::CryptoEngine::kIpsecMb : crypto::CryptoEngine::kOpenSsl;
}

Result<std::unique_ptr<EspCipher>> EspCipher::create(const crypto::CipherSuite& s, const Secret& encr,
                                                     const Secret& integ, bool encrypt,
                                                     crypto::CryptoEngine engine) {
  const crypto::EncrAlgorithm* a = esp_algorithm(s);
  if (!a) return fail(Errc::kUnsupported, "ESP cipher");
  const EVP_CIPHER* c = EVP_get_cipherbyname(a->evp);
  if (!c || size_t(EVP_CIPHER_get_key_length(c)) != a->key_size) return fail(Errc::kUnsupported, "ESP cipher");
  std::unique_ptr<EspCipher> e(new EspCipher());
  e->impl_ = std::make_unique<Impl>();
  auto& im = *e->impl_;
  im.encrypt = encrypt;
  const size_t key_len = a->key_size;
  e->aead_ = a->aead;
  e->iv_size_ = a->iv_size;
  e->block_ = a->block_size;  // AEAD: RFC 4303 §2.4's 4-byte alignment only
  if (e->aead_) {
    if ((a->backend != crypto::Backend::kAeadGcm && a->backend != crypto::Backend::kAeadChacha) ||
        a->salt_size != sizeof(im.salt) || a->iv_size != 8 || a->icv_size != 16)
      return fail(Errc::kUnsupported, "ESP cipher");
    im.chacha = a->backend == crypto::Backend::kAeadChacha;
    if (encr.size() != key_len + a->salt_size) return fail(Errc::kInvalidArgument, "AEAD key+salt length");
    std::memcpy(im.salt, encr.view().data() + key_len, a->salt_size);
    e->icv_ = a->icv_size;
    if (crypto::esp_engine_for(*a, engine) == crypto::CryptoEngine::kIpsecMb) {
      im.mb = crypto::IpsecMbGcm::create(encr.view().first(key_len), std::span<const uint8_t, 4>(im.salt, 4));
      if (!im.mb) return fail(Errc::kCrypto, "IPsec Multi-Buffer GCM key");
      return e;
    }
  } else {
    if (encr.size() != key_len) return fail(Errc::kInvalidArgument, "cipher key length");
    const crypto::IntegAlgorithm* i = crypto::find_integ(s.integ);
    if (!i) return fail(Errc::kUnsupported, "ESP integrity");
    e->icv_ = i->icv_size;
    im.mac = EspHmac::create(s.integ, integ.view());
    if (!im.mac) return fail(Errc::kCrypto, "HMAC init");
    if (crypto::esp_engine_for(*a, engine) == crypto::CryptoEngine::kIpsecMb &&
        crypto::esp_engine_for(*i, engine) == crypto::CryptoEngine::kIpsecMb) {
      im.mb_cbc = crypto::IpsecMbCbc::create(encr.view(), s.integ, integ.view());
      if (!im.mb_cbc || im.mb_cbc->icv_size() != e->icv_) return fail(Errc::kCrypto, "IPsec Multi-Buffer CBC key");
    }
    if (encrypt) {
      Secret iv_key(16);
      im.iv_ctx = EVP_CIPHER_CTX_new();
      if (RAND_bytes(iv_key.mut().data(), 16) != 1 || !im.iv_ctx ||
          EVP_EncryptInit_ex2(im.iv_ctx, EVP_aes_128_ecb(), iv_key.view().data(), nullptr, nullptr) != 1)
        return fail(Errc::kCrypto, "IV generator");
      EVP_CIPHER_CTX_set_padding(im.iv_ctx, 0);
    }
  }
  im.ctx = EVP_CIPHER_CTX_new();
  if (!im.ctx || EVP_CipherInit_ex2(im.ctx, c, encr.view().data(), nullptr, encrypt ? 1 : 0, nullptr) != 1)
    return fail(Errc::kCrypto, "cipher init");
  EVP_CIPHER_CTX_set_padding(im.ctx, 0);
  if (e->aead_ && !im.chacha && !encrypt) {  // the fixed part of every nonce: the salt
    OSSL_PARAM p[2] = {OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED, im.salt, 4),
                       OSSL_PARAM_construct_end()};
    if (EVP_CIPHER_CTX_set_params(im.ctx, p) != 1) return fail(Errc::kCrypto, "GCM salt");
  }
  return e;
}

PacketResult<void> EspCipher::seal(std::span<const uint8_t> hdr, std::span<uint8_t> iv, uint64_t counter,
                                   std::span<uint8_t> payload, std::span<uint8_t> icv,
                                   crypto::IpsecMbCbc::Batch* batch, uint32_t index) {
  auto& im = *impl_;
  int outl = 0;
  if (aead_) {
    for (int i = 0; i < 8; ++i) iv[size_t(i)] = uint8_t(counter >> (56 - 8 * i));
    if (im.mb) {
      im.mb->seal(iv.first<8>(), hdr, payload, icv.first<16>());
      return {};
    }
    if (im.chacha) {
      if (!chacha_start(im.ctx, im.salt, iv, hdr) ||
          EVP_CipherUpdate(im.ctx, payload.data(), &outl, payload.data(), int(payload.size())) != 1 ||
          EVP_CipherFinal_ex(im.ctx, payload.data() + outl, &outl) != 1 ||
          EVP_CIPHER_CTX_ctrl(im.ctx, EVP_CTRL_AEAD_GET_TAG, int(icv_), icv.data()) != 1)
        return std::unexpected(Drop::kCrypto);
      return {};
    }
    // Normally the previous packet left this counter's IV set up; else
    // (the first packet, a skipped counter) set it now.
    if (counter != im.next_counter || counter == 0) {
      im.next_counter = 0;
      if (!gcm_restart_iv(im.ctx, im.salt, counter)) return std::unexpected(Drop::kCrypto);
    }
    uint8_t next_iv[8];
    if (EVP_CipherUpdate(im.ctx, nullptr, &outl, hdr.data(), int(hdr.size())) != 1 ||
        EVP_CipherUpdate(im.ctx, payload.data(), &outl, payload.data(), int(payload.size())) != 1 ||
        EVP_CipherFinal_ex(im.ctx, payload.data() + outl, &outl) != 1 ||
        !gcm_get_tag_and_next_iv(im.ctx, icv.data(), next_iv)) {
      im.next_counter = 0;
      return std::unexpected(Drop::kCrypto);
    }
    im.next_counter = counter + 1;
    return {};
  }
  // CBC: the ICV covers SPI|seq|IV|ciphertext; no ESN (its high bits would
  // follow the payload, RFC 4303 §2.2.1).
  if (!im.iv_ctx || hdr.size() != 8) return std::unexpected(Drop::kCrypto);
  uint8_t block[16] = {}, ivb[16];
  for (int i = 0; i < 8; ++i) block[i] = uint8_t(counter >> (56 - 8 * i));
  if (EVP_EncryptUpdate(im.iv_ctx, ivb, &outl, block, 16) != 1) return std::unexpected(Drop::kCrypto);
  std::memcpy(iv.data(), ivb, iv.size());
  if (im.mb_cbc && batch && contiguous(hdr, iv, payload)) {
    // One run from the header on; the library reads the header and IV and
    // writes only the payload, which is the caller's to change.
    std::span<uint8_t> packet(const_cast<uint8_t*>(hdr.data()), 8 + iv.size() + payload.size());
    if (!batch->add_seal(*im.mb_cbc, packet, icv, index)) return std::unexpected(Drop::kCrypto);
    return {};
  }
  if (EVP_CipherInit_ex(im.ctx, nullptr, nullptr, nullptr, iv.data(), 1) != 1 ||
      EVP_CipherUpdate(im.ctx, payload.data(), &outl, payload.data(), int(payload.size())) != 1)
    return std::unexpected(Drop::kCrypto);
  uint8_t full[64];
  const ByteView parts[] = {hdr, iv, payload};
  im.mac->compute(parts, full);
  std::memcpy(icv.data(), full, icv_);
  return {};
}

PacketResult<void> EspCipher::open(std::span<const uint8_t> hdr, std::span<const uint8_t> iv,
                                   std::span<uint8_t> payload, std::span<const uint8_t> icv) {
  auto& im = *impl_;
  int outl = 0;
  if (im.mb) return im.mb->open(iv.first<8>(), hdr, payload, icv.first<16>()) ? PacketResult<void>{}
                                                                              : std::unexpected(Drop::kAuth);
  if (aead_ && im.chacha) {
    if (!chacha_start(im.ctx, im.salt, iv, hdr) ||
        EVP_CIPHER_CTX_ctrl(im.ctx, EVP_CTRL_AEAD_SET_TAG, int(icv_), const_cast<uint8_t*>(icv.data())) != 1 ||
        EVP_CipherUpdate(im.ctx, payload.data(), &outl, payload.data(), int(payload.size())) != 1)
      return std::unexpected(Drop::kCrypto);
    // The tag check (constant time inside OpenSSL) happens in Final.
    if (EVP_CipherFinal_ex(im.ctx, payload.data() + outl, &outl) != 1) return std::unexpected(Drop::kAuth);
    return {};
  }
  if (aead_) {
    if (!gcm_set_tag_and_iv(im.ctx, icv.data(), iv.data()) ||
        EVP_CipherUpdate(im.ctx, nullptr, &outl, hdr.data(), int(hdr.size())) != 1 ||
        EVP_CipherUpdate(im.ctx, payload.data(), &outl, payload.data(), int(payload.size())) != 1)
      return std::unexpected(Drop::kCrypto);
    if (EVP_CipherFinal_ex(im.ctx, payload.data() + outl, &outl) != 1) return std::unexpected(Drop::kAuth);
    return {};
  }
  if (hdr.size() != 8) return std::unexpected(Drop::kCrypto);
  if (im.mb_cbc && im.mb_cbc->single_pays() && payload.size() % block_ == 0 && contiguous(hdr, iv, payload)) {
    std::span<uint8_t> packet(const_cast<uint8_t*>(hdr.data()), 8 + iv.size() + payload.size());
    return im.mb_cbc->open(packet, icv) ? PacketResult<void>{} : std::unexpected(Drop::kAuth);
  }
  uint8_t full[64];
  const ByteView parts[] = {hdr, iv, payload};
  im.mac->compute(parts, full);
  if (CRYPTO_memcmp(full, icv.data(), icv_) != 0) return std::unexpected(Drop::kAuth);
  if (payload.size() % block_ != 0) return std::unexpected(Drop::kMalformed);
  if (EVP_CipherInit_ex(im.ctx, nullptr, nullptr, nullptr, iv.data(), 0) != 1 ||
      EVP_CipherUpdate(im.ctx, payload.data(), &outl, payload.data(), int(payload.size())) != 1)
    return std::unexpected(Drop::kCrypto);
  return {};
}

Result<size_t> hmac_icv(Mac integ, ByteView key, ByteView data, std::span<uint8_t, 64> out) {
  const crypto::IntegAlgorithm* i = crypto::find_integ(integ);
  if (!i) return fail(Errc::kUnsupported, "ESP integrity");
  auto h = EspHmac::create(integ, key);
  if (!h) return fail(Errc::kCrypto, "HMAC");
  const ByteView parts[] = {data};
  h->compute(parts, out);
  return i->icv_size;
}

}  // namespace kg::esp
