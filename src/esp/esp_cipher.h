// One direction of an ESP SA's cryptography (RFC 4303), with OpenSSL contexts
// created once and reused for every packet:
//  - AES-GCM-128/256 with a 16-byte ICV (RFC 4106): key material is key|salt,
//    nonce = salt | IV, IV = the 64-bit packet counter, AAD = SPI | seq.
//  - ChaCha20-Poly1305 (RFC 7634): the same layout as AES-GCM, the nonce
//    set per packet;
//  - AES-CBC-128/192/256 (and legacy 3DES) with HMAC-SHA1-96 / SHA2-256-128 /
//    SHA2-384-192 / SHA2-512-256 (RFC 4868) over SPI|seq|IV|ciphertext.
// Which one, and its sizes, come from the algorithm registry (crypto/algorithms.h).
// AES-GCM runs on the crypto engine (crypto/crypto_engine.h): the IPsec
// Multi-Buffer library where the CPU allows, otherwise OpenSSL.
#pragma once
#include <cstdint>
#include <memory>
#include <span>

#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"
#include "crypto/crypto_engine.h"
#include "crypto/ipsec_mb_cbc.h"
#include "crypto/sk_cipher.h"

namespace kg::esp {

// Why a packet was dropped. A plain value (no message string), so that a
// flood of bad packets costs no allocation; each kind is also counted.
enum class Drop : uint8_t {
  kMalformed,  // too short, bad header, bad padding or trailer, not block aligned
  kReplay,     // RFC 4303 §3.4.3: old or seen sequence number
  kAuth,       // ICV does not verify
  kPolicy,     // inner addresses outside the SA's traffic selectors
  kExhausted,  // outbound sequence number would wrap (RFC 4303 §3.3.3)
  kBuffer,     // the caller's buffer has no room for headers and trailer
  kCrypto,     // OpenSSL failed
};
template <class T>
using PacketResult = std::expected<T, Drop>;

class EspCipher {
 public:
  // `engine` matters for AES-GCM only; tests pass it to compare the two.
  static Result<std::unique_ptr<EspCipher>> create(const crypto::CipherSuite& s, const Secret& encr,
                                                   const Secret& integ, bool encrypt,
                                                   crypto::CryptoEngine engine = crypto::esp_engine());
  ~EspCipher();
  [[nodiscard]] size_t iv_size() const { return iv_size_; }
  [[nodiscard]] size_t block_size() const { return block_; }
  [[nodiscard]] size_t icv_size() const { return icv_; }
  [[nodiscard]] bool aead() const { return aead_; }
  // The engine that runs this cipher (OpenSSL for all but AES-GCM).
  [[nodiscard]] crypto::CryptoEngine engine() const;

  // In place. `hdr` = SPI|seq (8 bytes; an AEAD also takes the 12 bytes
  // SPI|seq-hi|seq-lo of RFC 4106 §5 / RFC 7634 §2.1, the AAD with ESN, which
  // is how RFC 8439's vector with its 12-byte AAD is checked); `iv` (iv_size bytes) is written
  // from `counter`, which must differ for every packet of the SA (the
  // sequence number): for GCM it is the counter itself (RFC 4106 §3.1), for
  // CBC the counter encrypted with a random per-SA AES key, which makes it
  // unpredictable as RFC 3602 §2.4 requires, without a DRBG call per packet.
  // `payload` = padded plaintext on input, ciphertext on output; `icv`
  // receives the ICV.
  //
  // With `batch`, a cipher that runs AES-CBC on the IPsec Multi-Buffer
  // library queues its encryption and ICV there as job `index` instead
  // (header, IV and payload must be one run, as in a packet): the packet is
  // sealed once batch->finish() has run, which says whether it was. Other
  // ciphers seal at once and ignore it.
  PacketResult<void> seal(std::span<const uint8_t> hdr, std::span<uint8_t> iv, uint64_t counter,
                          std::span<uint8_t> payload, std::span<uint8_t> icv,
                          crypto::IpsecMbCbc::Batch* batch = nullptr, uint32_t index = 0);
  // In place; verifies the ICV first (constant time), then decrypts.
  PacketResult<void> open(std::span<const uint8_t> hdr, std::span<const uint8_t> iv,
                          std::span<uint8_t> payload, std::span<const uint8_t> icv);

 private:
  EspCipher() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool aead_ = false;
  size_t iv_size_ = 0, block_ = 0, icv_ = 0;
};

// HMAC of `data` truncated to the ESP ICV size of `integ` (RFC 2404, RFC 4868
// §2.3: the leftmost bits), through the same EspHmac packets use; one-shot,
// for tests and vectors.
Result<size_t> hmac_icv(crypto::Mac integ, ByteView key, ByteView data, std::span<uint8_t, 64> out);

}  // namespace kg::esp
