// IKEv2 protocol constants (RFC 7296 and the IANA "IKEv2 Parameters" registry).
// Spec numbers only; implementation limits live with the code that uses them.
#pragma once
#include <cstdint>

#include "common/traffic_selector.h"

namespace kg::ike {

// RFC 7296 §3.1 exchange types
enum class ExchangeType : uint8_t {
  kIkeSaInit = 34,
  kIkeAuth = 35,
  kCreateChildSa = 36,
  kInformational = 37,
};

// RFC 7296 §3.1 header flags
inline constexpr uint8_t kFlagInitiator = 0x08;
inline constexpr uint8_t kFlagVersion = 0x10;
inline constexpr uint8_t kFlagResponse = 0x20;

inline constexpr uint8_t kIkeVersion = 0x20;  // major 2, minor 0
inline constexpr size_t kHeaderSize = 28;
inline constexpr size_t kGenericPayloadHeaderSize = 4;

// RFC 7296 §3.2 payload types
enum class PayloadType : uint8_t {
  kNone = 0,
  kSa = 33,
  kKe = 34,
  kIdi = 35,
  kIdr = 36,
  kCert = 37,
  kCertReq = 38,
  kAuth = 39,
  kNonce = 40,
  kNotify = 41,
  kDelete = 42,
  kVendorId = 43,
  kTsi = 44,
  kTsr = 45,
  kSk = 46,
  kCp = 47,
  kEap = 48,
  kSkf = 53,  // RFC 7383 encrypted fragment
};

// RFC 7296 §3.3.1 protocol IDs
enum class ProtocolId : uint8_t { kIke = 1, kAh = 2, kEsp = 3 };

// RFC 7296 §3.3.2 transform types
enum class TransformType : uint8_t {
  kEncr = 1,
  kPrf = 2,
  kInteg = 3,
  kDh = 4,
  kEsn = 5,
};

// Transform IDs, type 1 (ENCR)
enum class EncrId : uint16_t {
  k3des = 3,
  kAesCbc = 12,
  kAesGcm8 = 18,
  kAesGcm12 = 19,
  kAesGcm16 = 20,
};

// Transform IDs, type 2 (PRF)
enum class PrfId : uint16_t {
  kHmacMd5 = 1,
  kHmacSha1 = 2,
  kHmacSha2_256 = 5,
  kHmacSha2_384 = 6,
  kHmacSha2_512 = 7,
};

// Transform IDs, type 3 (INTEG)
enum class IntegId : uint16_t {
  kNone = 0,
  kHmacMd5_96 = 1,
  kHmacSha1_96 = 2,
  kHmacSha2_256_128 = 12,
  kHmacSha2_384_192 = 13,
  kHmacSha2_512_256 = 14,
};

// Transform IDs, type 4 (DH group numbers)
enum class DhGroup : uint16_t {
  kNone = 0,
  kModp1024 = 2,
  kModp1536 = 5,
  kModp2048 = 14,
  kModp3072 = 15,
  kModp4096 = 16,
  kEcp256 = 19,
  kEcp384 = 20,
  kEcp521 = 21,
  kCurve25519 = 31,
};

// Transform IDs, type 5 (ESN)
enum class EsnId : uint16_t { kNo = 0, kYes = 1 };

// RFC 7296 §3.3.5 transform attribute: Key Length (TV format, AF bit set)
inline constexpr uint16_t kAttrKeyLength = 14;

// RFC 7296 §3.5 ID types
enum class IdType : uint8_t {
  kIpv4Addr = 1,
  kFqdn = 2,
  kRfc822Addr = 3,
  kIpv6Addr = 5,
  kDerAsn1Dn = 9,
  kDerAsn1Gn = 10,
  kKeyId = 11,
};

// RFC 7296 §3.6 certificate encodings (CERT and CERTREQ payloads)
enum class CertEncoding : uint8_t {
  kPkcs7 = 1,
  kX509Signature = 4,
  kCrl = 7,
  kRawRsaKey = 11,
  kHashUrlX509 = 12,
  kHashUrlBundle = 13,
};
// RFC 7296 §3.7: a CERTREQ (X.509) names each CA by the SHA-1 hash of its
// SubjectPublicKeyInfo.
inline constexpr size_t kCertReqHashSize = 20;

// RFC 7383 §2.5: Fragment Number and Total Fragments of an SKF payload.
inline constexpr size_t kSkfFieldsSize = 4;

// RFC 7296 §3.8 and RFC 7427 authentication methods
enum class AuthMethod : uint8_t {
  kRsaSig = 1,
  kSharedKeyMic = 2,
  kDssSig = 3,
  kEcdsa256 = 9,
  kEcdsa384 = 10,
  kEcdsa521 = 11,
  kDigitalSignature = 14,
};

// RFC 7296 §3.13.1 traffic selector types (common/traffic_selector.h: ESP uses them too)
using TsType = kg::TsType;

// RFC 7296 §3.10.1 notify message types (errors < 16384, status >= 16384)
enum class NotifyType : uint16_t {
  kUnsupportedCriticalPayload = 1,
  kInvalidIkeSpi = 4,
  kInvalidMajorVersion = 5,
  kInvalidSyntax = 7,
  kInvalidMessageId = 9,
  kInvalidSpi = 11,
  kNoProposalChosen = 14,
  kInvalidKePayload = 17,
  kAuthenticationFailed = 24,
  kSinglePairRequired = 34,
  kNoAdditionalSas = 35,
  kInternalAddressFailure = 36,
  kFailedCpRequired = 37,
  kTsUnacceptable = 38,
  kInvalidSelectors = 39,
  kTemporaryFailure = 43,
  kChildSaNotFound = 44,
  kInitialContact = 16384,
  kSetWindowSize = 16385,
  kAdditionalTsPossible = 16386,
  kIpcompSupported = 16387,
  kNatDetectionSourceIp = 16388,
  kNatDetectionDestinationIp = 16389,
  kCookie = 16390,
  kUseTransportMode = 16391,
  kHttpCertLookupSupported = 16392,
  kRekeySa = 16393,
  kEspTfcPaddingNotSupported = 16394,
  kNonFirstFragmentsAlso = 16395,
  kMobikeSupported = 16396,
  kRedirectSupported = 16406,
  kIkev2FragmentationSupported = 16430,  // RFC 7383
  kSignatureHashAlgorithms = 16431,      // RFC 7427
};

// RFC 7296 §3.15 configuration payload
enum class CfgType : uint8_t { kRequest = 1, kReply = 2, kSet = 3, kAck = 4 };

inline constexpr uint16_t kIkePort = 500;
inline constexpr uint16_t kNatTPort = 4500;  // RFC 3948
// RFC 3948 §2.2: a UDP-4500 packet whose first 4 bytes are zero carries IKE.
inline constexpr size_t kNonEspMarkerSize = 4;

}  // namespace kg::ike
