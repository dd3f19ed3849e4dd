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

Result<MsChapV2> MsChapV2::parse(ByteView type_data) {
  ByteReader r(type_data);
  auto op = r.u8();
  if (!op) return fail(Errc::kTruncated, "EAP-MSCHAPv2: no OpCode");
  MsChapV2 m;
  m.op = static_cast<MsChapV2Op>(*op);
  if (r.empty()) {
    if (m.op != MsChapV2Op::kSuccess && m.op != MsChapV2Op::kFailure)
      return fail(Errc::kTruncated, "EAP-MSCHAPv2: OpCode without MS-CHAPv2-ID and MS-Length");
    m.short_form = true;
    return m;
  }
  auto id = r.u8();
  auto len = r.u16();
  if (!id || !len) return fail(Errc::kTruncated, "EAP-MSCHAPv2: header");
  if (*len != type_data.size()) return fail(Errc::kInvalidSyntax, "EAP-MSCHAPv2: MS-Length is not the data's");
  m.id = *id;
  switch (m.op) {
    case MsChapV2Op::kChallenge:
    case MsChapV2Op::kResponse: {
      auto size = r.u8();
      if (!size) return fail(Errc::kTruncated, "EAP-MSCHAPv2: no Value-Size");
      auto value = r.bytes(*size);
      if (!value) return fail(Errc::kTruncated, "EAP-MSCHAPv2: Value longer than the packet");
      m.value.assign(value->begin(), value->end());
      m.name.assign(r.rest().begin(), r.rest().end());
      return m;
    }
    case MsChapV2Op::kSuccess:
    case MsChapV2Op::kFailure:
      m.message.assign(r.rest().begin(), r.rest().end());
      return m;
    case MsChapV2Op::kChangePassword:
      return fail(Errc::kUnsupported, "EAP-MSCHAPv2: Change-Password");
  }
  return fail(Errc::kInvalidSyntax, "EAP-MSCHAPv2: unknown OpCode");
}

Bytes MsChapV2::write() const {
  ByteWriter w;
  w.u8(static_cast<uint8_t>(op));
  if (short_form) return w.take();
  bool valued = op == MsChapV2Op::kChallenge || op == MsChapV2Op::kResponse;
  size_t len = 4 + (valued ? 1 + value.size() + name.size() : message.size());
  w.u8(id);
  w.u16(static_cast<uint16_t>(len));
  if (valued) {
    w.u8(static_cast<uint8_t>(value.size()));
    w.bytes(value);
    w.bytes(name);
  } else {
    w.bytes(message);
  }
  return w.take();
}

}  // namespace kg::eap
