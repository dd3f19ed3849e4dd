// RADIUS packets (RFC 2865 §3, §5; RFC 2866 §3; RFC 5176 §2.3; RFC 5997 §3)
// as a code, an identifier, the 16-octet Authenticator and a list of
// attributes. Pure encode/decode: the authenticators and hidden attributes
// that need the shared secret are computed in aaa/radius/.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "wire/radius/attributes.h"

namespace kg::radius {

// RFC 2865 §3, RFC 2866 §3, RFC 5176 §2.3, RFC 5997 §3.
enum class Code : uint8_t {
  kAccessRequest = 1,
  kAccessAccept = 2,
  kAccessReject = 3,
  kAccountingRequest = 4,
  kAccountingResponse = 5,
  kAccessChallenge = 11,
  kStatusServer = 12,
  kDisconnectRequest = 40,
  kDisconnectAck = 41,
  kDisconnectNak = 42,
  kCoaRequest = 43,
  kCoaAck = 44,
  kCoaNak = 45,
};
[[nodiscard]] const char* code_name(uint8_t code);  // "Access-Accept", "code 99"

inline constexpr size_t kHeaderSize = 20;
inline constexpr size_t kMaxPacket = 4096;  // RFC 2865 §3 Length
inline constexpr size_t kMaxValue = 253;    // one attribute's value (§5 Length <= 255)

using Authenticator = std::array<uint8_t, 16>;

// RFC 2865 §5: Type(1) | Length(1) | Value (Length-2 octets).
struct Attribute {
  uint8_t type = 0;
  Bytes value;
  bool operator==(const Attribute&) const = default;
};

//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Code      |  Identifier   |            Length             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                                                               |
//  |                         Authenticator                         |
//  |                                                               |
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |  Attributes ...
//  +-+-+-+-+-+-+-+-+-+-+-+-+-
// Length covers header and attributes, 20..4096. §3: octets past Length are
// padding and ignored; a datagram shorter than Length is discarded. The
// attributes must fill Length exactly, each with Length >= 2.
struct Packet {
  uint8_t code = 0;
  uint8_t identifier = 0;
  Authenticator authenticator{};
  std::vector<Attribute> attributes;

  [[nodiscard]] static Result<Packet> parse(ByteView datagram);
  // Fails (kLimit) past 4096 octets or with a value longer than 253.
  [[nodiscard]] Result<Bytes> write() const;

  void add(uint8_t type, ByteView value) { attributes.push_back({type, Bytes(value.begin(), value.end())}); }
  void add(AttrType type, ByteView value) { add(uint8_t(type), value); }
  void add_text(AttrType type, std::string_view s) { add(type, as_bytes(s)); }
  void add_u32(AttrType type, uint32_t v);
  // The first attribute of this type, or null.
  [[nodiscard]] const Attribute* find(AttrType type) const;
  [[nodiscard]] std::vector<const Attribute*> all(AttrType type) const;
  // Typed reads (§5 "integer", "address", "text"): nullopt when absent or
  // of the wrong size.
  [[nodiscard]] std::optional<uint32_t> u32(AttrType type) const;
  [[nodiscard]] std::optional<std::string_view> text(AttrType type) const;
};

}  // namespace kg::radius
