// One IOS trustpoint as the IKE engine uses it (crypto pki trustpoint): the CA
// certificates it trusts, and optionally the router's own certificate with
// its private key. Immutable and shared between IKE SAs.
#pragma once
#include <ctime>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/signer.h"
#include "crypto/trust_store.h"
#include "crypto/x509.h"

namespace kg::crypto {

struct Trustpoint {
  std::string name;
  std::vector<Certificate> ca_certs;         // certificate ca ... (root and/or intermediates)
  std::shared_ptr<const TrustStore> trust;   // ca_certs as anchors; null when there are none
  std::optional<Certificate> cert;           // the router's certificate
  std::shared_ptr<const Signer> signer;      // its private key, null when missing
  bool crl_check = true;                     // revocation-check crl (the IOS default)

  [[nodiscard]] bool can_sign() const { return cert.has_value() && signer != nullptr; }
  // CERT payloads: our certificate, then the intermediate CAs that lead from
  // it towards a root (the self-signed root itself is not sent).
  [[nodiscard]] std::vector<Certificate> chain_to_send() const;
  // CERTREQ contents: the SPKI SHA-1 of every CA certificate (RFC 7296 §3.7).
  [[nodiscard]] std::vector<Bytes> ca_hashes() const;
  // Path validation of a peer's certificate at time `at`, then the
  // revocation policy: with `revocation-check crl`, a certificate that names
  // a CRL distribution point fails, since keygate does not fetch CRLs yet.
  [[nodiscard]] std::expected<void, ChainError> validate(const Certificate& leaf,
                                                         std::span<const Certificate> untrusted,
                                                         std::time_t at) const;
};

}  // namespace kg::crypto
