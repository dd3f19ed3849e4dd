// The crypto layer's own names for its algorithms. They are not IKEv2
// transform IDs: the registry (algorithms.h) keeps those, and the IKEv1 ones,
// as columns of each algorithm's row, and src/ike translates at its edge when
// it parses or builds a proposal. So src/crypto and src/esp never depend on
// one key exchange protocol's numbering, and IKEv1 can map its own.
#pragma once
#include <cstdint>

namespace kg::crypto {

// An encryption algorithm family; the key size is a separate number, as the
// IKEv2 Key Length attribute is (one registry row per size).
enum class Cipher : uint8_t {
  kAesCbc = 1,
  kAesGcm16,  // AES-GCM with a 16-byte ICV (RFC 4106)
  kAesGcm8,
  kAesGcm12,
  k3des,
  kChacha20Poly1305,  // RFC 7634
};

// An integrity algorithm: HMAC truncated to the ICV size (RFC 2404, RFC 4868).
enum class Mac : uint8_t {
  kNone = 0,  // AEAD ciphers carry their own ICV
  kHmacMd5_96,
  kHmacSha1_96,
  kHmacSha2_256_128,
  kHmacSha2_384_192,
  kHmacSha2_512_256,
};

// A pseudo-random function (HMAC, RFC 2104).
enum class Prf : uint8_t {
  kHmacMd5 = 1,
  kHmacSha1,
  kHmacSha2_256,
  kHmacSha2_384,
  kHmacSha2_512,
};

// A Diffie-Hellman group.
enum class Group : uint8_t {
  kNone = 0,
  kModp1024,
  kModp1536,
  kModp2048,
  kModp3072,
  kModp4096,
  kEcp256,
  kEcp384,
  kEcp521,
  kCurve25519,
};

}  // namespace kg::crypto
