// The peer's side of IKE_AUTH: its certificates (RFC 7296 §3.6), their path
// to one of our trustpoints, its identity in the certificate (RFC 4945 §3.1)
// and its AUTH payload, checked against the profile's remote method.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "crypto/cert_cache.h"
#include "crypto/x509.h"
#include "ike/task.h"

namespace kg::ike {

// The X.509 CERT payloads of a message: the first is the peer's own
// certificate, the rest intermediates (§3.6). `error` says why a CERT payload
// did not parse; other encodings (hash and URL, ...) are skipped. With a
// cache, bytes parsed before are not parsed again (validation is not cached).
struct PeerCerts {
  std::optional<crypto::Certificate> leaf;
  std::vector<crypto::Certificate> intermediates;
  std::string error;
};
PeerCerts peer_certificates(const std::vector<TypedPayload>& in, crypto::CertCache* cache = nullptr);

// IOS's %PKI-3 messages for a certificate chain that did not validate (the
// IKEv1 engine logs the same).
void log_chain_failure(const crypto::ChainError& e);

// The peer's CERTREQ CA hashes (IKE_AUTH request), appended to sa.auth.
void note_cert_requests(IkeSa& sa, const std::vector<TypedPayload>& in);

// Checks the peer's AUTH (and, for signature methods, its certificate) with
// sa.profile and sa.remote_id. On failure logs why, in IOS words where IOS
// has them (%PKI-3-CERTIFICATE_INVALID_EXPIRED ...), and returns false.
bool verify_peer(IkeSa& sa, TaskEnv& env, bool peer_is_initiator, const AuthPayload& auth, const PeerCerts& certs);

}  // namespace kg::ike
