// X.509 certificates (RFC 5280) as IKEv2 uses them (RFC 7296 §3.6, RFC 4945):
// an immutable, cheaply copied handle on OpenSSL's parsed certificate plus
// the few facts the engine, the config and the show commands ask for.
#pragma once
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

typedef struct x509_st X509;           // NOLINT: OpenSSL's own forward names
typedef struct evp_pkey_st EVP_PKEY;   // NOLINT
typedef struct asn1_string_st ASN1_TIME;  // NOLINT

namespace kg::crypto {

enum class KeyType { kUnknown, kRsa, kEcP256, kEcP384, kEcP521 };

// The kinds of name a certificate can carry, as an identity names them.
enum class NameKind : uint8_t {
  kDn,         // the subject, DER
  kDnsName,    // subjectAltName dNSName
  kEmail,      // subjectAltName rfc822Name
  kIpAddress,  // subjectAltName iPAddress, 4 or 16 bytes
  kOther,      // nothing a certificate can match
};

struct KeyInfo {
  KeyType type = KeyType::kUnknown;
  int bits = 0;
  [[nodiscard]] bool rsa() const { return type == KeyType::kRsa; }
  [[nodiscard]] bool ecdsa() const { return type != KeyType::kUnknown && type != KeyType::kRsa; }
  [[nodiscard]] std::string str() const;  // "RSA 2048", "ECDSA P-256"
};
KeyInfo key_info(const EVP_PKEY* k);

// SHA-1 of a DER SubjectPublicKeyInfo: how CERTREQ names a CA (RFC 7296 §3.7).
inline constexpr size_t kCaHashSize = 20;

class Certificate {
 public:
  [[nodiscard]] static Result<Certificate> from_der(ByteView der);
  // Every CERTIFICATE block of a PEM text, in order (kInvalidSyntax if none).
  [[nodiscard]] static Result<std::vector<Certificate>> from_pem(std::string_view pem);

  [[nodiscard]] ByteView der() const;
  [[nodiscard]] X509* x509() const;
  [[nodiscard]] EVP_PKEY* public_key() const;  // owned by the certificate
  [[nodiscard]] KeyInfo key() const;

  // Distinguished names: DER (what ID_DER_ASN1_DN carries, RFC 7296 §3.5)
  // and text the way IOS prints it: lower-case short names, in certificate
  // order, "cn=site-b.example.net,o=Example".
  [[nodiscard]] Bytes subject_der() const;
  [[nodiscard]] std::string subject() const;
  [[nodiscard]] std::string issuer() const;
  [[nodiscard]] std::vector<std::string> subject_rdns() const;  // {"cn=...", "o=..."}
  [[nodiscard]] std::vector<std::string> issuer_rdns() const;
  [[nodiscard]] std::string serial_hex() const;  // upper-case hex, even length ("02")
  [[nodiscard]] std::time_t not_before() const;
  [[nodiscard]] std::time_t not_after() const;

  // subjectAltName entries.
  [[nodiscard]] std::vector<std::string> dns_names() const;
  [[nodiscard]] std::vector<std::string> emails() const;
  [[nodiscard]] std::vector<Bytes> ip_addresses() const;

  [[nodiscard]] bool is_ca() const;       // basicConstraints cA
  [[nodiscard]] bool self_issued() const;  // subject == issuer
  [[nodiscard]] bool has_crl_distribution_point() const;
  // keyUsage allows signatures (absent keyUsage allows everything, RFC 5280 §4.2.1.3).
  [[nodiscard]] bool key_usage_allows_signing() const;
  [[nodiscard]] Bytes spki_sha1() const;  // CERTREQ identifier of this certificate's key
  [[nodiscard]] Bytes fingerprint_sha1() const;  // SHA-1 of the whole certificate (show commands)
  // keyUsage bits (RFC 5280 §4.2.1.3, OpenSSL's KU_ values); kKeyUsageAbsent when
  // the extension is missing.
  [[nodiscard]] uint32_t key_usage() const;
  static constexpr uint32_t kKeyUsageAbsent = 0xffffffffu, kKuDigitalSignature = 0x80, kKuKeyEncipherment = 0x20,
                            kKuKeyCertSign = 0x04;

  // Does the certificate carry this identity (RFC 4945 §3.1)? DN against
  // the subject, DNS name/email/address against subjectAltName. src/ike maps
  // its ID types to NameKind.
  [[nodiscard]] bool has_identity(NameKind kind, ByteView data) const;

  bool operator==(const Certificate& o) const;

 private:
  struct Impl;
  explicit Certificate(std::shared_ptr<const Impl> p) : p_(std::move(p)) {}
  std::shared_ptr<const Impl> p_;
};

// Text form of a DER distinguished name (as Certificate::subject()), or
// nullopt when it does not parse.
std::optional<std::string> dn_text(ByteView der);
// Equality of two DER names after canonicalisation (X509_NAME_cmp): the same
// name may be encoded with different string types by different peers.
bool dn_equal(ByteView a, ByteView b);
// "10:42:02 UTC Mar 1 2025", IOS's date layout in show crypto pki.
std::string ios_time(std::time_t t);
// A certificate time (notBefore, notAfter) as a time_t; 0 if it is missing
// or does not parse.
std::time_t asn1_time(const ASN1_TIME* t);

}  // namespace kg::crypto
