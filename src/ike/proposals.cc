#include "ike/proposals.h"

#include <algorithm>

#include "crypto/algorithms.h"
#include "crypto/dh.h"

namespace kg::ike {
namespace {

// AEAD per the registry; an ID it does not know is no AEAD.
bool is_aead(EncrId e, uint16_t key_bits) {
  const crypto::EncrAlgorithm* a = crypto::find_encr_by_ikev2_id(uint16_t(e), key_bits);
  return a && a->aead;
}

// The registry's row for an IKEv2 ID whatever the key size (names).
const crypto::EncrAlgorithm* encr_family(EncrId e) {
  for (auto& a : crypto::encr_algorithms())
    if (a.ikev2_id == uint16_t(e)) return &a;
  return nullptr;
}

// IOS behaviour: no PRF configured means the integrity hash; AEAD defaults to SHA-256.
std::vector<PrfId> prfs_of(const IkeProposalConfig& c) {
  if (!c.prf.empty()) return c.prf;
  std::vector<PrfId> out;
  for (auto i : c.integ)
    if (const crypto::IntegAlgorithm* a = crypto::find_integ_by_ikev2_id(uint16_t(i))) out.push_back(prf_id(a->prf));
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
        auto cipher = crypto_cipher(e.id, e.key_bits);
        if (!cipher) continue;  // configured, but not in the registry
        s.cipher.encr = *cipher;
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
  auto crypto_prf_id = crypto_prf(*prf);
  if (!crypto_prf_id) return std::nullopt;
  s.prf = *crypto_prf_id;
  s.group = *dh;
  if (s.cipher.aead()) {
    // §3.3: an AEAD proposal carries no integrity transform, or only NONE.
    for (auto i : integ_o)
      if (i != IntegId::kNone) return std::nullopt;
    s.cipher.integ = crypto::Mac::kNone;
  } else {
    auto in = integ_o.empty() ? std::nullopt : pick(integ_o, c.integ);
    if (!in) return std::nullopt;
    auto mac = crypto_mac(*in);
    if (!mac) return std::nullopt;
    s.cipher.integ = *mac;
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

// key_bits 0: a cipher with one key size whose registry row sends no Key
// Length attribute (RFC 7296 §3.3.5, e.g. RFC 7634 §3).
Transform encr_transform(EncrId e, uint16_t key_bits) {
  return t(TransformType::kEncr, uint16_t(e), key_bits ? std::optional<uint16_t>(key_bits) : std::nullopt);
}
Transform encr_transform(crypto::Cipher c, uint16_t key_bits) { return encr_transform(encr_id(c), key_bits); }

std::string IkeSuite::str() const {
  std::string s = crypto::encr_label(cipher.encr, cipher.key_bits);
  if (cipher.integ != crypto::Mac::kNone) s += std::string("/") + integ_name(cipher.integ);
  return s + "/PRF-" + prf_name(prf) + "/" + group_name(group);
}

SaPayload ike_sa_payload(const std::vector<IkeProposalConfig>& cfg) {
  SaPayload sa;
  for (auto& c : cfg) {
    for (bool aead : {true, false}) {
      Proposal p;
      p.protocol = ProtocolId::kIke;
      for (auto& e : c.encr)
        if (is_aead(e.id, e.key_bits) == aead)
          p.transforms.push_back(encr_transform(e.id, e.key_bits));
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
    p.transforms.push_back(encr_transform(ts.encr, ts.key_bits));
    if (!is_aead(ts.encr, ts.key_bits) && ts.integ != IntegId::kNone)
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
      bool aead = is_aead(s.encr, s.key_bits);
      bool integ_ok = aead ? std::all_of(integ_o.begin(), integ_o.end(), [](auto i) { return i == IntegId::kNone; })
                           : std::find(integ_o.begin(), integ_o.end(), s.integ) != integ_o.end();
      if (!integ_ok) continue;
      auto cipher = crypto_cipher(s.encr, s.key_bits);
      auto mac = crypto_mac(aead ? IntegId::kNone : s.integ);
      if (!cipher || !mac) continue;  // configured, but not in the registry
      EspChoice c;
      c.number = p.number;
      c.suite = {*cipher, s.key_bits, *mac};
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
    } else if (peer_ke != DhGroup::kNone && has(peer_ke) && dh_supported(peer_ke)) {
      use = peer_ke;
    } else if (!none_ok) {
      for (auto g : dh)
        if (g != DhGroup::kNone && dh_supported(g) && out.want_group == DhGroup::kNone) out.want_group = g;
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
  const crypto::EncrAlgorithm* a = encr_family(e);
  return a ? a->name : "ENCR?";
}
const char* integ_name(IntegId i) {
  if (i == IntegId::kNone) return "NONE";
  const crypto::IntegAlgorithm* a = crypto::find_integ_by_ikev2_id(uint16_t(i));
  return a ? a->name : "INTEG?";
}
const char* prf_name(PrfId p) {
  const crypto::PrfAlgorithm* a = crypto::find_prf_by_ikev2_id(uint16_t(p));
  return a ? a->name : "PRF?";
}
const char* group_name(DhGroup g) {
  const crypto::DhAlgorithm* a = crypto::find_dh_by_ikev2_id(uint16_t(g));
  return a ? a->name : "DH?";
}
const char* encr_name(crypto::Cipher c) { return encr_name(encr_id(c)); }
const char* integ_name(crypto::Mac m) { return integ_name(integ_id(m)); }
const char* prf_name(crypto::Prf p) { return prf_name(prf_id(p)); }

}  // namespace kg::ike
