#include "daemon/config_policy.h"

#include <algorithm>

#include "common/log.h"
#include "crypto/algorithms.h"
#include "wire/eap/eap.h"

namespace kg::daemon {

using namespace kg::ike;

namespace {

// The proposal's registry rows to IKEv2 transforms (the IOS words became
// rows when the lines were accepted).
IkeProposalConfig to_proposal(const std::string& name, const config::Ikev2Proposal& p) {
  IkeProposalConfig c;
  c.name = name;
  for (const crypto::EncrAlgorithm* a : p.encryption) c.encr.push_back(IkeProposalConfig::Encr{EncrId(a->ikev2_id), a->key_bits});
  for (const crypto::IntegAlgorithm* a : p.integrity) c.integ.push_back(IntegId(a->ikev2_id));
  for (const crypto::PrfAlgorithm* a : p.prf) c.prf.push_back(PrfId(a->ikev2_id));
  for (int g : p.groups) c.groups.push_back(static_cast<DhGroup>(g));
  return c;
}

// Transform-set words: each encryption transform is one alternative; the
// integrity transform applies to the non-GCM ones.
std::vector<ChildTransformConfig> to_transforms(const std::string& name, const config::TransformSet& ts) {
  std::vector<ChildTransformConfig> out;
  IntegId integ = IntegId::kNone;
  for (auto& t : ts.transforms)
    if (t.integ) integ = IntegId(t.integ->ikev2_id);
  for (auto& t : ts.transforms) {
    const crypto::EncrAlgorithm* a = t.encr;
    if (!a || !a->esp) continue;
    if (a->aead) out.push_back({name, EncrId(a->ikev2_id), a->key_bits, IntegId::kNone});
    else if (integ != IntegId::kNone) out.push_back({name, EncrId(a->ikev2_id), a->key_bits, integ});
  }
  return out;
}

TrafficSelector ts_for(const Prefix& p) {
  TrafficSelector t;
  t.type = p.addr.is_v4() ? TsType::kIpv4AddrRange : TsType::kIpv6AddrRange;
  t.start = p.first();
  t.end = p.last();
  return t;
}

bool ends_with(const std::string& s, const std::string& suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

using IdKind = config::IkeIdentity::Kind;

// One `match identity remote` rule against the peer's identity.
bool id_matches(const config::IkeIdentity& rule, const Identity& id) {
  std::string data(id.data.begin(), id.data.end());
  switch (rule.kind) {
    case IdKind::kAny: return true;
    case IdKind::kFqdn:
    case IdKind::kEmail:
      if (rule.domain) return identity_in_domain(std::string(rule.kind_word()), rule.value, id);
      return id.type == (rule.kind == IdKind::kFqdn ? IdType::kFqdn : IdType::kRfc822Addr) && data == rule.value;
    case IdKind::kKeyId: return id.type == IdType::kKeyId && data == rule.value;
    case IdKind::kAddress: {
      // `address 0.0.0.0` (seed 004's catch-all for Windows clients), `address
      // 0.0.0.0 0.0.0.0` and `address ::/0`: any peer, whatever its identity type.
      if (rule.address.any()) return true;
      if (id.type != IdType::kIpv4Addr && id.type != IdType::kIpv6Addr) return false;
      auto a = IpAddress::from_bytes(id.data);
      return a && rule.address.prefix.contains(*a);
    }
    case IdKind::kDn: break;
  }
  return false;
}

// The identity an IOS identity line sends or expects exactly: fqdn, email,
// key-id or a host address (not a domain, mask or prefix, any or dn).
std::optional<Identity> identity_of(const config::IkeIdentity& w) {
  Identity id;
  if (w.domain) return std::nullopt;
  switch (w.kind) {
    case IdKind::kFqdn: id.type = IdType::kFqdn; break;
    case IdKind::kEmail: id.type = IdType::kRfc822Addr; break;
    case IdKind::kKeyId: id.type = IdType::kKeyId; break;
    case IdKind::kAddress: {
      if (w.address.form != config::AddressMatch::Form::kHost) return std::nullopt;
      const IpAddress& a = w.address.prefix.addr;
      id.type = a.is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr;
      id.data.assign(a.bytes().begin(), a.bytes().end());
      return id;
    }
    case IdKind::kAny:
    case IdKind::kDn: return std::nullopt;
  }
  id.data.assign(w.value.begin(), w.value.end());
  return id;
}

const char* id_type_word(IdType t) {
  switch (t) {
    case IdType::kIpv4Addr:
    case IdType::kIpv6Addr: return "address";
    case IdType::kFqdn: return "fqdn";
    case IdType::kRfc822Addr: return "email";
    case IdType::kDerAsn1Dn: return "dn";
    case IdType::kKeyId: return "key-id";
    default: return "other";
  }
}

std::string keyring_miss(const std::string& keyring, const Identity* id, const IpAddress& remote) {
  return "keyring " + keyring + " has no peer for address " + remote.str() +
         (id ? " or identity " + id->str() : std::string());
}

}  // namespace

bool identity_in_domain(const std::string& kind, const std::string& domain, const Identity& id) {
  std::string data(id.data.begin(), id.data.end());
  if (kind == "fqdn") return id.type == IdType::kFqdn && (data == domain || ends_with(data, "." + domain));
  if (kind == "email") return id.type == IdType::kRfc822Addr && ends_with(data, "@" + domain);
  return false;
}

// IOS's most specific match first: an exact identity (or hostname), then
// the longest domain, then the address with the longest mask. Without an
// identity (we initiate and know only the peer's address), only addresses.
const config::KeyringPeer* keyring_peer(const config::Ikev2Keyring& kr, const Identity* id, const IpAddress& remote) {
  const config::KeyringPeer* best = nullptr;
  int best_rank = -1;
  auto consider = [&](const config::KeyringPeer& p, int rank) {
    if (rank > best_rank) best = &p, best_rank = rank;
  };
  // Ranks: exact identity 1000, domain 500 + its length (< 256), address 0-128 by mask.
  for (auto& [name, p] : kr.peers) {
    if (id && p.identity) {
      const config::IkeIdentity& w = *p.identity;
      if (w.domain) {
        if (identity_in_domain(std::string(w.kind_word()), w.value, *id))
          consider(p, 500 + int(std::min<size_t>(w.value.size(), 255)));
      } else if (auto want = identity_of(w); want && *want == *id) {
        consider(p, 1000);
      }
    }
    if (id && !p.hostname.empty() && id->type == IdType::kFqdn &&
        std::string(id->data.begin(), id->data.end()) == p.hostname)
      consider(p, 1000);
    if (p.address && p.address->contains(remote)) consider(p, p.address->prefix.len);
  }
  return best;
}

std::optional<Identity> identity_from_words(const std::string& words) {
  auto w = config::IkeIdentity::parse(words);
  return w ? identity_of(*w) : std::nullopt;
}

IkeLimits ConfigPolicy::limits() const {
  const auto& g = model_.ikev2;
  IkeLimits l;
  l.cookie_challenge = uint32_t(g.cookie_challenge.value_or(0));
  l.max_in_negotiation_in = uint32_t(g.max_in_negotiation_in);
  l.max_in_negotiation_out = uint32_t(g.max_in_negotiation_out);
  l.max_sa = uint32_t(g.max_sa.value_or(0));
  l.fragmentation = g.fragmentation;
  l.fragment_mtu = uint16_t(g.fragmentation_mtu.value_or(0));
  return l;
}

std::vector<IkeProposalConfig> ConfigPolicy::ike_proposals(const IpAddress& local) const {
  // crypto ikev2 policy: one whose `match address local` includes us, else
  // one without match statements (the default policy matches everything).
  const config::Ikev2Policy* chosen = nullptr;
  for (auto& [name, pol] : model_.policies) {
    for (const IpAddress& a : pol.match_local)
      if (a == local) chosen = &pol;
    if (chosen) break;
  }
  if (!chosen)
    for (auto& [name, pol] : model_.policies)
      if (pol.match_local.empty()) {
        chosen = &pol;
        break;
      }
  std::vector<IkeProposalConfig> out;
  if (!chosen) return out;
  for (auto& pn : chosen->proposals) {
    auto it = model_.proposals.find(pn);
    if (it != model_.proposals.end()) out.push_back(to_proposal(pn, it->second));
  }
  return out;
}

std::optional<ProfileConfig> ConfigPolicy::build_profile(const std::string& name, const config::Ikev2Profile& p,
                                                         const Identity* remote_id, const IpAddress& remote) const {
  ProfileConfig c;
  c.name = name;
  c.ike_lifetime_s = uint32_t(p.lifetime);
  // dpd in the profile, else crypto ikev2 dpd.
  if (auto& d = p.dpd ? p.dpd : model_.ikev2.dpd)
    c.dpd = DpdConfig{uint32_t(d->interval), uint32_t(d->retry), d->periodic};
  c.nat_force_encap = p.nat_force_encap;
  // No identity local: left without data for the engine to fill in with the
  // SA's address (or the certificate's DN, apply_pki), as IOS does.
  if (p.identity_local)
    if (auto id = identity_of(*p.identity_local)) c.local_id = *id;
  apply_pki(c, p);
  if (c.local_auth == AuthKind::kEap) {  // authentication local eap [md5|mschapv2|gtc] ...
    c.eap_username = p.eap_username;
    c.eap_password = p.eap_password;
    c.eap_method = p.eap_method == "md5"        ? uint8_t(eap::Type::kMd5Challenge)
                   : p.eap_method == "mschapv2" ? uint8_t(eap::Type::kMsChapV2)
                   : p.eap_method == "gtc"      ? uint8_t(eap::Type::kGtc)
                                                : 0;
  }
  if (c.remote_auth.has(AuthKind::kEap)) c.eap = eap_for(p);
  // Pre-shared keys only for the directions that use them (authentication
  // local and remote are independent in IOS).
  bool need_l = c.local_auth == AuthKind::kPsk, need_r = c.remote_auth.has(AuthKind::kPsk);
  Secret lk = p.auth_local_key, rk = p.auth_remote_key;
  std::string why;
  if ((need_l && lk.empty()) || (need_r && rk.empty())) {
    if (p.keyring_local.empty()) {
      why = "no key in `authentication " + std::string(need_l && lk.empty() ? "local" : "remote") +
            " pre-share key` and no keyring local";
    } else if (auto kr = model_.keyrings.find(p.keyring_local); kr == model_.keyrings.end()) {
      why = "keyring local " + p.keyring_local + " is not configured";
    } else if (auto* peer = keyring_peer(kr->second, remote_id, remote); !peer) {
      why = keyring_miss(p.keyring_local, remote_id, remote);
    } else {
      if (lk.empty()) lk = !peer->psk_local.empty() ? peer->psk_local : peer->psk;
      if (rk.empty()) rk = !peer->psk_remote.empty() ? peer->psk_remote : peer->psk;
      for (auto& [pn, pp] : kr->second.peers)
        if (&pp == peer && ((need_l && lk.empty()) || (need_r && rk.empty())))
          why = "keyring " + p.keyring_local + " peer " + pn + " has no " +
                (need_l && lk.empty() ? "local" : "remote") + " pre-shared-key";
    }
  }
  // keyring aaa: what is still missing comes from RADIUS once the peer's
  // identity is known (the responder asks after IDi).
  if ((need_l && lk.empty()) || (need_r && rk.empty()))
    if ((c.aaa_keys = aaa_keyring(model_, p, radius_lookup_, accepted_))) why.clear();
  if ((need_l && lk.empty()) || (need_r && rk.empty())) c.psk_missing = why;
  c.local_psk = std::move(lk);
  c.remote_psk = std::move(rk);
  return c;
}

// authentication remote eap + aaa authentication eap LIST (no LIST: the
// list named default), LIST being `group G`: the RADIUS relay to G.
std::shared_ptr<const ike::EapAuthenticator> ConfigPolicy::eap_for(const config::Ikev2Profile& p) const {
  const std::string& list = p.aaa_authentication_eap.empty() ? std::string("default") : p.aaa_authentication_eap;
  auto it = model_.aaa_authentication_eap.find(list);
  if (it == model_.aaa_authentication_eap.end() || !it->second.starts_with("group ") || !eap_backend_) return nullptr;
  return eap_backend_(it->second.substr(6), p.eap_query_identity);
}

std::optional<ProfileConfig> ConfigPolicy::profile_for_peer(const Identity& remote_id, const IpAddress& local,
                                                            const IpAddress& remote) const {
  return profile_for_peer_cert(remote_id, nullptr, local, remote);
}

bool ConfigPolicy::peer_matches(const config::Ikev2Profile& p, const Identity& id, const crypto::Certificate* cert,
                                const IpAddress&) const {
  for (auto& rule : p.match_identity_remote)
    if (id_matches(rule, id)) return true;
  return cert && cert_matches(p, *cert);
}

bool ConfigPolicy::peer_matches_profile(const ProfileConfig& profile, const Identity& remote_id,
                                        const crypto::Certificate* cert, const IpAddress&,
                                        const IpAddress& remote) const {
  auto it = model_.profiles.find(profile.name);
  if (it == model_.profiles.end()) return true;
  const auto& p = it->second;
  // A profile without match statements puts no condition on the responder.
  if (p.match_identity_remote.empty() && p.match_certificate.empty()) return true;
  return peer_matches(p, remote_id, cert, remote);
}

bool ConfigPolicy::local_matches(const config::Ikev2Profile& p, const IpAddress& local) {
  if (p.match_address_local.empty()) return true;
  for (const IpAddress& a : p.match_address_local)
    if (a == local) return true;
  return false;
}

std::optional<ProfileConfig> ConfigPolicy::profile_for_peer_cert(const Identity& remote_id,
                                                                 const crypto::Certificate* cert,
                                                                 const IpAddress& local,
                                                                 const IpAddress& remote) const {
  // The first matching profile that has the peer's keys; else the first
  // matching one, whose psk_missing then tells the log what is lacking.
  std::optional<ProfileConfig> first;
  for (auto& [name, p] : model_.profiles) {
    if (!local_matches(p, local) || !peer_matches(p, remote_id, cert, remote)) continue;
    auto c = build_profile(name, p, &remote_id, remote);
    if (c && c->psk_missing.empty()) return c;
    if (c && !first) first = std::move(c);
  }
  if (!first) log::warn("IKEv2: " + no_profile_reason(remote_id, local, remote));
  return first;
}

// Why no profile took the peer: each profile and the statement it failed.
std::string ConfigPolicy::no_profile_reason(const Identity& id, const IpAddress& local, const IpAddress& remote) const {
  std::string s = "peer " + remote.str() + " Id: " + id.str() + " (" + id_type_word(id.type) + ") matches no ikev2 profile";
  if (model_.profiles.empty()) return s + ": none is configured";
  std::string sep = ": ";
  for (auto& [name, p] : model_.profiles) {
    s += sep + name + " ";
    sep = "; ";
    if (!local_matches(p, local)) {
      s += "(match address local";
      for (auto& a : p.match_address_local) s += " " + a.str();
      s += ", not " + local.str() + ")";
    } else if (p.match_identity_remote.empty() && p.match_certificate.empty()) {
      s += "(no match identity remote)";
    } else {
      s += "(wants";
      for (auto& r : p.match_identity_remote) s += " " + r.words() + ",";
      for (auto& m : p.match_certificate) s += " certificate map " + m + ",";
      s.back() = ')';
    }
  }
  return s;
}

bool ConfigPolicy::responder_force_encap(const IpAddress& local, const IpAddress& remote) const {
  for (auto& [name, itf] : model_.interfaces) {
    if (itf.shutdown || itf.tunnel_destination.address != remote) continue;
    auto p = model_.profiles.find(profile_for_tunnel(name));
    if (p != model_.profiles.end()) return p->second.nat_force_encap;
  }
  for (auto& [name, p] : model_.profiles)
    if (p.nat_force_encap && local_matches(p, local)) return true;
  return false;
}

std::optional<ProfileConfig> ConfigPolicy::profile_by_name(const std::string& name, const IpAddress& remote) const {
  auto it = model_.profiles.find(name);
  if (it == model_.profiles.end()) return std::nullopt;
  return build_profile(name, it->second, nullptr, remote);
}

std::string ConfigPolicy::profile_for_tunnel(const std::string& ifname) const {
  auto it = model_.interfaces.find(ifname);
  if (it == model_.interfaces.end()) return "default";
  auto ip = model_.ipsec_profiles.find(it->second.tunnel_protection);
  if (ip == model_.ipsec_profiles.end() || ip->second.ikev2_profile.empty()) return "default";
  return ip->second.ikev2_profile;
}

void ConfigPolicy::add_ipv6_selectors(ChildConfig& c, const std::string& ifname,
                                      const config::Interface& itf) const {
  c.local_ts.push_back(ts_for(*Prefix::parse("::/0")));
  for (auto& a : itf.ipv6_addresses) c.remote_ts.push_back(ts_for(Prefix{a.first(), a.len}));
  for (auto& r : model_.ipv6_routes)
    if (r.target.interface == ifname) c.remote_ts.push_back(ts_for(r.prefix));
  if (c.remote_ts.empty()) c.remote_ts.push_back(ts_for(*Prefix::parse("::/0")));
}

std::vector<ChildTransformConfig> transforms_of(const std::string& name, const config::TransformSet& ts) {
  return to_transforms(name, ts);
}

TrafficSelector selector_of(const Prefix& p) { return ts_for(p); }

std::optional<ChildConfig> ConfigPolicy::child_for_tunnel(const std::string& ifname) const {
  auto it = model_.interfaces.find(ifname);
  if (it == model_.interfaces.end() || it->second.tunnel_protection.empty()) return std::nullopt;
  auto ip = model_.ipsec_profiles.find(it->second.tunnel_protection);
  if (ip == model_.ipsec_profiles.end()) return std::nullopt;
  ChildConfig c;
  c.interface = ifname;
  bool transport = false;  // the first usable transform set's mode decides
  for (auto& tsn : ip->second.transform_sets) {
    auto ts = model_.transform_sets.find(tsn);
    if (ts == model_.transform_sets.end()) continue;
    if (c.transforms.empty()) transport = ts->second.mode == "transport";
    for (auto& t : to_transforms(tsn, ts->second)) c.transforms.push_back(t);
  }
  // IOS uses transport mode only where the traffic is the tunnel's own GRE.
  c.transport = transport && is_gre(ifname, it->second);
  if (c.transforms.empty()) return std::nullopt;
  if (ip->second.lifetime_seconds) c.lifetime_s = uint32_t(*ip->second.lifetime_seconds);
  if (ip->second.lifetime_kilobytes) c.lifetime_kb = *ip->second.lifetime_kilobytes;
  if (ip->second.replay_window) c.replay_window = uint32_t(*ip->second.replay_window);
  if (ip->second.pfs_group) c.pfs = static_cast<DhGroup>(*ip->second.pfs_group);
  // Selectors, narrowed to what the tunnel's routes need: anything of ours
  // may enter the tunnel (0.0.0.0/0 locally, like an IOS VTI), and on the far
  // side the tunnel's own subnet plus every prefix routed into the tunnel.
  // tunnel mode ipsec ipv6 carries IPv6 (::/0 and the IPv6 prefixes);
  // tunnel mode gre: the GRE flow between the endpoints (config_policy_gre.cc).
  if (is_gre(ifname, it->second)) {
    add_gre_selectors(c, it->second);
  } else if (it->second.tunnel_mode == config::TunnelMode::kIpsecIpv6) {
    add_ipv6_selectors(c, ifname, it->second);
  } else {
    c.local_ts.push_back(ts_for(*Prefix::parse("0.0.0.0/0")));
    if (auto& p = it->second.ip_address.address) c.remote_ts.push_back(ts_for(Prefix{p->first(), p->len}));
    for (auto& r : model_.routes)
      if (r.target.interface == ifname) c.remote_ts.push_back(ts_for(r.dest));
    if (c.remote_ts.empty()) c.remote_ts.push_back(ts_for(*Prefix::parse("0.0.0.0/0")));
  }
  c.config_request = config_request_for(ifname);
  return c;
}

std::optional<ChildConfig> ConfigPolicy::child_for_peer(const std::string& profile, const IpAddress& local,
                                                        const IpAddress& remote) const {
  for (auto& [name, itf] : model_.interfaces) {
    if (itf.shutdown || itf.tunnel_destination.address != remote) continue;
    if (profile_for_tunnel(name) != profile) continue;
    auto c = child_for_tunnel(name);
    if (c && is_gre(name, itf)) set_gre_local(*c, local);
    return c;
  }
  return child_for_template(profile);  // a hub: the profile's virtual-template
}

}  // namespace kg::daemon
