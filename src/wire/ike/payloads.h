// IKEv2 message and payload structures (RFC 7296 §3). Pure wire code: each
// payload parses from a ByteReader limited to its declared body and writes
// itself to a ByteWriter. Nothing here knows about SAs, keys or OpenSSL.
//
// RFC 7296 §3.2 generic payload header, in front of every payload body:
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
#pragma once
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/ip.h"
#include "common/result.h"
#include "wire/ike/constants.h"

namespace kg::ike {

// Wire-level parse errors; every one maps to Errc::kInvalidSyntax or kTruncated
// in Error, with the payload name in the message.
//
// RFC 7296 §3.1 header, 28 bytes:
//  IKE SA Initiator's SPI (8) | IKE SA Responder's SPI (8) |
//  Next Payload (1) | MjVer/MnVer (1) | Exchange Type (1) | Flags (1) |
//  Message ID (4) | Length (4)
struct Header {
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  PayloadType next_payload = PayloadType::kNone;
  uint8_t version = kIkeVersion;
  ExchangeType exchange = ExchangeType::kIkeSaInit;
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = 0;  // filled by encode

  [[nodiscard]] bool is_response() const { return flags & kFlagResponse; }
  [[nodiscard]] bool is_initiator() const { return flags & kFlagInitiator; }
  static Result<Header> parse(ByteReader& r);
  void write(ByteWriter& w) const;
};

// §3.3.2/3.3.5 transform with optional Key Length attribute
struct Transform {
  TransformType type = TransformType::kEncr;
  uint16_t id = 0;
  std::optional<uint16_t> key_length;  // bits, attribute 14
  auto operator<=>(const Transform&) const = default;
};

// §3.3.1 proposal substructure
struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::kIke;
  Bytes spi;  // empty for IKE_SA_INIT, 8 bytes for IKE rekey, 4 for ESP
  std::vector<Transform> transforms;
};

struct SaPayload {
  std::vector<Proposal> proposals;
};

// §3.4 Key Exchange: DH Group Num (2) | RESERVED (2) | Key Exchange Data
struct KePayload {
  DhGroup group = DhGroup::kNone;
  Bytes data;
};

// §3.5 Identification: ID Type (1) | RESERVED (3) | Identification Data
struct IdPayload {
  IdType type = IdType::kIpv4Addr;
  Bytes data;
  // The body as it appears on the wire (type, 3 reserved, data): the input to
  // prf(SK_p, IDx') in the AUTH computation (§2.15).
  [[nodiscard]] Bytes body() const;
};

// §3.6 Certificate: Cert Encoding (1) | Certificate Data. For X.509
// Certificate - Signature (4) the data is one DER certificate; the parser
// checks its outer DER SEQUENCE fills the payload exactly (the contents are
// OpenSSL's business, in crypto/x509).
struct CertPayload {
  uint8_t encoding = uint8_t(CertEncoding::kX509Signature);
  Bytes data;
};

// §3.7 Certificate Request: Cert Encoding (1) | Certification Authority. For
// encoding 4 the CA field is a concatenation of 20-byte SHA-1 hashes of CA
// SubjectPublicKeyInfos (`authorities`); other encodings keep it raw.
struct CertReqPayload {
  uint8_t encoding = uint8_t(CertEncoding::kX509Signature);
  std::vector<Bytes> authorities;  // encoding 4: each kCertReqHashSize bytes
  Bytes data;                      // other encodings
};

// §3.8 Authentication: Auth Method (1) | RESERVED (3) | Authentication Data
struct AuthPayload {
  AuthMethod method = AuthMethod::kSharedKeyMic;
  Bytes data;
};

// §3.9 Nonce: 16..256 bytes
struct NoncePayload {
  Bytes data;
};

// §3.10 Notify: Protocol ID (1) | SPI Size (1) | Notify Type (2) | SPI | Data
struct NotifyPayload {
  uint8_t protocol = 0;  // 0 when no SPI, else ProtocolId
  Bytes spi;
  uint16_t type = 0;     // NotifyType, kept raw: unknown types are legal
  Bytes data;
  [[nodiscard]] bool is_error() const { return type < 16384; }
};

// §3.11 Delete: Protocol ID (1) | SPI Size (1) | Num of SPIs (2) | SPIs
struct DeletePayload {
  ProtocolId protocol = ProtocolId::kEsp;
  uint8_t spi_size = 4;
  std::vector<Bytes> spis;
};

struct VendorIdPayload {  // §3.12
  Bytes data;
};

// §3.13.1 traffic selector: common/traffic_selector.h (ESP enforces it too)
using TrafficSelector = kg::TrafficSelector;

struct TsPayload {  // §3.13, used for both TSi and TSr
  std::vector<TrafficSelector> selectors;
};

// §3.14 Encrypted payload. After parse, `body` is IV | ciphertext | ICV and
// `first_inner` is the Next Payload field (type of the first inner payload).
struct SkPayload {
  PayloadType first_inner = PayloadType::kNone;
  Bytes body;
};

// RFC 7383 §2.5 Encrypted Fragment:
//  Next Payload (first inner type in fragment 1, else 0) | C | RESERVED | Length |
//  Fragment Number (2) | Total Fragments (2) | IV | Encrypted content | ICV
// Like SK it must be the last payload; `body` is IV | ciphertext | ICV.
struct SkfPayload {
  PayloadType first_inner = PayloadType::kNone;
  uint16_t number = 1;  // 1..total
  uint16_t total = 1;
  Bytes body;
};

// §3.15 Configuration: CFG Type (1) | RESERVED (3) | attributes (type, len, value)
struct CpAttribute {
  uint16_t type = 0;
  Bytes value;
};
struct CpPayload {
  CfgType cfg_type = CfgType::kRequest;
  std::vector<CpAttribute> attributes;
};

// A payload we do not implement but whose critical bit was clear (§2.5:
// skipped); kept so the engine can see it if it wants to.
struct UnknownPayload {
  uint8_t type = 0;
  bool critical = false;
  Bytes body;
};

using Payload = std::variant<SaPayload, KePayload, IdPayload, CertPayload, CertReqPayload,
                             AuthPayload, NoncePayload, NotifyPayload, DeletePayload,
                             VendorIdPayload, TsPayload, SkPayload, CpPayload, UnknownPayload,
                             SkfPayload>;

// The payload's type on the wire. For IdPayload and TsPayload the caller says
// which of IDi/IDr or TSi/TSr it is, so payloads are stored with their type:
struct TypedPayload {
  PayloadType type = PayloadType::kNone;
  Payload body;
};

struct Message {
  Header header;
  std::vector<TypedPayload> payloads;
};

// Parse a whole IKE message (without any non-ESP marker). The header's Length
// must equal data.size(). An unknown payload with the critical bit set fails
// with Errc::kUnsupported and message "critical:<type>" (§2.5). The SK (or
// SKF, RFC 7383) payload, if present, must be last; its inner payloads stay
// encrypted in SkPayload / SkfPayload.
[[nodiscard]] Result<Message> parse_message(ByteView data);

// Parse a chain of payloads starting with type `first` that fills `data`
// exactly: used on the decrypted contents of an SK payload.
[[nodiscard]] Result<std::vector<TypedPayload>> parse_payload_chain(PayloadType first, ByteView data);

// Write a chain of payloads (generic headers with Next Payload and lengths
// filled in). The last payload's Next Payload is `last_next` (the SK payload's
// Next Payload is its first inner type, handled by the SkPayload writer).
void write_payload_chain(const std::vector<TypedPayload>& chain, ByteWriter& w);

// Encode header + payloads, filling header.next_payload and header.length.
[[nodiscard]] Bytes encode_message(Header header, const std::vector<TypedPayload>& payloads);

// Helpers for the engine.
template <class T>
const T* find_payload(const std::vector<TypedPayload>& v, PayloadType t) {
  for (auto& p : v)
    if (p.type == t)
      if (auto* x = std::get_if<T>(&p.body)) return x;
  return nullptr;
}
const NotifyPayload* find_notify(const std::vector<TypedPayload>& v, NotifyType t);

const char* payload_name(PayloadType t);
const char* exchange_name(ExchangeType t);
const char* notify_name(uint16_t t);

}  // namespace kg::ike
