// RFC 2408 §3.3 data attributes (diagram in attributes.h).
#include "wire/isakmp/attributes.h"

#include "wire/isakmp/constants.h"

namespace kg::isakmp {

Attribute Attribute::number(uint16_t type, uint64_t v) {
  if (v <= 0xffff) return tv(type, uint16_t(v));
  ByteWriter w;
  if (v <= 0xffffffffull)
    w.u32(uint32_t(v));
  else
    w.u64(v);
  return tlv(type, w.take());
}

std::optional<uint64_t> Attribute::as_number() const {
  if (basic) return basic_value;
  if (value.empty() || value.size() > 8) return std::nullopt;
  uint64_t v = 0;
  for (uint8_t b : value) v = v << 8 | b;
  return v;
}

Result<std::vector<Attribute>> parse_attributes(ByteReader& r) {
  std::vector<Attribute> out;
  while (!r.empty()) {
    auto t = r.u16();
    auto v = t ? r.u16() : t;
    if (!v) return fail(Errc::kInvalidSyntax, "attribute: truncated header");
    Attribute a;
    a.type = *t & ~kAttrFormatTv;
    a.basic = *t & kAttrFormatTv;
    if (a.basic) {
      a.basic_value = *v;
    } else {
      auto data = r.bytes(*v);
      if (!data) return fail(Errc::kInvalidSyntax, "attribute: value runs past its container");
      a.value.assign(data->begin(), data->end());
    }
    out.push_back(std::move(a));
  }
  return out;
}

void write_attributes(const std::vector<Attribute>& attrs, ByteWriter& w) {
  for (auto& a : attrs) {
    if (a.basic) {
      w.u16(kAttrFormatTv | a.type);
      w.u16(a.basic_value);
    } else {
      w.u16(a.type & ~kAttrFormatTv);
      w.u16(uint16_t(a.value.size()));
      w.bytes(a.value);
    }
  }
}

const Attribute* find_attribute(const std::vector<Attribute>& attrs, uint16_t type) {
  for (auto& a : attrs)
    if (a.type == type) return &a;
  return nullptr;
}

}  // namespace kg::isakmp
