// IKEv2 signature authentication: the Authentication Data of an AUTH payload
// for the classic methods (RFC 7296 §3.8: 1 = RSA PKCS#1 v1.5 with SHA-1;
// RFC 4754: 9/10/11 = ECDSA P-256/384/521 with SHA-256/384/512, r|s fixed
// width) and for Digital Signature (RFC 7427, method 14: a one-byte length,
// an ASN.1 AlgorithmIdentifier, then the signature). The signed data is the
// InitiatorSignedOctets / ResponderSignedOctets of RFC 7296 §2.15.
#pragma once
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/signer.h"

namespace kg::crypto {

// What we announce in SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4) and accept in
// method 14: the SHA-2 family (RFC 8247 §3.2 keeps SHA-1 out).
inline constexpr SignHash kOurSignHashes[] = {SignHash::kSha256, SignHash::kSha384, SignHash::kSha512};

// Notify data: 2-byte hash identifiers, and the inverse (unknown values are
// skipped; an odd length is malformed).
Bytes encode_sign_hashes(std::span<const SignHash> hashes);
Result<std::vector<SignHash>> decode_sign_hashes(ByteView data);

// RFC 7427 §3: DER AlgorithmIdentifier of a scheme, and its parse.
Bytes algorithm_identifier(SigScheme s);
Result<SigScheme> parse_algorithm_identifier(ByteView der);

// The layout of a signature's Authentication Data. These are the crypto
// layer's names; src/ike maps the IKEv2 AUTH methods (1, 9, 10, 11, 14) to them.
enum class SigFormat : uint8_t {
  kRsaPkcs1Sha1,      // RSA PKCS#1 v1.5 with SHA-1 (RFC 7296 §3.8 method 1)
  kEcdsaP256Sha256,   // RFC 4754: r|s, curve and hash fixed by the method
  kEcdsaP384Sha384,
  kEcdsaP521Sha512,
  kDigitalSignature,  // RFC 7427: length, AlgorithmIdentifier, signature
};

// How we sign: method 14 when the peer announced a hash we also use
// (`peer_hashes` non-empty), preferring the hash that matches the key's
// strength; otherwise the classic method of the key type.
struct AuthChoice {
  SigFormat format = SigFormat::kRsaPkcs1Sha1;
  SigScheme scheme;
};
Result<AuthChoice> choose_auth(KeyInfo key, std::span<const SignHash> peer_hashes, bool rsa_pss);

// Authentication Data for `choice` over the signed octets.
Result<Bytes> auth_sign(const Signer& signer, AuthChoice choice, ByteView octets);

// Checks Authentication Data of format `f` with the peer's public key.
// Method 14 must use one of `accepted` hashes. Returns the scheme used.
Result<SigScheme> auth_verify(const EVP_PKEY* pub, SigFormat f, ByteView auth_data, ByteView octets,
                              std::span<const SignHash> accepted);

// ECDSA signature encodings: DER Ecdsa-Sig-Value <-> r|s, each padded to the
// curve's coordinate size (RFC 4754 §7).
Result<Bytes> ecdsa_der_to_raw(ByteView der, size_t coord_size);
Result<Bytes> ecdsa_raw_to_der(ByteView raw);
size_t ecdsa_coord_size(KeyType t);  // 32, 48, 66

// "RSA" or "ECDSA": how show crypto ikev2 sa names a signature method.
const char* auth_method_label(SigFormat f, KeyInfo key);

}  // namespace kg::crypto
