// Payload bodies other than SA (RFC 2408 §3.7-3.16, RFC 2407 §4.6.2, RFC 3947,
// draft-dukes-ike-mode-cfg). Diagrams with the structs in payloads.h.
#include "wire/isakmp/payload_bodies.h"

#include <string>

#include "common/try.h"

namespace kg::isakmp {

namespace {

// RFC 2409 §5: "The length of nonce payload MUST be between 8 and 256 bytes".
constexpr size_t kNonceMin = 8;
constexpr size_t kNonceMax = 256;

Bytes rest(ByteReader& r) {
  Bytes b(r.rest().begin(), r.rest().end());
  (void)r.skip(r.remaining());
  return b;
}

template <PayloadType T>
Result<Payload> parse_data(ByteReader& r) {
  if (r.empty()) return fail(Errc::kInvalidSyntax, "empty");
  return Payload(DataPayload<T>{rest(r)});
}

Result<Payload> parse_nonce(ByteReader& r) {
  if (r.remaining() < kNonceMin || r.remaining() > kNonceMax)
    return fail(Errc::kInvalidSyntax, "length outside 8..256");
  return Payload(NoncePayload{rest(r)});
}

Result<Payload> parse_id(ByteReader& r) {
  TRY(t, r.u8());
  TRY(proto, r.u8());
  TRY(port, r.u16());
  if (r.empty()) return fail(Errc::kInvalidSyntax, "no data");
  IdPayload id{IdType(*t), *proto, *port, rest(r)};
  // The address forms have fixed sizes (RFC 2407 §4.6.2.2-4.6.2.9).
  size_t want = 0;
  switch (id.type) {
    case IdType::kIpv4Addr: want = 4; break;
    case IdType::kIpv4AddrSubnet:
    case IdType::kIpv4AddrRange: want = 8; break;
    case IdType::kIpv6Addr: want = 16; break;
    case IdType::kIpv6AddrSubnet:
    case IdType::kIpv6AddrRange: want = 32; break;
    default: break;
  }
  if (want && id.data.size() != want) return fail(Errc::kInvalidSyntax, "address length");
  return Payload(std::move(id));
}

Result<Payload> parse_cert(ByteReader& r) {
  TRY(e, r.u8());
  if (r.empty()) return fail(Errc::kInvalidSyntax, "no data");
  return Payload(CertPayload{*e, rest(r)});
}

Result<Payload> parse_certreq(ByteReader& r) {
  TRY(t, r.u8());
  return Payload(CertReqPayload{*t, rest(r)});
}

// SPI sizes a notify or delete may carry for its protocol.
bool valid_spi_size(ProtocolId p, size_t n, bool allow_empty) {
  switch (p) {
    case ProtocolId::kIsakmp: return n == 16 || (allow_empty && n == 0);
    case ProtocolId::kAh:
    case ProtocolId::kEsp: return n == 4 || (allow_empty && n == 0);
    case ProtocolId::kIpcomp: return n == 2 || n == 4 || (allow_empty && n == 0);
  }
  return false;
}

Result<Payload> parse_notify(ByteReader& r) {
  TRY(doi, r.u32());
  TRY(proto, r.u8());
  TRY(spisz, r.u8());
  TRY(type, r.u16());
  NotifyPayload n;
  n.doi = *doi;
  n.protocol = ProtocolId(*proto);
  n.type = *type;
  // Some peers send protocol 0 with no SPI on ISAKMP notifies (e.g. DPD from
  // old Cisco code uses 1 with 16; INITIAL-CONTACT sometimes 1 with 0).
  if (*proto == 0 && *spisz == 0) n.protocol = ProtocolId::kIsakmp;
  else if (!valid_spi_size(n.protocol, *spisz, true)) return fail(Errc::kInvalidSyntax, "SPI size for protocol");
  TRY(spi, r.bytes(*spisz));
  n.spi.assign(spi->begin(), spi->end());
  n.data = rest(r);
  return Payload(std::move(n));
}

Result<Payload> parse_delete(ByteReader& r) {
  TRY(doi, r.u32());
  TRY(proto, r.u8());
  TRY(spisz, r.u8());
  TRY(count, r.u16());
  DeletePayload d;
  d.doi = *doi;
  d.protocol = ProtocolId(*proto);
  d.spi_size = *spisz;
  if (!valid_spi_size(d.protocol, *spisz, false)) return fail(Errc::kInvalidSyntax, "SPI size for protocol");
  if (*count == 0) return fail(Errc::kInvalidSyntax, "no SPIs");
  if (r.remaining() != size_t(*count) * *spisz) return fail(Errc::kInvalidSyntax, "# of SPIs and length disagree");
  for (int i = 0; i < *count; ++i) {
    TRY(s, r.bytes(*spisz));
    d.spis.emplace_back(s->begin(), s->end());
  }
  return Payload(std::move(d));
}

Result<Payload> parse_nat_oa(ByteReader& r) {
  TRY(t, r.u8());
  TRY(res, r.bytes(3));
  size_t want = *t == uint8_t(IdType::kIpv4Addr) ? 4 : *t == uint8_t(IdType::kIpv6Addr) ? 16 : 0;
  if (!want) return fail(Errc::kInvalidSyntax, "ID type");
  if (r.remaining() != want) return fail(Errc::kInvalidSyntax, "address length");
  auto a = IpAddress::from_bytes(r.rest());
  (void)r.skip(want);
  return Payload(NatOaPayload{*a});
}

Result<Payload> parse_attribute(ByteReader& r) {
  TRY(t, r.u8());
  TRY(res, r.u8());
  TRY(ident, r.u16());
  if (*t < 1 || *t > 4) return fail(Errc::kInvalidSyntax, "type");
  TRY(attrs, parse_attributes(r));
  return Payload(AttributePayload{CfgType(*t), *ident, std::move(*attrs)});
}

Result<Payload> parse_fragment(ByteReader& r) {
  TRY(id, r.u16());
  TRY(num, r.u8());
  TRY(flags, r.u8());
  if (*num == 0) return fail(Errc::kInvalidSyntax, "number 0");
  if (r.empty()) return fail(Errc::kInvalidSyntax, "no data");
  return Payload(FragmentPayload{*id, *num, bool(*flags & 1), rest(r)});
}

}  // namespace

Bytes IdPayload::body() const {
  ByteWriter w;
  w.u8(uint8_t(type));
  w.u8(protocol);
  w.u16(port);
  w.bytes(data);
  return w.take();
}

Result<Payload> parse_body(PayloadType t, ByteReader& r) {
  switch (t) {
    case PayloadType::kSa: {
      auto sa = parse_sa(r);
      if (!sa) return std::unexpected(sa.error());
      return Payload(std::move(*sa));
    }
    case PayloadType::kKe: return parse_data<PayloadType::kKe>(r);
    case PayloadType::kId: return parse_id(r);
    case PayloadType::kCert: return parse_cert(r);
    case PayloadType::kCertReq: return parse_certreq(r);
    case PayloadType::kHash: return parse_data<PayloadType::kHash>(r);
    case PayloadType::kSig: return parse_data<PayloadType::kSig>(r);
    case PayloadType::kNonce: return parse_nonce(r);
    case PayloadType::kNotify: return parse_notify(r);
    case PayloadType::kDelete: return parse_delete(r);
    case PayloadType::kVendorId: return parse_data<PayloadType::kVendorId>(r);
    case PayloadType::kAttribute: return parse_attribute(r);
    case PayloadType::kNatD:
    case PayloadType::kNatDDraft: return parse_data<PayloadType::kNatD>(r);
    case PayloadType::kNatOa:
    case PayloadType::kNatOaDraft: return parse_nat_oa(r);
    case PayloadType::kFragment: return parse_fragment(r);
    case PayloadType::kProposal:
    case PayloadType::kTransform: return fail(Errc::kInvalidSyntax, "proposal or transform outside SA");
    default: return Payload(UnknownPayload{uint8_t(t), rest(r)});
  }
}

void write_body(const Payload& p, ByteWriter& w) {
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, SaPayload>) {
          write_sa(b, w);
        } else if constexpr (std::is_same_v<T, IdPayload>) {
          w.bytes(b.body());
        } else if constexpr (std::is_same_v<T, CertPayload>) {
          w.u8(b.encoding);
          w.bytes(b.data);
        } else if constexpr (std::is_same_v<T, CertReqPayload>) {
          w.u8(b.type);
          w.bytes(b.authority);
        } else if constexpr (std::is_same_v<T, NotifyPayload>) {
          w.u32(b.doi);
          w.u8(uint8_t(b.protocol));
          w.u8(uint8_t(b.spi.size()));
          w.u16(b.type);
          w.bytes(b.spi);
          w.bytes(b.data);
        } else if constexpr (std::is_same_v<T, DeletePayload>) {
          w.u32(b.doi);
          w.u8(uint8_t(b.protocol));
          w.u8(b.spi_size);
          w.u16(uint16_t(b.spis.size()));
          for (auto& s : b.spis) w.bytes(s);
        } else if constexpr (std::is_same_v<T, NatOaPayload>) {
          w.u8(uint8_t(b.address.is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr));
          w.zeros(3);
          w.bytes(b.address.bytes());
        } else if constexpr (std::is_same_v<T, AttributePayload>) {
          w.u8(uint8_t(b.cfg_type));
          w.u8(0);
          w.u16(b.identifier);
          write_attributes(b.attributes, w);
        } else if constexpr (std::is_same_v<T, FragmentPayload>) {
          w.u16(b.id);
          w.u8(b.number);
          w.u8(b.last ? 1 : 0);
          w.bytes(b.data);
        } else if constexpr (std::is_same_v<T, UnknownPayload>) {
          w.bytes(b.body);
        } else {
          w.bytes(b.data);  // the DataPayload kinds
        }
      },
      p);
}

}  // namespace kg::isakmp
