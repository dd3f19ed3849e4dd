// The edge between IKEv1's numbers (RFC 2409 App. A, RFC 2407 §4.4.4/§4.5)
// and the crypto layer's identifiers, through the algorithm registry. Phase-1
// encryption and hash values are registry columns (ikev1_id); the ESP
// transform IDs are the IANA numbers IKEv2 also uses; the phase-2
// authentication algorithm values are IKEv1's own, mapped here.
#pragma once
#include <optional>

#include "crypto/algorithm_ids.h"
#include "crypto/x509.h"
#include "wire/isakmp/constants.h"

namespace kg::ikev1 {

// Phase 1 (RFC 2409 App. A).
std::optional<uint16_t> p1_encr(crypto::Cipher c);
std::optional<crypto::Cipher> p1_cipher(uint16_t encr);
std::optional<uint16_t> p1_hash(crypto::Prf p);
std::optional<crypto::Prf> p1_prf(uint16_t hash);
// Group Description values are the IANA group numbers (as in IKEv2).
uint16_t group_number(crypto::Group g);
std::optional<crypto::Group> crypto_group(uint16_t number);

// Phase 2: ESP transform ID (RFC 2407 §4.4.4) and authentication algorithm (§4.5).
std::optional<uint8_t> esp_transform(crypto::Cipher c);
std::optional<crypto::Cipher> esp_cipher(uint8_t id);
std::optional<uint16_t> p2_auth(crypto::Mac m);
std::optional<crypto::Mac> p2_mac(uint16_t auth);

// Phase-1 authentication by signature (RFC 2409 §5.1): rsa-sig (3) or ECDSA
// (RFC 4754 §4: 9, 10, 11, one per curve).
bool signature_auth(isakmp::P1Auth a);
bool ecdsa_auth(isakmp::P1Auth a);
// The ECDSA method of a key's curve; nullopt for RSA or an unknown curve.
std::optional<isakmp::P1Auth> ecdsa_method(crypto::KeyType curve);
// The prf of HASH_I / HASH_R: the negotiated hash, except that an ECDSA
// method fixes its own (SHA-256/384/512), as strongSwan computes it
// (keymat_v1.c: prf_auth by method, keyed with SKEYID).
crypto::Prf auth_hash_prf(isakmp::P1Auth a, crypto::Prf negotiated);

// Names as show crypto isakmp sa / policy print them.
const char* hash_name(crypto::Prf p);  // "sha", "sha256", "md5"

}  // namespace kg::ikev1
