#include "ike/proposals.h"

#include <algorithm>

#include "crypto/dh.h"

namespace kg::ike {
namespace {

bool is_aead(EncrId e) { return e == EncrId::kAesGcm8 || e == EncrId::kAesGcm12 || e == EncrId::kAesGcm16; }

// IOS behaviour: no PRF configured means the integrity hash; AEAD defaults to SHA-256.
std::vector<PrfId> prfs_of(const IkeProposalConfig& c) {
  if (!c.prf.empty()) return c.prf;
  std::vector<PrfId> out;
  for (auto i : c.integ) {
    switch (i) {
      case IntegId::kHmacSha1_96: out.push_back(PrfId::kHmacSha1); break;
      case IntegId::kHmacSha2_256_128: out.push_back(PrfId::kHmacSha2_256); break;
      case IntegId::kHmacSha2_384_192: out.push_back(PrfId::kHmacSha2_384); break;
      case IntegId::kHmacSha2_512_256: out.push_back(PrfId::kHmacSha2_512); break;
      case IntegId::kHmacMd5_96: out.push_back(PrfId::kHmacMd5); break;
      default: break;
    }
  }
  if (out.empty()) out.push_back(PrfId::kHmacSha2_256);
  return out;
}

Transform t(TransformType type, uint16_t id, std::optional<uint16_t> kl = std::nullopt) {
  return Transform{type, id, kl};
}

template <class T>
std::vector<T> ids_of(const Proposal& p, TransformType type) {
  std::vector<T> v;
  for (auto& x : p.transforms)
    if (x.type == type) v.push_back(static_cast<T>(x.id));
  return v;
}

std::optional<IkeSuite> match(const Proposal& p, const IkeProposalConfig& c) {
  if (p.protocol != ProtocolId::kIke) return std::nullopt;
  IkeSuite s;
  bool got_encr = false;
  for (auto& x : p.transforms) {
    if (x.type != TransformType::kEncr || got_encr) continue;
    for (auto& e : c.encr)
      if (static_cast<uint16_t>(e.id) == x.id && x.key_length.value_or(0) == e.key_bits) {
        s.cipher.encr = e.id;
        s.cipher.key_bits = e.key_bits;
        got_encr = true;
        break;
      }
  }
  if (!got_encr) return std::nullopt;
  auto pick = [](const auto& offered, const auto& ours) -> decltype(std::optional(offered.front())) {
    for (auto& o : offered)
      if (std::find(ours.begin(), ours.end(), o) != ours.end()) return o;
    return std::nullopt;
  };
  auto prf_o = ids_of<PrfId>(p, TransformType::kPrf);
  auto integ_o = ids_of<IntegId>(p, TransformType::kInteg);
  auto dh_o = ids_of<DhGroup>(p, TransformType::kDh);
  if (prf_o.empty() || dh_o.empty()) return std::nullopt;
  auto prf = pick(prf_o, prfs_of(c));
  auto dh = pick(dh_o, c.groups);
  if (!prf || !dh) return std::nullopt;
  s.prf = *prf;
  s.group = *dh;
  if (is_aead(s.cipher.encr)) {
    // §3.3: an AEAD proposal carries no integrity transform, or only NONE.
    for (auto i : integ_o)
      if (i != IntegId::kNone) return std::nullopt;
    s.cipher.integ = IntegId::kNone;
  } else {
    auto in = integ_o.empty() ? std::nullopt : pick(integ_o, c.integ);
    if (!in) return std::nullopt;
    s.cipher.integ = *in;
  }
  return s;
}

std::string proposal_str(const Proposal& p) {
  std::string s;
  for (auto& x : p.transforms) {
    if (!s.empty()) s += "/";
    switch (x.type) {
      case TransformType::kEncr:
        s += encr_name(static_cast<EncrId>(x.id));
        if (x.key_length) s += "-" + std::to_string(*x.key_length);
        break;
      case TransformType::kPrf: s += std::string("PRF-") + prf_name(static_cast<PrfId>(x.id)); break;
      case TransformType::kInteg: s += integ_name(static_cast<IntegId>(x.id)); break;
      case TransformType::kDh: s += group_name(static_cast<DhGroup>(x.id)); break;
      case TransformType::kEsn: s += x.id ? "ESN" : "NO-ESN"; break;
    }
  }
  return s;
}

}  // namespace

std::string IkeSuite::str() const {
  std::string s = std::string(encr_name(cipher.encr)) + "-" + std::to_string(cipher.key_bits);
  if (cipher.integ != IntegId::kNone) s += std::string("/") + integ_name(cipher.integ);
  return s + "/PRF-" + prf_name(prf) + "/" + group_name(group);
}

SaPayload ike_sa_payload(const std::vector<IkeProposalConfig>& cfg) {
  SaPayload sa;
  for (auto& c : cfg) {
    for (bool aead : {true, false}) {
      Proposal p;
      p.protocol = ProtocolId::kIke;
      for (auto& e : c.encr)
        if (is_aead(e.id) == aead) p.transforms.push_back(t(TransformType::kEncr, uint16_t(e.id), e.key_bits));
      if (p.transforms.empty()) continue;
      for (auto pr : prfs_of(c)) p.transforms.push_back(t(TransformType::kPrf, uint16_t(pr)));
      if (!aead)
        for (auto i : c.integ) p.transforms.push_back(t(TransformType::kInteg, uint16_t(i)));
      for (auto g : c.groups) p.transforms.push_back(t(TransformType::kDh, uint16_t(g)));
      p.number = static_cast<uint8_t>(sa.proposals.size() + 1);
      sa.proposals.push_back(std::move(p));
    }
  }
  return sa;
}

std::optional<std::pair<uint8_t, IkeSuite>> select_ike(const SaPayload& offered,
                                                       const std::vector<IkeProposalConfig>& cfg) {
  for (auto& p : offered.proposals)
    for (auto& c : cfg)
      if (auto s = match(p, c)) return std::pair{p.number, *s};
  return std::nullopt;
}

std::optional<IkeSuite> accept_ike(const SaPayload& answer, const std::vector<IkeProposalConfig>& cfg) {
  if (answer.proposals.size() != 1) return std::nullopt;
  auto r = select_ike(answer, cfg);
  if (!r) return std::nullopt;
  return r->second;
}

bool group_configured(const std::vector<IkeProposalConfig>& cfg, DhGroup g) {
  for (auto& c : cfg)
    if (std::find(c.groups.begin(), c.groups.end(), g) != c.groups.end()) return true;
  return false;
}

std::string describe(const SaPayload& sa) {
  std::string s;
  for (auto& p : sa.proposals) s += (s.empty() ? "" : ", ") + proposal_str(p);
  return s.empty() ? "(nothing)" : s;
}

std::string describe(const std::vector<IkeProposalConfig>& cfg) { return describe(ike_sa_payload(cfg)); }

SaPayload esp_sa_payload(const std::vector<ChildTransformConfig>& sets, uint32_t spi, DhGroup pfs) {
  SaPayload sa;
  Bytes spi_b{uint8_t(spi >> 24), uint8_t(spi >> 16), uint8_t(spi >> 8), uint8_t(spi)};
  for (auto& ts : sets) {
    Proposal p;
    p.number = static_cast<uint8_t>(sa.proposals.size() + 1);
    p.protocol = ProtocolId::kEsp;
    p.spi = spi_b;
    p.transforms.push_back(t(TransformType::kEncr, uint16_t(ts.encr), ts.key_bits));
    if (!is_aead(ts.encr) && ts.integ != IntegId::kNone)
      p.transforms.push_back(t(TransformType::kInteg, uint16_t(ts.integ)));
    if (pfs != DhGroup::kNone) p.transforms.push_back(t(TransformType::kDh, uint16_t(pfs)));
    p.transforms.push_back(t(TransformType::kEsn, uint16_t(EsnId::kNo)));
    sa.proposals.push_back(std::move(p));
  }
  return sa;
}

std::optional<EspChoice> select_esp(const SaPayload& offered, const std::vector<ChildTransformConfig>& sets) {
  for (auto& p : offered.proposals) {
    if (p.protocol != ProtocolId::kEsp || p.spi.size() != 4) continue;
    auto esn = ids_of<EsnId>(p, TransformType::kEsn);
    if (!esn.empty() && std::find(esn.begin(), esn.end(), EsnId::kNo) == esn.end()) continue;
    auto integ_o = ids_of<IntegId>(p, TransformType::kInteg);
    for (auto& s : sets) {
      bool encr_ok = std::any_of(p.transforms.begin(), p.transforms.end(), [&](auto& x) {
        return x.type == TransformType::kEncr && x.id == uint16_t(s.encr) && x.key_length.value_or(0) == s.key_bits;
      });
      if (!encr_ok) continue;
      bool aead = is_aead(s.encr);
      bool integ_ok = aead ? std::all_of(integ_o.begin(), integ_o.end(), [](auto i) { return i == IntegId::kNone; })
                           : std::find(integ_o.begin(), integ_o.end(), s.integ) != integ_o.end();
      if (!integ_ok) continue;
      EspChoice c;
      c.number = p.number;
      c.suite = {s.encr, s.key_bits, aead ? IntegId::kNone : s.integ};
      c.peer_spi = uint32_t(p.spi[0]) << 24 | uint32_t(p.spi[1]) << 16 | uint32_t(p.spi[2]) << 8 | p.spi[3];
      return c;
    }
  }
  return std::nullopt;
}

EspPfsChoice select_esp_pfs(const SaPayload& offered, const std::vector<ChildTransformConfig>& sets, DhGroup pfs,
                            DhGroup peer_ke) {
  EspPfsChoice out;
  for (auto& p : offered.proposals) {
    auto esp = select_esp(SaPayload{{p}}, sets);
    if (!esp) continue;
    auto dh = ids_of<DhGroup>(p, TransformType::kDh);
    auto has = [&](DhGroup g) { return std::find(dh.begin(), dh.end(), g) != dh.end(); };
    bool none_ok = dh.empty() || has(DhGroup::kNone);
    DhGroup use = DhGroup::kNone;
    if (pfs != DhGroup::kNone) {
      if (!has(pfs)) continue;
      if (peer_ke != pfs) {
        if (out.want_group == DhGroup::kNone) out.want_group = pfs;
        continue;
      }
      use = pfs;
    } else if (peer_ke != DhGroup::kNone && has(peer_ke) && crypto::dh_supported(peer_ke)) {
      use = peer_ke;
    } else if (!none_ok) {
      for (auto g : dh)
        if (g != DhGroup::kNone && crypto::dh_supported(g) && out.want_group == DhGroup::kNone) out.want_group = g;
      continue;
    } else if (peer_ke != DhGroup::kNone) {
      continue;  // a KE for a group the proposal does not list
    }
    out.esp = esp;
    out.group = use;
    out.want_group = DhGroup::kNone;
    return out;
  }
  return out;
}

DhGroup dh_group_of(const SaPayload& answer) {
  if (answer.proposals.size() != 1) return DhGroup::kNone;
  auto dh = ids_of<DhGroup>(answer.proposals[0], TransformType::kDh);
  return dh.empty() ? DhGroup::kNone : dh[0];
}

std::string describe(const std::vector<ChildTransformConfig>& sets) {
  return describe(esp_sa_payload(sets, 0));
}

const char* encr_name(EncrId e) {
  switch (e) {
    case EncrId::kAesCbc: return "AES-CBC";
    case EncrId::kAesGcm8: return "AES-GCM8";
    case EncrId::kAesGcm12: return "AES-GCM12";
    case EncrId::kAesGcm16: return "AES-GCM";
    default: return "ENCR?";
  }
}
const char* integ_name(IntegId i) {
  switch (i) {
    case IntegId::kNone: return "NONE";
    case IntegId::kHmacMd5_96: return "MD596";
    case IntegId::kHmacSha1_96: return "SHA96";
    case IntegId::kHmacSha2_256_128: return "SHA256";
    case IntegId::kHmacSha2_384_192: return "SHA384";
    case IntegId::kHmacSha2_512_256: return "SHA512";
    default: return "INTEG?";
  }
}
const char* prf_name(PrfId p) {
  switch (p) {
    case PrfId::kHmacMd5: return "MD5";
    case PrfId::kHmacSha1: return "SHA1";
    case PrfId::kHmacSha2_256: return "SHA256";
    case PrfId::kHmacSha2_384: return "SHA384";
    case PrfId::kHmacSha2_512: return "SHA512";
    default: return "PRF?";
  }
}
const char* group_name(DhGroup g) {
  switch (g) {
    case DhGroup::kModp1024: return "MODP1024";
    case DhGroup::kModp1536: return "MODP1536";
    case DhGroup::kModp2048: return "MODP2048";
    case DhGroup::kModp3072: return "MODP3072";
    case DhGroup::kModp4096: return "MODP4096";
    case DhGroup::kEcp256: return "ECP256";
    case DhGroup::kEcp384: return "ECP384";
    case DhGroup::kEcp521: return "ECP521";
    case DhGroup::kCurve25519: return "CURVE25519";
    default: return "DH?";
  }
}

}  // namespace kg::ike
