#include "daemon/config_policy.h"

#include <sstream>

namespace kg::daemon {

using namespace kg::ike;

namespace {

std::vector<std::string> split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> w;
  for (std::string x; in >> x;) w.push_back(x);
  return w;
}

std::optional<IkeProposalConfig::Encr> ike_encr(const std::string& w) {
  if (w == "aes-cbc-128") return IkeProposalConfig::Encr{EncrId::kAesCbc, 128};
  if (w == "aes-cbc-192") return IkeProposalConfig::Encr{EncrId::kAesCbc, 192};
  if (w == "aes-cbc-256") return IkeProposalConfig::Encr{EncrId::kAesCbc, 256};
  if (w == "aes-gcm-128") return IkeProposalConfig::Encr{EncrId::kAesGcm16, 128};
  if (w == "aes-gcm-256") return IkeProposalConfig::Encr{EncrId::kAesGcm16, 256};
  if (w == "3des") return IkeProposalConfig::Encr{EncrId::k3des, 192};
  return std::nullopt;
}

std::optional<IntegId> integ_word(const std::string& w) {
  if (w == "sha1") return IntegId::kHmacSha1_96;
  if (w == "sha256") return IntegId::kHmacSha2_256_128;
  if (w == "sha384") return IntegId::kHmacSha2_384_192;
  if (w == "sha512") return IntegId::kHmacSha2_512_256;
  if (w == "md5") return IntegId::kHmacMd5_96;
  return std::nullopt;
}

std::optional<PrfId> prf_word(const std::string& w) {
  if (w == "sha1") return PrfId::kHmacSha1;
  if (w == "sha256") return PrfId::kHmacSha2_256;
  if (w == "sha384") return PrfId::kHmacSha2_384;
  if (w == "sha512") return PrfId::kHmacSha2_512;
  if (w == "md5") return PrfId::kHmacMd5;
  return std::nullopt;
}

IkeProposalConfig to_proposal(const std::string& name, const config::Ikev2Proposal& p) {
  IkeProposalConfig c;
  c.name = name;
  for (auto& w : p.encryption)
    if (auto e = ike_encr(w)) c.encr.push_back(*e);
  for (auto& w : p.integrity)
    if (auto i = integ_word(w)) c.integ.push_back(*i);
  for (auto& w : p.prf)
    if (auto f = prf_word(w)) c.prf.push_back(*f);
  for (int g : p.groups) c.groups.push_back(static_cast<DhGroup>(g));
  return c;
}

// Transform-set words: each encryption transform is one alternative; the
// integrity transform applies to the non-GCM ones.
std::vector<ChildTransformConfig> to_transforms(const std::string& name, const config::TransformSet& ts) {
  std::vector<ChildTransformConfig> out;
  IntegId integ = IntegId::kNone;
  for (auto& t : ts.transforms) {
    if (t == "esp-sha-hmac") integ = IntegId::kHmacSha1_96;
    else if (t == "esp-sha256-hmac") integ = IntegId::kHmacSha2_256_128;
    else if (t == "esp-sha384-hmac") integ = IntegId::kHmacSha2_384_192;
    else if (t == "esp-sha512-hmac") integ = IntegId::kHmacSha2_512_256;
    else if (t == "esp-md5-hmac") integ = IntegId::kHmacMd5_96;
  }
  for (auto& t : ts.transforms) {
    auto w = split(t);
    if (w.empty()) continue;
    uint16_t bits = w.size() > 1 ? uint16_t(std::stoi(w[1])) : 128;
    if (w[0] == "esp-gcm") out.push_back({name, EncrId::kAesGcm16, bits, IntegId::kNone});
    else if (w[0] == "esp-aes" && integ != IntegId::kNone) out.push_back({name, EncrId::kAesCbc, bits, integ});
    else if (w[0] == "esp-3des" && integ != IntegId::kNone) out.push_back({name, EncrId::k3des, 192, integ});
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

bool id_matches(const std::string& rule, const Identity& id, const IpAddress& remote) {
  auto w = split(rule);
  if (w.empty()) return false;
  std::string data(id.data.begin(), id.data.end());
  auto ends_with = [](const std::string& s, const std::string& suf) {
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
  };
  if (w[0] == "any") return true;
  if (w[0] == "fqdn" && id.type == IdType::kFqdn) {
    if (w.size() == 3 && w[1] == "domain") return data == w[2] || ends_with(data, "." + w[2]);
    return w.size() == 2 && data == w[1];
  }
  if (w[0] == "email" && id.type == IdType::kRfc822Addr) {
    if (w.size() == 3 && w[1] == "domain") return ends_with(data, "@" + w[2]);
    return w.size() == 2 && data == w[1];
  }
  if (w[0] == "key-id" && id.type == IdType::kKeyId) return w.size() == 2 && data == w[1];
  if (w[0] == "address") {
    std::string am = w.size() > 2 ? w[1] + " " + w[2] : (w.size() > 1 ? w[1] : "");
    auto p = parse_addr_mask(am);
    if (!p) return false;
    if (id.type == IdType::kIpv4Addr || id.type == IdType::kIpv6Addr) {
      auto a = IpAddress::from_bytes(id.data);
      return a && p->contains(*a);
    }
    (void)remote;
    return false;
  }
  return false;
}

// A keyring peer matches by address (with mask), identity, or hostname.
const config::KeyringPeer* keyring_peer(const config::Ikev2Keyring& kr, const Identity* id, const IpAddress& remote) {
  for (auto& [name, p] : kr.peers) {
    if (!p.address.empty()) {
      auto pre = parse_addr_mask(p.address);
      if (pre && pre->contains(remote)) return &p;
    }
    if (id && !p.identity.empty()) {
      auto want = identity_from_words(p.identity);
      if (want && *want == *id) return &p;
    }
    if (id && !p.hostname.empty() && id->type == IdType::kFqdn &&
        std::string(id->data.begin(), id->data.end()) == p.hostname)
      return &p;
  }
  return nullptr;
}

}  // namespace

std::optional<Prefix> parse_addr_mask(const std::string& s) {
  auto w = split(s);
  if (w.empty()) return std::nullopt;
  if (w.size() == 1 && w[0].find('/') != std::string::npos) return Prefix::parse(w[0]);  // IPv6 PREFIX/LEN
  auto a = IpAddress::parse(w[0]);
  if (!a) return std::nullopt;
  if (w.size() == 1) return Prefix{*a, uint8_t(a->size() * 8)};
  auto m = IpAddress::parse(w[1]);
  if (!m) return std::nullopt;
  return Prefix::from_mask(*a, *m);
}

std::optional<Identity> identity_from_words(const std::string& words) {
  auto w = split(words);
  if (w.size() != 2) return std::nullopt;
  Identity id;
  if (w[0] == "fqdn") id.type = IdType::kFqdn;
  else if (w[0] == "email") id.type = IdType::kRfc822Addr;
  else if (w[0] == "key-id") id.type = IdType::kKeyId;
  else if (w[0] == "address") {
    auto a = IpAddress::parse(w[1]);
    if (!a) return std::nullopt;
    id.type = a->is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr;
    id.data.assign(a->bytes().begin(), a->bytes().end());
    return id;
  } else {
    return std::nullopt;
  }
  id.data.assign(w[1].begin(), w[1].end());
  return id;
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
    for (auto& m : pol.match_local)
      if (auto a = IpAddress::parse(m); a && *a == local) chosen = &pol;
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
  if (auto id = identity_from_words(p.identity_local)) c.local_id = *id;
  apply_pki(c, p);
  if (c.local_auth == AuthKind::kEap) {  // authentication local eap md5 ...
    c.eap_username = p.eap_username;
    c.eap_password = Secret(std::string_view(p.eap_password));
  }
  // Pre-shared keys only for the directions that use them (authentication
  // local and remote are independent in IOS).
  bool need_l = c.local_auth == AuthKind::kPsk, need_r = c.remote_auth == AuthKind::kPsk;
  std::string lk = p.auth_local_key, rk = p.auth_remote_key;
  if (((need_l && lk.empty()) || (need_r && rk.empty())) && !p.keyring_local.empty()) {
    auto kr = model_.keyrings.find(p.keyring_local);
    if (kr != model_.keyrings.end()) {
      if (auto* peer = keyring_peer(kr->second, remote_id, remote)) {
        if (lk.empty()) lk = !peer->psk_local.empty() ? peer->psk_local : peer->psk;
        if (rk.empty()) rk = !peer->psk_remote.empty() ? peer->psk_remote : peer->psk;
      }
    }
  }
  if ((need_l && lk.empty()) || (need_r && rk.empty())) return std::nullopt;  // no key for this peer
  c.local_psk = Secret(std::string_view(lk));
  c.remote_psk = Secret(std::string_view(rk));
  return c;
}

std::optional<ProfileConfig> ConfigPolicy::profile_for_peer(const Identity& remote_id, const IpAddress& local,
                                                            const IpAddress& remote) const {
  return profile_for_peer_cert(remote_id, nullptr, local, remote);
}

bool ConfigPolicy::peer_matches(const config::Ikev2Profile& p, const Identity& id, const crypto::Certificate* cert,
                                const IpAddress& remote) const {
  for (auto& rule : p.match_identity_remote)
    if (id_matches(rule, id, remote)) return true;
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
  for (auto& m : p.match_address_local)
    if (auto a = IpAddress::parse(m); a && *a == local) return true;
  return false;
}

std::optional<ProfileConfig> ConfigPolicy::profile_for_peer_cert(const Identity& remote_id,
                                                                 const crypto::Certificate* cert,
                                                                 const IpAddress& local,
                                                                 const IpAddress& remote) const {
  for (auto& [name, p] : model_.profiles) {
    if (!local_matches(p, local) || !peer_matches(p, remote_id, cert, remote)) continue;
    auto c = build_profile(name, p, &remote_id, remote);
    if (!c) continue;
    if (c->local_id.data.empty()) {  // IOS default: identity local address
      c->local_id.type = local.is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr;
      c->local_id.data.assign(local.bytes().begin(), local.bytes().end());
    }
    return c;
  }
  return std::nullopt;
}

bool ConfigPolicy::responder_force_encap(const IpAddress& local, const IpAddress& remote) const {
  for (auto& [name, itf] : model_.interfaces) {
    if (itf.shutdown || itf.tunnel_destination.empty()) continue;
    if (auto dst = IpAddress::parse(itf.tunnel_destination); !dst || *dst != remote) continue;
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
  for (auto& a : itf.ipv6_addresses)
    if (auto p = Prefix::parse(a)) c.remote_ts.push_back(ts_for(Prefix{p->first(), p->len}));
  for (auto& r : model_.ipv6_routes) {
    if (r.target != ifname) continue;
    if (auto p = Prefix::parse(r.prefix)) c.remote_ts.push_back(ts_for(*p));
  }
  if (c.remote_ts.empty()) c.remote_ts.push_back(ts_for(*Prefix::parse("::/0")));
}

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
  c.transport = transport && is_gre(it->second);
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
  if (is_gre(it->second)) {
    add_gre_selectors(c, it->second);
  } else if (it->second.tunnel_mode == "ipsec ipv6") {
    add_ipv6_selectors(c, ifname, it->second);
  } else {
    c.local_ts.push_back(ts_for(*Prefix::parse("0.0.0.0/0")));
    if (auto p = parse_addr_mask(it->second.ip_address)) c.remote_ts.push_back(ts_for(Prefix{p->first(), p->len}));
    for (auto& r : model_.routes) {
      if (r.target != ifname) continue;
      if (auto p = parse_addr_mask(r.prefix + " " + r.mask)) c.remote_ts.push_back(ts_for(*p));
    }
    if (c.remote_ts.empty()) c.remote_ts.push_back(ts_for(*Prefix::parse("0.0.0.0/0")));
  }
  c.config_request = config_request_for(ifname);
  return c;
}

std::optional<ChildConfig> ConfigPolicy::child_for_peer(const std::string& profile, const IpAddress& local,
                                                        const IpAddress& remote) const {
  for (auto& [name, itf] : model_.interfaces) {
    if (itf.shutdown || itf.tunnel_destination.empty()) continue;
    auto dst = IpAddress::parse(itf.tunnel_destination);
    if (!dst || *dst != remote) continue;
    if (profile_for_tunnel(name) != profile) continue;
    auto c = child_for_tunnel(name);
    if (c && is_gre(itf)) set_gre_local(*c, local);
    return c;
  }
  return child_for_template(profile);  // a hub: the profile's virtual-template
}

}  // namespace kg::daemon
