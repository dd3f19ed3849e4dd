#include "crypto/trustpoint.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace kg::crypto {

std::vector<Certificate> Trustpoint::chain_to_send() const {
  std::vector<Certificate> out;
  if (!cert) return out;
  out.push_back(*cert);
  // Walk issuer links through our CA certificates; stop at a root or when
  // nothing issued the last one. Bounded by the number of CAs (no loops).
  for (size_t step = 0; step < ca_certs.size(); ++step) {
    const Certificate& last = out.back();
    const Certificate* next = nullptr;
    for (auto& ca : ca_certs)
      if (X509_check_issued(ca.x509(), last.x509()) == X509_V_OK) next = &ca;
    if (!next || next->self_issued()) break;
    bool seen = false;
    for (auto& c : out) seen = seen || c == *next;
    if (seen) break;
    out.push_back(*next);
  }
  return out;
}

std::vector<Bytes> Trustpoint::ca_hashes() const {
  std::vector<Bytes> out;
  for (auto& c : ca_certs) out.push_back(c.spki_sha1());
  return out;
}

std::expected<void, ChainError> Trustpoint::validate(const Certificate& leaf, std::span<const Certificate> untrusted,
                                                     std::time_t at) const {
  if (!trust) {
    ChainError e;
    e.kind = ChainError::Kind::kUntrusted;
    e.reason = "trustpoint " + name + " has no CA certificate";
    e.subject = leaf.subject();
    e.serial = leaf.serial_hex();
    return std::unexpected(e);
  }
  if (auto r = trust->verify(leaf, untrusted, at); !r) return r;
  if (crl_check && leaf.has_crl_distribution_point()) {
    ChainError e;
    e.kind = ChainError::Kind::kRevocation;
    e.reason = "unable to get certificate CRL (CRL retrieval is not supported; "
               "configure revocation-check none in trustpoint " + name + ")";
    e.subject = leaf.subject();
    e.serial = leaf.serial_hex();
    return std::unexpected(e);
  }
  return {};
}

}  // namespace kg::crypto
