// The edge between IKEv2's numbers and the crypto layer's own identifiers
// (crypto/algorithm_ids.h). The algorithm registry keeps each algorithm's
// IKEv2 transform ID as a column; these functions translate through it, so
// proposal parsing and building are the only places that know both. From a
// crypto identifier to IKEv2 always succeeds (every row has an IKEv2 ID);
// the other way is empty for an ID keygate does not implement.
#pragma once
#include <memory>
#include <optional>

#include "crypto/algorithm_ids.h"
#include "crypto/auth_sig.h"
#include "crypto/dh.h"
#include "crypto/x509.h"
#include "wire/ike/constants.h"

namespace kg::ike {

EncrId encr_id(crypto::Cipher c);
IntegId integ_id(crypto::Mac m);  // Mac::kNone -> IntegId::kNone
PrfId prf_id(crypto::Prf p);
DhGroup dh_group(crypto::Group g);  // Group::kNone -> DhGroup::kNone

std::optional<crypto::Cipher> crypto_cipher(EncrId e, uint16_t key_bits);
std::optional<crypto::Mac> crypto_mac(IntegId i);  // IntegId::kNone -> Mac::kNone
std::optional<crypto::Prf> crypto_prf(PrfId p);
std::optional<crypto::Group> crypto_group(DhGroup g);  // DhGroup::kNone -> Group::kNone

// A fresh key pair for an IKEv2 group; kUnsupported when keygate has no such group (or kNone).
[[nodiscard]] Result<std::unique_ptr<crypto::KeyExchange>> key_exchange(DhGroup g);
bool dh_supported(DhGroup g);

// The signature AUTH methods (RFC 7296 §3.8, RFC 4754, RFC 7427); empty for
// shared key and the methods keygate does not verify (DSS, ...).
std::optional<crypto::SigFormat> sig_format(AuthMethod m);
AuthMethod auth_method(crypto::SigFormat f);

// What a certificate must contain to carry an identity of this type (RFC 4945 §3.1).
crypto::NameKind name_kind(IdType t);

}  // namespace kg::ike
