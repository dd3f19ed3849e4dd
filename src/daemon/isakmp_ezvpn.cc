// The Easy VPN server's configuration for the IKEv1 engine: client
// configuration groups, ISAKMP profiles and crypto keyrings decide an
// Aggressive Mode peer's key and what follows phase 1; XAUTH checks local
// users through the login list; mode configuration leases from the pools.
// With `isakmp authorization list LIST` naming a RADIUS group, a group's key
// and attributes come from RADIUS (User-Name the group, password "cisco",
// as IOS asks): Cisco-AVPair ipsec:tunnel-password is the key, the other
// ipsec: pairs its mode configuration. `crypto aaa attribute list NAME` in a
// group lays an `aaa attribute list`'s entries over the group's attributes.
// `accounting LIST` in the profile accounts each session (Start when its
// first IPsec SA is up, Stop when it ends: daemon/accounting_service.h).
#include <cctype>
#include <sstream>

#include "aaa/ip_pool.h"
#include "common/log.h"
#include "crypto/password.h"
#include "daemon/crypto_maps.h"
#include "daemon/isakmp_policy.h"

namespace kg::daemon {

namespace {

bool in(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

bool address_matches(const std::string& a_mask, const IpAddress& remote) {
  auto sp = a_mask.find(' ');
  auto a = IpAddress::parse(a_mask.substr(0, sp));
  auto m = IpAddress::parse(sp == std::string::npos ? "255.255.255.255" : a_mask.substr(sp + 1));
  if (!a || !m) return false;
  auto p = Prefix::from_mask(*a, *m);
  return p && p->contains(remote);
}

// The key a crypto keyring holds for this peer: by host name for an FQDN
// identity, else by address (the most specific mask).
std::optional<Secret> keyring_key(const config::CryptoKeyring& r, const IpAddress& remote, const std::string& fqdn) {
  const config::CryptoKeyringKey* best = nullptr;
  int best_len = -1;
  for (auto& k : r.keys) {
    if (!k.hostname.empty()) {
      if (!fqdn.empty() && k.hostname == fqdn) return k.key;
      continue;
    }
    auto a = IpAddress::parse(k.address);
    auto m = IpAddress::parse(k.mask);
    if (!a || !m) continue;
    auto p = Prefix::from_mask(*a, *m);
    if (p && p->contains(remote) && int(p->len) > best_len) {
      best = &k;
      best_len = p->len;
    }
  }
  if (best) return best->key;
  return std::nullopt;
}

// local-address WORD: an address, or the address of the interface so named.
std::optional<IpAddress> local_address_of(const config::Model& m, const std::string& word) {
  if (auto a = IpAddress::parse(word)) return a;
  if (auto it = m.interfaces.find(word); it != m.interfaces.end() && it->second.ip_address.address)
    return it->second.ip_address.address->addr;
  return std::nullopt;
}

// match identity user: the whole user@domain, or "@domain" for any user of
// it (case as configured; IOS compares domain names without case).
bool user_matches(const std::vector<std::string>& users, const std::string& id) {
  auto lower = [](std::string s) {
    for (auto& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return s;
  };
  const std::string l = lower(id);
  for (auto& u : users) {
    if (u.starts_with('@') ? l.ends_with(lower(u)) : lower(u) == l) return true;
  }
  return false;
}

// The first crypto isakmp profile (by name) whose match identity lines take
// this peer: its group (ID_KEY_ID, or `group`, the client configuration
// group it fell back to), host or user (FQDN identities) or address
// (`addr`), and whose local-address, if any, is `local`.
const std::pair<const std::string, config::IsakmpProfile>* find_profile(const config::Model& m, isakmp::IdType type,
                                                                        const std::string& id, const std::string& group,
                                                                        const IpAddress& addr, const IpAddress& local) {
  const bool fqdn = type == isakmp::IdType::kFqdn || type == isakmp::IdType::kUserFqdn;
  for (auto& entry : m.ezvpn.profiles) {
    const auto& pr = entry.second;
    if (!pr.local_address.empty() && local_address_of(m, pr.local_address) != local) continue;
    bool match = (type == isakmp::IdType::kKeyId && (in(pr.match_groups, id) || (!group.empty() && in(pr.match_groups, group)))) ||
                 (fqdn && in(pr.match_hosts, id)) || (type == isakmp::IdType::kUserFqdn && user_matches(pr.match_users, id));
    for (auto& a : pr.match_addresses) match = match || address_matches(a, addr);
    if (match) return &entry;
  }
  return nullptr;
}

// Split tunnelling (the group's `acl`): the networks behind the server, from
// each permit entry of a standard list, or of an extended one as IOS reads
// it from the server's side (`permit ip 203.0.113.0 0.0.0.255 any`: the
// source); an entry whose source is `any` gives its destination.
std::vector<Prefix> split_networks(const config::Model& m, const std::string& group, const std::string& acl) {
  std::vector<Prefix> out;
  if (auto std_acl = m.access_lists.find(acl); std_acl != m.access_lists.end()) {
    for (auto& e : std_acl->second.entries) {
      if (!e.permit) continue;
      auto a = IpAddress::parse(e.addr);
      auto w = IpAddress::parse(e.wildcard.empty() ? "0.0.0.0" : e.wildcard);
      if (!a || !w || !a->is_v4()) continue;
      auto wb = w->bytes();
      uint8_t mb[4] = {uint8_t(~wb[0]), uint8_t(~wb[1]), uint8_t(~wb[2]), uint8_t(~wb[3])};
      auto mask = IpAddress::from_bytes(ByteView(mb, 4));
      if (!mask) continue;
      if (auto p = Prefix::from_mask(*a, *mask)) out.push_back(Prefix{p->first(), p->len});
    }
    return out;
  }
  if (auto ext = m.extended_acls.find(acl); ext != m.extended_acls.end()) {
    for (auto& e : ext->second.entries) {
      if (!e.permit) continue;
      const Prefix& p = e.src.len == 0 ? e.dst : e.src;
      if (p.addr.is_v4()) out.push_back(Prefix{p.first(), p.len});
    }
    return out;
  }
  log::warn("Easy VPN group " + group + ": access list " + acl + " is not defined; no split tunnelling");
  return out;
}

// `aaa authorization network LIST group G`: G; "" for a local list; an
// error when LIST is not configured.
Result<std::string> radius_group_of(const config::Model& m, const std::string& list) {
  auto it = m.aaa_authorization_network.find(list);
  if (it == m.aaa_authorization_network.end())
    return fail(Errc::kNotFound, "aaa authorization network " + list + " is not configured");
  if (it->second.starts_with("group ")) return it->second.substr(6);
  return std::string();
}

// The group's key from RADIUS; its other attributes are kept for mode
// configuration (IsakmpPolicy::RadiusGroups).
class RadiusGroupKey final : public ike::PskSource {
 public:
  RadiusGroupKey(std::string group, std::string error, RadiusUserLookup lookup,
                 std::shared_ptr<IsakmpPolicy::RadiusGroups> groups)
      : group_(std::move(group)), error_(std::move(error)), lookup_(std::move(lookup)), groups_(std::move(groups)) {}
  bool answers_on_loop() const override { return true; }
  ike::PeerKeys lookup(const ike::PskQuery&) override { return {{}, {}, "answers on the event loop only"}; }
  void begin_lookup(const ike::PskQuery& q, LookupDone done) override {
    if (!error_.empty()) return done({{}, {}, error_});
    if (!lookup_) return done({{}, {}, "no RADIUS client"});
    std::string name(q.peer_id.data.begin(), q.peer_id.data.end());
    log::debug("IKEv1: group " + name + ": Access-Request to RADIUS group " + group_);
    lookup_(group_, name, Secret(std::string_view("cisco")), "group " + name + " (RADIUS " + group_ + ")",
            [name, groups = groups_, done = std::move(done)](Result<aaa::RadiusAuthorization> r) {
              if (!r) return done({{}, {}, r.error().message});
              if (r->tunnel_password.empty())
                return done({{}, {}, "the Access-Accept for group " + name +
                                         " has no Cisco-AVPair ipsec:tunnel-password"});
              if (groups->size() >= 4096 && !groups->contains(name)) groups->erase(groups->begin());
              (*groups)[name] = {r->attributes, r->classes};
              for (const auto& l : r->attributes.lines()) log::debug("IKEv1: group " + name + ": " + l);
              done({{}, std::move(r->tunnel_password), {}});
            });
  }

 private:
  std::string group_, error_;
  RadiusUserLookup lookup_;
  std::shared_ptr<IsakmpPolicy::RadiusGroups> groups_;
};

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The attributes a group's sessions get, named as RADIUS names them
// (ipsec:addr-pool, ipsec:dns-servers, ipsec:split-tunnel-list ...), laid
// over `g`. An `aaa attribute list` names them without the protocol.
config::EzvpnGroup with_attributes(config::EzvpnGroup g, const aaa::AttributeSet& a) {
  auto on = [](const std::string& v) { return v == "1" || v == "true" || v == "enable"; };
  for (const auto& [raw, v] : a.items()) {
    const std::string name = raw.find(':') == std::string::npos && raw != "Framed-IP-Netmask" ? "ipsec:" + raw : raw;
    const std::string x = v.values.empty() ? "" : v.values.front();
    if (name == "ipsec:addr-pool") g.pool = x;
    else if (name == "ipsec:dns-servers") g.dns = words(x);
    else if (name == "ipsec:wins-servers") g.wins = words(x);
    else if (name == "ipsec:default-domain") g.domain = x;
    else if (name == "ipsec:split-tunnel-list") g.acl = x;
    else if (name == "ipsec:banner") g.banner = x;
    else if (name == "ipsec:save-password") g.save_password = on(x);
    else if (name == "ipsec:include-local-lan") g.include_local_lan = on(x);
    else if (name == "ipsec:pfs") g.pfs = on(x);
    else if (name == "ipsec:split-dns") g.split_dns = words(x);
    else if (name == "ipsec:ipsec-backup-gateway") g.backup_gateways = v.values;
    else if (name == "Framed-IP-Netmask") g.netmask = x;
    else if (name != "ipsec:key-exchange" && name != "ipsec:max-users" && name != "ipsec:max-logins")
      log::debug("IKEv1: attribute " + raw + " (" + v.source + ") does not apply to Easy VPN mode configuration");
  }
  return g;
}

}  // namespace

std::optional<Secret> IsakmpPolicy::keyring_psk(const IpAddress& remote) const {
  std::optional<Secret> k;
  for (auto& [name, r] : config_.model().ezvpn.keyrings)
    if (!k) k = keyring_key(r, remote, "");
  return k;
}

// IOS: a profile with a keyring takes its keys from there only; without
// one, from crypto isakmp key and the keyrings as for any peer.
std::optional<Secret> IsakmpPolicy::profile_psk(const std::string& profile, const IpAddress& local,
                                                const IpAddress& remote) const {
  const auto& ez = config_.model().ezvpn;
  auto p = ez.profiles.find(profile);
  if (p == ez.profiles.end()) {
    log::warn("crypto map: ISAKMP profile " + profile + " is not defined; its peers use crypto isakmp key");
    return psk(local, remote);
  }
  if (p->second.keyring.empty()) return psk(local, remote);
  auto r = ez.keyrings.find(p->second.keyring);
  if (r == ez.keyrings.end()) return std::nullopt;
  return keyring_key(r->second, remote, "");
}

std::string IsakmpPolicy::match_profile(const IpAddress& local, const IpAddress& remote, isakmp::IdType type,
                                        const std::string& id) const {
  auto addr = IpAddress::parse(id);  // an address identity matches by itself
  auto* found = find_profile(config_.model(), type, id, "", addr ? *addr : remote, local);
  return found ? found->first : "";
}

bool IsakmpPolicy::aggressive_mode_disabled() const { return config_.model().ezvpn.aggressive_disabled; }

// The profile's client authentication list, isakmp authorization list or
// client configuration address; where it has none (or there is no profile),
// that of the crypto map serving the peer (crypto map NAME client ..., the
// pre-profile way of seed 001).
static std::string ezvpn_list(const config::Model& m, const config::IsakmpProfile* prof, const IpAddress& remote,
                              std::string config::IsakmpProfile::*pf, std::string config::CryptoMap::*mf) {
  if (prof && !(prof->*pf).empty()) return prof->*pf;
  auto plans = crypto_map_plans(m);
  auto* pl = crypto_map_for_peer(plans, remote);
  auto it = pl ? m.crypto_maps.find(pl->map) : m.crypto_maps.end();
  return it == m.crypto_maps.end() ? std::string() : it->second.*mf;
}

// ipsec:max-users and ipsec:max-logins of a group RADIUS authorized: as
// the group's own max-users / max-logins commands (the engine counts and
// refuses with the same log lines). A malformed value is ignored, as IKEv2
// authorization does, with a warning.
void IsakmpPolicy::ezvpn_group_authorized(ikev1::EzvpnPeer& peer) const {
  auto it = radius_groups_->find(peer.group);
  if (it == radius_groups_->end()) return;
  const std::pair<const char*, std::optional<uint32_t>*> limits[] = {{"ipsec:max-users", &peer.max_users},
                                                                      {"ipsec:max-logins", &peer.max_logins}};
  for (auto [name, limit] : limits) {
    auto n = aaa::session_limit(it->second.attributes, name);
    if (!n) log::warn("IKEv1: group " + peer.group + ": " + n.error().message + "; ignored");
    else if (*n) *limit = **n;
  }
  auto text = [](const std::optional<uint32_t>& n) { return n ? std::to_string(*n) : std::string("none"); };
  if (peer.max_users || peer.max_logins)
    log::debug("IKEv1: group " + peer.group + ": max-users " + text(peer.max_users) + ", max-logins " +
               text(peer.max_logins) + " (RADIUS)");
}

std::optional<ikev1::EzvpnPeer> IsakmpPolicy::ezvpn_peer(const IpAddress& local, const IpAddress& remote,
                                                         isakmp::IdType type, const std::string& id) const {
  const auto& m = config_.model();
  const auto& ez = m.ezvpn;
  ikev1::EzvpnPeer p;
  const config::EzvpnGroup* g = nullptr;
  if (type == isakmp::IdType::kKeyId) {
    auto it = ez.groups.find(id);
    if (it == ez.groups.end()) it = ez.groups.find("default");
    if (it != ez.groups.end()) {
      g = &it->second;
      p.group = it->first;
    }
  }
  const bool fqdn = type == isakmp::IdType::kFqdn || type == isakmp::IdType::kUserFqdn;
  const config::IsakmpProfile* prof = nullptr;
  if (auto* found = find_profile(m, type, id, p.group, remote, local)) {
    prof = &found->second;
    p.profile = found->first;
  }
  using P = config::IsakmpProfile;
  using M = config::CryptoMap;
  bool no_xauth = false;
  const std::string author_list = ezvpn_list(m, prof, remote, &P::authorization_list, &M::authorization_list);
  // isakmp authorization list LIST with a RADIUS group: the group is
  // RADIUS's alone (keygate's local groups are not consulted).
  std::optional<Result<std::string>> radius;
  if (type == isakmp::IdType::kKeyId && !author_list.empty())
    if (auto rg = radius_group_of(m, author_list); !rg || !rg->empty()) radius = rg;
  if (radius) {
    g = nullptr;
    p.group = id;
    p.key_source = std::make_shared<RadiusGroupKey>(*radius ? **radius : "", *radius ? "" : radius->error().message,
                                                    config_.radius_lookup(), radius_groups_);
  } else if (g && g->has_key) {
    p.psk = g->key;
  } else if (prof && !prof->keyring.empty()) {
    auto r = ez.keyrings.find(prof->keyring);
    if (r == ez.keyrings.end()) return std::nullopt;
    auto k = keyring_key(r->second, remote, fqdn ? id : "");
    if (!k) return std::nullopt;
    p.psk = *k;
  } else {
    std::optional<Secret> k;
    for (auto& [name, r] : ez.keyrings)
      if (!k) k = keyring_key(r, remote, fqdn ? id : "");
    if (!k && type == isakmp::IdType::kFqdn) k = hostname_psk(id);  // crypto isakmp key K hostname FQDN
    if (!k) {
      auto* by_address = address_key(remote);
      no_xauth = by_address && by_address->no_xauth;
      k = psk(local, remote);
    }
    if (!k) return std::nullopt;
    p.psk = *k;
  }
  // crypto isakmp key ... no-xauth: a router peer on the same crypto map
  // as Easy VPN clients is not asked for XAUTH (seed 001).
  p.auth_list = no_xauth ? "" : ezvpn_list(m, prof, remote, &P::client_auth_list, &M::client_auth_list);
  p.push_config = ezvpn_list(m, prof, remote, &P::config_address, &M::config_address) == "initiate";
  p.log_connections = !p.group.empty() && (ez.log_all || ez.log_groups.contains(p.group));
  if (g && g->max_users) p.max_users = g->max_users;
  if (g && g->max_logins) p.max_logins = g->max_logins;
  if (prof && prof->virtual_template) p.child = config_.child_for_tunnel("Virtual-Template" + std::to_string(prof->virtual_template));
  if (!p.child) p.child = child_for_peer(local, remote);
  return p;
}

namespace {

// `username NAME secret ...` entries (type 9 hashes), checked inline.
class LocalUsers final : public ike::PasswordChecker {
 public:
  explicit LocalUsers(const ConfigPolicy& config) : config_(config) {}
  ike::PasswordVerdict check(const std::string& user, const Secret& password) override {
    const auto& users = config_.model().users;
    auto u = users.find(user);
    std::string_view pw(reinterpret_cast<const char*>(password.view().data()), password.size());
    if (u == users.end() || u->second.secret.empty() || !crypto::type9_verify(pw, u->second.secret))
      return {"wrong user name or password", "the local user database"};
    return {{}, "the local user database"};
  }

 private:
  const ConfigPolicy& config_;
};

// A list that cannot check anything (its RADIUS group is not configured).
class Refusing final : public ike::PasswordChecker {
 public:
  explicit Refusing(std::string why) : why_(std::move(why)) {}
  ike::PasswordVerdict check(const std::string&, const Secret&) override { return {why_, {}}; }

 private:
  std::string why_;
};

}  // namespace

// aaa authentication login LIST local | group G [local]; `default` is also
// `aaa authentication login default local`.
std::shared_ptr<ike::PasswordChecker> IsakmpPolicy::xauth_checker(const std::string& list,
                                                                  const IpAddress& remote) const {
  const auto& m = config_.model();
  std::string how;
  if (auto it = m.ezvpn.login_lists.find(list); it != m.ezvpn.login_lists.end()) how = it->second;
  else if (list == "default" && m.aaa_login_local) how = "local";
  else return nullptr;
  auto local = std::make_shared<LocalUsers>(config_);
  if (how == "local") return local;
  // "group G" or "group G local"
  std::string group = how.substr(6);
  std::shared_ptr<ike::PasswordChecker> fallback;
  if (auto sp = group.find(' '); sp != std::string::npos) {
    group.resize(sp);
    fallback = local;
  }
  std::shared_ptr<ike::PasswordChecker> radius;
  if (radius_passwords_) radius = radius_passwords_(group, remote, fallback);
  if (radius) return radius;
  if (fallback) return fallback;
  return std::make_shared<Refusing>("login list " + list + ": no aaa group server radius " + group + " (or no RADIUS client)");
}

ikev1::ModeCfgReply IsakmpPolicy::mode_config(const ikev1::ModeCfgQuery& q) const {
  const auto& m = config_.model();
  const std::string& group = q.group;
  const std::string& user = q.user;
  ikev1::ModeCfgReply r;
  auto pr = m.ezvpn.profiles.find(q.profile);
  const config::IsakmpProfile* prof = pr == m.ezvpn.profiles.end() ? nullptr : &pr->second;
  config::EzvpnGroup g;
  // RFC 2865 §5.25: the Class values of the user's XAUTH Access-Accept and
  // of the group's, echoed in the session's accounting.
  std::vector<Bytes> classes = q.classes;
  const std::string author_list =
      ezvpn_list(m, prof, q.remote, &config::IsakmpProfile::authorization_list, &config::CryptoMap::authorization_list);
  auto rg = !author_list.empty() ? radius_group_of(m, author_list) : Result<std::string>(std::string());
  if (rg && !rg->empty()) {
    auto it = radius_groups_->find(group);
    if (it == radius_groups_->end()) return {"group " + group + " has no RADIUS authorization"};
    g = with_attributes({}, it->second.attributes);
    classes.insert(classes.end(), it->second.classes.begin(), it->second.classes.end());
  } else {
    auto it = m.ezvpn.groups.find(group);
    if (it == m.ezvpn.groups.end()) return r;  // no group: nothing to hand out
    g = it->second;
  }
  // crypto aaa attribute list NAME: per-user attributes over the group's.
  if (!g.attribute_list.empty()) {
    auto al = m.aaa_attribute_lists.find(g.attribute_list);
    if (al == m.aaa_attribute_lists.end()) {
      log::warn("Easy VPN group " + group + ": aaa attribute list " + g.attribute_list + " is not defined");
    } else {
      aaa::AttributeSet a;
      for (const auto& x : al->second) a.add(x.name, x.value, "aaa attribute list " + g.attribute_list);
      g = with_attributes(std::move(g), a);
    }
  }
  std::string pool = !g.pool.empty() ? g.pool : m.ezvpn.address_pool;
  if (!pool.empty()) {
    aaa::AddressPools* pools = config_.pools();
    if (!pools) return {"no address pools"};
    auto l = pools->allocate(pool, user);
    if (!l) return {"pool " + pool + ": " + l.error().message};
    r.lease = *l;
    r.address = pools->lease(*l)->addr;
  }
  if (auto mk = IpAddress::parse(g.netmask))
    if (auto n = mask_to_len(*mk)) r.prefix_len = *n;
  for (auto& d : g.dns)
    if (auto a = IpAddress::parse(d)) r.dns.push_back(*a);
  for (auto& d : g.wins)
    if (auto a = IpAddress::parse(d)) r.wins.push_back(*a);
  r.domain = g.domain;
  r.banner = g.banner;
  r.backup_servers = g.backup_gateways;
  r.save_password = g.save_password;
  r.include_local_lan = g.include_local_lan;
  r.pfs = g.pfs;
  r.split_dns = g.split_dns;
  r.firewall_are_u_there = g.firewall_are_u_there;
  if (!g.acl.empty()) r.split_include = split_networks(m, group, g.acl);
  // accounting LIST: the session's Start goes once its first IPsec SA is up.
  if (prof && !prof->accounting_list.empty()) {
    if (auto a = m.aaa_accounting_network.find(prof->accounting_list); a != m.aaa_accounting_network.end())
      config_.account({q.remote_id, a->second, user, std::move(classes), r.address, q.session_id});
    else
      log::warn("IKEv1: isakmp profile " + q.profile + ": accounting list " + prof->accounting_list +
                " is not defined; no accounting");
  }
  return r;
}

}  // namespace kg::daemon
