// Key pair life cycle for crypto key generate / export / import / encrypt:
// generation, PKCS#8 under a passphrase (PBES2: PBKDF2 and a cipher, all
// OpenSSL's) and the public half. Free functions over KeySigner, so the
// signing interface (signer.h) stays as small as it is.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/signer.h"

namespace kg::crypto {

// A new RSA key of `bits`, or an ECDSA key on P-256 / P-384 (`bits` 256/384).
[[nodiscard]] Result<std::shared_ptr<KeySigner>> generate_rsa_key(int bits);
[[nodiscard]] Result<std::shared_ptr<KeySigner>> generate_ec_key(int bits);
// PKCS#8 encrypted with `cipher` ("AES-256-CBC", "DES-EDE3-CBC") under a
// passphrase, as DER or as PEM "ENCRYPTED PRIVATE KEY"; and back from DER (a
// wrong passphrase is kAuthFailed). (KeySigner::from_pem reads the PEM.)
[[nodiscard]] Result<Bytes> encrypted_pkcs8(const KeySigner& key, std::string_view cipher, std::string_view passphrase);
[[nodiscard]] Result<std::string> encrypted_pem(const KeySigner& key, std::string_view cipher, std::string_view passphrase);
[[nodiscard]] Result<std::shared_ptr<KeySigner>> from_encrypted_pkcs8(ByteView der, std::string_view passphrase);
// The public half: DER SubjectPublicKeyInfo, and as PEM "PUBLIC KEY".
[[nodiscard]] Bytes public_der(const KeySigner& key);
[[nodiscard]] std::string public_pem(const KeySigner& key);
// A public key from DER SubjectPublicKeyInfo or PEM "PUBLIC KEY" (null when it
// does not parse); the caller frees it with EVP_PKEY_free.
[[nodiscard]] EVP_PKEY* public_key_from_der(ByteView der);
[[nodiscard]] EVP_PKEY* public_key_from_pem(std::string_view pem);
// Can this OpenSSL encrypt a key with `cipher`?
[[nodiscard]] bool pem_cipher_available(std::string_view cipher);

}  // namespace kg::crypto
