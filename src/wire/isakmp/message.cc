// ISAKMP header, the generic payload chain and whole messages (RFC 2408
// §3.1-3.2; diagrams in payloads.h).
#include <string>

#include "wire/isakmp/payload_bodies.h"
#include "common/try.h"

namespace kg::isakmp {

Result<Header> Header::parse(ByteReader& r) {
  Header h;
  TRY(ci, r.u64());
  TRY(cr, r.u64());
  TRY(np, r.u8());
  TRY(ver, r.u8());
  TRY(ex, r.u8());
  TRY(fl, r.u8());
  TRY(mid, r.u32());
  TRY(len, r.u32());
  h.cookie_i = *ci;
  h.cookie_r = *cr;
  h.next_payload = PayloadType(*np);
  h.version = *ver;
  h.exchange = ExchangeType(*ex);
  h.flags = *fl;
  h.message_id = *mid;
  h.length = *len;
  if ((h.version >> 4) != 1) return fail(Errc::kUnsupported, "ISAKMP major version");
  if (h.flags & ~kFlagsKnown) return fail(Errc::kInvalidSyntax, "ISAKMP flags");
  if (h.cookie_i == 0) return fail(Errc::kInvalidSyntax, "ISAKMP initiator cookie 0");
  return h;
}

void Header::write(ByteWriter& w) const {
  w.u64(cookie_i);
  w.u64(cookie_r);
  w.u8(uint8_t(next_payload));
  w.u8(version);
  w.u8(uint8_t(exchange));
  w.u8(flags);
  w.u32(message_id);
  w.u32(length);
}

std::optional<uint8_t> major_version(ByteView d) {
  if (d.size() < kHeaderSize) return std::nullopt;
  return d[17] >> 4;
}

Result<std::vector<TypedPayload>> parse_payload_chain(PayloadType first, ByteView data, bool padded) {
  ByteReader r(data);
  std::vector<TypedPayload> out;
  PayloadType next = first;
  if (next == PayloadType::kNone) return fail(Errc::kInvalidSyntax, "empty payload chain");
  while (next != PayloadType::kNone) {
    size_t at = r.position();
    TRY(np, r.u8());
    TRY(res, r.u8());
    TRY(len, r.u16());
    (void)res;  // RFC 2408 §3.2: unused, set to 0
    if (*len < kGenericPayloadHeaderSize) return fail(Errc::kInvalidSyntax, "payload length < 4");
    auto body = r.sub(*len - kGenericPayloadHeaderSize);
    if (!body) return fail(Errc::kInvalidSyntax, std::string(payload_name(next)) + ": length past the message");
    auto p = parse_body(next, *body);
    if (!p) return fail(p.error().code, std::string(payload_name(next)) + ": " + p.error().message);
    if (!body->empty()) return fail(Errc::kInvalidSyntax, std::string(payload_name(next)) + ": trailing bytes");
    out.push_back({next, std::move(*p), at, *len});
    next = PayloadType(*np);
  }
  if (!padded) {
    TRY(end, r.expect_end("payload chain"));
  }
  return out;
}

void write_payload_chain(const std::vector<TypedPayload>& chain, ByteWriter& w) {
  for (size_t i = 0; i < chain.size(); ++i) {
    size_t start = w.size();
    w.u8(i + 1 < chain.size() ? uint8_t(chain[i + 1].type) : 0);
    w.u8(0);
    size_t len_at = w.placeholder_u16();
    write_body(chain[i].body, w);
    w.patch_u16(len_at, uint16_t(w.size() - start));
  }
}

Result<Message> parse_message(ByteView data) {
  ByteReader r(data);
  Message m;
  TRY(h, Header::parse(r));
  m.header = *h;
  if (m.header.length != data.size()) return fail(Errc::kInvalidSyntax, "ISAKMP header length");
  if (m.header.encrypted()) {
    if (r.empty()) return fail(Errc::kInvalidSyntax, "encrypted message without payloads");
    if (m.header.next_payload == PayloadType::kNone) return fail(Errc::kInvalidSyntax, "encrypted message: next payload 0");
    m.encrypted.assign(r.rest().begin(), r.rest().end());
    return m;
  }
  TRY(chain, parse_payload_chain(m.header.next_payload, r.rest()));
  m.payloads = std::move(*chain);
  return m;
}

Bytes encode_message(Header h, const std::vector<TypedPayload>& payloads) {
  ByteWriter w;
  h.next_payload = payloads.empty() ? PayloadType::kNone : payloads.front().type;
  h.flags &= ~kFlagEncryption;
  h.write(w);
  write_payload_chain(payloads, w);
  w.patch_u32(24, uint32_t(w.size()));
  return w.take();
}

Bytes encode_encrypted(Header h, PayloadType first, ByteView ciphertext) {
  ByteWriter w;
  h.next_payload = first;
  h.flags |= kFlagEncryption;
  h.write(w);
  w.bytes(ciphertext);
  w.patch_u32(24, uint32_t(w.size()));
  return w.take();
}

const NotifyPayload* find_notify(const std::vector<TypedPayload>& v, NotifyType t) {
  for (auto& p : v)
    if (auto* n = std::get_if<NotifyPayload>(&p.body); n && n->type == uint16_t(t)) return n;
  return nullptr;
}

}  // namespace kg::isakmp
