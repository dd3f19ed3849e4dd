// Payload bodies (RFC 7296 §3.3-3.15): each parses from a reader limited to
// its declared length and must consume it exactly; each writer is the
// parser's inverse. Generic headers are handled in message.cc.
#include "wire/ike/payload_bodies.h"

#include "common/try.h"

namespace kg::ike {

// §3.3.2 Transform:  Last(1) | RESERVED(1) | Transform Length(2) |
//   Transform Type(1) | RESERVED(1) | Transform ID(2) | Attributes
// §3.3.5 attribute (TV): 1 | Attribute Type(15) | Attribute Value(2)
static Result<Transform> parse_transform(ByteReader& r, bool& last) {
  TRY(more, r.u8());
  TRY(res, r.u8());
  TRY(len, r.u16());
  if (*more != 0 && *more != 3) return fail(Errc::kInvalidSyntax, "transform: last field");
  if (*len < 8) return fail(Errc::kInvalidSyntax, "transform: length");
  TRY(body, r.sub(*len - 4));
  Transform t;
  TRY(type, body->u8());
  TRY(res2, body->u8());
  TRY(id, body->u16());
  t.type = static_cast<TransformType>(*type);
  t.id = *id;
  while (!body->empty()) {
    TRY(at, body->u16());
    if (!(*at & 0x8000)) {  // TLV attribute: skip its value
      TRY(alen, body->u16());
      TRY(sk, body->skip(*alen));
      continue;
    }
    TRY(val, body->u16());
    if ((*at & 0x7fff) == kAttrKeyLength) t.key_length = *val;
  }
  last = *more == 0;
  (void)res;
  (void)res2;
  return t;
}

// §3.3.1 Proposal: Last(1) | RESERVED(1) | Proposal Length(2) | Proposal Num(1) |
//   Protocol ID(1) | SPI Size(1) | Num Transforms(1) | SPI | Transforms
static Result<Proposal> parse_proposal(ByteReader& r, bool& last) {
  TRY(more, r.u8());
  TRY(res, r.u8());
  TRY(len, r.u16());
  if (*more != 0 && *more != 2) return fail(Errc::kInvalidSyntax, "proposal: last field");
  if (*len < 8) return fail(Errc::kInvalidSyntax, "proposal: length");
  TRY(body, r.sub(*len - 4));
  Proposal p;
  TRY(num, body->u8());
  TRY(proto, body->u8());
  TRY(spisz, body->u8());
  TRY(ntrans, body->u8());
  p.number = *num;
  p.protocol = static_cast<ProtocolId>(*proto);
  if (*proto < 1 || *proto > 3) return fail(Errc::kInvalidSyntax, "proposal: protocol");
  if (*spisz != 0 && *spisz != 4 && *spisz != 8) return fail(Errc::kInvalidSyntax, "proposal: SPI size");
  TRY(spi, body->bytes(*spisz));
  p.spi.assign(spi->begin(), spi->end());
  bool tlast = false;
  for (int i = 0; i < *ntrans; ++i) {
    if (tlast) return fail(Errc::kInvalidSyntax, "proposal: transform after last");
    TRY(t, parse_transform(*body, tlast));
    p.transforms.push_back(*t);
  }
  if (*ntrans > 0 && !tlast) return fail(Errc::kInvalidSyntax, "proposal: last transform not marked");
  TRY(end, body->expect_end("proposal"));
  last = *more == 0;
  (void)res;
  return p;
}

Result<SaPayload> parse_sa(ByteReader& r) {
  SaPayload sa;
  bool last = false;
  while (!r.empty()) {
    if (last) return fail(Errc::kInvalidSyntax, "SA: proposal after last");
    TRY(p, parse_proposal(r, last));
    sa.proposals.push_back(std::move(*p));
  }
  if (sa.proposals.empty() || !last) return fail(Errc::kInvalidSyntax, "SA: no proposals");
  return sa;
}

void write_sa(const SaPayload& sa, ByteWriter& w) {
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    auto& p = sa.proposals[i];
    size_t start = w.size();
    w.u8(i + 1 == sa.proposals.size() ? 0 : 2);
    w.u8(0);
    size_t len_at = w.placeholder_u16();
    w.u8(p.number);
    w.u8(static_cast<uint8_t>(p.protocol));
    w.u8(static_cast<uint8_t>(p.spi.size()));
    w.u8(static_cast<uint8_t>(p.transforms.size()));
    w.bytes(p.spi);
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      auto& t = p.transforms[j];
      w.u8(j + 1 == p.transforms.size() ? 0 : 3);
      w.u8(0);
      w.u16(t.key_length ? 12 : 8);
      w.u8(static_cast<uint8_t>(t.type));
      w.u8(0);
      w.u16(t.id);
      if (t.key_length) {
        w.u16(0x8000 | kAttrKeyLength);
        w.u16(*t.key_length);
      }
    }
    w.patch_u16(len_at, static_cast<uint16_t>(w.size() - start));
  }
}

// §3.4 KE: DH Group Num(2) | RESERVED(2) | Key Exchange Data
Result<KePayload> parse_ke(ByteReader& r) {
  TRY(g, r.u16());
  TRY(res, r.u16());
  if (r.empty()) return fail(Errc::kInvalidSyntax, "KE: no data");
  KePayload k;
  k.group = static_cast<DhGroup>(*g);
  k.data.assign(r.rest().begin(), r.rest().end());
  (void)res;
  return k;
}
void write_ke(const KePayload& k, ByteWriter& w) {
  w.u16(static_cast<uint16_t>(k.group));
  w.u16(0);
  w.bytes(k.data);
}

// §3.5 ID: ID Type(1) | RESERVED(3) | Identification Data
Result<IdPayload> parse_id(ByteReader& r) {
  TRY(t, r.u8());
  TRY(res, r.bytes(3));
  if (r.empty()) return fail(Errc::kInvalidSyntax, "ID: no data");
  IdPayload id;
  id.type = static_cast<IdType>(*t);
  id.data.assign(r.rest().begin(), r.rest().end());
  return id;
}
void write_id(const IdPayload& id, ByteWriter& w) {
  w.u8(static_cast<uint8_t>(id.type));
  w.zeros(3);
  w.bytes(id.data);
}

// DER: is `v` exactly one SEQUENCE (tag 0x30) with a definite length that
// fills it (X.690 §8.1.3)? Enough to tell a certificate from garbage here.
static bool one_der_sequence(ByteView v) {
  ByteReader r(v);
  auto tag = r.u8();
  auto l0 = r.u8();
  if (!tag || *tag != 0x30 || !l0) return false;
  size_t len = *l0;
  if (*l0 & 0x80) {
    size_t n = *l0 & 0x7f;
    if (n == 0 || n > 4) return false;  // indefinite or absurd lengths
    len = 0;
    for (size_t i = 0; i < n; ++i) {
      auto b = r.u8();
      if (!b) return false;
      len = len << 8 | *b;
    }
    if (len < 128 || (n > 1 && len >> (8 * (n - 1)) == 0)) return false;  // not minimal (DER)
  }
  return r.remaining() == len;
}

// §3.6 CERT: Cert Encoding(1) | Certificate Data
Result<CertPayload> parse_cert(ByteReader& r) {
  TRY(e, r.u8());
  if (r.empty()) return fail(Errc::kInvalidSyntax, "CERT: no data");
  CertPayload c;
  c.encoding = *e;
  c.data.assign(r.rest().begin(), r.rest().end());
  if (c.encoding == uint8_t(CertEncoding::kX509Signature) && !one_der_sequence(c.data))
    return fail(Errc::kInvalidSyntax, "CERT: X.509 data is not one DER SEQUENCE");
  return c;
}
void write_cert(const CertPayload& c, ByteWriter& w) {
  w.u8(c.encoding);
  w.bytes(c.data);
}

// §3.7 CERTREQ: Cert Encoding(1) | Certification Authority
Result<CertReqPayload> parse_certreq(ByteReader& r) {
  TRY(e, r.u8());
  CertReqPayload c;
  c.encoding = *e;
  if (c.encoding != uint8_t(CertEncoding::kX509Signature)) {
    c.data.assign(r.rest().begin(), r.rest().end());
    return c;
  }
  // An empty list is allowed: "any CA you like" (several peers send it).
  if (r.remaining() % kCertReqHashSize) return fail(Errc::kInvalidSyntax, "CERTREQ: CA hashes not a multiple of 20 bytes");
  while (!r.empty()) {
    TRY(h, r.bytes(kCertReqHashSize));
    c.authorities.emplace_back(h->begin(), h->end());
  }
  return c;
}
void write_certreq(const CertReqPayload& c, ByteWriter& w) {
  w.u8(c.encoding);
  if (c.encoding != uint8_t(CertEncoding::kX509Signature)) {
    w.bytes(c.data);
    return;
  }
  for (auto& a : c.authorities) w.bytes(a);
}

// §3.8 AUTH: Auth Method(1) | RESERVED(3) | Authentication Data
Result<AuthPayload> parse_auth(ByteReader& r) {
  TRY(m, r.u8());
  TRY(res, r.bytes(3));
  if (r.empty()) return fail(Errc::kInvalidSyntax, "AUTH: no data");
  AuthPayload a;
  a.method = static_cast<AuthMethod>(*m);
  a.data.assign(r.rest().begin(), r.rest().end());
  return a;
}
void write_auth(const AuthPayload& a, ByteWriter& w) {
  w.u8(static_cast<uint8_t>(a.method));
  w.zeros(3);
  w.bytes(a.data);
}

// §3.9 Nonce: 16..256 bytes
Result<NoncePayload> parse_nonce(ByteReader& r) {
  if (r.remaining() < 16 || r.remaining() > 256) return fail(Errc::kInvalidSyntax, "Nonce: length");
  NoncePayload n;
  n.data.assign(r.rest().begin(), r.rest().end());
  return n;
}

// §3.10 Notify: Protocol ID(1) | SPI Size(1) | Notify Type(2) | SPI | Data
Result<NotifyPayload> parse_notify(ByteReader& r) {
  TRY(proto, r.u8());
  TRY(spisz, r.u8());
  TRY(type, r.u16());
  TRY(spi, r.bytes(*spisz));
  NotifyPayload n;
  n.protocol = *proto;
  n.type = *type;
  n.spi.assign(spi->begin(), spi->end());
  n.data.assign(r.rest().begin(), r.rest().end());
  return n;
}
void write_notify(const NotifyPayload& n, ByteWriter& w) {
  w.u8(n.protocol);
  w.u8(static_cast<uint8_t>(n.spi.size()));
  w.u16(n.type);
  w.bytes(n.spi);
  w.bytes(n.data);
}

// §3.11 Delete: Protocol ID(1) | SPI Size(1) | Num of SPIs(2) | SPIs
Result<DeletePayload> parse_delete(ByteReader& r) {
  TRY(proto, r.u8());
  TRY(spisz, r.u8());
  TRY(num, r.u16());
  DeletePayload d;
  d.protocol = static_cast<ProtocolId>(*proto);
  d.spi_size = *spisz;
  if (*proto < 1 || *proto > 3) return fail(Errc::kInvalidSyntax, "Delete: protocol");
  if (*proto == 1 && (*spisz != 0 || *num != 0)) return fail(Errc::kInvalidSyntax, "Delete: IKE SPI");
  if (*proto != 1 && *spisz != 4) return fail(Errc::kInvalidSyntax, "Delete: SPI size");
  for (int i = 0; i < *num; ++i) {
    TRY(s, r.bytes(*spisz));
    d.spis.emplace_back(s->begin(), s->end());
  }
  TRY(end, r.expect_end("Delete"));
  return d;
}
void write_delete(const DeletePayload& d, ByteWriter& w) {
  w.u8(static_cast<uint8_t>(d.protocol));
  w.u8(d.spi_size);
  w.u16(static_cast<uint16_t>(d.spis.size()));
  for (auto& s : d.spis) w.bytes(s);
}

// §3.13 TS: Number of TSs(1) | RESERVED(3) | Traffic Selectors
// §3.13.1 TS Type(1) | IP Protocol ID(1) | Selector Length(2) | Start Port(2) |
//   End Port(2) | Starting Address | Ending Address
Result<TsPayload> parse_ts(ByteReader& r) {
  TRY(n, r.u8());
  TRY(res, r.bytes(3));
  TsPayload ts;
  for (int i = 0; i < *n; ++i) {
    TRY(type, r.u8());
    TRY(proto, r.u8());
    TRY(len, r.u16());
    size_t alen = *type == 7 ? 4 : *type == 8 ? 16 : 0;
    if (alen == 0) return fail(Errc::kInvalidSyntax, "TS: type");
    if (*len != 8 + 2 * alen) return fail(Errc::kInvalidSyntax, "TS: selector length");
    TRY(sp, r.u16());
    TRY(ep, r.u16());
    TRY(a, r.bytes(alen));
    TRY(b, r.bytes(alen));
    TrafficSelector t;
    t.type = static_cast<TsType>(*type);
    t.ip_protocol = *proto;
    t.start_port = *sp;
    t.end_port = *ep;
    t.start = *IpAddress::from_bytes(*a);
    t.end = *IpAddress::from_bytes(*b);
    ts.selectors.push_back(t);
  }
  if (ts.selectors.empty()) return fail(Errc::kInvalidSyntax, "TS: none");
  TRY(end, r.expect_end("TS"));
  return ts;
}
void write_ts(const TsPayload& ts, ByteWriter& w) {
  w.u8(static_cast<uint8_t>(ts.selectors.size()));
  w.zeros(3);
  for (auto& t : ts.selectors) {
    w.u8(static_cast<uint8_t>(t.type));
    w.u8(t.ip_protocol);
    w.u16(static_cast<uint16_t>(8 + 2 * t.start.size()));
    w.u16(t.start_port);
    w.u16(t.end_port);
    w.bytes(t.start.bytes());
    w.bytes(t.end.bytes());
  }
}

// §3.15 CP: CFG Type(1) | RESERVED(3) | attributes:
//   R|Attribute Type(15) | Length(2) | Value
Result<CpPayload> parse_cp(ByteReader& r) {
  TRY(t, r.u8());
  TRY(res, r.bytes(3));
  CpPayload cp;
  cp.cfg_type = static_cast<CfgType>(*t);
  while (!r.empty()) {
    TRY(at, r.u16());
    TRY(len, r.u16());
    TRY(v, r.bytes(*len));
    cp.attributes.push_back({static_cast<uint16_t>(*at & 0x7fff), Bytes(v->begin(), v->end())});
  }
  return cp;
}
void write_cp(const CpPayload& cp, ByteWriter& w) {
  w.u8(static_cast<uint8_t>(cp.cfg_type));
  w.zeros(3);
  for (auto& a : cp.attributes) {
    w.u16(a.type & 0x7fff);
    w.u16(static_cast<uint16_t>(a.value.size()));
    w.bytes(a.value);
  }
}

// RFC 7383 §2.5 SKF: Fragment Number(2) | Total Fragments(2) | IV | ciphertext | ICV
Result<SkfPayload> parse_skf(PayloadType next, ByteReader& r) {
  TRY(num, r.u16());
  TRY(total, r.u16());
  // §2.6: a fragment numbered 0 or beyond the total is malformed.
  if (*num == 0 || *total == 0 || *num > *total) return fail(Errc::kInvalidSyntax, "SKF: fragment number");
  if (r.empty()) return fail(Errc::kInvalidSyntax, "SKF: no encrypted data");
  SkfPayload f;
  // Only fragment 1 names the first inner payload; later ones must send 0
  // and we ignore whatever they carry.
  f.first_inner = *num == 1 ? next : PayloadType::kNone;
  f.number = *num;
  f.total = *total;
  f.body.assign(r.rest().begin(), r.rest().end());
  return f;
}
void write_skf(const SkfPayload& f, ByteWriter& w) {
  w.u16(f.number);
  w.u16(f.total);
  w.bytes(f.body);
}

}  // namespace kg::ike
