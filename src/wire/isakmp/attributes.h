// RFC 2408 §3.3 data attributes, used by SA transforms (RFC 2409 App. A,
// RFC 2407 §4.5) and by mode-config attribute payloads (draft-dukes §3.2):
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |A|       Attribute Type        |    AF=0  Attribute Length     |
// |F|                             |    AF=1  Attribute Value      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// .                   AF=0  Attribute Value                       .
// .                   AF=1  Not Transmitted                       .
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// AF=1 is the "basic" (TV) form with a 16-bit value, AF=0 the variable
// (TLV) form.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::isakmp {

struct Attribute {
  uint16_t type = 0;         // without the AF bit
  bool basic = true;         // AF=1: TV
  uint16_t basic_value = 0;  // TV value
  Bytes value;               // TLV value (may be empty: a mode-config request)

  static Attribute tv(uint16_t type, uint16_t v) { return {type, true, v, {}}; }
  static Attribute tlv(uint16_t type, Bytes v) { return {type, false, 0, std::move(v)}; }
  // A number in the smallest form that holds it: TV up to 0xffff, else a
  // 4- or 8-byte TLV (life durations, RFC 2409 App. A "variable").
  static Attribute number(uint16_t type, uint64_t v);

  // The value as a number: TV, or a TLV of 1..8 bytes (big-endian);
  // nullopt for an empty or longer TLV.
  [[nodiscard]] std::optional<uint64_t> as_number() const;
  bool operator==(const Attribute&) const = default;
};

// Reads attributes until the reader is empty; a TLV running past the end is
// refused.
[[nodiscard]] Result<std::vector<Attribute>> parse_attributes(ByteReader& r);
void write_attributes(const std::vector<Attribute>& attrs, ByteWriter& w);

// The first attribute of `type`, or nullptr.
const Attribute* find_attribute(const std::vector<Attribute>& attrs, uint16_t type);

}  // namespace kg::isakmp
