#include "wire/eap/eap.h"

namespace kg::eap {

Result<Packet> Packet::parse(ByteView in) {
  ByteReader r(in);
  auto code = r.u8();
  auto id = r.u8();
  auto len = r.u16();
  if (!code || !id || !len) return fail(Errc::kTruncated, "EAP: header");
  if (*len != in.size()) return fail(Errc::kInvalidSyntax, "EAP: Length is not the payload's");
  if (*code < 1 || *code > 4) return fail(Errc::kInvalidSyntax, "EAP: unknown Code");
  Packet p;
  p.code = static_cast<Code>(*code);
  p.identifier = *id;
  if (!p.has_type()) {
    if (!r.empty()) return fail(Errc::kInvalidSyntax, "EAP: data after Success/Failure");
    return p;
  }
  auto type = r.u8();
  if (!type) return fail(Errc::kTruncated, "EAP: no Type");
  p.type = *type;
  p.data.assign(r.rest().begin(), r.rest().end());
  return p;
}

Bytes Packet::write() const {
  ByteWriter w;
  size_t len = 4 + (has_type() ? 1 + data.size() : 0);
  w.u8(static_cast<uint8_t>(code));
  w.u8(identifier);
  w.u16(static_cast<uint16_t>(len));
  if (has_type()) {
    w.u8(type);
    w.bytes(data);
  }
  return w.take();
}

Result<Md5Challenge> Md5Challenge::parse(ByteView type_data) {
  ByteReader r(type_data);
  auto size = r.u8();
  if (!size) return fail(Errc::kTruncated, "EAP-MD5: no Value-Size");
  if (*size == 0) return fail(Errc::kInvalidSyntax, "EAP-MD5: empty Value");
  auto value = r.bytes(*size);
  if (!value) return fail(Errc::kTruncated, "EAP-MD5: Value longer than the packet");
  Md5Challenge c;
  c.value.assign(value->begin(), value->end());
  c.name.assign(r.rest().begin(), r.rest().end());
  return c;
}

Bytes Md5Challenge::write() const {
  ByteWriter w;
  w.u8(static_cast<uint8_t>(value.size()));
  w.bytes(value);
  w.bytes(name);
  return w.take();
}

}  // namespace kg::eap
