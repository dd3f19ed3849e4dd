// ISAKMP / IKEv1 protocol constants: RFC 2408 (ISAKMP), RFC 2409 (IKE),
// RFC 2407 (IPsec DOI), RFC 3947 (NAT-T), RFC 3706 (DPD) and
// draft-dukes-ike-mode-cfg. Spec numbers only; implementation limits live with
// the code that uses them.
#pragma once
#include <cstddef>
#include <cstdint>

namespace kg::isakmp {

// RFC 2408 §3.1: Major Version 1, Minor Version 0.
inline constexpr uint8_t kIsakmpVersion = 0x10;
inline constexpr size_t kHeaderSize = 28;
inline constexpr size_t kGenericPayloadHeaderSize = 4;

// RFC 2408 §3.1 header flags
inline constexpr uint8_t kFlagEncryption = 0x01;  // payloads after the header are encrypted
inline constexpr uint8_t kFlagCommit = 0x02;
inline constexpr uint8_t kFlagAuthOnly = 0x04;
inline constexpr uint8_t kFlagsKnown = 0x07;

// RFC 2408 §3.1 exchange types, RFC 2409 §5-9, draft-dukes-ike-mode-cfg §3.1
enum class ExchangeType : uint8_t {
  kBase = 1,
  kIdentityProtection = 2,  // Main Mode (RFC 2409 §5)
  kAuthenticationOnly = 3,
  kAggressive = 4,          // RFC 2409 §5
  kInformational = 5,
  kTransaction = 6,         // mode config / XAUTH
  kQuickMode = 32,          // RFC 2409 §5.5
  kNewGroupMode = 33,       // RFC 2409 §5.6
};

// RFC 2408 §3.1 next payload types, RFC 3947 §3.1/§5.2 (NAT-D 20, NAT-OA 21),
// draft-dukes-ike-mode-cfg §3.2 (attribute payload 14).
enum class PayloadType : uint8_t {
  kNone = 0,
  kSa = 1,
  kProposal = 2,   // only inside SA
  kTransform = 3,  // only inside a proposal
  kKe = 4,
  kId = 5,
  kCert = 6,
  kCertReq = 7,
  kHash = 8,
  kSig = 9,
  kNonce = 10,
  kNotify = 11,
  kDelete = 12,
  kVendorId = 13,
  kAttribute = 14,  // mode config
  kNatD = 20,
  kNatOa = 21,
  kNatDDraft = 130,   // draft-ietf-ipsec-nat-t-ike-02/03 numbers, still sent by old peers
  kNatOaDraft = 131,
  kFragment = 132,    // Cisco/strongSwan IKE fragmentation (vendor ID negotiated)
};

// RFC 2407 §2: the IPsec Domain of Interpretation
inline constexpr uint32_t kDoiIpsec = 1;
// RFC 2407 §4.2 situation
inline constexpr uint32_t kSitIdentityOnly = 1;

// RFC 2407 §4.4.1 protocol IDs (RFC 2408 §3.4 for ISAKMP)
enum class ProtocolId : uint8_t { kIsakmp = 1, kAh = 2, kEsp = 3, kIpcomp = 4 };

// RFC 2408 §3.5: the Transform ID inside a phase-1 proposal
inline constexpr uint8_t kKeyIke = 1;

// RFC 2409 Appendix A: phase-1 attribute classes (B: basic/TV, V: variable/TLV)
enum class P1Attr : uint16_t {
  kEncryption = 1,      // B
  kHash = 2,            // B
  kAuthMethod = 3,      // B
  kGroupDescription = 4,// B
  kGroupType = 5,       // B
  kGroupPrime = 6,      // V
  kGroupGeneratorOne = 7,
  kGroupGeneratorTwo = 8,
  kGroupCurveA = 9,
  kGroupCurveB = 10,
  kLifeType = 11,       // B
  kLifeDuration = 12,   // V (may be sent TV when it fits)
  kPrf = 13,            // B
  kKeyLength = 14,      // B
  kFieldSize = 15,      // B
  kGroupOrder = 16,     // V
};

// RFC 2409 Appendix A encryption algorithm values (3 and 7 as assigned by IANA)
enum class P1Encr : uint16_t { kDesCbc = 1, kIdeaCbc = 2, kBlowfishCbc = 3, kRc5 = 4, k3desCbc = 5, kCastCbc = 6, kAesCbc = 7 };
// RFC 2409 Appendix A hash algorithm values (4-6: RFC 4868 §...)
enum class P1Hash : uint16_t { kMd5 = 1, kSha1 = 2, kTiger = 3, kSha2_256 = 4, kSha2_384 = 5, kSha2_512 = 6 };
// RFC 2409 Appendix A authentication method values; ECDSA (RFC 4754 §4):
// 9-11; XAUTH (draft-beaulieu §4): 65001...
enum class P1Auth : uint16_t {
  kPreSharedKey = 1,
  kDssSig = 2,
  kRsaSig = 3,
  kRsaEnc = 4,
  kRsaRevisedEnc = 5,
  kEcdsa256 = 9,   // ECDSA with SHA-256 on the P-256 curve
  kEcdsa384 = 10,  // ECDSA with SHA-384 on the P-384 curve
  kEcdsa521 = 11,  // ECDSA with SHA-512 on the P-521 curve
  kXauthInitPreShared = 65001,
  kXauthRespPreShared = 65002,
  kXauthInitRsa = 65005,
  kXauthRespRsa = 65006,
};
// RFC 2409 Appendix A life types (phase 1 and, RFC 2407 §4.5, phase 2)
enum class LifeType : uint16_t { kSeconds = 1, kKilobytes = 2 };

// RFC 2407 §4.5 phase-2 (IPsec DOI) SA attributes
enum class P2Attr : uint16_t {
  kLifeType = 1,
  kLifeDuration = 2,
  kGroupDescription = 3,  // PFS group
  kEncapsulationMode = 4,
  kAuthAlgorithm = 5,
  kKeyLength = 6,
  kKeyRounds = 7,
  kCompressDictSize = 8,
  kCompressPrivateAlg = 9,
};
// RFC 2407 §4.5 encapsulation modes; RFC 3947 §5.1 (3, 4) and the
// draft-ietf-ipsec-nat-t-ike values some peers still send.
enum class EncapMode : uint16_t {
  kTunnel = 1,
  kTransport = 2,
  kUdpTunnel = 3,
  kUdpTransport = 4,
  kUdpTunnelDraft = 61443,
  kUdpTransportDraft = 61444,
};
// RFC 2407 §4.5 authentication algorithms (phase 2)
enum class P2Auth : uint16_t { kHmacMd5 = 1, kHmacSha1 = 2, kDesMac = 3, kKpdk = 4, kHmacSha2_256 = 5, kHmacSha2_384 = 6, kHmacSha2_512 = 7 };
// RFC 2407 §4.4.4 ESP transform IDs (IANA "IPSEC ESP Transform Identifiers")
enum class EspId : uint8_t { kDes = 2, k3des = 3, kNull = 11, kAes = 12, kAesGcm8 = 18, kAesGcm12 = 19, kAesGcm16 = 20 };

// RFC 2407 §4.6.2.1 identification types
enum class IdType : uint8_t {
  kIpv4Addr = 1,
  kFqdn = 2,
  kUserFqdn = 3,
  kIpv4AddrSubnet = 4,
  kIpv6Addr = 5,
  kIpv6AddrSubnet = 6,
  kIpv4AddrRange = 7,
  kIpv6AddrRange = 8,
  kDerAsn1Dn = 9,
  kDerAsn1Gn = 10,
  kKeyId = 11,
};

// RFC 2408 §3.14.1 notify message types (errors 1-8191; status 16384+) and
// RFC 2407 §4.6.3 (24576-24578), RFC 3706 §5 (36136, 36137).
enum class NotifyType : uint16_t {
  kInvalidPayloadType = 1,
  kDoiNotSupported = 2,
  kSituationNotSupported = 3,
  kInvalidCookie = 4,
  kInvalidMajorVersion = 5,
  kInvalidMinorVersion = 6,
  kInvalidExchangeType = 7,
  kInvalidFlags = 8,
  kInvalidMessageId = 9,
  kInvalidProtocolId = 10,
  kInvalidSpi = 11,
  kInvalidTransformId = 12,
  kAttributesNotSupported = 13,
  kNoProposalChosen = 14,
  kBadProposalSyntax = 15,
  kPayloadMalformed = 16,
  kInvalidKeyInformation = 17,
  kInvalidIdInformation = 18,
  kInvalidCertEncoding = 19,
  kInvalidCertificate = 20,
  kCertTypeUnsupported = 21,
  kInvalidCertAuthority = 22,
  kInvalidHashInformation = 23,
  kAuthenticationFailed = 24,
  kInvalidSignature = 25,
  kAddressNotification = 26,
  kNotifySaLifetime = 27,
  kCertificateUnavailable = 28,
  kUnsupportedExchangeType = 29,
  kUnequalPayloadLengths = 30,
  kConnected = 16384,
  kResponderLifetime = 24576,
  kReplayStatus = 24577,
  kInitialContact = 24578,
  kRUThere = 36136,
  kRUThereAck = 36137,
};

// draft-dukes-ike-mode-cfg §3.2 attribute payload types
enum class CfgType : uint8_t { kRequest = 1, kReply = 2, kSet = 3, kAck = 4 };

// RFC 2408 §3.3 data attribute: the top bit of the type says TV (1) or TLV (0).
inline constexpr uint16_t kAttrFormatTv = 0x8000;

}  // namespace kg::isakmp
