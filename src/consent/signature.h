// Ed25519 (RFC 8032) through OpenSSL 3 EVP for consent tokens. Chosen over
// ECDSA P-256 and RSA-PSS because its public key is 32 bytes (the config line
// `public-key ed25519 BASE64` fits on one line, as the body of the one-line
// PEM `openssl pkey -pubout` prints), its signatures are deterministic (no
// per-signature randomness for the authority's tool to get wrong), and one
// key type means no algorithm negotiation to downgrade.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::consent {

// A public key from the base 64 of its SubjectPublicKeyInfo (DER), the one
// line between BEGIN/END PUBLIC KEY. Returns the raw 32-byte key.
Result<Bytes> parse_public_key(std::string_view spki_base64);
// The SubjectPublicKeyInfo base 64 of a raw key (for show running-config).
std::string public_key_base64(ByteView raw);
[[nodiscard]] bool verify(ByteView raw_public_key, ByteView message, ByteView signature);

// The authority's side (keygate-consent): a private key held in OpenSSL.
class SigningKey {
 public:
  ~SigningKey();
  SigningKey(SigningKey&&) noexcept;
  static Result<SigningKey> generate();
  static Result<SigningKey> from_pem(std::string_view pem);
  [[nodiscard]] std::string private_pem() const;  // PKCS#8, unencrypted
  [[nodiscard]] Bytes public_raw() const;
  [[nodiscard]] Result<Bytes> sign(ByteView message) const;

 private:
  struct Impl;
  explicit SigningKey(std::unique_ptr<Impl> i);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg::consent
