// Key pairs on a token: generation inside it (the private key sensitive and
// never extractable: PKCS#11 v2.40 §4.9 CKA_SENSITIVE, CKA_EXTRACTABLE),
// finding them by label, and reading the public half for certificates and
// `show crypto key mypubkey`.
#pragma once
#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/x509.h"
#include "pkcs11/session.h"

namespace kg::pkcs11 {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PublicKey = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// RSA with modulus `bits` (public exponent 65537).
[[nodiscard]] Result<void> generate_rsa(Session& s, const std::string& label, int bits);
// ECDSA on P-256 (bits 256) or P-384 (384).
[[nodiscard]] Result<void> generate_ec(Session& s, const std::string& label, int bits);

// Ed25519 (CKM_EC_EDWARDS_KEY_PAIR_GEN, PKCS#11 v3.0 §2.3.6; the curve named
// in CKA_EC_PARAMS by its OID 1.3.101.112, as SoftHSM 2.6 takes it): the
// Consent Token authority's key (keygate-consent keygen --pkcs11).
[[nodiscard]] Result<void> generate_ed25519(Session& s, const std::string& label);
// The raw 32-byte public key of the Ed25519 pair with this label (its
// CKA_EC_POINT, with or without the DER OCTET STRING around it).
[[nodiscard]] Result<Bytes> read_ed25519_public(Session& s, const std::string& label);
// A 64-byte Ed25519 signature of `message` (CKM_EDDSA, pure Ed25519 without
// parameters) by the private key with this label.
[[nodiscard]] Result<Bytes> sign_ed25519(Session& s, const std::string& label, ByteView message);

// A key pair from outside (crypto key move): an unencrypted PKCS#8 RSA or
// P-256/P-384 key becomes a private key object (C_CreateObject, CKA_SENSITIVE
// true, CKA_EXTRACTABLE only when `extractable`) and its public key object,
// labelled and paired by CKA_ID as generated ones are. The clear key
// components are wiped after the call.
[[nodiscard]] Result<void> import_key(Session& s, const std::string& label, ByteView pkcs8, bool extractable);
// Destroys the private and public key objects with this label; how many.
[[nodiscard]] Result<size_t> destroy_key_pair(Session& s, const std::string& label);

// The private key object with this CKA_LABEL; CK_INVALID_HANDLE when none.
[[nodiscard]] Result<CK_OBJECT_HANDLE> find_private_key(Session& s, const std::string& label);
// The public key of the pair with this label (from its public key object).
[[nodiscard]] Result<PublicKey> read_public_key(Session& s, const std::string& label);
// The labels of every private key on the token.
[[nodiscard]] Result<std::vector<std::string>> private_key_labels(Session& s);

// What pkcs11-tool shows as "Access: sensitive, never extractable".
struct KeyAttributes {
  bool is_private = false, sensitive = false, extractable = true, never_extractable = false;
};
[[nodiscard]] Result<KeyAttributes> private_key_attributes(Session& s, const std::string& label);

}  // namespace kg::pkcs11
