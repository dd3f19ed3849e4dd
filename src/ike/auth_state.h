// What an IKE SA learns and decides about authentication beyond PSKs: the
// peer's RFC 7427 hash algorithms and certificate requests from the
// exchanges, and the methods both sides used (show crypto ikev2 sa).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/signer.h"
#include "crypto/x509.h"
#include "ike/policy.h"

namespace kg::ike {

struct AuthState {
  std::vector<crypto::SignHash> peer_sign_hashes;  // N(SIGNATURE_HASH_ALGORITHMS), RFC 7427 §4
  std::vector<Bytes> peer_certreq;                 // CA hashes from the peer's CERTREQ payloads
  std::optional<crypto::Certificate> peer_cert;    // the peer's end-entity certificate, once validated
  std::string peer_trustpoint;                     // the trustpoint that validated it
  std::string local_method = "PSK", remote_method = "PSK";  // IOS words: PSK, RSA, ECDSA
  std::string local_trustpoint;  // the trustpoint whose key signed our AUTH; empty: no signature
  AuthKind peer_kind = AuthKind::kPsk;  // which of `authentication remote`'s methods the peer used
};

}  // namespace kg::ike
