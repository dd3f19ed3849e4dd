// Phase-1 and phase-2 SA payloads: what we offer and what we accept
// (RFC 2409 App. A attributes for phase 1, RFC 2407 §4.5 for phase 2).
#include "ike/transform_ids.h"
#include "ikev1/engine_impl.h"
#include "ikev1/transform_ids.h"

namespace kg::ikev1 {

using isakmp::Attribute;
using isakmp::P1Attr;
using isakmp::P2Attr;

namespace {

Attribute tv(P1Attr a, uint16_t v) { return Attribute::tv(uint16_t(a), v); }
Attribute tv(P2Attr a, uint16_t v) { return Attribute::tv(uint16_t(a), v); }

bool has_key_length(crypto::Cipher c) { return c != crypto::Cipher::k3des; }

// Does the peer's phase-1 transform describe `p`? Its lifetime is not
// compared: the shorter one is used (IOS).
bool matches(const isakmp::Transform& t, const IsakmpPolicy& p) {
  if (t.id != isakmp::kKeyIke) return false;
  auto encr = t.attr(P1Attr::kEncryption);
  auto hash = t.attr(P1Attr::kHash);
  auto auth = t.attr(P1Attr::kAuthMethod);
  auto group = t.attr(P1Attr::kGroupDescription);
  if (!encr || !hash || !auth || !group) return false;
  if (p1_cipher(uint16_t(*encr)) != p.encr || p1_prf(uint16_t(*hash)) != p.hash) return false;
  if (*auth != uint16_t(p.auth) || *group != group_number(p.group)) return false;
  if (has_key_length(p.encr) && t.attr(P1Attr::kKeyLength).value_or(0) != p.key_bits) return false;
  if (t.attr(P1Attr::kPrf)) return false;  // RFC 2409 App. A: none defined; nobody sends it
  return true;
}

uint32_t lifetime_of(const isakmp::Transform& t, uint16_t type_attr, uint16_t duration_attr, uint32_t dflt) {
  auto type = t.attr(type_attr);
  auto dur = t.attr(duration_attr);
  if (type == uint16_t(isakmp::LifeType::kSeconds) && dur && *dur > 0 && *dur < dflt) return uint32_t(*dur);
  return dflt;
}

}  // namespace

isakmp::SaPayload phase1_sa(const std::vector<IsakmpPolicy>& policies) {
  isakmp::Proposal p;
  p.protocol = isakmp::ProtocolId::kIsakmp;
  uint8_t n = 1;
  for (auto& pol : policies) {
    isakmp::Transform t;
    t.number = n++;
    t.attributes.push_back(tv(P1Attr::kEncryption, p1_encr(pol.encr).value_or(0)));
    if (has_key_length(pol.encr)) t.attributes.push_back(tv(P1Attr::kKeyLength, pol.key_bits));
    t.attributes.push_back(tv(P1Attr::kHash, p1_hash(pol.hash).value_or(0)));
    t.attributes.push_back(tv(P1Attr::kAuthMethod, uint16_t(pol.auth)));
    t.attributes.push_back(tv(P1Attr::kGroupDescription, group_number(pol.group)));
    t.attributes.push_back(tv(P1Attr::kLifeType, uint16_t(isakmp::LifeType::kSeconds)));
    t.attributes.push_back(Attribute::number(uint16_t(P1Attr::kLifeDuration), pol.lifetime_s));
    p.transforms.push_back(std::move(t));
  }
  isakmp::SaPayload sa;
  sa.proposals.push_back(std::move(p));
  return sa;
}

std::optional<Phase1Choice> choose_phase1(const isakmp::SaPayload& offer, const std::vector<IsakmpPolicy>& ours) {
  if (offer.doi != isakmp::kDoiIpsec) return std::nullopt;
  for (auto& pol : ours)
    for (auto& prop : offer.proposals) {
      if (prop.protocol != isakmp::ProtocolId::kIsakmp) continue;
      for (auto& t : prop.transforms)
        if (matches(t, pol)) {
          IsakmpPolicy used = pol;
          used.lifetime_s = lifetime_of(t, uint16_t(P1Attr::kLifeType), uint16_t(P1Attr::kLifeDuration), pol.lifetime_s);
          isakmp::Proposal echo = prop;
          echo.transforms = {t};
          return Phase1Choice{used, t, std::move(echo)};
        }
    }
  return std::nullopt;
}

std::optional<IsakmpPolicy> accepted_phase1(const isakmp::SaPayload& reply, const std::vector<IsakmpPolicy>& offered) {
  if (reply.proposals.size() != 1 || reply.proposals[0].transforms.size() != 1) return std::nullopt;
  auto& t = reply.proposals[0].transforms[0];
  for (auto& pol : offered)
    if (matches(t, pol)) {
      IsakmpPolicy used = pol;
      used.lifetime_s = lifetime_of(t, uint16_t(P1Attr::kLifeType), uint16_t(P1Attr::kLifeDuration), pol.lifetime_s);
      return used;
    }
  return std::nullopt;
}

isakmp::SaPayload phase2_sa(const ike::ChildConfig& child, uint32_t spi, bool udp_encap) {
  isakmp::Proposal p;
  p.protocol = isakmp::ProtocolId::kEsp;
  ByteWriter w;
  w.u32(spi);
  p.spi = w.take();
  auto pfs = ike::crypto_group(child.pfs).value_or(crypto::Group::kNone);
  uint8_t n = 1;
  for (auto& tc : child.transforms) {
    auto cipher = ike::crypto_cipher(tc.encr, tc.key_bits);
    auto mac = ike::crypto_mac(tc.integ);
    if (!cipher || !mac) continue;
    isakmp::Transform t;
    t.number = n++;
    t.id = esp_transform(*cipher).value_or(0);
    t.attributes.push_back(tv(P2Attr::kLifeType, uint16_t(isakmp::LifeType::kSeconds)));
    t.attributes.push_back(Attribute::number(uint16_t(P2Attr::kLifeDuration), child.lifetime_s));
    if (pfs != crypto::Group::kNone) t.attributes.push_back(tv(P2Attr::kGroupDescription, group_number(pfs)));
    t.attributes.push_back(tv(P2Attr::kEncapsulationMode,
                              uint16_t(udp_encap ? isakmp::EncapMode::kUdpTunnel : isakmp::EncapMode::kTunnel)));
    if (*mac != crypto::Mac::kNone) t.attributes.push_back(tv(P2Attr::kAuthAlgorithm, p2_auth(*mac).value_or(0)));
    if (has_key_length(*cipher)) t.attributes.push_back(tv(P2Attr::kKeyLength, tc.key_bits));
    p.transforms.push_back(std::move(t));
  }
  isakmp::SaPayload sa;
  sa.proposals.push_back(std::move(p));
  return sa;
}

namespace {

bool tunnel_mode(uint64_t mode) {
  using isakmp::EncapMode;
  return mode == uint64_t(EncapMode::kTunnel) || mode == uint64_t(EncapMode::kUdpTunnel) ||
         mode == uint64_t(EncapMode::kUdpTunnelDraft);
}

}  // namespace

std::optional<Phase2Choice> choose_phase2(const isakmp::SaPayload& offer, const ike::ChildConfig& child) {
  if (offer.doi != isakmp::kDoiIpsec) return std::nullopt;
  auto our_pfs = ike::crypto_group(child.pfs).value_or(crypto::Group::kNone);
  for (auto& tc : child.transforms) {
    auto cipher = ike::crypto_cipher(tc.encr, tc.key_bits);
    auto mac = ike::crypto_mac(tc.integ);
    if (!cipher || !mac) continue;
    for (auto& prop : offer.proposals) {
      if (prop.protocol != isakmp::ProtocolId::kEsp || prop.spi.size() != 4) continue;
      for (auto& t : prop.transforms) {
        if (esp_cipher(t.id) != *cipher) continue;
        if (has_key_length(*cipher) && t.attr(P2Attr::kKeyLength).value_or(0) != tc.key_bits) continue;
        auto auth = t.attr(P2Attr::kAuthAlgorithm);
        if (*mac == crypto::Mac::kNone ? auth.has_value() : (!auth || p2_mac(uint16_t(*auth)) != *mac)) continue;
        if (!tunnel_mode(t.attr(P2Attr::kEncapsulationMode).value_or(1))) continue;
        auto group = t.attr(P2Attr::kGroupDescription);
        crypto::Group pfs = crypto::Group::kNone;
        if (group) {
          auto g = crypto_group(uint16_t(*group));
          if (!g) continue;
          pfs = *g;
        }
        if (our_pfs != crypto::Group::kNone && pfs != our_pfs) continue;
        Phase2Choice c;
        c.suite = crypto::CipherSuite{*cipher, tc.key_bits, *mac};
        c.proposal = prop;
        c.proposal.transforms = {t};
        c.peer_spi = uint32_t(prop.spi[0]) << 24 | uint32_t(prop.spi[1]) << 16 | uint32_t(prop.spi[2]) << 8 | prop.spi[3];
        c.lifetime_s = lifetime_of(t, uint16_t(P2Attr::kLifeType), uint16_t(P2Attr::kLifeDuration), child.lifetime_s);
        c.pfs = pfs;
        return c;
      }
    }
  }
  return std::nullopt;
}

isakmp::IdPayload client_id(const TrafficSelector& ts) {
  isakmp::IdPayload id;
  id.protocol = ts.ip_protocol;
  id.port = ts.start_port == ts.end_port ? ts.start_port : 0;
  bool v4 = ts.start.is_v4();
  for (int len = 0; len <= (v4 ? 32 : 128); ++len) {
    Prefix p{ts.start, uint8_t(len)};
    if (p.first() == ts.start && p.last() == ts.end) {
      id.type = v4 ? isakmp::IdType::kIpv4AddrSubnet : isakmp::IdType::kIpv6AddrSubnet;
      auto m = p.mask();
      id.data.assign(ts.start.bytes().begin(), ts.start.bytes().end());
      id.data.insert(id.data.end(), m.bytes().begin(), m.bytes().end());
      return id;
    }
  }
  id.type = v4 ? isakmp::IdType::kIpv4AddrRange : isakmp::IdType::kIpv6AddrRange;
  id.data.assign(ts.start.bytes().begin(), ts.start.bytes().end());
  id.data.insert(id.data.end(), ts.end.bytes().begin(), ts.end.bytes().end());
  return id;
}

std::optional<TrafficSelector> selector_of(const isakmp::IdPayload& id) {
  using isakmp::IdType;
  TrafficSelector ts;
  ts.ip_protocol = id.protocol;
  if (id.port) ts.start_port = ts.end_port = id.port;
  size_t n = 0;
  switch (id.type) {
    case IdType::kIpv4Addr: n = 4; break;
    case IdType::kIpv6Addr: n = 16; break;
    case IdType::kIpv4AddrSubnet:
    case IdType::kIpv4AddrRange: n = 4; break;
    case IdType::kIpv6AddrSubnet:
    case IdType::kIpv6AddrRange: n = 16; break;
    default: return std::nullopt;
  }
  ts.type = n == 4 ? TsType::kIpv4AddrRange : TsType::kIpv6AddrRange;
  ByteView d = id.data;
  auto a = IpAddress::from_bytes(d.first(n));
  if (!a) return std::nullopt;
  ts.start = ts.end = *a;
  if (id.type == IdType::kIpv4AddrRange || id.type == IdType::kIpv6AddrRange) {
    ts.end = *IpAddress::from_bytes(d.subspan(n, n));
  } else if (id.type == IdType::kIpv4AddrSubnet || id.type == IdType::kIpv6AddrSubnet) {
    auto mask = IpAddress::from_bytes(d.subspan(n, n));
    int len = 0;
    for (uint8_t b : mask->bytes()) {
      for (int i = 7; i >= 0; --i) {
        if (!(b >> i & 1)) goto done;
        ++len;
      }
    }
  done:
    Prefix p{*a, uint8_t(len)};
    ts.start = p.first();
    ts.end = p.last();
  }
  return ts;
}

}  // namespace kg::ikev1
