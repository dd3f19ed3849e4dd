// Names for log lines and debug output, as tshark and strongSwan print them
// (RFC 2408 §3.1, §3.14.1; RFC 2407 §4.6.3; RFC 3947; RFC 3706).
#include "wire/isakmp/payloads.h"

namespace kg::isakmp {

const char* payload_name(PayloadType t) {
  switch (t) {
    case PayloadType::kNone: return "NONE";
    case PayloadType::kSa: return "SA";
    case PayloadType::kProposal: return "P";
    case PayloadType::kTransform: return "T";
    case PayloadType::kKe: return "KE";
    case PayloadType::kId: return "ID";
    case PayloadType::kCert: return "CERT";
    case PayloadType::kCertReq: return "CR";
    case PayloadType::kHash: return "HASH";
    case PayloadType::kSig: return "SIG";
    case PayloadType::kNonce: return "NONCE";
    case PayloadType::kNotify: return "N";
    case PayloadType::kDelete: return "D";
    case PayloadType::kVendorId: return "V";
    case PayloadType::kAttribute: return "ATTR";
    case PayloadType::kNatD:
    case PayloadType::kNatDDraft: return "NAT-D";
    case PayloadType::kNatOa:
    case PayloadType::kNatOaDraft: return "NAT-OA";
    case PayloadType::kFragment: return "FRAG";
  }
  return "UNKNOWN";
}

const char* exchange_name(ExchangeType t) {
  switch (t) {
    case ExchangeType::kBase: return "BASE";
    case ExchangeType::kIdentityProtection: return "MAIN_MODE";
    case ExchangeType::kAuthenticationOnly: return "AUTH_ONLY";
    case ExchangeType::kAggressive: return "AGGRESSIVE";
    case ExchangeType::kInformational: return "INFORMATIONAL";
    case ExchangeType::kTransaction: return "TRANSACTION";
    case ExchangeType::kQuickMode: return "QUICK_MODE";
    case ExchangeType::kNewGroupMode: return "NEW_GROUP_MODE";
  }
  return "UNKNOWN";
}

const char* notify_name(uint16_t t) {
  switch (NotifyType(t)) {
    case NotifyType::kInvalidPayloadType: return "INVALID-PAYLOAD-TYPE";
    case NotifyType::kDoiNotSupported: return "DOI-NOT-SUPPORTED";
    case NotifyType::kSituationNotSupported: return "SITUATION-NOT-SUPPORTED";
    case NotifyType::kInvalidCookie: return "INVALID-COOKIE";
    case NotifyType::kInvalidMajorVersion: return "INVALID-MAJOR-VERSION";
    case NotifyType::kInvalidMinorVersion: return "INVALID-MINOR-VERSION";
    case NotifyType::kInvalidExchangeType: return "INVALID-EXCHANGE-TYPE";
    case NotifyType::kInvalidFlags: return "INVALID-FLAGS";
    case NotifyType::kInvalidMessageId: return "INVALID-MESSAGE-ID";
    case NotifyType::kInvalidProtocolId: return "INVALID-PROTOCOL-ID";
    case NotifyType::kInvalidSpi: return "INVALID-SPI";
    case NotifyType::kInvalidTransformId: return "INVALID-TRANSFORM-ID";
    case NotifyType::kAttributesNotSupported: return "ATTRIBUTES-NOT-SUPPORTED";
    case NotifyType::kNoProposalChosen: return "NO-PROPOSAL-CHOSEN";
    case NotifyType::kBadProposalSyntax: return "BAD-PROPOSAL-SYNTAX";
    case NotifyType::kPayloadMalformed: return "PAYLOAD-MALFORMED";
    case NotifyType::kInvalidKeyInformation: return "INVALID-KEY-INFORMATION";
    case NotifyType::kInvalidIdInformation: return "INVALID-ID-INFORMATION";
    case NotifyType::kInvalidCertEncoding: return "INVALID-CERT-ENCODING";
    case NotifyType::kInvalidCertificate: return "INVALID-CERTIFICATE";
    case NotifyType::kCertTypeUnsupported: return "CERT-TYPE-UNSUPPORTED";
    case NotifyType::kInvalidCertAuthority: return "INVALID-CERT-AUTHORITY";
    case NotifyType::kInvalidHashInformation: return "INVALID-HASH-INFORMATION";
    case NotifyType::kAuthenticationFailed: return "AUTHENTICATION-FAILED";
    case NotifyType::kInvalidSignature: return "INVALID-SIGNATURE";
    case NotifyType::kAddressNotification: return "ADDRESS-NOTIFICATION";
    case NotifyType::kNotifySaLifetime: return "NOTIFY-SA-LIFETIME";
    case NotifyType::kCertificateUnavailable: return "CERTIFICATE-UNAVAILABLE";
    case NotifyType::kUnsupportedExchangeType: return "UNSUPPORTED-EXCHANGE-TYPE";
    case NotifyType::kUnequalPayloadLengths: return "UNEQUAL-PAYLOAD-LENGTHS";
    case NotifyType::kConnected: return "CONNECTED";
    case NotifyType::kResponderLifetime: return "RESPONDER-LIFETIME";
    case NotifyType::kReplayStatus: return "REPLAY-STATUS";
    case NotifyType::kInitialContact: return "INITIAL-CONTACT";
    case NotifyType::kRUThere: return "R-U-THERE";
    case NotifyType::kRUThereAck: return "R-U-THERE-ACK";
  }
  return "UNKNOWN-NOTIFY";
}

}  // namespace kg::isakmp
