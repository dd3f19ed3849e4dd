#include "ike/message.h"

namespace kg::ike {

Result<Bytes> protect(IkeSa& sa, Header h, const std::vector<TypedPayload>& inner, Random& rng) {
  ByteWriter iw;
  write_payload_chain(inner, iw);
  Bytes plain = iw.take();
  size_t sealed = sa.out->sealed_size(plain.size());
  h.next_payload = PayloadType::kSk;
  h.length = static_cast<uint32_t>(kHeaderSize + kGenericPayloadHeaderSize + sealed);
  ByteWriter w;
  h.write(w);
  w.u8(static_cast<uint8_t>(inner.empty() ? PayloadType::kNone : inner.front().type));
  w.u8(0);
  w.u16(static_cast<uint16_t>(kGenericPayloadHeaderSize + sealed));
  Bytes msg = w.take();
  auto body = sa.out->seal(msg, plain, rng);
  if (!body) return std::unexpected(body.error());
  msg.insert(msg.end(), body->begin(), body->end());
  return msg;
}

Result<std::vector<TypedPayload>> unprotect(IkeSa& sa, const Message& m, ByteView raw) {
  if (m.payloads.empty() || m.payloads.back().type != PayloadType::kSk || !sa.keyed())
    return fail(Errc::kInvalidSyntax, "message not protected by SK");
  auto* skp = std::get_if<SkPayload>(&m.payloads.back().body);
  if (!skp) return fail(Errc::kInvalidSyntax, "SK payload");
  auto& sk = *skp;
  // SK is last (§3.14), so its body is the tail of the datagram.
  if (sk.body.size() > raw.size()) return fail(Errc::kInvalidSyntax, "SK body");
  ByteView aad = raw.first(raw.size() - sk.body.size());
  auto plain = sa.in->open(aad, sk.body);
  if (!plain) return std::unexpected(plain.error());
  return parse_payload_chain(sk.first_inner, *plain);
}

}  // namespace kg::ike
