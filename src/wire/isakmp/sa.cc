// SA, proposal and transform payloads (diagrams in sa.h).
#include "wire/isakmp/sa.h"

#include "common/try.h"

namespace kg::isakmp {

namespace {

constexpr size_t kSubHeader = 4;  // Next Payload | RESERVED | Payload Length

// A substructure's header: returns a reader limited to its body and its Next
// Payload, which must be `more` or 0.
Result<ByteReader> sub_payload(ByteReader& r, PayloadType more, const char* what, bool& last) {
  TRY(np, r.u8());
  TRY(res, r.u8());
  TRY(len, r.u16());
  (void)res;
  if (*np != uint8_t(more) && *np != 0) return fail(Errc::kInvalidSyntax, std::string(what) + ": next payload");
  if (*len < kSubHeader) return fail(Errc::kInvalidSyntax, std::string(what) + ": length");
  auto body = r.sub(*len - kSubHeader);
  if (!body) return fail(Errc::kInvalidSyntax, std::string(what) + ": length past its container");
  last = *np == 0;
  return *body;
}

bool valid_spi_size(ProtocolId p, size_t n) {
  switch (p) {
    case ProtocolId::kIsakmp: return n == 0 || n == 8 || n == 16;  // RFC 2408 §2.4: ignored in phase 1
    case ProtocolId::kAh:
    case ProtocolId::kEsp: return n == 4;
    case ProtocolId::kIpcomp: return n == 2 || n == 4;  // RFC 3173 §4.1
  }
  return false;
}

Result<Transform> parse_transform(ByteReader& r, bool& last) {
  TRY(body, sub_payload(r, PayloadType::kTransform, "transform", last));
  TRY(num, body->u8());
  TRY(id, body->u8());
  TRY(res, body->u16());
  (void)res;
  TRY(attrs, parse_attributes(*body));
  return Transform{*num, *id, std::move(*attrs)};
}

Result<Proposal> parse_proposal(ByteReader& r, bool& last) {
  TRY(body, sub_payload(r, PayloadType::kProposal, "proposal", last));
  TRY(num, body->u8());
  TRY(proto, body->u8());
  TRY(spisz, body->u8());
  TRY(ntrans, body->u8());
  Proposal p;
  p.number = *num;
  p.protocol = ProtocolId(*proto);
  if (*proto < 1 || *proto > 4) return fail(Errc::kInvalidSyntax, "proposal: protocol");
  if (!valid_spi_size(p.protocol, *spisz)) return fail(Errc::kInvalidSyntax, "proposal: SPI size");
  if (*ntrans == 0) return fail(Errc::kInvalidSyntax, "proposal: no transforms");
  TRY(spi, body->bytes(*spisz));
  p.spi.assign(spi->begin(), spi->end());
  bool tlast = false;
  for (int i = 0; i < *ntrans; ++i) {
    if (tlast) return fail(Errc::kInvalidSyntax, "proposal: transform after the last");
    TRY(t, parse_transform(*body, tlast));
    p.transforms.push_back(std::move(*t));
  }
  if (!tlast) return fail(Errc::kInvalidSyntax, "proposal: last transform not marked");
  TRY(end, body->expect_end("proposal: more than # of transforms"));
  return p;
}

}  // namespace

std::optional<uint64_t> Transform::attr(uint16_t type) const {
  auto* a = find_attribute(attributes, type);
  return a ? a->as_number() : std::nullopt;
}

Result<SaPayload> parse_sa(ByteReader& r) {
  SaPayload sa;
  TRY(doi, r.u32());
  TRY(sit, r.u32());
  sa.doi = *doi;
  sa.situation = *sit;
  if (sa.situation != kSitIdentityOnly) return fail(Errc::kUnsupported, "situation");
  bool last = false;
  while (!r.empty()) {
    if (last) return fail(Errc::kInvalidSyntax, "proposal after the last");
    TRY(p, parse_proposal(r, last));
    sa.proposals.push_back(std::move(*p));
  }
  if (sa.proposals.empty()) return fail(Errc::kInvalidSyntax, "no proposals");
  if (!last) return fail(Errc::kInvalidSyntax, "last proposal not marked");
  return sa;
}

void write_sa(const SaPayload& sa, ByteWriter& w) {
  w.u32(sa.doi);
  w.u32(sa.situation);
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    auto& p = sa.proposals[i];
    size_t start = w.size();
    w.u8(i + 1 == sa.proposals.size() ? 0 : uint8_t(PayloadType::kProposal));
    w.u8(0);
    size_t len_at = w.placeholder_u16();
    w.u8(p.number);
    w.u8(uint8_t(p.protocol));
    w.u8(uint8_t(p.spi.size()));
    w.u8(uint8_t(p.transforms.size()));
    w.bytes(p.spi);
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      auto& t = p.transforms[j];
      size_t tstart = w.size();
      w.u8(j + 1 == p.transforms.size() ? 0 : uint8_t(PayloadType::kTransform));
      w.u8(0);
      size_t tlen_at = w.placeholder_u16();
      w.u8(t.number);
      w.u8(t.id);
      w.u16(0);
      write_attributes(t.attributes, w);
      w.patch_u16(tlen_at, uint16_t(w.size() - tstart));
    }
    w.patch_u16(len_at, uint16_t(w.size() - start));
  }
}

}  // namespace kg::isakmp
