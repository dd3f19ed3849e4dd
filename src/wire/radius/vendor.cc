// Vendor-Specific sub-attributes (RFC 2865 §5.26) and Cisco AV pairs.
#include "wire/radius/vendor.h"

#include "common/try.h"

namespace kg::radius {

// Vendor-Id(4) | { Vendor type(1) | Vendor length(1) | value }+
Result<std::vector<VendorAttribute>> parse_vendor_specific(ByteView value) {
  ByteReader r(value);
  TRY(vendor, r.u32());
  if (r.empty()) return fail(Errc::kInvalidSyntax, "Vendor-Specific: no sub-attribute");
  std::vector<VendorAttribute> out;
  while (!r.empty()) {
    TRY(type, r.u8());
    TRY(len, r.u8());
    if (*len < 2) return fail(Errc::kInvalidSyntax, "Vendor-Specific: vendor length < 2");
    TRY(v, r.bytes(*len - 2));
    out.push_back({*vendor, *type, Bytes(v->begin(), v->end())});
  }
  return out;
}

Result<Bytes> write_vendor_specific(const VendorAttribute& a) {
  if (a.value.size() > kMaxValue - 6) return fail(Errc::kLimit, "Vendor-Specific: value longer than 247 octets");
  Bytes out;
  ByteWriter w(out);
  w.u32(a.vendor);
  w.u8(a.type);
  w.u8(uint8_t(a.value.size() + 2));
  w.bytes(a.value);
  return out;
}

void add_vendor(Packet& p, uint32_t vendor, uint8_t type, ByteView value) {
  // An over-long value is kept as it is so that Packet::write reports it.
  auto v = write_vendor_specific({vendor, type, Bytes(value.begin(), value.end())});
  if (v) {
    p.add(AttrType::kVendorSpecific, *v);
  } else {
    p.attributes.push_back({uint8_t(AttrType::kVendorSpecific), Bytes(kMaxValue + 1, 0)});
  }
}

Result<std::vector<Bytes>> vendor_values(const Packet& p, uint32_t vendor, uint8_t type) {
  std::vector<Bytes> out;
  for (const Attribute* a : p.all(AttrType::kVendorSpecific)) {
    ByteReader r(a->value);
    auto id = r.u32();
    if (!id || *id != vendor) continue;
    TRY(subs, parse_vendor_specific(a->value));
    for (auto& s : *subs)
      if (s.type == type) out.push_back(std::move(s.value));
  }
  return out;
}

std::optional<AvPair> AvPair::parse(std::string_view text) {
  size_t sep = text.find_first_of("=*");
  if (sep == std::string_view::npos || sep == 0) return std::nullopt;
  AvPair p;
  p.mandatory = text[sep] == '=';
  std::string_view name = text.substr(0, sep);
  size_t colon = name.find(':');
  if (colon != std::string_view::npos) {
    p.protocol = std::string(name.substr(0, colon));
    name = name.substr(colon + 1);
  }
  if (name.empty()) return std::nullopt;
  p.attribute = std::string(name);
  p.value = std::string(text.substr(sep + 1));
  return p;
}

std::string AvPair::str() const {
  return (protocol.empty() ? "" : protocol + ":") + attribute + (mandatory ? "=" : "*") + value;
}

Result<std::vector<AvPair>> cisco_av_pairs(const Packet& p) {
  TRY(values, vendor_values(p, kVendorCisco, kCiscoAvPair));
  std::vector<AvPair> out;
  for (const auto& v : *values) {
    auto pair = AvPair::parse(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
    if (!pair) return fail(Errc::kInvalidSyntax, "Cisco-AVPair: not protocol:attribute=value");
    out.push_back(std::move(*pair));
  }
  return out;
}

}  // namespace kg::radius
