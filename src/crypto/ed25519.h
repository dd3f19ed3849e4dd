// Ed25519 (RFC 8032) through OpenSSL 3 EVP: keys as raw 32-byte values or
// DER SubjectPublicKeyInfo, signatures of 64 bytes. Used by Consent Token
// (consent/signature.h), whose choice of Ed25519 is explained there.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::crypto {

inline constexpr size_t kEd25519KeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// The raw key of a DER SubjectPublicKeyInfo that must be Ed25519 and must
// fill `der` exactly.
Result<Bytes> ed25519_public_from_spki(ByteView der);
// The DER SubjectPublicKeyInfo of a raw key; empty if it is not 32 bytes.
Bytes ed25519_spki(ByteView raw);
[[nodiscard]] bool ed25519_verify(ByteView raw_public_key, ByteView message, ByteView signature);

// A private key held in OpenSSL (the consent authority's tool).
class Ed25519Key {
 public:
  ~Ed25519Key();
  Ed25519Key(Ed25519Key&&) noexcept;
  static Result<Ed25519Key> generate();
  static Result<Ed25519Key> from_pem(std::string_view pem);
  [[nodiscard]] std::string private_pem() const;  // PKCS#8, unencrypted
  [[nodiscard]] Bytes public_raw() const;
  [[nodiscard]] Result<Bytes> sign(ByteView message) const;

 private:
  struct Impl;
  explicit Ed25519Key(std::unique_ptr<Impl> i);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg::crypto
