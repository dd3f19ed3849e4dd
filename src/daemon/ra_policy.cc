// ConfigPolicy's remote-access part (seed 004, "FlexVPN AAA Integration"):
// the responder's local authorization of a configuration request (aaa
// authorization + crypto ikev2 authorization policy + ip local pool), the
// Virtual-Template of a hub profile, and the initiator's own request
// (ip address negotiated, route set, route accept any).
#include <cstdlib>
#include <set>
#include <sstream>

#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/config_policy.h"

namespace kg::daemon {
namespace {

// A banner longer than this is cut: it travels in the IKE_AUTH response
// with the rest of the configuration.
constexpr size_t kMaxBanner = 1024;

using Status = ike::ConfigDecision::Status;

// The method name `aaa authorization group|user METHOD` uses for a peer that
// authenticated this way.
std::string method_of(ike::AuthKind k) {
  switch (k) {
    case ike::AuthKind::kPsk: return "psk";
    case ike::AuthKind::kEap: return "eap";
    default: return "cert";
  }
}

// A client's own authorization: the first `authentication remote` method.
std::string method_of(const std::vector<config::AuthMethod>& auth_remote) {
  if (auth_remote.empty() || auth_remote[0] == config::AuthMethod::kPreShare) return "psk";
  if (auth_remote[0] == config::AuthMethod::kEap) return "eap";
  return "cert";
}

// route accept any takes what the peer advertised, except a prefix holding
// either IKE endpoint: routing the peer's own address into the tunnel would
// carry its ESP into itself.
std::vector<Prefix> acceptable(const std::vector<Prefix>& offered, const ike::ConfigQuery& q) {
  std::vector<Prefix> v;
  for (auto& p : offered) {
    if (p.contains(q.remote) || p.contains(q.local)) {
      log::warn("IKEv2: ignored route " + p.str() + " from " + q.remote.str() + " (it holds an IKE endpoint)");
      continue;
    }
    v.push_back(p);
  }
  return v;
}

}  // namespace

std::string ConfigPolicy::serving_interface(const std::string& profile, const IpAddress& remote) const {
  auto p = model_.profiles.find(profile);
  if (p != model_.profiles.end() && p->second.virtual_template)
    return "Virtual-Template" + std::to_string(p->second.virtual_template);
  for (auto& [name, itf] : model_.interfaces)
    if (itf.tunnel_destination.address == remote && profile_for_tunnel(name) == profile)
      return name;
  return "";
}

namespace {

// The daemon's authorizer: local authorization answers at once, inline; a
// query whose profile names a RADIUS group is asked on the loop.
class ProfileAuthorizer final : public ike::Authorizer {
 public:
  explicit ProfileAuthorizer(ConfigPolicy& policy) : policy_(policy) {}
  using ike::Authorizer::completes_at_once;
  ike::ConfigDecision authorize(const ike::ConfigQuery& q) override { return policy_.authorize(q); }
  bool completes_at_once(const ike::ConfigQuery& q) const override { return policy_.authorizes_locally(q); }
  bool answers_on_loop() const override { return true; }
  void begin_authorize(const ike::ConfigQuery& q, AuthorizeDone done) override {
    policy_.begin_authorize(q, std::move(done));
  }

 private:
  ConfigPolicy& policy_;
};

// Peers whose authentication asked RADIUS and left its Accept's attributes
// in AcceptedUsers: EAP users, and PSK peers whose keys came from keyring aaa.
bool cached_from_radius(ike::AuthKind k) { return k == ike::AuthKind::kEap || k == ike::AuthKind::kPsk; }

// The name-mangler's word for an identity type.
std::string kind_of(ike::IdType t) {
  switch (t) {
    case ike::IdType::kFqdn: return "fqdn";
    case ike::IdType::kRfc822Addr: return "email";
    case ike::IdType::kDerAsn1Dn: return "dn";
    case ike::IdType::kKeyId: return "key-id";
    default: return "address";
  }
}

// The EAP Access-Accept's attributes as cached user attributes: its named
// attributes, and the typed ones for an Accept read without them.
aaa::AttributeSet cached_attributes(const aaa::RadiusAuthorization& r, const std::string& source) {
  aaa::AttributeSet out;
  for (const auto& [name, v] : r.attributes.items())
    for (const auto& x : v.values) out.add(name, x, source);
  auto fill = [&](const std::string& name, const std::string& value) {
    if (!value.empty() && !out.find(name)) out.set(name, value, source);
  };
  if (r.framed_ip) fill("Framed-IP-Address", r.framed_ip->str());
  if (r.framed_prefix_len) {
    uint32_t bits = *r.framed_prefix_len ? ~uint32_t(0) << (32 - *r.framed_prefix_len) : 0;
    fill("Framed-IP-Netmask", IpAddress::v4(bits).str());
  }
  fill("ipsec:addr-pool", r.pool);
  std::string dns;
  for (const auto& a : r.dns) dns += (dns.empty() ? "" : " ") + a.str();
  fill("ipsec:dns-servers", dns);
  fill("ipsec:default-domain", r.domain);
  if (!out.find("ipsec:route-set"))
    for (const auto& p : r.routes) out.add("ipsec:route-set", "prefix " + p.str(), source);
  return out;
}

std::vector<IpAddress> words_to_addresses(const std::string& s) {
  std::vector<IpAddress> out;
  std::istringstream in(s);
  for (std::string w; in >> w;)
    if (auto a = IpAddress::parse(w)) out.push_back(*a);
  return out;
}

}  // namespace

ConfigPolicy::ConfigPolicy() : local_authorizer_(std::make_shared<ProfileAuthorizer>(*this)) {}

ConfigPolicy::Gathered ConfigPolicy::plan(const ike::ConfigQuery& q) const {
  Gathered g;
  auto prof = model_.profiles.find(q.profile);
  if (prof == model_.profiles.end()) return g;
  std::string ike_id = q.peer_id.str();
  const aaa::AcceptedUsers::Entry* acc =
      cached_from_radius(q.peer_auth) && accepted_ ? accepted_->find(ike_id) : nullptr;
  g.plan = aaa::plan_authorization(model_, prof->second, method_of(q.peer_auth), kind_of(q.peer_id.type), ike_id,
                                   acc ? acc->user : "");
  auto local = [&](const aaa::AuthorizationStep& s, const std::string& role) -> std::optional<aaa::AttributeSet> {
    auto p = model_.authorization_policies.find(s.name);
    if (p == model_.authorization_policies.end()) {
      g.error = "no crypto ikev2 authorization policy " + s.name;
      return std::nullopt;
    }
    return aaa::policy_attributes(model_, p->second, serving_interface(q.profile, q.remote), iface_,
                                  role + " " + s.name + ", local policy");
  };
  if (g.plan.error.empty()) {
    if (g.plan.user && g.plan.user->radius_group.empty()) g.user = local(*g.plan.user, "user");
    if (g.error.empty() && g.plan.group && g.plan.group->radius_group.empty()) g.group = local(*g.plan.group, "group");
  }
  return g;
}

bool ConfigPolicy::authorizes_locally(const ike::ConfigQuery& q) const {
  auto g = plan(q);
  if (!g.plan.error.empty() || !g.error.empty()) return true;
  return !(g.plan.user && !g.plan.user->radius_group.empty()) && !(g.plan.group && !g.plan.group->radius_group.empty());
}

ike::ConfigDecision ConfigPolicy::authorize(const ike::ConfigQuery& q) {
  auto g = plan(q);
  if (g.error.empty() && ((g.plan.user && !g.plan.user->radius_group.empty()) ||
                          (g.plan.group && !g.plan.group->radius_group.empty())))
    g.error = "RADIUS authorization answers on the event loop only";
  return finish(q, std::move(g));
}

void ConfigPolicy::begin_authorize(const ike::ConfigQuery& q, ike::Authorizer::AuthorizeDone done) {
  struct State {
    Gathered g;
    int pending = 0;
    ike::Authorizer::AuthorizeDone done;
  };
  auto st = std::make_shared<State>();
  st->g = plan(q);
  st->done = std::move(done);
  std::vector<std::pair<bool, aaa::AuthorizationStep>> asks;  // (user?, step)
  if (st->g.plan.error.empty() && st->g.error.empty()) {
    if (st->g.plan.user && !st->g.plan.user->radius_group.empty()) asks.emplace_back(true, *st->g.plan.user);
    if (st->g.plan.group && !st->g.plan.group->radius_group.empty()) asks.emplace_back(false, *st->g.plan.group);
  }
  if (!asks.empty() && !radius_lookup_) st->g.error = "no RADIUS client";
  if (asks.empty() || !st->g.error.empty()) return st->done(finish(q, std::move(st->g)));
  st->pending = int(asks.size());
  for (auto& [user, step] : asks) {
    std::string source = std::string(user ? "user " : "group ") + step.name + ", RADIUS group " + step.radius_group;
    radius_lookup_(step.radius_group, step.name, Secret(std::string_view("cisco")), source,
                   [this, st, q, user = user, name = step.name](Result<aaa::RadiusAuthorization> r) {
                     if (!r) {
                       if (st->g.error.empty())
                         st->g.error = std::string(user ? "user" : "group") + " authorization of " + name + ": " + r.error().message;
                     } else {
                       for (const auto& u : r->unsupported)
                         log::warn("RADIUS: " + name + ": attribute " + u + " is not supported; ignored");
                       (user ? st->g.user : st->g.group) = std::move(r->attributes);
                     }
                     if (--st->pending == 0) st->done(finish(q, std::move(st->g)));
                   });
  }
}

const ConfigPolicy::AuthorizedSession* ConfigPolicy::authorized_session(const IpAddress& remote,
                                                                        const std::string& ike_id) const {
  auto it = sessions_.find(remote.str() + " " + ike_id);
  return it == sessions_.end() ? nullptr : &it->second;
}

void ConfigPolicy::on_session(const ike::SessionEvent& ev) {
  std::string key = ev.remote.addr.str() + " " + ev.remote_id;
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return;
  if (ev.up) {
    it->second.up = true;
    return;
  }
  sessions_.erase(it);
  std::erase(session_order_, key);
}

ike::ConfigDecision ConfigPolicy::finish(const ike::ConfigQuery& q, Gathered g) {
  ike::ConfigDecision d;
  auto prof = model_.profiles.find(q.profile);
  if (prof == model_.profiles.end() || !g.plan.configured) return d;  // no aaa authorization: the request is ignored
  std::string user = q.peer_id.str();
  std::string error = !g.plan.error.empty() ? g.plan.error : g.error;
  // The EAP Access-Accept's attributes (IOS's cached user attributes).
  std::optional<aaa::AcceptedUsers::Entry> radius;
  if (cached_from_radius(q.peer_auth) && accepted_) radius = accepted_->take(user);
  if (!error.empty()) {
    log::warn("IKEv2: authorization of " + q.remote.str() + " Id: " + user + " (profile " + q.profile +
              ") failed: " + error);
    d.status = Status::kRefused;
    d.reason = error;
    return d;
  }
  std::optional<aaa::AttributeSet> cached;
  if (radius) {
    user = radius->user;
    cached = cached_attributes(radius->attrs, "cached user " + user + ", RADIUS");
  }
  // Seed 004, "Attributes – Merging": explicit user over cached user, then
  // merged user over group unless `override`.
  aaa::AttributeSet p = aaa::merge_attributes(cached, g.user, g.group, g.plan.group_override);
  std::string ike_id = q.peer_id.str();
  uint64_t lease = 0;
  std::string key = q.remote.str() + " " + ike_id;
  std::string group = g.plan.group ? g.plan.group->name : "";
  // ipsec:max-logins (sessions of this user) and ipsec:max-users (users of
  // this group): sessions up, or granted in the last minute and coming up.
  auto now = std::chrono::steady_clock::now();
  auto live = [&](const std::string& k, const AuthorizedSession& s) {
    return k != key && (s.up || now - s.granted < std::chrono::seconds(60));
  };
  auto limit = [&](const char* name) -> std::optional<long> {
    auto n = aaa::session_limit(p, name);
    if (!n) log::warn("IKEv2: " + user + ": " + n.error().message + "; ignored");
    return n && *n ? std::optional<long>(**n) : std::nullopt;
  };
  auto over = [&](const std::string& why) {
    log::warn("%AAA-4-LIMIT: authorization of " + q.remote.str() + " Id: " + user + " refused: " + why);
    if (lease && pools_) pools_->release(lease);
    ike::ConfigDecision r;
    r.status = Status::kRefused;
    r.reason = why;
    return r;
  };
  if (auto n = limit("ipsec:max-logins")) {
    long c = 0;
    for (const auto& [k, s] : sessions_) c += live(k, s) && s.user == user;
    if (c >= *n)
      return over("ipsec:max-logins " + std::to_string(*n) + " reached (user " + user + " has " + std::to_string(c) +
                  " session" + (c == 1 ? "" : "s") + ")");
  }
  if (auto n = limit("ipsec:max-users"); n && !group.empty()) {
    std::set<std::string> users;
    for (const auto& [k, s] : sessions_)
      if (live(k, s) && s.group == group && s.user != user) users.insert(s.user);
    if (long(users.size()) >= *n)
      return over("ipsec:max-users " + std::to_string(*n) + " reached (group " + group + " has " +
                  std::to_string(users.size()) + " other user" + (users.size() == 1 ? "" : "s") + ")");
  }
  auto refuse = [&](const std::string& why) {
    log::warn("IKEv2: no address for " + q.remote.str() + " Id: " + user + ": " + why);
    if (lease && pools_) pools_->release(lease);
    ike::ConfigDecision r;
    r.status = Status::kNoAddress;
    return r;
  };
  std::string pool = p.first("ipsec:addr-pool");
  auto framed = IpAddress::parse(p.first("Framed-IP-Address"));
  uint8_t len = 32;
  if (auto m = IpAddress::parse(p.first("Framed-IP-Netmask")))
    if (auto n = mask_to_len(*m)) len = *n;
  if ((q.request.want_ip4 || q.request.ip4) && framed) {
    // RADIUS-managed address (Framed-IP-Address): no local lease.
    d.reply.ip4 = Prefix{*framed, len};
    d.session.address = Prefix{*framed, 32};
  } else if ((q.request.want_ip4 || q.request.ip4) && !pool.empty()) {
    if (!pools_) return refuse("no address pools");
    auto l = pools_->allocate(pool, user);
    if (!l) return refuse(l.error().message);
    lease = *l;
    IpAddress addr = *pools_->lease(lease)->addr;
    d.reply.ip4 = Prefix{addr, len};
    d.session.address = Prefix{addr, 32};
  }
  if (std::string pool6 = p.first("ipv6:addrv6-pool"); (q.request.want_ip6 || q.request.ip6) && !pool6.empty()) {
    if (!pools_) return refuse("no address pools");
    auto l = pools_->allocate6(pool6, user, lease);
    if (!l) return refuse(l.error().message);
    lease = *l;
    d.reply.ip6 = d.session.address6 = pools_->lease(lease)->prefix6;
  }
  d.status = Status::kGranted;
  d.reply.dns = words_to_addresses(p.first("ipsec:dns-servers"));
  if (q.request.want_ip6)
    for (auto& x : words_to_addresses(p.first("ipv6:dns-servers"))) d.reply.dns.push_back(x);
  d.reply.domain = p.first("ipsec:default-domain");
  // ipsec:banner: no standard IKEv2 attribute exists; sent as the Cisco
  // private UNITY_BANNER, which a client that does not know it ignores
  // (RFC 7296 §3.15.1).
  d.reply.banner = p.first("ipsec:banner");
  if (d.reply.banner.size() > kMaxBanner) {
    log::warn("IKEv2: " + user + ": banner of " + std::to_string(d.reply.banner.size()) + " bytes cut to " +
              std::to_string(kMaxBanner));
    d.reply.banner.resize(kMaxBanner);
  }
  for (const auto& r : p.all("ipsec:route-set")) {
    std::istringstream in(r);
    std::string kind, what;
    in >> kind >> what;
    auto x = kind == "prefix" ? Prefix::parse(what) : std::nullopt;
    if (!x) {
      log::warn("IKEv2: " + user + ": route-set \"" + r + "\" not applied (only prefix routes)");
      continue;
    }
    Prefix n{x->first(), x->len};
    if (std::find(d.reply.subnets.begin(), d.reply.subnets.end(), n) == d.reply.subnets.end()) d.reply.subnets.push_back(n);
  }
  if (p.find("ipsec:route-accept")) d.session.routes = acceptable(q.request.subnets, q);
  d.session.lease = lease;
  d.session.interface_config = p.all("ip:interface-config");
  // aaa accounting eap|psk|cert LIST: the list for how the peer authenticated.
  const auto& pr = prof->second;
  const std::string& list = q.peer_auth == ike::AuthKind::kEap   ? pr.aaa_accounting_eap
                            : q.peer_auth == ike::AuthKind::kPsk ? pr.aaa_accounting_psk
                                                                 : pr.aaa_accounting_cert;
  if (accounted_ && !list.empty()) {
    if (auto a = model_.aaa_accounting_network.find(list); a != model_.aaa_accounting_network.end())
      accounted_({ike_id, a->second, user, radius ? radius->attrs.classes : std::vector<Bytes>{},
                  d.session.address ? std::optional<IpAddress>(d.session.address->addr) : std::nullopt});
    else
      log::warn("IKEv2: profile " + q.profile + ": accounting list " + list + " is not defined; no accounting");
  }
  if (!sessions_.contains(key)) {
    if (session_order_.size() >= 4096) {
      sessions_.erase(session_order_.front());
      session_order_.pop_front();
    }
    session_order_.push_back(key);
  }
  sessions_[key] = AuthorizedSession{user, group, p.lines(), false, now};
  std::string policies;
  if (g.plan.user) policies += "user " + g.plan.user->name;
  if (g.plan.group) policies += std::string(policies.empty() ? "" : ", ") + "group " + g.plan.group->name;
  if (cached) policies += std::string(policies.empty() ? "" : ", ") + "cached RADIUS attributes";
  log::info("IKEv2: authorized " + q.remote.str() + " Id: " + user + " (" + policies + "): address " +
            (d.reply.ip4 ? d.reply.ip4->str() : std::string("none")));
  for (const auto& l : p.lines()) log::debug("IKEv2: " + user + ": " + l);
  return d;
}

std::optional<ike::ChildConfig> ConfigPolicy::child_for_template(const std::string& profile) const {
  auto p = model_.profiles.find(profile);
  if (p == model_.profiles.end() || !p->second.virtual_template) return std::nullopt;
  std::string vt = "Virtual-Template" + std::to_string(p->second.virtual_template);
  auto it = model_.interfaces.find(vt);
  if (it == model_.interfaces.end() || it->second.shutdown) return std::nullopt;
  return child_for_tunnel(vt);
}

std::optional<ike::ConfigRequest> ConfigPolicy::config_request_for(const std::string& tunnel) const {
  auto it = model_.interfaces.find(tunnel);
  if (it == model_.interfaces.end() || !config::is_tunnel(tunnel)) return std::nullopt;
  ike::ConfigRequest r;
  bool negotiated = it->second.ip_address.negotiated;
  r.request.want_ip4 = r.request.want_dns = negotiated;
  // IOS: a client's own route set and route accept come from the local
  // authorization its profile names (aaa authorization group ... POLICY);
  // without one it advertises nothing and installs nothing.
  r.accept_routes = false;
  bool authorized = false;
  if (auto prof = model_.profiles.find(profile_for_tunnel(tunnel)); prof != model_.profiles.end()) {
    auto a = aaa::authorize(model_, prof->second, method_of(prof->second.auth_remote), "");
    if (a.configured && a.error.empty()) {
      authorized = true;
      r.request.subnets = aaa::route_set_prefixes(model_, a.attrs, tunnel, iface_);
      r.accept_routes = a.attrs.route_accept_any;
    } else if (a.configured) {
      log::debug("IKEv2: " + tunnel + ": local authorization failed: " + a.error);
    }
  }
  if (!negotiated && !authorized) return std::nullopt;
  return r;
}

}  // namespace kg::daemon
