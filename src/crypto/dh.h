// Diffie-Hellman key exchange for IKEv2 groups 2/5/14/15/16 (MODP, RFC 3526 /
// RFC 2409), 19/20/21 (ECP, RFC 5903: public value x|y, shared secret x only)
// and 31 (Curve25519, RFC 8031 / RFC 7748), over OpenSSL 3 EVP_PKEY.
#pragma once
#include <memory>

#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"
#include "crypto/algorithm_ids.h"

namespace kg::crypto {

bool dh_supported(Group g);
// Length of the KE payload data for the group (e.g. 32 for group 31, 64 for 19).
size_t dh_public_size(Group g);

class KeyExchange {
 public:
  // Generates a fresh private key.
  [[nodiscard]] static Result<std::unique_ptr<KeyExchange>> generate(Group g);
  // Test hook: a fixed private key (raw scalar for ECP/X25519, exponent for MODP)
  // so published vectors (RFC 5903, RFC 7748) can be checked.
  [[nodiscard]] static Result<std::unique_ptr<KeyExchange>> from_private(Group g, ByteView priv);
  virtual ~KeyExchange() = default;

  [[nodiscard]] virtual Group group() const = 0;
  // KE payload data, exactly dh_public_size() bytes.
  [[nodiscard]] virtual Bytes public_value() const = 0;
  // g^ir. Fails (kInvalidSyntax) on a peer value of the wrong length or not on
  // the curve / out of range.
  [[nodiscard]] virtual Result<Secret> shared_secret(ByteView peer_public) = 0;
};

// The responder's half of an exchange in one call: a fresh key pair of
// group g and the shared secret with the peer's public value. Pure CPU work
// on objects of its own (OpenSSL's contexts are per thread), so the daemon's
// crypto workers run it off the event loop (ike::DhWork).
struct DhResponse {
  std::unique_ptr<KeyExchange> kx;  // null when the key pair could not be made
  Result<Secret> shared;            // or why not (a bad peer value: kInvalidSyntax)
};
[[nodiscard]] DhResponse dh_respond(Group g, ByteView peer_public);

}  // namespace kg::crypto
