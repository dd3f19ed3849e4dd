#include "daemon/isakmp_policy.h"

#include <algorithm>
#include <cctype>

#include "common/log.h"
#include "config/isakmp_defaults.h"
#include "daemon/crypto_maps.h"
#include "ikev1/transform_ids.h"

namespace kg::daemon {

std::optional<ikev1::IsakmpPolicy> engine_policy(int priority, const config::IsakmpPolicy& p) {
  ikev1::IsakmpPolicy e;
  e.priority = uint32_t(priority);
  e.encr = p.encryption == "3des" ? crypto::Cipher::k3des : crypto::Cipher::kAesCbc;
  e.key_bits = uint16_t(p.encryption == "3des" ? 192 : p.key_bits);
  if (p.hash == "sha") e.hash = crypto::Prf::kHmacSha1;
  else if (p.hash == "sha256") e.hash = crypto::Prf::kHmacSha2_256;
  else if (p.hash == "sha384") e.hash = crypto::Prf::kHmacSha2_384;
  else if (p.hash == "sha512") e.hash = crypto::Prf::kHmacSha2_512;
  else if (p.hash == "md5") e.hash = crypto::Prf::kHmacMd5;
  else return std::nullopt;
  auto g = ikev1::crypto_group(uint16_t(p.group));
  if (!g) return std::nullopt;
  e.group = *g;
  // ecdsa-sig: any of RFC 4754's three methods stands for it; the engine
  // offers the one of its key's curve (ikev1/policy.h).
  e.auth = p.authentication == "pre-share"   ? isakmp::P1Auth::kPreSharedKey
           : p.authentication == "ecdsa-sig" ? isakmp::P1Auth::kEcdsa256
                                             : isakmp::P1Auth::kRsaSig;
  e.lifetime_s = uint32_t(p.lifetime);
  return e;
}

std::vector<ikev1::IsakmpPolicy> IsakmpPolicy::policies() const {
  auto& m = config_.model().isakmp;
  std::vector<ikev1::IsakmpPolicy> v;
  // seed 001: the default table applies only when no policy is configured.
  const auto& table = m.policies.empty() && m.default_policy ? config::isakmp_default_table() : std::map<int, config::IsakmpPolicy>{};
  for (auto* src : {&m.policies, &table})
    for (auto& [n, p] : *src)
      if (auto e = engine_policy(n, p)) v.push_back(*e);
  return v;
}

// crypto isakmp key ... address A [MASK] | ipv6 A/P: the most specific
// entry holding the peer's address.
const config::IsakmpKey* IsakmpPolicy::address_key(const IpAddress& remote) const {
  const config::IsakmpKey* best = nullptr;
  uint8_t best_len = 0;
  for (auto& k : config_.model().isakmp.keys) {
    if (!k.hostname.empty()) continue;
    std::optional<Prefix> p;
    if (k.mask.empty()) {
      p = Prefix::parse(k.address);
    } else if (auto a = IpAddress::parse(k.address), mask = IpAddress::parse(k.mask); a && mask) {
      p = Prefix::from_mask(*a, *mask);
    }
    if (!p || !p->contains(remote)) continue;
    if (!best || p->len > best_len) {  // the most specific mask wins
      best = &k;
      best_len = p->len;
    }
  }
  return best;
}

std::optional<Secret> IsakmpPolicy::psk(const IpAddress&, const IpAddress& remote) const {
  if (auto* k = address_key(remote)) return k->key;
  // crypto isakmp key ... hostname NAME: in Main Mode the peer is known by
  // its address only, so through the ip host table (seed 001).
  const auto& m = config_.model();
  for (auto& k : m.isakmp.keys) {
    if (k.hostname.empty()) continue;
    if (auto h = m.ip_hosts.find(k.hostname); h != m.ip_hosts.end())
      for (auto& a : h->second)
        if (IpAddress::parse(a) == remote) return k.key;
  }
  return keyring_psk(remote);  // a Main Mode responder does not know the profile yet
}

std::optional<Secret> IsakmpPolicy::hostname_psk(const std::string& fqdn) const {
  for (auto& k : config_.model().isakmp.keys)
    if (!k.hostname.empty() && k.hostname.size() == fqdn.size() &&
        std::equal(k.hostname.begin(), k.hostname.end(), fqdn.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); }))
      return k.key;
  return std::nullopt;
}

ike::DpdConfig IsakmpPolicy::keepalive(const IpAddress&, const std::string& profile) const {
  const auto& m = config_.model();
  if (auto p = m.ezvpn.profiles.find(profile); p != m.ezvpn.profiles.end() && p->second.keepalive)
    return {uint32_t(p->second.keepalive), uint32_t(p->second.keepalive_retry), false};  // IOS: on demand
  const auto& k = m.isakmp.keepalive;
  if (!k) return {};
  return {uint32_t(k->interval), uint32_t(k->retry), k->periodic};
}

bool IsakmpPolicy::dpd_configured() const {
  const auto& m = config_.model();
  return m.isakmp.keepalive || std::any_of(m.ezvpn.profiles.begin(), m.ezvpn.profiles.end(),
                                           [](auto& p) { return p.second.keepalive != 0; });
}

// A static peer: a crypto isakmp key for its address alone (not a subnet or
// 0.0.0.0 0.0.0.0, which dynamic peers use).
bool IsakmpPolicy::invalid_spi_recovery(const IpAddress& remote) const {
  if (!config_.model().isakmp.invalid_spi_recovery) return false;
  for (auto& k : config_.model().isakmp.keys)
    if (k.mask == "255.255.255.255" && IpAddress::parse(k.address) == remote) return true;
  return false;
}

ikev1::LocalIdentity IsakmpPolicy::identity(const std::string& profile) const {
  auto& m = config_.model();
  if (auto p = m.ezvpn.profiles.find(profile); p != m.ezvpn.profiles.end() && !p->second.self_identity_type.empty()) {
    const auto& type = p->second.self_identity_type;
    if (type == "fqdn") return {ikev1::LocalIdentity::Kind::kHostname, m.hostname};
    if (type == "user-fqdn") return {ikev1::LocalIdentity::Kind::kUserFqdn, p->second.self_identity};
    return {};  // address
  }
  if (m.isakmp.identity == "hostname") return {ikev1::LocalIdentity::Kind::kHostname, m.hostname};
  if (m.isakmp.identity == "dn") return {ikev1::LocalIdentity::Kind::kDn, {}};
  return {};
}

std::vector<std::shared_ptr<const crypto::Trustpoint>> IsakmpPolicy::trustpoints() const {
  std::vector<std::shared_ptr<const crypto::Trustpoint>> v;
  if (const config::PkiStore* pki = config_.pki())
    for (auto& [name, tp] : pki->all()) v.push_back(tp);
  return v;
}

bool IsakmpPolicy::fragmentation() const { return config_.model().isakmp.fragmentation; }

// An explicitly configured rsa-sig (ecdsa-sig) policy and a trustpoint
// that can sign with RSA (ECDSA): ISAKMP can authenticate with certificates.
bool IsakmpPolicy::sig_ready() const {
  bool rsa = false, ecdsa = false;
  for (auto& [n, p] : config_.model().isakmp.policies) {
    rsa = rsa || p.authentication == "rsa-sig";
    ecdsa = ecdsa || p.authentication == "ecdsa-sig";
  }
  for (auto& tp : trustpoints())
    if (tp && tp->can_sign() && ((rsa && tp->signer->key().rsa()) || (ecdsa && tp->signer->key().ecdsa()))) return true;
  return false;
}

bool IsakmpPolicy::tunnel_uses_isakmp(const std::string& ifname) const {
  auto& m = config_.model();
  auto it = m.interfaces.find(ifname);
  if (it == m.interfaces.end() || it->second.tunnel_protection.empty() || !it->second.tunnel_destination.address)
    return false;
  auto ip = m.ipsec_profiles.find(it->second.tunnel_protection);
  if (ip == m.ipsec_profiles.end() || !ip->second.ikev2_profile.empty()) return false;
  const IpAddress& dst = *it->second.tunnel_destination.address;
  const std::string* peer = peer_key(dst);
  return psk({}, dst).has_value() || (peer && m.isakmp.peers.at(*peer).has_password) || sig_ready();
}

const std::string* IsakmpPolicy::peer_key(const IpAddress& remote) const {
  auto& peers = config_.model().isakmp.peers;
  if (auto it = peers.find(remote.str()); it != peers.end()) return &it->first;
  if (!names_) return nullptr;
  for (auto& [key, p] : peers)
    if (config::is_fqdn_peer(key) && names_->resolve(key).address == remote) return &key;
  return nullptr;
}

// Only while a name has never been answered: once it has (even "does not
// resolve"), initiations go on with what is known.
bool IsakmpPolicy::peer_lookup_pending(const IpAddress& remote) const {
  if (!names_ || config_.model().isakmp.peers.contains(remote.str())) return false;
  bool pending = false;
  for (auto& [key, p] : config_.model().isakmp.peers)
    if (config::is_fqdn_peer(key)) pending = names_->resolve(key).pending || pending;  // asks every name
  return pending;
}

// crypto isakmp peer address A | fqdn NAME: both the password and the
// client-endpoint (IOS 12.2(8)T: "must be configured"), else Main Mode as
// before.
std::optional<ikev1::AggressivePeer> IsakmpPolicy::aggressive_peer(const IpAddress& remote) const {
  const std::string* key = peer_key(remote);
  if (!key) return std::nullopt;
  const config::IsakmpPeer& p = config_.model().isakmp.peers.at(*key);
  if (!p.has_password || p.endpoint_type.empty()) {
    log::warn("keygated: crypto isakmp peer " + std::string(config::is_fqdn_peer(*key) ? "fqdn " : "address ") + *key + " needs both set aggressive-mode password and " +
              "set aggressive-mode client-endpoint to initiate Aggressive Mode; using Main Mode");
    return std::nullopt;
  }
  ikev1::AggressivePeer a;
  a.psk = p.password;
  if (p.endpoint_type == "ipv4-address" || p.endpoint_type == "ipv6-address") {
    auto ip = IpAddress::parse(p.endpoint);
    if (!ip) return std::nullopt;  // the parser accepted only addresses
    a.id_type = ip->is_v4() ? isakmp::IdType::kIpv4Addr : isakmp::IdType::kIpv6Addr;
    a.id.assign(ip->bytes().begin(), ip->bytes().end());
  } else {
    a.id_type = p.endpoint_type == "fqdn" ? isakmp::IdType::kFqdn : isakmp::IdType::kUserFqdn;
    a.id.assign(p.endpoint.begin(), p.endpoint.end());
  }
  return a;
}

bool IsakmpPolicy::tunnel_serves(const IpAddress& remote) const {
  for (auto& [name, itf] : config_.model().interfaces)
    if (!itf.shutdown && itf.tunnel_destination.address == remote && tunnel_uses_isakmp(name)) return true;
  return false;
}

std::optional<ike::ChildConfig> IsakmpPolicy::child_for_peer(const IpAddress&, const IpAddress& remote) const {
  for (auto& [name, itf] : config_.model().interfaces) {
    if (itf.shutdown || itf.tunnel_destination.address != remote || !tunnel_uses_isakmp(name)) continue;
    return config_.child_for_tunnel(name);
  }
  // A crypto map entry for this peer, or a dynamic map (crypto_maps.h).
  auto plans = crypto_map_plans(config_.model());
  if (auto* p = crypto_map_for_peer(plans, remote)) return p->child;
  return std::nullopt;
}

// The entry child_for_peer takes the peer's IPsec SAs from, if a crypto map's.
std::string IsakmpPolicy::map_profile(const IpAddress&, const IpAddress& remote) const {
  if (tunnel_serves(remote)) return {};
  auto plans = crypto_map_plans(config_.model());
  auto* p = crypto_map_for_peer(plans, remote);
  return p ? p->isakmp_profile : "";
}

}  // namespace kg::daemon
