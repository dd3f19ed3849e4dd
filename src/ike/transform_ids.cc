#include "ike/transform_ids.h"

#include <cstdlib>
#include <string>

#include "crypto/algorithms.h"

namespace kg::ike {

// A crypto identifier without a row is a registry bug, not peer input.
EncrId encr_id(crypto::Cipher c) {
  for (auto& a : crypto::encr_algorithms())
    if (a.id == c) return EncrId(a.ikev2_id);
  std::abort();
}
IntegId integ_id(crypto::Mac m) {
  if (m == crypto::Mac::kNone) return IntegId::kNone;
  const crypto::IntegAlgorithm* a = crypto::find_integ(m);
  if (!a) std::abort();
  return IntegId(a->ikev2_id);
}
PrfId prf_id(crypto::Prf p) {
  const crypto::PrfAlgorithm* a = crypto::find_prf(p);
  if (!a) std::abort();
  return PrfId(a->ikev2_id);
}
DhGroup dh_group(crypto::Group g) {
  if (g == crypto::Group::kNone) return DhGroup::kNone;
  const crypto::DhAlgorithm* a = crypto::find_dh(g);
  if (!a) std::abort();
  return DhGroup(a->ikev2_id);
}

std::optional<crypto::Cipher> crypto_cipher(EncrId e, uint16_t key_bits) {
  const crypto::EncrAlgorithm* a = crypto::find_encr_by_ikev2_id(uint16_t(e), key_bits);
  if (!a) return std::nullopt;
  return a->id;
}
std::optional<crypto::Mac> crypto_mac(IntegId i) {
  if (i == IntegId::kNone) return crypto::Mac::kNone;
  const crypto::IntegAlgorithm* a = crypto::find_integ_by_ikev2_id(uint16_t(i));
  if (!a) return std::nullopt;
  return a->id;
}
std::optional<crypto::Prf> crypto_prf(PrfId p) {
  const crypto::PrfAlgorithm* a = crypto::find_prf_by_ikev2_id(uint16_t(p));
  if (!a) return std::nullopt;
  return a->id;
}
std::optional<crypto::Group> crypto_group(DhGroup g) {
  if (g == DhGroup::kNone) return crypto::Group::kNone;
  const crypto::DhAlgorithm* a = crypto::find_dh_by_ikev2_id(uint16_t(g));
  if (!a) return std::nullopt;
  return a->id;
}

Result<std::unique_ptr<crypto::KeyExchange>> key_exchange(DhGroup g) {
  auto c = crypto_group(g);
  if (!c) return fail(Errc::kUnsupported, "DH group");
  return crypto::KeyExchange::generate(*c);
}

bool dh_supported(DhGroup g) {
  auto c = crypto_group(g);
  return c && crypto::dh_supported(*c);
}

std::optional<crypto::SigFormat> sig_format(AuthMethod m) {
  switch (m) {
    case AuthMethod::kRsaSig: return crypto::SigFormat::kRsaPkcs1Sha1;
    case AuthMethod::kEcdsa256: return crypto::SigFormat::kEcdsaP256Sha256;
    case AuthMethod::kEcdsa384: return crypto::SigFormat::kEcdsaP384Sha384;
    case AuthMethod::kEcdsa521: return crypto::SigFormat::kEcdsaP521Sha512;
    case AuthMethod::kDigitalSignature: return crypto::SigFormat::kDigitalSignature;
    default: return std::nullopt;
  }
}

AuthMethod auth_method(crypto::SigFormat f) {
  switch (f) {
    case crypto::SigFormat::kRsaPkcs1Sha1: return AuthMethod::kRsaSig;
    case crypto::SigFormat::kEcdsaP256Sha256: return AuthMethod::kEcdsa256;
    case crypto::SigFormat::kEcdsaP384Sha384: return AuthMethod::kEcdsa384;
    case crypto::SigFormat::kEcdsaP521Sha512: return AuthMethod::kEcdsa521;
    case crypto::SigFormat::kDigitalSignature: return AuthMethod::kDigitalSignature;
  }
  std::abort();
}

crypto::NameKind name_kind(IdType t) {
  switch (t) {
    case IdType::kDerAsn1Dn: return crypto::NameKind::kDn;
    case IdType::kFqdn: return crypto::NameKind::kDnsName;
    case IdType::kRfc822Addr: return crypto::NameKind::kEmail;
    case IdType::kIpv4Addr:
    case IdType::kIpv6Addr: return crypto::NameKind::kIpAddress;
    default: return crypto::NameKind::kOther;
  }
}

}  // namespace kg::ike
