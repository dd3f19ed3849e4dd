// Private-key operations behind an interface (STYLE.md §7: backends are
// interfaces chosen at start-up). Today the key comes from a file sealed in the
// state directory (KeySigner); a PKCS#11 token will add another Signer whose
// operation may finish later: the IKE engine calls sign() at exactly one place
// (local_auth.cc), which is where a pending signature would suspend the
// exchange.
#pragma once
#include <memory>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "common/secret.h"
#include "crypto/x509.h"

namespace kg::crypto {

// RFC 7427 §7 hash algorithm identifiers (IANA "IKEv2 Hash Algorithms"),
// the values of the SIGNATURE_HASH_ALGORITHMS notify.
enum class SignHash : uint16_t { kSha1 = 1, kSha256 = 2, kSha384 = 3, kSha512 = 4 };

// kRsaPkcs1Raw: PKCS#1 v1.5 type-1 padding of the data itself, with no hash
// and no DigestInfo: what IKEv1 implementations sign (RFC 2409 §5.1 signs
// HASH_I/HASH_R "with the negotiated signature algorithm"; strongSwan's
// SIGN_RSA_EMSA_PKCS1_NULL, and IOS, pad the bare prf output). Its `hash`
// is ignored.
// kEcdsaRaw: ECDSA over the data taken as the digest, not hashed again: what
// IKEv1 signs with ECDSA keys (RFC 4754 methods 9-11; strongSwan's
// SIGN_ECDSA_WITH_NULL signs HASH_I/HASH_R as is). Its `hash` is ignored.
enum class SigAlg { kRsaPkcs1, kRsaPss, kEcdsa, kRsaPkcs1Raw, kEcdsaRaw };

// A signature scheme: the algorithm and its hash. RSASSA-PSS always uses MGF1
// with the same hash and a salt as long as the hash (RFC 8247 §3.2).
struct SigScheme {
  SigAlg alg = SigAlg::kRsaPkcs1;
  SignHash hash = SignHash::kSha256;
  auto operator<=>(const SigScheme&) const = default;
};
const char* hash_name(SignHash h);      // "SHA-256"
std::string scheme_name(SigScheme s);   // "RSASSA-PSS with SHA-256"

class Signer {
 public:
  virtual ~Signer() = default;
  [[nodiscard]] virtual KeyInfo key() const = 0;
  // The signature of `data` in the scheme's own encoding: the RSA octet
  // string, or ECDSA's DER Ecdsa-Sig-Value (RFC 3279 §2.2.3).
  [[nodiscard]] virtual Result<Bytes> sign(SigScheme scheme, ByteView data) const = 0;
  // Does this key belong to the certificate?
  [[nodiscard]] virtual bool matches(const Certificate& cert) const = 0;
  // Does sign() return without blocking (a key in memory)? The engine then
  // signs inline; otherwise (a token) it waits and the daemon signs on a
  // worker thread (ike/engine.h SignWork).
  [[nodiscard]] virtual bool completes_at_once() const { return true; }
};

// A private key held in memory (loaded from a PEM file or from the sealed
// copy in the state directory).
class KeySigner final : public Signer {
 public:
  // PEM "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" or an encrypted
  // PEM key with its passphrase.
  [[nodiscard]] static Result<std::shared_ptr<KeySigner>> from_pem(ByteView pem, std::string_view passphrase);
  // Unencrypted PKCS#8 DER (what to_pkcs8() gives).
  [[nodiscard]] static Result<std::shared_ptr<KeySigner>> from_pkcs8(ByteView der);
  ~KeySigner() override;

  [[nodiscard]] KeyInfo key() const override;
  [[nodiscard]] Result<Bytes> sign(SigScheme scheme, ByteView data) const override;
  [[nodiscard]] bool matches(const Certificate& cert) const override;
  // The key as unencrypted PKCS#8 DER, for sealing into the state directory.
  [[nodiscard]] Result<Secret> to_pkcs8() const;

 private:
  explicit KeySigner(EVP_PKEY* k) : key_(k) {}
  EVP_PKEY* key_;
};

// Verification of a signature in the scheme's own encoding (as Signer::sign).
[[nodiscard]] Result<void> verify_signature(const EVP_PKEY* pub, SigScheme scheme, ByteView data, ByteView sig);

}  // namespace kg::crypto
