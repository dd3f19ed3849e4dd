// IKE header, the generic payload chain and whole messages (RFC 7296 §3.1-3.2).
#include <string>

#include "wire/ike/payload_bodies.h"
#include "common/try.h"

namespace kg::ike {

Result<Header> Header::parse(ByteReader& r) {
  Header h;
  TRY(si, r.u64());
  TRY(sr, r.u64());
  TRY(np, r.u8());
  TRY(ver, r.u8());
  TRY(ex, r.u8());
  TRY(fl, r.u8());
  TRY(mid, r.u32());
  TRY(len, r.u32());
  h.spi_i = *si;
  h.spi_r = *sr;
  h.next_payload = static_cast<PayloadType>(*np);
  h.version = *ver;
  h.exchange = static_cast<ExchangeType>(*ex);
  h.flags = *fl;
  h.message_id = *mid;
  h.length = *len;
  if ((h.version >> 4) != 2) return fail(Errc::kUnsupported, "IKE major version");
  return h;
}

void Header::write(ByteWriter& w) const {
  w.u64(spi_i);
  w.u64(spi_r);
  w.u8(static_cast<uint8_t>(next_payload));
  w.u8(version);
  w.u8(static_cast<uint8_t>(exchange));
  w.u8(flags);
  w.u32(message_id);
  w.u32(length);
}

Bytes IdPayload::body() const {
  ByteWriter w;
  w.u8(static_cast<uint8_t>(type));
  w.zeros(3);
  w.bytes(data);
  return w.take();
}

namespace {

Result<Payload> parse_body(PayloadType t, ByteReader& r) {
  auto wrap = [](auto res) -> Result<Payload> {
    if (!res) return std::unexpected(res.error());
    return Payload(std::move(*res));
  };
  switch (t) {
    case PayloadType::kSa: return wrap(parse_sa(r));
    case PayloadType::kKe: return wrap(parse_ke(r));
    case PayloadType::kIdi:
    case PayloadType::kIdr: return wrap(parse_id(r));
    case PayloadType::kCert: return wrap(parse_cert(r));
    case PayloadType::kCertReq: return wrap(parse_certreq(r));
    case PayloadType::kAuth: return wrap(parse_auth(r));
    case PayloadType::kNonce: return wrap(parse_nonce(r));
    case PayloadType::kNotify: return wrap(parse_notify(r));
    case PayloadType::kDelete: return wrap(parse_delete(r));
    case PayloadType::kVendorId: return Payload(VendorIdPayload{Bytes(r.rest().begin(), r.rest().end())});
    case PayloadType::kTsi:
    case PayloadType::kTsr: return wrap(parse_ts(r));
    case PayloadType::kCp: return wrap(parse_cp(r));
    default: return fail(Errc::kUnsupported, "unknown payload");
  }
}

bool known(uint8_t t) {
  return (t >= 33 && t <= 48 && t != 46) || t == 46;
}

// Walks a chain: generic header, body limited to the declared length. An SK
// payload ends the chain (its Next Payload is its first inner payload).
Result<std::vector<TypedPayload>> parse_chain(PayloadType first, ByteReader& r, bool allow_sk) {
  std::vector<TypedPayload> out;
  PayloadType next = first;
  while (next != PayloadType::kNone) {
    TRY(np, r.u8());
    TRY(crit, r.u8());
    TRY(len, r.u16());
    if (*len < kGenericPayloadHeaderSize) return fail(Errc::kInvalidSyntax, "payload length < 4");
    TRY(body, r.sub(*len - kGenericPayloadHeaderSize));
    uint8_t raw = static_cast<uint8_t>(next);
    bool critical = *crit & 0x80;
    if (next == PayloadType::kSkf) {
      if (!allow_sk) return fail(Errc::kInvalidSyntax, "SKF payload inside SK");
      TRY(f, parse_skf(static_cast<PayloadType>(*np), *body));
      out.push_back({PayloadType::kSkf, std::move(*f)});
      if (!r.empty()) return fail(Errc::kInvalidSyntax, "SKF payload is not last");
      return out;
    }
    if (next == PayloadType::kSk) {
      if (!allow_sk) return fail(Errc::kInvalidSyntax, "SK payload inside SK");
      SkPayload sk;
      sk.first_inner = static_cast<PayloadType>(*np);
      sk.body.assign(body->rest().begin(), body->rest().end());
      out.push_back({PayloadType::kSk, std::move(sk)});
      if (!r.empty()) return fail(Errc::kInvalidSyntax, "SK payload is not last");
      return out;
    }
    if (!known(raw) || next == PayloadType::kEap) {
      if (critical && next != PayloadType::kEap)
        return fail(Errc::kUnsupported, "critical:" + std::to_string(raw));
      out.push_back({next, UnknownPayload{raw, critical, Bytes(body->rest().begin(), body->rest().end())}});
    } else {
      TRY(p, parse_body(next, *body));
      out.push_back({next, std::move(*p)});
    }
    next = static_cast<PayloadType>(*np);
  }
  TRY(end, r.expect_end("payload chain"));
  return out;
}

void write_body(const TypedPayload& p, ByteWriter& w) {
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, SaPayload>) write_sa(b, w);
        else if constexpr (std::is_same_v<T, KePayload>) write_ke(b, w);
        else if constexpr (std::is_same_v<T, IdPayload>) write_id(b, w);
        else if constexpr (std::is_same_v<T, CertPayload>) write_cert(b, w);
        else if constexpr (std::is_same_v<T, CertReqPayload>) write_certreq(b, w);
        else if constexpr (std::is_same_v<T, SkfPayload>) write_skf(b, w);
        else if constexpr (std::is_same_v<T, AuthPayload>) write_auth(b, w);
        else if constexpr (std::is_same_v<T, NoncePayload> || std::is_same_v<T, VendorIdPayload>) w.bytes(b.data);
        else if constexpr (std::is_same_v<T, NotifyPayload>) write_notify(b, w);
        else if constexpr (std::is_same_v<T, DeletePayload>) write_delete(b, w);
        else if constexpr (std::is_same_v<T, TsPayload>) write_ts(b, w);
        else if constexpr (std::is_same_v<T, SkPayload>) w.bytes(b.body);
        else if constexpr (std::is_same_v<T, CpPayload>) write_cp(b, w);
        else if constexpr (std::is_same_v<T, UnknownPayload>) w.bytes(b.body);
      },
      p.body);
}

}  // namespace

Result<Message> parse_message(ByteView data) {
  ByteReader r(data);
  TRY(h, Header::parse(r));
  if (h->length != data.size()) return fail(Errc::kInvalidSyntax, "IKE header length");
  Message m;
  m.header = *h;
  TRY(chain, parse_chain(h->next_payload, r, true));
  m.payloads = std::move(*chain);
  return m;
}

Result<std::vector<TypedPayload>> parse_payload_chain(PayloadType first, ByteView data) {
  ByteReader r(data);
  return parse_chain(first, r, false);
}

void write_payload_chain(const std::vector<TypedPayload>& chain, ByteWriter& w) {
  for (size_t i = 0; i < chain.size(); ++i) {
    auto& p = chain[i];
    PayloadType next = i + 1 < chain.size() ? chain[i + 1].type : PayloadType::kNone;
    if (auto* sk = std::get_if<SkPayload>(&p.body)) next = sk->first_inner;
    if (auto* f = std::get_if<SkfPayload>(&p.body)) next = f->first_inner;
    w.u8(static_cast<uint8_t>(next));
    bool critical = false;
    if (auto* u = std::get_if<UnknownPayload>(&p.body)) critical = u->critical;
    w.u8(critical ? 0x80 : 0);
    size_t at = w.placeholder_u16();
    size_t start = at - 2;
    write_body(p, w);
    w.patch_u16(at, static_cast<uint16_t>(w.size() - start));
  }
}

Bytes encode_message(Header header, const std::vector<TypedPayload>& payloads) {
  ByteWriter w;
  header.next_payload = payloads.empty() ? PayloadType::kNone : payloads.front().type;
  header.length = 0;
  header.write(w);
  write_payload_chain(payloads, w);
  w.patch_u32(24, static_cast<uint32_t>(w.size()));
  return w.take();
}

const NotifyPayload* find_notify(const std::vector<TypedPayload>& v, NotifyType t) {
  for (auto& p : v)
    if (auto* n = std::get_if<NotifyPayload>(&p.body); n && n->type == static_cast<uint16_t>(t)) return n;
  return nullptr;
}

}  // namespace kg::ike
