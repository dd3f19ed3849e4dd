// Ed25519 (RFC 8032) through OpenSSL 3 EVP for consent tokens. Chosen over
// ECDSA P-256 and RSA-PSS because its public key is 32 bytes (the config line
// `public-key ed25519 BASE64` fits on one line, as the body of the one-line
// PEM `openssl pkey -pubout` prints), its signatures are deterministic (no
// per-signature randomness for the authority's tool to get wrong), and one
// key type means no algorithm negotiation to downgrade.
// The OpenSSL work is crypto/ed25519.h (one place for OpenSSL); here the
// key's text form (base 64) for the configuration.
#pragma once
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/ed25519.h"

namespace kg::consent {

// A public key from the base 64 of its SubjectPublicKeyInfo (DER), the one
// line between BEGIN/END PUBLIC KEY. Returns the raw 32-byte key.
Result<Bytes> parse_public_key(std::string_view spki_base64);
// The SubjectPublicKeyInfo base 64 of a raw key (for show running-config).
std::string public_key_base64(ByteView raw);
[[nodiscard]] inline bool verify(ByteView raw_public_key, ByteView message, ByteView signature) {
  return crypto::ed25519_verify(raw_public_key, message, signature);
}

// The authority's side (keygate-consent): a private key held in OpenSSL.
using SigningKey = crypto::Ed25519Key;

}  // namespace kg::consent
