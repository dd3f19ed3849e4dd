// RADIUS packet header and attribute list (RFC 2865 §3, §5).
#include "wire/radius/packet.h"

#include <string>

#include "common/try.h"

namespace kg::radius {

const char* code_name(uint8_t code) {
  switch (Code(code)) {
    case Code::kAccessRequest: return "Access-Request";
    case Code::kAccessAccept: return "Access-Accept";
    case Code::kAccessReject: return "Access-Reject";
    case Code::kAccountingRequest: return "Accounting-Request";
    case Code::kAccountingResponse: return "Accounting-Response";
    case Code::kAccessChallenge: return "Access-Challenge";
    case Code::kStatusServer: return "Status-Server";
    case Code::kDisconnectRequest: return "Disconnect-Request";
    case Code::kDisconnectAck: return "Disconnect-ACK";
    case Code::kDisconnectNak: return "Disconnect-NAK";
    case Code::kCoaRequest: return "CoA-Request";
    case Code::kCoaAck: return "CoA-ACK";
    case Code::kCoaNak: return "CoA-NAK";
  }
  return "unknown code";
}

// §3: Code(1) | Identifier(1) | Length(2) | Authenticator(16) | Attributes.
Result<Packet> Packet::parse(ByteView datagram) {
  ByteReader r(datagram);
  Packet p;
  TRY(code, r.u8());
  TRY(id, r.u8());
  TRY(len, r.u16());
  if (*len < kHeaderSize || *len > kMaxPacket) return fail(Errc::kInvalidSyntax, "RADIUS: Length out of range");
  if (*len > datagram.size()) return fail(Errc::kTruncated, "RADIUS: datagram shorter than Length");
  TRY(auth, r.bytes(16));
  p.code = *code;
  p.identifier = *id;
  std::copy(auth->begin(), auth->end(), p.authenticator.begin());
  // Octets past Length are padding (§3): read only up to it.
  TRY(attrs, r.sub(*len - kHeaderSize));
  while (!attrs->empty()) {
    TRY(type, attrs->u8());
    TRY(alen, attrs->u8());
    if (*alen < 2) return fail(Errc::kInvalidSyntax, "RADIUS: attribute Length < 2");
    TRY(value, attrs->bytes(*alen - 2));
    p.attributes.push_back({*type, Bytes(value->begin(), value->end())});
  }
  return p;
}

Result<Bytes> Packet::write() const {
  Bytes out;
  ByteWriter w(out);
  w.u8(code);
  w.u8(identifier);
  size_t len_at = w.placeholder_u16();
  w.bytes(authenticator);
  for (const auto& a : attributes) {
    if (a.value.size() > kMaxValue)
      return fail(Errc::kLimit, "RADIUS: attribute " + std::to_string(a.type) + " longer than 253 octets");
    w.u8(a.type);
    w.u8(uint8_t(a.value.size() + 2));
    w.bytes(a.value);
  }
  if (out.size() > kMaxPacket) return fail(Errc::kLimit, "RADIUS: packet longer than 4096 octets");
  w.patch_u16(len_at, uint16_t(out.size()));
  return out;
}

void Packet::add_u32(AttrType type, uint32_t v) {
  uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
  add(type, b);
}

const Attribute* Packet::find(AttrType type) const {
  for (const auto& a : attributes)
    if (a.type == uint8_t(type)) return &a;
  return nullptr;
}

std::vector<const Attribute*> Packet::all(AttrType type) const {
  std::vector<const Attribute*> out;
  for (const auto& a : attributes)
    if (a.type == uint8_t(type)) out.push_back(&a);
  return out;
}

std::optional<uint32_t> Packet::u32(AttrType type) const {
  const Attribute* a = find(type);
  if (!a || a->value.size() != 4) return std::nullopt;
  return uint32_t(a->value[0]) << 24 | uint32_t(a->value[1]) << 16 | uint32_t(a->value[2]) << 8 | a->value[3];
}

std::optional<std::string_view> Packet::text(AttrType type) const {
  const Attribute* a = find(type);
  if (!a) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(a->value.data()), a->value.size());
}

}  // namespace kg::radius
