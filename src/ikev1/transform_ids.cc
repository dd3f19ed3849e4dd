// IKEv1 numbers <-> crypto identifiers (see transform_ids.h).
#include "ikev1/transform_ids.h"

#include "crypto/algorithms.h"

namespace kg::ikev1 {

using crypto::Cipher;
using crypto::Mac;
using crypto::Prf;

std::optional<uint16_t> p1_encr(Cipher c) {
  for (auto& a : crypto::encr_algorithms())
    if (a.id == c && a.ikev1_id) return a.ikev1_id;
  return std::nullopt;
}

std::optional<Cipher> p1_cipher(uint16_t encr) {
  for (auto& a : crypto::encr_algorithms())
    if (a.ikev1_id == encr && encr != 0) return a.id;
  return std::nullopt;
}

// The registry's integrity rows carry the IKEv1 hash value and the PRF IOS
// pairs with that hash.
std::optional<uint16_t> p1_hash(Prf p) {
  for (auto& a : crypto::integ_algorithms())
    if (a.prf == p && a.ikev1_id) return a.ikev1_id;
  return std::nullopt;
}

std::optional<Prf> p1_prf(uint16_t hash) {
  for (auto& a : crypto::integ_algorithms())
    if (a.ikev1_id == hash && hash != 0) return a.prf;
  return std::nullopt;
}

uint16_t group_number(crypto::Group g) {
  auto* a = crypto::find_dh(g);
  return a ? a->ikev2_id : 0;
}

std::optional<crypto::Group> crypto_group(uint16_t number) {
  auto* a = crypto::find_dh_by_ikev2_id(number);
  if (!a) return std::nullopt;
  return a->id;
}

std::optional<uint8_t> esp_transform(Cipher c) {
  for (auto& a : crypto::encr_algorithms())
    if (a.id == c) return uint8_t(a.ikev2_id);
  return std::nullopt;
}

std::optional<Cipher> esp_cipher(uint8_t id) {
  for (auto& a : crypto::encr_algorithms())
    if (a.ikev2_id == id && a.esp) return a.id;
  return std::nullopt;
}

namespace {
struct AuthRow {
  Mac mac;
  isakmp::P2Auth auth;
};
constexpr AuthRow kAuth[] = {
    {Mac::kHmacMd5_96, isakmp::P2Auth::kHmacMd5},
    {Mac::kHmacSha1_96, isakmp::P2Auth::kHmacSha1},
    {Mac::kHmacSha2_256_128, isakmp::P2Auth::kHmacSha2_256},
    {Mac::kHmacSha2_384_192, isakmp::P2Auth::kHmacSha2_384},
    {Mac::kHmacSha2_512_256, isakmp::P2Auth::kHmacSha2_512},
};
}  // namespace

std::optional<uint16_t> p2_auth(Mac m) {
  for (auto& r : kAuth)
    if (r.mac == m) return uint16_t(r.auth);
  return std::nullopt;
}

std::optional<Mac> p2_mac(uint16_t auth) {
  for (auto& r : kAuth)
    if (uint16_t(r.auth) == auth) return r.mac;
  return std::nullopt;
}

bool signature_auth(isakmp::P1Auth a) { return a == isakmp::P1Auth::kRsaSig || ecdsa_auth(a); }

bool ecdsa_auth(isakmp::P1Auth a) {
  return a == isakmp::P1Auth::kEcdsa256 || a == isakmp::P1Auth::kEcdsa384 || a == isakmp::P1Auth::kEcdsa521;
}

std::optional<isakmp::P1Auth> ecdsa_method(crypto::KeyType curve) {
  switch (curve) {
    case crypto::KeyType::kEcP256: return isakmp::P1Auth::kEcdsa256;
    case crypto::KeyType::kEcP384: return isakmp::P1Auth::kEcdsa384;
    case crypto::KeyType::kEcP521: return isakmp::P1Auth::kEcdsa521;
    default: return std::nullopt;
  }
}

Prf auth_hash_prf(isakmp::P1Auth a, Prf negotiated) {
  switch (a) {
    case isakmp::P1Auth::kEcdsa256: return Prf::kHmacSha2_256;
    case isakmp::P1Auth::kEcdsa384: return Prf::kHmacSha2_384;
    case isakmp::P1Auth::kEcdsa521: return Prf::kHmacSha2_512;
    default: return negotiated;
  }
}

const char* hash_name(Prf p) {
  switch (p) {
    case Prf::kHmacMd5: return "md5";
    case Prf::kHmacSha1: return "sha";
    case Prf::kHmacSha2_256: return "sha256";
    case Prf::kHmacSha2_384: return "sha384";
    case Prf::kHmacSha2_512: return "sha512";
  }
  return "?";
}

}  // namespace kg::ikev1
