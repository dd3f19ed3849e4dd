// Protection of the IKE SK payload (RFC 7296 §3.14): AES-CBC with an HMAC-SHA1/
// SHA2 ICV (RFC 4868 truncations), or an AEAD cipher of the algorithm
// registry (AES-GCM, RFC 5282).
#pragma once
#include <memory>

#include "common/bytes.h"
#include "common/random.h"
#include "common/result.h"
#include "common/secret.h"
#include "crypto/algorithm_ids.h"

namespace kg::crypto {

struct EncrAlgorithm;

// What an SA runs, by the crypto layer's identifiers (src/ike translates the
// negotiated IKEv2 transforms); sizes come from the algorithm registry
// (algorithms.h).
struct CipherSuite {
  Cipher encr = Cipher::kAesGcm16;
  uint16_t key_bits = 128;
  Mac integ = Mac::kNone;  // kNone with AEAD
  [[nodiscard]] const EncrAlgorithm* algorithm() const;  // nullptr: not in the registry
  [[nodiscard]] bool aead() const;
  [[nodiscard]] size_t encr_key_size() const;  // incl. 4-byte salt for GCM
  [[nodiscard]] size_t integ_key_size() const;
  [[nodiscard]] size_t icv_size() const;       // HMAC truncation or GCM tag
};
bool encr_supported(Cipher e, uint16_t key_bits);
bool integ_supported(Mac i);
size_t integ_key_size(Mac i);   // 20 sha1, 32/48/64 sha2, 16 md5
size_t integ_icv_size(Mac i);   // 12 sha1/md5, 16/24/32 sha2

// One direction of an IKE SA's SK protection.
class SkCipher {
 public:
  [[nodiscard]] static Result<std::unique_ptr<SkCipher>> create(const CipherSuite& s,
                                                                const Secret& encr_key,
                                                                const Secret& integ_key);
  virtual ~SkCipher() = default;
  // Size of IV | ciphertext(padded plaintext | pad length) | ICV for a
  // plaintext of n bytes: what the caller writes in the SK payload length.
  [[nodiscard]] virtual size_t sealed_size(size_t plaintext_len) const = 0;
  // `aad` is the message from the IKE header up to and including the SK
  // payload's generic header, with final lengths already filled in. Returns
  // IV | ciphertext | ICV. For CBC the ICV covers aad | IV | ciphertext; for
  // GCM the AAD is `aad` and the nonce salt | IV (RFC 5282 §5.1).
  [[nodiscard]] virtual Result<Bytes> seal(ByteView aad, ByteView plaintext, Random& rng) = 0;
  // Inverse of seal. Checks the ICV first, in constant time (kAuthFailed),
  // then strips the padding (kInvalidSyntax when the pad length is impossible).
  [[nodiscard]] virtual Result<Bytes> open(ByteView aad, ByteView sealed) = 0;
};

}  // namespace kg::crypto
