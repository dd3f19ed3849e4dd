// Vendor-Specific attributes (RFC 2865 §5.26) in the recommended format
// that Cisco (vendor 9) and Microsoft (vendor 311, RFC 2548) both use, and
// Cisco's AV pairs ("protocol:attribute=value", seed 004). Pure.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "wire/radius/packet.h"

namespace kg::radius {

inline constexpr uint32_t kVendorCisco = 9;
inline constexpr uint32_t kVendorMicrosoft = 311;
inline constexpr uint8_t kCiscoAvPair = 1;      // Cisco-AVPair, text
inline constexpr uint8_t kMsMppeSendKey = 16;  // RFC 2548 §2.4.2
inline constexpr uint8_t kMsMppeRecvKey = 17;  // RFC 2548 §2.4.3

struct VendorAttribute {
  uint32_t vendor = 0;
  uint8_t type = 0;
  Bytes value;
  bool operator==(const VendorAttribute&) const = default;
};

//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Type      |  Length       |            Vendor-Id
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//       Vendor-Id (cont)           | Vendor type   | Vendor length |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |    Attribute-Specific...
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The value of one attribute 26 (what follows Type and Length): a Vendor-Id
// and one or more sub-attributes, each Vendor length >= 2, filling it exactly.
[[nodiscard]] Result<std::vector<VendorAttribute>> parse_vendor_specific(ByteView value);
// One sub-attribute in its own attribute 26 (how keygate sends them).
[[nodiscard]] Result<Bytes> write_vendor_specific(const VendorAttribute& a);
void add_vendor(Packet& p, uint32_t vendor, uint8_t type, ByteView value);

// Every value of (vendor, type) in the packet, in order. A Vendor-Specific
// of that vendor that does not parse makes the packet malformed (error);
// other vendors' attributes are not looked into.
[[nodiscard]] Result<std::vector<Bytes>> vendor_values(const Packet& p, uint32_t vendor, uint8_t type);

// A Cisco AV pair, "ipsec:addr-pool=pool1": '=' marks a mandatory
// attribute, '*' an optional one. The protocol is empty when there is no
// ':' before the separator.
struct AvPair {
  std::string protocol;
  std::string attribute;
  std::string value;
  bool mandatory = true;
  [[nodiscard]] static std::optional<AvPair> parse(std::string_view text);
  [[nodiscard]] std::string str() const;
  bool operator==(const AvPair&) const = default;
};
// The Cisco-AVPair attributes of a packet that parse as AV pairs.
[[nodiscard]] Result<std::vector<AvPair>> cisco_av_pairs(const Packet& p);

}  // namespace kg::radius
