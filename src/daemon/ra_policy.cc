// ConfigPolicy's remote-access part (seed 004, "FlexVPN AAA Integration"):
// the responder's local authorization of a configuration request (aaa
// authorization + crypto ikev2 authorization policy + ip local pool), the
// Virtual-Template of a hub profile, and the initiator's own request
// (ip address negotiated, route set, route accept any).
#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/config_policy.h"

namespace kg::daemon {
namespace {

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

std::vector<IpAddress> addresses(const std::vector<std::string>& v) {
  std::vector<IpAddress> out;
  for (auto& s : v)
    if (auto a = IpAddress::parse(s)) out.push_back(*a);
  return out;
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

// Local authorization (aaa authorization group ... list LOCAL-NAME): table
// lookups and a pool lease, so it answers at once on the event loop.
class LocalAuthorizer final : public ike::Authorizer {
 public:
  explicit LocalAuthorizer(ConfigPolicy& policy) : policy_(policy) {}
  ike::ConfigDecision authorize(const ike::ConfigQuery& q) override { return policy_.authorize(q); }

 private:
  ConfigPolicy& policy_;
};

}  // namespace

ConfigPolicy::ConfigPolicy() : local_authorizer_(std::make_shared<LocalAuthorizer>(*this)) {}

ike::ConfigDecision ConfigPolicy::authorize(const ike::ConfigQuery& q) {
  ike::ConfigDecision d;
  auto prof = model_.profiles.find(q.profile);
  if (prof == model_.profiles.end()) return d;
  std::string user = q.peer_id.str();
  auto a = aaa::authorize(model_, prof->second, method_of(q.peer_auth), user);
  if (!a.configured) return d;  // no aaa authorization: the request is ignored
  if (!a.error.empty()) {
    log::warn("IKEv2: authorization of " + q.remote.str() + " Id: " + user + " (profile " + q.profile +
              ") failed: " + a.error);
    d.status = Status::kRefused;
    d.reason = a.error;
    return d;
  }
  // What RADIUS said when it accepted this EAP user wins over the local
  // policy (IOS: cached user attributes over group attributes).
  config::AuthorizationPolicy p = a.attrs;
  std::optional<aaa::AcceptedUsers::Entry> radius;
  if (q.peer_auth == ike::AuthKind::kEap && accepted_) radius = accepted_->take(user);
  if (radius) {
    const auto& r = radius->attrs;
    if (!r.pool.empty()) p.pool = r.pool;
    if (!r.dns.empty()) {
      p.dns.clear();
      for (const auto& x : r.dns) p.dns.push_back(x.str());
    }
    if (!r.domain.empty()) p.def_domain = r.domain;
    user = radius->user;
  }
  uint64_t lease = 0;
  auto refuse = [&](const std::string& why) {
    log::warn("IKEv2: no address for " + q.remote.str() + " Id: " + user + ": " + why);
    if (lease && pools_) pools_->release(lease);
    ike::ConfigDecision r;
    r.status = Status::kNoAddress;
    return r;
  };
  if ((q.request.want_ip4 || q.request.ip4) && radius && radius->attrs.framed_ip) {
    // RADIUS-managed address (Framed-IP-Address): no local lease.
    d.reply.ip4 = Prefix{*radius->attrs.framed_ip, radius->attrs.framed_prefix_len.value_or(32)};
    d.session.address = Prefix{*radius->attrs.framed_ip, 32};
  } else if ((q.request.want_ip4 || q.request.ip4) && !p.pool.empty()) {
    if (!pools_) return refuse("no address pools");
    auto l = pools_->allocate(p.pool, user);
    if (!l) return refuse(l.error().message);
    lease = *l;
    IpAddress addr = *pools_->lease(lease)->addr;
    uint8_t len = 32;
    if (auto m = IpAddress::parse(p.netmask))
      if (auto n = mask_to_len(*m)) len = *n;
    d.reply.ip4 = Prefix{addr, len};
    d.session.address = Prefix{addr, 32};
  }
  if ((q.request.want_ip6 || q.request.ip6) && !p.ipv6_pool.empty()) {
    if (!pools_) return refuse("no address pools");
    auto l = pools_->allocate6(p.ipv6_pool, user, lease);
    if (!l) return refuse(l.error().message);
    lease = *l;
    d.reply.ip6 = d.session.address6 = pools_->lease(lease)->prefix6;
  }
  d.status = Status::kGranted;
  d.reply.dns = addresses(p.dns);
  if (q.request.want_ip6)
    for (auto& x : addresses(p.ipv6_dns)) d.reply.dns.push_back(x);
  d.reply.domain = p.def_domain;
  d.reply.subnets = aaa::route_set_prefixes(model_, p, serving_interface(q.profile, q.remote), iface_);
  if (radius)
    for (const auto& r : radius->attrs.routes)
      if (std::find(d.reply.subnets.begin(), d.reply.subnets.end(), r) == d.reply.subnets.end()) d.reply.subnets.push_back(r);
  if (p.route_accept_any) d.session.routes = acceptable(q.request.subnets, q);
  d.session.lease = lease;
  // aaa accounting eap|psk|cert LIST: the list for how the peer authenticated.
  const auto& pr = prof->second;
  const std::string& list = q.peer_auth == ike::AuthKind::kEap   ? pr.aaa_accounting_eap
                            : q.peer_auth == ike::AuthKind::kPsk ? pr.aaa_accounting_psk
                                                                 : pr.aaa_accounting_cert;
  if (accounted_ && !list.empty()) {
    if (auto g = model_.aaa_accounting_network.find(list); g != model_.aaa_accounting_network.end())
      accounted_({q.peer_id.str(), g->second, user, radius ? radius->classes : std::vector<Bytes>{},
                  d.session.address ? std::optional<IpAddress>(d.session.address->addr) : std::nullopt});
    else
      log::warn("IKEv2: profile " + q.profile + ": accounting list " + list + " is not defined; no accounting");
  }
  log::info("IKEv2: authorized " + q.remote.str() + " Id: " + user + " (policy " +
            (a.user_policy.empty() ? a.group_policy : a.user_policy) + (radius && !radius->attrs.empty() ? ", RADIUS attributes" : "") + "): address " +
            (d.reply.ip4 ? d.reply.ip4->str() : std::string("none")));
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
