// ISAKMP (IKEv1) messages and payloads: RFC 2408 §3, RFC 2407 §4.6, RFC 3947
// §3.2/§5.2, draft-dukes-ike-mode-cfg §3.2. Pure wire code: each payload
// parses from a reader limited to its declared body and writes itself back;
// nothing here knows about SAs, keys or OpenSSL.
//
// RFC 2408 §3.1 header, 28 bytes (the same layout as IKEv2's, which is how
// the daemon tells the versions apart: the Version byte):
// !                          Initiator                            !
// !                            Cookie                             !
// !                          Responder                            !
// !                            Cookie                             !
// !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
// !                          Message ID                           !
// !                            Length                             !
//
// §3.2 generic payload header, in front of every payload body:
// ! Next Payload  !   RESERVED    !         Payload Length        !
#pragma once
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "common/bytes.h"
#include "common/ip.h"
#include "common/result.h"
#include "wire/isakmp/attributes.h"
#include "wire/isakmp/constants.h"
#include "wire/isakmp/sa.h"

namespace kg::isakmp {

struct Header {
  uint64_t cookie_i = 0;
  uint64_t cookie_r = 0;
  PayloadType next_payload = PayloadType::kNone;
  uint8_t version = kIsakmpVersion;
  ExchangeType exchange = ExchangeType::kIdentityProtection;
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = 0;  // filled by encode

  [[nodiscard]] bool encrypted() const { return flags & kFlagEncryption; }
  // Refuses a major version other than 1 (INVALID-MAJOR-VERSION, §5.2) and
  // flags beyond E, C and A.
  static Result<Header> parse(ByteReader& r);
  void write(ByteWriter& w) const;
};

// The major version of an IKE datagram (1: ISAKMP, 2: IKEv2) without parsing
// it; nullopt if shorter than a header. The daemon picks the engine with it.
std::optional<uint8_t> major_version(ByteView datagram);

// A payload whose body is one opaque field. The template argument only makes
// each a distinct type in the Payload variant.
template <PayloadType T>
struct DataPayload {
  Bytes data;
};
using KePayload = DataPayload<PayloadType::kKe>;        // §3.7: Key Exchange Data (g^x)
using HashPayload = DataPayload<PayloadType::kHash>;    // §3.11: Hash Data
using SigPayload = DataPayload<PayloadType::kSig>;      // §3.12: Signature Data
using NoncePayload = DataPayload<PayloadType::kNonce>;  // §3.13: 8..256 bytes (RFC 2409 §5)
using VendorIdPayload = DataPayload<PayloadType::kVendorId>;  // §3.16
using NatDPayload = DataPayload<PayloadType::kNatD>;    // RFC 3947 §3.2: HASH of cookies, IP, port

// RFC 2407 §4.6.2 identification (phase 1 and Quick Mode client IDs):
// !   ID Type     !  Protocol ID  !             Port              !
// ~                     Identification Data                       ~
struct IdPayload {
  IdType type = IdType::kIpv4Addr;
  uint8_t protocol = 0;  // 0: any (or UDP 17 with port 500 in phase 1)
  uint16_t port = 0;
  Bytes data;
  // The body as it is on the wire: IDii_b / IDir_b in HASH_I/HASH_R (RFC 2409 §5).
  [[nodiscard]] Bytes body() const;
};

// §3.9 Certificate: Cert Encoding (1) | Certificate Data
struct CertPayload {
  uint8_t encoding = 4;  // X.509 Certificate - Signature
  Bytes data;
};
// §3.10 Certificate Request: Cert. Type (1) | Certificate Authority (may be empty)
struct CertReqPayload {
  uint8_t type = 4;
  Bytes authority;
};

// §3.14 Notification:
// !              Domain of Interpretation  (DOI)                  !
// !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
// ~                Security Parameter Index (SPI)                 ~
// ~                       Notification Data                       ~
struct NotifyPayload {
  uint32_t doi = kDoiIpsec;
  ProtocolId protocol = ProtocolId::kIsakmp;
  Bytes spi;        // 16 bytes (both cookies) for ISAKMP, 4 for ESP, or empty
  uint16_t type = 0;  // NotifyType, kept raw: unknown types are legal
  Bytes data;
  [[nodiscard]] bool is_error() const { return type < 8192; }
};

// §3.15 Delete:
// !              Domain of Interpretation  (DOI)                  !
// !  Protocol-Id  !   SPI Size    !           # of SPIs           !
// ~               Security Parameter Index(es) (SPI)              ~
struct DeletePayload {
  uint32_t doi = kDoiIpsec;
  ProtocolId protocol = ProtocolId::kEsp;
  uint8_t spi_size = 4;  // 16 for ISAKMP (the cookie pair)
  std::vector<Bytes> spis;
};

// RFC 3947 §5.2 NAT-OA: ID Type (1) | RESERVED (3) | IPv4 (4) or IPv6 (16) address
struct NatOaPayload {
  IpAddress address;
};

// draft-dukes-ike-mode-cfg §3.2 attribute payload:
// !     Type      !   RESERVED    !           Identifier          !
// ~                           Attributes                          ~
struct AttributePayload {
  CfgType cfg_type = CfgType::kRequest;
  uint16_t identifier = 0;
  std::vector<Attribute> attributes;
};

// IKE fragmentation as Cisco defined it and strongSwan speaks it (payload 132):
// !          Fragment ID          !  Fragment #   !     Flags     !
// ~                       Fragment Data                           ~
struct FragmentPayload {
  uint16_t id = 0;
  uint8_t number = 1;  // 1-based
  bool last = false;   // flag bit 0
  Bytes data;
};

// A payload type keygate does not implement, kept as bytes: RFC 2408 §5.1
// leaves it to the exchange whether that is INVALID-PAYLOAD-TYPE.
struct UnknownPayload {
  uint8_t type = 0;
  Bytes body;
};

using Payload = std::variant<SaPayload, KePayload, IdPayload, CertPayload, CertReqPayload, HashPayload,
                             SigPayload, NoncePayload, NotifyPayload, DeletePayload, VendorIdPayload,
                             AttributePayload, NatDPayload, NatOaPayload, FragmentPayload, UnknownPayload>;

struct TypedPayload {
  PayloadType type = PayloadType::kNone;
  Payload body;
  // Where the payload (generic header included) lay in the parsed chain; set
  // by the parser. The IKEv1 hashes cover bytes as received: SAi_b and IDii_b
  // in HASH_I (RFC 2409 §5), everything after HASH in Quick Mode (§5.5).
  size_t wire_offset = 0;
  size_t wire_size = 0;
};

// A message as received: `payloads` when it is in clear, else `encrypted`
// holds everything after the header (ciphertext with padding; block
// alignment is the engine's concern, as it knows the cipher).
struct Message {
  Header header;
  std::vector<TypedPayload> payloads;
  Bytes encrypted;
};

// Parse a whole ISAKMP datagram (without any non-ESP marker). The header's
// Length must equal data.size(); a clear payload chain must fill it exactly.
[[nodiscard]] Result<Message> parse_message(ByteView data);

// Parse a chain that starts with `first`. Decrypted contents end with the
// cipher's padding (RFC 2409 App. B): with `padded`, bytes after the payload
// whose Next Payload is 0 are accepted as padding; without it they are refused.
[[nodiscard]] Result<std::vector<TypedPayload>> parse_payload_chain(PayloadType first, ByteView data,
                                                                    bool padded = false);

// Write a chain of payloads, generic headers and lengths filled in; the last
// payload's Next Payload is 0.
void write_payload_chain(const std::vector<TypedPayload>& chain, ByteWriter& w);

// Header + clear payloads, filling next_payload and length (the E flag is cleared).
[[nodiscard]] Bytes encode_message(Header header, const std::vector<TypedPayload>& payloads);
// Header + ciphertext: `first` is the type of the first encrypted payload;
// sets the E flag and the length.
[[nodiscard]] Bytes encode_encrypted(Header header, PayloadType first, ByteView ciphertext);

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

}  // namespace kg::isakmp
